"""One sandboxed IPython kernel, driven cell by cell with hard time limits.

This is a small executor on ``jupyter_client`` rather than ``nbclient``, because grading code
that may be hostile needs what a notebook runner does not give: a cap on how much output is
kept (a cell may print gigabytes), a kernel that is killed (not waited for) when it ignores an
interrupt, and code that can be evaluated without passing through the kernel's input
transformers (``user_expressions``), which a submission may have replaced.

The kernel talks over Unix sockets in its own folder (``ipc`` transport), since inside
bubblewrap it has no network, not even loopback.

Time limits are CPU-time budgets: a cell may use ``Limit.cpu`` seconds of CPU time, counted
over all the kernel's processes together (its control group, or its process tree where there
is none), so that a loaded machine or a greedy neighbour, which slow a cell down without
making it use more CPU, cannot push an honest cell over its limit. A wall-clock backstop
(``Limit.wall``) stops cells that wait instead of computing (``time.sleep``, a blocked read):
it counts the wall-clock time the kernel spent neither running nor queued for a CPU, so that
a cell starved of CPU by a loaded machine does not reach it either.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from queue import Empty

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from seqlab.grading.sandbox import Sandbox

INTERRUPT_GRACE_S = 5.0  # after an interrupt, how long a cell may take to stop
START_UP_CPU_S = 120.0  # CPU time a kernel may use to start (TensorFlow's import takes ~5 s)
START_UP_WALL_S = 600.0  # and the wall-clock backstop for that


@dataclass(frozen=True)
class Limit:
    """How long code may run: ``cpu`` seconds of CPU time (all the kernel's processes) and
    ``wall`` seconds of waiting (wall-clock time neither computing nor queued for a CPU);
    ``source`` names what set it (for the notes)."""

    cpu: float
    wall: float
    source: str = "cell"


class KernelGone(RuntimeError):
    """The kernel died, or was killed because it would not stop."""


@dataclass
class CellRun:
    """What executing one cell gave.

    ``status`` is ``"ok"``, ``"error"`` (``ename``/``evalue`` say which), ``"timeout"`` (the
    cell was interrupted at its limit and stopped), ``"stuck"`` (it ignored the interrupt and
    the kernel was killed) or ``"died"`` (the kernel process ended). ``stdout`` holds at most
    ``max_output`` characters; ``truncated`` says whether more was printed. ``limit``: which
    limit stopped a ``timeout`` or ``stuck`` cell, ``"cpu"`` or ``"wall"``; ``cpu_seconds``: the
    CPU time the kernel's processes used during the cell.
    """

    status: str
    seconds: float
    cpu_seconds: float = 0.0
    limit: str = ""
    limit_source: str = ""
    stdout: str = ""
    truncated: bool = False
    ename: str = ""
    evalue: str = ""
    user_expressions: dict | None = None


class Kernel:
    """A kernel started in ``sandbox``; use as a context manager so it is always killed."""

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        threads: int = 1,
        cpu_clock: Callable[[], float] | None = None,
        queue_clock: Callable[[], float] | None = None,
        pass_fds: tuple[int, ...] = (),
    ):
        self.sandbox = sandbox
        self.threads = threads
        self.cpu_clock = cpu_clock or time.monotonic  # no clock: CPU time counts as wall time
        self.queue_clock = queue_clock or (lambda: 0.0)  # seconds queued for a CPU, in total
        self.pass_fds = pass_fds
        self.process: subprocess.Popen | None = None
        self.client: BlockingKernelClient | None = None

    def __enter__(self) -> Kernel:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.kill()

    def start(self) -> None:
        """Launch the kernel and wait until it answers.

        Raises:
            KernelGone: it exited, or did not answer within ``START_UP_CPU_S`` seconds of CPU
                time (or ``START_UP_WALL_S`` of wall-clock time).
        """
        workdir = self.sandbox.workdir
        connection_file, _ = write_connection_file(
            str(workdir / "kernel.json"),
            transport="ipc",
            ip=str(workdir / "kernel"),
            key=secrets.token_hex(16).encode(),
        )
        self.sandbox.prepare()
        kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file,
                  "--HistoryManager.hist_file=:memory:"]  # fmt: skip
        self.process = subprocess.Popen(
            self.sandbox.command(kernel),
            cwd=workdir,
            env=self.sandbox.environment(self.threads),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, killed as a whole
            pass_fds=self.pass_fds,
        )
        self.client = BlockingKernelClient(connection_file=connection_file)
        self.client.load_connection_file()
        self.client.start_channels()
        wall_deadline = time.monotonic() + START_UP_WALL_S
        cpu_deadline = self.cpu_clock() + START_UP_CPU_S
        while time.monotonic() < wall_deadline and self.cpu_clock() < cpu_deadline:
            if not self.alive():
                raise KernelGone(
                    f"the kernel exited at start (exit code {self.process.returncode})"
                )
            self.client.kernel_info()
            try:
                self.client.get_shell_msg(timeout=1.0)
                break
            except Empty:
                continue
        else:
            raise KernelGone(
                f"the kernel did not start within {START_UP_CPU_S:.0f} s of CPU time "
                f"({START_UP_WALL_S:.0f} s of wall-clock time)"
            )
        while True:  # drop the start-up chatter (status, kernel_info) before the first cell
            try:
                self.client.get_iopub_msg(timeout=0.2)
            except Empty:
                break

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def run(
        self,
        code: str,
        limit: Limit,
        *,
        max_output: int = 10_000,
        user_expressions: dict[str, str] | None = None,
    ) -> CellRun:
        """Execute ``code`` within ``limit``; never raises for the cell's sake.

        At the limit the kernel is interrupted; a cell still running ``INTERRUPT_GRACE_S``
        seconds later gets the kernel killed (status ``"stuck"``).
        """
        started, cpu_started, queued_started = (
            time.monotonic(),
            self.cpu_clock(),
            self.queue_clock(),
        )
        if self.client is None or not self.alive():
            return CellRun("died", 0.0)
        msg_id = self.client.execute(
            code,
            store_history=not user_expressions,
            user_expressions=user_expressions or {},
            allow_stdin=False,
            stop_on_error=False,
        )
        interrupted, grace_end, reached = False, 0.0, ""
        chunks: list[str] = []
        kept, truncated = 0, False
        error: dict = {}

        def ended(status: str) -> CellRun:
            cpu = self.cpu_clock() - cpu_started
            return CellRun(
                status, time.monotonic() - started, cpu, reached, limit.source,
                "".join(chunks), truncated,
            )  # fmt: skip

        while True:
            now = time.monotonic()
            if interrupted and now >= grace_end:
                self.kill()
                return ended("stuck")
            if not interrupted:
                cpu = self.cpu_clock() - cpu_started
                waited = now - started - cpu - (self.queue_clock() - queued_started)
                if cpu >= limit.cpu:
                    reached = "cpu"
                elif waited >= limit.wall:
                    reached = "wall"
                if reached:
                    self._interrupt()
                    interrupted, grace_end = True, now + INTERRUPT_GRACE_S
            try:
                msg = self.client.get_iopub_msg(timeout=0.25 if interrupted else 0.5)
            except Empty:
                if not self.alive():
                    return ended("died")
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content.get("name") == "stdout":
                text = content.get("text", "")
                room = max_output - kept
                if len(text) > room:
                    text, truncated = text[:room], True
                chunks.append(text)
                kept += len(text)
            elif kind == "error":
                error = content
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        reply = self._reply(msg_id)
        run = ended("timeout" if interrupted else "ok")
        if interrupted:
            return run
        if error or reply.get("status") == "error":
            run.status = "error"
            run.ename = str(error.get("ename") or reply.get("ename", ""))[:100]
            run.evalue = str(error.get("evalue") or reply.get("evalue", ""))[:500]
            return run
        run.user_expressions = reply.get("user_expressions")
        return run

    def kill(self) -> None:
        """Kill the kernel's whole process group and close the connection."""
        if self.client is not None:
            self.client.stop_channels()
            self.client = None
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def _interrupt(self) -> None:
        # A message on the control channel: the kernel then sends SIGINT to its own process
        # group, which works the same inside bubblewrap's PID namespace.
        assert self.client is not None
        self.client.control_channel.send(self.client.session.msg("interrupt_request", {}))

    def _reply(self, msg_id: str) -> dict:
        assert self.client is not None
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            try:
                msg = self.client.get_shell_msg(timeout=1.0)
            except Empty:
                if not self.alive():
                    break
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]
        return {}
