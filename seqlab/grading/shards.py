"""A class graded in shards (a Slurm array job, a CI matrix), and the shards merged back.

``seqlab grade SOLUTION SUBMISSIONS --out grades_2of3.csv --shard 2/3`` grades the students
whose id falls in shard 2 of 3: the first 8 bytes of the SHA-256 of the id, as a number,
modulo 3, plus 1 (:func:`shard_of`). Ids are made from the whole class first, exactly as one
run makes them, so every shard sees the same ids and a student's shard never depends on who
else submitted (a late submission does not move anybody else to another shard). Next to its
CSV a shard writes ``<stem>_shard.json`` (:func:`write_manifest`): which shard, and the
students of the whole class and of that shard.

``seqlab gradebook merge grades_*of3.csv --out grades.csv`` (:func:`merge`) checks that the
shards belong together (one lab, one N, each shard once), refuses a student graded in two
shards, names every student of the class who has no row, then writes one gradebook (the rows
of all shards, each shard's feedback files) and one class report summed from the shards'
reports, which is what one run over the class writes.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from seqlab.grading.gradebook import merge_rows, read_rows, write_atomically
from seqlab.grading.safe_text import printable

MANIFEST_SUFFIX = "_shard.json"


class ShardError(ValueError):
    """Shards that do not add up to one class (the message names what is wrong)."""


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"2/3"`` gives ``Shard(2, 3)``.

        Raises:
            ValueError: not ``K/N`` with ``1 <= K <= N``.
        """
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
            raise ValueError(f"--shard takes K/N with 1 <= K <= N (e.g. 2/3), not {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    def holds(self, student: str) -> bool:
        return shard_of(student, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_of(student: str, count: int) -> int:
    """The shard (1 to ``count``) of a student id: stable, and the same on every machine."""
    digest = hashlib.sha256(student.encode("utf-8", "backslashreplace")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def manifest_path(gradebook: Path) -> Path:
    return gradebook.with_name(f"{gradebook.stem}{MANIFEST_SUFFIX}")


def write_manifest(gradebook: Path, shard: Shard, lab: str, everyone: list[str]) -> Path:
    """Write ``<stem>_shard.json`` beside a shard's gradebook: the shard, the lab, and the ids
    of the whole class and of this shard."""
    path = manifest_path(gradebook)
    data = {
        "lab": lab,
        "shard": shard.index,
        "of": shard.count,
        "class": sorted(everyone),
        "students": sorted(s for s in everyone if shard.holds(s)),
    }
    write_atomically(path, json.dumps(data, indent=1, ensure_ascii=True) + "\n")
    return path


def merge(gradebooks: list[Path], out: Path, allow_missing: bool = False) -> list[str]:
    """Merge shard gradebooks (and their feedback files and class reports) into ``out``.

    Returns the ids of the students with no row (empty unless ``allow_missing``).

    Raises:
        ShardError: the gradebooks have different columns, a student is in two of them,
            a shard is given twice or is missing, manifests disagree, or (unless
            ``allow_missing``) a student of the class has no row; nothing is written then.
    """
    if not gradebooks:
        raise ShardError("no gradebooks to merge")
    manifests = [_read_manifest(path) for path in gradebooks]
    columns, rows = None, {}
    seen: dict[str, Path] = {}
    overlaps = []
    for path in gradebooks:
        found_columns, found = read_rows(path)
        if columns is None:
            columns = found_columns
        elif found_columns != columns:
            raise ShardError(
                f"{path} has columns {found_columns}, {gradebooks[0]} has {columns}: "
                "shards of one lab have the same columns"
            )
        for student, row in found.items():
            if student in seen:
                overlaps.append(f"{student} ({seen[student]} and {path})")
            seen[student] = path
            rows[student] = row
    if overlaps:
        raise ShardError(
            "students graded in more than one gradebook, not merged: "
            + "; ".join(printable(text) for text in overlaps)
        )
    missing, absent = _missing(gradebooks, manifests, set(rows))
    if missing and not allow_missing:
        shards = f" (shard(s) {', '.join(absent)} not given)" if absent else ""
        raise ShardError(
            f"{len(missing)} student(s) of the class have no row{shards}: "
            f"{', '.join(printable(s) for s in missing)}. Grade them (run their shard again "
            "with the same --out: students already graded are skipped), or pass --allow-missing."
        )
    if out.exists():
        raise ShardError(f"{out} exists: pass another --out, or move the old file away")
    merge_rows(columns, rows, out)
    _merge_feedback(gradebooks, out)
    _merge_reports(gradebooks, out)
    return missing


def _read_manifest(gradebook: Path) -> dict | None:
    path = manifest_path(gradebook)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ShardError(f"{path} is not a shard manifest: {error}") from None


def _missing(
    gradebooks: list[Path], manifests: list[dict | None], graded: set[str]
) -> tuple[list[str], list[str]]:
    """``(students of the class with no row, shards not given)``, once the shards are checked
    to be of one run (one lab, one shard count, each shard once)."""
    given = [(path, m) for path, m in zip(gradebooks, manifests, strict=True) if m is not None]
    if not given:
        return [], []
    labs_ = {m["lab"] for _, m in given}
    counts = {m["of"] for _, m in given}
    if len(labs_) > 1 or len(counts) > 1:
        raise ShardError(
            f"the shards are of different runs: labs {sorted(labs_)}, shard counts {sorted(counts)}"
        )
    count = counts.pop()
    indexes: dict[int, Path] = {}
    for path, m in given:
        if m["shard"] in indexes:
            raise ShardError(
                f"shard {m['shard']}/{count} is given twice: {indexes[m['shard']]} and {path}"
            )
        indexes[m["shard"]] = path
    everyone = set().union(*(m["class"] for _, m in given))
    absent = [f"{k}/{count}" for k in range(1, count + 1) if k not in indexes]
    return sorted(everyone - graded), absent


def _merge_feedback(gradebooks: list[Path], out: Path) -> None:
    target = out.with_name(f"{out.stem}_feedback")
    for path in gradebooks:
        folder = path.with_name(f"{path.stem}_feedback")
        if folder.is_dir() and folder.resolve() != target.resolve():
            target.mkdir(parents=True, exist_ok=True)
            for file in sorted(folder.iterdir()):
                if file.is_file() and not file.is_symlink():
                    shutil.copyfile(file, target / file.name)


# The class report's lines (seqlab.grading.report.write_class_report writes them).
_TITLE = re.compile(r"^# Class report: (.+)$")
_COUNTED = re.compile(r"^(\d+) submission\(s\) graded in this run\.(.*)$")
_ROW = re.compile(r"^\| (\w+) \| `([^`]*)` \| (\d+) of (\d+) \| \d+% \|$")
_MISTAKE = re.compile(r"^- (\w+) (.+): (\d+) \((.*)\)$")


def _merge_reports(gradebooks: list[Path], out: Path) -> Path | None:
    """Sum the shards' class reports into ``<out stem>_report.md`` (and its chart)."""
    reports = [p.with_name(f"{p.stem}_report.md") for p in gradebooks]
    reports = [p for p in reports if p.exists()]
    if not reports:
        return None
    from seqlab.grading.report import _bar_chart

    title, tail, students = None, "", 0
    full: dict[str, list] = {}  # question -> [function, full marks]
    made: dict[tuple[str, str], list[str]] = {}
    for report in reports:
        for line in report.read_text(encoding="utf-8").splitlines():
            if match := _TITLE.match(line):
                title = match.group(1)
            elif match := _COUNTED.match(line):
                students += int(match.group(1))
                tail = match.group(2)
            elif match := _ROW.match(line):
                entry = full.setdefault(match.group(1), [match.group(2), 0])
                entry[1] += int(match.group(3))
            elif match := _MISTAKE.match(line):
                who = made.setdefault((match.group(1), match.group(2)), [])
                who += [name for name in match.group(4).split(", ") if name]
    figure = out.with_name(f"{out.stem}_report.png")
    questions = list(full)
    _bar_chart(figure, questions, [full[q][1] / max(students, 1) for q in questions])
    lines = [
        f"# Class report: {title}",
        "",
        f"{students} submission(s) graded in this run.{tail}",
        "",
        f"![share of full marks per question]({figure.name})",
        "",
        "| question | function | full marks | share |",
        "| --- | --- | --- | --- |",
    ]
    for question in questions:
        function, count = full[question]
        share = count / students if students else 0.0
        lines.append(f"| {question} | `{function}` | {count} of {students} | {share:.0%} |")
    lines += ["", "## Common mistakes found", ""]
    if not made:
        lines.append("No failed answer matched a catalogued mistake.")
    for question in questions:
        found = [(name, who) for (q, name), who in made.items() if q == question]
        for name, who in sorted(found, key=lambda kv: -len(kv[1])):
            lines.append(f"- {question} {name}: {len(who)} ({', '.join(sorted(who))})")
    path = out.with_name(f"{out.stem}_report.md")
    write_atomically(path, "\n".join(lines) + "\n")
    return path
