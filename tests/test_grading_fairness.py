"""A grade does not depend on the machine's load or on the other submissions of the run.

Limits are CPU-time budgets counted over each kernel's control group, and every kernel gets
the same CPU weight, so an honest notebook that needs 3 s of CPU gets 3 s whether it shares
the machine with a notebook that keeps both cores busy with 60 processes in sessions of their
own, or with busy loops started outside the grader. Limits are tight here (8 s of CPU time a
cell, 25 s a notebook): with wall-clock limits, as before, the honest notebook beside the hog
scored 0. The same runs check that memory is limited over all of a kernel's processes together.
"""

import multiprocessing
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from seqlab import labs
from seqlab.grading import Limits, Settings, cgroups, grade

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "02_one_hot_encoding.ipynb"
FAST_SETUP = """\
from collections import Counter

import numpy as np

from seqlab.checks import lab02 as check

sentences = ["statisticians are beautiful human beings", "the forest and the river"]
"""
SETTINGS = Settings(jobs=2, timeout=25, cell_timeout=8, limits=Limits(memory_bytes=2 << 30))
HOG = """\
import os, time
for _ in range(60):  # each in a session of its own, busy until the kernel's group is killed
    if os.fork() == 0:
        os.setsid()
        while True:
            pass
start = time.process_time()
while True:  # and the kernel itself, until its cell limit
    pass
"""
TWO_CHILDREN = """\
import subprocess, sys, time
child = "import time; b = bytearray(1200 << 20); b[::4096] = b'x' * len(b[::4096]); time.sleep(20)"
children = [subprocess.Popen([sys.executable, "-c", child]) for _ in range(2)]
while all(child.poll() is None for child in children):  # both hold their memory
    time.sleep(0.05)
for child in children:  # one has ended (stopped, if the limit works): stop the other (-15)
    child.terminate()
codes = [child.wait() for child in children]
assert -9 not in codes, f"a child was stopped: {codes}"
"""

pytestmark = pytest.mark.skipif(
    cgroups.problem() is not None, reason=f"no control groups here: {cgroups.problem()}"
)


def fast_solution(*extra: str) -> nbformat.NotebookNode:
    notebook = nbformat.read(SOLUTION, as_version=4)
    notebook.cells = [
        cell
        for cell in notebook.cells
        if labs.SOLUTION_ONLY_TAG not in cell.metadata.get("tags", [])
    ]
    next(cell for cell in notebook.cells if cell.cell_type == "code").source = FAST_SETUP
    notebook.cells += [new_code_cell(source) for source in extra]
    return notebook


def run(folder: Path, submissions: dict[str, nbformat.NotebookNode], reference: Path) -> dict:
    folder.mkdir()
    for name, notebook in submissions.items():
        nbformat.write(notebook, folder / f"{name}.ipynb")
    grades = grade(reference, [folder], folder.parent / f"{folder.name}.csv", SETTINGS)
    return {g.student: g for g in grades}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reference") / SOLUTION.name
    nbformat.write(fast_solution(), path)
    return path


@pytest.fixture(scope="module")
def beside_a_hog(tmp_path_factory, reference):
    honest = fast_solution()
    submissions = {"hog": fast_solution(HOG), "honest": honest, "honest_too": honest}
    submissions["two_children"] = fast_solution(TWO_CHILDREN)
    return run(tmp_path_factory.mktemp("hog") / "subs", submissions, reference)


def busy() -> None:
    while True:
        pass


@pytest.fixture(scope="module")
def under_outside_load(tmp_path_factory, reference):
    loops = [multiprocessing.Process(target=busy, daemon=True) for _ in range(2 * os.cpu_count())]
    for loop in loops:
        loop.start()
    try:
        honest = fast_solution()
        submissions = {"honest": honest, "honest_too": honest}
        return run(tmp_path_factory.mktemp("load") / "subs", submissions, reference)
    finally:
        for loop in loops:
            loop.kill()
            loop.join()


def test_an_honest_notebook_beside_a_hog_gets_full_marks(beside_a_hog):
    for name in ("honest", "honest_too"):
        assert beside_a_hog[name].total == 10, beside_a_hog[name].feedback()
        assert beside_a_hog[name].notes == []


def test_the_hog_is_stopped_by_its_own_cpu_limit_and_told_which(beside_a_hog):
    """Its 61 processes share one kernel's CPU: the limit comes after 8 s of their CPU time
    together. (Its kernel, starved by its own processes, may then be too slow to stop.)"""
    notes = " | ".join(beside_a_hog["hog"].notes)
    assert "(import os, time) used its limit of 8 s of CPU time (all its processes" in notes


def test_an_honest_notebook_under_outside_load_gets_full_marks(under_outside_load):
    for name in ("honest", "honest_too"):
        assert under_outside_load[name].total == 10, under_outside_load[name].feedback()
        assert under_outside_load[name].notes == []


def test_memory_is_limited_over_all_of_a_kernels_processes(beside_a_hog):
    """Two children of 1.2 GiB each: each is under the 2 GiB limit, together they are not."""
    result = beside_a_hog["two_children"]
    notes = " | ".join(result.notes)
    assert "reached the memory limit of 2 GiB" in notes
    assert "a child was stopped" in notes
    assert result.total == 10  # the kernel itself was not the one stopped
