"""The catalogue of common mistakes: per lab and question, wrong answers written as code.

A check is an instrument, and this is what it is measured against. ``labNN.py`` beside this
file holds two dicts keyed by question id (``"q1"``, ``"q2"``, ... as in the solution):

``MISTAKES``
    a list of :class:`Mistake` per question: the wrong code a student would write (source text
    that defines the question's function, as in the lab's answer cell) and ``locates``, the
    words the check's message must contain to name what is wrong (the term, gate, axis, index
    or rule), e.g. ``"recurrent_kernel is used transposed"``. Two entries may share
    ``locates`` when they are two ways of writing the same mistake; no other entry of the
    question may produce those words.
``VARIANTS``
    right answers written another way (other names, loops instead of vectorised code, another
    valid dtype where the lab allows it): the check passes them and the grader gives them
    full marks.

The code runs in the solution's namespace: the lab's setup cell and every answer cell have
run, so it may call ``np``, ``keras`` and the lab's other functions (``rnn_cell_forward`` in
``rnn_forward``). The tests (``tests/test_catalogue.py``) hold every lab to this:

- the check of the question fails every mistake and its message contains ``locates``; the
  ``locates`` of the question's other mistakes stay out of it; the solution and the variants
  pass; the share of located mistakes over the whole catalogue is at least 90 %;
- the grader, scoring in its own process (:func:`seqlab.grading.probes.local.score`), takes
  points off every mistake and gives full marks to every variant;
- ``seqlab grade`` names, in its class report, the students whose answers match a mistake.

Adding lab NN: write ``labNN.py`` here with at least three mistakes per question.
"""

from __future__ import annotations

import importlib
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Mistake:
    """A wrong answer as a student writes it, and what the check must say to locate it.

    Attributes:
        name: a few words for reports, e.g. ``"transposed recurrent kernel"``.
        code: source text defining the question's function (dedented before it runs).
        locates: words the check's message must contain (compared case-insensitively).
    """

    name: str
    code: str
    locates: str


@dataclass(frozen=True)
class Variant:
    """A right answer written another way: it passes the check and earns full marks."""

    name: str
    code: str


def load(number: str) -> ModuleType:
    """The catalogue module of lab ``number`` (``"02"``), with ``MISTAKES`` and ``VARIANTS``."""
    return importlib.import_module(f"{__name__}.lab{number}")


def define(code: str, function: str, namespace: Mapping[str, object]) -> Callable:
    """Run ``code`` in a copy of ``namespace`` and return the function it defines.

    Raises:
        KeyError: ``code`` does not define ``function``.
    """
    scope = dict(namespace)
    exec(compile(textwrap.dedent(code), f"<catalogue {function}>", "exec"), scope)
    return scope[function]


def check_message(check: Callable, function: Callable) -> str | None:
    """What ``check(function)`` says: ``None`` when it passes, else its failure message.

    The check's printed line is swallowed. An error of the check itself (not a
    :class:`~seqlab.checks.core.CheckFailed`) comes back as its type and message, so that a
    measurement counts it as not located instead of stopping.
    """
    import contextlib
    import io

    from seqlab.checks.core import CheckFailed

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(function)
    except CheckFailed as failed:
        return str(failed)
    except Exception as error:  # the check broke: certainly not located
        return f"the check itself raised {type(error).__name__}: {error}"
    return None


def located(mistake: Mistake, message: str | None) -> bool:
    """Whether ``message`` names what ``mistake`` got wrong (contains its ``locates``)."""
    return message is not None and mistake.locates.lower() in message.lower()
