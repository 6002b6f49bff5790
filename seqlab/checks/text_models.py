"""What the "build this model" questions of the text labs (07 entity recognition, 08 sentiment)
are graded on: the facts about a Keras model that reads word ids.

:data:`TEXT_MODEL_SUMMARY` is a Python expression over ``result`` (the model a student's function
returns), so the grader's probes evaluate the very same expression in the student's kernel
(``Probe.observe``) and :func:`summarised` applies it for the public checks. It reads the layers
after the input (a ``Bidirectional`` wrapper shown with the layer it wraps), their sizes (an
``Embedding``'s ``[input_dim, output_dim]``, a recurrent or ``Dense`` layer's units), whether the
embedding masks index 0, the input and output shapes, the last layer's activation and the
parameter count: everything that fixes the architecture, nothing that depends on the random
initial weights.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from seqlab.checks.recurrent import RECURRENT_SETTINGS, default_settings, settings_hint

# Layers without the InputLayer that a functional model lists first, so Sequential and
# functional models built from the same layers summarise alike.
TEXT_MODEL_SUMMARY = (
    "(lambda layers: {"
    "'layers': [type(layer).__name__ + ("
    "f'({type(layer.forward_layer).__name__})' if hasattr(layer, 'forward_layer') else '') "
    "for layer in layers], "
    "'sizes': [[layer.input_dim, layer.output_dim] if hasattr(layer, 'output_dim') "
    "else getattr(getattr(layer, 'forward_layer', layer), 'units', None) for layer in layers], "
    "'masks padding': bool(getattr(layers[0], 'mask_zero', False)), "
    "'input shape': tuple(result.inputs[0].shape), "
    "'output shape': tuple(result.outputs[0].shape), "
    "'output activation': getattr(getattr(layers[-1], 'activation', None), '__name__', None), "
    "'parameters': result.count_params(), "
    "'recurrent settings': [(lambda layer: " + RECURRENT_SETTINGS + ")"
    "(getattr(layer, 'forward_layer', layer)) for layer in layers "
    "if hasattr(getattr(layer, 'forward_layer', layer), 'go_backwards')], "
    "'compiled': bool(getattr(result, 'compiled', False))"
    "})([layer for layer in result.layers if type(layer).__name__ != 'InputLayer'])"
)


def expected_settings(layer: str) -> dict:
    """The summary entries of one recurrent ``layer`` at its defaults, in a model not compiled."""
    return {"recurrent settings": [default_settings(layer)], "compiled": False}

# Trainable parameters of a recurrent layer with u units reading m features.
RECURRENT_PARAMETERS = {
    "LSTM": lambda u, m: 4 * u * (u + m + 1),
    "GRU": lambda u, m: 3 * u * (u + m + 2),  # reset_after=True, Keras's default: two biases
}


def summarise(model) -> dict:
    """The :data:`TEXT_MODEL_SUMMARY` of ``model``."""
    return eval(TEXT_MODEL_SUMMARY, {"result": model})


def summarised(build: Callable) -> Callable:
    """``build``, returning the summary of the model it builds instead of the model."""

    @functools.wraps(build)
    def build_and_summarise(*args, **kwargs):
        model = build(*args, **kwargs)
        if model is None:
            return None
        try:
            return summarise(model)
        except (AttributeError, ValueError, IndexError, TypeError) as error:
            raise TypeError(
                f"could not read the model's layers and shapes ({error}); return a Keras "
                'model that starts with keras.Input(shape=(None,), dtype="int64").'
            ) from None

    return build_and_summarise


def model_hint(summary, expected: dict) -> str | None:
    """A sentence for the first architectural difference between two summaries, or None."""
    if not isinstance(summary, dict):
        return None
    settings = summary.get("recurrent settings") or [{}]
    if isinstance(settings[0], dict) and settings[0].get("go_backwards"):
        return settings_hint(summary, expected)
    if summary.get("layers") != expected["layers"]:
        return f"the model should be exactly these layers after the Input: {expected['layers']}."
    if not summary.get("masks padding"):
        return "create the Embedding with mask_zero=True, so that index 0 is padding."
    if summary.get("output shape") != expected["output shape"]:
        if len(expected["output shape"]) == 3:
            return "one output per token: the recurrent layer needs return_sequences=True."
        return "one output per review: leave return_sequences at False (the last state only)."
    if summary.get("output activation") != expected["output activation"]:
        return f"the last Dense layer needs activation={expected['output activation']!r}."
    if summary.get("sizes") != expected["sizes"]:
        return "check the sizes you pass to each layer against the arguments."
    return settings_hint(summary, expected)
