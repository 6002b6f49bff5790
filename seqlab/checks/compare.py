"""Compare a returned value with the expected one and say, in the student's terms, what differs.

Both the public checks and the grader use :func:`describe_mismatch`, so a student reads the same
kind of sentence in the notebook and in the feedback file. The rules:

- NumPy arrays must match in type, shape, dtype and values (floats with ``rtol``/``atol``);
  the message names the first position that differs.
- Lists and tuples match item by item (a list may stand for a tuple and the other way round).
- Integers must be integers (Python or NumPy), floats compare with tolerance, ``bool`` and
  ``str`` compare exactly, dicts key by key.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def describe_mismatch(
    actual: Any, expected: Any, *, rtol: float = 1e-5, atol: float = 1e-6, path: str = ""
) -> str | None:
    """``None`` when ``actual`` matches ``expected``, else a sentence saying what differs.

    ``path`` locates nested values in the sentence (e.g. ``"item 3"``); leave it empty.
    """
    where = f"{path}: " if path else ""
    if isinstance(expected, np.ndarray):
        return _array_mismatch(actual, expected, rtol, atol, where)
    if isinstance(expected, list | tuple):
        if not isinstance(actual, list | tuple):
            return f"{where}returned {describe_type(actual)}, expected a {type(expected).__name__}"
        if len(actual) != len(expected):
            return f"{where}returned {len(actual)} items, expected {len(expected)}"
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            inner = f"{path} item {index}".strip()
            problem = describe_mismatch(got, want, rtol=rtol, atol=atol, path=inner)
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}returned {describe_type(actual)}, expected a dict"
        if set(actual) != set(expected):
            got, want = sorted(map(repr, actual)), sorted(map(repr, expected))
            return f"{where}returned keys {got}, expected {want}"
        for key in expected:
            problem = describe_mismatch(
                actual[key], expected[key], rtol=rtol, atol=atol, path=f"{path} key {key!r}".strip()
            )
            if problem:
                return problem
        return None
    if isinstance(expected, bool | np.bool_) or expected is None or isinstance(expected, str):
        same_kind = isinstance(actual, type(expected)) or (
            isinstance(expected, bool | np.bool_) and isinstance(actual, bool | np.bool_)
        )
        if same_kind and actual == expected:
            return None
        return f"{where}got {short_repr(actual)}, expected {short_repr(expected)}"
    if isinstance(expected, numbers.Integral):
        if isinstance(actual, numbers.Integral) and not isinstance(actual, bool | np.bool_):
            return None if actual == expected else f"{where}got {actual}, expected {expected}"
        kind = describe_type(actual)
        return f"{where}returned {kind} {short_repr(actual)}, expected the integer {expected}"
    if isinstance(expected, numbers.Real):
        if isinstance(actual, numbers.Real) and not isinstance(actual, bool | np.bool_):
            if np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True):
                return None
            return f"{where}got {actual!r}, expected {expected!r}"
        return f"{where}returned {describe_type(actual)}, expected the number {expected!r}"
    if actual == expected:
        return None
    return f"{where}got {short_repr(actual)}, expected {short_repr(expected)}"


def common_mistake(actual: Any, expected: Any) -> str | None:
    """A hint for a mistake the values alone reveal (forgotten return, transposed, ...)."""
    if actual is None:
        return "your function returned None: did you forget the `return` statement?"
    if isinstance(expected, np.ndarray):
        if isinstance(actual, list | tuple):
            return "convert your result to a NumPy array, e.g. `np.array(result)`."
        if not isinstance(actual, np.ndarray):
            return None
        if actual.ndim == 2 and actual.shape == expected.shape[::-1] != expected.shape:
            return "rows and columns look swapped: check the order of the axes (transpose?)."
        if actual.shape == expected.shape and actual.dtype != expected.dtype:
            return f"convert with `.astype(np.{expected.dtype})`."
        if actual.shape == expected.shape and np.issubdtype(actual.dtype, np.number):
            for shift in (1, -1):
                if np.array_equal(actual, expected + shift):
                    return (
                        f"every value is off by {shift:+d}: check where counting starts (0 or 1)."
                    )
                if actual.ndim == 2 and np.array_equal(actual, np.roll(expected, shift, axis=1)):
                    return f"every 1 sits {abs(shift)} column(s) off: indices start at 0."
    if isinstance(expected, list) and isinstance(actual, np.ndarray):
        return "return a Python list, e.g. with `.tolist()`."
    return None


def describe_type(value: Any) -> str:
    """``a NumPy array of shape (3,)``, ``a list``, ``None``: what the student returned."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape} and dtype {value.dtype}"
    name = type(value).__name__
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def _array_mismatch(actual: Any, expected: np.ndarray, rtol: float, atol: float, where: str):
    if not isinstance(actual, np.ndarray):
        return (
            f"{where}returned {describe_type(actual)}, expected a NumPy array of shape "
            f"{expected.shape} and dtype {expected.dtype}"
        )
    if actual.shape != expected.shape:
        return f"{where}returned shape {actual.shape}, expected shape {expected.shape}"
    if actual.dtype != expected.dtype:
        return f"{where}returned dtype {actual.dtype}, expected dtype {expected.dtype}"
    if np.issubdtype(expected.dtype, np.inexact):
        equal = np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
    else:
        equal = actual == expected
    if np.all(equal):
        return None
    position = tuple(int(i) for i in np.argwhere(~equal)[0])
    shown = position[0] if len(position) == 1 else position
    return (
        f"{where}first difference at position {shown}: got {short_repr(actual[position])}, "
        f"expected {short_repr(expected[position])}"
    )


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` on one line (arrays print over several), cut to ``limit`` characters."""
    if isinstance(value, np.generic):
        value = value.item()
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
