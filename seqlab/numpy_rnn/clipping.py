"""Gradient clipping exactly as a Keras 3 optimizer applies it before its update."""

from collections.abc import Mapping

import numpy as np


def clip_gradients(gradients, *, clipnorm=None, clipvalue=None, global_clipnorm=None):
    """Clip gradients as ``keras.optimizers.Optimizer(clipnorm=…, clipvalue=…, global_clipnorm=…)``.

    At most one setting may be given, as in Keras:

    - ``clipnorm=c``: each array ``g`` on its own becomes ``g * c / max(‖g‖, c)``
      (its L2 norm is capped at ``c``, its direction kept).
    - ``global_clipnorm=c``: all arrays are scaled by the same ``c / max(G, c)``,
      where ``G`` is the L2 norm of all of them concatenated (``tf.clip_by_global_norm``);
      as in Keras, a non-finite ``G`` turns every gradient into NaN.
    - ``clipvalue=v``: every element is clipped to ``[-v, v]``, which can change
      the direction of the gradient.

    Args:
        gradients: a list (or tuple) of arrays, e.g. ``RNNGradients.weights``, or a
            mapping from names to arrays.
        clipnorm, clipvalue, global_clipnorm: positive numbers, or ``None``.

    Returns:
        New arrays of the same shapes and dtypes: a dict for a mapping, else a list.
        With no setting given the gradients come back unchanged, as in Keras.
    """
    if isinstance(gradients, np.ndarray) or not isinstance(gradients, Mapping | list | tuple):
        raise TypeError(
            "gradients must be a list of arrays or a mapping of names to arrays, got "
            f"{type(gradients).__name__}; wrap a single array as [gradient]."
        )
    names = list(gradients) if isinstance(gradients, Mapping) else None
    arrays = [np.asarray(g) for g in (gradients.values() if names is not None else gradients)]
    settings = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
    given = {name: value for name, value in settings.items() if value is not None}
    if len(given) > 1:
        raise ValueError(
            f"Only one of clipnorm, clipvalue and global_clipnorm can be set, got {given}."
        )
    for name, value in given.items():
        if not value > 0:
            raise ValueError(
                f"{name} must be a positive number, got {value!r}; leave it as None for "
                "no clipping."
            )

    if clipnorm is not None:
        arrays = [_scaled(g, clipnorm / max(np.linalg.norm(g), clipnorm)) for g in arrays]
    elif global_clipnorm is not None:
        total = np.sqrt(sum(np.sum(np.square(g)) for g in arrays))
        scale = global_clipnorm / max(total, global_clipnorm) if np.isfinite(total) else np.nan
        arrays = [_scaled(g, scale) for g in arrays]
    elif clipvalue is not None:
        arrays = [np.clip(g, -clipvalue, clipvalue) for g in arrays]
    return dict(zip(names, arrays, strict=True)) if names is not None else arrays


def _scaled(gradient, scale):
    # Cast the scale so that float32 gradients stay float32, as in Keras.
    return gradient * np.asarray(scale, dtype=gradient.dtype)
