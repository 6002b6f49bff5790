"""Hostile and broken submissions: each gets an honest gradebook row and the batch completes.

All submissions are graded in one run, two at a time, with tight limits (8 s a cell, 25 s a
notebook), so that the whole set costs about a minute on an idle machine. They start from lab
02's solution with a NumPy-only set-up cell, also the reference here (a full score of 10 unless
the attack costs points), or from the untouched lab (a score of 0 that an attack would have to
raise). Assertions about what only bubblewrap prevents (reading, writing, the network) skip
with the reason where it is missing; the tests first try to install it, as CI runs as root on
Debian.
"""

import os
import shutil
import socket
import subprocess
import uuid
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from seqlab import labs
from seqlab.grading import Settings, grade
from seqlab.grading import sandbox as sandbox_module

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "02_one_hot_encoding.ipynb"
LAB = ROOT / "labs" / "02_one_hot_encoding.ipynb"
PROBES_FILE = ROOT / "seqlab" / "grading" / "probes" / "lab02.py"
FAST_SETUP = """\
from collections import Counter

import numpy as np

from seqlab.checks import lab02 as check

sentences = ["statisticians are beautiful human beings", "the forest and the river"]
"""
# Tight, yet loose enough that an ordinary cell never hits them on a loaded CI machine.
SETTINGS = Settings(jobs=2, timeout=25, cell_timeout=8)
MARKER = uuid.uuid4().hex  # names the files a submission tries to write outside its folder


