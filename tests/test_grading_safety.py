"""The grader's defences, one part at a time, without starting kernels (seconds in all).

The wire encoding against hostile return values, the scorer against forged or unreadable
records, ids, CSV cells and feedback names against hostile file names, the clean-up against
what a kernel leaves in its folder, control groups and per-user kills against processes that
try to outlive their submission, the copy of ``seqlab`` without answers, and the refusal to
grade without a sandbox. End-to-end runs are in ``test_grading_adversarial.py``.
"""

import csv
import functools
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from seqlab.grading import cgroups, grader, kernel_side, sandbox
from seqlab.grading.gradebook import Gradebook
from seqlab.grading.grader import (
    Submission,
    SubmissionRefused,
    name_submissions,
    read_submission,
    student_id,
)
from seqlab.grading.probes import Call, Probe
from seqlab.grading.safe_text import csv_cell, file_stem, from_csv_cell, printable, skeleton
from seqlab.grading.scoring import parse_channel, score_question
from seqlab.labs import Question

LAB = "02_one_hot_encoding"
NOBODY = 65534


# --- the wire: whatever a function returns becomes a record, never an exception ---------------


class HostileEq:
    def __eq__(self, other):
        raise RuntimeError("no comparing me")

    __hash__ = None


class HostileRepr:
    def __repr__(self):
        raise RuntimeError("no printing me")


class HostileArray:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no converting me")

    def __len__(self):
        raise RuntimeError("no length either")


class ReprNotText:
    def __repr__(self):
        return 42


class NameRaises(type):
    def __getattribute__(cls, name):
        if name in ("__qualname__", "__name__"):
            raise RuntimeError("no name")
        return super().__getattribute__(name)


class Nameless(metaclass=NameRaises):
    pass


def recursive_list():
    value = []
    value.append(value)
    return value


RETURNS = {
    "complex array": lambda: np.array([1 + 2j, 3 - 1j]),
    "complex scalar": lambda: np.complex64(1 + 1j),
    "datetime64": lambda: np.array(["2026-01-01", "2026-02-01"], dtype="datetime64[D]"),
    "timedelta64": lambda: np.array([1, 2], dtype="timedelta64[s]"),
    "object array": lambda: np.array([1, "a", None, (2, 3)], dtype=object),
    "structured array": lambda: np.zeros(2, dtype=[("a", "i4"), ("b", "f8")]),
    "bytes array": lambda: np.array([b"ab", b"\xff"]),
    "recursive list": recursive_list,
    "recursive dict": lambda: (lambda d: (d.__setitem__("self", d), d)[1])({}),
    "huge list": lambda: list(range(2_000_000)),
    "huge array": lambda: np.zeros(3_000_000),
    "huge int": lambda: 1 << 5000,
    "huge string": lambda: "x" * 1_000_000,
    "nested 10,000 deep": lambda: functools.reduce(lambda a, _: [a], range(10_000), 0),
    "hostile __eq__": HostileEq,
    "hostile __repr__": HostileRepr,
    "hostile __array__": HostileArray,
    "__repr__ not text": ReprNotText,
    "metaclass name raises": Nameless,
    "int subclass": lambda: type("Sneaky", (int,), {"__repr__": lambda self: 1 / 0})(3),
    "ndarray subclass": lambda: np.arange(3).view(np.ma.MaskedArray),
    "generator": lambda: (i for i in range(3)),
    "bytes": lambda: b"\x00\xff",
}


@pytest.mark.parametrize("name", RETURNS)
def test_any_returned_value_becomes_a_record_that_the_grader_reads_without_raising(name):
    record = kernel_side.call_once(RETURNS[name], (), {}, None, 10)
    line = json.dumps(record)  # what the probe writes: never fails
    assert len(line) <= kernel_side.MAX_RECORD_CHARS
    assert set(record) <= {"value", "too_large", "unencodable", "error"}
    if "value" in record:
        decoded = kernel_side.decode(json.loads(line)["value"])  # the grader's side
        assert decoded is not None or name == "object array"


def test_numeric_complex_and_date_arrays_travel_exactly():
    for value in (
        np.array([1 + 2j, 3 - 1j], dtype=np.complex64),
        np.array(["2026-01-01", "NaT"], dtype="datetime64[D]"),
        np.array([[1, 2], [3, 4]], dtype=np.uint8),
        np.float32(1.5),
        (1, [2.0, {"a": b"x"}]),
    ):
        back = kernel_side.decode(json.loads(json.dumps(kernel_side.encode(value))))
        assert type(back) is type(value)
        if isinstance(value, np.ndarray):
            assert (
                back.dtype == value.dtype
                and np.array_equal(back, value, equal_nan=False)
                or (value.dtype.kind == "M" and str(back.tolist()) == str(value.tolist()))
            )
        else:
            assert back == value


