"""Labs 09 (forecasting) and 10 (text generation): checks, probes and grading end to end.

The solutions' answers are run in this process (their question cells, exec'd) and must pass
every public check and agree with independent references (Keras, pandas, the standard library)
on the probes' inputs; common mistakes must fail with a hint that names them; grading a
submission with one mistake loses exactly that question's points and no other's.
"""

import math
from collections import Counter
from pathlib import Path

import keras
import nbformat
import numpy as np
import pandas as pd
import pytest
from labtools import (
    answers,
    failure,
    grade_mistake,
    observed,
    questions_that_lost_points,
    with_answer,
)

from seqlab import labs
from seqlab.checks import lab09, lab10
from seqlab.checks.compare import describe_mismatch
from seqlab.grading import probes as grader_probes

ROOT = Path(__file__).resolve().parents[1]
LABS = {"09": "09_forecasting", "10": "10_text_generation"}
CHECKS = {"09": lab09, "10": lab10}




@pytest.fixture(scope="module")
def lab09_answers():
    return answers("09")


@pytest.fixture(scope="module")
def lab10_answers():
    return answers("10")












# --- Independent references: what each question computes, by other code than the solution's ---


def _windows(series, window, horizon):
    """Window i and its target by plain slicing, one start at a time."""
    series = np.asarray(series, dtype=np.float32)
    starts = range(len(series) - window - horizon + 1)
    return (
        np.array([series[i : i + window] for i in starts]),
        np.array([series[i + window + horizon - 1] for i in starts]),
    )


def _reference_09(question, call):
    args = call.args
    if question == "q1":
        return _windows(*args)
    if question == "q2":
        train = pd.Series(args[0])  # pandas skips NaN; ddof=0 is the population deviation
        return tuple(
            ((pd.Series(split) - train.mean()) / train.std(ddof=0)).to_numpy(np.float32)
            for split in args
        )
    if question == "q3":
        inputs, targets = args
        return float(keras.losses.MeanAbsoluteError()(targets, inputs[:, -1]))
    if question == "q4":
        inputs, targets = args
        design = np.column_stack([inputs, np.ones(len(inputs))])
        return np.linalg.solve(design.T @ design, design.T @ targets)  # normal equations
    return lab09.forecaster_summary(*args)


def _keras_greedy(weights, prompt_ids, steps):
    """Greedy text from a Keras model holding ``weights``, re-reading everything each step."""
    vocabulary, embedding = weights[0].shape
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int64"),
            keras.layers.Embedding(vocabulary, embedding),
            keras.layers.GRU(len(weights[2]), return_sequences=True),
            keras.layers.Dense(vocabulary),
        ]
    )
    model.set_weights([w.astype(np.float32) for w in weights])
    written = [int(i) for i in prompt_ids]
    for _ in range(steps):
        logits = keras.ops.convert_to_numpy(model(np.array([written])))[0, -1]
        written.append(int(logits.argmax()))
    return np.array(written[len(prompt_ids) :], dtype=np.int64)


def _reference_10(question, call):
    args = call.args
    if question == "q1":
        (text,) = args
        counts = Counter(text).values()
        return -sum(c / len(text) * math.log2(c / len(text)) for c in counts)
    if question == "q2":
        ids, length = args
        starts = range(0, len(ids) - length, length)
        return (
            np.array([ids[s : s + length] for s in starts]),
            np.array([ids[s + 1 : s + length + 1] for s in starts]),
        )
    if question == "q3":
        logits, targets = args
        nats = keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True)
        return float(keras.ops.mean(nats)) / math.log(2)
    if question == "q4":
        logits, temperature = args
        if temperature == 0:
            return np.eye(logits.shape[-1])[np.argmax(logits, axis=-1)]
        softmax = keras.ops.softmax(keras.ops.cast(logits, "float64") / temperature, axis=-1)
        return keras.ops.convert_to_numpy(softmax)
    if question == "q6":
        return _completed_by_hand(*args)
    return _keras_greedy(*args)


