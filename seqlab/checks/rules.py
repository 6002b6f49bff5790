"""Stated rules: what a lab says about an answer beyond its values, read off the answer itself.

"As a Python ``int``", "a tuple", "in NumPy (no Keras)", "do not build a layer": a rule the lab
states is checked by the public check and graded by the grader, from the same facts. A fact is
computed from the student's function and what one call returned, never by re-running training:

=================  ==========================================================================
fact               value
=================  ==========================================================================
``uses Keras``     whether the function's code reaches Keras or TensorFlow (names it uses,
                   the modules of the objects they point to, helpers it calls, one level deep)
``Python int``     whether the result is a plain ``int`` (not a NumPy integer, not a bool)
``Python float``   whether the result is a ``float`` (``np.float64`` is one; ``np.float32`` not)
``tuple``          whether the result is a tuple
``list``           whether the result is a list
``unknown layer``  what ``function("Transformer", 10, 5, 16, 4)`` does (lab 06: a ValueError
                   that names SimpleRNN, LSTM and GRU)
=================  ==========================================================================

The grader cannot import this package inside a submission's kernel: a probe's ``observe``
expression carries this module's source (standard library only) and runs :func:`facts` there
(:func:`seqlab.grading.probes.stated`).
"""

import types

KERAS_MODULES = ("keras", "tensorflow", "tf_keras")


def _names_in(code) -> set:
    """Every global or attribute name a code object (and the functions inside it) uses."""
    names, stack = set(), [code]
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(const for const in current.co_consts if isinstance(const, types.CodeType))
    return names


def _is_keras(value) -> bool:
    module = (
        value.__name__
        if isinstance(value, types.ModuleType)
        else getattr(value, "__module__", None)
    )
    return isinstance(module, str) and module.split(".")[0] in KERAS_MODULES


def uses_keras(function, depth: int = 1) -> bool:
    """Whether ``function`` reaches Keras or TensorFlow by a name it uses (helpers: ``depth``)."""
    code = getattr(function, "__code__", None)
    if code is None:
        return _is_keras(function)
    scope = getattr(function, "__globals__", {})
    for name in _names_in(code):
        value = scope.get(name)
        if value is None:
            continue
        if _is_keras(value):
            return True
        helper = depth and isinstance(value, types.FunctionType) and value is not function
        if helper and uses_keras(value, depth - 1):
            return True
    return False


LAYER_NAMES = ("SimpleRNN", "LSTM", "GRU")


def unknown_layer(function) -> str:
    """``"ValueError naming SimpleRNN, LSTM, GRU"``, or what else an unknown name leads to."""
    try:
        function("Transformer", 10, 5, 16, 4)
    except ValueError as error:
        named = [name for name in LAYER_NAMES if name in str(error)]
        return "ValueError naming " + (", ".join(named) or "none of the valid layers")
    except Exception as error:
        return type(error).__name__
    return "no error"


FACTS = {
    "uses Keras": lambda function, result: uses_keras(function),
    "Python int": lambda function, result: type(result) is int,
    "Python float": lambda function, result: isinstance(result, float),
    "tuple": lambda function, result: isinstance(result, tuple),
    "list": lambda function, result: isinstance(result, list),
    "unknown layer": lambda function, result: unknown_layer(function),
}


def facts(function, result, names) -> dict:
    """The facts ``names`` (keys of :data:`FACTS`) of ``function`` and one ``result`` of it."""
    return {name: FACTS[name](function, result) for name in names}
