"""Public checks for lab 06, the GRU: ``from seqlab.checks import lab06 as check``.

=====  ==============================================================  =========================
check  your function                                                   returns
=====  ==============================================================  =========================
q1     ``gru_cell_forward(x_t, h_prev, kernel, recurrent_kernel,       h_next, (n, u)
       bias)``
q2     ``gru_parameter_count(units, features, reset_after=True)``      int
q3     ``gru_forward(inputs, kernel, recurrent_kernel, bias)``         ``(outputs, h_T)``:
                                                                       (n, T, u), (n, u)
q4     ``build_recurrent_classifier(layer, timesteps, features,        a Keras model
       units, classes)``
=====  ==============================================================  =========================

Weights are in the layout of ``keras.layers.GRU(...).get_weights()`` with Keras's default
``reset_after=True``: ``kernel`` (m, 3u), ``recurrent_kernel`` (u, 3u), ``bias`` (2, 3u) with
the input biases in row 0 and the recurrent biases in row 1, blocks in the order z, r, h.
The first cases of q1 set all inputs but one to zero, so a failure names the term that is off.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

from seqlab.checks import recurrent
from seqlab.checks.core import Case, Rule, run_check
from seqlab.numpy_rnn import gru_cell_forward, gru_forward, gru_gates

BLOCKS = "zrh"
CELL_ARGUMENTS = ("x_t", "h_prev", "kernel", "recurrent_kernel", "bias")
LAYERS = ("SimpleRNN", "LSTM", "GRU")


def _cell_case(seed, n=2, m=3, u=2, *, zero=()):
    """A q1 case with normal inputs and weights; the arguments named in ``zero`` are zeros."""
    rng = np.random.default_rng(seed)
    shapes = {"x_t": (n, m), "h_prev": (n, u), "kernel": (m, 3 * u),
              "recurrent_kernel": (u, 3 * u), "bias": (2, 3 * u)}
    args = tuple(
        np.zeros(shapes[name]) if name in zero else rng.normal(size=shapes[name])
        for name in CELL_ARGUMENTS
    )
    return Case(args, gru_cell_forward(*args))


# One term at a time, then everything: the first case that fails tells which term is off.
CELL_CASES = [
    _cell_case(1, zero=("h_prev", "bias")),  # only x_t
    _cell_case(2, zero=("x_t", "bias")),  # only h_prev: where reset before and after differ
    _cell_case(3, zero=("x_t", "h_prev")),  # only the bias
    _cell_case(4),
    _cell_case(5, n=1, m=1, u=1),
]


def q1(gru_cell_forward) -> None:
    """``gru_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias)``, reset_after=True."""
    run_check(
        "q1",
        gru_cell_forward,
        CELL_CASES,
        hints=[_update_gate_swapped, _block_order, _bias_rows, _both_biases_on_input,
               _no_reset_gate, _sigmoid_candidate, _reset_before, _term_off],
        error_hints={ValueError: recurrent.MATMUL_HINT.format(k=3)},
    )


def q2(gru_parameter_count) -> None:
    """``gru_parameter_count(units, features, reset_after=True)``."""
    cases = [
        Case((4, 3), 108),
        Case((1, 1), 12),
        Case((16, 5), 1056, {"reset_after": False}),
        Case((32, 10), 4224, {"reset_after": True}),
        Case((128, 300), 164736, {"reset_after": False}),
    ]
    run_check("q2", gru_parameter_count, cases, hints=[_count_hint], rules=RULES["q2"])


def _sequence_case(seed, n, steps, m, u):
    rng = np.random.default_rng(seed)
    args = (rng.normal(size=(n, steps, m)), rng.normal(size=(m, 3 * u)),
            rng.normal(size=(u, 3 * u)), rng.normal(size=(2, 3 * u)))
    return Case(args, tuple(gru_forward(*args, return_sequences=True)))


def q3(gru_forward) -> None:
    """``gru_forward(inputs, kernel, recurrent_kernel, bias)``: from a zero state."""
    cases = [
        _sequence_case(6, 2, 5, 3, 2),
        _sequence_case(7, 3, 1, 2, 4),
        _sequence_case(8, 1, 8, 1, 1),
    ]
    run_check(
        "q3",
        gru_forward,
        cases,
        hints=[recurrent.sequence_hint(cell_state=False)],
        error_hints=recurrent.SEQUENCE_ERROR_HINTS,
    )


# The rules the lab states, checked here and graded by the probes (seqlab.grading.probes.lab06).
RULES = {
    "q2": [
        Rule("uses Keras", False, "builds a Keras layer: count the parameters from the shapes."),
        Rule("Python int", True, "returned a NumPy integer: the lab asks for a Python int, "
             "e.g. int(...)."),
    ],
    # Graded with every build; the check's last case tests the same (through its own wrapper).
    "q4": [Rule("unknown layer", "ValueError naming SimpleRNN, LSTM, GRU",
                "should raise a ValueError naming SimpleRNN, LSTM and GRU for an unknown name.")],
}

UNKNOWN_LAYER = "ValueError naming " + ", ".join(LAYERS)


def _outcome(build):
    """``build``'s model summary, or for an unknown layer name, which valid names it listed."""
    summarise = recurrent.summarised(build)

    @functools.wraps(build)
    def outcome(layer, *args, **kwargs):
        if layer in LAYERS:
            return summarise(layer, *args, **kwargs)
        try:
            model = build(layer, *args, **kwargs)
        except ValueError as error:
            named = [name for name in LAYERS if name in str(error)]
            return "ValueError naming " + (", ".join(named) or "none of the valid layers")
        return f"a {type(model).__name__}, no error"

    return outcome


