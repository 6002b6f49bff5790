"""Public checks for lab 03, the simple RNN: ``from seqlab.checks import lab03 as check``.

=====  ============================================================  ========================
check  your function                                                 returns
=====  ============================================================  ========================
q1     ``rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel,     h_next, (n, u)
       bias)``
q2     ``rnn_forward(inputs, kernel, recurrent_kernel, bias)``       ``(outputs, h_T)``:
                                                                     (n, T, u), (n, u)
q3     ``rnn_parameter_count(units, features)``                      int
q4     ``build_tagger(features, units, classes)``                    a Keras model
q5     ``deck_weights(kernel, recurrent_kernel, bias)``              ``(W, b_a)``: (u, u + m),
                                                                     (u,)
=====  ============================================================  ========================

Weights are in the layout of ``keras.layers.SimpleRNN(...).get_weights()``: ``kernel`` (m, u),
``recurrent_kernel`` (u, u), ``bias`` (u,). The first cases of q1 set all inputs but one to
zero, so a failure names the term that is off. q5 turns them into the lecture decks' notation:
W = [W_aa  W_ax] acting on the column [a<t-1>; x<t>], W_aa = ``recurrent_kernel.T``,
W_ax = ``kernel.T``, b_a = ``bias``.
"""

from __future__ import annotations

import numpy as np

from seqlab import numpy_rnn
from seqlab.checks import recurrent
from seqlab.checks.core import Case, Rule, run_check

# The rules the lab states, checked here and graded by the probes (seqlab.grading.probes.lab03).
RULES = {
    "q2": [Rule("tuple", True, recurrent.TUPLE_RULE)],
    "q3": [Rule("uses Keras", False, "builds a Keras layer: count from the shapes of the three "
                "weight arrays, without building a layer.")],
    "q5": [Rule("tuple", True, "returned a list: return a tuple, not a list, e.g. "
                "`return W, b_a`.")],
}

CELL_ARGUMENTS = ("x_t", "h_prev", "kernel", "recurrent_kernel", "bias")

# The worked example of notebook 03: W_hh = 2, W_xh = -1.5, no bias, inputs 1, 1, -2.
EXAMPLE_WEIGHTS = (np.array([[-1.5]]), np.array([[2.0]]), np.array([0.0]))
EXAMPLE_INPUTS = np.array([[[1.0], [1.0], [-2.0]]])


def _cell_case(seed, n=2, m=3, u=4, *, zero=()):
    """A q1 case with normal inputs and weights; the arguments named in ``zero`` are zeros."""
    rng = np.random.default_rng(seed)
    shapes = {"x_t": (n, m), "h_prev": (n, u), "kernel": (m, u),
              "recurrent_kernel": (u, u), "bias": (u,)}
    args = tuple(
        np.zeros(shapes[name]) if name in zero else rng.normal(size=shapes[name])
        for name in CELL_ARGUMENTS
    )
    return Case(args, numpy_rnn.rnn_cell_forward(*args))


# One term at a time, then everything: the first case that fails tells which term is off.
# m != u, so that a transposed kernel cannot go unnoticed; the square case (m == u) catches a
# transposed kernel that happens to fit.
CELL_CASES = [
    _cell_case(1, zero=("h_prev", "bias")),  # only the input term x_t @ kernel
    _cell_case(2, zero=("x_t", "bias")),  # only the recurrent term h_prev @ recurrent_kernel
    _cell_case(3, zero=("x_t", "h_prev")),  # only the bias
    _cell_case(4),
    _cell_case(5, n=3, m=3, u=3),
    Case((np.array([[1.0]]), np.array([[0.0]]), *EXAMPLE_WEIGHTS), np.array([[np.tanh(-1.5)]])),
]


def q1(rnn_cell_forward) -> None:
    """``rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias)``: one tanh step."""
    run_check(
        "q1",
        rnn_cell_forward,
        CELL_CASES,
        hints=[_bias_outside, _no_tanh, _other_activation, _transposed, _term_off],
        error_hints={ValueError: recurrent.MATMUL_HINT.format(k="")},
    )


def _sequence_case(seed, n, steps, m, u):
    rng = np.random.default_rng(seed)
    args = (rng.normal(size=(n, steps, m)), rng.normal(size=(m, u)),
            rng.normal(size=(u, u)), rng.normal(size=(u,)))
    return Case(args, tuple(numpy_rnn.rnn_forward(*args, return_sequences=True)))


def q2(rnn_forward) -> None:
    """``rnn_forward(inputs, kernel, recurrent_kernel, bias)``: zero initial state."""
    example = (EXAMPLE_INPUTS, *EXAMPLE_WEIGHTS)
    cases = [
        Case(example, tuple(numpy_rnn.rnn_forward(*example, return_sequences=True))),
        _sequence_case(6, 2, 5, 3, 4),
        _sequence_case(7, 3, 1, 2, 2),
        _sequence_case(8, 1, 8, 1, 3),
    ]
    run_check(
        "q2",
        rnn_forward,
        cases,
        hints=[recurrent.sequence_hint(cell_state=False)],
        error_hints=recurrent.SEQUENCE_ERROR_HINTS,
        rules=RULES["q2"],
    )


