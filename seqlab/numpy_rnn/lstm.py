"""The LSTM of ``keras.layers.LSTM`` (default activations: tanh and sigmoid).

Keras stacks the four gates side by side in the order input, forget, candidate
(Keras calls it "c"), output — i, f, c, o — in each weight, so ``kernel`` is
(m, 4u), ``recurrent_kernel`` (u, 4u) and ``bias`` (4u,). With row vectors::

    i, f, g, o = split(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias, 4)
    c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g)
    h_t = sigmoid(o) * tanh(c_t)
"""

from typing import NamedTuple

import numpy as np

from ._common import as_float_arrays, check_rank, check_state, check_weights, sigmoid

LAYER = "keras.layers.LSTM"


class LSTMGates(NamedTuple):
    """The gate activations of one LSTM step, each (n, u)."""

    input: np.ndarray
    forget: np.ndarray
    candidate: np.ndarray
    output: np.ndarray


def _gates(x_t, h_prev, kernel, recurrent_kernel, bias):
    pre_activation = x_t @ kernel + h_prev @ recurrent_kernel
    if bias is not None:
        pre_activation = pre_activation + bias
    i, f, g, o = np.split(pre_activation, 4, axis=-1)
    return LSTMGates(sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o))


def _step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    gates = _gates(x_t, h_prev, kernel, recurrent_kernel, bias)
    c_next = gates.forget * c_prev + gates.input * gates.candidate
    return gates.output * np.tanh(c_next), c_next


def _checked(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    arrays = as_float_arrays(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)
    x_t, h_prev, c_prev, kernel, recurrent_kernel, bias = arrays
    check_rank(x_t, "x_t", ("batch", "features"))
    units = check_weights(LAYER, x_t.shape[-1], kernel, recurrent_kernel, bias, gates=4)
    check_state(h_prev, "h_prev", len(x_t), units)
    if c_prev is not None:
        check_state(c_prev, "c_prev", len(x_t), units)
    return arrays


def lstm_gates(x_t, h_prev, kernel, recurrent_kernel, bias=None):
    """The four gate activations of one LSTM step, to print or check one by one.

    Args:
        x_t: (n, m) inputs; h_prev: (n, u) the previous hidden state.
        kernel: (m, 4u); recurrent_kernel: (u, 4u); bias: (4u,) or ``None``.

    Returns:
        :class:`LSTMGates` ``(input, forget, candidate, output)``, each (n, u):
        sigmoid, sigmoid, tanh, sigmoid of the matching pre-activations.
    """
    x_t, h_prev, _, kernel, recurrent_kernel, bias = _checked(
        x_t, h_prev, None, kernel, recurrent_kernel, bias
    )
    return _gates(x_t, h_prev, kernel, recurrent_kernel, bias)


def lstm_cell_forward(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias=None):
    """One LSTM step, as ``keras.layers.LSTMCell`` computes it.

    Args:
        x_t: (n, m) inputs; h_prev: (n, u) hidden state; c_prev: (n, u) cell state.
        kernel: (m, 4u); recurrent_kernel: (u, 4u); bias: (4u,) or ``None`` — as
            ``layer.get_weights()`` returns them.

    Returns:
        ``(h_next, c_next)``, each (n, u), float64 unless every input was float32.
    """
    arrays = _checked(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)
    return _step(*arrays)


def lstm_forward(
    inputs, kernel, recurrent_kernel, bias=None, *, initial_state=None, return_sequences=False
):
    """Run an LSTM over whole sequences, as ``keras.layers.LSTM`` does.

    Args:
        inputs: (n, T, m) batch of sequences.
        kernel: (m, 4u); recurrent_kernel: (u, 4u); bias: (4u,) or ``None`` — in the
            order of ``layer.get_weights()``.
        initial_state: ``(h_0, c_0)``, each (n, u); zeros when ``None``, as in Keras.
        return_sequences: return every hidden state (n, T, u) instead of the last.

    Returns:
        ``(output, h_T, c_T)``, as a Keras LSTM built with ``return_state=True``:
        ``output`` is (n, T, u) or (n, u), the final states are (n, u) each.
    """
    if initial_state is None:
        initial_state = (None, None)
    elif len(initial_state) != 2:
        raise ValueError(
            f"initial_state of an LSTM is a pair (h_0, c_0), got {len(initial_state)} arrays."
        )
    inputs, kernel, recurrent_kernel, bias, h, c = as_float_arrays(
        inputs, kernel, recurrent_kernel, bias, *initial_state
    )
    check_rank(inputs, "inputs", ("batch", "timesteps", "features"))
    batch, timesteps, features = inputs.shape
    units = check_weights(LAYER, features, kernel, recurrent_kernel, bias, gates=4)
    h = np.zeros((batch, units), dtype=inputs.dtype) if h is None else h
    c = np.zeros((batch, units), dtype=inputs.dtype) if c is None else c
    check_state(h, "initial_state[0] (h_0)", batch, units)
    check_state(c, "initial_state[1] (c_0)", batch, units)

    hidden_states = np.empty((batch, timesteps, units), dtype=inputs.dtype)
    for t in range(timesteps):
        h, c = _step(inputs[:, t], h, c, kernel, recurrent_kernel, bias)
        hidden_states[:, t] = h
    return (hidden_states if return_sequences else h), h, c
