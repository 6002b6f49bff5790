"""The check framework: run a student's function on public cases and explain the first failure.

A lab's checks module (e.g. :mod:`seqlab.checks.lab02`) lists :class:`Case` objects per
question and calls :func:`run_check`. A passing check prints one line; a failing one raises
:class:`CheckFailed`, whose message gives the call, what came back against what was expected,
and a hint when the mistake is a common one. In Jupyter the error shows as that message alone,
followed by the lines of the student's own code where their function raised, if it did.
"""

from __future__ import annotations

import copy
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seqlab.checks import rules as stated_rules
from seqlab.checks.compare import common_mistake, describe_mismatch, short_repr

# A lab-specific hint: given the case and the returned value, a sentence or None.
Hint = Callable[["Case", Any], "str | None"]

_PACKAGE_DIR = str(Path(__file__).resolve().parent)


@dataclass(frozen=True)
class Case:
    """One public test: call the function with ``args``/``kwargs``, expect ``expected``."""

    args: tuple
    expected: Any
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def call_text(self, name: str, limit: int = 60) -> str:
        """``encode('the cat', ['', '[UNK]', ...])``: the call as the student would write it."""
        parts = [short_repr(arg, limit) for arg in self.args]
        parts += [f"{key}={short_repr(value, limit)}" for key, value in self.kwargs.items()]
        return f"{name}({', '.join(parts)})"


@dataclass(frozen=True)
class Rule:
    """A rule the lab states: the fact (a key of :data:`seqlab.checks.rules.FACTS`) must be
    ``holds``, else the check fails with ``message``. The grader's probe of the question
    compares the same fact with the reference solution's (``Probe.rules``)."""

    fact: str
    holds: bool
    message: str


class CheckFailed(AssertionError):
    """A public check found a problem; the message says what and, if it can, why."""

    def __init__(self, message: str, hint: str | None = None):
        self.message, self.hint = message, hint
        super().__init__(message + (f"\nHint: {hint}" if hint else ""))

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback through the check's own code."""
        lines = [f"CheckFailed: {self}"]
        cause = self.__cause__
        if cause is not None and cause.__traceback__ is not None:
            frames = [
                frame
                for frame in traceback.extract_tb(cause.__traceback__)
                if not frame.filename.startswith(_PACKAGE_DIR)
            ]
            if frames:
                lines.append("\nWhere your code raised it:")
                lines.extend(line.rstrip("\n") for line in traceback.format_list(frames))
        return lines


def run_check(
    question: str,
    function: Callable,
    cases: Sequence[Case],
    *,
    hints: Sequence[Hint] = (),
    error_hints: Mapping[type[BaseException], str] | None = None,
    rules: Sequence[Rule] = (),
) -> None:
    """Call ``function`` on each case; print a line if all pass, else raise :class:`CheckFailed`.

    ``hints`` recognise the lab's common mistakes from a case and the returned value;
    ``error_hints`` map an exception type the function raised to a hint. The arguments are
    deep-copied for every call, so a function that changes its inputs cannot spoil later cases.
    ``rules`` are the lab's stated rules: checked on the function before the cases and on
    every result that matches its expected value.
    """
    if not callable(function):
        raise CheckFailed(
            f"{question}: pass your function itself, e.g. `check.{question}(my_function)`; "
            f"got {type(function).__name__} {short_repr(function, 40)}."
        )
    name = getattr(function, "__name__", "your function")
    for rule in rules:
        if rule.fact == "uses Keras" and stated_rules.uses_keras(function) != rule.holds:
            raise CheckFailed(f"{question}: {name} {rule.message}")
    for case in cases:
        call = case.call_text(name)
        try:
            actual = function(*copy.deepcopy(case.args), **copy.deepcopy(dict(case.kwargs)))
        except NotImplementedError:
            raise CheckFailed(
                f"{question}: {name} is not implemented yet.",
                "replace the `raise NotImplementedError` line with your code.",
            ) from None
        except Exception as error:
            hint = next(
                (text for kind, text in (error_hints or {}).items() if isinstance(error, kind)),
                None,
            )
            raise CheckFailed(
                f"{question}: {call} raised {type(error).__name__}: {error}", hint
            ) from error
        problem = describe_mismatch(actual, case.expected)
        if problem:
            hint = _first_hint(hints, case, actual)
            raise CheckFailed(
                f"{question}: {call} {problem}.", hint or common_mistake(actual, case.expected)
            )
        for rule in rules:
            if (
                rule.fact != "uses Keras"
                and stated_rules.facts(function, actual, [rule.fact])[rule.fact] != rule.holds
            ):
                raise CheckFailed(f"{question}: {call} {rule.message}")
    print(f"{question}: all {len(cases)} public tests passed (the grader tries other inputs too).")


def _first_hint(hints: Sequence[Hint], case: Case, actual: Any) -> str | None:
    for rule in hints:
        try:
            text = rule(case, actual)
        except Exception:  # a hint is a guess; one that does not apply must not hide the message
            continue
        if text:
            return text
    return None