@pytest.mark.parametrize(
    "forged",
    [
        {"__ndarray__": [1, 2], "dtype": "O", "shape": [5]},
        {"__ndarray__": [1, 2], "dtype": "<f8", "shape": [-1, -2]},
        {"__ndarray__": "abc", "dtype": "|V8", "shape": [1]},
        {"__ndarray__": [1], "dtype": "not a dtype", "shape": [1]},
        {"__dict__": [[[1, [2]], 3], 5]},
        {"__numpy__": 3},
        {"__tuple__": "x"},
        {"unknown": 1},
        {"__bytes__": 7},
    ],
)
def test_data_not_in_the_encoding_raises_wire_error_only(forged):
    with pytest.raises(kernel_side.WireError):
        kernel_side.decode(forged)


def test_origin_of_a_function_is_checked():
    prefix = "/tmp/ipykernel_1/"
    own = compile("def f():\n    return 1\n", prefix + "123.py", "exec")
    namespace: dict = {}
    exec(own, namespace)
    assert kernel_side.origin_problem(namespace["f"], prefix) is None
    from seqlab.numpy_rnn import rnn_cell_forward

    assert "seqlab.numpy_rnn" in kernel_side.origin_problem(rnn_cell_forward, prefix)
    assert kernel_side.origin_problem(np.eye, prefix).startswith("numpy.eye (from ")
    assert "not a function defined" in kernel_side.origin_problem(np.zeros, prefix)
    # a decorator's wrapper points at the student's function: accepted; at seqlab's: refused
    wrapper = lambda: None  # noqa: E731 (compiled here, not in a cell)
    assert kernel_side.origin_problem(wrapper, prefix) is not None


# --- the scorer: forged, duplicated, unreadable records fail their case, never the run -------


def probe_and_question():
    probe = Probe("f", lambda rng: [Call((1,)), Call((2,))])
    return probe, Question(id="q1", points=2.0, cell_index=0)


def channel_text(token, *records, extra=()):
    lines = [f"{token} B q1"]
    lines += [f"{token} R q1 {n} {json.dumps(r)}" for n, r in records]
    return "\n".join([*extra, *lines, f"{token} E q1"])


def test_channel_lines_outside_a_probe_or_without_the_token_are_counted_as_stray():
    token = "t" * 32
    text = channel_text(
        token, (0, {"value": 1}), (1, {"value": 4}), extra=[f"{token} R q1 0 {{}}", "forged"]
    )
    text += f"\n{token} R q1 1 " + '{"value": 2}'  # after the probe's end
    channel = parse_channel(text, token)
    assert channel.stray_lines == 3
    assert "did not come from its probes" in channel.problems[0]
    assert dict(channel.records["q1"]) == {0: [{"value": 1}], 1: [{"value": 4}]}


def test_records_that_cannot_be_read_or_compared_fail_their_case():
    probe, question = probe_and_question()
    expected = {0: [{"value": 1}], 1: [{"value": 2}]}
    hostile = [
        {0: [{"value": {"__ndarray__": [1], "dtype": "|V8", "shape": [1]}}], 1: [{"value": 2}]},
        {0: [{"value": {"__dict__": [[[1, [2]], 3]]}}], 1: [{"value": 2}]},
        {0: [{"value": 1}, {"value": 1}], 1: [{"value": 2}]},  # two records: forged
        {0: [{"foreign": "seqlab.numpy_rnn.f (from x.py)"}], 1: [{"value": 2}]},
        {0: [{"error": "AnswerWithheld", "message": "seqlab.x.f is withheld"}], 1: [{"value": 2}]},
        {0: [{"nonsense": True}], 1: [{"value": 2}]},
        {0: [{"error": "\x1b[31mRed", "message": "\x07"}], 1: [{"value": 2}]},
    ]
    for got in hostile:
        score = score_question(question, probe, probe.draw(None), expected, got, "ok")
        assert score.passed == 1 and score.points == 1.0, got
        assert "\x1b" not in score.failures[0] and "\x07" not in score.failures[0]


# --- ids, CSV cells, feedback files -----------------------------------------------------------


