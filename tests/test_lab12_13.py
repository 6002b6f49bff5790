"""Labs 12 (attention) and 13 (image captioning): probes against references, grading end to end.

``tests/test_every_lab.py`` checks that each solution passes its public checks and that the
probes name its questions; ``tests/test_catalogue.py`` that every catalogued mistake
(``seqlab/checks/catalogue/lab12.py``, ``lab13.py``) is located by its check and loses points
with the grader. Here: the solutions agree, on whatever the probes draw, with references
computed another way (Keras's own layers, the standard library, sorting tuples), the draws cover
the cases that matter, and grading a submission with one mistake loses exactly that question's
points and no other's.
"""

import calendar
import datetime
from pathlib import Path

import nbformat
import numpy as np
import pytest
from labtools import answers, grade_mistake, questions_that_lost_points, solution_path

from seqlab import labs
from seqlab.checks import lab12, lab13
from seqlab.checks.catalogue import load as load_catalogue
from seqlab.checks.compare import describe_mismatch
from seqlab.grading import probes as grader_probes

ROOT = Path(__file__).resolve().parents[1]


# --- references, written another way ---


def italian_reference(year, month, day):
    weekday = datetime.date(year, month, day).strftime("%A")  # English, C locale
    italian = dict(zip(calendar.day_name, lab12.ITALIAN_WEEKDAYS, strict=True))[weekday]
    ordinal = {1: "1º"}.get(day, str(day))
    return " ".join([italian, ordinal, lab12.ITALIAN_MONTHS[month - 1], f"{year:04d}"])


def most_attended_reference(weights, text):
    ended = np.flatnonzero(~weights.any(axis=1))
    steps = ended[0] if len(ended) else len(weights)
    return "".join(text[i] for i in weights[:steps].argmax(axis=1))


LAB12_REFERENCES = {
    "q1": italian_reference,
    "q2": lab12.keras_additive_attention,
    "q3": lab12.keras_attention_decode,
    "q4": most_attended_reference,
}


def strip_reference(images, slots, gap):
    count, height, width = images.shape
    blank = np.zeros((height, width), images.dtype)
    slots_filled = [images[i] if i < count else blank for i in range(slots)]
    spacer = np.zeros((height, gap), images.dtype)
    pieces = [piece for image in slots_filled for piece in (image, spacer)][:-1]
    return np.hstack(pieces)


def captions_reference(captions, max_words):
    ids = {word: index for index, word in enumerate(lab13.WORDS)}
    rows = [[ids[word] for word in caption.split()] + [lab13.END] for caption in captions]
    targets = np.array([row + [lab13.PAD] * (max_words + 1 - len(row)) for row in rows], np.int32)
    decoder_inputs = np.roll(targets, 1, axis=1)
    decoder_inputs[:, 0] = lab13.START
    return decoder_inputs, targets


def beam_reference(scores, log_probs, finished, width):
    options = []
    for parent, score in enumerate(scores):
        if finished[parent]:
            options.append((-score, parent, 0))
        elif np.isfinite(score):
            options += [(-(score + lp), parent, word) for word, lp in enumerate(log_probs[parent])]
    chosen = sorted(option for option in options if np.isfinite(option[0]))[:width]
    return (
        np.array([p for _, p, _ in chosen], np.int64),
        np.array([w for _, _, w in chosen], np.int64),
        np.array([-s for s, _, _ in chosen]),
    )


def word_accuracy_reference(predicted, true):
    pairs = [((p or "").split(), t.split()) for p, t in zip(predicted, true, strict=True)]
    found = sum(
        len([1 for i, word in enumerate(t) if i < len(p) and p[i] == word]) for p, t in pairs
    )
    return found / sum(len(t) for _, t in pairs)


LAB13_REFERENCES = {
    "q1": strip_reference,
    "q2": captions_reference,
    "q3": beam_reference,
    "q4": word_accuracy_reference,
}


