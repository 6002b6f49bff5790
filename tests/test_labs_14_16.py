"""Labs 14 (music), 15 (financial series) and 16 (speech-like audio, CTC): checks, probes and
grading end to end.

The solutions' answers run in this process (their question cells, exec'd): they must agree with
independent references (pandas, Keras, the standard library) on the probes' inputs. Every
catalogued mistake (``seqlab/checks/catalogue/labNN.py``) fails its question's check with a
message that locates it, and no other mistake's words; every variant passes. Grading a notebook
with one mistake loses exactly its points and no other's.
"""

import functools
import importlib
import itertools
import textwrap
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest
from labtools import (
    answers,
    grade_mistake,
    questions_that_lost_points,
    solution_path,
    with_answer,
)

from seqlab.checks import CheckFailed, catalogue
from seqlab.checks.compare import describe_mismatch
from seqlab.grading import probes as grader_probes

ROOT = Path(__file__).resolve().parents[1]
LABS = ["15", "16"]


def _catalogue_entries(kind):
    entries = []
    for number in LABS:
        for question, items in getattr(catalogue.load(number), kind).items():
            entries += [
                pytest.param(number, question, item, id=f"{number}-{question}-{item.name}")
                for item in items
            ]
    return entries


def _check_and_function(number, question):
    check = getattr(importlib.import_module(f"seqlab.checks.lab{number}"), question)
    return check, grader_probes.load(number)[question].function


@pytest.mark.parametrize(("number", "question", "mistake"), _catalogue_entries("MISTAKES"))
def test_each_catalogued_mistake_is_located(number, question, mistake):
    check, function = _check_and_function(number, question)
    wrong = catalogue.define(mistake.code, function, answers(number))
    with np.errstate(all="ignore"), pytest.raises(CheckFailed) as error:
        check(wrong)
    message = str(error.value).lower()
    assert mistake.locates.lower() in message, message
    others = [
        m.locates for m in catalogue.load(number).MISTAKES[question] if m.locates != mistake.locates
    ]
    assert not [words for words in others if words.lower() in message], message


@pytest.mark.parametrize(("number", "question", "variant"), _catalogue_entries("VARIANTS"))
def test_each_catalogued_variant_passes(number, question, variant, capsys):
    check, function = _check_and_function(number, question)
    check(catalogue.define(variant.code, function, answers(number)))
    assert f"{question}: all" in capsys.readouterr().out


# --- Independent references: what each question computes, by other code than the solution's ---


def _reference_15(question, args):
    if question == "q1":
        return np.log(pd.Series(args[0])).diff().to_numpy()[1:]
    if question == "q2":
        returns, days, horizon = args
        mean = pd.Series(returns**2).rolling(days).mean().to_numpy()[days - 1 :]
        return np.sqrt(horizon * mean)
    if question == "q3":
        returns, decay = args
        return pd.Series(returns**2).ewm(alpha=1 - decay, adjust=False).mean().to_numpy()
    if question == "q4":
        returns, horizon = args
        ahead = pd.Series(returns**2).rolling(horizon).sum().shift(-horizon)
        return np.sqrt(ahead.to_numpy()[: len(returns) - horizon])
    forecast, actual = args
    return 1 - np.mean((actual - forecast) ** 2) / np.mean(actual**2)


def _edit_distance(reference, hypothesis):
    """Levenshtein distance by memoised recursion (the solution fills a table row by row)."""

    @functools.cache
    def distance(i, j):
        if not i or not j:
            return i + j
        same = reference[i - 1] == hypothesis[j - 1]
        return min(
            distance(i - 1, j) + 1, distance(i, j - 1) + 1, distance(i - 1, j - 1) + (not same)
        )

    return distance(len(reference), len(hypothesis))


def _reference_16(question, args):
    if question == "q1":
        audio, frame = args
        real, imag = keras.ops.stft(
            audio[: len(audio) // frame * frame].astype("float64"),
            frame,
            frame,
            frame,
            window=np.hanning(frame),
            center=False,
        )
        return keras.ops.convert_to_numpy(real) ** 2 + keras.ops.convert_to_numpy(imag) ** 2
    if question == "q2":
        path, blank = args
        logits = keras.ops.one_hot(path, int(path.max()) + 1)[None]
        decoded, _ = keras.ops.ctc_decode(logits, [len(path)], mask_index=blank)
        return [int(i) for i in keras.ops.convert_to_numpy(decoded)[0, 0] if i >= 0 and i != blank]
    if question == "q3":
        references, hypotheses = args
        errors = sum(map(_edit_distance, references, hypotheses))
        return errors / sum(map(len, references))
    if question == "q4":
        texts, alphabet, length = args
        ids = {letter: number for number, letter in enumerate(alphabet, start=1)}
        return np.array([[ids[c] for c in t] + [0] * (length - len(t)) for t in texts], np.int32)
    (on,) = args
    groups = [(key, len(list(run))) for key, run in itertools.groupby(on.tolist())]
    return np.array([k for k, _ in groups], dtype=bool), np.array([n for _, n in groups])


REFERENCES = {"15": _reference_15, "16": _reference_16}


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("number", LABS)
def test_the_solution_agrees_with_the_reference_on_probe_inputs(number, seed):
    """The grader trusts the solution's results: they must be right on whatever is drawn."""
    namespace = answers(number)
    probes = grader_probes.load(number)
    for question, calls in grader_probes.draw_calls(probes, seed).items():
        function = namespace[probes[question].function]
        for call in calls:
            result = function(*call.args, **call.kwargs)
            expected = REFERENCES[number](question, call.args)
            problem = describe_mismatch(result, expected, rtol=1e-6, atol=1e-8)
            assert problem is None, f"{call.text(probes[question].function)}: {problem}"


def test_returns_probes_tell_std_from_root_mean_square():
    """A drawn window whose returns have a nonzero mean: np.std differs from the RMS."""
    for call in grader_probes.draw_calls(grader_probes.load("15"), 3)["q2"]:
        returns, days, horizon = call.args
        windows = np.lib.stride_tricks.sliding_window_view(returns, days)
        assert not np.allclose(windows.std(axis=1), np.sqrt((windows**2).mean(axis=1)))


# --- Grading end to end ---

MISTAKES = {
    # lab 15: a target that includes the forecast day fails every call of q4
    "15": (
        "q4",
        catalogue.load("15").MISTAKES["q4"][0].code,
        {"q1": 2, "q2": 2, "q3": 2, "q4": 0, "q5": 2},
    ),
    # lab 16: blanks dropped before merging fails every q2 call (each path holds a letter, a
    # blank and the same letter again)
    "16": (
        "q2",
        catalogue.load("16").MISTAKES["q2"][0].code,
        {"q1": 2, "q2": 0, "q3": 2, "q4": 2, "q5": 2},
    ),
}


@pytest.mark.parametrize("number", LABS)
def test_grading_takes_points_off_one_mistake_and_nothing_else(number, tmp_path):
    path = solution_path(number)
    question, source, expected_scores = MISTAKES[number]
    mistaken = with_answer(path, question, textwrap.dedent(source).strip("\n"))
    row = grade_mistake(path, mistaken, tmp_path)
    questions = list(expected_scores)
    assert {q: float(row[q]) for q in questions} == expected_scores
    assert questions_that_lost_points(row) == {question}
