"""Run one notebook in a sandboxed kernel, then the grader's probe cells; write what happened.

``python -m seqlab.grading.worker JOB.json RESULT.json``: the grader starts one worker process
per notebook (a submission, or the reference solution) in a process group of its own, and
kills the group if the worker outlives its hard limit. The worker copies the notebook (the
grader's copy, never the student's path) into the kernel's folder, opens the pipe the probes
write their results to, starts the kernel (see :mod:`seqlab.grading.sandbox`), installs the
probe code before any cell runs, runs every code cell within its CPU-time budget until the
notebook's budget is spent, undoes the changes a notebook can make to how the kernel runs
code, runs the probe cells and writes a JSON result:

- ``status``: ``"ok"``, ``"unreadable"`` (not a notebook) or ``"kernel_failed"``;
  ``detail`` says why when not ``"ok"``;
- ``cells``: the code cells that did not simply succeed (``error``, ``timeout``, ``stuck``,
  ``died``), each with its position, its first line and, for a time-out, which limit (CPU or
  wall-clock, the cell's or the notebook's) stopped it;
- ``stopped``: why the notebook's cells stopped early, if they did;
- ``probes``: per question, the probe cell's status;
- ``channel``: everything written to the results pipe (at most ``MAX_CHANNEL_BYTES``);
  ``channel_overflow`` when there was more.

Nothing is scored here: the records go back to the grader, which checks and compares them.
The worker is a child subreaper, so that without a control group a process a kernel leaves
behind stays its descendant: it is counted in the kernel's CPU time and killed at the end.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

from seqlab.grading import kernel_side
from seqlab.grading.cgroups import Cgroup, run_delay
from seqlab.grading.kernel import CellRun, Kernel, KernelGone, Limit
from seqlab.grading.sandbox import Limits, Sandbox

MAX_NOTEBOOK_BYTES = 50 << 20
MAX_CHANNEL_BYTES = 64 << 20
WALL_FACTOR = 3  # a limit's wall-clock backstop: this many times its CPU time, plus WALL_EXTRA_S
WALL_EXTRA_S = 30.0
PR_SET_CHILD_SUBREAPER = 36

# Evaluated as a user expression, which bypasses input transformers: puts back what a
# notebook may have changed in how the kernel turns a cell into running code.
RESET_KERNEL = """exec('''
import sys
from IPython import get_ipython
from IPython.core.inputtransformer2 import TransformerManager
shell = get_ipython()
shell.input_transformer_manager = TransformerManager()
shell.input_transformers_post = []
shell.ast_transformers = []
for name in ("run_cell", "run_cell_async", "should_run_async", "transform_cell",
             "transform_ast", "run_ast_nodes", "run_code"):
    shell.__dict__.pop(name, None)
for event in ("pre_execute", "pre_run_cell", "post_execute", "post_run_cell"):
    shell.events.callbacks[event].clear()
sys.settrace(None)
sys.setprofile(None)
''', {})"""


def wall_backstop(cpu_seconds: float) -> float:
    """The waiting-time backstop of a CPU-time limit, for code that waits instead of computing
    (wall-clock seconds neither running nor queued for a CPU)."""
    return WALL_FACTOR * cpu_seconds + WALL_EXTRA_S


def install_probes(token: str, fd: int) -> str:
    """The user expression that installs the probe function, before any of the notebook's cells.

    The probe code runs with a copy of the built-ins taken now, so that a notebook that
    replaces ``print``, ``isinstance`` or ``callable`` later cannot change what it does.
    """
    source = Path(kernel_side.__file__).read_text(encoding="utf-8")
    code = (
        "import builtins\n"
        "from IPython import get_ipython\n"
        "namespace = {'__name__': 'seqlab_probe', '__builtins__': dict(builtins.__dict__)}\n"
        f"exec({source!r}, namespace)\n"
        f"namespace['install']({token!r}, {fd}, get_ipython())\n"
    )
    return f"exec({code!r}, {{}})"


def probe_cell(question: str, function: str, calls_json: str, observe, seconds: float) -> str:
    """The source of the cell that runs ``question``'s calls through the installed probe."""
    return (
        f"# seqlab grader: probe for {question}, appended at grading time\n"
        f"{kernel_side.PROBE_NAME}({question!r}, {function!r}, {calls_json!r}, "
        f"{observe!r}, {seconds!r})"
    )


class UnreadableNotebook(ValueError):
    """The file is not a notebook the grader can run."""


