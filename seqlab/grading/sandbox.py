"""The sandbox a submission's kernel runs in: a control group, an unprivileged user, bubblewrap.

Every kernel starts through a few lines of Python (:data:`LIMIT_AND_EXEC`) that set its
per-process resource limits (address space, file size, CPU time, no core files), ask Linux to
kill it when the grader's worker dies, drop root's rights (each kernel gets a user id of its
own, picked at random, so no two kernels can signal each other or share a process limit), and
then exec the kernel. Before that, where the machine allows it, the process joins a control
group of its own (:mod:`seqlab.grading.cgroups`): memory, tasks and CPU time are then counted
and limited over all the kernel's processes together, each kernel gets the same CPU weight,
and the grader kills the whole group when the submission ends.

Where ``bwrap`` (bubblewrap) works, the kernel runs inside it: new network, PID, IPC and UTS
namespaces (no network at all, and every process of the sandbox dies with it), a read-only
view of the system, of Python and of the ``seqlab`` package, an empty ``/tmp``, and the
submission's own temporary folder as the only writable place. The ``seqlab`` a student's
kernel sees is a copy in which every function named like one of the lab's graded functions
raises ``AnswerWithheld`` when notebook code calls it (``seqlab.numpy_rnn.lstm_cell_forward``
answers lab 05's first question), and which has no ``seqlab.grading`` (the probes) and no
compiled ``__pycache__``.
The course repository, ``solutions/``, the tests and the instructor's home are not there.

Without bwrap the grader refuses to run unless told ``sandbox=False`` (``--no-sandbox``);
kernels then still run as their own unprivileged user when the grader is root (or not at all:
:class:`SandboxUnavailable`), in their control group, with the withheld copy of ``seqlab``
first on their path, but they can read what that user can read and reach the network.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import seqlab
from seqlab.grading import cgroups

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
if os.geteuid() == 0 and limits["uid"] is not None:
    sys.exit("the kernel would run as root")
os.execv(sys.argv[2], sys.argv[2:])
"""

# Where the grader runs as root, every kernel runs as its own user, picked at random from this
# range (ids no account uses), so that no two kernels, of one run or of two runs at once,
# share a user: neither can signal the other, and a process limit per user is per kernel.
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
WITHHELD_MESSAGE = (
    "{name} is withheld while grading: the graded functions must be written in the notebook"
)
CELL_FILES = "<ipython-input-"  # and files under an ``ipykernel_<pid>`` folder: notebook cells


class SandboxUnavailable(RuntimeError):
    """The sandbox the run asked for cannot be had here (the message says why and what to do)."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one kernel.

    With a control group, ``memory_bytes`` and ``processes`` hold for all the kernel's
    processes together; without one, memory is an address-space limit per process and
    processes a limit per user (the kernel's own user where the grader is root).
    ``cpu_seconds`` is a last-resort limit per process; the grader's time limits are
    CPU-time budgets over the whole kernel (see :mod:`seqlab.grading.kernel`).
    """

    memory_bytes: int = 4 << 30
    processes: int = 256  # tasks: threads count too
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


def new_uid() -> int | None:
    """A user id no process uses now, for one kernel; ``None`` where the grader is not root."""
    if os.geteuid() != 0:
        return None
    while True:
        uid = secrets.SystemRandom().randrange(SANDBOX_UIDS.start, SANDBOX_UIDS.stop)
        if not _tasks_of(uid):
            return uid


def unprivileged_problem(use_bwrap: bool) -> str | None:
    """Why a kernel could not run as an unprivileged user here (``None``: it can).

    Only root changes user. Without bwrap the kernel's user must reach Python on disk, which a
    Python installed under ``/root`` (mode 700) does not allow; such a kernel would have to
    keep root's rights, which the grader never does.
    """
    if os.geteuid() != 0 or use_bwrap:
        return None
    python = Path(sys.executable).resolve()
    if not _world_reachable(python):
        return (
            f"as root without bubblewrap, kernels must run as an unprivileged user, who cannot "
            f"reach Python at {python} (a folder on the way is closed to other users): install "
            "bubblewrap, use a Python that other users can read, or grade as an ordinary user"
        )
    return None


def kill_user(uid: int, timeout: float = 10.0) -> bool:
    """Kill every process of ``uid`` (a kernel's own user); ``True`` once none is left.

    A child process takes that user's identity and sends ``kill(-1, SIGKILL)``, which reaches
    exactly the processes of that user, however they were started (double forks, new
    sessions). Never raises.
    """
    deadline = time.monotonic() + timeout
    while _tasks_of(uid):
        if time.monotonic() > deadline:
            return False
        try:
            pid = os.fork()
        except OSError:
            return False
        if pid == 0:  # pragma: no cover - the child
            try:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        time.sleep(0.02)
    return True


