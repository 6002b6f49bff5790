"""Public checks for lab 05, the LSTM: ``from seqlab.checks import lab05 as check``.

=====  ==============================================================  ===========================
check  your function                                                   returns
=====  ==============================================================  ===========================
q1     ``lstm_cell_forward(x_t, h_prev, c_prev, kernel,                ``(h_next, c_next)``, each
       recurrent_kernel, bias)``                                       (n, u)
q2     ``lstm_forward(inputs, kernel, recurrent_kernel, bias)``        ``(outputs, h_T, c_T)``:
                                                                       (n, T, u), (n, u), (n, u)
q3     ``lstm_parameter_count(units, features)``                       int
q4     ``stack_lstm_weights(gates)``                                   ``[kernel, recurrent_kernel,
                                                                       bias]`` in Keras's layout
q5     ``build_lstm_classifier(timesteps, features, units, classes)``  a Keras model
=====  ==============================================================  ===========================

Weights are in the layout of ``keras.layers.LSTM(...).get_weights()``: ``kernel`` (m, 4u),
``recurrent_kernel`` (u, 4u), ``bias`` (4u,), the gates side by side in the order i, f, c, o.
The first cases of q1 set all inputs but one to zero, so a failure names the term that is off.
"""

from __future__ import annotations

import itertools

import numpy as np

from seqlab.checks import recurrent
from seqlab.checks.core import Case, run_check
from seqlab.numpy_rnn import lstm_cell_forward, lstm_forward

GATES = ("input", "forget", "candidate", "output")
LETTERS = "ifco"
CELL_ARGUMENTS = ("x_t", "h_prev", "c_prev", "kernel", "recurrent_kernel", "bias")


def _cell_case(seed, n=2, m=3, u=2, *, zero=()):
    """A q1 case with normal inputs and weights; the arguments named in ``zero`` are zeros."""
    rng = np.random.default_rng(seed)
    shapes = {"x_t": (n, m), "h_prev": (n, u), "c_prev": (n, u), "kernel": (m, 4 * u),
              "recurrent_kernel": (u, 4 * u), "bias": (4 * u,)}
    args = tuple(
        np.zeros(shapes[name]) if name in zero else rng.normal(size=shapes[name])
        for name in CELL_ARGUMENTS
    )
    return Case(args, tuple(lstm_cell_forward(*args)))


# One term at a time, then everything: the first case that fails tells which term is off.
CELL_CASES = [
    _cell_case(1, zero=("x_t", "h_prev", "bias")),  # only c_prev: gates are all sigmoid(0)
    _cell_case(2, zero=("x_t", "h_prev", "c_prev")),  # only the bias
    _cell_case(3, zero=("h_prev", "c_prev", "bias")),  # only x_t
    _cell_case(4, zero=("x_t", "c_prev", "bias")),  # only h_prev
    _cell_case(5),
    _cell_case(6, n=1, m=1, u=1),
]


def q1(lstm_cell_forward) -> None:
    """``lstm_cell_forward(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)``."""
    run_check(
        "q1",
        lstm_cell_forward,
        CELL_CASES,
        hints=[_states_swapped, _gate_order, _term_off],
        error_hints={ValueError: recurrent.MATMUL_HINT.format(k=4)},
    )


def _sequence_case(seed, n, steps, m, u):
    rng = np.random.default_rng(seed)
    args = (rng.normal(size=(n, steps, m)), rng.normal(size=(m, 4 * u)),
            rng.normal(size=(u, 4 * u)), rng.normal(size=(4 * u,)))
    return Case(args, tuple(lstm_forward(*args, return_sequences=True)))


def q2(lstm_forward) -> None:
    """``lstm_forward(inputs, kernel, recurrent_kernel, bias)``: zero initial states."""
    cases = [
        _sequence_case(7, 2, 5, 3, 2),
        _sequence_case(8, 3, 1, 2, 4),
        _sequence_case(9, 1, 8, 1, 1),
    ]
    run_check("q2", lstm_forward, cases, hints=[recurrent.sequence_hint(cell_state=True)])


def q3(lstm_parameter_count) -> None:
    """``lstm_parameter_count(units, features)``: 4u(u + m + 1)."""
    cases = [Case((2, 3), 48), Case((4, 3), 128), Case((16, 5), 1408), Case((1, 1), 12)]
    run_check("q3", lstm_parameter_count, cases, hints=[_count_hint])


def _stack_case(seed, m, u):
    rng = np.random.default_rng(seed)
    gates = {
        gate: (rng.normal(size=(m, u)), rng.normal(size=(u, u)), rng.normal(size=(u,)))
        for gate in GATES
    }
    expected = [np.concatenate([gates[gate][k] for gate in GATES], axis=-1) for k in range(3)]
    return Case((gates,), expected)


