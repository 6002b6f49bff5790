"""The simple RNN of ``keras.layers.SimpleRNN``: forward, backpropagation through time,
and the Jacobians ∂h_T/∂h_k behind vanishing and exploding gradients.

In Keras's row-vector layout, with ``x_t`` of shape (n, m) and ``h_t`` of shape (n, u)::

    h_t = tanh(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)

``kernel`` (m, u) is W_xh transposed, ``recurrent_kernel`` (u, u) is W_hh transposed.
"""

from dataclasses import dataclass

import numpy as np

from ._common import as_float_arrays, check_rank, check_state, check_weights

LAYER = "keras.layers.SimpleRNN"


@dataclass(frozen=True)
class RNNCache:
    """What :func:`rnn_backward` needs from a forward pass; all arrays of one float dtype.

    Attributes:
        inputs: (n, T, m) the input sequences.
        initial_state: (n, u) h_0.
        states: (n, T, u) h_1 … h_T; ``states[:, t]`` is the state after step ``t + 1``.
        kernel: (m, u).
        recurrent_kernel: (u, u).
        bias: (u,), or ``None`` for a layer built with ``use_bias=False``.
    """

    inputs: np.ndarray
    initial_state: np.ndarray
    states: np.ndarray
    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray | None


@dataclass(frozen=True)
class RNNGradients:
    """Gradients of a scalar loss L, each with the shape of what it differentiates.

    Attributes:
        kernel: (m, u) dL/dkernel.
        recurrent_kernel: (u, u) dL/drecurrent_kernel.
        bias: (u,) dL/dbias, or ``None`` when the forward pass had no bias.
        inputs: (n, T, m) dL/dx_t for every step.
        initial_state: (n, u) dL/dh_0.
    """

    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray | None
    inputs: np.ndarray
    initial_state: np.ndarray

    @property
    def weights(self):
        """The weight gradients in ``layer.get_weights()`` order, for an optimizer."""
        return [g for g in (self.kernel, self.recurrent_kernel, self.bias) if g is not None]


def _step(x_t, h_prev, kernel, recurrent_kernel, bias):
    pre_activation = x_t @ kernel + h_prev @ recurrent_kernel
    if bias is not None:
        pre_activation = pre_activation + bias
    return np.tanh(pre_activation)


def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias=None):
    """One step of a simple RNN: ``tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)``.

    Args:
        x_t: (n, m) the inputs at this step.
        h_prev: (n, u) the previous state h_{t-1}.
        kernel: (m, u); recurrent_kernel: (u, u); bias: (u,) or ``None`` — as
            ``layer.get_weights()`` returns them, so ``rnn_cell_forward(x_t, h,
            *layer.get_weights())`` works.

    Returns:
        (n, u) the next state h_t, float64 unless every input was float32.
    """
    x_t, h_prev, kernel, recurrent_kernel, bias = as_float_arrays(
        x_t, h_prev, kernel, recurrent_kernel, bias
    )
    check_rank(x_t, "x_t", ("batch", "features"))
    units = check_weights(LAYER, x_t.shape[-1], kernel, recurrent_kernel, bias, gates=1)
    check_state(h_prev, "h_prev", len(x_t), units)
    return _step(x_t, h_prev, kernel, recurrent_kernel, bias)


def rnn_forward(
    inputs,
    kernel,
    recurrent_kernel,
    bias=None,
    *,
    initial_state=None,
    return_sequences=False,
    return_cache=False,
):
    """Run a simple RNN over whole sequences, as ``keras.layers.SimpleRNN`` does.

    Args:
        inputs: (n, T, m) batch of sequences.
        kernel: (m, u); recurrent_kernel: (u, u); bias: (u,) or ``None`` — in the
            order of ``layer.get_weights()``.
        initial_state: (n, u) h_0; zeros when ``None``, as in Keras.
        return_sequences: return every state (n, T, u) instead of the last (n, u).
        return_cache: also return an :class:`RNNCache` for :func:`rnn_backward`.

    Returns:
        ``(output, final_state)``, as a Keras layer built with ``return_state=True``
        returns them, then the cache when ``return_cache``: ``output`` is (n, T, u)
        or (n, u) (see ``return_sequences``), ``final_state`` is h_T (n, u).
    """
    inputs, kernel, recurrent_kernel, bias, initial_state = as_float_arrays(
        inputs, kernel, recurrent_kernel, bias, initial_state
    )
    check_rank(inputs, "inputs", ("batch", "timesteps", "features"))
    batch, timesteps, features = inputs.shape
    units = check_weights(LAYER, features, kernel, recurrent_kernel, bias, gates=1)
    if initial_state is None:
        initial_state = np.zeros((batch, units), dtype=inputs.dtype)
    check_state(initial_state, "initial_state", batch, units)

    states = np.empty((batch, timesteps, units), dtype=inputs.dtype)
    h = initial_state
    for t in range(timesteps):
        h = states[:, t] = _step(inputs[:, t], h, kernel, recurrent_kernel, bias)

    output = states if return_sequences else h
    if not return_cache:
        return output, h
    cache = RNNCache(inputs, initial_state, states, kernel, recurrent_kernel, bias)
    return output, h, cache


