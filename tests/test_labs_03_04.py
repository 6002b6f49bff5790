"""Labs 03 (simple RNN) and 04 (BPTT): checks, probes and grading end to end.

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
from seqlab.checks import lab03, lab04
from seqlab.checks.compare import describe_mismatch
from seqlab.grading import probes as grader_probes

ROOT = Path(__file__).resolve().parents[1]
LABS = {"03": "03_simple_rnn", "04": "04_backpropagation_through_time"}
CHECKS = {"03": lab03, "04": lab04}




@pytest.fixture(scope="module")
def lab03_answers():
    return answers("03")


@pytest.fixture(scope="module")
def lab04_answers():
    return answers("04")












def _reference_03(question, call):
    """What lab 03's question computes, by seqlab's reference code, for a probe call."""
    args = call.args
    if question == "q1":
        return numpy_rnn.rnn_cell_forward(*args)
    if question == "q2":
        return tuple(numpy_rnn.rnn_forward(*args, return_sequences=True))
    if question == "q3":
        units, features = args
        return units * (units + features + 1)
    if question == "q5":
        kernel, recurrent_kernel, bias = args
        return np.hstack([recurrent_kernel.T, kernel.T]), bias
    return lab03.tagger_summary(*args)


def _reference_04(question, call):
    """What lab 04's question computes, by seqlab's reference code, for a probe call."""
    args = call.args
    if question == "q1":
        grad_h, h_next, x_t, h_prev, kernel, recurrent_kernel = args
        cache = numpy_rnn.RNNCache(x_t[:, np.newaxis], h_prev, h_next[:, np.newaxis], kernel,
                                   recurrent_kernel, np.zeros(len(kernel.T)))
        g = numpy_rnn.rnn_backward(grad_h, cache)
        return {"x_t": g.inputs[:, 0], "h_prev": g.initial_state, "kernel": g.kernel,
                "recurrent_kernel": g.recurrent_kernel, "bias": g.bias}
    if question == "q2":
        grad_states, inputs, states, kernel, recurrent_kernel = args
        cache = numpy_rnn.RNNCache(inputs, np.zeros_like(states[:, 0]), states, kernel,
                                   recurrent_kernel, np.zeros(len(kernel.T)))
        return dict(zip(lab04.WEIGHT_KEYS, numpy_rnn.rnn_backward(grad_states, cache).weights,
                        strict=True))
    if question == "q3":
        return numpy_rnn.clip_gradients(*args, **call.kwargs)
    states, recurrent_kernel = args
    cache = numpy_rnn.RNNCache(None, None, states, None, recurrent_kernel, None)
    return numpy_rnn.rnn_state_jacobian_norms(cache)


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("number", LABS)
def test_the_solution_agrees_with_the_reference_on_probe_inputs(number, seed):
    """The grader trusts the solution's results: they must be right on whatever is drawn."""
    namespace = answers(number)
    reference = {"03": _reference_03, "04": _reference_04}[number]
    probes = grader_probes.load(number)
    for question, calls in grader_probes.draw_calls(probes, seed).items():
        function = namespace[probes[question].function]
        for call in calls:
            result = observed(probes[question], function, call)
            problem = describe_mismatch(result, reference(question, call))
            assert problem is None, f"{call.text(probes[question].function)}: {problem}"


# --- Lab 03: mistakes are located ---


def test_cell_check_names_the_term_that_is_off():
    error = failure(lab03.q1, lambda x_t, h_prev, kernel, recurrent_kernel, bias: np.tanh(
        x_t @ kernel + h_prev @ recurrent_kernel))
    assert "only the bias is non-zero here" in error.hint
    error = failure(lab03.q1, lambda x_t, h_prev, kernel, recurrent_kernel, bias: np.tanh(
        x_t @ kernel + bias))
    assert "check the recurrent term" in error.hint


def test_cell_check_recognises_transposes_and_activations():
    assert "recurrent_kernel is used transposed" in failure(
        lab03.q1, lambda x, h, k, r, b: np.tanh(x @ k + h @ r.T + b)).hint
    assert "kernel @ x_t" in failure(
        lab03.q1, lambda x, h, k, r, b: np.tanh(k @ x + h @ r + b)).hint
    assert "apply np.tanh" in failure(lab03.q1, lambda x, h, k, r, b: x @ k + h @ r + b).hint
    assert "that is sigmoid" in failure(
        lab03.q1, lambda x, h, k, r, b: 1 / (1 + np.exp(-(x @ k + h @ r + b)))).hint