def q4(build_recurrent_classifier) -> None:
    """``build_recurrent_classifier(layer, timesteps, features, units, classes)``."""
    cases = [
        Case(("GRU", 40, 5, 16, 4), recurrent.model_summary_of("GRU", 40, 5, 16, 4)),
        Case(("LSTM", 12, 3, 8, 2), recurrent.model_summary_of("LSTM", 12, 3, 8, 2)),
        Case(("SimpleRNN", 20, 2, 4, 3), recurrent.model_summary_of("SimpleRNN", 20, 2, 4, 3)),
        Case(("Transformer", 10, 5, 16, 4), UNKNOWN_LAYER),
    ]
    hints = [_unknown_layer, *recurrent.MODEL_HINTS]
    run_check(
        "q4",
        _outcome(build_recurrent_classifier),
        cases,
        hints=hints,
        error_hints={KeyError: "an unknown name must not end in a KeyError from your dict: "
                     "check the name first and raise a ValueError."},
    )


# --- Hints: each recognises one common mistake from the case and the returned value. ---


def _variant(case: Case, returned, **changes) -> bool:
    """Whether ``returned`` is what the reference gives with ``changes`` to the arguments."""
    args = dict(zip(CELL_ARGUMENTS, case.args, strict=True))
    reset_after = changes.pop("reset_after", True)
    args.update(changes)
    expected = gru_cell_forward(*(args[name] for name in CELL_ARGUMENTS), reset_after=reset_after)
    return recurrent.matches(returned, expected)


def _update_gate_swapped(case: Case, h_next) -> str | None:
    x_t, h_prev, *weights = case.args
    gates = gru_gates(x_t, h_prev, *weights)
    swapped = (1 - gates.update) * h_prev + gates.update * gates.candidate
    if recurrent.matches(h_next, swapped):
        return (
            "z keeps the old state: h_next = z * h_prev + (1 - z) * candidate (Keras's "
            "convention), not (1 - z) * h_prev + z * candidate."
        )
    return None


def _cell(case: Case, *, x_bias=None, h_bias=None, candidate=None):
    """h_next of a q1 case computed with a common mistake in the biases or the candidate."""
    x_t, h_prev, kernel, recurrent_kernel, bias = case.args
    x_z, x_r, x_h = np.split(x_t @ kernel + (bias[0] if x_bias is None else x_bias), 3, axis=1)
    h_z, h_r, h_h = np.split(h_prev @ recurrent_kernel + (bias[1] if h_bias is None else h_bias),
                             3, axis=1)
    z, r = _sigmoid(x_z + h_z), _sigmoid(x_r + h_r)
    new = (candidate or (lambda x, h, r: np.tanh(x + r * h)))(x_h, h_h, r)
    return z * h_prev + (1 - z) * new


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _both_biases_on_input(case: Case, h_next) -> str | None:
    bias = case.args[4]
    if np.any(bias[1]) and recurrent.matches(h_next, _cell(case, x_bias=bias.sum(axis=0),
                                                           h_bias=0.0)):
        return (
            "you added both bias rows on the input side: the input bias (row 0) goes with "
            "x_t @ kernel, the recurrent bias (row 1) with h_prev @ recurrent_kernel."
        )
    return None


def _no_reset_gate(case: Case, h_next) -> str | None:
    if np.any(case.args[1]) and recurrent.matches(
        h_next, _cell(case, candidate=lambda x, h, r: np.tanh(x + h))
    ):
        return "the candidate multiplies the recurrent part by the reset gate: tanh(x_h + r * h_h)."
    return None