def q3(rnn_parameter_count) -> None:
    """``rnn_parameter_count(units, features)``: u(u + m + 1)."""
    cases = [Case((4, 3), 32), Case((16, 1), 288), Case((32, 10), 1376), Case((1, 1), 3)]
    run_check("q3", rnn_parameter_count, cases, hints=[_count_hint], rules=RULES["q3"])


def tagger_summary(features: int, units: int, classes: int) -> dict:
    """The summary of ``Input((None, features))``, ``SimpleRNN(units, return_sequences=True)``,
    softmax ``Dense(classes)``: one class distribution per step."""
    return {
        "layers": ["SimpleRNN", "Dense"],
        "units": [units, classes],
        "input shape": (None, None, features),
        "output shape": (None, None, classes),
        "output activation": "softmax",
        "parameters": recurrent.RECURRENT_PARAMETERS["SimpleRNN"](units, features)
        + (units + 1) * classes,
        "recurrent settings": [recurrent.default_settings("SimpleRNN")],
        "compiled": False,
    }


def q4(build_tagger) -> None:
    """``build_tagger(features, units, classes)``: SimpleRNN over every step, softmax per step."""
    cases = [
        Case((3, 8, 5), tagger_summary(3, 8, 5)),
        Case((1, 16, 2), tagger_summary(1, 16, 2)),
    ]
    run_check(
        "q4",
        recurrent.summarised(build_tagger),
        cases,
        hints=[_tagger_hint],
        error_hints={ValueError: "keras.Input's shape leaves out the batch axis: "
                     "shape=(None, features) for sequences of features."},
    )


def deck_weights(kernel, recurrent_kernel, bias):
    """The decks' ``(W, b_a)``: W = [W_aa  W_ax] (u, u + m) from Keras's (m, u), (u, u), (u,).

    Named as the lab's function, so that the grader's sandbox withholds it from notebooks."""
    return np.concatenate([recurrent_kernel.T, kernel.T], axis=1), bias


def _deck_case(seed, m, u):
    rng = np.random.default_rng(seed)
    args = (rng.normal(size=(m, u)), rng.normal(size=(u, u)), rng.normal(size=u))
    return Case(args, deck_weights(*args))


# The public cases: m != u, so that a kernel left untransposed shows in the shape; m == u,
# where a transposed block fits and only its values tell; the worked example.
DECK_CASES = [
    _deck_case(14, 3, 2),
    _deck_case(15, 1, 4),
    _deck_case(16, 2, 2),
    Case(EXAMPLE_WEIGHTS, deck_weights(*EXAMPLE_WEIGHTS)),
]


def q5(deck_weights) -> None:
    """``deck_weights(kernel, recurrent_kernel, bias)``: ``(W, b_a)`` in the decks' notation."""
    run_check(
        "q5",
        deck_weights,
        DECK_CASES,
        hints=[_keras_layout, _blocks_swapped, _block_untransposed, _bias_column],
        error_hints={ValueError: "np.concatenate(..., axis=1) puts blocks with the same number "
                     "of rows side by side: W_aa = recurrent_kernel.T is (u, u), and "
                     "W_ax is kernel.T, (u, m)."},
        rules=RULES["q5"],
    )


# --- Hints: each recognises one common mistake from the case and the returned value. ---


def _pre_activation(x_t, h_prev, kernel, recurrent_kernel, bias):
    return x_t @ kernel + h_prev @ recurrent_kernel + bias


def _bias_outside(case: Case, returned) -> str | None:
    x_t, h_prev, kernel, recurrent_kernel, bias = case.args
    if np.any(bias) and recurrent.matches(
        returned, np.tanh(x_t @ kernel + h_prev @ recurrent_kernel) + bias
    ):
        return "the bias is added outside the tanh: h_next = tanh(... + bias), the bias inside."
    return None


def _no_tanh(case: Case, returned) -> str | None:
    if recurrent.matches(returned, _pre_activation(*case.args)):
        return "you returned the pre-activation: apply np.tanh to the sum."
    return None


def _other_activation(case: Case, returned) -> str | None:
    pre_activation = _pre_activation(*case.args)
    for name, value in (("sigmoid", numpy_rnn.sigmoid(pre_activation)),
                        ("ReLU", np.maximum(pre_activation, 0))):
        if recurrent.matches(returned, value):
            return f"that is {name}: keras.layers.SimpleRNN's activation is tanh."
    return None


