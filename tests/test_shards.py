"""``seqlab grade --shard K/N`` and ``seqlab gradebook merge``: shards merged give one run's
gradebook; overlaps are refused and missing students named.

The end-to-end test grades lab 02's NumPy-only notebooks (tests/test_export.py's ``fast``):
the solution, the untouched lab and one mistake, which fall in shards 2, 3 and 1 of 3.
"""

import json
from pathlib import Path

import pytest
from test_export import write_lab

from seqlab.cli import main
from seqlab.grading.gradebook import Gradebook
from seqlab.grading.shards import Shard, ShardError, merge, shard_of, write_manifest

SEED = 4242
STUDENTS = {"perfect": 2, "untouched": 3, "mistake": 1}  # their shards of 3


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    return write_lab(tmp_path_factory.mktemp("shards"))


def grade(lab, out: Path, *extra: str) -> int:
    return main(["grade", str(lab["solution"]), str(lab["submissions"]), "--out", str(out),
                 "--seed", str(SEED), "--jobs", "2", *extra])  # fmt: skip


def test_shards_merged_give_the_gradebook_of_one_run(lab):
    assert [shard_of(student, 3) for student in STUDENTS] == list(STUDENTS.values())
    one = lab["folder"] / "one" / "grades.csv"
    assert grade(lab, one) == 0
    shards = []
    for k in (1, 2, 3):
        out = lab["folder"] / f"shard{k}" / f"grades_{k}of3.csv"
        assert grade(lab, out, "--shard", f"{k}/3") == 0
        manifest = json.loads(out.with_name(f"grades_{k}of3_shard.json").read_text())
        assert manifest["class"] == sorted(STUDENTS)
        assert manifest["students"] == [s for s, shard in STUDENTS.items() if shard == k]
        shards.append(out)
    merged = lab["folder"] / "merged" / "grades.csv"
    assert main(["gradebook", "merge", *map(str, shards), "--out", str(merged)]) == 0
    assert merged.read_text() == one.read_text()
    for student in STUDENTS:
        feedback = f"{student}.txt"
        ones = (one.parent / "grades_feedback" / feedback).read_text().splitlines()
        mine = (merged.parent / "grades_feedback" / feedback).read_text().splitlines()
        assert ones[:-1] == mine[:-1]  # the last line is the time it took
    one_report = (one.parent / "grades_report.md").read_text().splitlines()
    merged_report = (merged.parent / "grades_report.md").read_text().splitlines()
    assert [line for line in merged_report if not line.startswith("- ")] == [
        line for line in one_report if not line.startswith("- ")
    ]
    assert sorted(line for line in merged_report if line.startswith("- ")) == sorted(
        line for line in one_report if line.startswith("- ")
    )
    assert (merged.parent / "grades_report.png").exists()


def test_a_shard_without_students_writes_an_empty_gradebook(lab, tmp_path):
    only = tmp_path / "only"
    only.mkdir()
    (only / "perfect.ipynb").write_bytes((lab["submissions"] / "perfect.ipynb").read_bytes())
    out = tmp_path / "grades_1of3.csv"
    assert main(["grade", str(lab["solution"]), str(only), "--out", str(out), "--seed", "1",
                 "--shard", "1/3"]) == 0  # fmt: skip
    assert out.read_text().splitlines() == ["student,q1,q2,q3,q4,q5,total,feedback"]


def test_shard_needs_a_seed_and_a_valid_k_of_n(lab, tmp_path, capsys):
    out = str(tmp_path / "g.csv")
    assert main(["grade", str(lab["solution"]), str(lab["submissions"]), "--out", out,
                 "--shard", "1/3"]) == 1  # fmt: skip
    assert "--shard needs --seed" in capsys.readouterr().err
    for bad in ("0/3", "4/3", "1", "a/b"):
        assert main(["grade", str(lab["solution"]), "x.ipynb", "--out", out,
                     "--shard", bad]) == 2  # fmt: skip


def test_shards_are_stable_and_cover_everyone():
    ids = [f"student{i}" for i in range(300)]
    counts = [sum(shard_of(s, 4) == k for s in ids) for k in (1, 2, 3, 4)]
    assert sum(counts) == 300 and min(counts) > 50
    assert Shard.parse("2/4").holds(next(s for s in ids if shard_of(s, 4) == 2))


# --- merge refuses what does not add up (no kernels) ---


def book(folder: Path, name: str, rows: dict[str, float], shard: str | None = None,
         everyone=()) -> Path:  # fmt: skip
    path = folder / f"{name}.csv"
    gradebook = Gradebook(path, ["q1"])
    for student, points in rows.items():
        gradebook.add({"student": student, "q1": points, "total": points, "feedback": "-"}, "")
    gradebook.write()
    if shard:
        write_manifest(path, Shard.parse(shard), "02_one_hot_encoding", list(everyone))
    return path


def test_merge_refuses_a_student_in_two_gradebooks(tmp_path):
    a = book(tmp_path, "a", {"alice": 1, "bob": 2})
    b = book(tmp_path, "b", {"bob": 2, "carol": 0})
    with pytest.raises(ShardError, match=r"more than one gradebook.*bob"):
        merge([a, b], tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_merge_names_the_missing_students(tmp_path, capsys):
    everyone = ["alice", "bob", "carol", "dave", "erin"]
    by_shard = {k: [s for s in everyone if shard_of(s, 3) == k] for k in (1, 2, 3)}
    one = book(tmp_path, "s1", {s: 1 for s in by_shard[1]}, "1/3", everyone)
    two = book(tmp_path, "s2", {s: 1 for s in by_shard[2][1:]}, "2/3", everyone)  # one short
    absent = by_shard[2][:1] + by_shard[3]
    out = tmp_path / "out.csv"
    with pytest.raises(ShardError) as error:
        merge([one, two], out)
    assert "3/3 not given" in str(error.value)
    for student in absent:
        assert student in str(error.value)
    assert not out.exists()
    assert main(["gradebook", "merge", str(one), str(two), "--out", str(out),
                 "--allow-missing"]) == 0  # fmt: skip
    assert f"no row for {len(absent)} student(s)" in capsys.readouterr().out
    assert len(out.read_text().splitlines()) == 1 + len(by_shard[1]) + len(by_shard[2]) - 1


def test_merge_refuses_a_shard_given_twice_and_other_labs_columns(tmp_path):
    one = book(tmp_path, "s1", {}, "1/2", ["alice"])
    again = book(tmp_path, "s1b", {}, "1/2", ["alice"])
    with pytest.raises(ShardError, match="given twice"):
        merge([one, again], tmp_path / "out.csv")
    other = tmp_path / "other.csv"
    Gradebook(other, ["q1", "q2"]).write()
    with pytest.raises(ShardError, match="same columns"):
        merge([one, other], tmp_path / "out.csv")


def test_merge_cli_reports_errors_without_a_traceback(tmp_path, capsys):
    assert main(["gradebook", "merge", str(tmp_path / "none.csv"), "--out",
                 str(tmp_path / "o.csv")]) == 1  # fmt: skip
    assert "seqlab gradebook merge:" in capsys.readouterr().err