def test_student_ids_are_printable_whatever_the_file_name():
    ansi = Path("subs/\x1b[2J\x1b[31mevil.ipynb")
    assert student_id(ansi, LAB) == "\\x1b[2J\\x1b[31mevil"
    not_utf8 = Path(os.fsdecode(b"subs/caf\xe9.ipynb"))
    assert student_id(not_utf8, LAB) == "caf\\xe9"
    assert student_id(Path("subs/bidi\u202eevil.ipynb"), LAB) == "bidi\\u202eevil"
    assert len(student_id(Path("subs/" + "x" * 245 + ".ipynb"), LAB)) <= 200


def test_clashing_ids_are_resolved_by_path_and_look_alikes_flagged(tmp_path):
    found = [
        (tmp_path / "a" / "alice.ipynb", tmp_path),
        (tmp_path / "b" / "alice.ipynb", tmp_path),
        (tmp_path / "bob.ipynb", tmp_path),
        (tmp_path / "b\u043eb.ipynb", tmp_path),  # Cyrillic o
        (tmp_path / "j\u03bfe.ipynb", tmp_path),  # Greek omicron
        (tmp_path / "joe.ipynb", tmp_path),
        (tmp_path / "carol.ipynb", tmp_path),
    ]
    named = {s.student: s for s in name_submissions(found, LAB)}
    assert {"a/alice", "b/alice", "bob", "b\u043eb", "joe", "j\u03bfe", "carol"} == set(named)
    assert "2 submissions give the id alice" in named["a/alice"].notes[0]
    assert "looks like 'b\\u043eb'" in named["bob"].notes[0]
    assert "looks like 'joe'" in named["j\u03bfe"].notes[0]
    assert named["carol"].notes == ()


def test_feedback_files_differ_for_ids_that_differ():
    ids = ["a b", "a_b", "a/b", "a\\b", "A_B", ".hidden", "x" * 245, "x" * 244 + "y", "é", "e"]
    stems = [file_stem(student) for student in ids]
    assert len(set(stems)) == len(ids)
    assert file_stem("a_b") == "a_b"  # a plain id keeps its name
    assert all(len(stem) <= 70 and not stem.startswith(".") for stem in stems)


def test_csv_cells_never_start_a_formula_and_read_back_unchanged(tmp_path):
    path = tmp_path / "grades.csv"
    book = Gradebook(path, ["q1"])
    for student in ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "ok"]:
        book.add({"student": student, "q1": 1, "total": 1, "feedback": f"=cmd|{student}"}, "")
    book.add({"student": "tab", "q1": 0, "total": 0, "feedback": "\tx\ry\x1b[1m"}, "")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 7
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
        assert not any(char in cell for cell in row for char in "\t\r\x1b")
    assert set(Gradebook(path, ["q1"]).rows) == set(book.rows)
    assert Gradebook(path, ["q1"]).rows["tab"]["feedback"] == "\\x09x\\x0dy\\x1b[1m"
    assert from_csv_cell(csv_cell("=1")) == "=1" and csv_cell("'=1") == "'=1"


def test_a_gradebook_changed_behind_the_graders_back_is_detected_and_restored(tmp_path):
    path = tmp_path / "grades.csv"
    book = Gradebook(path, ["q1"])
    book.add({"student": "ann", "q1": 0, "total": 0, "feedback": "q1: not implemented"}, "")
    assert book.verify()
    path.write_text(path.read_text().replace(",0,0,", ",10,10,"))
    assert not book.verify()
    assert Gradebook(path, ["q1"]).rows["ann"]["total"] == "0"


def test_printable_escapes_terminal_controls():
    assert printable("ok\x1b]0;title\x07\x00\x9b") == "ok\\x1b]0;title\\x07\\x00\\x9b"
    assert skeleton("Аlice") == skeleton("alice")  # Cyrillic A


# --- submissions must be regular files inside their folder ------------------------------------


def test_links_fifos_and_folders_are_refused(tmp_path):
    outside = tmp_path / "solutions.ipynb"
    outside.write_text("{}")
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "link.ipynb").symlink_to(outside)
    os.mkfifo(folder / "fifo.ipynb")
    (folder / "dir.ipynb").mkdir()
    (folder / "linked_folder").symlink_to(tmp_path)
    (folder / "good.ipynb").write_text("{}")
    for name, reason in [
        ("link.ipynb", "symbolic link"),
        ("fifo.ipynb", "not a regular file"),
        ("dir.ipynb", "not a regular file"),
        ("linked_folder", "symbolic link to a folder"),
        ("linked_folder/solutions.ipynb", "through a symbolic link to a folder"),
    ]:
        with pytest.raises(SubmissionRefused, match=reason):
            read_submission(Submission(folder / name, folder, name))
    assert read_submission(Submission(folder / "good.ipynb", folder, "good")) == b"{}"


