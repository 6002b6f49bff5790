"""What the lab tests share: a solution's answers, run in this process, and a check's failure."""

import re
from functools import cache
from pathlib import Path

import nbformat
import pytest

from seqlab import labs
from seqlab.checks import CheckFailed

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def solution_path(number: str) -> Path:
    """``solutions/NN_topic.ipynb`` for lab ``number`` ("02", "03", ...)."""
    (path,) = (ROOT / "solutions").glob(f"{number}_*.ipynb")
    return path


@cache
def _answers(number: str) -> dict:
    notebook = nbformat.read(solution_path(number), as_version=4)
    namespace: dict = {}
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    exec(setup.source, namespace)  # the lab's imports, as a student's kernel has them
    for question in labs.questions(notebook):
        exec(notebook.cells[question.cell_index].source, namespace)
    return namespace


def answers(number: str) -> dict:
    """The names the solution of lab ``number`` defines: its setup cell, then its question cells.

    A fresh copy each call, so a test that replaces a function does not affect the others.
    """
    return dict(_answers(number))


def failure(check_function, answer) -> CheckFailed:
    """The CheckFailed that ``check_function(answer)`` must raise."""
    with pytest.raises(CheckFailed) as error:
        check_function(answer)
    return error.value


def observed(probe, function, call):
    """What the grader compares for one call of ``function``: the result, or what the probe's
    ``observe`` sees of it, through the kernel's own code; the stated rules left out."""
    from seqlab.grading import kernel_side
    from seqlab.grading.probes import local

    (record,) = local.records(function, probe, [call])[0]
    assert "value" in record, f"{call.text(probe.function)}: {record}"
    value = kernel_side.decode(record["value"])
    if isinstance(value, dict) and set(value) == {"value", "rules"}:
        return value["value"]
    return value


def labs_question(cell) -> str | None:
    """The question an answer cell answers ("q1", ...), from its metadata; None for others."""
    return cell.metadata.get("seqlab", {}).get("question")


def with_answer(solution: Path, question: str, source: str) -> nbformat.NotebookNode:
    """The solution notebook with the answer cell of ``question`` replaced by ``source``."""
    notebook = nbformat.read(solution, as_version=4)
    (cell,) = [c for c in notebook.cells if labs_question(c) == question]
    cell.source = source
    return notebook


def grade_lab_and_mistake(solution: Path, mistaken: nbformat.NotebookNode, folder: Path) -> dict:
    """Grade, in one run of the sandboxed grader against ``solution``, the untouched lab
    ("untouched") and ``mistaken`` (the solution with one answer wrong); the gradebook's rows
    (column -> text) by student.

    The solution itself is not graded again as a submission: the reference run already fails
    the whole run if any of its cells or probe calls fails, and the mistaken notebook, run in a
    kernel of its own, shows that every other question earns full marks against it.
    """
    import csv

    from seqlab.grading import Settings, grade

    submissions = {
        "untouched": nbformat.read(ROOT / "labs" / solution.name, as_version=4),
        "mistaken": mistaken,
    }
    paths = []
    for student, notebook in submissions.items():
        paths.append(folder / f"{student}.ipynb")
        nbformat.write(notebook, paths[-1])
    out = folder / "grades.csv"
    grade(solution, paths, out, Settings(jobs=2, timeout=240, cell_timeout=120))
    with open(out, newline="", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def questions_that_lost_points(row: dict) -> set[str]:
    """The questions a gradebook row's feedback names ("q2: ..."): those that lost points."""
    parts = row["feedback"].split("; ")
    return {part.split(":")[0] for part in parts if re.fullmatch(r"q\d+", part.split(":")[0])}
