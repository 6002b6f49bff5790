"""What the lab tests share: a solution's answers, run in this process, and a check's failure."""

import re
from functools import cache
from pathlib import Path

import nbformat
import pytest

from seqlab.checks import CheckFailed

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def solution_path(number: str, folder: str = "solutions") -> Path:
    """``solutions/NN_topic.ipynb`` for lab ``number`` ("02", "03", ...); ``folder="labs"``:
    the lab as students get it."""
    (path,) = (ROOT / folder).glob(f"{number}_*.ipynb")
    return path


@cache
def _answers(number: str, folder: str = "solutions") -> dict:
    notebook = nbformat.read(solution_path(number, folder), as_version=4)
    namespace: dict = {}
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    exec(setup.source, namespace)  # the lab's imports, as a student's kernel has them
    for cell in notebook.cells:
        if labs_question(cell):
            exec(cell.source, namespace)
    return namespace


def answers(number: str) -> dict:
    """The names the solution of lab ``number`` defines: its setup cell, then its question cells.

    A fresh copy each call, so a test that replaces a function does not affect the others.
    """
    return dict(_answers(number))


def stubs(number: str) -> dict:
    """The names the untouched lab ``number`` defines: its set-up cell, then its answer cells
    as students get them (each graded function raises NotImplementedError)."""
    return dict(_answers(number, "labs"))


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


def grade_mistake(solution: Path, mistaken: nbformat.NotebookNode, folder: Path) -> dict:
    """Grade ``mistaken`` (the solution with one answer wrong) with the sandboxed grader against
    ``solution``; its gradebook row (column -> text).

    One kernel beside the reference's. The reference run fails the whole run if any of the
    solution's cells or probe calls fails; the mistaken notebook, in a kernel of its own, shows
    that every other question earns full marks against it. What the untouched lab earns is
    scored in-process for every lab (``test_every_lab``), and in the sandbox for lab 02
    (``test_grading``).
    """
    import csv

    from seqlab.grading import Settings, grade

    path = folder / "mistaken.ipynb"
    nbformat.write(mistaken, path)
    out = folder / "grades.csv"
    grade(solution, [path], out, Settings(jobs=2, timeout=240, cell_timeout=120))
    with open(out, newline="", encoding="utf-8") as handle:
        (row,) = csv.DictReader(handle)
    return row


def questions_that_lost_points(row: dict) -> set[str]:
    """The questions a gradebook row's feedback names ("q2: ..."): those that lost points."""
    parts = row["feedback"].split("; ")
    return {part.split(":")[0] for part in parts if re.fullmatch(r"q\d+", part.split(":")[0])}