# --- clean-up never raises and leaves nothing -------------------------------------------------


def leave_mess(top: Path) -> None:
    """What a kernel may leave: a 1,500-deep tree, a FIFO, a socket, mode-000 folders, links to
    files outside (which must survive), a file name that is not UTF-8."""
    folder = os.open(top, os.O_RDONLY)
    for _ in range(1500):
        os.mkdir("d", dir_fd=folder)
        deeper = os.open("d", os.O_RDONLY, dir_fd=folder)
        os.close(folder)
        folder = deeper
    os.mkfifo("fifo", dir_fd=folder)
    os.close(folder)
    (top / "closed" / "inner").mkdir(parents=True)
    (top / "closed" / "inner" / "file").write_text("x")
    os.chmod(top / "closed" / "inner", 0)
    os.chmod(top / "closed", 0)
    os.symlink("/etc/hostname", top / "link_to_file")
    os.symlink("/etc", top / "link_to_folder")
    with socket.socket(socket.AF_UNIX) as unix:
        unix.bind(str(top / "socket"))
    (top / os.fsdecode(b"\xff\xfe")).write_text("x")


def test_remove_tree_removes_everything_a_kernel_can_leave(tmp_path):
    top = tmp_path / "work"
    top.mkdir()
    leave_mess(top)
    assert sandbox.remove_tree(top) is None
    assert not os.path.lexists(top)
    assert Path("/etc/hostname").exists() and Path("/etc").is_dir()


def as_user(uid: int, action) -> int:
    """Run ``action()`` in a forked child that has become ``uid`` (no exec: Python is already
    loaded, wherever it lives); its exit status (0: ``action`` returned True)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            code = 0 if action() else 1
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_remove_tree_as_an_ordinary_user_opens_mode_000_folders():
    shared = Path(tempfile.mkdtemp(prefix="seqlab-test-"))
    shared.chmod(0o777)
    top = shared / "work"

    def mess_and_remove() -> bool:
        top.mkdir()
        leave_mess(top)
        return sandbox.remove_tree(top) is None and not os.path.lexists(top)

    try:
        assert as_user(NOBODY, mess_and_remove) == 0
    finally:
        sandbox.remove_tree(shared)


def test_remove_tree_of_a_link_removes_only_the_link(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / "keep").write_text("x")
    (tmp_path / "link").symlink_to(target)
    assert sandbox.remove_tree(tmp_path / "link") is None
    assert (target / "keep").exists()


# --- every process a kernel started is gone when its submission ends --------------------------

DAEMON = """\
import os, sys, time
if os.fork():
    sys.exit(0)
os.setsid()  # a session of its own: no process group to kill
if os.fork():
    os._exit(0)
open(sys.argv[1], "w").write(str(os.getpid()))
while True:
    pass
