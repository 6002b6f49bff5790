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
q6     ``gradient_by_distance(kind, weights, inputs)``                 (T,) float64: ‖∂y/∂x‖ at
                                                                       distance 0 (x_T) to T - 1
=====  ==============================================================  ===========================

Weights are in the layout of ``keras.layers.LSTM(...).get_weights()``: ``kernel`` (m, 4u),
``recurrent_kernel`` (u, 4u), ``bias`` (4u,), the gates side by side in the order i, f, c, o.
The first cases of q1 set all inputs but one to zero, so a failure names the term that is off.

q6 is lesson 04's |∂y/∂x_k| on a Keras layer (``kind`` "SimpleRNN", "LSTM" or "GRU" holding
``weights``, its ``get_weights()`` list), y the sum of the last hidden state h_T over the batch
and the units: entry d is the norm, over the batch and the features, of ∂y/∂x at step T - d.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

from seqlab.checks import recurrent
from seqlab.checks.core import Case, Rule, run_check
from seqlab.numpy_rnn import lstm_cell_forward, lstm_forward

# The rules the lab states, checked here and graded by the probes (seqlab.grading.probes.lab05).
RULES = {
    "q2": [Rule("tuple", True, recurrent.TUPLE_RULE)],
    "q3": [
        Rule("uses Keras", False, "builds a Keras layer: count the parameters from the shapes "
             "of the weights."),
        Rule("Python int", True, "returned a NumPy integer: the lab asks for a Python int, "
             "e.g. int(...)."),
    ],
    "q4": [Rule("list", True, "returned a tuple: return a list, not a tuple, "
                "[kernel, recurrent_kernel, bias], as layer.set_weights expects.")],
}

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
        hints=[_states_swapped, _no_forget_term, _h_without_tanh, _c_prev_in_recurrent_term,
               _interleaved, _split_on_batch_axis, _sigmoid_candidate, _gate_order, _term_off],
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
    run_check(
        "q2",
        lstm_forward,
        cases,
        hints=[_cell_states_stored, _states_swapped_at_end, _c_not_carried,
               recurrent.sequence_hint(cell_state=True)],
        error_hints=recurrent.SEQUENCE_ERROR_HINTS,
        rules=RULES["q2"],
    )


def q3(lstm_parameter_count) -> None:
    """``lstm_parameter_count(units, features)``: 4u(u + m + 1)."""
    cases = [Case((2, 3), 48), Case((4, 3), 128), Case((16, 5), 1408), Case((1, 1), 12)]
    run_check("q3", lstm_parameter_count, cases, hints=[_count_hint], rules=RULES["q3"])


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
    shuffled = _stack_case(13, 2, 3)  # the same gates, the dict listing them in another order
    gates = shuffled.args[0]
    cases = [
        _stack_case(10, 3, 2),
        _stack_case(11, 1, 1),
        _stack_case(12, 2, 5),
        Case(({gate: gates[gate] for gate in reversed(GATES)},), shuffled.expected),
    ]
    hints = [_stacked_in_wrong_order, _stacked_on_wrong_axis]
    run_check("q4", stack_lstm_weights, cases, hints=hints, rules=RULES["q4"])


def q5(build_lstm_classifier) -> None:
    """``build_lstm_classifier(timesteps, features, units, classes)``: LSTM, then softmax."""
    cases = [
        Case((40, 5, 16), recurrent.model_summary_of("LSTM", 40, 5, 16, 4), {"classes": 4}),
        Case((12, 3, 8), recurrent.model_summary_of("LSTM", 12, 3, 8, 2), {"classes": 2}),
    ]
    run_check("q5", recurrent.summarised(build_lstm_classifier), cases, hints=recurrent.MODEL_HINTS)


def recurrent_layer(kind: str, weights: list):
    """A built ``keras.layers.<kind>`` of u units holding ``weights`` (its get_weights() list);
    u is read off the recurrent kernel, (u, k u)."""
    import keras

    layer = getattr(keras.layers, kind)(len(weights[1]))
    layer.build((None, None, len(weights[0])))
    layer.set_weights(weights)
    return layer


def gradient_by_distance(kind: str, weights: list, inputs: np.ndarray, *, raw: bool = False):
    """q6's answer, (T,) float64: entry d the norm of ∂y/∂x_{T-d} over the batch and the
    features, y the sum of the layer's last hidden state h_T (n, u); with ``raw``, ∂y/∂inputs
    itself, (n, T, m). Named as the lab's function, so that the grader's sandbox withholds it
    from notebooks."""
    import tensorflow as tf

    layer = recurrent_layer(kind, weights)
    tensor = tf.constant(inputs)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        total = tf.reduce_sum(layer(tensor))
    gradient = tape.gradient(total, tensor).numpy().astype(np.float64)
    if raw:
        return gradient
    return np.sqrt(np.sum(gradient ** 2, axis=(0, 2)))[::-1]


