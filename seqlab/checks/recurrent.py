"""What the checks of the recurrent labs (03 simple RNN, 04 BPTT, 05 LSTM, 06 GRU) share.

- :data:`MODEL_SUMMARY`: the facts about a Keras model that a "build this model" question
  is graded on. It is a Python expression over ``result`` (the returned model), so the
  grader's probes evaluate the very same expression in the student's kernel (``Probe.observe``);
  :func:`summarised` applies it for the public checks.
- :func:`model_summary_of`: the expected summary of ``Input -> recurrent layer -> softmax``.
- :data:`RECURRENT_PARAMETERS`: the parameter count of a SimpleRNN, LSTM or GRU layer.
- :func:`matches`, :data:`MATMUL_HINT` and :func:`sequence_hint`: mistakes that the cell and
  whole-sequence questions of these labs have in common (``MATMUL_HINT.format(k=4)`` for an
  LSTM's four blocks, ``k=3`` for a GRU, ``k=""`` for a simple RNN).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from seqlab.checks.compare import describe_mismatch
from seqlab.checks.core import Case

# The settings of a recurrent layer that a lab fixes by leaving them at Keras's defaults.
RECURRENT_SETTINGS = (
    "{'activation': getattr(layer.activation, '__name__', str(layer.activation)), "
    "'go_backwards': bool(layer.go_backwards), "
    "'unit_forget_bias': getattr(layer, 'unit_forget_bias', None), "
    "'reset_after': getattr(layer, 'reset_after', None)}"
)


def default_settings(layer: str) -> dict:
    """The :data:`RECURRENT_SETTINGS` of ``keras.layers.<layer>(units)`` with its defaults."""
    return {
        "activation": "tanh",
        "go_backwards": False,
        "unit_forget_bias": True if layer == "LSTM" else None,
        "reset_after": True if layer == "GRU" else None,
    }


SETTINGS_HINTS = {
    "activation": "the recurrent layer uses activation {value!r}: keep its default, 'tanh' "
    "(leave activation= out).",
    "go_backwards": "go_backwards=True reads each sequence from its end: leave go_backwards at "
    "False.",
    "unit_forget_bias": "unit_forget_bias={value}: keep Keras's default unit_forget_bias=True "
    "(the forget gate starts open).",
    "reset_after": "reset_after={value}: keep Keras's default GRU, reset_after=True.",
}


def settings_hint(summary, expected) -> str | None:
    """A sentence for the first recurrent setting or compile state that differs, or None."""
    if not isinstance(summary, dict):
        return None
    if summary.get("compiled") and not expected.get("compiled"):
        return "return the model not compiled: the caller compiles it (drop model.compile)."
    pairs = zip(summary.get("recurrent settings", []), expected["recurrent settings"], strict=False)
    for got, want in pairs:
        for key, template in SETTINGS_HINTS.items():
            if isinstance(got, dict) and got.get(key) != want[key]:
                return template.format(value=got.get(key))
    return None


# Layers without the InputLayer that a functional model lists first, so Sequential and
# functional models built from the same layers summarise alike.
MODEL_SUMMARY = (
    "(lambda layers: {"
    "'layers': [type(layer).__name__ for layer in layers], "
    "'units': [getattr(layer, 'units', None) for layer in layers], "
    "'input shape': tuple(result.inputs[0].shape), "
    "'output shape': tuple(result.outputs[0].shape), "
    "'output activation': getattr(getattr(layers[-1], 'activation', None), '__name__', None), "
    "'parameters': result.count_params(), "
    + "'recurrent settings': [" + RECURRENT_SETTINGS + " for layer in layers "
    "if hasattr(layer, 'go_backwards')], "
    "'compiled': bool(getattr(result, 'compiled', False))"
    "})([layer for layer in result.layers if type(layer).__name__ != 'InputLayer'])"
)

# Trainable parameters of a recurrent layer with u units on m features.
RECURRENT_PARAMETERS = {
    "SimpleRNN": lambda u, m: u * (u + m + 1),
    "LSTM": lambda u, m: 4 * u * (u + m + 1),
    "GRU": lambda u, m: 3 * u * (u + m + 2),  # reset_after=True, Keras's default
}

MATMUL_HINT = (
    "the weights are in Keras's layout, kernel (m, {k}u) and recurrent_kernel (u, {k}u), and the "
    "states are rows: compute x_t @ kernel and h_prev @ recurrent_kernel (not kernel @ x_t)."
)


def summarise(model) -> dict:
    """The :data:`MODEL_SUMMARY` of ``model``: its layers, their units, shapes, parameters."""
    return eval(MODEL_SUMMARY, {"result": model})


def summarised(build: Callable) -> Callable:
    """``build``, returning the summary of the model it builds instead of the model."""

    @functools.wraps(build)
    def build_and_summarise(*args, **kwargs):
        model = build(*args, **kwargs)
        if model is None:
            return None
        try:
            return summarise(model)
        except (AttributeError, ValueError, IndexError) as error:
            raise TypeError(
                f"could not read the model's layers and shapes ({error}); return a Keras "
                "model that starts with keras.Input(shape=(timesteps, features))."
            ) from None

    return build_and_summarise


def model_summary_of(layer: str, timesteps: int, features: int, units: int, classes: int) -> dict:
    """The summary of ``Input((timesteps, features))``, ``layer(units)``, softmax ``Dense``."""
    return {
        "layers": [layer, "Dense"],
        "units": [units, classes],
        "input shape": (None, timesteps, features),
        "output shape": (None, classes),
        "output activation": "softmax",
        "parameters": RECURRENT_PARAMETERS[layer](units, features) + (units + 1) * classes,
        "recurrent settings": [default_settings(layer)],
        "compiled": False,
    }


def matches(returned, expected) -> bool:
    """Whether ``returned`` equals ``expected`` as the checks compare (arrays to 1e-5)."""
    try:
        return describe_mismatch(returned, expected) is None
    except Exception:  # a value of an unexpected kind simply does not match
        return False


def _model_hint(case: Case, summary) -> str | None:
    expected = case.expected
    if not isinstance(summary, dict):
        return None
    if summary.get("input shape") == (None, None, expected["input shape"][2]):
        return (
            f"the model reads windows of a fixed length: keras.Input(shape=(timesteps, "
            f"features)), here shape=({expected['input shape'][1]}, "
            f"{expected['input shape'][2]}), not (None, features)."
        )
    if summary.get("output shape") == (None, expected["input shape"][1], expected["units"][-1]):
        return (
            "the recurrent layer should hand only its last state to the classifier: leave "
            "return_sequences at False."
        )
    if summary.get("output activation") != "softmax":
        return "the Dense layer needs activation='softmax': one probability per class."
    if summary.get("layers") != expected["layers"]:
        return f"the model should be exactly these layers after the Input: {expected['layers']}."
    return settings_hint(summary, expected)


MODEL_HINTS = [_model_hint]


def sequence_hint(*, cell_state: bool) -> Callable:
    """A hint for ``*_forward(inputs, ...)`` that returns ``(outputs, h_T[, c_T])``."""

    def hint(case: Case, returned) -> str | None:
        outputs = case.expected[0]
        n, steps, units = outputs.shape
        if not isinstance(returned, tuple | list) or len(returned) != len(case.expected):
            names = "(outputs, h_T, c_T)" if cell_state else "(outputs, h_T)"
            return f"return the tuple {names}."
        shape = np.shape(returned[0])
        if shape == (n, units):
            return "outputs holds the hidden state of every step: shape (n, T, u), not (n, u)."
        if shape == (steps, n, units) and steps != n:
            return "stack the steps along axis 1, so outputs is (n, T, u): batch first, as Keras."
        if (
            np.shape(returned[0]) == outputs.shape and steps > 1
            and not np.any(np.asarray(returned[0])[:, 0])
            and matches(np.asarray(returned[0])[:, 1:], outputs[:, :-1])
        ):
            return (
                "outputs is one step late: append the state after each step (outputs[:, 0] is "
                "h_1, not the initial zeros)."
            )
        if matches(returned[0], outputs) and not matches(returned[1], outputs[:, -1]):
            return "h_T is the hidden state after the last step, the same as outputs[:, -1]."
        if not matches(np.asarray(returned[0])[:, 0], outputs[:, 0]):
            return (
                "outputs[:, 0] should be one step of your cell on inputs[:, 0] from zero "
                "states: start from zeros of shape (n, u)."
            )
        return "the first step is right: carry the state(s) of each step into the next one."

    return hint


SEQUENCE_ERROR_HINT = (
    "inputs is (n, T, m), batch first: step t of every sequence is inputs[:, t] (inputs[t] is "
    "the whole sequence number t)."
)
SEQUENCE_ERROR_HINTS = {IndexError: SEQUENCE_ERROR_HINT, ValueError: SEQUENCE_ERROR_HINT}

TUPLE_RULE = "returned a list: return a tuple, not a list, e.g. `return outputs, h_T`."
