"""The platform bundles (``seqlab export``) against each platform's documented contract.

No platform is reachable here, so each bundle is unpacked into a temporary root laid out as the
platform lays it out, bubblewrap binds that root to ``/autograder`` (Gradescope) or ``/grade``
(PrairieLearn), and the platform's own script (``run_autograder``, ``run.sh``) runs there, once
per submission as the platform would, with this checkout's virtual environment standing in for
the one ``setup.sh`` installs (one slow test runs ``setup.sh`` itself). Each ``results.json``
is validated against the schema written below from the platform's documentation, and its
scores must equal those ``seqlab grade`` gives the same notebooks with the same seed.

Lab 02 with NumPy-only set-up cells (as in tests/test_grading.py), so that no kernel imports
Keras: the solution, the untouched lab and a notebook with one mistake (q3 returns float64).
"""

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import jsonschema
import nbformat
import pytest

from seqlab import labs
from seqlab.cli import main
from seqlab.grading.export.bundle import PAYLOAD, read_payload

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "02_one_hot_encoding.ipynb"
LAB = ROOT / "labs" / "02_one_hot_encoding.ipynb"
LAB_NAME = SOLUTION.name
VENV = Path(sys.prefix)
SEED = 20260
FAST_SETUP = """\
from collections import Counter

import numpy as np

from seqlab.checks import lab02 as check

sentences = ["statisticians are beautiful human beings", "the forest and the river"]
"""
MISTAKE_Q3 = """
def one_hot(indices, depth):
    return np.eye(depth)[indices]  # float64, the lab asks for float32
"""

# Gradescope's results.json, from https://gradescope-autograders.readthedocs.io/en/latest/specs/
# ("Output format"): score (optional when every test has one), execution_time (seconds),
# output, visibility, stdout_visibility, extra_data, tests (score, max_score, status, name,
# number, output, tags, visibility, extra_data), leaderboard.
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
GRADESCOPE_SCHEMA = {
    "type": "object",
    "required": ["score", "tests"],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": {"enum": ["text", "html", "simple_format", "md", "ansi"]},
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "leaderboard": {"type": "array"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "score", "max_score", "output", "visibility"],
                "additionalProperties": False,
                "properties": {
                    "score": {"type": "number"},
                    "max_score": {"type": "number", "minimum": 0},
                    "status": {"enum": ["passed", "failed"]},
                    "name": {"type": "string", "minLength": 1},
                    "number": {"type": "string"},
                    "output": {"type": "string"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "visibility": VISIBILITY,
                    "extra_data": {"type": "object"},
                },
            },
        },
    },
}
# PrairieLearn's results.json, from https://prairielearn.readthedocs.io/en/latest/externalGrading/
# ("Grading results"): score in [0, 1] (needed when gradable), gradable, format_errors (a
# string or strings), message, output, images, tests (name, description, points, max_points,
# message, output, images).
PRAIRIELEARN_SCHEMA = {
    "type": "object",
    "required": ["score"],
    "additionalProperties": False,
    "properties": {
        "gradable": {"type": "boolean"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "format_errors": {
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
        },
        "message": {"type": "string"},
        "output": {"type": "string"},
        "images": {"type": "array"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "points", "max_points"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "description": {"type": "string"},
                    "points": {"type": "number", "minimum": 0},
                    "max_points": {"type": "number", "minimum": 0},
                    "message": {"type": "string"},
                    "output": {"type": "string"},
                    "images": {"type": "array"},
                },
            },
        },
    },
}


