"""Grader probes: the calls the grader makes in a submission's kernel, question by question.

The probes of lab NN live in ``seqlab/grading/probes/labNN.py``, as a dict ``PROBES`` with one
:class:`Probe` per question of ``solutions/NN_*.ipynb`` (same ids, ``q1``, ``q2``, ...). A probe
names the function the student writes and draws the arguments to call it with; it holds no
expected values. At grading time the grader draws the calls once with a fresh seed, runs them
in the reference solution's kernel to get the expected results and in every submission's
kernel to get the student's, and compares the two in its own process. Each call is one test
case: a question scores ``points * passed / calls``.

Adding lab NN: copy ``lab02.py`` to ``labNN.py``, keep one probe per question, and draw inputs
that exercise the edge cases (empty input, padding, ties, ...) as well as ordinary ones.
``seqlab grade solutions/NN_topic.ipynb ...`` finds the module from the file's number.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from seqlab.checks import rules as stated_rules
from seqlab.checks.compare import short_repr
from seqlab.grading import kernel_side

KERNEL_SOURCE = Path(kernel_side.__file__).read_text(encoding="utf-8")
RULES_SOURCE = Path(stated_rules.__file__).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Call:
    """One call of the student's function: ``function(*args, **kwargs)``."""

    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def text(self, function: str, limit: int = 60) -> str:
        """``encode('the cat', [...])``: the call as it would be written, arguments shortened."""
        parts = [short_repr(arg, limit) for arg in self.args]
        parts += [f"{key}={short_repr(value, limit)}" for key, value in self.kwargs.items()]
        return f"{function}({', '.join(parts)})"

    def wire(self) -> dict:
        return {
            "args": kernel_side.encode(list(self.args)),
            "kwargs": kernel_side.encode(dict(self.kwargs)),
        }


@dataclass(frozen=True)
class Probe:
    """How the grader tests one question.

    Attributes:
        function: the name the notebook must define.
        draw: given a NumPy random generator, the calls to make (each one test case).
        observe: an expression over ``result`` evaluated in the student's kernel and compared
            instead of the result itself, for results that do not travel as data (e.g. a Keras
            model: ``"[type(layer).__name__ for layer in result.layers]"``).
        rtol, atol: tolerances for floating-point results.
        seconds: the time limit of one call.
    """

    function: str
    draw: Callable[[np.random.Generator], list[Call]]
    observe: str | None = None
    rtol: float = 1e-5
    atol: float = 1e-6
    seconds: float = 10.0


def stated(rules, observe: str | None = None) -> str:
    """An ``observe`` expression that also grades the lab's stated ``rules``.

    ``rules`` are :class:`seqlab.checks.Rule` objects (the check's own, so that check and
    grader read the same rules). In the kernel the expression gives ``{"value": result (or
    what ``observe`` sees of it), "rules": {fact: value}}`` with the facts of
    :mod:`seqlab.checks.rules`, computed from the function the probe called (read from the
    calling frame) and its result; the reference solution's facts are the expected ones.
    """
    names = [rule.fact for rule in rules]
    value = f"eval({observe!r}, {{'result': result, 'numpy': numpy}})" if observe else "result"
    # The arguments are evaluated in the expression's own frame, whose caller made the call.
    return (
        "(lambda scope, function: {'value': "
        + value
        + ", 'rules': (exec("
        + repr(RULES_SOURCE)
        + ", scope), scope['facts'](function, result, "
        + repr(names)
        + "))[1]})"
        "({}, __import__('sys')._getframe(1).f_locals.get('function'))"
    )


class ProbeError(LookupError):
    """No probes for a lab, or probes that do not match its solution notebook."""


def lab_number(notebook: Path) -> str:
    """``"02"`` for ``02_one_hot_encoding.ipynb``: the number that pairs notebook and probes."""
    match = re.match(r"(\d+)_", notebook.name)
    if match is None:
        raise ProbeError(
            f"{notebook.name}: a solution notebook's name starts with its number, "
            "e.g. 02_one_hot_encoding.ipynb."
        )
    return match.group(1)


def available() -> list[str]:
    """The lab numbers that have probes, e.g. ``["02"]``."""
    return sorted(
        info.name.removeprefix("lab")
        for info in pkgutil.iter_modules(__path__)
        if info.name.startswith("lab")
    )


def load(number: str) -> dict[str, Probe]:
    """The probes of lab ``number``.

    Raises:
        ProbeError: there is no ``seqlab/grading/probes/lab<number>.py``; the message lists
            the labs that have probes.
    """
    try:
        module = importlib.import_module(f"{__name__}.lab{number}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.lab{number}":
            raise
        raise ProbeError(
            f"No grader probes for lab {number}: write seqlab/grading/probes/lab{number}.py. "
            f"Labs with probes: {', '.join(available()) or 'none'}."
        ) from None
    return dict(module.PROBES)


def draw_calls(probes: Mapping[str, Probe], seed: int) -> dict[str, list[Call]]:
    """Each question's calls, drawn from a generator seeded by ``seed`` and the question id."""
    return {
        question: probe.draw(np.random.default_rng([seed, *question.encode()]))
        for question, probe in probes.items()
    }


def probe_cell(token: str, question: str, probe: Probe, calls: list[Call]) -> str:
    """The source of the cell that runs ``question``'s calls and prints token-tagged records."""
    calls_json = json.dumps([call.wire() for call in calls])
    return "\n".join(
        [
            f"# seqlab grader: probe for {question}, appended at grading time",
            '__seqlab_probe = {"__name__": "seqlab_probe"}',
            f"exec({KERNEL_SOURCE!r}, __seqlab_probe)",
            f'__seqlab_probe["run_probe"]({token!r}, {question!r}, {probe.function!r}, '
            f"{calls_json!r}, {probe.observe!r}, globals(), {probe.seconds!r})",
            "del __seqlab_probe",
        ]
    )
