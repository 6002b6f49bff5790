"""Single-source labs: build ``labs/`` from ``solutions/`` and check the two are in sync.

A solution notebook is the lab with its answers. Three conventions mark it up:

- Answer code sits between two marker lines, nbgrader's::

      def encode(sentence, vocabulary):
          ### BEGIN SOLUTION
          ...
          ### END SOLUTION

  In the lab the region becomes ``# TODO: your code here`` and ``raise NotImplementedError``,
  indented like the ``### BEGIN SOLUTION`` line.
- A graded question is a code cell whose metadata names it and its points::

      "metadata": {"seqlab": {"question": "q2", "points": 2}}

  It must hold at least one solution region. The grader reads the questions from here.
- A cell tagged ``solution-only`` (the cell tags of JupyterLab's property inspector) is
  left out of the lab, e.g. a cell that checks the answer against Keras.

Building clears every output and execution count. A notebook with an unbalanced marker
(``BEGIN`` without ``END``, nested, ``END`` alone) or a leftover marker (a marker anywhere but
alone on its own line of a code cell, for example in Markdown or misspelt) is refused, so a
lab never carries answer code by accident.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
SOLUTION_ONLY_TAG = "solution-only"
PLACEHOLDER = ("# TODO: your code here", "raise NotImplementedError")

# Anything that looks like a marker: it must then be exactly BEGIN or END on its own line.
_MARKER_LIKE = re.compile(r"(BEGIN|END)\s*SOLUTION", re.IGNORECASE)
_QUESTION_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class LabBuildError(ValueError):
    """A solution notebook cannot be turned into a lab (bad markers or question metadata)."""


@dataclass(frozen=True)
class Question:
    """A graded question of a solution notebook: its id, its points, the cell that holds it."""

    id: str
    points: float
    cell_index: int


@dataclass
class SyncReport:
    """How ``labs/`` differs from what ``solutions/`` builds (names of notebook files)."""

    stale: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    in_sync: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.stale or self.missing or self.extra)


def strip_solution(source: str, where: str = "cell") -> str:
    """Replace each marked solution region of ``source`` by the TODO placeholder.

    Raises:
        LabBuildError: a marker is unbalanced, nested or malformed; ``where`` names the cell.
    """
    kept: list[str] = []
    begin_line = None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        text = line.strip()
        if text == BEGIN:
            if begin_line is not None:
                raise LabBuildError(
                    f"{where}, line {number}: '{BEGIN}' inside the region opened on line "
                    f"{begin_line}; close it with '{END}' first."
                )
            begin_line = number
            indent = line[: len(line) - len(line.lstrip())]
            kept.extend(f"{indent}{placeholder}\n" for placeholder in PLACEHOLDER)
        elif text == END:
            if begin_line is None:
                raise LabBuildError(
                    f"{where}, line {number}: '{END}' without a '{BEGIN}' before it."
                )
            begin_line = None
        elif _MARKER_LIKE.search(line):
            raise LabBuildError(
                f"{where}, line {number}: leftover or malformed marker {text!r}; a marker must be "
                f"exactly '{BEGIN}' or '{END}', alone on its line."
            )
        elif begin_line is None:
            kept.append(line)
    if begin_line is not None:
        raise LabBuildError(f"{where}, line {begin_line}: '{BEGIN}' is never closed by '{END}'.")
    stripped = "".join(kept)
    return stripped if source.endswith("\n") else stripped.removesuffix("\n")


def has_solution(source: str) -> bool:
    """Whether ``source`` holds a ``### BEGIN SOLUTION`` line."""
    return any(line.strip() == BEGIN for line in source.splitlines())


