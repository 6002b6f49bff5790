"""One control group per kernel: its memory, tasks and CPU time counted over all its processes.

Linux control groups account for a set of processes together, whatever they do: a notebook
that starts 60 busy processes is charged for all of them, cannot take more than its share of
the CPU from a neighbour (each group gets the same CPU weight), and is killed as a whole. The
grader makes one group per kernel, where the machine lets it (root, with the controllers
mounted read-write):

- cgroup v2 (``/sys/fs/cgroup/cgroup.controllers``): ``memory.max``, ``pids.max``, the CPU
  time in ``cpu.stat``, ``cgroup.kill``;
- cgroup v1 (one hierarchy per controller): ``memory.limit_in_bytes``, ``pids.max``,
  ``cpuacct.usage``, and the ``freezer`` to stop every process before killing them.

:func:`create` returns ``None`` where neither works; :func:`problem` says why. A process
joins a group by writing its own pid into each ``cgroup.procs`` (:data:`JOIN_AND_EXEC` does
that before it execs the kernel), so everything it starts is in the group from its first
instruction.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("memory", "pids", "cpuacct", "cpu", "freezer")
CPU_WEIGHT_V1 = 1024  # cpu.shares of every kernel: equal shares, whatever each one starts

# Runs as `python -c JOIN_AND_EXEC PROCS_FILES PROGRAM ARGS...`: joins the groups, then execs.
JOIN_AND_EXEC = """\
import os, sys
for procs in filter(None, sys.argv[1].split(os.pathsep)):
    with open(procs, "w") as handle:
        handle.write(str(os.getpid()))
os.execv(sys.argv[2], sys.argv[2:])
"""


@dataclass(frozen=True)
class Usage:
    """What a group used: CPU seconds (all its processes, user and system), peak memory in
    bytes (``None`` where not kept), and how often it ran into its memory and task limits."""

    cpu_seconds: float
    memory_peak: int | None
    memory_limit_hits: int
    task_limit_hits: int


@dataclass(frozen=True)
class Cgroup:
    """A kernel's group: ``dirs`` maps each controller (``"v2"``: the unified tree) to a folder."""

    dirs: dict[str, str]

    @property
    def procs_files(self) -> list[str]:
        """The ``cgroup.procs`` files a process writes its pid into to join."""
        return [str(Path(folder) / "cgroup.procs") for folder in self.dirs.values()]

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of every process the group ever held, in seconds."""
        if "v2" in self.dirs:
            for line in _read(self.dirs["v2"], "cpu.stat").splitlines():
                if line.startswith("usage_usec "):
                    return int(line.split()[1]) / 1e6
            return 0.0
        return int(_read(self.dirs["cpuacct"], "cpuacct.usage") or 0) / 1e9

    def queued_seconds(self) -> float:
        """Seconds the group's living threads spent ready to run but waiting for a CPU.

        From each thread's ``/proc/<tid>/schedstat``; a thread that has ended no longer
        counts, so this is a lower bound (the caller keeps the highest value seen).
        """
        if "v2" in self.dirs:
            threads = _read(self.dirs["v2"], "cgroup.threads")
        else:
            threads = _read(self.dirs["cpuacct"], "tasks")
        return run_delay(int(tid) for tid in threads.split() if tid.isdigit())

    def usage(self) -> Usage:
        if "v2" in self.dirs:
            folder = self.dirs["v2"]
            memory_events = _fields(_read(folder, "memory.events"))
            peak = _read(folder, "memory.peak")
            return Usage(
                self.cpu_seconds(),
                int(peak) if peak.isdigit() else None,
                memory_events.get("oom_kill", 0) or memory_events.get("max", 0),
                _fields(_read(folder, "pids.events")).get("max", 0),
            )
        peak = _read(self.dirs["memory"], "memory.max_usage_in_bytes")
        return Usage(
            self.cpu_seconds(),
            int(peak) if peak.isdigit() else None,
            _fields(_read(self.dirs["memory"], "memory.oom_control")).get("oom_kill", 0),
            _fields(_read(self.dirs["pids"], "pids.events")).get("max", 0),
        )

    def pids(self) -> set[int]:
        found: set[int] = set()
        for procs in self.procs_files:
            found |= {int(pid) for pid in _read_path(procs).split() if pid.isdigit()}
        return found

    def kill(self, timeout: float = 10.0) -> bool:
        """Kill every process in the group; ``True`` once none is left. Never raises."""
        deadline = time.monotonic() + timeout
        while True:
            pids = self.pids()
            if not pids:
                return True
            if time.monotonic() > deadline:
                return False
            if "v2" in self.dirs:
                _write(self.dirs["v2"], "cgroup.kill", "1")
            else:
                frozen = "freezer" in self.dirs and _write(
                    self.dirs["freezer"], "freezer.state", "FROZEN"
                )
                for pid in self.pids():
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                if frozen:
                    _write(self.dirs["freezer"], "freezer.state", "THAWED")
            time.sleep(0.02)

    def remove(self) -> None:
        """Kill what is left, then delete the group's folders. Never raises."""
        self.kill()
        for folder in self.dirs.values():
            for _ in range(50):  # a killed process leaves its group a moment later
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)


