"""The grader end to end on lab 02: untouched lab, solution, partial credit, gradebook, --jobs.

Every grading run starts real kernels, so submissions are graded together in one run per
fixture, two at a time; the partial and gradebook submissions import NumPy only (a kernel
that imports Keras takes seconds to start).
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from seqlab import labs
from seqlab.grading import Settings, grade, student_id
from seqlab.grading.gradebook import Gradebook, GradebookMismatch
from seqlab.grading.probes import ProbeError
from seqlab.grading.scoring import ReferenceFailed

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "02_one_hot_encoding.ipynb"
LAB = ROOT / "labs" / "02_one_hot_encoding.ipynb"
QUESTIONS = ["q1", "q2", "q3", "q4", "q5"]
FAST_SETUP = """\
from collections import Counter

import numpy as np

from seqlab.checks import lab02 as check

sentences = ["statisticians are beautiful human beings", "the forest and the river"]
"""


def fast(path: Path) -> nbformat.NotebookNode:
    """The notebook without Keras: NumPy-only set-up cell, solution-only cells dropped."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [
        cell
        for cell in notebook.cells
        if labs.SOLUTION_ONLY_TAG not in cell.metadata.get("tags", [])
    ]
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    setup.source = FAST_SETUP
    return notebook


def answer(notebook: nbformat.NotebookNode, question: str, source: str) -> nbformat.NotebookNode:
    """``notebook`` with the code of ``question``'s cell replaced by ``source``."""
    for cell in notebook.cells:
        if cell.metadata.get("seqlab", {}).get("question") == question:
            cell.source = source
    return notebook


