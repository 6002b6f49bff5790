"""The sandbox a submission's kernel runs in: resource limits, an unprivileged user, bubblewrap.

Every kernel starts through a few lines of Python (:data:`LIMIT_AND_EXEC`) that set its
resource limits (address space, processes, file size, CPU time, no core files), ask Linux to
kill it when the grader's worker dies, drop root's rights where the grader runs as root (each
parallel job gets its own user id, so one job's fork bomb cannot use up another's process
limit), and then exec the kernel.

Where ``bwrap`` (bubblewrap) works, that happens inside it: new network, PID, IPC and UTS
namespaces (no network at all, and every process of the sandbox dies with it), a read-only
view of the system, of Python and of the ``seqlab`` package with ``seqlab.grading`` (the
probes) hidden, an empty ``/tmp``, and the submission's own temporary folder as the only
writable place. The course repository, ``solutions/``, the tests and the instructor's home
are not there at all. Where bwrap is missing or cannot run, the kernel still gets its limits
and its own folder, but it can read what the grader's user can read and reach the network;
the grader says so once.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import seqlab

# Runs as `python -c LIMIT_AND_EXEC LIMITS_JSON PROGRAM ARGS...` in the process that becomes
# the kernel, so the limits hold for the kernel and everything it starts.
LIMIT_AND_EXEC = """\
import ctypes, json, os, resource, signal, sys
limits = json.loads(sys.argv[1])
ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the grader's worker
if limits["parent"] is not None and os.getppid() != limits["parent"]:
    sys.exit("the grader's worker is gone")
for name, value in limits["rlimits"].items():
    resource.setrlimit(getattr(resource, name), (value, value))
if limits["uid"] is not None:
    os.setgroups([])
    os.setgid(limits["uid"])
    os.setuid(limits["uid"])
