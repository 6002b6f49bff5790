"""The gradebook: one CSV row per submission, written atomically after every row.

Columns: ``student``, one per question (points earned), ``total``, ``feedback`` (a short
sentence per question that did not earn full marks, and what went wrong in the notebook).
Each new row rewrites the file through a temporary file and ``os.replace``, so the CSV on disk
is always whole: an interrupted run keeps every finished row, and the next run with the same
``--out`` skips the students already in it. A longer feedback file per student sits in the
folder ``<gradebook name>_feedback/`` next to the CSV.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path


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
                self.rows = {row["student"]: row for row in reader}

    def __contains__(self, student: str) -> bool:
        return student in self.rows

    def add(self, row: dict[str, object], feedback: str) -> None:
        """Store ``row`` (keys: the columns) and the student's feedback file, both atomically."""
        student = str(row["student"])
        self.feedback_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(self.feedback_dir / f"{_safe_name(student)}.txt", feedback)
        self.rows[student] = {column: _cell(row[column]) for column in self.columns}
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=self.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows[name] for name in sorted(self.rows))
        write_atomically(self.path, text.getvalue())


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, path)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _safe_name(student: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in student) or "student"