def q4(stack_lstm_weights) -> None:
    """``stack_lstm_weights(gates)``: the per-gate (W, U, b) side by side, gates in i, f, c, o."""
    cases = [_stack_case(10, 3, 2), _stack_case(11, 1, 1), _stack_case(12, 2, 5)]
    hints = [_stacked_in_wrong_order, _stacked_on_wrong_axis]
    run_check("q4", stack_lstm_weights, cases, hints=hints)


def q5(build_lstm_classifier) -> None:
    """``build_lstm_classifier(timesteps, features, units, classes)``: LSTM, then softmax."""
    cases = [
        Case((40, 5, 16), recurrent.model_summary_of("LSTM", 40, 5, 16, 4), {"classes": 4}),
        Case((12, 3, 8), recurrent.model_summary_of("LSTM", 12, 3, 8, 2), {"classes": 2}),
    ]
    run_check("q5", recurrent.summarised(build_lstm_classifier), cases, hints=recurrent.MODEL_HINTS)


# --- Hints: each recognises one common mistake from the case and the returned value. ---


def _states_swapped(case: Case, returned) -> str | None:
    h_next, c_next = case.expected
    if recurrent.matches(returned, (c_next, h_next)):
        return "you returned (c_next, h_next): return the hidden state first, (h_next, c_next)."
    return None


def _blocks_permuted(array, order):
    """``array`` with its four gate blocks (last axis) rearranged as ``order`` says."""
    blocks = np.split(array, 4, axis=-1)
    return np.concatenate([blocks[k] for k in order], axis=-1)


def _gate_order(case: Case, returned) -> str | None:
    x_t, h_prev, c_prev, kernel, recurrent_kernel, bias = case.args
    for order in itertools.permutations(range(4)):
        if order == (0, 1, 2, 3):
            continue
        weights = [_blocks_permuted(w, order) for w in (kernel, recurrent_kernel, bias)]
        if recurrent.matches(returned, lstm_cell_forward(x_t, h_prev, c_prev, *weights)):
            yours = ", ".join(LETTERS[k] for k in np.argsort(order))
            return (
                f"your code reads the four blocks of the weights as the gates {yours}; Keras "
                "stacks them in the order i, f, c, o (input, forget, candidate, output)."
            )
    return None


TERM_HINTS = {
    "c_prev": (
        "only c_prev is non-zero here, so every gate is sigmoid(0) = 0.5 and the candidate "
        "tanh(0) = 0: c_next should be 0.5 * c_prev and h_next 0.5 * tanh(c_next). Check the "
        "forget term f * c_prev and h_next = o * tanh(c_next)."
    ),
    "bias": (
        "only the bias is non-zero here: check that the bias is added to every gate's "
        "pre-activation, and which activation each gate uses (sigmoid for i, f, o; tanh for the "
        "candidate)."
    ),
    "x_t": "only x_t is non-zero here: check the input term x_t @ kernel.",
    "h_prev": "only h_prev is non-zero here: check the recurrent term h_prev @ recurrent_kernel.",
}


def _term_off(case: Case, returned) -> str | None:
    non_zero = [
        name for name, arg in zip(CELL_ARGUMENTS, case.args, strict=True)
        if name in TERM_HINTS and np.any(arg)
    ]
    if len(non_zero) == 1:
        return TERM_HINTS[non_zero[0]]
    return (
        "each term passed on its own (earlier cases), so look at how they combine: one "
        "pre-activation x_t @ kernel + h_prev @ recurrent_kernel + bias, split into 4 blocks."
    )


def _count_hint(case: Case, count) -> str | None:
    units, features = case.args
    guesses = [
        (units * (units + features + 1), "that is a SimpleRNN's count: an LSTM has four gates."),
        (4 * units * (units + features), "each of the four gates also has u biases."),
        (4 * units * (features + 1), "each gate also has a (u, u) recurrent matrix."),
        (4 * (units + features + 1), "each gate has u units, each with m + u + 1 parameters."),
    ]
    return next((hint for guess, hint in guesses if count == guess), None)


def _stacked_in_wrong_order(case: Case, returned) -> str | None:
    (gates,) = case.args
    for order in itertools.permutations(GATES):
        if order == GATES:
            continue
        stacked = [np.concatenate([gates[gate][k] for gate in order], axis=-1) for k in range(3)]
        if recurrent.matches(returned, stacked):
            return f"you stacked the gates as {', '.join(order)}; Keras's order is " + ", ".join(
                GATES
            ) + "."
    return None


def _stacked_on_wrong_axis(case: Case, returned) -> str | None:
    kernel = case.expected[0]
    m, width = kernel.shape
    if np.shape(returned[0]) in ((4 * m, width // 4), (4, m, width // 4)):
        return (
            "put the gates side by side along the last axis, so that kernel is (m, 4u) and one "
            "product x_t @ kernel gives all four pre-activations."
        )
    if np.shape(returned[2]) == (4, width // 4):
        return "bias is one vector of 4u numbers, the gates' biases one after the other."
    return None
