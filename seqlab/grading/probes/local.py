"""Grading a function in this process: the probe's calls, the kernel's record of each call,
and the grader's own scoring, without a kernel.

The grader runs the probe calls in each submission's kernel through
:func:`seqlab.grading.kernel_side.call_once` and scores the records with
:func:`seqlab.grading.scoring.score_question`. :func:`score` takes the same two steps on
functions of this process (a reference answer, a catalogued mistake), so the tests can hold
hundreds of wrong answers against the grader in seconds, and the class report can say which
catalogued mistake a student's answer matches. Only trusted code belongs here: the instructor's
solution and the catalogue, never a submission.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from seqlab.grading import kernel_side
from seqlab.grading.probes import Call, Probe
from seqlab.grading.scoring import QuestionScore, score_question
from seqlab.labs import Question


def records(function: Callable, probe: Probe, calls: list[Call]) -> dict[int, list[dict]]:
    """The record of each call, as a kernel would send it: ``{call number: [record]}``."""
    found = {}
    for number, call in enumerate(calls):
        wire = call.wire()  # the arguments travel as they would to a kernel
        args, kwargs = kernel_side.decode(wire["args"]), kernel_side.decode(wire["kwargs"])
        record = kernel_side.call_once(function, args, kwargs, probe.observe, probe.seconds)
        found[number] = [json.loads(json.dumps(record))]
    return found


def score(
    question: Question,
    probe: Probe,
    calls: list[Call],
    reference: Callable | dict[int, list[dict]],
    function: Callable,
) -> QuestionScore:
    """What the grader gives ``function`` on ``calls`` against ``reference``.

    ``reference`` is the reference answer or its :func:`records` (computed once, reused).
    """
    expected = reference if isinstance(reference, dict) else records(reference, probe, calls)
    return score_question(question, probe, calls, expected, records(function, probe, calls), "ok")
