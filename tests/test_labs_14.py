"""Lab 14 (music generation): checks, probes and grading end to end.

The solution's answers run in this process (its question cells, exec'd): they must agree with
independent references (collections.Counter, SciPy) on the probes' inputs. Every catalogued
mistake (``seqlab/checks/catalogue/lab14.py``) fails its question's check with a message that
locates it, and no other mistake's words; every variant passes. Grading a notebook with one
mistake loses exactly its points and no other's.
"""

import importlib
import math
import textwrap
from collections import Counter

import numpy as np
import pytest
from labtools import (
    answers,
    grade_mistake,
    questions_that_lost_points,
    solution_path,
    with_answer,
)
from scipy.special import softmax

from seqlab.checks import CheckFailed, catalogue
from seqlab.checks.compare import describe_mismatch
from seqlab.grading import probes as grader_probes

NUMBER = "14"
CATALOGUE = catalogue.load(NUMBER)


def _entries(kind):
    return [
        pytest.param(question, item, id=f"{question}-{item.name}")
        for question, items in getattr(CATALOGUE, kind).items()
        for item in items
    ]


def _check_and_function(question):
    check = getattr(importlib.import_module(f"seqlab.checks.lab{NUMBER}"), question)
    return check, grader_probes.load(NUMBER)[question].function


@pytest.mark.parametrize(("question", "mistake"), _entries("MISTAKES"))
def test_each_catalogued_mistake_is_located(question, mistake):
    check, function = _check_and_function(question)
    wrong = catalogue.define(mistake.code, function, answers(NUMBER))
    with np.errstate(all="ignore"), pytest.raises(CheckFailed) as error:
        check(wrong)
    message = str(error.value).lower()
    assert mistake.locates.lower() in message, message
    others = [m.locates for m in CATALOGUE.MISTAKES[question] if m.locates != mistake.locates]
    assert not [words for words in others if words.lower() in message], message


@pytest.mark.parametrize(("question", "variant"), _entries("VARIANTS"))
def test_each_catalogued_variant_passes(question, variant, capsys):
    check, function = _check_and_function(question)
    check(catalogue.define(variant.code, function, answers(NUMBER)))
    assert f"{question}: all" in capsys.readouterr().out


# --- Independent references: what each question computes, by other code than the solution's ---


def _reference(question, args):
    if question == "q1":
        pieces, min_count = args
        counts = Counter(note for piece in pieces for note in piece)
        kept = sorted(note for note in counts if counts[note] >= min_count)
        return dict(zip(kept, range(3, 3 + len(kept)), strict=True))
    if question == "q2":
        train, val, size, weight = args
        pairs = Counter(pair for ids in train for pair in zip(ids[:-1], ids[1:], strict=True))
        starts = Counter(a for a, _ in pairs.elements())
        notes = Counter(b for _, b in pairs.elements())
        total = sum(notes.values())
        bits = []
        for ids in val:
            for a, b in zip(ids[:-1], ids[1:], strict=True):
                bigram = pairs[a, b] / starts[a] if starts[a] else 0.0
                unigram = (notes[b] + 1) / (total + size)
                bits.append(-math.log2(weight * bigram + (1 - weight) * unigram))
        return sum(bits) / len(bits)
    if question == "q3":
        logits, temperature = args
        if temperature == 0:
            return (np.arange(len(logits)) == np.argmax(logits)).astype(float)
        return softmax(logits / temperature)
    if question == "q4":
        notes, lowest, highest, step = args
        steps = [round(duration / step) for _, duration in notes]
        timeline = np.repeat([pitch for pitch, _ in notes], steps)  # the pitch at each step
        return timeline[np.newaxis, :] == np.arange(lowest, highest + 1)[:, np.newaxis]
    notes, rate, seconds_per_quarter = args
    counts = [round(duration * seconds_per_quarter * rate) for _, duration in notes]
    own_time = np.concatenate([np.arange(count) for count in counts]) / rate
    hertz = np.repeat([440 * 2 ** ((p - 69) / 12) if p else 0.0 for p, _ in notes], counts)
    return np.sin(2 * np.pi * hertz * own_time)


@pytest.mark.parametrize("seed", [0, 7])
def test_the_solution_agrees_with_the_reference_on_probe_inputs(seed):
    """The grader trusts the solution's results: they must be right on whatever is drawn."""
    namespace = answers(NUMBER)
    probes = grader_probes.load(NUMBER)
    for question, calls in grader_probes.draw_calls(probes, seed).items():
        function = namespace[probes[question].function]
        for call in calls:
            result = function(*call.args, **call.kwargs)
            expected = _reference(question, call.args)
            problem = describe_mismatch(result, expected, rtol=1e-6, atol=1e-8)
            assert problem is None, f"{call.text(probes[question].function)}: {problem}"


def test_probes_hold_a_rest_and_an_unseen_previous_note():
    calls = grader_probes.draw_calls(grader_probes.load(NUMBER), 3)
    for call in calls["q2"]:
        train, val = call.args[:2]
        starts = {int(a) for ids in train for a in ids[:-1]}
        assert any(int(a) not in starts for ids in val for a in ids[:-1])
    for question in ("q4", "q5"):
        assert all(any(pitch == 0 for pitch, _ in call.args[0]) for call in calls[question])


# --- Grading end to end ---

# Ids from 0 fails every q1 call: each probe corpus has at least one note to number.
MISTAKE = (
    "q1",
    next(m for m in CATALOGUE.MISTAKES["q1"] if m.name == "ids from 0").code,
    {"q1": 0, "q2": 2, "q3": 2, "q4": 2, "q5": 2},
)


def test_grading_takes_points_off_one_mistake_and_nothing_else(tmp_path):
    question, source, expected_scores = MISTAKE
    solution = solution_path(NUMBER)
    mistaken = with_answer(solution, question, textwrap.dedent(source).strip("\n"))
    row = grade_mistake(solution, mistaken, tmp_path)
    questions = list(expected_scores)
    assert {q: float(row[q]) for q in questions} == expected_scores
    assert questions_that_lost_points(row) == {question}
