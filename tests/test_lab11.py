"""Lab 11 (sequence to sequence): checks, probes and grading end to end.

The solution's answers are run in this process (its question cells, exec'd) and must pass every
public check and agree, on the probes' inputs, with references computed another way (Keras's own
layers for the decoding loop, text comparison for exact match); common mistakes must fail with a
hint that names them; grading a submission with one mistake loses exactly that question's points
and no other's.
"""

from pathlib import Path

import keras
import nbformat
import numpy as np
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
from seqlab.checks import lab11
from seqlab.checks.compare import describe_mismatch
from seqlab.grading import probes as grader_probes
from seqlab.numpy_rnn import lstm_cell_forward

ROOT = Path(__file__).resolve().parents[1]
NAME = "11_sequence_to_sequence"
SOLUTION = ROOT / "solutions" / f"{NAME}.ipynb"


@pytest.fixture(scope="module")
def solution() -> dict:
    """The functions the solution notebook defines in its question cells."""
    return answers("11")










# --- Independent references for the probes' inputs ---


def keras_greedy_decode(states, weights, start_id, end_id, max_length):
    """The decoding loop run by Keras's own layers, given the decoder's weights."""
    vocab_size, embedding_dim = weights[0].shape
    units = weights[2].shape[0]
    embedding = keras.layers.Embedding(vocab_size, embedding_dim, dtype="float64")
    lstm = keras.layers.LSTM(units, return_state=True, dtype="float64")
    dense = keras.layers.Dense(vocab_size, dtype="float64")
    token = np.full((len(states[0]), 1), start_id)
    embedding.build(token.shape)
    lstm.build((None, 1, embedding_dim))
    dense.build((None, units))
    embedding.set_weights(weights[:1])
    lstm.set_weights(weights[1:4])
    dense.set_weights(weights[4:])
    h, c = (keras.ops.convert_to_tensor(state, dtype="float64") for state in states)
    columns, finished = [], np.zeros(len(states[0]), dtype=bool)
    for _ in range(max_length):
        _, h, c = lstm(embedding(token), initial_state=[h, c])
        token = keras.ops.convert_to_numpy(keras.ops.argmax(dense(h), axis=-1))[:, None]
        columns.append(np.where(finished, 0, token[:, 0]))
        finished |= token[:, 0] == end_id
    return np.stack(columns, axis=1).astype(np.int64)


def exact_match_as_text(predicted, targets, end_id):
    """Rows as strings of token ids, cut after the first end token; unfinished rows never match."""

    def text(row):
        joined, end = " " + " ".join(map(str, row)) + " ", f" {end_id} "
        return joined[: joined.index(end) + len(end)] if end in joined else None

    right = [
        text(guess) is not None and text(guess) == text(target)
        for guess, target in zip(predicted, targets, strict=True)
    ]
    return sum(right) / len(right)


def reference(question, call):
    args = call.args
    if question == "q1":
        targets, start_id = args
        shifted = np.roll(targets, 1, axis=1)
        shifted[:, 0] = start_id
        return shifted
    if question == "q2":
        return lab11.expected_description(*args)
    if question == "q3":
        return keras_greedy_decode(*args)
    return exact_match_as_text(*args)


@pytest.mark.parametrize("seed", [0, 7])
def test_the_solution_agrees_with_the_reference_on_probe_inputs(solution, seed):
    """The grader trusts the solution's results: they must be right on whatever is drawn."""
    probes = grader_probes.load("11")
    for question, calls in grader_probes.draw_calls(probes, seed).items():
        function = solution[probes[question].function]
        for call in calls:
            result = observed(probes[question], function, call)
            problem = describe_mismatch(result, reference(question, call))
            assert problem is None, f"{call.text(probes[question].function)}: {problem}"


def test_probe_draws_cover_the_cases_that_matter():
    """Rows that end early, rows that never end, unfinished and junk-after-end predictions."""
    calls = grader_probes.draw_calls(grader_probes.load("11"), 3)
    written = [keras_greedy_decode(*call.args) for call in calls["q3"]]
    ends = np.concatenate([(rows == lab11.END).any(axis=1) for rows in written])
    assert ends.any() and not ends.all()
    assert any(rows.shape[1] < 4 for rows in written)
    predicted = [call.args[0] for call in calls["q4"]]
    assert any(not (row == lab11.END).any() for rows in predicted for row in rows)
    assert {call.args[0].dtype.name for call in calls["q1"]} == {"int32", "int64"}