def _completed_by_hand(logits, ids, words):
    """Each prefix's next word: walk the row to its last non-zero id, take the best score."""
    chosen = []
    for row_logits, row_ids in zip(logits, ids, strict=True):
        end = max(t for t, i in enumerate(row_ids) if i != 0)
        scores = list(row_logits[end])
        chosen.append(words[scores.index(max(scores))])
    return chosen


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("number", LABS)
def test_the_solution_agrees_with_the_reference_on_probe_inputs(number, seed):
    """The grader trusts the solution's results: they must be right on whatever is drawn."""
    namespace = answers(number)
    reference = {"09": _reference_09, "10": _reference_10}[number]
    probes = grader_probes.load(number)
    for question, calls in grader_probes.draw_calls(probes, seed).items():
        function = namespace[probes[question].function]
        for call in calls:
            result = observed(probes[question], function, call)
            # Keras computes in float32: compare to its precision.
            problem = describe_mismatch(result, reference(question, call), rtol=1e-4, atol=1e-5)
            assert problem is None, f"{call.text(probes[question].function)}: {problem}"


def test_generation_probes_tell_the_common_mistakes_apart():
    calls = grader_probes.draw_calls(grader_probes.load("10"), 3)["q5"]
    for call in calls:
        right = lab10.greedy_ids(*call.args)
        assert not np.array_equal(right, lab10.greedy_ids(*call.args, carry=False))
        assert not np.array_equal(right, lab10.greedy_ids(*call.args, whole_prompt=False))


def test_completion_probes_hold_full_rows_padding_and_unknown_words():
    for call in grader_probes.draw_calls(grader_probes.load("10"), 3)["q6"]:
        logits, ids, words = call.args
        lengths = (ids != 0).sum(axis=1)
        assert logits.shape == (*ids.shape, len(words)) and words[:2] == ["", "[UNK]"]
        assert lengths.min() >= 1 and lengths.max() == ids.shape[1] > lengths.min()
        assert (ids == 1).any()
        right = lab10.completed(logits, ids, words)
        for name, positions in lab10.mistaken_positions(ids).items():
            assert lab10.completed(logits, ids, words, positions=positions) != right, name


# --- Lab 09: mistakes are located ---


def _windows_shifted(series, window, horizon):
    series = np.asarray(series, dtype=np.float32)
    count = len(series) - window + 1 - horizon
    inputs = np.lib.stride_tricks.sliding_window_view(series, window)[:count]
    return inputs.copy(), series[window + horizon - 2 :][:count].copy()


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (
            lambda make: lambda s, w, h: (make(s, w, h)[0][..., None], make(s, w, h)[1]),
            "(n, window)",
        ),
        (lambda make: lambda s, w, h: make(s, w, h + 1), "len(series) - window - horizon + 1"),
        (lambda make: _windows_shifted, "-1 step off"),
        (lambda make: lambda s, w, h: make(s, w, h)[0], "the pair (inputs, targets)"),
        (lambda make: lambda s, w, h: tuple(a.astype(float) for a in make(s, w, h)), "float32"),
    ],
)
def test_window_mistakes_are_recognised(lab09_answers, mistake, hint):
    assert hint in failure(lab09.q1, mistake(lab09_answers["make_windows_with_target"])).hint


def _scaled_with(statistics):
    def standardize(train, val, test):
        mean, std = statistics(train, val, test)
        return tuple(((split - mean) / std).astype(np.float32) for split in (train, val, test))

    return standardize


@pytest.mark.parametrize(
    ("statistics", "hint"),
    [
        (lambda *s: (np.nanmean(np.concatenate(s)), np.nanstd(np.concatenate(s))), "all three"),
        (lambda train, *_: (np.mean(train), np.std(train)), "np.nanmean"),
        (lambda train, *_: (np.nanmean(train), np.nanstd(train, ddof=1)), "ddof=0"),
    ],
)
def test_scaling_mistakes_are_recognised(statistics, hint):
    assert hint in failure(lab09.q2, _scaled_with(statistics)).hint


def test_each_split_scaled_on_its_own_is_recognised():
    def own(*splits):
        return tuple(((s - np.nanmean(s)) / np.nanstd(s)).astype(np.float32) for s in splits)

    with np.errstate(all="ignore"):
        error = failure(lab09.q2, own)
    assert "its own statistics" in error.hint
    assert "item 1: first difference at position 0" in str(error)


