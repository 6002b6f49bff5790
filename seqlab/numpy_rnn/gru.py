"""The GRU of ``keras.layers.GRU`` (default activations: tanh and sigmoid).

Keras stacks the three blocks in the order update, reset, candidate — z, r, h —
so ``kernel`` is (m, 3u) and ``recurrent_kernel`` (u, 3u). With row vectors and
``W_z``, ``U_z`` … the blocks of ``kernel`` and ``recurrent_kernel``::

    z = sigmoid(x_t @ W_z + b_z + h_{t-1} @ U_z + b'_z)
    r = sigmoid(x_t @ W_r + b_r + h_{t-1} @ U_r + b'_r)
    reset_after=True:  h~ = tanh(x_t @ W_h + b_h + r * (h_{t-1} @ U_h + b'_h))
    reset_after=False: h~ = tanh(x_t @ W_h + b_h + (r * h_{t-1}) @ U_h)
    h_t = z * h_{t-1} + (1 - z) * h~

With ``reset_after=True`` (Keras's default, the form cuDNN implements) ``bias`` is
(2, 3u): row 0 the input bias b, row 1 the recurrent bias b'. With
``reset_after=False`` there is only b, of shape (3u,), and b' is absent.
"""

from typing import NamedTuple

import numpy as np

from ._common import as_float_arrays, check_rank, check_state, check_weights, sigmoid


class GRUGates(NamedTuple):
    """The gate activations of one GRU step, each (n, u)."""

    update: np.ndarray
    reset: np.ndarray
    candidate: np.ndarray


def _check_weights(features, kernel, recurrent_kernel, bias, reset_after):
    layer = f"keras.layers.GRU(reset_after={reset_after})"
    bias_rows = 2 if reset_after else 0
    return check_weights(
        layer, features, kernel, recurrent_kernel, bias, gates=3, bias_rows=bias_rows
    )


def _gates(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after):
    if bias is None:
        input_bias = recurrent_bias = None
    elif reset_after:
        input_bias, recurrent_bias = bias
    else:
        input_bias, recurrent_bias = bias, None

    from_inputs = x_t @ kernel
    if input_bias is not None:
        from_inputs = from_inputs + input_bias
    x_z, x_r, x_h = np.split(from_inputs, 3, axis=-1)

    if reset_after:
        from_state = h_prev @ recurrent_kernel
        if recurrent_bias is not None:
            from_state = from_state + recurrent_bias
        h_z, h_r, h_h = np.split(from_state, 3, axis=-1)
        update, reset = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
        candidate = np.tanh(x_h + reset * h_h)
    else:
        u_zr, u_h = np.split(recurrent_kernel, [2 * h_prev.shape[-1]], axis=-1)
        h_z, h_r = np.split(h_prev @ u_zr, 2, axis=-1)
        update, reset = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
        candidate = np.tanh(x_h + (reset * h_prev) @ u_h)
    return GRUGates(update, reset, candidate)


def _step(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after):
    gates = _gates(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after)
    return gates.update * h_prev + (1.0 - gates.update) * gates.candidate


def _checked(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after):
    arrays = as_float_arrays(x_t, h_prev, kernel, recurrent_kernel, bias)
    x_t, h_prev, kernel, recurrent_kernel, bias = arrays
    check_rank(x_t, "x_t", ("batch", "features"))
    units = _check_weights(x_t.shape[-1], kernel, recurrent_kernel, bias, reset_after)
    check_state(h_prev, "h_prev", len(x_t), units)
    return arrays


def gru_gates(x_t, h_prev, kernel, recurrent_kernel, bias=None, *, reset_after=True):
    """The update gate, reset gate and candidate state of one GRU step.

    Args:
        x_t: (n, m) inputs; h_prev: (n, u) the previous state.
        kernel: (m, 3u); recurrent_kernel: (u, 3u); bias: (2, 3u) when
            ``reset_after`` else (3u,), or ``None``.
        reset_after: the layer's ``reset_after`` (Keras's default is True).

    Returns:
        :class:`GRUGates` ``(update, reset, candidate)``, each (n, u).
    """
    arrays = _checked(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after)
    return _gates(*arrays, reset_after)


def gru_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias=None, *, reset_after=True):
    """One GRU step, as ``keras.layers.GRUCell`` computes it.

    Args:
        x_t: (n, m) inputs; h_prev: (n, u) the previous state.
        kernel: (m, 3u); recurrent_kernel: (u, 3u); bias: (2, 3u) when
            ``reset_after`` else (3u,), or ``None`` — as ``layer.get_weights()``
            returns them.
        reset_after: the layer's ``reset_after`` (Keras's default is True).

    Returns:
        (n, u) the next state, float64 unless every input was float32.
    """
    arrays = _checked(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after)
    return _step(*arrays, reset_after)


def gru_forward(
    inputs,
    kernel,
    recurrent_kernel,
    bias=None,
    *,
    reset_after=True,
    initial_state=None,
    return_sequences=False,
):
    """Run a GRU over whole sequences, as ``keras.layers.GRU`` does.

    Args:
        inputs: (n, T, m) batch of sequences.
        kernel: (m, 3u); recurrent_kernel: (u, 3u); bias: (2, 3u) when
            ``reset_after`` else (3u,), or ``None`` — in the order of
            ``layer.get_weights()``.
        reset_after: the layer's ``reset_after`` (Keras's default is True).
        initial_state: (n, u) h_0; zeros when ``None``, as in Keras.
        return_sequences: return every state (n, T, u) instead of the last (n, u).

    Returns:
        ``(output, h_T)``, as a Keras GRU built with ``return_state=True``:
        ``output`` is (n, T, u) or (n, u), ``h_T`` is (n, u).
    """
    inputs, kernel, recurrent_kernel, bias, h = as_float_arrays(
        inputs, kernel, recurrent_kernel, bias, initial_state
    )
    check_rank(inputs, "inputs", ("batch", "timesteps", "features"))
    batch, timesteps, features = inputs.shape
    units = _check_weights(features, kernel, recurrent_kernel, bias, reset_after)
    h = np.zeros((batch, units), dtype=inputs.dtype) if h is None else h
    check_state(h, "initial_state", batch, units)

    states = np.empty((batch, timesteps, units), dtype=inputs.dtype)
    for t in range(timesteps):
        h = states[:, t] = _step(inputs[:, t], h, kernel, recurrent_kernel, bias, reset_after)
    return (states if return_sequences else h), h