def _transposed(case: Case, returned) -> str | None:
    x_t, h_prev, kernel, recurrent_kernel, bias = case.args
    if recurrent.matches(returned, np.tanh(x_t @ kernel + h_prev @ recurrent_kernel.T + bias)):
        return (
            "recurrent_kernel is used transposed: the states are rows, so the recurrent term "
            "is h_prev @ recurrent_kernel."
        )
    if kernel.shape[0] == kernel.shape[1] and recurrent.matches(
        returned, np.tanh(x_t @ kernel.T + h_prev @ recurrent_kernel + bias)
    ):
        return "kernel is used transposed: the input term is x_t @ kernel, kernel being (m, u)."
    return None


TERM_HINTS = {
    "x_t": "only x_t is non-zero here (h_prev and bias are zeros): check the input term "
    "x_t @ kernel.",
    "h_prev": "only h_prev is non-zero here (x_t and bias are zeros): check the recurrent term "
    "h_prev @ recurrent_kernel.",
    "bias": "only the bias is non-zero here (x_t and h_prev are zeros): h_next should be "
    "tanh(bias) in every row; check that the bias is added once.",
}


def _term_off(case: Case, returned) -> str | None:
    non_zero = [
        name for name, arg in zip(CELL_ARGUMENTS, case.args, strict=True)
        if name in TERM_HINTS and np.any(arg)
    ]
    if len(non_zero) == 1:
        return TERM_HINTS[non_zero[0]]
    return (
        "each term passed on its own (earlier cases), so look at how they combine: "
        "tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)."
    )


def _count_hint(case: Case, count) -> str | None:
    units, features = case.args
    guesses = {
        units * (units + features): "each unit also has one bias.",
        units * (features + 1): "each unit also has u recurrent weights: recurrent_kernel is "
        "(u, u).",
        features * (features + units + 1): "the arguments are (units, features), in that order.",
        units + features + 1: "that is the count of one unit: a layer has u of them.",
    }
    return guesses.get(count)


def _tagger_hint(case: Case, summary) -> str | None:
    expected = case.expected
    if not isinstance(summary, dict):
        return None
    if summary.get("output shape") == (None, expected["units"][-1]):
        return (
            "the model gives one output per sequence: a tagger needs one per step, so the "
            "SimpleRNN needs return_sequences=True."
        )
    shape = summary.get("input shape")
    if isinstance(shape, tuple) and len(shape) == 3 and shape[1] is not None:
        return "accept sequences of any length: keras.Input(shape=(None, features))."
    if summary.get("output activation") != "softmax":
        return "the Dense layer needs activation='softmax': a class distribution per step."
    if summary.get("layers") != expected["layers"]:
        return f"the model should be exactly these layers after the Input: {expected['layers']}."
    return recurrent.settings_hint(summary, expected)


def _deck_pair(case: Case, returned):
    """The ``W`` the student returned, or None when the result is not a pair."""
    if isinstance(returned, tuple | list) and len(returned) == 2:
        return returned[0]
    return None


def _keras_layout(case: Case, returned) -> str | None:
    kernel, recurrent_kernel, _ = case.args
    if recurrent.matches(_deck_pair(case, returned),
                         np.concatenate([recurrent_kernel, kernel], axis=0)):
        return (
            "that is Keras's row-vector layout, [recurrent_kernel; kernel] (u + m, u); the decks "
            "multiply a column [a; x] from the left, so W is its transpose, (u, u + m)."
        )
    return None


def _blocks_swapped(case: Case, returned) -> str | None:
    kernel, recurrent_kernel, _ = case.args
    if recurrent.matches(_deck_pair(case, returned),
                         np.concatenate([kernel.T, recurrent_kernel.T], axis=1)):
        return (
            "the state's block comes first: W = [W_aa  W_ax] multiplies [a<t-1>; x<t>], "
            "the previous state above the input."
        )
    return None


def _block_untransposed(case: Case, returned) -> str | None:
    kernel, recurrent_kernel, _ = case.args
    W = _deck_pair(case, returned)
    if recurrent.matches(W, np.concatenate([recurrent_kernel, kernel.T], axis=1)):
        return (
            "W_aa is recurrent_kernel transposed: Keras multiplies a row h from the left of "
            "recurrent_kernel, the decks a column a from the right of W_aa."
        )
    if recurrent.matches(W, np.concatenate([recurrent_kernel.T, kernel], axis=1)):
        return "W_ax is kernel.T, (u, m): Keras stores kernel (m, u), the transpose."
    return None


def _bias_column(case: Case, returned) -> str | None:
    bias = case.args[2]
    if isinstance(returned, tuple | list) and len(returned) == 2 and np.shape(returned[1]) in (
        (len(bias), 1), (1, len(bias))
    ) and len(bias) > 1:
        return (
            "b_a stays a vector of shape (u,), as Keras's bias: a column (u, 1) added to "
            "W @ [a; x] (u,) would broadcast to a (u, u) matrix."
        )
    return None