@pytest.mark.parametrize(
    ("mae", "hint"),
    [
        (lambda i, t: float(np.abs(t - i[:, 0]).mean()), "inputs[:, -1]"),
        (lambda i, t: float((t - i[:, -1]).mean()), "absolute value"),
        (lambda i, t: float(((t - i[:, -1]) ** 2).mean()), "squared error"),
    ],
)
def test_persistence_mistakes_are_recognised(mae, hint):
    assert hint in failure(lab09.q3, mae).hint


def test_linear_fit_mistakes_are_recognised(lab09_answers):
    without_intercept = failure(lab09.q4, lambda i, t: np.linalg.lstsq(i, t, rcond=None)[0])
    assert "column of ones" in without_intercept.hint
    fit = lab09_answers["fit_linear_forecaster"]
    assert "intercept last" in failure(lab09.q4, lambda i, t: np.roll(fit(i, t), 1)).hint


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        (
            lambda u: [keras.layers.GRU(u, return_sequences=True), keras.layers.Dense(1)],
            "return_sequences=False",
        ),
        (
            lambda u: [keras.layers.GRU(u), keras.layers.Dense(1, activation="relu")],
            "without an activation",
        ),
        (lambda u: [keras.layers.LSTM(u), keras.layers.Dense(1)], "keras.layers.GRU(units)"),
    ],
)
def test_forecaster_mistakes_are_recognised(body, hint):
    def build_forecaster(window, features, units):
        return keras.Sequential([keras.Input((window, features)), *body(units)])

    assert hint in failure(lab09.q5, build_forecaster).hint


# --- Lab 10: mistakes are located ---


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda entropy: lambda text: entropy(text) * math.log(2), "nats"),
        (lambda entropy: lambda text: -entropy(text), "minus sign"),
        (lambda entropy: lambda text: math.log2(len(set(text))), "frequency"),
    ],
)
def test_entropy_mistakes_are_recognised(lab10_answers, mistake, hint):
    assert hint in failure(lab10.q1, mistake(lab10_answers["unigram_entropy"])).hint