# --- Mistakes are located ---


def shifted_left(targets, start_id):
    return np.concatenate([targets[:, 1:], np.zeros_like(targets[:, :1])], axis=1)


def start_prepended(targets, start_id):
    return np.concatenate([np.full((len(targets), 1), start_id, targets.dtype), targets], axis=1)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda targets, start_id: targets, "the very token it must predict"),
        (shifted_left, "shift right, not left"),
        (start_prepended, "drop their last column"),
    ],
)
def test_teacher_forcing_mistakes_are_recognised(answer, hint):
    assert hint in failure(lab11.q1, answer).hint


def _model(mask_zero=True, pass_states=True, return_sequences=True, names=True, shared=False):
    def build_encoder_decoder(vocab_size, embedding_dim, units):
        def name(text):
            return text if names else None

        problem = keras.Input(shape=(None,), dtype="int32")
        encoder_embedding = keras.layers.Embedding(
            vocab_size, embedding_dim, mask_zero=mask_zero, name=name("encoder_embedding")
        )
        encoder = keras.layers.LSTM(units, return_state=True, name=name("encoder"))
        _, h, c = encoder(encoder_embedding(problem))
        answer = keras.Input(shape=(None,), dtype="int32")
        decoder_embedding = (
            encoder_embedding
            if shared
            else keras.layers.Embedding(vocab_size, embedding_dim, name=name("decoder_embedding"))
        )
        decoder = keras.layers.LSTM(units, return_sequences=return_sequences, name=name("decoder"))
        y = decoder(decoder_embedding(answer), initial_state=[h, c] if pass_states else None)
        dense = keras.layers.Dense(vocab_size, activation="softmax", name=name("next_token"))
        return keras.Model([problem, answer], dense(y))

    return build_encoder_decoder


@pytest.mark.parametrize(
    ("build", "message", "hint"),
    [
        (_model(mask_zero=False), "'encoder ignores padding': got False", "mask_zero=True"),
        (_model(pass_states=False), 'states": got False', "initial_state=[state_h, state_c]"),
        (_model(return_sequences=False), "returned 2 items, expected 3", "return_sequences=True"),
        (_model(names=False), "'names'", "missing: ['encoder_embedding', 'encoder'"),
        (_model(shared=True), "key 'Embedding': got 1, expected 2", "one per side"),
    ],
)
def test_model_mistakes_are_located(build, message, hint):
    error = failure(lab11.q2, build)
    assert message in str(error)
    assert hint in error.hint


def test_a_model_that_cannot_be_called_says_how_to_call_it():
    def one_input(vocab_size, embedding_dim, units):
        ids = keras.Input(shape=(None,), dtype="int32")
        x = keras.layers.Embedding(vocab_size, embedding_dim)(ids)
        return keras.Model(ids, keras.layers.Dense(vocab_size, activation="softmax")(x))

    error = failure(lab11.q2, one_input)
    assert "key 'inputs': got 1, expected 2" in str(error)
    assert "two inputs" in error.hint
    assert lab11.describe_model("not a model") is None