"""


def wait_for_pid(path: Path) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError("the daemon did not start")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


needs_cgroups = pytest.mark.skipif(
    cgroups.problem() is not None, reason=f"no control groups here: {cgroups.problem()}"
)


@needs_cgroups
def test_a_control_group_counts_and_kills_every_process_however_started(tmp_path):
    group = cgroups.create(1 << 30, 64)
    assert group is not None
    pid_file = tmp_path / "daemon.pid"
    try:
        starter = subprocess.Popen(
            [sys.executable, "-c", cgroups.JOIN_AND_EXEC, os.pathsep.join(group.procs_files),
             sys.executable, "-c", DAEMON, str(pid_file)]
        )  # fmt: skip
        starter.wait(timeout=60)
        daemon = wait_for_pid(pid_file)
        assert daemon in group.pids()
        before, deadline = group.cpu_seconds(), time.monotonic() + 120
        while group.cpu_seconds() < before + 0.2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert group.cpu_seconds() >= before + 0.2  # the daemon's busy loop is charged here
        assert group.kill()
        assert not alive(daemon)
    finally:
        group.remove()
    assert not any(os.path.exists(folder) for folder in group.dirs.values())


@needs_cgroups
def test_memory_is_limited_over_all_the_processes_of_a_group():
    group = cgroups.create(300 << 20, 64)
    assert group is not None
    two_children = (  # each holds 200 MiB until one is killed; then the other is stopped (-15)
        "import subprocess, sys, time\n"
        "child = 'import time; b = bytearray(200 << 20); time.sleep(60)'\n"
        "kids = [subprocess.Popen([sys.executable, '-c', child]) for _ in range(2)]\n"
        "while all(kid.poll() is None for kid in kids):\n"
        "    time.sleep(0.05)\n"
        "for kid in kids:\n"
        "    kid.terminate()\n"
        "print([kid.wait() for kid in kids])\n"
    )
    try:
        run = subprocess.run(
            [sys.executable, "-c", cgroups.JOIN_AND_EXEC, os.pathsep.join(group.procs_files),
             sys.executable, "-c", two_children],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        usage = group.usage()
    finally:
        group.remove()
    assert "-9" in run.stdout  # one child was stopped: 2 x 200 MiB do not fit in 300 MiB
    assert usage.memory_limit_hits >= 1
    assert usage.memory_peak is None or usage.memory_peak <= 300 << 20


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs kernels as users of their own")
def test_kill_user_ends_every_process_of_a_kernels_user():
    uid = sandbox.new_uid()
    read, write = os.pipe()

    def start_daemon() -> bool:  # a busy process in a session of its own, its parent gone
        if os.fork():
            return True
        os.setsid()
        if os.fork():
            os._exit(0)
        os.write(write, str(os.getpid()).encode())
        while True:
            pass

    assert as_user(uid, start_daemon) == 0
    os.close(write)
    daemon = int(os.read(read, 32))
    os.close(read)
    assert alive(daemon)
    assert sandbox.kill_user(uid)
    assert not alive(daemon)


# --- the sandbox's seqlab has no answers; no sandbox means no grading unless asked -----------


def test_the_sandboxs_seqlab_withholds_every_function_named_like_a_graded_one(tmp_path):
    package = sandbox.withheld_package({"rnn_cell_forward", "clip_gradients"}, tmp_path)
    assert not (package / "grading").exists()
    assert not list(package.rglob("__pycache__"))
    script = (
        "import numpy as np\n"
        "from seqlab import numpy_rnn\n"
        "z = np.zeros((1, 1))\n"
        "print(numpy_rnn.sigmoid(np.zeros(1))[0])\n"  # not graded: still there
        "print(numpy_rnn.rnn_cell_forward(z, z, z, z)[0, 0])\n"  # called by seqlab's code: works
        "cell = 'def mine(*args):\\n    return numpy_rnn.rnn_cell_forward(*args)'\n"
        "exec(compile(cell, '/tmp/ipykernel_7/123.py', 'exec'))\n"  # as a notebook cell would
        "try:\n"
        "    mine(z, z, z, z)\n"
        "except Exception as error:\n"
        "    print(type(error).__name__, error)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:2] == ["0.5", "0.0"]
    assert lines[2].startswith("AnswerWithheld seqlab.numpy_rnn.simple_rnn.rnn_cell_forward is")


def test_without_bubblewrap_the_grader_refuses_unless_told(monkeypatch):
    monkeypatch.setattr(grader, "bwrap_problem", lambda: "bwrap is not installed")
    for required in (None, True):
        with pytest.raises(sandbox.SandboxUnavailable, match="--no-sandbox"):
            grader._sandbox_choice(required, log=lambda text: None)
    said = []
    if sandbox.unprivileged_problem(use_bwrap=False):  # root with a Python under /root
        with pytest.raises(sandbox.SandboxUnavailable, match="unprivileged user"):
            grader._sandbox_choice(False, log=said.append)
    else:
        assert grader._sandbox_choice(False, log=said.append) is False
        assert "read every file" in said[0]


def test_the_command_line_requires_the_sandbox_by_default(monkeypatch, tmp_path, capsys):
    from seqlab import cli

    monkeypatch.setattr(grader, "bwrap_problem", lambda: "bwrap is not installed")
    solution = Path(__file__).parents[1] / "solutions" / f"{LAB}.ipynb"
    (tmp_path / "s.ipynb").write_text("{}")
    for extra in ([], ["--require-sandbox"]):
        code = cli.main(["grade", str(solution), str(tmp_path), "--out", "g.csv", *extra])
        assert code == 1
        assert "sandbox is required" in capsys.readouterr().err
    assert not Path("g.csv").exists()
    with pytest.raises(SystemExit):
        cli.main(["grade", str(solution), str(tmp_path), "--out", "g.csv",
                  "--no-sandbox", "--require-sandbox"])  # fmt: skip