def fast(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [
        cell
        for cell in notebook.cells
        if labs.SOLUTION_ONLY_TAG not in cell.metadata.get("tags", [])
    ]
    next(cell for cell in notebook.cells if cell.cell_type == "code").source = FAST_SETUP
    return notebook


def question_cell(notebook, question: str) -> int:
    return next(
        index
        for index, cell in enumerate(notebook.cells)
        if cell.metadata.get("seqlab", {}).get("question") == question
    )


def solution_with(*sources: str, after: str = "q5") -> nbformat.NotebookNode:
    """The fast solution with code cells ``sources`` inserted after ``after``'s question cell."""
    notebook = fast(SOLUTION)
    at = question_cell(notebook, after) + 1
    notebook.cells[at:at] = [new_code_cell(source) for source in sources]
    return notebook


def lab_with(*sources: str) -> nbformat.NotebookNode:
    notebook = fast(LAB)
    notebook.cells += [new_code_cell(source) for source in sources]
    return notebook


def answer(notebook, question: str, source: str) -> nbformat.NotebookNode:
    notebook.cells[question_cell(notebook, question)].source = source
    return notebook


def without(notebook, question: str) -> nbformat.NotebookNode:
    del notebook.cells[question_cell(notebook, question)]
    return notebook


@pytest.fixture(scope="module")
def bwrap_problem():
    """Why bubblewrap cannot sandbox here (``None`` when it can), after trying to install it."""
    problem = sandbox_module.bwrap_problem()
    if problem and os.geteuid() == 0 and shutil.which("apt-get"):
        for command in (["apt-get", "install", "-y", "bubblewrap"], ["apt-get", "update"]):
            try:
                subprocess.run(command, capture_output=True, timeout=180, check=False)
            except subprocess.TimeoutExpired:
                break
        subprocess.run(["apt-get", "install", "-y", "bubblewrap"], capture_output=True, check=False)
        sandbox_module.bwrap_problem.cache_clear()
        problem = sandbox_module.bwrap_problem()
    return problem


def process_limit_holds(bwrap_problem) -> bool:
    """Whether Linux will enforce the kernels' process limit (not for root keeping root)."""
    return sandbox_module.sandbox_uids(1, use_bwrap=bwrap_problem is None) != [None] or (
        os.geteuid() != 0
    )


STEAL_TOKEN_AND_FORGE = '''
def count_parameters(vocab_size, embedding_dim, units):
    """Reads the probe cell for the run's token and prints results for every call."""
    import gc
    import re

    from ipykernel.iostream import OutStream

    token = re.search(r"run_probe\\"\\]\\('([0-9a-f]+)'", get_ipython().user_ns["In"][-1])[1]
    for stream in gc.get_objects():
        if isinstance(stream, OutStream) and stream.name == "stdout":
            for number in range(3):
                stream.write(f'{token} q5 {number} {{"value": 1}}\\n')
            stream.flush()
    return 1
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory, bwrap_problem):
    folder = tmp_path_factory.mktemp("adversarial")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0)
    port = listener.getsockname()[1]
    submissions = {
        "infinite_loop": solution_with("while True:\n    pass"),
        "ignores_interrupt": solution_with(
            "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
            "    except KeyboardInterrupt:\n        pass"
        ),
        "never_returns": answer(
            fast(SOLUTION), "q5", "def count_parameters(v, d, u):\n    while True:\n        pass"
        ),
        "slow_notebook": solution_with(*["import time\ntime.sleep(6)"] * 5),
        "sys_exit": solution_with("import sys\nsys.exit()", after="q2"),
        "os_exit": solution_with("import os\nos._exit(0)", after="q2"),
        "kernel_crash": solution_with("import ctypes\nctypes.string_at(0)", after="q2"),
        "question_deleted": without(fast(SOLUTION), "q2"),
        "function_renamed": answer(
            fast(SOLUTION),
            "q3",
            "def one_hot_encode(indices, depth):\n"
            "    return np.eye(depth, dtype=np.float32)[indices]",
        ),
        "syntax_error": answer(fast(SOLUTION), "q4", "def decode(matrix, vocabulary)\n    return"),
        "prints_50_mb": solution_with('print("x" * 50_000_000)'),
        "memory_hog": solution_with("hog = bytearray(16 * 1024**3)"),
        "blanks_later_cells": solution_with(
            "get_ipython().input_transformers_cleanup.append(lambda lines: [])"
        ),
        "forged_lines": lab_with(
            "import json\n"
            "for token in ['0' * 32, 'deadbeef' * 4]:\n"
            "    for q, n in [('q1', i) for i in range(4)] + [('q5', i) for i in range(3)]:\n"
            "        print(token, q, n, json.dumps({'value': 1}))"
        ),
        "steals_token": answer(fast(SOLUTION), "q5", STEAL_TOKEN_AND_FORGE),
        "reads_solution": lab_with(
            "import json\n"
            f"notebook = json.load(open({str(SOLUTION)!r}))\n"
            "for cell in notebook['cells']:\n"
            "    if 'seqlab' in cell['metadata']:\n"
            "        exec(''.join(cell['source']))",
            f"hidden_tests = open({str(PROBES_FILE)!r}).read()",
            "import seqlab.grading.probes.lab02",
            f"import os\nrepository = os.listdir({str(ROOT)!r})\n"
            "assert 'solutions' not in repository, 'the repository is visible'",
        ),
        "writes_outside": solution_with(
            f"open('/tmp/seqlab-escape-{MARKER}', 'w').write('escaped')",
            f"open({str(ROOT / f'escape-{MARKER}')!r}, 'w').write('escaped')",
        ),
        "network": solution_with(
            f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=3)"
        ),
    }
    if process_limit_holds(bwrap_problem):
        submissions["fork_bomb"] = solution_with("import os\nwhile True:\n    os.fork()")
    paths = []
    for name, notebook in submissions.items():
        paths.append(folder / f"{name}.ipynb")
        nbformat.write(notebook, paths[-1])
    paths.append(folder / "invalid_json.ipynb")
    paths[-1].write_text('{"cells": [{"cell_type": "code", "source": "print(1)"', encoding="utf-8")

    reference = folder / "reference" / SOLUTION.name  # the solution without Keras: starts fast
    reference.parent.mkdir()
    nbformat.write(fast(SOLUTION), reference)
    grades = grade(reference, paths, folder / "grades.csv", SETTINGS)
    try:
        connection = listener.accept()
    except BlockingIOError:
        connection = None
    listener.close()
    yield {
        "grades": {g.student: g for g in grades},
        "expected": len(paths),
        "connection": connection,
    }
    for leftover in (Path(f"/tmp/seqlab-escape-{MARKER}"), ROOT / f"escape-{MARKER}"):
        leftover.unlink(missing_ok=True)


def scores(grade_) -> dict[str, float]:
    return {score.question: score.points for score in grade_.scores}


def summary(grade_, question: str) -> str:
    return next(score.summary for score in grade_.scores if score.question == question)


def failures(grade_, question: str) -> list[str]:
    return next(score.failures for score in grade_.scores if score.question == question)


def notes(grade_) -> str:
    return " | ".join(grade_.notes)


def needs_bwrap(problem):
    if problem:
        pytest.skip(f"bubblewrap is not available here: {problem}")


def test_every_submission_gets_a_row(graded):
    assert len(graded["grades"]) == graded["expected"]


def test_infinite_loop_is_interrupted_and_the_rest_graded(graded):
    result = graded["grades"]["infinite_loop"]
    assert result.total == 10
    assert "(while True:) ran past its limit of 8 s and was interrupted" in notes(result)


def test_loop_that_ignores_interrupts_gets_its_kernel_killed(graded):
    result = graded["grades"]["ignores_interrupt"]
    assert result.total == 0
    assert "ignored the interrupt: the kernel was stopped" in notes(result)
    assert summary(result, "q1") == "not run"


def test_function_that_never_returns_loses_only_its_question(graded):
    result = graded["grades"]["never_returns"]
    assert scores(result) == {"q1": 2, "q2": 2, "q3": 2, "q4": 2, "q5": 0}
    assert summary(result, "q5") == "too slow"
    assert all("took longer than 2 s" in failure for failure in failures(result, "q5"))


def test_notebook_time_limit_stops_the_cells(graded):
    result = graded["grades"]["slow_notebook"]
    assert "the notebook ran past its limit of 25 s" in notes(result)
    assert result.total == 10  # the answers were defined before the slow cells


def test_sys_exit_is_an_ordinary_error(graded):
    result = graded["grades"]["sys_exit"]
    assert result.total == 10
    assert "raised SystemExit" in notes(result)


@pytest.mark.parametrize("name", ["os_exit", "kernel_crash"])
def test_a_dead_kernel_is_reported_with_its_cell(graded, name):
    result = graded["grades"][name]
    assert result.total == 0
    assert "the kernel died in cell" in notes(result)
    assert summary(result, "q1") == "not run"


def test_deleted_question_cell_loses_only_that_question(graded):
    result = graded["grades"]["question_deleted"]
    assert scores(result) == {"q1": 2, "q2": 0, "q3": 2, "q4": 2, "q5": 2}
    assert summary(result, "q2") == "no function encode"


def test_renamed_function_is_named_in_the_feedback(graded):
    result = graded["grades"]["function_renamed"]
    assert scores(result)["q3"] == 0 and result.total == 8
    assert "no function one_hot" in result.feedback()


def test_syntax_error_loses_its_question_only(graded):
    result = graded["grades"]["syntax_error"]
    assert scores(result) == {"q1": 2, "q2": 2, "q3": 2, "q4": 0, "q5": 2}
    assert "raised SyntaxError" in notes(result)


def test_invalid_json_is_an_unreadable_submission(graded):
    result = graded["grades"]["invalid_json"]
    assert result.total == 0
    assert "could not be read: not a readable notebook" in notes(result)


def test_printing_50_mb_does_not_stop_grading(graded):
    assert graded["grades"]["prints_50_mb"].total == 10


def test_memory_limit_turns_a_huge_allocation_into_memory_error(graded):
    result = graded["grades"]["memory_hog"]
    assert result.total == 10
    assert "raised MemoryError" in notes(result)


def test_input_transformer_that_blanks_later_cells_cannot_blank_the_probes(graded):
    assert graded["grades"]["blanks_later_cells"].total == 10


def test_forged_result_lines_are_ignored(graded):
    result = graded["grades"]["forged_lines"]
    assert result.total == 0
    assert summary(result, "q1") == "not implemented"


def test_forging_with_the_stolen_token_is_caught(graded):
    result = graded["grades"]["steals_token"]
    assert scores(result)["q5"] == 0 and result.total == 8
    assert summary(result, "q5") == "forged output"
    assert all("results for one test (forged output?)" in f for f in failures(result, "q5"))


def test_solutions_hidden_tests_and_repository_are_invisible(graded, bwrap_problem):
    needs_bwrap(bwrap_problem)
    result = graded["grades"]["reads_solution"]
    assert result.total == 0  # executing the solution's cells would have given 10
    assert notes(result).count("raised FileNotFoundError") == 2  # the solution, the probes
    assert "the repository is visible" not in notes(result)
    assert "raised ModuleNotFoundError: No module named 'seqlab.grading.probes'" in notes(result)


def test_writes_outside_the_folder_do_not_land(graded, bwrap_problem):
    needs_bwrap(bwrap_problem)
    assert graded["grades"]["writes_outside"].total == 10
    assert not Path(f"/tmp/seqlab-escape-{MARKER}").exists()
    assert not (ROOT / f"escape-{MARKER}").exists()


def test_no_network(graded, bwrap_problem):
    needs_bwrap(bwrap_problem)
    result = graded["grades"]["network"]
    assert graded["connection"] is None
    assert "create_connection" in notes(result) and "raised" in notes(result)


def test_fork_bomb_meets_the_process_limit(graded, bwrap_problem):
    if not process_limit_holds(bwrap_problem):
        pytest.skip("running as root without bubblewrap or a Python other users can reach")
    result = graded["grades"]["fork_bomb"]
    assert "(import os)" in notes(result)  # stopped with an error, or its kernel killed
    assert result.out_of == 10