def _sigmoid_candidate(case: Case, h_next) -> str | None:
    if recurrent.matches(h_next, _cell(case, candidate=lambda x, h, r: _sigmoid(x + r * h))):
        return "the candidate is a tanh, not a sigmoid: only z and r are gates."
    return None


def _blocks_permuted(array, order):
    blocks = np.split(array, 3, axis=-1)
    return np.concatenate([blocks[k] for k in order], axis=-1)


def _block_order(case: Case, h_next) -> str | None:
    _, _, kernel, recurrent_kernel, bias = case.args
    for order in itertools.permutations(range(3)):
        if order == (0, 1, 2):
            continue
        permuted = {name: _blocks_permuted(weight, order) for name, weight in
                    [("kernel", kernel), ("recurrent_kernel", recurrent_kernel), ("bias", bias)]}
        if _variant(case, h_next, **permuted):
            yours = ", ".join(BLOCKS[k] for k in np.argsort(order))
            return (
                f"your code reads the three blocks of the weights as {yours}; Keras stacks "
                "them in the order z, r, h (update gate, reset gate, candidate)."
            )
    return None


def _bias_rows(case: Case, h_next) -> str | None:
    bias = case.args[-1]
    if not np.any(bias):
        return None
    if _variant(case, h_next, bias=bias[::-1]):
        return "bias row 0 is the input bias b, row 1 the recurrent bias b': you swapped them."
    if _variant(case, h_next, bias=np.stack([bias[0], np.zeros_like(bias[1])])):
        return "add the recurrent bias too: bias[1] goes with h_prev @ recurrent_kernel."
    return None


def _reset_before(case: Case, h_next) -> str | None:
    bias = case.args[-1]
    for flat_bias in (bias[0], bias[0] + bias[1]):
        if _variant(case, h_next, bias=flat_bias, reset_after=False):
            return (
                "that is the reset_after=False candidate, tanh(x W_h + b_h + (r * h_prev) U_h). "
                "Keras's default applies r after the product: tanh(x W_h + b_h + r * (h_prev "
                "U_h + b'_h))."
            )
    return None


TERM_HINTS = {
    "x_t": (
        "only x_t is non-zero here (h_prev = 0, no bias), so h_next should be (1 - z) * "
        "tanh(x_t W_h) with z = sigmoid(x_t W_z): check the input term x_t @ kernel and the "
        "mixture z * h_prev + (1 - z) * candidate."
    ),
    "bias": (
        "only the bias is non-zero here: the input bias (row 0) is added outside the reset "
        "gate, the recurrent bias (row 1) inside it, r * (h_prev @ U_h + b'_h)."
    ),
    "h_prev": (
        "only h_prev is non-zero here: check the recurrent term h_prev @ recurrent_kernel, the "
        "reset gate r * (h_prev @ U_h), and the mixture z * h_prev + (1 - z) * candidate."
    ),
}


def _term_off(case: Case, h_next) -> str | None:
    non_zero = [
        name for name, arg in zip(CELL_ARGUMENTS, case.args, strict=True)
        if name in TERM_HINTS and np.any(arg)
    ]
    if len(non_zero) == 1:
        return TERM_HINTS[non_zero[0]]
    return (
        "each term passed on its own (earlier cases), so look at how they combine: the reset "
        "gate multiplies only the recurrent part of the candidate."
    )


def _count_hint(case: Case, count) -> str | None:
    units, features = case.args
    reset_after = case.kwargs.get("reset_after", True)
    one_row, two_rows = 3 * units * (units + features + 1), 3 * units * (units + features + 2)
    if reset_after and count == one_row:
        return "with reset_after=True the bias has two rows (input and recurrent): 2 * 3u biases."
    if not reset_after and count == two_rows:
        return "with reset_after=False there is a single bias row: 3u biases."
    if count == 3 * units * (features + (2 if reset_after else 1)):
        return "each block also has recurrent weights: recurrent_kernel is a (u, 3u) matrix."
    if count == 4 * units * (units + features + 1):
        return "that is an LSTM's count: a GRU has three blocks (z, r, h), not four."
    return None


def _unknown_layer(case: Case, returned) -> str | None:
    if case.expected == UNKNOWN_LAYER and str(returned).startswith("ValueError"):
        return (
            f"your ValueError's message should name the three valid layers, "
            f"{', '.join(LAYERS)}, so that the caller sees what to write instead."
        )
    if case.expected == UNKNOWN_LAYER and returned != UNKNOWN_LAYER:
        return (
            "for an unknown layer name, raise a ValueError (and say in its message which "
            "names are valid) instead of building a model."
        )
    return None