os.execv(sys.argv[2], sys.argv[2:])
"""

# Where the grader runs as root, each parallel job's kernel runs as its own user, picked at
# random from this range (ids no account uses), so that neither the jobs of one run nor two
# runs at once share a process limit.
SANDBOX_UIDS = range(1 << 20, 1 << 30)
# No network (not even loopback), own PIDs, IPC and host name. Not a new user namespace: as
# root, the kernel then drops to a real unprivileged user, whose process limit Linux enforces.
NAMESPACES = (
    "--unshare-net",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
)
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")


@dataclass(frozen=True)
class Limits:
    """Resource limits of one kernel (and of each process it starts)."""

    memory_bytes: int = 4 << 30  # address space; TensorFlow imports within 2 GiB
    processes: int = 256  # tasks (threads count too) on top of what the user already runs
    file_bytes: int = 256 << 20
    cpu_seconds: int = 3600


@cache
def bwrap_problem() -> str | None:
    """``None`` when bubblewrap can sandbox a process here, else a sentence saying why not."""
    if not sys.platform.startswith("linux"):
        return "bubblewrap only exists on Linux"
    executable = shutil.which("bwrap")
    if executable is None:
        return "bwrap (bubblewrap) is not installed; on Debian/Ubuntu: apt-get install bubblewrap"
    probe = [executable, "--ro-bind", "/", "/", *NAMESPACES, "--die-with-parent", "true"]
    try:
        run = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap could not start: {error}"
    if run.returncode != 0:
        return f"bwrap cannot create namespaces here: {run.stderr.strip()[:200]}"
    return None


def sandbox_uids(count: int, use_bwrap: bool) -> list[int | None]:
    """The user ids the kernels of ``count`` parallel jobs drop to (``None``: keep the grader's).

    Only root changes user. Without bwrap the kernel then needs to reach Python on disk as
    that user, which a Python installed under ``/root`` does not allow: it keeps root.
    """
    if os.geteuid() != 0 or not (use_bwrap or _world_reachable(Path(sys.executable).resolve())):
        return [None] * count
    while True:
        base = secrets.SystemRandom().randrange(SANDBOX_UIDS.start, SANDBOX_UIDS.stop - count)
        uids = list(range(base, base + count))
        if not any(_tasks_of(uid) for uid in uids):
            return uids


@dataclass(frozen=True)
class Sandbox:
    """How to start one kernel: in ``workdir``, with ``limits``, as ``uid``, maybe in bwrap."""

    workdir: Path
    use_bwrap: bool
    uid: int | None
    limits: Limits
    hidden: tuple[Path, ...] = ()  # instructor paths that must not show even when a parent does

    def prepare(self) -> None:
        """Give the sandbox's user the folder (and what is in it)."""
        if self.uid is None:
            return
        for path in [self.workdir, *self.workdir.rglob("*")]:
            os.chown(path, self.uid, self.uid)

    def command(self, program: list[str]) -> list[str]:
        """The command line that runs ``program`` inside the limits (and bwrap)."""
        rlimits = {
            "RLIMIT_AS": self.limits.memory_bytes,
            "RLIMIT_NPROC": _tasks_of(self.uid if self.uid is not None else os.getuid())
            + self.limits.processes,
            "RLIMIT_FSIZE": self.limits.file_bytes,
            "RLIMIT_CPU": self.limits.cpu_seconds,
            "RLIMIT_CORE": 0,
        }
        # Inside bwrap the parent is bwrap's own init, which --die-with-parent ties to the worker.
        parent = None if self.use_bwrap else os.getpid()
        settings = json.dumps({"rlimits": rlimits, "uid": self.uid, "parent": parent})
        limited = [sys.executable, "-c", LIMIT_AND_EXEC, settings, *program]
        return [*self._bwrap_arguments(), *limited] if self.use_bwrap else limited

    def environment(self, threads: int) -> dict[str, str]:
        """A clean environment: nothing of the instructor's, everything writable in ``workdir``."""
        home = str(self.workdir)
        thread_count = str(max(1, threads))
        return {
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "TMPDIR": home,
            "LANG": "C.UTF-8",
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "IPYTHONDIR": f"{home}/.ipython",
            "JUPYTER_CONFIG_DIR": f"{home}/.jupyter",
            "JUPYTER_DATA_DIR": f"{home}/.jupyter/data",
            "JUPYTER_RUNTIME_DIR": f"{home}/.jupyter/runtime",
            "MPLCONFIGDIR": f"{home}/.matplotlib",
            "MPLBACKEND": "Agg",
            "KERAS_HOME": f"{home}/.keras",
            "SEQLAB_DATA": f"{home}/.seqlab",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "CUDA_VISIBLE_DEVICES": "",  # grading runs on the CPU; a GPU would need far more memory
            # one job's share of the cores, so that parallel jobs do not fight over them
            "OMP_NUM_THREADS": thread_count,
            "OPENBLAS_NUM_THREADS": thread_count,
            "MKL_NUM_THREADS": thread_count,
            "TF_NUM_INTRAOP_THREADS": thread_count,
            "TF_NUM_INTEROP_THREADS": "2",
        }

    def _bwrap_arguments(self) -> list[str]:
        arguments = [
            shutil.which("bwrap") or "bwrap",
            *NAMESPACES,
            "--die-with-parent",
            "--new-session",
            "--proc", "/proc",
            "--dev", "/dev",
            "--perms", "1777", "--tmpfs", "/tmp",
        ]  # fmt: skip
        for directory in SYSTEM_DIRS:
            path = Path(directory)
            if path.is_symlink():
                arguments += ["--symlink", os.readlink(path), directory]
            elif path.is_dir():
                arguments += ["--ro-bind", directory, directory]
        shown = _visible_python_paths()
        # bwrap would create the parents of a bind as root-only (0700): make them searchable.
        binds = [*shown, self.workdir]
        parents = {parent for path in binds for parent in path.parents if parent != Path("/")}
        for parent in sorted(parents - {Path("/tmp")}, key=lambda p: len(p.parts)):
            arguments += ["--perms", "0755", "--dir", str(parent)]
        for path in shown:
            arguments += ["--ro-bind", str(path), str(path)]
        for path in self._paths_to_hide():
            arguments += ["--tmpfs", str(path)]
        workdir = str(self.workdir)
        arguments += ["--bind", workdir, workdir, "--chdir", workdir, "--"]
        return arguments

    def _paths_to_hide(self) -> list[Path]:
        """The hidden paths that a read-only bind would otherwise show."""
        shown = _visible_python_paths()
        return [
            path
            for path in self.hidden
            if path.is_dir() and any(path.is_relative_to(root) for root in shown)
        ]


@cache
def _visible_python_paths() -> tuple[Path, ...]:
    """What a kernel needs to see: Python, its packages, ``seqlab`` and its data files.

    A ``sys.path`` entry that holds the ``seqlab`` package (the course repository, with an
    editable install) is not shown whole: only the package and the data folder are.
    """
    package = Path(seqlab.__file__).resolve().parent
    wanted = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    wanted |= {Path(sys.executable).resolve().parent.parent, package}
    here = Path.cwd().resolve()
    for entry in filter(None, sys.path):  # '' is the grader's folder: never shown
        path = Path(entry).resolve()
        if path.is_dir() and path != here and not package.is_relative_to(path):
            wanted.add(path)
    data = _data_dir()
    if data is not None:
        wanted.add(data)
    # Drop what another shown path already covers, and the system folders bound anyway.
    ordered = sorted(wanted, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in ordered:
        covered = any(path.is_relative_to(k) for k in kept) or any(
            path.is_relative_to(d) for d in SYSTEM_DIRS
        )
        if not covered and path.exists():
            kept.append(path)
    return tuple(kept)


def _data_dir() -> Path | None:
    try:
        from seqlab.datasets import data_dir
    except ImportError:
        return None
    folder = data_dir().resolve()
    return folder if folder.is_dir() else None


def _world_reachable(path: Path) -> bool:
    """Whether any user can reach ``path`` (every parent folder searchable by others)."""
    return all(os.stat(parent).st_mode & 0o001 for parent in path.parents)


def _tasks_of(uid: int) -> int:
    """How many tasks (threads included, as RLIMIT_NPROC counts them) ``uid`` runs now."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue  # the process ended while we looked
        if int(fields.get("Uid", "-1").split()[0]) == uid:
            total += int(fields.get("Threads", "1"))
    return total