def test_sequence_check_recognises_a_state_that_is_not_carried(lab03_answers):
    cell = lab03_answers["rnn_cell_forward"]

    def restarts(inputs, kernel, recurrent_kernel, bias):
        zeros = np.zeros((len(inputs), len(recurrent_kernel)))
        outputs = np.stack([cell(inputs[:, t], zeros, kernel, recurrent_kernel, bias)
                            for t in range(inputs.shape[1])], axis=1)
        return outputs, outputs[:, -1]

    assert "carry the state" in failure(lab03.q2, restarts).hint

    def last_only(inputs, kernel, recurrent_kernel, bias):
        return lab03_answers["rnn_forward"](inputs, kernel, recurrent_kernel, bias)[1]

    assert "return the tuple (outputs, h_T)" in failure(lab03.q2, last_only).hint


@pytest.mark.parametrize(
    ("count", "hint"),
    [
        (lambda u, m: u * (u + m), "one bias"),
        (lambda u, m: u * (m + 1), "(u, u)"),
        (lambda u, m: m * (m + u + 1), "(units, features)"),
    ],
)
def test_parameter_count_mistakes_are_recognised(count, hint):
    assert hint in failure(lab03.q3, count).hint


def test_tagger_check_asks_for_a_state_per_step():
    def many_to_one(features, units, classes):
        return keras.Sequential([
            keras.Input(shape=(None, features)),
            keras.layers.SimpleRNN(units),
            keras.layers.Dense(classes, activation="softmax"),
        ])

    assert "return_sequences=True" in failure(lab03.q4, many_to_one).hint


def test_deck_weights_check_names_the_block_that_is_off():
    assert "Keras's row-vector layout" in failure(
        lab03.q5, lambda k, r, b: (np.vstack([r, k]), b)).hint
    assert "the state's block comes first" in failure(
        lab03.q5, lambda k, r, b: (np.hstack([k.T, r.T]), b)).hint
    assert "W_aa is recurrent_kernel transposed" in failure(
        lab03.q5, lambda k, r, b: (np.hstack([r, k.T]), b)).hint
    assert "W_ax is kernel.T" in failure(lab03.q5, lambda k, r, b: (np.hstack([r.T, k]), b)).hint
    as_list = failure(lab03.q5, lambda k, r, b: [np.hstack([r.T, k.T]), b])
    assert "a tuple, not a list" in str(as_list)


def test_deck_weights_compute_the_keras_step(lab03_answers):
    """The decks' one product W [a; x] + b_a with the solution's W is SimpleRNN's step."""
    layer = keras.layers.SimpleRNN(3)
    layer.build((None, None, 2))
    W, b_a = lab03_answers["deck_weights"](*layer.get_weights())
    rng = np.random.default_rng(0)
    a_prev, x_t = rng.normal(size=3), rng.normal(size=2)
    deck = np.tanh(W @ np.concatenate([a_prev, x_t]) + b_a)
    keras_step = numpy_rnn.rnn_cell_forward(x_t[None], a_prev[None], *layer.get_weights())[0]
    np.testing.assert_allclose(deck, keras_step, atol=1e-6)


# --- Lab 04: mistakes are located ---


def _step(grad_pre, x_t, h_prev, kernel, recurrent_kernel):
    return {"x_t": grad_pre @ kernel.T, "h_prev": grad_pre @ recurrent_kernel.T,
            "kernel": x_t.T @ grad_pre, "recurrent_kernel": h_prev.T @ grad_pre,
            "bias": grad_pre.sum(axis=0)}


@pytest.mark.parametrize(
    ("derivative", "hint"),
    [
        (lambda grad_h, h_next, h_prev: grad_h, "multiply grad_h by tanh'"),
        (lambda grad_h, h_next, h_prev: grad_h * (1 - h_prev**2), "not h_prev"),
        (lambda grad_h, h_next, h_prev: grad_h * (1 - np.tanh(h_next) ** 2), "no second tanh"),
    ],
)
def test_step_backward_check_recognises_a_wrong_derivative(derivative, hint):
    def step_backward(grad_h, h_next, x_t, h_prev, kernel, recurrent_kernel):
        grad_pre = derivative(grad_h, h_next, h_prev)
        return _step(grad_pre, x_t, h_prev, kernel, recurrent_kernel)

    error = failure(lab04.q1, step_backward)
    assert "key 'x_t': first difference at position" in str(error)
    assert hint in error.hint