def save(folder: Path, name: str, notebook: nbformat.NotebookNode) -> Path:
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def read_rows(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


PARTIAL_ANSWERS = {
    # ignores `length`: passes the two calls without it, fails the two with it
    "q2": """
def encode(sentence, vocabulary, length=None):
    index = {word: i for i, word in enumerate(vocabulary)}
    return np.array([index.get(word, 1) for word in sentence.lower().split()], dtype=np.int64)
""",
    "q3": """
def one_hot(indices, depth):
    return np.eye(depth)[indices]  # float64
""",
    "q5": """
def count_parameters(vocab_size, embedding_dim, units):
    return vocab_size * embedding_dim + embedding_dim * units  # no Dense bias
""",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    partial = fast(SOLUTION)
    for question, source in PARTIAL_ANSWERS.items():
        answer(partial, question, source)
    paths = [
        save(folder, "untouched", nbformat.read(LAB, as_version=4)),
        save(folder, "perfect", nbformat.read(SOLUTION, as_version=4)),
        save(folder, "partial", partial),
    ]
    out = folder / "grades.csv"
    started = time.monotonic()
    grades = grade(SOLUTION, paths, out, Settings(jobs=2, timeout=240, cell_timeout=120))
    return {
        "grades": {g.student: g for g in grades},
        "rows": read_rows(out),
        "out": out,
        "seconds": time.monotonic() - started,
    }


def test_untouched_lab_scores_zero_with_not_implemented(graded):
    row = graded["rows"]["untouched"]
    assert [float(row[q]) for q in QUESTIONS] == [0.0] * 5
    assert float(row["total"]) == 0
    for question in QUESTIONS:
        assert f"{question}: not implemented" in row["feedback"]


def test_solution_scores_full_marks(graded):
    row = graded["rows"]["perfect"]
    assert [float(row[q]) for q in QUESTIONS] == [2.0] * 5
    assert float(row["total"]) == 10
    assert row["feedback"] == "all tests passed"


def test_partial_credit_per_test_case(graded):
    row = graded["rows"]["partial"]
    assert {q: float(row[q]) for q in QUESTIONS} == {
        "q1": 2.0,
        "q2": 1.0,  # 2 of 4 calls
        "q3": 0.0,
        "q4": 2.0,
        "q5": 0.0,
    }
    assert float(row["total"]) == 5
    assert "q2: 2/4 tests passed" in row["feedback"]
    assert "returned dtype float64, expected dtype float32" in row["feedback"]


def test_feedback_file_explains_each_failed_case(graded):
    text = (graded["out"].parent / "grades_feedback" / "partial.txt").read_text()
    assert "Total: 5 / 10" in text
    assert "q2 (encode): 1 / 2, 2 of 4 tests passed" in text
    assert text.count("  - encode(") == 2
    assert "returned shape" in text


def test_csv_has_one_row_per_submission_and_the_documented_columns(graded):
    with open(graded["out"], newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == ["student", *QUESTIONS, "total", "feedback"]
    assert sorted(graded["rows"]) == ["partial", "perfect", "untouched"]


def test_jobs_grade_submissions_at_the_same_time(graded):
    spans = sorted((g.started, g.finished) for g in graded["grades"].values())
    assert any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False))


def test_student_ids_come_from_file_names():
    lab = "02_one_hot_encoding"
    assert student_id(Path("subs/alice.ipynb"), lab) == "alice"
    assert student_id(Path("subs/bob_02_one_hot_encoding.ipynb"), lab) == "bob"
    assert student_id(Path("subs/carol/02_one_hot_encoding.ipynb"), lab) == "carol"


def test_gradebook_rows_persist_and_other_columns_are_refused(tmp_path):
    path = tmp_path / "book.csv"
    book = Gradebook(path, ["q1"])
    book.add({"student": "bob", "q1": 1.5, "total": 1.5, "feedback": "q1: 1/2"}, "bob\n")
    book.add({"student": "al", "q1": 2.0, "total": 2.0, "feedback": "all tests passed"}, "al\n")
    reread = Gradebook(path, ["q1"])
    assert list(reread.rows) == ["al", "bob"]
    assert reread.rows["bob"]["q1"] == "1.5"
    assert (tmp_path / "book_feedback" / "bob.txt").read_text() == "bob\n"
    with pytest.raises(GradebookMismatch, match="pass another --out"):
        Gradebook(path, ["q1", "q2"])


def descendants(pid: int) -> set[int]:
    """The processes started, directly or not, by ``pid``."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().split("\0")
    except OSError:
        return []


def running(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_questions_and_probes_must_match(tmp_path):
    solution = nbformat.read(SOLUTION, as_version=4)
    extra = new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")
    extra.metadata["seqlab"] = {"question": "q6", "points": 1}
    solution.cells.append(extra)
    path = save(tmp_path, "02_one_hot_encoding", solution)
    with pytest.raises(ProbeError, match=r"marks questions \[.*'q6'\] but its probes cover"):
        grade(path, [LAB], tmp_path / "grades.csv")
    unknown = save(tmp_path, "99_unknown", nbformat.read(SOLUTION, as_version=4))
    with pytest.raises(ProbeError, match="No grader probes for lab 99.*Labs with probes: 02"):
        grade(unknown, [LAB], tmp_path / "grades.csv")


def test_a_broken_reference_solution_stops_the_run_and_names_the_call(tmp_path):
    bug = (
        "def one_hot(indices, depth):\n"
        "    ### BEGIN SOLUTION\n    return undefined\n    ### END SOLUTION"
    )
    broken = answer(fast(SOLUTION), "q3", bug)
    path = save(tmp_path, "02_one_hot_encoding", broken)
    submission = save(tmp_path, "student", fast(LAB))
    with pytest.raises(
        ReferenceFailed, match=r"reference solution \(check.q3\(one_hot\)\).*NameError"
    ):
        grade(path, [submission], tmp_path / "grades.csv", Settings(cell_timeout=30))
    assert not (tmp_path / "grades.csv").exists()


def grade_command(solution: Path, out: Path, folder: Path) -> list[str]:
    return [
        sys.executable, "-m", "seqlab", "grade", str(solution), str(folder),
        "--out", str(out), "--jobs", "1", "--timeout", "60", "--cell-timeout", "30",
    ]  # fmt: skip


def test_interrupted_run_keeps_finished_rows_and_resumes(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    slow = fast(SOLUTION)
    slow.cells.append(new_code_cell("import time\ntime.sleep(2)"))
    for name in ("ann", "ben", "cat"):
        save(folder, name, slow)
    out = tmp_path / "grades.csv"
    reference = save(tmp_path, "02_one_hot_encoding", fast(SOLUTION))  # no Keras: starts fast
    grader = subprocess.Popen(
        grade_command(reference, out, folder),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    # Wait for a finished row and a worker grading the next submission (between two
    # submissions no worker runs, a moment that lasts longer on a loaded machine).
    deadline = time.monotonic() + 240
    started_by_grader, job_files = set(), set()
    while time.monotonic() < deadline and not job_files:
        assert grader.poll() is None, grader.communicate()
        time.sleep(0.2)
        if out.exists() and read_rows(out):
            started_by_grader = descendants(grader.pid)
            job_files = {
                arg for pid in started_by_grader for arg in cmdline(pid) if arg.endswith("job.json")
            }
    os.killpg(grader.pid, signal.SIGKILL)  # the grader and its workers, mid-run
    grader.communicate()
    first = read_rows(out)
    assert 1 <= len(first) < 3
    assert all(float(row["total"]) == 10 for row in first.values())
    assert started_by_grader, "a worker and its kernel were running"
    deadline = time.monotonic() + 10  # kernels die with their worker, whose group was killed
    while time.monotonic() < deadline and any(map(running, started_by_grader)):
        time.sleep(0.2)
    assert not any(map(running, started_by_grader))
    for job_file in map(Path, job_files):  # a killed grader cannot tidy up its temporary folders
        shutil.rmtree(json.loads(job_file.read_text())["workdir"], ignore_errors=True)
        shutil.rmtree(job_file.parent, ignore_errors=True)

    again = subprocess.run(
        grade_command(reference, out, folder), cwd=tmp_path, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert f"Skipping {len(first)} submission(s) already in" in again.stderr
    final = read_rows(out)
    assert sorted(final) == ["ann", "ben", "cat"]
    assert {name: final[name] for name in first} == first