@pytest.mark.parametrize(
    ("number", "references"), [("12", LAB12_REFERENCES), ("13", LAB13_REFERENCES)]
)
@pytest.mark.parametrize("seed", [0, 7])
def test_the_solution_agrees_with_the_reference_on_probe_inputs(number, references, seed):
    """The grader trusts the solution's results: they must be right on whatever is drawn."""
    probes = grader_probes.load(number)
    solution = answers(number)
    for question, calls in grader_probes.draw_calls(probes, seed).items():
        function = solution[probes[question].function]
        for call in calls:
            result = function(*call.args)
            expected = references[question](*call.args)
            problem = describe_mismatch(result, expected, rtol=1e-6, atol=1e-8)
            assert problem is None, (
                f"lab {number} {call.text(probes[question].function)}: {problem}"
            )


def test_lab12_probe_draws_cover_the_cases_that_matter():
    calls = grader_probes.draw_calls(grader_probes.load("12"), 3)
    assert any(call.args[2] == 1 for call in calls["q1"]) and any(
        call.args[2] < 10 and call.args[2] != 1 for call in calls["q1"]
    )
    assert all((~call.args[2]).any() for call in calls["q2"]), "padding in every attention call"
    written = [lab12.keras_attention_decode(*call.args)[0] for call in calls["q3"]]
    ends = np.concatenate([(rows == lab12.END).any(axis=1) for rows in written])
    assert ends.any() and not ends.all(), "rows that end and rows that do not"
    assert all((~call.args[2]).any() for call in calls["q3"]), "padding in every decoding call"
    weights = [call.args[0] for call in calls["q4"]]
    assert any(not row.any() for rows in weights for row in rows), "steps after the end"


def test_lab13_probe_draws_cover_the_cases_that_matter():
    calls = grader_probes.draw_calls(grader_probes.load("13"), 3)
    assert {call.args[0].dtype.name for call in calls["q1"]} == {"float32", "float64"}
    assert any(call.args[2] > 0 for call in calls["q1"]) and any(
        call.args[2] == 0 for call in calls["q1"]
    )
    finished = [call.args[2] for call in calls["q3"]]
    assert any(row[0] for row in finished), "a finished caption is the best so far"
    assert any(np.isinf(call.args[0]).any() for call in calls["q3"]), "the first step"
    assert any(call.args[3] > len(call.args[0]) for call in calls["q3"]), "a wide beam"
    predicted = [p for call in calls["q4"] for p in call.args[0]]
    assert None in predicted


def test_the_catalogues_hold_three_mistakes_or_more_per_question():
    for number in ("12", "13"):
        mistakes = load_catalogue(number).MISTAKES
        assert list(mistakes) == list(grader_probes.load(number))
        assert all(len(entries) >= 3 for entries in mistakes.values())


# --- Grading end to end ---


def _mistaken(number: str, question: str, name: str) -> nbformat.NotebookNode:
    """The solution with the catalogued mistake `name` of `question` in its answer cell."""
    notebook = nbformat.read(solution_path(number), as_version=4)
    (mistake,) = [m for m in load_catalogue(number).MISTAKES[question] if m.name == name]
    for cell in notebook.cells:
        if cell.metadata.get("seqlab", {}).get("question") == question:
            cell.source = mistake.code.strip()
    return notebook


# Mistakes that fail every probe call of their question, whatever is drawn: every attention
# call has padding in its first row; every beam step has two extensions or more to order.
@pytest.mark.parametrize(
    ("number", "question", "mistake"),
    [("12", "q3", "padding not masked"), ("13", "q3", "worst first")],
)
def test_grading_takes_points_off_one_mistake_and_nothing_else(
    tmp_path, number, question, mistake
):
    solution = solution_path(number)
    row = grade_mistake(solution, _mistaken(number, question, mistake), tmp_path)

    points = {q.id: float(q.points) for q in labs.questions(nbformat.read(solution, as_version=4))}
    assert {q: float(row[q]) for q in points} == {**points, question: 0.0}
    assert questions_that_lost_points(row) == {question}