def read_code_cells(path: Path) -> list[tuple[int, str]]:
    """``(position, source)`` of each code cell, position counted from 1 over all cells.

    The notebook is read as plain JSON (nbformat 4's layout), not validated: a submission
    with odd metadata still runs, and the worker starts without nbformat's slow import.

    Raises:
        UnreadableNotebook: too large, not UTF-8, not JSON, or not shaped like a notebook.
    """
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise UnreadableNotebook(
            f"the file is {size >> 20} MB, more than {MAX_NOTEBOOK_BYTES >> 20} MB"
        )
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        if notebook.get("nbformat") != 4:
            raise ValueError(f"nbformat {notebook.get('nbformat')}, not 4")
        cells = []
        for position, cell in enumerate(notebook["cells"], start=1):
            if cell["cell_type"] == "code":
                source = cell["source"]
                cells.append((position, source if isinstance(source, str) else "".join(source)))
        return cells
    except Exception as error:  # any malformed file, however it fails to parse
        raise UnreadableNotebook(
            f"not a readable notebook ({type(error).__name__}: {error})"[:300]
        ) from None


def first_line(source: str, limit: int = 50) -> str:
    """The first line of code of ``source`` (comments skipped), to name a cell in feedback."""
    lines = [text.strip() for text in source.splitlines() if text.strip()]
    line = next((text for text in lines if not text.startswith("#")), lines[0] if lines else "")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def run_job(job: dict) -> dict:
    """Run the notebook of ``job`` and its probes; return the result described above."""
    result: dict = {"status": "ok", "detail": "", "cells": [], "stopped": None, "probes": {}}
    try:
        cells = read_code_cells(Path(job["notebook"]))
    except (UnreadableNotebook, OSError) as error:
        return result | {"status": "unreadable", "detail": str(error)}
    workdir = Path(job["workdir"])
    cgroup = Cgroup(job["cgroup"]) if job.get("cgroup") else None
    channel = Channel()
    probe_fd = channel.write_fd  # the same number in the kernel (pass_fds keeps it)
    try:
        shutil.copyfile(job["notebook"], workdir / "submission.ipynb")
        sandbox = Sandbox(
            workdir,
            use_bwrap=job["bwrap"],
            uid=job["uid"],
            limits=Limits(**job["limits"]),
            hidden=tuple(Path(path) for path in job["hidden"]),
            cgroup=cgroup,
            package=Path(job["package"]) if job.get("package") else None,
        )
        tree = TreeClock(os.getpid())
        clock = cgroup.cpu_seconds if cgroup is not None else tree
        queued = Highest(cgroup.queued_seconds if cgroup is not None else tree.queued)
        with Kernel(
            sandbox,
            threads=job["threads"],
            cpu_clock=clock,
            queue_clock=queued,
            pass_fds=(channel.write_fd,),
        ) as kernel:
            channel.close_writer()
            Path(job["kernel_pid_file"]).write_text(str(kernel.process.pid))
            install = kernel.run(
                "pass",
                Limit(60, wall_backstop(60), "set-up"),
                user_expressions={"probes": install_probes(job["token"], probe_fd)},
            )
            installed = (install.user_expressions or {}).get("probes", {})
            if installed.get("status") != "ok":
                raise KernelGone(
                    "the grader could not install its probes in the kernel: "
                    f"{installed.get('ename', install.status)} {installed.get('evalue', '')}"
                )
            _run_cells(kernel, cells, job, result)
            if kernel.alive():
                reset = kernel.run(
                    "pass", Limit(30, wall_backstop(30)), user_expressions={"reset": RESET_KERNEL}
                )
                if (reset.user_expressions or {}).get("reset", {}).get("status") != "ok":
                    result["reset_failed"] = True
                for probe in job["probes"]:
                    limit = Limit(probe["timeout"], wall_backstop(probe["timeout"]), "probe")
                    run = kernel.run(probe["source"], limit, max_output=0)
                    result["probes"][probe["question"]] = {
                        "status": run.status,
                        "limit": run.limit,
                        "ename": run.ename,
                        "evalue": run.evalue,
                    }
    except KernelGone as error:
        result |= {"status": "kernel_failed", "detail": str(error)}
    finally:
        channel.close_writer()
        if cgroup is not None:
            cgroup.kill()
        kill_descendants()
        result["channel"], result["channel_overflow"] = channel.collect()
    return result


