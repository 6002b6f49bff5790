"""Labs 05 (LSTM) and 06 (GRU): checks, probes and grading end to end.

The solutions' answers are run in this process (their question cells, exec'd) and must pass
every public check and agree with ``seqlab.numpy_rnn`` on the probes' inputs; common mistakes
must fail with a hint that names them; grading a submission with one mistake loses exactly that
question's points and no other's.
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

from seqlab import labs, numpy_rnn
from seqlab.checks import lab05, lab06
from seqlab.checks.compare import describe_mismatch
from seqlab.checks.recurrent import model_summary_of
from seqlab.grading import probes as grader_probes

ROOT = Path(__file__).resolve().parents[1]
LABS = {"05": "05_lstm", "06": "06_gru"}
CHECKS = {"05": lab05, "06": lab06}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))




@pytest.fixture(scope="module")
def lab05_answers():
    return answers("05")


@pytest.fixture(scope="module")
def lab06_answers():
    return answers("06")












def _reference_05(question, call):
    """What lab 05's question computes, by seqlab's reference code, for a probe call."""
    args = call.args
    if question == "q1":
        return numpy_rnn.lstm_cell_forward(*args)
    if question == "q2":
        return numpy_rnn.lstm_forward(*args, return_sequences=True)
    if question == "q3":
        units, features = args
        return 4 * units * (units + features + 1)
    if question == "q4":
        (gates,) = args
        order = ["input", "forget", "candidate", "output"]
        kernels, recurrent_kernels, biases = zip(*(gates[g] for g in order), strict=True)
        return [np.hstack(kernels), np.hstack(recurrent_kernels), np.concatenate(biases)]
    if question == "q6":
        return _gradient_by_distance_in_numpy(*args)
    return model_summary_of("LSTM", *args)


FORWARD = {"SimpleRNN": numpy_rnn.rnn_forward, "LSTM": numpy_rnn.lstm_forward,
           "GRU": numpy_rnn.gru_forward}


def _gradient_by_distance_in_numpy(kind, weights, inputs, eps=1e-6):
    """Lab 05 q6 by central differences of seqlab's NumPy layers (float64), no TensorFlow."""

    def y(x):
        output = FORWARD[kind](x, *weights)
        return np.sum(output[0] if isinstance(output, tuple) else output)

    gradient = np.zeros_like(inputs)
    for index in np.ndindex(inputs.shape):
        step = np.zeros_like(inputs)
        step[index] = eps
        gradient[index] = (y(inputs + step) - y(inputs - step)) / (2 * eps)
    return np.linalg.norm(gradient, axis=(0, 2))[::-1]


def _reference_06(question, call):
    """What lab 06's question computes, by seqlab's reference code, for a probe call."""
    args = call.args
    if question == "q1":
        return numpy_rnn.gru_cell_forward(*args)
    if question == "q2":
        units, features = args
        return 3 * units * (units + features + (2 if call.kwargs.get("reset_after", True) else 1))
    if question == "q3":
        return numpy_rnn.gru_forward(*args, return_sequences=True)
    return model_summary_of(*args)


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("number", LABS)
def test_the_solution_agrees_with_the_reference_on_probe_inputs(number, seed):
    """The grader trusts the solution's results: they must be right on whatever is drawn."""
    namespace = answers(number)
    reference = {"05": _reference_05, "06": _reference_06}[number]
    probes = grader_probes.load(number)
    for question, calls in grader_probes.draw_calls(probes, seed).items():
        function = namespace[probes[question].function]
        for call in calls:
            result = observed(probes[question], function, call)
            # Keras computes q6 in float32; the reference in float64
            tolerance = {"rtol": 1e-3, "atol": 1e-5} if probes[question].rtol > 1e-5 else {}
            problem = describe_mismatch(result, reference(question, call), **tolerance)
            assert problem is None, f"{call.text(probes[question].function)}: {problem}"


# --- Lab 05: mistakes are located ---