def layer_weights(kind: str, m: int, u: int, rng: np.random.Generator, scale: float = 1.0):
    """Normal weights in the layout of ``keras.layers.<kind>(u).get_weights()`` on m features."""
    gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[kind]
    bias = (2, 3 * u) if kind == "GRU" else (gates * u,)  # GRU: reset_after=True, two biases
    return [rng.normal(scale=scale, size=shape)
            for shape in ((m, gates * u), (u, gates * u), bias)]


def _gradient_case(seed, kind, n, steps, m, u):
    rng = np.random.default_rng(seed)
    args = (kind, layer_weights(kind, m, u, rng, scale=0.8), rng.normal(size=(n, steps, m)))
    return Case(args, gradient_by_distance(*args))


NO_WATCH_HINT = (
    "tape.gradient found no path to the inputs (it gave None, or failed): make them a tensor, "
    "tf.constant(inputs), and call tape.watch on it inside the `with` block, before the layer."
)


@functools.cache
def _gradient_cases() -> tuple[Case, ...]:
    """q6's public cases, one per layer kind (computed once: each builds a Keras layer)."""
    return (
        _gradient_case(17, "SimpleRNN", 2, 5, 2, 3),
        _gradient_case(18, "LSTM", 1, 6, 3, 2),
        _gradient_case(19, "GRU", 3, 4, 1, 2),
    )


def q6(gradient_by_distance) -> None:
    """``gradient_by_distance(kind, weights, inputs)``: ‖∂y/∂x_{T-d}‖ for d = 0 .. T - 1."""
    run_check(
        "q6",
        gradient_by_distance,
        _gradient_cases(),
        hints=[_a_tensor, _per_sequence, _by_step, _mean_not_sum, _signed_sum, _squared_norm,
               _l1_norm],
        error_hints={np.exceptions.AxisError: NO_WATCH_HINT, AttributeError: NO_WATCH_HINT},
    )


# --- Hints: each recognises one common mistake from the case and the returned value. ---


def _states_swapped(case: Case, returned) -> str | None:
    h_next, c_next = case.expected
    if recurrent.matches(returned, (c_next, h_next)):
        return "you returned (c_next, h_next): return the hidden state first, (h_next, c_next)."
    return None


def _variant_cell(case: Case, blocks=None, candidate=np.tanh, h_source="h_prev"):
    """``(h_next, c_next)`` of a q1 case computed with a common mistake."""
    x_t, h_prev, c_prev, kernel, recurrent_kernel, bias = case.args
    state = c_prev if h_source == "c_prev" else h_prev
    z = x_t @ kernel + state @ recurrent_kernel + bias
    z_i, z_f, z_c, z_o = blocks(z) if blocks else np.split(z, 4, axis=1)
    sig = numpy_sigmoid
    c_next = sig(z_f) * c_prev + sig(z_i) * candidate(z_c)
    return sig(z_o) * np.tanh(c_next), c_next


def numpy_sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _c_prev_in_recurrent_term(case: Case, returned) -> str | None:
    if np.any(case.args[2]) and recurrent.matches(returned, _variant_cell(case, h_source="c_prev")):
        return "the recurrent term reads h_prev, not c_prev: h_prev @ recurrent_kernel."
    return None


def _interleaved(case: Case, returned) -> str | None:
    interleaved = _variant_cell(case, lambda z: [z[:, k::4] for k in range(4)])
    if recurrent.matches(returned, interleaved) or (
        isinstance(returned, tuple | list) and np.ndim(returned[0]) == 3
    ):
        return (
            "your gates are interleaved columns (a reshape to (n, u, 4)); the four gates are "
            "contiguous blocks of u columns each: np.split(z, 4, axis=1)."
        )
    return None


def _split_on_batch_axis(case: Case, returned) -> str | None:
    def blocks(z):
        return [block.T for block in np.split(z.T, 4, axis=0)]

    def transposed(z):
        return np.split(z.T, 4, axis=0)

    n, u = case.args[1].shape
    for variant in (blocks, transposed):
        try:
            wrong = _variant_cell(case, variant)
        except ValueError:
            continue
        if recurrent.matches(returned, wrong) and not recurrent.matches(wrong, case.expected):
            return "you split z.T (along axis 0): split z itself along its 4u columns."
    if isinstance(returned, tuple | list) and np.shape(returned[0]) == (u, n) != (n, u):
        return "you split z.T (along axis 0): split z itself along its 4u columns."
    return None


def _no_forget_term(case: Case, returned) -> str | None:
    h_next, c_next = case.expected
    x_t, h_prev, c_prev, *_ = case.args
    wrong_c = c_next - numpy_sigmoid(np.split(x_t @ case.args[3] + h_prev @ case.args[4]
                                              + case.args[5], 4, axis=1)[1]) * c_prev
    if np.any(c_prev) and isinstance(returned, tuple | list) and recurrent.matches(
        returned[1], wrong_c
    ):
        return "c_next keeps the old memory: add the forget term f * c_prev."
    return None


