"""Scoring, in the grader's own process: probe records of a submission against the reference's.

Records come from the results pipe (:mod:`seqlab.grading.kernel_side` describes its lines). A
record counts only when it carries the run's token and sits between its question's begin and
end lines; a test case with no record, or with more than one (forged output), fails. Lines
that do not belong (no token, outside a probe, garbled) are counted and reported: only the
notebook's own code can have written them. Each case that matches the reference passes, and a
question earns ``points * passed / cases`` (partial credit).

Nothing here trusts a record: decoding and comparing happen per case inside ``try``, so a
value that cannot be read or compared fails its case with a sentence, never the run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from seqlab.checks.compare import describe_mismatch, describe_type
from seqlab.grading import kernel_side
from seqlab.grading.probes import Call, Probe
from seqlab.grading.safe_text import printable
from seqlab.labs import Question

Records = dict[str, dict[int, list[dict]]]  # question -> call number -> the records received

NOT_IMPLEMENTED = "not implemented"
NOT_OWN = "not the student's own function"


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


@dataclass
class Channel:
    """What the results pipe held: the records, and the lines that did not belong."""

    records: Records
    stray_lines: int = 0  # no token, outside a probe, or garbled
    overflow: bool = False

    @property
    def problems(self) -> list[str]:
        notes = []
        if self.stray_lines:
            notes.append(
                f"{self.stray_lines} line(s) on the grader's result pipe did not come from its "
                "probes: the notebook wrote to it (an attempt to forge results?)"
            )
        if self.overflow:
            notes.append("the probes' results were too large; the rest was dropped")
        return notes


def parse_channel(text: str, token: str, overflow: bool = False) -> Channel:
    """The records each question's probe wrote under ``token``, by question and call number."""
    records: Records = defaultdict(lambda: defaultdict(list))
    stray, open_question = 0, None
    for line in text.splitlines():
        parts = line.split(" ", 4)
        if len(parts) < 3 or parts[0] != token:
            stray += 1
            continue
        kind, question = parts[1], parts[2]
        if kind == "B" and len(parts) == 3 and open_question is None:
            open_question = question
        elif kind == "E" and len(parts) == 3 and question == open_question:
            open_question = None
        elif kind == "R" and len(parts) == 5 and question == open_question:
            try:
                number, record = int(parts[3]), json.loads(parts[4])
            except (ValueError, RecursionError):
                stray += 1
                continue
            if isinstance(record, dict):
                records[question][number].append(record)
            else:
                stray += 1
        else:
            stray += 1
    return Channel(records, stray, overflow)


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
    channel = parse_channel(reference.get("channel", ""), token)
    records = channel.records
    for question, question_calls in calls.items():
        for number in range(len(question_calls)):
            found = records[question][number]
            if len(found) != 1 or "value" not in found[0]:
                probe = reference["probes"].get(question, {})
                raise ReferenceFailed(
                    f"the reference solution gave {found or 'nothing'} for {question} call "
                    f"{number}; its probe cell ended with {probe.get('status', 'no run')} "
                    f"{probe.get('ename', '')} {probe.get('evalue', '')}".rstrip()
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
    if "foreign" in record:
        return NOT_OWN, (
            f"`{probe.function}` is {printable(str(record['foreign']), 160)}: a graded function "
            "must be written in the notebook, so it earns nothing"
        )
    if record.get("error") == "NotImplementedError":
        return NOT_IMPLEMENTED, f"{text}: {NOT_IMPLEMENTED}"
    if record.get("error") == "AnswerWithheld":
        return NOT_OWN, f"{text} called {printable(str(record.get('message', '')), 200)}"
    if "timeout" in record:
        return "too slow", f"{text} took more than {record['timeout']} s of CPU time"
    if "too_large" in record:
        return "wrong", f"{text} returned a value too large to compare ({record['too_large']})"
    if "unencodable" in record:
        return "wrong", f"{text} returned a value that could not be sent back"
    if "error" in record:
        error, message = str(record["error"]), str(record.get("message", ""))
        return "wrong", printable(f"{text} raised {error}: {message}", 400)
    if "value" not in record:
        return "wrong", f"{text}: unreadable result"
    try:
        actual = kernel_side.decode(record["value"])
        problem = describe_mismatch(
            actual, kernel_side.decode(expected["value"]), rtol=probe.rtol, atol=probe.atol
        )
        if problem is None:
            return "", None
        if isinstance(actual, kernel_side.Opaque):
            problem = f"returned {describe_type(actual)} {actual!r}"
    except Exception as error:  # anything a hostile value can make decoding or comparing do
        return "wrong", (
            f"{text} returned a value the grader could not compare "
            f"({type(error).__name__}: {str(error)[:100]})"
        )
    return "wrong", printable(f"{text} {problem}", 400)