def questions(notebook: nbformat.NotebookNode) -> list[Question]:
    """The graded questions of a solution notebook, in notebook order.

    Raises:
        LabBuildError: a question's metadata is malformed, or an id is used twice.
    """
    found: list[Question] = []
    for index, cell in enumerate(notebook.cells):
        meta = cell.get("metadata", {}).get("seqlab")
        if meta is None:
            continue
        where = f"cell {index + 1}"
        if not isinstance(meta, dict) or "question" not in meta or "points" not in meta:
            raise LabBuildError(
                f'{where}: seqlab metadata must be {{"question": "q1", "points": 2}}, got {meta!r}.'
            )
        qid, points = meta["question"], meta["points"]
        if not isinstance(qid, str) or not _QUESTION_ID.match(qid):
            raise LabBuildError(f"{where}: question id {qid!r} must be a Python identifier.")
        if isinstance(points, bool) or not isinstance(points, int | float) or points <= 0:
            raise LabBuildError(f"{where}: question {qid} needs positive points, got {points!r}.")
        if cell.cell_type != "code" or not has_solution(cell.source):
            raise LabBuildError(
                f"{where}: question {qid} must be a code cell with a '{BEGIN}' region."
            )
        if any(q.id == qid for q in found):
            raise LabBuildError(f"{where}: question id {qid} is used twice.")
        found.append(Question(qid, float(points), index))
    return found


def build_lab(solution: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """The lab for a solution notebook: answers replaced, outputs cleared, solution-only cells gone.

    Cells keep their ids (a cell without one gets ``cell-<position>``), so that building
    twice gives the same file.

    Raises:
        LabBuildError: bad markers or question metadata; the message names ``name`` and the cell.
    """
    lab = copy.deepcopy(solution)
    lab.nbformat, lab.nbformat_minor = 4, max(5, solution.get("nbformat_minor", 0))
    cells = []
    for index, cell in enumerate(lab.cells):
        where = f"{name}, cell {index + 1}"
        if SOLUTION_ONLY_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        cell.setdefault("id", f"cell-{index}")
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.source = strip_solution(cell.source, where)
            cell.outputs = []
            cell.execution_count = None
        elif _MARKER_LIKE.search(cell.source):
            raise LabBuildError(
                f"{where}: a solution marker in a {cell.cell_type} cell; markers only work in "
                "code cells, so this text would reach the students."
            )
        cells.append(cell)
    try:
        questions(solution)
    except LabBuildError as error:
        raise LabBuildError(f"{name}: {error}") from None
    lab.cells = cells
    return lab


def lab_text(solution_path: Path) -> str:
    """The exact file content of the lab built from ``solution_path``."""
    solution = nbformat.read(solution_path, as_version=4)
    text = nbformat.writes(build_lab(solution, name=str(solution_path)))
    return text if text.endswith("\n") else text + "\n"


def build(solutions_dir: Path, labs_dir: Path) -> list[Path]:
    """Write ``labs_dir/NAME`` for every ``solutions_dir/NAME.ipynb``; return the written paths.

    Every solution is built in memory first, so one bad notebook leaves ``labs_dir`` untouched.
    """
    texts = {path.name: lab_text(path) for path in _notebooks(solutions_dir)}
    labs_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in texts.items():
        target = labs_dir / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def check(solutions_dir: Path, labs_dir: Path) -> SyncReport:
    """Compare ``labs_dir`` with what ``solutions_dir`` builds, file by file."""
    report = SyncReport()
    solutions = {path.name: path for path in _notebooks(solutions_dir)}
    labs = {path.name for path in _notebooks(labs_dir)} if labs_dir.is_dir() else set()
    for name, path in sorted(solutions.items()):
        lab = labs_dir / name
        if name not in labs:
            report.missing.append(name)
        elif lab.read_text(encoding="utf-8") != lab_text(path):
            report.stale.append(name)
        else:
            report.in_sync.append(name)
    report.extra = sorted(labs - solutions.keys())
    return report


def _notebooks(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise FileNotFoundError(
            f"No folder {folder}: run from the course folder or pass the folder explicitly."
        )
    return sorted(folder.glob("*.ipynb"))
