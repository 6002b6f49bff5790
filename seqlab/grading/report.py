"""The class report: after grading, what the class got right and which common mistakes it made.

``seqlab grade ... --out grades.csv`` writes ``grades_report.md`` and ``grades_report.png``
beside the CSV. Per question: the share of students with full marks (a bar chart), and the
catalogued mistakes found (:mod:`seqlab.checks.catalogue`), each with its count and the students
who made it.

A student's failed question is classified by running every catalogued mistake of that question
in this process on the same probe calls and scoring it against the reference records, exactly
as the grader scores a submission: the student made the mistake whose failures (which calls
fail, and how each differs from the reference) are the student's own. Only trusted code runs
here: the solution notebook's setup and answer cells, and the catalogue.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Sequence
from pathlib import Path

import nbformat

from seqlab import labs
from seqlab.checks import catalogue
from seqlab.grading.probes import Call, Probe, local
from seqlab.kernel import descriptor_2_silenced


def solution_namespace(solution: Path) -> dict:
    """The names the solution defines: its first code cell (setup), then its answer cells."""
    notebook = nbformat.read(solution, as_version=4)
    namespace: dict = {}
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    # The setup cell imports Keras: its start-up lines stay out of the instructor's terminal.
    with contextlib.redirect_stdout(io.StringIO()), descriptor_2_silenced():
        exec(setup.source, namespace)
        for question in labs.questions(notebook):
            exec(notebook.cells[question.cell_index].source, namespace)
    return namespace


def mistake_failures(
    number: str,
    questions: Sequence[labs.Question],
    probes: dict[str, Probe],
    calls: dict[str, list[Call]],
    expected: dict,
    namespace: dict,
) -> dict[str, list[tuple[str, list[str]]]]:
    """Per question, ``(mistake name, the failures the grader gives it)`` for every mistake."""
    try:
        listed = catalogue.load(number).MISTAKES
    except ModuleNotFoundError:
        return {}
    found: dict[str, list[tuple[str, list[str]]]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for question in questions:
            probe = probes[question.id]
            for mistake in listed.get(question.id, []):
                try:
                    function = catalogue.define(mistake.code, probe.function, namespace)
                    score = local.score(
                        question, probe, calls[question.id], expected[question.id], function
                    )
                except Exception:  # a mistake that cannot run here classifies nobody
                    continue
                if score.failures:
                    found.setdefault(question.id, []).append((mistake.name, score.failures))
    return found


def classify(grades, fingerprints: dict[str, list[tuple[str, list[str]]]]) -> dict:
    """``{question: {mistake name: [students]}}``: whose failures match a catalogued mistake."""
    made: dict[str, dict[str, list[str]]] = {}
    for grade in grades:
        for score in grade.scores:
            if not score.failures:
                continue
            for name, failures in fingerprints.get(score.question, []):
                if failures == score.failures:
                    made.setdefault(score.question, {}).setdefault(name, []).append(grade.student)
                    break
    return made


def write_class_report(
    out: Path,
    solution: Path,
    questions: Sequence[labs.Question],
    probes: dict[str, Probe],
    calls: dict[str, list[Call]],
    expected: dict,
    grades,
) -> Path:
    """Write ``<out stem>_report.md`` and its bar chart ``<out stem>_report.png``; return the .md.

    ``grades`` are this run's :class:`~seqlab.grading.grader.SubmissionGrade` objects (their
    ``scores`` are compared); ``expected`` the reference records by question and call.
    """
    out = Path(out)
    number = probes_number(solution)
    failed = any(score.failures for grade in grades for score in grade.scores)
    fingerprints = (
        mistake_failures(number, questions, probes, calls, expected, solution_namespace(solution))
        if failed  # running the catalogue costs a Keras import: only when there is a mistake
        else {}
    )
    made = classify(grades, fingerprints)
    students = len(grades)
    full = {
        q.id: sum(1 for g in grades for s in g.scores if s.question == q.id and s.passed == s.cases)
        for q in questions
    }
    figure = out.with_name(f"{out.stem}_report.png")
    _bar_chart(
        figure, [q.id for q in questions], [full[q.id] / max(students, 1) for q in questions]
    )
    lines = [
        f"# Class report: {solution.stem}",
        "",
        f"{students} submission(s) graded in this run. Mistakes are the catalogued ones "
        "(seqlab/checks/catalogue) whose results on the grader's calls match a student's.",
        "",
        f"![share of full marks per question]({figure.name})",
        "",
        "| question | function | full marks | share |",
        "| --- | --- | --- | --- |",
    ]
    for question in questions:
        share = full[question.id] / students if students else 0.0
        lines.append(
            f"| {question.id} | `{probes[question.id].function}` | {full[question.id]} "
            f"of {students} | {share:.0%} |"
        )
    lines += ["", "## Common mistakes found", ""]
    if not made:
        lines.append("No failed answer matched a catalogued mistake.")
    for question in questions:
        for name, who in sorted(made.get(question.id, {}).items(), key=lambda kv: -len(kv[1])):
            lines.append(f"- {question.id} {name}: {len(who)} ({', '.join(sorted(who))})")
    report = out.with_name(f"{out.stem}_report.md")
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


def after_grading(out: Path, grader, expected: dict, grades, log) -> None:
    """The grader's hook: write the class report of ``grades``; a failure is logged, not raised
    (the gradebook is already whole)."""
    if not grades:
        return
    try:
        report = write_class_report(
            out, grader.solution, grader.questions, grader.probes, grader.calls, expected, grades
        )
    except Exception as error:
        log(f"The class report could not be written: {type(error).__name__}: {error}")
    else:
        log(f"Class report: {report}")


def probes_number(solution: Path) -> str:
    """``"02"`` for ``02_one_hot_encoding.ipynb``."""
    return Path(solution).name[:2]


def _bar_chart(path: Path, questions: list[str], shares: list[float]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(1.2 * len(questions) + 2, 3))
    axes.bar(questions, [100 * share for share in shares], color="tab:blue")
    axes.set_xlabel("question")
    axes.set_ylabel("students with full marks (%)")
    axes.set_ylim(0, 100)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