def fast(path: Path, **answers: str) -> nbformat.NotebookNode:
    """The notebook with a NumPy-only set-up cell, solution-only cells dropped, and the code
    of the questions in ``answers`` replaced."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [
        cell
        for cell in notebook.cells
        if labs.SOLUTION_ONLY_TAG not in cell.metadata.get("tags", [])
    ]
    next(cell for cell in notebook.cells if cell.cell_type == "code").source = FAST_SETUP
    for cell in notebook.cells:
        question = cell.metadata.get("seqlab", {}).get("question")
        if question in answers:
            cell.source = answers[question]
    return notebook


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    return write_lab(tmp_path_factory.mktemp("lab"))


def write_lab(folder: Path) -> dict:
    """The fast solution (as the lab's solution notebook) and three submissions, in ``folder``."""
    solution = folder / "solution" / LAB_NAME
    solution.parent.mkdir()
    nbformat.write(fast(SOLUTION), solution)
    submissions = folder / "submissions"
    submissions.mkdir()
    for name, notebook in (
        ("perfect", fast(SOLUTION)),
        ("untouched", fast(LAB)),
        ("mistake", fast(SOLUTION, q3=MISTAKE_Q3)),
    ):
        nbformat.write(notebook, submissions / f"{name}.ipynb")
    return {"solution": solution, "submissions": submissions, "folder": folder}


@pytest.fixture(scope="module")
def cli_scores(lab):
    """``seqlab grade`` on the three submissions with the bundles' seed: the scores to match."""
    out = lab["folder"] / "cli" / "grades.csv"
    assert (
        main(["grade", str(lab["solution"]), str(lab["submissions"]), "--out", str(out),
              "--seed", str(SEED), "--jobs", "2"])
        == 0
    )  # fmt: skip
    import csv

    with open(out, newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return {
        student: {q: float(row[q]) for q in ("q1", "q2", "q3", "q4", "q5")}
        | {"total": float(row["total"])}
        for student, row in rows.items()
    }


def platform_run(
    mounts: dict[str, Path], command: list[str], chdir: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``command`` in bubblewrap with this machine's folders (read-only, /tmp and /sys
    writable) and ``mounts`` (platform path -> folder here) bound in place."""
    args = ["bwrap", "--die-with-parent", "--dev-bind", "/dev", "/dev", "--bind", "/proc", "/proc",
            "--bind", "/sys", "/sys", "--bind", "/tmp", "/tmp"]  # fmt: skip
    for entry in sorted(Path("/").iterdir()):
        if entry.name in ("dev", "proc", "sys", "tmp", "autograder", "grade"):
            continue
        if entry.is_symlink():
            args += ["--symlink", os.readlink(entry), str(entry)]
        elif entry.is_dir():
            args += ["--ro-bind", str(entry), str(entry)]
    for target, source in mounts.items():
        args += ["--bind", str(source), target]
    args += ["--chdir", chdir, *command]
    return subprocess.run(
        args, capture_output=True, text=True, timeout=900, env=os.environ | (env or {})
    )


# --- Gradescope ---


@pytest.fixture(scope="module")
def gradescope_zip(lab):
    out = lab["folder"] / "gradescope" / "autograder.zip"
    assert main(["export", "gradescope", str(lab["solution"]), "--out", str(out),
                 "--seed", str(SEED)]) == 0  # fmt: skip
    return out


def gradescope(zip_path: Path, files: dict[str, bytes], tmp: Path, **options) -> dict:
    """Grade ``files`` (name -> bytes) as Gradescope would: a fresh /autograder with the zip in
    source/, run_autograder copied up, the submission in submission/; the results.json.
    ``options`` replace those of the zip's gradescope.json."""
    autograder = tmp / "autograder"
    (autograder / "submission").mkdir(parents=True)
    (autograder / "results").mkdir()
    (autograder / "venv").mkdir()
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(autograder / "source")
        for info in archive.infolist():  # zipfile drops the modes; Gradescope keeps them
            (autograder / "source" / info.filename).chmod(info.external_attr >> 16 & 0o777)
    shutil.copy2(autograder / "source" / "run_autograder", autograder / "run_autograder")
    if options:
        settings = autograder / "source" / "gradescope.json"
        settings.write_text(json.dumps(json.loads(settings.read_text()) | options))
    for name, data in files.items():
        path = autograder / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    started = time.monotonic()
    run = platform_run(
        {"/autograder": autograder, "/autograder/venv": VENV},
        ["/autograder/run_autograder"],
        "/autograder",
    )
    seconds = time.monotonic() - started
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((autograder / "results" / "results.json").read_text())
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    print(f"gradescope {sorted(files)}: {seconds:.1f} s in the simulated container")
    return results


def test_gradescope_zip_has_the_documented_files_at_its_root(gradescope_zip):
    with zipfile.ZipFile(gradescope_zip) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert {"setup.sh", "run_autograder", "requirements.lock", PAYLOAD, LAB_NAME} <= names
    assert any(name.startswith("seqlab-") and name.endswith(".whl") for name in names)
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    print(f"autograder.zip: {gradescope_zip.stat().st_size / 1e6:.2f} MB")


def test_the_bundle_carries_no_answer(gradescope_zip, tmp_path):
    with zipfile.ZipFile(gradescope_zip) as archive:
        archive.extract(LAB_NAME, tmp_path)
    text = (tmp_path / LAB_NAME).read_text()
    assert "def encode" not in text and "np.eye" not in text
    assert [q.id for q in labs.questions(nbformat.read(tmp_path / LAB_NAME, 4))] == [
        "q1", "q2", "q3", "q4", "q5"
    ]  # fmt: skip


@pytest.mark.parametrize("student", ["perfect", "untouched", "mistake"])
def test_gradescope_scores_equal_seqlab_grade(student, lab, gradescope_zip, cli_scores, tmp_path):
    data = (lab["submissions"] / f"{student}.ipynb").read_bytes()
    results = gradescope(gradescope_zip, {LAB_NAME: data}, tmp_path)
    expected = cli_scores[student]
    questions = [t for t in results["tests"] if t["max_score"] > 0]
    assert {t["name"].split(":")[0]: t["score"] for t in questions} == {
        q: expected[q] for q in ("q1", "q2", "q3", "q4", "q5")
    }
    assert results["score"] == expected["total"]
    assert "sandbox" in results["output"]
    details = [t for t in results["tests"] if t["max_score"] == 0]
    assert all(t["visibility"] == "after_due_date" for t in details)
    if student == "mistake":
        assert [t["name"] for t in details] == ["q3: one_hot, the failed cases"]
        assert "float64" in details[0]["output"]
    if student == "untouched":
        assert "not implemented" in questions[0]["output"]


def test_gradescope_without_the_sandbox_says_so(lab, gradescope_zip, cli_scores, tmp_path):
    """As in a container where bubblewrap cannot create namespaces: kernels run without it, or,
    where an unprivileged user could not reach Python (this checkout's Python under /root), the
    grader refuses; either way results.json says which, and nothing crashes."""
    data = (lab["submissions"] / "perfect.ipynb").read_bytes()
    results = gradescope(gradescope_zip, {LAB_NAME: data}, tmp_path, sandbox="off")
    if results["tests"] and results["score"] > 0:
        assert results["score"] == cli_scores["perfect"]["total"]
        assert "without the bubblewrap sandbox" in results["output"]
    else:
        assert results["score"] == 0 and results["extra_data"]["fault"] is True
        assert "tell your instructor" in results["output"]
        assert "--no-sandbox" in results["output"]


BAD_SUBMISSIONS = {
    "empty": ({}, "empty"),
    "a zip": ({"lab.zip": b"PK\x03\x04"}, "archive"),
    "two notebooks": ({"a.ipynb": b"{}", "b.ipynb": b"{}"}, "2 notebooks"),
    "no notebook": ({"answers.py": b"print(1)\n"}, "no notebook"),
    "a PDF named .ipynb": ({LAB_NAME: b"%PDF-1.4 not a notebook"}, "could not be read"),
}


@pytest.mark.parametrize("case", BAD_SUBMISSIONS)
def test_gradescope_bad_submission_gets_a_message_and_zero(case, gradescope_zip, tmp_path):
    files, words = BAD_SUBMISSIONS[case]
    results = gradescope(gradescope_zip, files, tmp_path)
    assert results["score"] == 0
    assert words in results["output"]


def test_run_autograder_without_setup_still_writes_results(gradescope_zip, tmp_path):
    autograder = tmp_path / "autograder"
    autograder.mkdir()
    with zipfile.ZipFile(gradescope_zip) as archive:
        archive.extract("run_autograder", autograder)
    (autograder / "run_autograder").chmod(0o755)
    run = platform_run({"/autograder": autograder}, ["/autograder/run_autograder"], "/autograder")
    assert run.returncode == 0, run.stderr
    results = json.loads((autograder / "results" / "results.json").read_text())
    jsonschema.validate(results, GRADESCOPE_SCHEMA)
    assert results["score"] == 0 and "not set up" in results["output"]


# --- PrairieLearn ---


@pytest.fixture(scope="module")
def prairielearn_course(lab):
    out = lab["folder"] / "prairielearn"
    assert main(["export", "prairielearn", str(lab["solution"]), "--out", str(out),
                 "--seed", str(SEED), "--image", "course/seqlab-grader"]) == 0  # fmt: skip
    return out


def prairielearn(course: Path, files: dict[str, bytes], tmp: Path) -> dict:
    """Grade ``files`` as PrairieLearn would: /grade/tests from the question, /grade/student,
    /grade/data/data.json, the info.json entry point run; the results.json."""
    grade = tmp / "grade"
    shutil.copytree(course / "questions" / "02_one_hot_encoding" / "tests", grade / "tests")
    (grade / "student").mkdir()
    (grade / "data").mkdir()
    (grade / "data" / "data.json").write_text("{}")
    for name, data in files.items():
        (grade / "student" / name).write_bytes(data)
    info = json.loads((course / "questions" / "02_one_hot_encoding" / "info.json").read_text())
    entrypoint = info["externalGradingOptions"]["entrypoint"]
    started = time.monotonic()
    # The image's /opt/seqlab: this checkout's environment, where it is (/opt is read-only here).
    run = platform_run({"/grade": grade}, [entrypoint], "/grade", {"SEQLAB_VENV": str(VENV)})
    seconds = time.monotonic() - started
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((grade / "results" / "results.json").read_text())
    jsonschema.validate(results, PRAIRIELEARN_SCHEMA)
    print(f"prairielearn {sorted(files)}: {seconds:.1f} s in the simulated container")
    return results


def test_prairielearn_question_has_the_documented_files(prairielearn_course):
    question = prairielearn_course / "questions" / "02_one_hot_encoding"
    info = json.loads((question / "info.json").read_text())
    assert info["gradingMethod"] == "External"
    options = info["externalGradingOptions"]
    assert options["enabled"] and options["image"] == "course/seqlab-grader"
    assert options["entrypoint"].startswith("/grade/tests/") and options["timeout"] <= 600
    assert 'file-names="02_one_hot_encoding.ipynb"' in (question / "question.html").read_text()
    image = prairielearn_course / "image"
    assert {"Dockerfile", "setup.sh", "requirements.lock"} <= {p.name for p in image.iterdir()}
    assert read_payload(question / "tests").seed == SEED
    size = sum(p.stat().st_size for p in prairielearn_course.rglob("*") if p.is_file())
    print(f"prairielearn export: {size / 1e6:.2f} MB")


@pytest.mark.parametrize("student", ["perfect", "untouched", "mistake"])
def test_prairielearn_scores_equal_seqlab_grade(student, lab, prairielearn_course, cli_scores,
                                                tmp_path):  # fmt: skip
    data = (lab["submissions"] / f"{student}.ipynb").read_bytes()
    results = prairielearn(prairielearn_course, {LAB_NAME: data}, tmp_path)
    expected = cli_scores[student]
    assert results["gradable"] is True
    assert {t["name"]: t["points"] for t in results["tests"]} == {
        q: expected[q] for q in ("q1", "q2", "q3", "q4", "q5")
    }
    assert results["score"] == pytest.approx(expected["total"] / 10)
    assert all(t["output"] == "" for t in results["tests"])  # cases hidden by default


@pytest.mark.parametrize("case", ["empty", "a zip", "two notebooks"])
def test_prairielearn_bad_submission_is_not_gradable(case, prairielearn_course, tmp_path):
    files, words = BAD_SUBMISSIONS[case]
    results = prairielearn(prairielearn_course, files, tmp_path)
    assert results["gradable"] is False and results["score"] == 0
    assert words in results["message"]


# --- setup.sh ---


@pytest.mark.slow
def test_setup_sh_installs_a_working_grader_from_the_package_registry(gradescope_zip, tmp_path):
    """The one test that uses the package registry (PyPI): ``setup.sh`` from the bundle builds
    a fresh virtual environment with seqlab's locked run-time dependencies (uv's cache makes a
    second run quick), and its check of the payload passes. Slow: minutes the first time."""
    source = tmp_path / "source"
    with zipfile.ZipFile(gradescope_zip) as archive:
        archive.extractall(source)
    venv = tmp_path / "venv"
    # Byte-code compiling (90 s of CPU on 2 cores) is left out here: the test is the install.
    env = {"SEQLAB_VENV": str(venv), "SEQLAB_NO_APT": "1", "SEQLAB_PYTHON": sys.executable,
           "SEQLAB_NO_BYTECODE": "1"}
    started = time.monotonic()
    run = subprocess.run(
        ["bash", str(source / "setup.sh")],
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    print(f"setup.sh: {time.monotonic() - started:.0f} s")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "bundle for 02_one_hot_encoding ready" in run.stdout
    check = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import keras, seqlab; print(keras.__version__)"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