def rnn_backward(grad_states, cache):
    """Backpropagation through time for :func:`rnn_forward`.

    Args:
        grad_states: dL/dh_t arriving from outside the recurrence (an output layer,
            the loss), either (n, T, u) for every step — a loss summed over time —
            or (n, u) for the last step only — a many-to-one model.
        cache: the :class:`RNNCache` from ``rnn_forward(..., return_cache=True)``.

    Returns:
        :class:`RNNGradients` for kernel, recurrent_kernel, bias, inputs and the
        initial state, in the dtype of the cache.
    """
    states = cache.states
    batch, timesteps, units = states.shape
    grad_states = np.asarray(grad_states, dtype=states.dtype)
    if grad_states.shape == (batch, units):
        last_only = np.zeros_like(states)
        last_only[:, -1] = grad_states
        grad_states = last_only
    elif grad_states.shape != states.shape:
        raise ValueError(
            f"grad_states has shape {grad_states.shape}, but needs (batch, timesteps, units) "
            f"= {states.shape} for every step or (batch, units) = {(batch, units)} "
            "for the last step only."
        )

    previous_states = np.concatenate([cache.initial_state[:, np.newaxis], states[:, :-1]], axis=1)
    grad_kernel = np.zeros_like(cache.kernel)
    grad_recurrent = np.zeros_like(cache.recurrent_kernel)
    grad_bias = np.zeros(units, dtype=states.dtype)
    grad_inputs = np.empty_like(cache.inputs)
    grad_from_later = np.zeros((batch, units), dtype=states.dtype)
    for t in reversed(range(timesteps)):
        # tanh'(a) = 1 - tanh(a)^2, and h_t = tanh(a_t) is in the cache.
        grad_pre = (grad_states[:, t] + grad_from_later) * (1.0 - states[:, t] ** 2)
        grad_kernel += cache.inputs[:, t].T @ grad_pre
        grad_recurrent += previous_states[:, t].T @ grad_pre
        grad_bias += grad_pre.sum(axis=0)
        grad_inputs[:, t] = grad_pre @ cache.kernel.T
        grad_from_later = grad_pre @ cache.recurrent_kernel.T

    return RNNGradients(
        kernel=grad_kernel,
        recurrent_kernel=grad_recurrent,
        bias=None if cache.bias is None else grad_bias,
        inputs=grad_inputs,
        initial_state=grad_from_later,
    )


def rnn_state_jacobian_norms(cache, *, ord=2):
    """Norms of the Jacobians ∂h_T/∂h_k for k = 0 … T, for each sequence in the batch.

    ∂h_T/∂h_k is the product of the one-step Jacobians
    ∂h_t/∂h_{t-1} = diag(1 - h_t²) · recurrent_kernelᵀ for t = T, T-1, …, k+1,
    the factor by which a gradient at step T is multiplied on its way back to
    step k. Plotted against the distance T - k on a log scale, it shows vanishing
    (spectral radius of the recurrent matrix below 1, or saturated tanh) and
    exploding (above 1) gradients.

    Args:
        cache: the :class:`RNNCache` from ``rnn_forward(..., return_cache=True)``.
        ord: the matrix norm, as in :func:`numpy.linalg.norm`; 2, the default, is
            the spectral norm (the largest factor by which any gradient grows).

    Returns:
        (n, T + 1) array: column k holds ‖∂h_T/∂h_k‖, so column 0 is for the
        initial state and column T, ∂h_T/∂h_T = identity, holds ‖I‖.
    """
    states = cache.states
    batch, timesteps, units = states.shape
    norms = np.empty((batch, timesteps + 1), dtype=states.dtype)
    product = np.broadcast_to(np.eye(units, dtype=states.dtype), (batch, units, units))
    norms[:, timesteps] = np.linalg.norm(product, ord=ord, axis=(-2, -1))
    for k in reversed(range(timesteps)):
        # Row i, column j of ∂h_{k+1}/∂h_k: (1 - h_{k+1,i}^2) * recurrent_kernel[j, i].
        step = (1.0 - states[:, k, :, np.newaxis] ** 2) * cache.recurrent_kernel.T
        product = product @ step
        norms[:, k] = np.linalg.norm(product, ord=ord, axis=(-2, -1))
    return norms
