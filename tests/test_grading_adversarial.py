"""Hostile and broken submissions: each gets an honest gradebook row and the batch completes.

All lab-02 submissions are graded in one run, eight at a time, with tight limits (5 s of CPU
time a cell, 15 s a notebook), so that the whole set costs a few minutes on 2 cores. They
start from lab 02's solution with a NumPy-only set-up cell, also the reference here (a full
score of 10 unless the attack costs points), from the untouched lab (a score of 0 that an
attack would have to raise), or from a one-cell notebook (for odd file names). A second, small
run of lab 03 tries to take the answers from ``seqlab.numpy_rnn``. The grader requires
bubblewrap; the tests first try to install it, as CI runs as root on Debian, and fail (not
skip) where it cannot work.
"""

import csv
import os
import re
import shutil
import socket
import subprocess
import uuid
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from seqlab import labs
from seqlab.grading import Settings, cgroups, grade
from seqlab.grading import sandbox as sandbox_module

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
SOLUTION = SOLUTIONS / "02_one_hot_encoding.ipynb"
LAB = ROOT / "labs" / "02_one_hot_encoding.ipynb"
PROBES_FILE = ROOT / "seqlab" / "grading" / "probes" / "lab02.py"
FAST_SETUP = """\
from collections import Counter

import numpy as np

from seqlab.checks import lab02 as check

sentences = ["statisticians are beautiful human beings", "the forest and the river"]
"""
# Tight, yet loose enough that an ordinary cell never hits them on a loaded CI machine. Eight
# kernels at once on two cores: most of these submissions wait on a limit (a sleep reaches the
# wall-clock backstop after 45 s), and limits are CPU time, so crowding changes no grade.
SETTINGS = Settings(jobs=8, timeout=15, cell_timeout=5)
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
    """Whether the kernels' process limit holds: a control group, or a user of their own."""
    return cgroups.problem() is None or os.geteuid() != 0 or bwrap_problem is None


STEAL_TOKEN_AND_FORGE = '''
def count_parameters(vocab_size, embedding_dim, units):
    """Takes the token and the pipe from the probe's own closure, forges a result, raises."""
    import inspect
    import json

    probe = get_ipython().user_ns["__seqlab_probe__"]
    found = dict(zip(probe.__code__.co_freevars, (c.cell_contents for c in probe.__closure__)))
    number = inspect.currentframe().f_back.f_back.f_locals.get("number", 0)
    found["send"](f'{found["token"]} R q5 {number} {json.dumps({"value": 1})}\\n')
    raise NotImplementedError
'''

WRITES_TO_THE_PIPE = """
probe = get_ipython().user_ns["__seqlab_probe__"]
found = dict(zip(probe.__code__.co_freevars, (c.cell_contents for c in probe.__closure__)))
for number in range(4):
    found["send"](f'{found["token"]} R q1 {number} {{"value": 1}}\\n')
found["send"]("no token at all\\n")
"""

WRAPS_STDOUT = '''
import sys

class Rewriter:
    """Turns every 'not implemented' in what the kernel prints into a value."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        return self.stream.write(text.replace('{"error": "NotImplementedError"', '{"value": 2'))

    def __getattr__(self, name):
        return getattr(self.stream, name)

sys.stdout = Rewriter(sys.stdout)
'''

LEAVES_A_MESS = """
import os, socket, subprocess, sys
here = os.getcwd()
folder = os.open(".", os.O_RDONLY)
for _ in range(1500):
    os.mkdir("d", dir_fd=folder)
    deeper = os.open("d", os.O_RDONLY, dir_fd=folder)
    os.close(folder)
    folder = deeper
os.mkfifo("fifo", dir_fd=folder)
os.makedirs("closed/inner")
os.chmod("closed/inner", 0)
os.chmod("closed", 0)
os.symlink("/etc/hostname", "link_to_file")
os.symlink("/", "link_to_root")
open(os.fsdecode(b"\\xff\\xfe"), "w").write("x")
socket.socket(socket.AF_UNIX).bind("socket")
# a process in a session of its own that keeps adding folders while the grader cleans up
subprocess.Popen([sys.executable, "-c",
                  "import os, itertools\\nfor n in itertools.count(): os.makedirs(f'busy/{n}')"],
                 start_new_session=True)
raise RuntimeError(f"folder={here}")
"""