def run_delay(threads) -> float:
    """Total seconds ``threads`` (ids) spent waiting in a run queue (``/proc/<tid>/schedstat``)."""
    total = 0
    for tid in threads:
        fields = _read_path(f"/proc/{tid}/schedstat").split()
        if len(fields) >= 2 and fields[1].isdigit():
            total += int(fields[1])
    return total / 1e9


def create(memory_bytes: int, max_tasks: int) -> Cgroup | None:
    """A new group limited to ``memory_bytes`` and ``max_tasks``, or ``None`` where impossible."""
    if problem() is not None:
        return None
    name = f"seqlab-{os.getpid()}-{secrets.token_hex(4)}"
    dirs: dict[str, str] = {}
    try:
        if _layout() == "v2":
            folder = _v2_parent() / name
            folder.mkdir()
            dirs["v2"] = str(folder)
            _write(folder, "memory.max", str(memory_bytes), check=True)
            _write(folder, "memory.swap.max", "0")
            _write(folder, "pids.max", str(max_tasks), check=True)
            _write(folder, "cpu.weight", "100")
        else:
            for controller, parent in _v1_parents().items():
                folder = parent / name
                folder.mkdir()
                dirs[controller] = str(folder)
            _write(dirs["memory"], "memory.limit_in_bytes", str(memory_bytes), check=True)
            _write(dirs["memory"], "memory.memsw.limit_in_bytes", str(memory_bytes))
            _write(dirs["pids"], "pids.max", str(max_tasks), check=True)
            if "cpu" in dirs:
                _write(dirs["cpu"], "cpu.shares", str(CPU_WEIGHT_V1))
    except OSError:
        Cgroup(dirs).remove()
        return None
    return Cgroup(dirs)


@cache
def problem() -> str | None:
    """``None`` when this process can make kernel groups, else a sentence saying why not."""
    if not ROOT.is_dir():
        return f"{ROOT} does not exist (not Linux, or no control groups mounted)"
    layout = _layout()
    try:
        if layout == "v2":
            parent = _v2_parent()
            enabled = set(_read(parent, "cgroup.subtree_control").split())
            missing = {"memory", "pids", "cpu"} - enabled
            if missing:
                return f"the controllers {sorted(missing)} are not enabled in {parent}"
            probe = parent / f"seqlab-probe-{os.getpid()}"
        else:
            parents = _v1_parents()
            missing = {"memory", "pids", "cpuacct"} - set(parents)
            if missing:
                return f"the cgroup v1 controllers {sorted(missing)} are not mounted"
            probe = parents["memory"] / f"seqlab-probe-{os.getpid()}"
        probe.mkdir()
        probe.rmdir()
    except OSError as error:
        return f"cannot create a control group ({error.strerror}: {error.filename})"
    return None


def _layout() -> str:
    return "v2" if (ROOT / "cgroup.controllers").exists() else "v1"


@cache
def _v2_parent() -> Path:
    """A folder for kernel groups: ``seqlab`` under the root, with the controllers enabled."""
    parent = ROOT / "seqlab"
    parent.mkdir(exist_ok=True)
    for controller in ("memory", "pids", "cpu"):
        _write(ROOT, "cgroup.subtree_control", f"+{controller}")
        _write(parent, "cgroup.subtree_control", f"+{controller}")
    return parent


@cache
def _v1_parents() -> dict[str, Path]:
    """For each v1 controller mounted here, this process's own group in it (kernels nest there)."""
    mounts: dict[str, Path] = {}
    for line in Path("/proc/self/mounts").read_text().splitlines():
        fields = line.split()
        if len(fields) > 3 and fields[2] == "cgroup":
            for option in fields[3].split(","):
                if option in V1_CONTROLLERS:
                    mounts[option] = Path(fields[1])
    own: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(","):
            own[controller] = path
    parents = {}
    for controller, mount in mounts.items():
        parent = mount / own.get(controller, "/").lstrip("/")
        if parent.is_dir() and os.access(parent, os.W_OK):
            parents[controller] = parent
    # cpu and cpuacct mounted together share one folder: join it once
    if parents.get("cpu") == parents.get("cpuacct"):
        parents.pop("cpu", None)
    return parents


def _read(folder: str | Path, name: str) -> str:
    return _read_path(Path(folder) / name)


def _read_path(path: str | Path) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def _write(folder: str | Path, name: str, value: str, check: bool = False) -> bool:
    try:
        Path(folder, name).write_text(value)
        return True
    except OSError:
        if check:
            raise
        return False


def _fields(text: str) -> dict[str, int]:
    pairs = (line.split() for line in text.splitlines())
    return {pair[0]: int(pair[1]) for pair in pairs if len(pair) == 2 and pair[1].isdigit()}