def _h_without_tanh(case: Case, returned) -> str | None:
    h_next, c_next = case.expected
    x_t, h_prev, c_prev, kernel, recurrent_kernel, bias = case.args
    z_o = np.split(x_t @ kernel + h_prev @ recurrent_kernel + bias, 4, axis=1)[3]
    if isinstance(returned, tuple | list) and recurrent.matches(
        returned[0], numpy_sigmoid(z_o) * c_next
    ) and not recurrent.matches(h_next, numpy_sigmoid(z_o) * c_next):
        return "h_next squashes the new memory: h_next = o * tanh(c_next), not o * c_next."
    return None


def _sigmoid_candidate(case: Case, returned) -> str | None:
    if recurrent.matches(returned, _variant_cell(case, candidate=numpy_sigmoid)):
        return "the candidate is tanh(z_c), not a sigmoid: only i, f and o are gates."
    return None


def _sequence(case: Case, carry_c=True):
    inputs, kernel, recurrent_kernel, bias = case.args
    n, steps, _ = inputs.shape
    h = c = np.zeros((n, recurrent_kernel.shape[0]))
    hs, cs = [], []
    for t in range(steps):
        h, c = lstm_cell_forward(inputs[:, t], h, c if carry_c else np.zeros_like(c), kernel,
                                 recurrent_kernel, bias)
        hs.append(h)
        cs.append(c)
    return np.stack(hs, axis=1), np.stack(cs, axis=1)


def _cell_states_stored(case: Case, returned) -> str | None:
    if isinstance(returned, tuple | list) and recurrent.matches(returned[0], _sequence(case)[1]):
        return "outputs holds the hidden state h of every step, not the cell state c."
    return None


def _states_swapped_at_end(case: Case, returned) -> str | None:
    outputs, h_T, c_T = case.expected
    if isinstance(returned, tuple | list) and len(returned) == 3 and recurrent.matches(
        returned[1], c_T
    ) and not recurrent.matches(h_T, c_T):
        return "return (outputs, h_T, c_T): the hidden state second, the cell state last."
    return None


def _c_not_carried(case: Case, returned) -> str | None:
    if isinstance(returned, tuple | list) and recurrent.matches(
        returned[0], _sequence(case, carry_c=False)[0]
    ) and case.args[0].shape[1] > 1:
        return "carry c from step to step as well as h: each step starts from the c before it."
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
        "tanh(0) = 0: c_next should be 0.5 * c_prev and h_next 0.5 * tanh(c_next)."
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
            if order == tuple(gates):
                return (
                    "you stacked the gates in the order the dict lists them; take them by name "
                    "in Keras's order, input, forget, candidate, output."
                )
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


def _close(returned, value) -> bool:
    """Whether ``returned`` has ``value``'s shape and values, whatever its float dtype."""
    try:
        returned = np.asarray(returned, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return returned.shape == np.shape(value) and np.allclose(returned, value, rtol=1e-5,
                                                             atol=1e-7)


def _either_way(returned, per_step) -> bool:
    """Whether ``returned`` is ``per_step`` (step 1 first) read by distance or by step."""
    return _close(returned, per_step[::-1]) or _close(returned, per_step)


def _a_tensor(case: Case, returned) -> str | None:
    if type(returned).__module__.split(".")[0] == "tensorflow":
        return "return a NumPy array of float64, not a tensor: call .numpy() on it."
    return None


def _per_sequence(case: Case, returned) -> str | None:
    n, steps, m = case.args[2].shape
    if np.ndim(returned) == 2 and set(np.shape(returned)) <= {n, steps, m}:
        return (
            "one number per distance: the norm over the batch and the features together, "
            "axis=(0, 2) of the (n, T, m) gradient."
        )
    return None


def _by_step(case: Case, returned) -> str | None:
    expected = case.expected
    if _close(returned, expected[::-1]) and not np.allclose(expected, expected[::-1]):
        return (
            "that is step by step, x_1 first; entry d is the distance d from the end, x_{T-d}: "
            "reverse the steps, [::-1], so that entry 0 is the last step."
        )
    return None


def _mean_not_sum(case: Case, returned) -> str | None:
    n, u = len(case.args[2]), len(case.args[1][1])
    if n * u > 1 and _either_way(np.asarray(returned, dtype=float) * n * u,
                                 case.expected[::-1]):
        return "y is the sum of h_T over the batch and the units, not their mean."
    return None


def _signed_sum(case: Case, returned) -> str | None:
    gradient = gradient_by_distance(*case.args, raw=True)
    if _either_way(returned, gradient.sum(axis=(0, 2))):
        return (
            "take a norm, not a sum of the gradient's entries: entries of opposite signs would "
            "cancel. The norm is the square root of the sum of squares."
        )
    return None


def _squared_norm(case: Case, returned) -> str | None:
    if _either_way(returned, case.expected[::-1] ** 2):
        return "that is the squared norm: take the square root of the sum of squares."
    return None


def _l1_norm(case: Case, returned) -> str | None:
    gradient = gradient_by_distance(*case.args, raw=True)
    if _either_way(returned, np.abs(gradient).sum(axis=(0, 2))):
        return (
            "that is the sum of absolute values; the norm is the Euclidean one, the square "
            "root of the sum of squares, np.linalg.norm(..., axis=(0, 2))."
        )
    return None
