"""Scoring, in the grader's own process: probe records of a submission against the reference's.

A record is read only from a line that carries the run's token and only from the probe cell
of its question; a test case with no record, or with more than one (a sign of forged output),
fails. Each case that matches the reference passes, and a question earns
``points * passed / cases`` (partial credit).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from seqlab.checks.compare import describe_mismatch, describe_type
from seqlab.grading import kernel_side
from seqlab.grading.probes import Call, Probe
from seqlab.labs import Question

Records = dict[str, dict[int, list[dict]]]  # question -> call number -> the records printed

NOT_IMPLEMENTED = "not implemented"


class ReferenceFailed(RuntimeError):
    """The reference solution did not give a result for every probe call."""


@dataclass
class QuestionScore:
    """What one question earned, and why."""

    question: str
    function: str
    points: float
    out_of: float
    passed: int
    cases: int
    summary: str  # a few words for the gradebook's feedback column
    failures: list[str] = field(default_factory=list)  # one sentence per failed case


def parse_records(probes_output: dict, token: str) -> Records:
    """The records each probe cell printed under ``token``, by question and call number."""
    records: Records = defaultdict(lambda: defaultdict(list))
    for question, output in probes_output.items():
        for line in output.get("stdout", "").splitlines():
            parts = line.split(" ", 3)
            if len(parts) != 4 or parts[0] != token or parts[1] != question:
                continue
            try:
                number, record = int(parts[2]), json.loads(parts[3])
            except ValueError:
                record, number = {"garbled": True}, -1
            if isinstance(record, dict):
                records[question][number].append(record)
    return records


def expected_results(calls: dict[str, list[Call]], reference: dict, token: str) -> Records:
    """The reference solution's record for every call: each must be a value.

    Raises:
        ReferenceFailed: the reference notebook could not run, a cell failed, or a call gave
            no value (it names the question, the call and what happened instead).
    """
    if reference["status"] != "ok":
        raise ReferenceFailed(f"the reference solution did not run: {reference['detail']}")
    if reference["cells"]:
        cell = reference["cells"][0]
        raise ReferenceFailed(
            f"cell {cell['cell']} of the reference solution ({cell['first_line']}) ended with "
            f"{cell['status']} {cell['ename']}: {cell['evalue']}"
        )
    records = parse_records(reference["probes"], token)
    for question, question_calls in calls.items():
        for number in range(len(question_calls)):
            found = records[question][number]
            if len(found) != 1 or "value" not in found[0]:
                raise ReferenceFailed(
                    f"the reference solution gave {found or 'nothing'} for {question} call "
                    f"{number}; its probe cell ended with "
                    f"{reference['probes'].get(question, {}).get('status', 'no run')}"
                )
    return records


def score_question(
    question: Question,
    probe: Probe,
    calls: list[Call],
    expected: dict[int, list[dict]],
    got: dict[int, list[dict]],
    probe_status: str,
) -> QuestionScore:
    """Compare a submission's records with the reference's, call by call."""
    failures, kinds = [], set()
    for number, call in enumerate(calls):
        kind, sentence = _failure(
            probe, call, expected[number][0], got.get(number, []), probe_status
        )
        if sentence:
            failures.append(sentence)
            kinds.add(kind)
    passed = len(calls) - len(failures)
    if not failures:
        summary = f"all {len(calls)} tests passed"
    elif len(kinds) == 1 and next(iter(kinds)) != "wrong" and not passed:
        summary = next(iter(kinds))
    else:
        summary = f"{passed}/{len(calls)} tests passed; {failures[0]}"
    return QuestionScore(
        question=question.id,
        function=probe.function,
        points=round(question.points * passed / len(calls), 2),
        out_of=question.points,
        passed=passed,
        cases=len(calls),
        summary=summary,
        failures=failures,
    )


def _failure(
    probe: Probe, call: Call, expected: dict, got: list[dict], probe_status: str
) -> tuple[str, str | None]:
    """``(kind, sentence)`` for a failed case, ``("", None)`` for a passed one."""
    text = call.text(probe.function)
    if not got:
        if probe_status in ("timeout", "stuck"):
            return "probe timed out", f"{text}: the probe ran past its time limit"
        if probe_status == "died":
            return "kernel died", f"{text}: the kernel died during the probe"
        if probe_status == "not run":
            return "not run", f"{text}: not run (the notebook did not run to the end)"
        return "no result", f"{text}: no result came back (did the notebook change the kernel?)"
    if len(got) > 1:
        return "forged output", f"{text}: {len(got)} results for one test (forged output?)"
    record = got[0]
    if "missing" in record:
        return (
            f"no function {probe.function}",
            f"no function named `{probe.function}` (was its cell deleted or the function renamed?)",
        )
    if record.get("error") == "NotImplementedError":
        return NOT_IMPLEMENTED, f"{text}: {NOT_IMPLEMENTED}"
    if "timeout" in record:
        return "too slow", f"{text} took longer than {record['timeout']:g} s"
    if "too_large" in record:
        return "wrong", f"{text} returned a value too large to compare"
    if "error" in record:
        return "wrong", f"{text} raised {record['error']}: {record.get('message', '')}"
    if "value" not in record:
        return "wrong", f"{text}: unreadable result"
    actual = kernel_side.decode(record["value"])
    problem = describe_mismatch(
        actual, kernel_side.decode(expected["value"]), rtol=probe.rtol, atol=probe.atol
    )
    if problem is None:
        return "", None
    if isinstance(actual, kernel_side.Opaque):
        problem = f"returned {describe_type(actual)} {actual!r}"
    return "wrong", f"{text} {problem}"