def test_decoding_mistakes_are_located(solution):
    decode = solution["greedy_decode"]

    def never_stops(states, weights, start_id, end_id, max_length):
        return decode(states, weights, start_id, -1, max_length)  # no token ends a row

    assert "the rest of that row is 0" in failure(lab11.q3, never_stops).hint

    def writes_start(states, weights, start_id, end_id, max_length):
        written = decode(states, weights, start_id, end_id, max_length - 1)
        return np.concatenate([np.full((len(written), 1), start_id), written], axis=1)

    assert "do not write the start token" in failure(lab11.q3, writes_start).hint

    def from_zeros(states, weights, start_id, end_id, max_length):
        return decode([np.zeros_like(s) for s in states], weights, start_id, end_id, max_length)

    assert "not zeros" in failure(lab11.q3, from_zeros).hint

    def reads_c(states, weights, start_id, end_id, max_length):
        embeddings, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = weights
        h, c = states
        token, rows = np.full(len(h), start_id), []
        finished = np.zeros(len(h), dtype=bool)
        for _ in range(max_length):
            h, c = lstm_cell_forward(embeddings[token], h, c, kernel, recurrent_kernel, bias)
            token = np.argmax(c @ dense_kernel + dense_bias, axis=1)
            rows.append(np.where(finished, 0, token))
            finished |= token == end_id
        return np.stack(rows, axis=1).astype(np.int64)

    assert "reads the hidden state h" in failure(lab11.q3, reads_c).hint

    def no_feedback(states, weights, start_id, end_id, max_length):
        embeddings, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = weights
        h, c = states
        rows, finished = [], np.zeros(len(h), dtype=bool)
        for _ in range(max_length):
            x = embeddings[np.full(len(h), start_id)]
            h, c = lstm_cell_forward(x, h, c, kernel, recurrent_kernel, bias)
            token = np.argmax(h @ dense_kernel + dense_bias, axis=1)
            rows.append(np.where(finished, 0, token))
            finished |= token == end_id
        return np.stack(rows, axis=1).astype(np.int64)

    assert "feed back the token just written" in failure(lab11.q3, no_feedback).hint


def test_exact_match_mistakes_are_recognised():
    def token_share(predicted, targets, end_id):
        steps = targets != 0
        return float(np.mean(predicted[:, : targets.shape[1]][steps] == targets[steps]))

    assert "share of right tokens" in failure(lab11.q4, token_share).hint

    def whole_rows(predicted, targets, end_id):
        width = max(predicted.shape[1], targets.shape[1])
        rows = [np.pad(a, ((0, 0), (0, width - a.shape[1]))) for a in (predicted, targets)]
        return float(np.mean(np.all(rows[0] == rows[1], axis=1)))

    assert "after the end token" in failure(lab11.q4, whole_rows).hint

    def count(predicted, targets, end_id):
        return sum(
            list(p[: list(p).index(end_id) + 1]) == list(t[: list(t).index(end_id) + 1])
            for p, t in zip(predicted, targets, strict=True)
            if end_id in p
        )

    assert "not their count" in failure(lab11.q4, count).hint


def test_messages_never_show_answer_code():
    notebook = nbformat.read(SOLUTION, as_version=4)
    answer_lines, inside = [], False
    for cell in notebook.cells:
        for line in cell.source.splitlines():
            if line.strip() in (labs.BEGIN, labs.END):
                inside = line.strip() == labs.BEGIN
            elif inside and len(line.strip()) > 12:
                answer_lines.append(line.strip())
    for question in grader_probes.load("11"):
        error = failure(getattr(lab11, question), lambda *args, **kwargs: 0)
        shown = str(error) + "\n".join(error._render_traceback_())
        assert not [line for line in answer_lines if line in shown]


# --- Grading end to end ---

# Writes the token it reads, so every row starts with the start token, which the probes'
# decoders never write: every probe call of q3 fails, whatever is drawn.
MISTAKE = """\
def greedy_decode(states, weights, start_id, end_id, max_length):
    embeddings, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = weights
    h, c = states
    token = np.full(len(h), start_id)
    written = np.zeros((len(h), max_length), dtype=np.int64)
    finished = np.zeros(len(h), dtype=bool)
    for step in range(max_length):
        written[:, step] = np.where(finished, 0, token)
        finished |= token == end_id
        h, c = lstm_cell_forward(embeddings[token], h, c, kernel, recurrent_kernel, bias)
        token = np.argmax(h @ dense_kernel + dense_bias, axis=1)
    return written
"""


def test_grading_takes_points_off_one_mistake_and_nothing_else(tmp_path):
    mistaken = with_answer(SOLUTION, "q3", MISTAKE)
    row = grade_mistake(SOLUTION, mistaken, tmp_path)

    points = {"q1": 2.0, "q2": 3.0, "q3": 3.0, "q4": 2.0}
    assert {q: float(row[q]) for q in points} == {**points, "q3": 0.0}
    assert questions_that_lost_points(row) == {"q3"}
