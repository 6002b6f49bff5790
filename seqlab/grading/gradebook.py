"""The gradebook: one CSV row per submission, written atomically after every row.

Columns: ``student``, one per question (points earned), ``total``, ``feedback`` (a short
sentence per question that did not earn full marks, and what went wrong in the notebook).
Each new row rewrites the file through a temporary file and ``os.replace``, so the CSV on disk
is always whole: an interrupted run keeps every finished row, and the next run with the same
``--out`` skips the students already in it. A longer feedback file per student sits in the
folder ``<gradebook name>_feedback/`` next to the CSV, named by :func:`file_stem` (distinct
ids always get distinct files).

Cells are written with control characters escaped and so that a spreadsheet cannot run them
(a leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab or carriage return, OWASP's rule
against CSV injection), and read back unchanged. The gradebook keeps a digest of what it last
wrote: :meth:`Gradebook.verify` finds out whether anything else changed the file since, and
puts the grader's rows back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from pathlib import Path

from seqlab.grading.safe_text import csv_cell, file_stem, from_csv_cell, printable


class GradebookMismatch(ValueError):
    """An existing gradebook has other columns (another lab's, or not a gradebook)."""


class Gradebook:
    """The CSV at ``path`` with columns for ``questions``; rows already there are kept."""

    def __init__(self, path: Path, questions: list[str]):
        self.path = path
        self.columns = ["student", *questions, "total", "feedback"]
        self.feedback_dir = path.with_name(f"{path.stem}_feedback")
        self.rows: dict[str, dict[str, str]] = {}
        if path.exists():
            with open(path, newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                if reader.fieldnames != self.columns:
                    raise GradebookMismatch(
                        f"{path} has columns {reader.fieldnames}, this lab's are {self.columns}: "
                        "pass another --out, or move the old file away."
                    )
                for row in reader:
                    row = {key: from_csv_cell(value or "") for key, value in row.items()}
                    self.rows[row["student"]] = row
        self.digest: str | None = None

    def __contains__(self, student: str) -> bool:
        return student in self.rows

    def feedback_path(self, student: str) -> Path:
        """Where ``student``'s feedback file goes (a different file for every id)."""
        return self.feedback_dir / f"{file_stem(student)}.txt"

    def add(self, row: dict[str, object], feedback: str) -> None:
        """Store ``row`` (keys: the columns) and the student's feedback file, both atomically."""
        student = str(row["student"])
        self.feedback_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(self.feedback_path(student), feedback)
        self.rows[student] = {column: _cell(row[column]) for column in self.columns}
        self.write()

    def write(self) -> None:
        """Write every row to the CSV, atomically, and remember its digest."""
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=self.columns, lineterminator="\n")
        writer.writeheader()
        for name in sorted(self.rows):
            row = self.rows[name]
            writer.writerow({key: csv_cell(printable(value)) for key, value in row.items()})
        data = text.getvalue()
        write_atomically(self.path, data)
        self.digest = hashlib.sha256(data.encode("utf-8", "backslashreplace")).hexdigest()

    def verify(self) -> bool:
        """Whether the CSV is still what this gradebook last wrote; if not, write it again."""
        if self.digest is None:
            return True
        try:
            found = hashlib.sha256(self.path.read_bytes()).hexdigest()
        except OSError:
            found = None
        if found == self.digest:
            return True
        self.write()
        return False


def read_rows(path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """``(columns, rows by student)`` of a gradebook CSV, cells read back as they were written.

    Raises:
        GradebookMismatch: the file's columns are not a gradebook's.
    """
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        if len(columns) < 3 or columns[0] != "student" or columns[-2:] != ["total", "feedback"]:
            raise GradebookMismatch(f"{path} is not a gradebook (its columns are {columns})")
        rows = {}
        for row in reader:
            row = {key: from_csv_cell(value or "") for key, value in row.items()}
            rows[row["student"]] = row
    return columns, rows


def merge_rows(columns: list[str], rows: dict[str, dict[str, str]], out: Path) -> Gradebook:
    """Write ``rows`` (read by :func:`read_rows`) as one new gradebook at ``out``, atomically."""
    book = Gradebook(out, columns[1:-2])
    book.rows.update(rows)
    book.write()
    return book


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        errors="backslashreplace",
        dir=path.parent,
        prefix=f".{path.name}.",
        delete=False,
    ) as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, path)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