def _run_cells(kernel: Kernel, cells: list[tuple[int, str]], job: dict, result: dict) -> None:
    budget, cell_cpu = job["notebook_timeout"], job["cell_timeout"]
    cpu_start, wall_start = kernel.cpu_clock(), time.monotonic()
    queued_start = kernel.queue_clock()
    for position, source in cells:
        if not source.strip():
            continue
        cpu_used = kernel.cpu_clock() - cpu_start
        waited = time.monotonic() - wall_start - cpu_used - (kernel.queue_clock() - queued_start)
        cpu_left, wait_left = budget - cpu_used, wall_backstop(budget) - waited
        if cpu_left <= 0 or wait_left <= 0:
            result["stopped"] = {
                "cell": position,
                "reason": "notebook",
                "limit": "cpu" if cpu_left <= 0 else "wall",
            }
            return
        limit = Limit(min(cell_cpu, cpu_left), min(wall_backstop(cell_cpu), wait_left))
        run: CellRun = kernel.run(source, limit, max_output=0)
        if run.status != "ok":
            by_notebook = (run.limit == "cpu" and cpu_left < cell_cpu) or (
                run.limit == "wall" and wait_left < wall_backstop(cell_cpu)
            )
            result["cells"].append(
                {"cell": position, "first_line": first_line(source), "status": run.status,
                 "ename": run.ename, "evalue": run.evalue, "seconds": round(run.seconds, 1),
                 "cpu_seconds": round(run.cpu_seconds, 1), "limit": run.limit,
                 "limit_source": "notebook" if by_notebook else "cell"}
            )  # fmt: skip
        if run.status in ("stuck", "died"):
            result["stopped"] = {"cell": position, "reason": run.status}
            return


class Channel:
    """The pipe the probes write their records to, drained by a thread into memory."""

    def __init__(self):
        self.read_fd, self.write_fd = os.pipe()
        self.chunks: list[bytes] = []
        self.size, self.overflow = 0, False
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.read_fd, 1 << 16)
            except OSError:
                return
            if not data:
                return
            if self.size + len(data) > MAX_CHANNEL_BYTES:
                self.overflow = True
                continue
            self.chunks.append(data)
            self.size += len(data)

    def close_writer(self) -> None:
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def collect(self, timeout: float = 10.0) -> tuple[str, bool]:
        """Everything written (once every writer is gone, or after ``timeout``), as text."""
        self.thread.join(timeout)
        text = b"".join(self.chunks).decode("utf-8", "replace")
        with contextlib.suppress(OSError):
            os.close(self.read_fd)
        return text, self.overflow


class Highest:
    """The highest value ``read`` has given (a total that loses what ended must not go down)."""

    def __init__(self, read):
        self.read, self.value = read, 0.0

    def __call__(self) -> float:
        self.value = max(self.value, self.read())
        return self.value


class TreeClock:
    """CPU time of every process under ``root`` (its descendants, living and reaped), in s.

    The stand-in for a control group's CPU account: ``root`` is a child subreaper, so that a
    process that double-forks stays under it. Never goes down (a process that has ended and
    been reaped no longer shows, so the highest total seen is kept).
    """

    def __init__(self, root: int):
        self.root, self.highest = root, 0.0
        self.tick = os.sysconf("SC_CLK_TCK")

    def __call__(self) -> float:
        total = sum(times for _, times in _processes_under(self.root))
        self.highest = max(self.highest, total / self.tick)
        return self.highest

    def queued(self) -> float:
        """Seconds the living processes under ``root`` waited for a CPU (main threads)."""
        return run_delay(pid for pid, _ in _processes_under(self.root))


def _processes_under(root: int) -> list[tuple[int, int]]:
    """``(pid, utime + stime + cutime + cstime)`` of each descendant of ``root``."""
    table: dict[int, tuple[int, int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        table[int(stat.parent.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    found, frontier = [], {root}
    while frontier:
        children = {pid for pid, (parent, _) in table.items() if parent in frontier}
        found += [(pid, table[pid][1]) for pid in children]
        frontier = children
    return found


def kill_descendants(timeout: float = 10.0) -> None:
    """Kill every process under this worker (it is their subreaper), and reap them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = [pid for pid, _ in _processes_under(os.getpid())]
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)
        _reap()
    _reap()


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def main(argv: list[str] | None = None) -> int:
    job_path, result_path = (argv or sys.argv[1:])[:2]
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1)
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    started = time.monotonic()
    result = run_job(job)
    result["seconds"] = round(time.monotonic() - started, 2)
    partial = Path(result_path).with_suffix(".partial")
    partial.write_text(json.dumps(result), encoding="utf-8")
    os.replace(partial, result_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