def withheld_package(graded_functions: set[str], folder: Path) -> Path:
    """A copy of the ``seqlab`` package in ``folder`` without the answers; returns its path.

    Every function (or method) named like one of ``graded_functions`` raises
    ``AnswerWithheld`` when notebook code calls it directly (a wrapper around it answers
    nothing); ``seqlab.grading`` and ``__pycache__`` folders are left out; everything is
    readable by any user.
    """
    source = Path(seqlab.__file__).resolve().parent
    target = folder / "seqlab"
    shutil.copytree(
        source,
        target,
        ignore=lambda directory, names: [
            name
            for name in names
            if name == "__pycache__"
            or (Path(directory) == source and name == "grading")
            or name.endswith((".pyc", ".pyo"))
        ],
    )
    for path in target.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        module = ".".join(path.relative_to(folder).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        rewritten = _withhold(text, graded_functions, module)
        if rewritten is not None:
            path.write_text(rewritten, encoding="utf-8")
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def _withhold(source: str, names: set[str], module: str) -> str | None:
    """``source`` where functions called ``names`` refuse calls from notebook code (``None``: no
    change). A call from ``seqlab`` itself (a check computing its expected value, a module
    importing) still works, so that the lab's own tools keep working in the sandbox."""
    tree = ast.parse(source)
    changed = False
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in names:
            message = WITHHELD_MESSAGE.format(name=f"{module}.{node.name}")
            guard = ast.parse(
                "if __import__('sys')._getframe(0).f_back.f_code.co_filename.startswith("
                f"{CELL_FILES!r}) or '/ipykernel_' in __import__('sys')._getframe(0).f_back"
                ".f_code.co_filename:\n"
                f"    raise type('AnswerWithheld', (RuntimeError,), {{}})({message!r})"
            ).body
            docstring = ast.get_docstring(node, clean=False) is not None
            node.body[int(docstring) : int(docstring)] = guard
            changed = True
    return ast.unparse(tree) + "\n" if changed else None


def _is_name(node: ast.expr, names: tuple[str, ...]) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return (isinstance(target, ast.Name) and target.id in names) or (
        isinstance(target, ast.Attribute) and target.attr in names
    )


@dataclass(frozen=True)
class Sandbox:
    """How to start one kernel: in ``workdir``, with ``limits``, as ``uid``, maybe in bwrap.

    ``cgroup``: the kernel's control group (``None`` where the machine has none for us);
    ``package``: the ``seqlab`` package the kernel sees (``None``: the real one, for the
    trusted reference solution).
    """

    workdir: Path
    use_bwrap: bool
    uid: int | None
    limits: Limits
    hidden: tuple[Path, ...] = ()  # instructor paths that must not show even when a parent does
    cgroup: cgroups.Cgroup | None = None
    package: Path | None = None

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
            "RLIMIT_FSIZE": self.limits.file_bytes,
            "RLIMIT_CPU": self.limits.cpu_seconds,
            "RLIMIT_CORE": 0,
        }
        if self.cgroup is None:  # the control group limits tasks otherwise
            rlimits["RLIMIT_NPROC"] = (
                _tasks_of(self.uid if self.uid is not None else os.getuid()) + self.limits.processes
            )
        # Inside bwrap the parent is bwrap's own init, which --die-with-parent ties to the worker.
        parent = None if self.use_bwrap else os.getpid()
        settings = json.dumps({"rlimits": rlimits, "uid": self.uid, "parent": parent})
        limited = [sys.executable, "-c", LIMIT_AND_EXEC, settings, *program]
        command = [*self._bwrap_arguments(), *limited] if self.use_bwrap else limited
        if self.cgroup is not None:
            joins = os.pathsep.join(self.cgroup.procs_files)
            command = [sys.executable, "-c", cgroups.JOIN_AND_EXEC, joins, *command]
        return command

    def environment(self, threads: int) -> dict[str, str]:
        """A clean environment: nothing of the instructor's, everything writable in ``workdir``."""
        home = str(self.workdir)
        thread_count = str(max(1, threads))
        environment = {
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
        if self.package is not None and not self.use_bwrap:
            environment["PYTHONPATH"] = str(self.package.parent)  # found before the real one
        return environment

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
        if self.package is not None:  # the copy without answers, in place of the real package
            real = str(Path(seqlab.__file__).resolve().parent)
            arguments += ["--ro-bind", str(self.package), real]
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


def remove_tree(path: Path) -> str | None:
    """Delete ``path`` and everything under it; ``None`` when done, else what is left. Never
    raises.

    Whatever a kernel left in its folder goes: trees thousands of folders deep (each folder is
    moved up to ``path`` before it is emptied, so nothing recurses and no path grows long),
    FIFOs and sockets (unlinked, never opened), folders of mode 000 (opened up first),
    symbolic links (removed, never followed).
    """
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
            return None
        top = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        return f"{path} could not be removed: {error.strerror}"
    problems: list[str] = []
    prefix, counter = f".seqlab-rm-{secrets.token_hex(4)}-", 0
    pending = ["."]
    try:
        while pending:
            name = pending.pop()
            try:
                with contextlib.suppress(OSError):
                    os.chmod(name, 0o700, dir_fd=top)
                folder = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=top)
            except OSError as error:
                problems.append(f"{name}: {error.strerror}")
                continue
            try:
                with os.scandir(folder) as entries:
                    children = [(e.name, e.is_dir(follow_symlinks=False)) for e in entries]
                for child, is_folder in children:
                    try:
                        if is_folder:  # moving a folder needs rights on the folder itself
                            with contextlib.suppress(OSError):
                                os.chmod(child, 0o700, dir_fd=folder)
                            counter += 1
                            moved = f"{prefix}{counter}"
                            os.rename(child, moved, src_dir_fd=folder, dst_dir_fd=top)
                            pending.append(moved)
                        else:
                            os.unlink(child, dir_fd=folder)
                    except OSError as error:
                        problems.append(f"{child!r}: {error.strerror}")
            finally:
                os.close(folder)
            if name != ".":
                try:
                    os.rmdir(name, dir_fd=top)
                except OSError as error:
                    problems.append(f"{name}: {error.strerror}")
    except Exception as error:  # never raise for what a kernel left behind
        problems.append(f"{type(error).__name__}: {error}")
    finally:
        os.close(top)
    try:
        os.rmdir(path)
    except OSError as error:
        problems.append(f"{path}: {error.strerror}")
    if os.path.lexists(path):
        return f"{path} could not be removed entirely ({'; '.join(problems[:3])})"
    return None