def lstm_cell(*, order="ifco", forget=True, tanh_of_c=True, recurrent=True, bias_used=True,
              swap_outputs=False):
    """An lstm_cell_forward with the mistakes that the keyword arguments switch on."""

    def cell(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
        z = x_t @ kernel + (h_prev @ recurrent_kernel if recurrent else 0)
        z = z + (bias if bias_used else 0)
        blocks = dict(zip(order, np.split(z, 4, axis=1), strict=True))
        i, f, o = sigmoid(blocks["i"]), sigmoid(blocks["f"]), sigmoid(blocks["o"])
        c_next = (f * c_prev if forget else 0) + i * np.tanh(blocks["c"])
        h_next = o * (np.tanh(c_next) if tanh_of_c else c_next)
        return (c_next, h_next) if swap_outputs else (h_next, c_next)

    return cell


@pytest.mark.parametrize(
    ("mistakes", "hint"),
    [
        ({"forget": False}, "add the forget term f * c_prev"),
        ({"tanh_of_c": False}, "h_next = o * tanh(c_next), not o * c_next"),
        ({"bias_used": False}, "only the bias is non-zero here"),
        ({"recurrent": False}, "check the recurrent term h_prev @ recurrent_kernel"),
        ({"order": "icfo"}, "as the gates i, c, f, o; Keras stacks them in the order i, f, c, o"),
        ({"order": "fico"}, "as the gates f, i, c, o"),
        ({"swap_outputs": True}, "return the hidden state first, (h_next, c_next)"),
    ],
)
def test_lstm_cell_check_names_the_part_that_is_off(mistakes, hint):
    assert lstm_cell()(*lab05.CELL_CASES[-1].args) is not None  # the helper itself runs
    assert hint in failure(lab05.q1, lstm_cell(**mistakes)).hint


def test_lstm_cell_check_explains_a_transposed_product():
    def transposed(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
        return lstm_cell()(x_t, h_prev, c_prev, kernel.T @ x_t, recurrent_kernel, bias)

    error = failure(lab05.q1, transposed)
    assert "raised ValueError" in str(error)
    assert "x_t @ kernel" in error.hint


def test_lstm_forward_check_recognises_shapes_and_a_state_that_is_not_carried(lab05_answers):
    cell, forward = lab05_answers["lstm_cell_forward"], lab05_answers["lstm_forward"]
    assert "(n, T, u), not (n, u)" in failure(
        lab05.q2, lambda *args: (forward(*args)[1], *forward(*args)[1:])).hint
    assert "stack the steps along axis 1" in failure(
        lab05.q2, lambda *args: (forward(*args)[0].transpose(1, 0, 2), *forward(*args)[1:])).hint

    def restarts(inputs, kernel, recurrent_kernel, bias):
        zeros = np.zeros((len(inputs), len(recurrent_kernel)))
        steps = [cell(inputs[:, t], zeros, zeros, kernel, recurrent_kernel, bias)
                 for t in range(inputs.shape[1])]
        return np.stack([h for h, _ in steps], axis=1), steps[-1][0], steps[-1][1]

    assert "carry the state" in failure(lab05.q2, restarts).hint


@pytest.mark.parametrize(
    ("count", "hint"),
    [
        (lambda u, m: u * (u + m + 1), "SimpleRNN's count"),
        (lambda u, m: 4 * u * (u + m), "also has u biases"),
        (lambda u, m: 4 * u * (m + 1), "(u, u) recurrent matrix"),
    ],
)
def test_lstm_parameter_count_mistakes_are_recognised(count, hint):
    assert hint in failure(lab05.q3, count).hint


def test_stacking_check_recognises_gate_order_and_axis():
    def stacked(order, axis=-1):
        return lambda gates: [np.concatenate([gates[g][k] for g in order], axis=axis)
                              for k in range(3)]

    assert "you stacked the gates as input, candidate, forget, output" in failure(
        lab05.q4, stacked(["input", "candidate", "forget", "output"])).hint
    assert "kernel is (m, 4u)" in failure(
        lab05.q4, stacked(["input", "forget", "candidate", "output"], axis=0)).hint


def _classifier(layer=keras.layers.LSTM, return_sequences=False, activation="softmax"):
    def build(timesteps, features, units, classes):
        return keras.Sequential([
            keras.Input(shape=(timesteps, features)),
            layer(units, return_sequences=return_sequences),
            keras.layers.Dense(classes, activation=activation),
        ])

    return build


def test_classifier_check_recognises_the_common_mistakes():
    assert "return_sequences at False" in failure(
        lab05.q5, _classifier(return_sequences=True)).hint
    assert "activation='softmax'" in failure(lab05.q5, _classifier(activation=None)).hint
    assert "exactly these layers" in failure(lab05.q5, _classifier(keras.layers.GRU)).hint

    def no_input(timesteps, features, units, classes):
        return keras.Sequential([keras.layers.LSTM(units), keras.layers.Dense(classes)])

    assert "keras.Input(shape=(timesteps, features))" in str(failure(lab05.q5, no_input))


def test_a_functional_model_passes_the_classifier_check(capsys):
    def functional(timesteps, features, units, classes):
        inputs = keras.Input(shape=(timesteps, features))
        hidden = keras.layers.LSTM(units)(inputs)
        return keras.Model(inputs, keras.layers.Dense(classes, activation="softmax")(hidden))

    lab05.q5(functional)
    assert "q5: all" in capsys.readouterr().out


def _gradient(y="sum", norm="euclidean", reverse=True, dtype=np.float64):
    """A gradient_by_distance with the mistakes that the keyword arguments switch on."""
    import tensorflow as tf

    def gradient_by_distance(kind, weights, inputs):
        layer = lab05.recurrent_layer(kind, weights)
        x = tf.constant(inputs)
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = getattr(tf, f"reduce_{y}")(layer(x))
        g = tape.gradient(total, x).numpy()
        per_step = {"euclidean": np.sqrt((g ** 2).sum(axis=(0, 2))), "sum": g.sum(axis=(0, 2)),
                    "L1": np.abs(g).sum(axis=(0, 2))}[norm]
        return (per_step[::-1] if reverse else per_step).astype(dtype)

    return gradient_by_distance


def test_gradient_check_passes_the_right_answer_and_names_the_mistakes(capsys):
    lab05.q6(_gradient())
    assert "q6: all 3 public tests passed" in capsys.readouterr().out
    assert "reverse the steps" in failure(lab05.q6, _gradient(reverse=False)).hint
    assert "not their mean" in failure(lab05.q6, _gradient(y="mean")).hint
    assert "a norm, not a sum" in failure(lab05.q6, _gradient(norm="sum")).hint
    assert "Euclidean" in failure(lab05.q6, _gradient(norm="L1")).hint
    assert "astype(np.float64)" in failure(lab05.q6, _gradient(dtype=np.float32)).hint


def test_gradient_by_distance_matches_numpy_central_differences(lab05_answers):
    """The solution's tape gradient is the derivative of seqlab's NumPy layers, for each kind."""
    rng = np.random.default_rng(3)
    for kind in FORWARD:
        weights = lab05.layer_weights(kind, 2, 3, rng)
        inputs = rng.normal(size=(2, 6, 2))
        np.testing.assert_allclose(
            lab05_answers["gradient_by_distance"](kind, weights, inputs),
            _gradient_by_distance_in_numpy(kind, weights, inputs), rtol=1e-3, atol=1e-6)


# --- Lab 06: mistakes are located ---


def gru_cell(*, order="zrh", swap_update=False, reset_before=False, bias_rows=(0, 1)):
    """A gru_cell_forward with the mistakes that the keyword arguments switch on."""

    def cell(x_t, h_prev, kernel, recurrent_kernel, bias):
        input_bias, recurrent_bias = (bias[row] if row is not None else 0 for row in bias_rows)
        x = dict(zip(order, np.split(x_t @ kernel + input_bias, 3, axis=1), strict=True))
        weights = dict(zip(order, np.split(recurrent_kernel, 3, axis=1), strict=True))
        biases = dict(zip(order, np.split(np.broadcast_to(recurrent_bias, kernel.shape[1:]), 3),
                          strict=True))
        h = {block: h_prev @ weights[block] + biases[block] for block in order}
        z, r = sigmoid(x["z"] + h["z"]), sigmoid(x["r"] + h["r"])
        if reset_before:
            candidate = np.tanh(x["h"] + (r * h_prev) @ weights["h"])
        else:
            candidate = np.tanh(x["h"] + r * h["h"])
        if swap_update:
            return (1 - z) * h_prev + z * candidate
        return z * h_prev + (1 - z) * candidate

    return cell


@pytest.mark.parametrize(
    ("mistakes", "hint"),
    [
        ({"swap_update": True}, "z keeps the old state"),
        ({"order": "rzh"}, "as r, z, h; Keras stacks them in the order z, r, h"),
        ({"bias_rows": (1, 0)}, "you swapped them"),
        ({"bias_rows": (0, None)}, "add the recurrent bias too"),
        ({"reset_before": True, "bias_rows": (0, None)}, "that is the reset_after=False candidate"),
    ],
)
def test_gru_cell_check_names_the_part_that_is_off(mistakes, hint):
    args = lab06.CELL_CASES[3].args
    assert describe_mismatch(gru_cell()(*args), numpy_rnn.gru_cell_forward(*args)) is None
    assert hint in failure(lab06.q1, gru_cell(**mistakes)).hint


def test_gru_cell_check_names_a_term_that_is_missing():
    def no_recurrent_term(x_t, h_prev, kernel, recurrent_kernel, bias):
        return gru_cell()(x_t, h_prev, kernel, np.zeros_like(recurrent_kernel), bias)

    assert "only h_prev is non-zero here" in failure(lab06.q1, no_recurrent_term).hint


@pytest.mark.parametrize(
    ("count", "hint"),
    [
        (lambda u, m, reset_after=True: 3 * u * (u + m + 1), "two rows"),
        (lambda u, m, reset_after=True: 3 * u * (u + m + 2), "a single bias row"),
        (lambda u, m, reset_after=True: 4 * u * (u + m + 1), "an LSTM's count"),
    ],
)
def test_gru_parameter_count_mistakes_are_recognised(count, hint):
    assert hint in failure(lab06.q2, count).hint


def test_gru_forward_check_asks_for_the_pair(lab06_answers):
    forward = lab06_answers["gru_forward"]
    assert "return the tuple (outputs, h_T)" in failure(
        lab06.q3, lambda *args: (*forward(*args), None)).hint


def test_builder_check_wants_a_value_error_that_lists_the_layers(lab06_answers):
    solution = lab06_answers["build_recurrent_classifier"]

    def defaults_to_lstm(layer, *args):
        return solution(layer if layer in lab06.LAYERS else "LSTM", *args)

    error = failure(lab06.q4, defaults_to_lstm)
    assert "'Transformer'" in str(error) and "no error" in str(error)
    assert "raise a ValueError (and say in its message which names are valid)" in error.hint

    def terse(layer, *args):
        if layer not in lab06.LAYERS:
            raise ValueError("bad layer")
        return solution(layer, *args)

    assert "ValueError naming none of the valid layers" in str(failure(lab06.q4, terse))


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
        for wrong in (lambda *args, **kwargs: 0, lambda *args, **kwargs: (np.zeros(2),) * 3):
            error = failure(getattr(check, question), wrong)
            shown = str(error) + "\n".join(error._render_traceback_())
            assert not [line for line in answer_lines if line in shown]


# --- Grading end to end ---

MISTAKES = {
    # lab 05: an LSTM count without the biases; every other answer is right
    "05": ("q3",
           "def lstm_parameter_count(units, features):\n"
           "    return 4 * units * (units + features)\n",
           {"q1": 2, "q2": 2, "q3": 0, "q4": 2, "q5": 2, "q6": 2}, 11),
    # lab 06: ignores reset_after: the two calls with reset_after=False of four fail
    "06": ("q2",
           "def gru_parameter_count(units, features, reset_after=True):\n"
           "    return 3 * units * (units + features + 2)\n",
           {"q1": 2, "q2": 0.5, "q3": 2, "q4": 2}, 7),
}


@pytest.mark.parametrize("number", LABS)
def test_grading_takes_points_off_one_mistake_and_nothing_else(number, tmp_path):
    name = LABS[number]
    solution_path = ROOT / "solutions" / f"{name}.ipynb"
    question, source, expected_scores, full_marks = MISTAKES[number]
    mistaken = with_answer(solution_path, question, source)
    row = grade_mistake(solution_path, mistaken, tmp_path)

    questions = list(expected_scores)
    assert {q: float(row[q]) for q in questions} == expected_scores
    assert questions_that_lost_points(row) == {question}
    report = (tmp_path / "grades_report.md").read_text(encoding="utf-8")  # the class report
    assert "| question | function | full marks | share |" in report
    assert (tmp_path / "grades_report.png").exists()