def test_step_backward_check_names_the_gradient_that_is_off():
    def wrong_h_prev(grad_h, h_next, x_t, h_prev, kernel, recurrent_kernel):
        gradients = _step(grad_h * (1 - h_next**2), x_t, h_prev, kernel, recurrent_kernel)
        gradients["h_prev"] = gradients["h_prev"] @ recurrent_kernel @ recurrent_kernel
        return gradients

    assert "key 'h_prev'" in str(failure(lab04.q1, wrong_h_prev))
    assert "return a dict" in failure(lab04.q1, lambda *args: (1, 2, 3, 4, 5)).hint


def test_backward_check_recognises_a_missing_gradient_from_later_steps(lab04_answers):
    step_backward = lab04_answers["rnn_step_backward"]

    def no_carry(grad_states, inputs, states, kernel, recurrent_kernel):
        previous = np.concatenate([np.zeros_like(states[:, :1]), states[:, :-1]], axis=1)
        totals = {"kernel": 0, "recurrent_kernel": 0, "bias": 0}
        for t in range(states.shape[1]):
            step = step_backward(grad_states[:, t], states[:, t], inputs[:, t], previous[:, t],
                                 kernel, recurrent_kernel)
            totals = {key: totals[key] + step[key] for key in totals}
        return totals

    error = failure(lab04.q2, no_carry)
    assert "gradient coming back from the step after it" in error.hint
    assert str(error).startswith("q2: no_carry(array(")


@pytest.mark.parametrize(
    ("clip", "hint"),
    [
        (lambda g, clipnorm=None, clipvalue=None: numpy_rnn.clip_gradients(
            g, global_clipnorm=clipnorm) if clipnorm else numpy_rnn.clip_gradients(
            g, clipvalue=clipvalue), "global_clipnorm"),
        (lambda g, clipnorm=None, clipvalue=None: [x * clipnorm / np.linalg.norm(x) for x in g]
         if clipnorm else list(g), "already at most clipnorm"),
        (lambda g, clipnorm=None, clipvalue=None: numpy_rnn.clip_gradients(
            g, clipnorm=clipnorm or clipvalue), "np.clip"),
    ],
)
def test_clipping_mistakes_are_recognised(clip, hint):
    assert hint in failure(lab04.q3, clip).hint


def test_jacobian_check_recognises_order_norm_and_direction(lab04_answers):
    solution = lab04_answers["jacobian_norms"]
    assert "column 0 is the farthest back" in failure(
        lab04.q4, lambda states, r: solution(states, r)[:, ::-1]).hint
    assert "T + 1 columns" in failure(lab04.q4, lambda states, r: solution(states, r)[:, :-1]).hint

    def frobenius(states, recurrent_kernel):
        n, steps, units = states.shape
        product, norms = np.eye(units), np.ones((n, steps + 1))
        product = np.broadcast_to(product, (n, units, units))
        for k in reversed(range(steps)):
            product = product @ ((1 - states[:, k, :, None] ** 2) * recurrent_kernel.T)
            norms[:, k] = np.linalg.norm(product, axis=(1, 2))
        return norms

    assert "spectral norm" in failure(lab04.q4, frobenius).hint


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
    # lab 03: a parameter count without the biases; every other answer is right
    "03": ("q3",
           "def rnn_parameter_count(units, features):\n    return units * (units + features)\n",
           {"q1": 3, "q2": 3, "q3": 0, "q4": 2, "q5": 2}),
    # lab 04: global instead of per-array clipnorm: the two clipnorm calls of four fail
    # (written out: seqlab's own clip_gradients earns nothing inside the grader)
    "04": ("q3", "def clip_gradients(gradients, clipnorm=None, clipvalue=None):\n"
                 "    if clipnorm is not None:\n"
                 "        total = np.sqrt(sum(np.sum(g**2) for g in gradients))\n"
                 "        return [g * (clipnorm / max(total, clipnorm)) for g in gradients]\n"
                 "    if clipvalue is not None:\n"
                 "        return [np.clip(g, -clipvalue, clipvalue) for g in gradients]\n"
                 "    return list(gradients)\n",
           {"q1": 3, "q2": 3, "q3": 1, "q4": 2}),
}


@pytest.mark.parametrize("number", ["03", "04"])
def test_grading_takes_points_off_one_mistake_and_nothing_else(number, tmp_path):
    name = LABS[number]
    solution_path = ROOT / "solutions" / f"{name}.ipynb"
    question, source, expected_scores = MISTAKES[number]
    mistaken = with_answer(solution_path, question, source)
    row = grade_mistake(solution_path, mistaken, tmp_path)

    questions = list(expected_scores)
    assert {q: float(row[q]) for q in questions} == expected_scores
    assert questions_that_lost_points(row) == {question}