@pytest.mark.parametrize(
    ("pairs", "hint"),
    [
        (lambda ids, n: (ids[: len(ids) // n * n].reshape(-1, n),) * 2, "one step later"),
        (
            lambda ids, n: (
                np.lib.stride_tricks.sliding_window_view(ids[:-1], n),
                np.lib.stride_tricks.sliding_window_view(ids[1:], n),
            ),
            "(len(ids) - 1)",
        ),
    ],
)
def test_pair_mistakes_are_recognised(pairs, hint):
    assert hint in failure(lab10.q2, pairs).hint


def test_overflowing_softmax_and_nats_are_recognised(lab10_answers):
    def naive(logits, targets):
        p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
        return float(-np.log2(np.take_along_axis(p, targets[..., None], axis=-1)).mean())

    with np.errstate(all="ignore"):
        error = failure(lab10.q3, naive)
    assert "got nan, expected 0.5" in str(error)
    assert "subtract each row's maximum" in error.hint
    bits = lab10_answers["bits_per_character"]
    assert "nats" in failure(lab10.q3, lambda logits, t: bits(logits, t) * math.log(2)).hint
    assert "not the sum" in failure(lab10.q3, lambda logits, t: bits(logits, t) * np.size(t)).hint


def test_temperature_mistakes_are_recognised(lab10_answers):
    softmax = lab10_answers["temperature_probabilities"]
    assert (
        "divide the logits"
        in failure(
            lab10.q4,
            lambda logits, t: softmax(np.asarray(logits) * t, 1.0) if t else softmax(logits, 0),
        ).hint
    )
    assert "one-hot" in failure(lab10.q4, lambda logits, t: softmax(logits, t or 1.0)).hint

    def whole_array(logits, temperature):
        if temperature == 0:
            return softmax(logits, 0)
        weights = np.exp(np.asarray(logits, float) / temperature - np.max(logits) / temperature)
        return weights / weights.sum()

    assert "each row" in failure(lab10.q4, whole_array).hint


@pytest.mark.parametrize(
    ("generate", "hint"),
    [
        (lambda w, p, s: lab10.greedy_ids(w, p, s, carry=False), "carry the GRU state"),
        (lambda w, p, s: lab10.greedy_ids(w, p, s, whole_prompt=False), "the whole prompt"),
        (lambda w, p, s: np.concatenate([p, lab10.greedy_ids(w, p, s)]), "not the prompt"),
    ],
)
def test_generation_mistakes_are_recognised(generate, hint):
    assert hint in failure(lab10.q5, generate).hint


def _complete(positions=None, as_ids=False):
    """complete() reading the positions ``positions(ids)`` instead of each prefix's last word."""

    def complete(logits, ids, words):
        at = (ids != 0).sum(axis=1) - 1 if positions is None else positions(ids)
        chosen = logits[np.arange(len(ids)), at].argmax(axis=-1)
        return chosen.tolist() if as_ids else [words[i] for i in chosen]

    return complete


@pytest.mark.parametrize(
    ("complete", "hint"),
    [
        (_complete(lambda ids: np.full(len(ids), -1)), "not at the last column"),
        (_complete(lambda ids: (ids != 0).sum(axis=1)), "already score the word after"),
        (_complete(lambda ids: np.argmin(ids, axis=1) - 1), "has no padding"),
        (_complete(lambda ids: (ids > 1).sum(axis=1) - 1), "only 0 is padding"),
        (_complete(as_ids=True), "not their ids"),
    ],
)
def test_completion_mistakes_are_recognised(complete, hint):
    assert hint in failure(lab10.q6, complete).hint


def test_a_position_past_the_end_is_explained():
    def complete(logits, ids, words):
        return [words[row[len(row)].argmax()] for row in logits]

    error = failure(lab10.q6, complete)
    assert "raised IndexError" in str(error) and "position L - 1" in error.hint


@pytest.mark.parametrize("number", LABS)
def test_messages_never_show_answer_code(number):
    notebook = nbformat.read(ROOT / "solutions" / f"{LABS[number]}.ipynb", as_version=4)
    answer_lines, inside = [], False
    for cell in notebook.cells:
        for line in cell.source.splitlines():
            if line.strip() in (labs.BEGIN, labs.END):
                inside = line.strip() == labs.BEGIN
            elif inside and len(line.strip()) > 12:
                answer_lines.append(line.strip())
    check = CHECKS[number]
    for question in grader_probes.load(number):
        error = failure(getattr(check, question), lambda *args, **kwargs: 0)
        shown = str(error) + "\n".join(error._render_traceback_())
        assert not [line for line in answer_lines if line in shown]


# --- Grading end to end ---

MISTAKES = {
    # lab 09: persistence from the first reading of the window fails all three calls of q3
    "09": (
        "q3",
        "def persistence_mae(inputs, targets):\n"
        "    return float(np.mean(np.abs(targets - inputs[:, 0])))\n",
        {"q1": 2, "q2": 2, "q3": 0, "q4": 2, "q5": 2},
    ),
    # lab 10: temperature 0 treated as 1 fails the one greedy call of q4's five
    "10": (
        "q4",
        "def temperature_probabilities(logits, temperature):\n"
        "    scaled = np.asarray(logits, dtype=np.float64) / (temperature or 1.0)\n"
        "    weights = np.exp(scaled - scaled.max(axis=-1, keepdims=True))\n"
        "    return weights / weights.sum(axis=-1, keepdims=True)\n",
        {"q1": 2, "q2": 2, "q3": 2, "q4": 1.6, "q5": 2, "q6": 2},
    ),
}


@pytest.mark.parametrize("number", LABS)
def test_grading_takes_points_off_one_mistake_and_nothing_else(number, tmp_path):
    name = LABS[number]
    solution_path = ROOT / "solutions" / f"{name}.ipynb"
    question, source, expected_scores = MISTAKES[number]
    mistaken = with_answer(solution_path, question, source)
    row = grade_mistake(solution_path, mistaken, tmp_path)

    questions = list(expected_scores)
    assert {q: float(row[q]) for q in questions} == expected_scores
    assert questions_that_lost_points(row) == {question}