ODD_NAMES = {
    "long": "x" * 245,
    "not_utf8": os.fsdecode(b"caf\xe9"),
    "ansi": "\x1b[2J\x1b[31mred",
    "formula": "=HYPERLINK(1)",
    "plus": "+1",
    "minus": "-1",
    "at": "@SUM(A1)",
    "space": "a b",
    "underscore": "a_b",
    "latin": "bob",
    "cyrillic": "b\u043eb",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, bwrap_problem):
    folder = tmp_path_factory.mktemp("adversarial")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0)
    port = listener.getsockname()[1]
    submissions = {
        "infinite_loop": solution_with("while True:\n    pass"),
        "ignores_interrupt": solution_with(
            "while True:\n    try:\n        while True:\n            pass\n"
            "    except KeyboardInterrupt:\n        pass"
        ),
        "sleeps": solution_with("import time\ntime.sleep(3600)"),
        "never_returns": answer(
            fast(SOLUTION), "q5", "def count_parameters(v, d, u):\n    while True:\n        pass"
        ),
        "slow_notebook": solution_with(
            *[
                "import time\nstart = time.process_time()\nwhile time.process_time() < start + 3.5:"
                "\n    pass"
            ]
            * 5
        ),
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
        "writes_to_pipe": lab_with(WRITES_TO_THE_PIPE),
        "wraps_stdout": lab_with(WRAPS_STDOUT),
        "hostile_returns": answer(
            answer(
                answer(
                    answer(
                        answer(
                            fast(SOLUTION),
                            "q1",
                            "def build_vocabulary(sentences, max_tokens=None):\n"
                            "    loop = []\n    loop.append(loop)\n    return loop",
                        ),
                        "q2",
                        "class Hostile:\n"
                        "    def __eq__(self, other):\n        raise SystemExit\n"
                        "    def __repr__(self):\n        raise RuntimeError('no')\n"
                        "    def __array__(self, *args, **kwargs):\n        raise RuntimeError\n"
                        "def encode(sentence, vocabulary, length=None):\n    return Hostile()",
                    ),
                    "q3",
                    "def one_hot(indices, depth):\n    return np.eye(depth)[indices] * 1j",
                ),
                "q4",
                "def decode(one_hot_matrix, vocabulary):\n"
                "    return np.array(['2026-01-01'] * len(one_hot_matrix), dtype='datetime64[D]')",
            ),
            "q5",
            "def count_parameters(vocab_size, embedding_dim, units):\n"
            "    return np.zeros(3_000_000, dtype=object)",
        ),
        "leaves_a_mess": solution_with(LEAVES_A_MESS),
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
    for name, notebook in submissions.items():
        nbformat.write(notebook, folder / f"{name}.ipynb")
    (folder / "invalid_json.ipynb").write_text('{"cells": [{"cell_type": "code"', encoding="utf-8")
    one_cell = nbformat.v4.new_notebook(cells=[new_code_cell("pass")])
    for name in ODD_NAMES.values():
        nbformat.write(one_cell, folder / f"{name}.ipynb")
    (folder / "linked.ipynb").symlink_to(SOLUTION)  # a link to the solution: refused
    (folder / "linked_folder").symlink_to(SOLUTIONS)  # every notebook in it: refused
    expected = len(submissions) + 1 + len(ODD_NAMES) + 2

    reference = tmp_path_factory.mktemp("reference") / SOLUTION.name  # no Keras: starts fast
    nbformat.write(fast(SOLUTION), reference)
    out = folder.parent / "grades.csv"
    grades = grade(reference, [folder], out, SETTINGS)
    try:
        connection = listener.accept()
    except BlockingIOError:
        connection = None
    listener.close()
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    yield {
        "grades": {g.student: g for g in grades},
        "expected": expected,
        "connection": connection,
        "rows": rows,
        "feedback": out.with_name("grades_feedback"),
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
    assert problem is None, f"bubblewrap must work for these tests: {problem}"


def test_every_submission_gets_a_row(graded):
    assert len(graded["grades"]) == graded["expected"]
    assert len(graded["rows"]) == graded["expected"] + 1  # and the header


def test_infinite_loop_is_interrupted_and_the_rest_graded(graded):
    result = graded["grades"]["infinite_loop"]
    assert result.total == 10
    assert "(while True:) used its limit of 5 s of CPU time" in notes(result)


def test_loop_that_ignores_interrupts_gets_its_kernel_killed(graded):
    result = graded["grades"]["ignores_interrupt"]
    assert result.total == 0
    assert "did not stop within 5 s of the interrupt: the kernel was stopped" in notes(result)
    assert summary(result, "q1") == "not run"


def test_function_that_never_returns_loses_only_its_question(graded):
    result = graded["grades"]["never_returns"]
    assert scores(result) == {"q1": 2, "q2": 2, "q3": 2, "q4": 2, "q5": 0}
    assert summary(result, "q5") == "too slow"
    assert all("took more than 2.0 s of CPU time" in f for f in failures(result, "q5"))


def test_notebook_time_limit_stops_the_cells_and_says_it_was_the_notebooks(graded):
    result = graded["grades"]["slow_notebook"]
    assert "was interrupted when the notebook reached its limit of 15 s of CPU time" in notes(
        result
    ) or "the notebook used up its 15 s of CPU time" in notes(result)
    assert "used its limit of 5 s" not in notes(result)  # no cell reached its own limit
    assert result.total == 10  # the answers were defined before the slow cells


def test_a_cell_that_waits_is_stopped_by_the_waiting_backstop(graded):
    result = graded["grades"]["sleeps"]
    assert "waited (neither computing nor queued for a CPU) for 45 s" in notes(result)
    assert result.total == 10


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


def test_lines_written_to_the_result_pipe_by_the_notebook_are_flagged(graded):
    result = graded["grades"]["writes_to_pipe"]
    assert result.total == 0
    assert "5 line(s) on the grader's result pipe did not come from its probes" in notes(result)


def test_rewriting_stdout_cannot_turn_an_error_into_points(graded):
    result = graded["grades"]["wraps_stdout"]
    assert result.total == 0
    assert summary(result, "q1") == "not implemented"


def test_hostile_return_values_cost_their_questions_only(graded):
    result = graded["grades"]["hostile_returns"]
    assert result.total == 0 and len(result.scores) == 5
    text = " ".join(f for score in result.scores for f in score.failures)
    assert "too large to compare" in text  # the recursive list and the huge object array
    assert "complex128" in text and "datetime64" in text
    assert "Hostile" in text


def test_what_a_kernel_leaves_in_its_folder_is_removed(graded):
    result = graded["grades"]["leaves_a_mess"]
    assert result.total == 10
    folder = re.search(r"folder=(\S+)", notes(result))[1]
    assert not os.path.lexists(folder)
    assert not any("clean-up" in note for note in result.notes)
    assert Path("/etc/hostname").exists()


def test_odd_file_names_get_safe_distinct_rows_and_feedback_files(graded):
    grades = graded["grades"]
    assert any(student.startswith("x" * 190) for student in grades)
    for student in ["caf\\xe9", "\\x1b[2J\\x1b[31mred", "=HYPERLINK(1)", "+1",
                    "1", "@SUM(A1)", "a b", "a_b", "bob", "b\u043eb"]:  # fmt: skip
        assert student in grades, student
    for row in graded["rows"]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
        assert not any("\x1b" in cell for cell in row)
    files = sorted(path.name for path in graded["feedback"].iterdir())
    assert len(files) == len(graded["grades"])  # one each, none overwritten
    assert "a_b.txt" in files and any(f.startswith("a_b-") for f in files)
    assert "bob" in notes(grades["b\u043eb"]) and "look alike" in notes(grades["b\u043eb"])


def test_links_are_refused_with_a_row_that_says_so(graded):
    result = graded["grades"]["linked"]
    assert result.total == 0
    assert "symbolic link" in notes(result)
    folder = graded["grades"]["linked_folder"]
    assert "symbolic link to a folder (its notebooks are not graded)" in notes(folder)
    assert folder.total == 0


def test_solutions_hidden_tests_and_repository_are_invisible(graded, bwrap_problem):
    needs_bwrap(bwrap_problem)
    result = graded["grades"]["reads_solution"]
    assert result.total == 0  # executing the solution's cells would have given 10
    assert notes(result).count("raised FileNotFoundError") == 2  # the solution, the probes
    assert "the repository is visible" not in notes(result)
    assert "raised ModuleNotFoundError: No module named 'seqlab.grading" in notes(result)


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
    if cgroups.problem() is None:
        assert "reached the limit of 256 processes and threads" in notes(result)


# --- answers taken from seqlab earn nothing (lab 03: its answers are in seqlab.numpy_rnn) ------

LAB03 = SOLUTIONS / "03_simple_rnn.ipynb"
TAKES_ANSWERS = {
    "imports_seqlab": "from seqlab.numpy_rnn import rnn_cell_forward, rnn_forward",
    "wraps_seqlab": (
        "from seqlab import numpy_rnn\n"
        "def rnn_cell_forward(*args):\n    return numpy_rnn.rnn_cell_forward(*args)\n"
        "def rnn_forward(inputs, kernel, recurrent_kernel, bias):\n"
        "    outputs, h_T = numpy_rnn.rnn_forward(inputs, kernel, recurrent_kernel, bias,"
        " return_sequences=True)[:2]\n    return outputs, h_T"
    ),
    "wraps_a_check": (
        "from seqlab.checks import lab03 as check\n"  # importing the checks still works
        "from seqlab import numpy_rnn\n"
        "def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):\n"
        "    return numpy_rnn.rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias)\n"
        "import pathlib\n"
        "assert not list(pathlib.Path(numpy_rnn.__file__).parent.glob('__pycache__/*')),"
        " 'compiled answers are visible'"
    ),
}


@pytest.fixture(scope="module")
def takes_answers(tmp_path_factory, bwrap_problem):
    folder = tmp_path_factory.mktemp("answers")
    for name, source in TAKES_ANSWERS.items():
        notebook = nbformat.v4.new_notebook(cells=[new_code_cell(source)])
        nbformat.write(notebook, folder / f"{name}.ipynb")
    grades = grade(LAB03, [folder], folder.parent / "grades03.csv", Settings(jobs=2))
    return {g.student: g for g in grades}


def test_a_graded_function_imported_from_seqlab_earns_nothing_and_is_flagged(takes_answers):
    result = takes_answers["imports_seqlab"]
    assert scores(result)["q1"] == 0 and scores(result)["q2"] == 0
    assert summary(result, "q1") == "not the student's own function"
    assert "seqlab.numpy_rnn" in failures(result, "q1")[0]
    assert "must be written in the notebook" in failures(result, "q1")[0]


def test_seqlabs_answers_are_withheld_in_the_sandbox(takes_answers):
    result = takes_answers["wraps_seqlab"]
    assert scores(result)["q1"] == 0 and scores(result)["q2"] == 0
    assert "is withheld while grading" in failures(result, "q1")[0]


def test_the_checks_still_import_and_no_compiled_answers_show(takes_answers):
    result = takes_answers["wraps_a_check"]
    assert scores(result)["q1"] == 0
    assert "withheld" in " ".join(failures(result, "q1"))
    assert notes(result) == ""  # the checks imported; no compiled files in the package
