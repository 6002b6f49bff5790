"""What the three cells share: Keras's activations, the dtype rule and the shape checks.

Shapes use ``n`` for the batch, ``T`` for time steps, ``m`` for input features and
``u`` for units, as in the rest of :mod:`seqlab.numpy_rnn`.
"""

import numpy as np

WEIGHT_ORDER = "pass the weights in the order layer.get_weights() returns them"


def sigmoid(x):
    """Keras 3's ``"sigmoid"`` activation, ``1 / (1 + exp(-x))``, elementwise.

    Keras's default ``recurrent_activation`` for LSTM and GRU (Keras 2 once used
    ``hard_sigmoid``; Keras 3 does not). Computed as ``0.5 * (1 + tanh(x / 2))``,
    the same function, because it cannot overflow for large negative ``x``.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def as_float_arrays(*arrays):
    """Convert ``arrays`` to NumPy arrays of one floating dtype; ``None`` passes through.

    The dtype is NumPy's promotion of the inputs with float32: all-float32 inputs
    (what ``layer.get_weights()`` returns) stay float32; Python numbers, integers
    and float64 give float64.
    """
    arrays = [None if a is None else np.asarray(a) for a in arrays]
    dtype = np.result_type(np.float32, *(a.dtype for a in arrays if a is not None))
    return [None if a is None else a.astype(dtype, copy=False) for a in arrays]


def check_rank(array, name, axes):
    """Raise a ValueError unless ``array`` has one axis per entry of ``axes``.

    ``axes`` names the axes, e.g. ``("batch", "timesteps", "features")``.
    """
    if array.ndim != len(axes):
        layout = ", ".join(axes)
        raise ValueError(
            f"{name} must be {len(axes)}-D ({layout}), got shape {array.shape}; "
            f"add a batch axis with {name}[np.newaxis] for a single example, or a features "
            f"axis with {name}[..., np.newaxis] for scalar inputs."
        )


def check_weights(layer, features, kernel, recurrent_kernel, bias, *, gates, bias_rows=0):
    """Check the weight shapes of a recurrent cell and return its number of units ``u``.

    Args:
        layer: how to name the Keras layer in messages, e.g. ``"keras.layers.LSTM"``.
        features: ``m``, the size of the inputs' last axis.
        kernel: should be ``(m, gates * u)``.
        recurrent_kernel: should be ``(u, gates * u)``; ``u`` is read from it.
        bias: should be ``(gates * u,)``, or ``(bias_rows, gates * u)`` when
            ``bias_rows`` is not 0; ``None`` means the layer has no bias.
        gates: blocks side by side in the weights (1 SimpleRNN, 4 LSTM, 3 GRU).
        bias_rows: 2 for a GRU with ``reset_after=True``, else 0.
    """
    width = "units" if gates == 1 else f"{gates} * units"
    shape = recurrent_kernel.shape
    if len(shape) != 2 or shape[1] != gates * shape[0]:
        raise ValueError(
            f"recurrent_kernel has shape {shape}, but {layer} needs (units, {width}); "
            f"{WEIGHT_ORDER}: kernel, recurrent_kernel, bias."
        )
    units = shape[0]
    expected = {"kernel": ((features, gates * units), f"(features, {width})")}
    if bias is not None:
        bias_shape = (gates * units,) if not bias_rows else (bias_rows, gates * units)
        bias_layout = f"({width},)" if not bias_rows else f"({bias_rows}, {width})"
        expected["bias"] = (bias_shape, bias_layout)
    for name, array in (("kernel", kernel), ("bias", bias)):
        if name in expected and array.shape != expected[name][0]:
            needed, layout = expected[name]
            raise ValueError(
                f"{name} has shape {array.shape}, but {layer} with {units} units on "
                f"{features} input features needs {needed} = {layout}; {WEIGHT_ORDER}."
            )
    return units


def check_state(state, name, batch, units):
    """Raise a ValueError unless ``state`` has shape ``(batch, units)``."""
    if state.shape != (batch, units):
        raise ValueError(
            f"{name} has shape {state.shape}, but needs (batch, units) = {(batch, units)} "
            "for these inputs and weights."
        )
