"""``seqlab grade``: grade submissions against a solution notebook into a CSV gradebook.

One run: read the questions and points from the solution notebook (:func:`seqlab.labs.questions`)
and the lab's probes; draw the probe calls with a fresh seed; run the reference solution once
(:meth:`Grader.reference`); then grade every submission, ``jobs`` at a time, each with
:meth:`Grader.grade_submission`, which never raises: whatever a submission is, returns or
leaves behind, it ends as that student's row with a note. Each row is added to the gradebook
as soon as it is back.

Each submission gets a fresh kernel in a worker process (:mod:`seqlab.grading.worker`), its
own control group, user id and folder (:mod:`seqlab.grading.sandbox`), a per-submission token
and a results pipe; when it is done, every process it started is killed and its folder
removed, whatever it left there.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import nbformat

from seqlab import labs
from seqlab.grading import cgroups, kernel, report, worker
from seqlab.grading import probes as probes_module
from seqlab.grading.gradebook import Gradebook
from seqlab.grading.probes import Probe, ProbeError
from seqlab.grading.safe_text import file_stem, printable, skeleton
from seqlab.grading.sandbox import (
    Limits,
    SandboxUnavailable,
    bwrap_problem,
    kill_user,
    new_uid,
    remove_tree,
    unprivileged_problem,
    withheld_package,
)
from seqlab.grading.scoring import (
    QuestionScore,
    Records,
    ReferenceFailed,
    expected_results,
    parse_channel,
    score_question,
)

# Runs as `python -c DIE_WITH_PARENT PARENT_PID PROGRAM ARGS...`, so that a worker dies with
# the grader (PR_SET_PDEATHSIG survives exec) and never starts once the grader is gone.
DIE_WITH_PARENT = """\
import ctypes, os, signal, sys
ctypes.CDLL(None).prctl(1, signal.SIGKILL)
if os.getppid() != int(sys.argv[1]):
    sys.exit("the grader is gone")
os.execv(sys.argv[2], sys.argv[2:])
"""
TRUSTED_TIMEOUT_S = 600  # the reference solution's limit, per cell and per notebook
PROBE_MARGIN_S = 10  # a probe cell's CPU limit: its calls' limits plus this
HARD_LIMIT_FACTOR = 4  # a worker's wall-clock limit: this many times its limits' backstops
MAX_NOTES_IN_ROW = 3  # the gradebook row names this many notebook problems; the file has all
MAX_SUBMISSION_BYTES = worker.MAX_NOTEBOOK_BYTES
IGNORED_ERRORS = ("CheckFailed", "NotImplementedError", "AnswerWithheld")  # in the scores already
NO_SANDBOX_GIVES_UP = (
    "kernels can then read every file their user can read, write outside their folder and "
    "reach the network, and the answer-shipping parts of seqlab stay on disk for them to read"
)


@dataclass(frozen=True)
class Settings:
    """Limits of a grading run, in seconds of CPU time (all of a kernel's processes together).

    ``sandbox``: ``None`` or ``True`` require bubblewrap (the run refuses to start without
    it); ``False`` grades without it (``--no-sandbox``). The probe cell of a question gets its
    calls' limits (:attr:`Probe.seconds` each) plus ``PROBE_MARGIN_S``. Each CPU-time limit
    has a wall-clock backstop (:func:`seqlab.grading.worker.wall_backstop`) for code that
    waits instead of computing.
    """

    jobs: int = 1
    timeout: float = 300.0  # the whole notebook, its cells together
    cell_timeout: float = 60.0  # one cell of the notebook
    limits: Limits = field(default_factory=Limits)
    sandbox: bool | None = None
    seed: int | None = None


@dataclass
class SubmissionGrade:
    """The grade of one submission: per-question scores and notes on how its notebook ran."""

    student: str
    path: Path
    scores: list[QuestionScore]
    notes: list[str]
    started: float  # time.time() when its worker started, and when it was back
    finished: float
    cpu_seconds: float | None = None  # its kernel's CPU time, all processes (control group)

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def total(self) -> float:
        return round(sum(score.points for score in self.scores), 2)

    @property
    def out_of(self) -> float:
        return sum(score.out_of for score in self.scores)

    def feedback(self) -> str:
        """The gradebook's short feedback: what cost points, and what went wrong in the notebook."""
        parts = [f"{s.question}: {s.summary}" for s in self.scores if s.passed < s.cases]
        parts += self.notes[:MAX_NOTES_IN_ROW]
        if len(self.notes) > MAX_NOTES_IN_ROW:
            parts.append(f"{len(self.notes) - MAX_NOTES_IN_ROW} more notes in the feedback file")
        return "; ".join(parts) if parts else "all tests passed"


@dataclass(frozen=True)
class Submission:
    """A notebook to grade: its path, the folder it was found in, its student id, and notes
    on how the id was made (a clash resolved, a look-alike of another id)."""

    path: Path
    root: Path
    student: str
    notes: tuple[str, ...] = ()


class SubmissionRefused(ValueError):
    """A submission that is not a regular file inside its folder (the message says what)."""


def student_id(path: Path, lab_stem: str) -> str:
    """The student id a submission's file name gives: the name without the lab's name.

    ``alice.ipynb``, ``alice_02_one_hot_encoding.ipynb`` and ``alice/02_one_hot_encoding.ipynb``
    all give ``alice``. Control characters and bytes that are not UTF-8 are written as
    escapes (``\\x1b``), so an id is always safe to print.
    """
    stem = path.stem.replace(lab_stem, "").strip(" _-.")
    return printable(stem or path.parent.name or "student", 200)


def find_submissions(paths: list[Path]) -> list[tuple[Path, Path]]:
    """``(notebook, folder it was found in)`` for the notebooks among ``paths``.

    A folder stands for the ``*.ipynb`` entries under it, links and odd files included, and
    for every symbolic link to a folder under it (never followed): each is refused later with
    a row that says why.
    """
    found = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            entries = {p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts}
            entries |= {p for p in path.rglob("*") if p.is_symlink() and p.is_dir()}
            found += [(entry, path) for entry in sorted(entries)]
        elif os.path.lexists(path):
            found.append((path, path.parent))
        else:
            raise FileNotFoundError(f"No submission {printable(str(path))}.")
    return found


def name_submissions(found: list[tuple[Path, Path]], lab_stem: str) -> list[Submission]:
    """Each notebook with a distinct student id; clashes and look-alikes are noted in the row.

    Two files giving one id are both named by their path under their folder (``a/alice``,
    ``b/alice``). Ids that differ only by look-alike characters (Cyrillic ``а`` for Latin
    ``a``) keep their ids, and each row says which other id it looks like.
    """
    by_id: dict[str, list[tuple[Path, Path]]] = {}
    for path, root in found:
        by_id.setdefault(student_id(path, lab_stem), []).append((path, root))
    named: list[tuple[str, Path, Path, list[str]]] = []
    taken = {student for student, entries in by_id.items() if len(entries) == 1}
    for student, entries in by_id.items():
        if len(entries) == 1:
            named.append((student, *entries[0], []))
            continue
        for path, root in entries:
            relative = path.relative_to(root) if path.is_relative_to(root) else path
            longer = printable(str(relative.with_suffix("")), 200)
            number = 2
            while longer in taken:
                longer, number = f"{longer}#{number}", number + 1
            taken.add(longer)
            note = (
                f"{len(entries)} submissions give the id {student}: this one is named "
                f"by its path, {longer}"
            )
            named.append((longer, path, root, [note]))
    looks: dict[str, list[str]] = {}
    for student, *_ in named:
        looks.setdefault(skeleton(student), []).append(student)
    submissions = []
    for student, path, root, notes in named:
        alike = [other for other in looks[skeleton(student)] if other != student]
        if alike:
            others = ", ".join(ascii(other) for other in alike)
            notes.append(
                f"the id {ascii(student)} looks like {others} (characters that look alike): "
                "check that these are different students"
            )
        submissions.append(Submission(path, root, student, tuple(notes)))
    return submissions


def read_submission(submission: Submission) -> bytes:
    """The bytes of a submission that is a regular file inside its folder.

    Raises:
        SubmissionRefused: a symbolic link (to the file, or a folder on the way), not a
            regular file, outside the folder it was found in, or too large.
    """
    path, root = submission.path, submission.root
    parent = path.parent.resolve()
    if not parent.is_relative_to(root.resolve()) or _links_between(root, path.parent):
        raise SubmissionRefused(
            "the submission is reached through a symbolic link to a folder; only notebooks "
            "inside the submissions folder are graded"
        )
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if os.path.islink(path):
            what = "a folder (its notebooks are not graded)" if path.is_dir() else "a file"
            raise SubmissionRefused(
                f"the submission is a symbolic link to {what}: only notebook files inside "
                "the submissions folder are graded"
            ) from None
        raise SubmissionRefused(f"the submission could not be opened ({error.strerror})") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionRefused("the submission is not a regular file (a folder or device?)")
        if info.st_size > MAX_SUBMISSION_BYTES:
            raise SubmissionRefused(
                f"the file is {info.st_size >> 20} MB, more than {MAX_SUBMISSION_BYTES >> 20} MB"
            )
        chunks, size = [], 0
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_SUBMISSION_BYTES:
                raise SubmissionRefused(f"the file is more than {MAX_SUBMISSION_BYTES >> 20} MB")
        return b"".join(chunks)
    finally:
        os.close(handle)


def _links_between(root: Path, folder: Path) -> bool:
    """Whether a folder between ``root`` and ``folder`` (below ``root``) is a symbolic link."""
    try:
        relative = folder.relative_to(root)
    except ValueError:
        return False
    current = root
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def grade(
    solution: Path,
    submissions: list[Path],
    out: Path,
    settings: Settings = Settings(),
    log: Callable[[str], None] = lambda text: print(text, file=sys.stderr, flush=True),
    select: Callable[[Submission], bool] | None = None,
) -> list[SubmissionGrade]:
    """Grade ``submissions`` against ``solution``, adding one row per student to ``out``.

    Students already in ``out`` are skipped, and so are those ``select`` (when given) returns
    false for: ids are made from all ``submissions`` first, so that a shard of the class
    (:mod:`seqlab.grading.shards`) names every student as a run over the whole class does.
    Returns the grades of this run, one per submission not skipped, whatever the submissions
    do.

    Raises:
        ProbeError, LabBuildError: the solution notebook and the lab's probes do not agree.
        ReferenceFailed: the reference solution does not run or gives no result for a call.
        SandboxUnavailable: bubblewrap was required (the default) and does not work here, or
            kernels could not run as an unprivileged user.
    """
    solution = Path(solution)
    found = find_submissions([Path(p) for p in submissions])
    with Grader(solution, settings, log) as grader:
        todo = name_submissions(found, solution.stem)
        if select is not None:
            todo = [s for s in todo if select(s)]
        book = Gradebook(Path(out), [q.id for q in grader.questions])
        done = [s for s in todo if s.student in book]
        if done:
            log(
                f"Skipping {len(done)} submission(s) already in {printable(str(out))} "
                "(delete a row to grade it again)."
            )
        todo = [s for s in todo if s.student not in book]
        if not todo:
            log("Nothing to grade.")
            return []
        grades: list[SubmissionGrade] = []
        with ThreadPoolExecutor(max_workers=max(1, settings.jobs)) as pool:
            # The reference runs in the first slot while the others start on submissions:
            # only scoring waits for it.
            reference = pool.submit(grader.reference)
            pending = {pool.submit(grader.grade_submission, s, reference.result): s for s in todo}
            try:
                for future in _as_completed([reference, *pending]):
                    # Never raises for a submission's sake (its failure is a row with a note);
                    # raises ReferenceFailed when the solution itself does not run.
                    if future is reference:
                        future.result()
                        continue
                    grade_ = future.result()
                    if not book.verify():
                        log("The gradebook was changed by another process; rewritten.")
                    stem = file_stem(grade_.student)
                    if stem != grade_.student:
                        grade_.notes.append(f"feedback file: {stem}.txt")
                    book.add(_row(grade_), _feedback_text(grade_, solution.stem, grader.sandboxed))
                    grades.append(grade_)
                    log(
                        f"{grade_.student}: {grade_.total:g}/{grade_.out_of:g} "
                        f"({grade_.seconds:.1f} s)"
                    )
            except BaseException:
                for future in pending:
                    future.cancel()
                grader.kill_all()
                raise
        # Every kernel is gone now. Whatever should be written once per run goes here.
        report.after_grading(Path(out), grader, reference.result(), grades, log)
        if not book.verify():
            log(
                f"WARNING: {printable(str(out))} was changed by another process after the grader "
                "wrote it; the grader's rows have been written back."
            )
    return grades


class Grader:
    """What every submission of a run is graded against; a context manager.

    ``Grader(solution, settings)`` reads the questions and probes, draws the calls and checks
    the sandbox (raising :class:`SandboxUnavailable` where the run's settings cannot be
    met); :meth:`reference` runs the solution once; :meth:`grade_submission` grades one
    submission against those results and never raises. The methods are safe to call from
    several threads (``settings.jobs`` at a time).
    """

    def __init__(
        self,
        solution: Path,
        settings: Settings = Settings(),
        log: Callable[[str], None] = lambda text: print(text, file=sys.stderr, flush=True),
    ):
        self.solution, self.settings, self.log = Path(solution), settings, log
        self.questions = labs.questions(nbformat.read(self.solution, as_version=4))
        self.probes = probes_module.load(probes_module.lab_number(self.solution))
        _check_questions(self.solution, self.questions, self.probes)
        self.sandboxed = _sandbox_choice(settings.sandbox, log)
        seed = settings.seed if settings.seed is not None else secrets.randbits(64)
        self.calls = probes_module.draw_calls(self.probes, seed)
        self.folder = Path(tempfile.mkdtemp(prefix="seqlab-run-"))
        graded = {probe.function for probe in self.probes.values()}
        self.package = withheld_package(graded, self.folder)
        self.folder.chmod(0o755)
        self.hidden = (self.solution.resolve().parent, Path(__file__).resolve().parent)
        self.cgroups = cgroups.problem() is None
        if not self.cgroups:
            log(
                f"No control groups ({cgroups.problem()}): memory is limited per process, "
                "processes per user, and CPU time is measured over each kernel's process tree."
            )
        self.slots = threading.Semaphore(max(1, settings.jobs))
        self.reference_cpu_seconds: float | None = None
        self.running: dict[int, Path] = {}  # worker pid -> its kernel pid file
        self.lock = threading.Lock()

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        remove_tree(self.folder)

    def reference(self) -> Records:
        """The reference solution's results for every call.

        Raises:
            ReferenceFailed: the solution does not run, or gives no value for a call.
        """
        result, token, _, self.reference_cpu_seconds = self._run(
            self.solution.read_bytes(), trusted=True
        )
        return expected_results(self.calls, result, token)

    def grade_submission(
        self, submission: Submission, expected: Records | Callable[[], Records]
    ) -> SubmissionGrade:
        """Grade one submission against ``expected`` (the reference records, or a function that
        waits for them, called once the submission has run).

        Never raises for the submission's sake: whatever goes wrong, in the submission or in the
        grader while handling it, becomes a note in its row (and the points it could not earn),
        and the run goes on. Raises :class:`ReferenceFailed` from ``expected`` only.
        """
        started, cpu = time.time(), None
        notes = list(submission.notes)
        try:
            data = read_submission(submission)
            result, token, run_notes, cpu = self._run(data, trusted=False)
            records = expected() if callable(expected) else expected
            scores = self._score(result, token, records, notes)
            notes += run_notes
        except ReferenceFailed:
            raise
        except SubmissionRefused as error:
            scores = self._zero(str(error))
            notes.append(f"not graded: {error}")
        except Exception as error:  # a failure of the grader on this submission: its row says so
            scores = self._zero("not graded")
            notes.append(
                f"the grader failed on this submission ({type(error).__name__}: "
                f"{printable(str(error), 200)}); grade it again after fixing the cause"
            )
        return SubmissionGrade(
            student=submission.student,
            path=submission.path,
            scores=scores,
            notes=[printable(note, 500) for note in notes],
            started=started,
            finished=time.time(),
            cpu_seconds=cpu,
        )

    def kill_all(self) -> None:
        with self.lock:
            for worker_pid, pid_file in list(self.running.items()):
                for group in (worker_pid, _read_pid(pid_file)):
                    if group:
                        with contextlib.suppress(ProcessLookupError, PermissionError):
                            os.killpg(group, signal.SIGKILL)

    def _zero(self, summary: str) -> list[QuestionScore]:
        return [
            QuestionScore(q.id, self.probes[q.id].function, 0.0, q.points, 0,
                          len(self.calls[q.id]), summary)
            for q in self.questions
        ]  # fmt: skip

    def _score(self, result: dict, token: str, expected: Records, notes: list[str]):
        channel = parse_channel(
            result.get("channel", ""), token, bool(result.get("channel_overflow"))
        )
        measured = "its control group" if self.cgroups else "its process tree"
        notes += _notes(result, self.settings, measured)
        notes += channel.problems
        scores = []
        for question in self.questions:
            probe_run = result.get("probes", {}).get(question.id, {})
            try:
                scores.append(
                    score_question(
                        question,
                        self.probes[question.id],
                        self.calls[question.id],
                        expected[question.id],
                        channel.records.get(question.id, {}),
                        probe_run.get("status", "not run"),
                    )
                )
            except Exception as error:
                scores.append(
                    QuestionScore(question.id, self.probes[question.id].function, 0.0,
                                  question.points, 0, len(self.calls[question.id]),
                                  f"could not be scored ({type(error).__name__})")
                )  # fmt: skip
        return scores

    def _run(self, notebook: bytes, trusted: bool) -> tuple[dict, str, list[str], float | None]:
        """Run ``notebook`` and its probes in a worker: (result, token, notes on limits, the
        kernel's CPU seconds where a control group measured them)."""
        with self.slots:
            return self._run_in_slot(notebook, trusted)

    def _run_in_slot(
        self, notebook: bytes, trusted: bool
    ) -> tuple[dict, str, list[str], float | None]:
        settings = self.settings
        if trusted:
            settings = replace(
                settings,
                timeout=max(settings.timeout, TRUSTED_TIMEOUT_S),
                cell_timeout=max(settings.cell_timeout, TRUSTED_TIMEOUT_S),
            )
        token = secrets.token_hex(16)
        limits = settings.limits
        group = cgroups.create(limits.memory_bytes, limits.processes) if self.cgroups else None
        uid = new_uid()
        workdir = Path(tempfile.mkdtemp(prefix="seqlab-"))
        job_folder = Path(tempfile.mkdtemp(prefix="seqlab-job-"))
        notes: list[str] = []
        cpu = None
        try:
            result = self._work(job_folder, workdir, notebook, token, uid, group, settings, trusted)
            if group is not None:
                usage = group.usage()
                cpu = round(usage.cpu_seconds, 2)
                if usage.memory_limit_hits:
                    notes.append(
                        f"the kernel's processes together reached the memory limit of "
                        f"{_size(limits.memory_bytes)} (measured by its control group): Linux "
                        "stopped one of them"
                    )
                if usage.task_limit_hits:
                    notes.append(
                        f"the kernel's processes together reached the limit of "
                        f"{limits.processes} processes and threads (its control group): "
                        "starting more failed"
                    )
            return result, token, notes, cpu
        finally:
            # Every process the kernel started goes, however it was started; then its folder.
            if group is not None:
                group.kill()
            if uid is not None:
                kill_user(uid)
            leftover = remove_tree(workdir)
            if leftover:
                notes.append(f"clean-up: {leftover}")
                self.log(f"warning: {printable(leftover)}")
            if group is not None:
                group.remove()
            remove_tree(job_folder)

    def _work(self, job_folder, workdir, notebook, token, uid, group, settings, trusted) -> dict:
        probes = []
        for q in self.questions:
            probe, calls = self.probes[q.id], self.calls[q.id]
            calls_json = json.dumps([call.wire() for call in calls])
            probes.append(
                {
                    "question": q.id,
                    "source": worker.probe_cell(
                        q.id, probe.function, calls_json, probe.observe, probe.seconds
                    ),
                    "timeout": len(calls) * probe.seconds + PROBE_MARGIN_S,
                }
            )
        hard_limit = (
            HARD_LIMIT_FACTOR * (600 + worker.wall_backstop(settings.timeout)
            + sum(worker.wall_backstop(p["timeout"]) for p in probes))
        )  # fmt: skip
        notebook_file = job_folder / "submission.ipynb"
        notebook_file.write_bytes(notebook)
        job = {
            "notebook": str(notebook_file),
            "workdir": str(workdir),
            "bwrap": self.sandboxed,
            "uid": uid,
            "limits": asdict(settings.limits),
            "hidden": [str(path) for path in self.hidden],
            "package": None if trusted else str(self.package),
            "cgroup": group.dirs if group is not None else None,
            "token": token,
            "threads": max(1, (os.cpu_count() or 1) // max(1, settings.jobs)),
            "cell_timeout": settings.cell_timeout,
            "notebook_timeout": settings.timeout,
            "kernel_pid_file": str(job_folder / "kernel.pid"),
            "probes": probes,
        }
        job_file, result_file = job_folder / "job.json", job_folder / "result.json"
        job_file.write_text(json.dumps(job), encoding="utf-8")
        with open(job_folder / "worker.log", "w+", encoding="utf-8", errors="replace") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    DIE_WITH_PARENT,
                    str(os.getpid()),
                    sys.executable,
                    "-m",
                    "seqlab.grading.worker",
                    str(job_file),
                    str(result_file),
                ],  # fmt: skip
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
            with self.lock:
                self.running[process.pid] = job_folder / "kernel.pid"
            try:
                process.wait(timeout=hard_limit)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return {
                    "status": "killed",
                    "detail": f"its worker ran past the hard limit of {hard_limit:.0f} s of "
                    "wall-clock time",
                }
            finally:
                with self.lock:
                    self.running.pop(process.pid, None)
            if result_file.exists():
                return json.loads(result_file.read_text(encoding="utf-8"))
            log.seek(0)
            tail = log.read()[-500:]
            return {"status": "worker_failed", "detail": f"the grader's worker failed: {tail}"}


def _notes(result: dict, settings: Settings, measured: str = "its control group") -> list[str]:
    """What went wrong in the notebook itself, one short sentence each."""
    status = result.get("status")
    if status == "unreadable":
        return [f"the submission could not be read: {result.get('detail', '')}"]
    if status != "ok":
        return [f"the notebook could not be run: {result.get('detail', '')}"]
    notes = []
    for cell in result.get("cells", []):
        where = f"cell {cell['cell']} ({cell['first_line']})"
        if cell["status"] in ("timeout", "stuck"):
            notes.append(f"{where} {_limit_sentence(cell, settings, measured)}")
        elif cell["status"] == "died":
            notes.append(f"the kernel died in {where}: later cells and the tests could not run")
        elif cell["ename"] not in IGNORED_ERRORS:
            notes.append(f"{where} raised {cell['ename']}: {cell['evalue'][:120]}")
    stopped = result.get("stopped")
    if stopped and stopped["reason"] == "notebook":
        budget = settings.timeout
        if stopped.get("limit") == "wall":
            notes.append(
                f"the notebook waited (neither computing nor queued for a CPU) for more than "
                f"{worker.wall_backstop(budget):g} s, the backstop of its {budget:g} s CPU-time "
                f"limit; cells from cell {stopped['cell']} on did not run"
            )
        else:
            notes.append(
                f"the notebook used up its {budget:g} s of CPU time (all its processes, "
                f"measured by {measured}); cells from cell {stopped['cell']} on did not run"
            )
    if result.get("reset_failed"):
        notes.append("the grader could not undo the notebook's changes to the kernel")
    return notes


def _limit_sentence(cell: dict, settings: Settings, measured: str) -> str:
    """Which limit stopped a cell, measured how, and what then happened."""
    if cell.get("limit_source") == "notebook":
        what = (
            f"was interrupted when the notebook reached its limit of {settings.timeout:g} s of "
            "CPU time (all cells together)"
            if cell.get("limit") == "cpu"
            else "was interrupted when the notebook had waited (neither computing nor queued "
            f"for a CPU) for {worker.wall_backstop(settings.timeout):g} s, its backstop"
        )
    elif cell.get("limit") == "wall":
        what = (
            f"waited (neither computing nor queued for a CPU) for "
            f"{worker.wall_backstop(settings.cell_timeout):g} s, the backstop of its CPU-time "
            f"limit (it used {cell.get('cpu_seconds', 0):g} s of CPU time), and was interrupted"
        )
    else:
        what = (
            f"used its limit of {settings.cell_timeout:g} s of CPU time (all its processes "
            f"together, measured by {measured}) and was interrupted"
        )
    if cell["status"] == "stuck":
        what += (
            f"; it did not stop within {kernel.INTERRUPT_GRACE_S:g} s of the interrupt: "
            "the kernel was stopped"
        )
    return what


def _size(size: int) -> str:
    return f"{size / (1 << 30):g} GiB" if size >= 1 << 30 else f"{size >> 20} MiB"


def _row(grade_: SubmissionGrade) -> dict[str, object]:
    row: dict[str, object] = {"student": grade_.student}
    row |= {score.question: score.points for score in grade_.scores}
    return row | {"total": grade_.total, "feedback": printable(grade_.feedback())}


def _feedback_text(grade_: SubmissionGrade, lab: str, sandboxed: bool) -> str:
    lines = [f"{lab}: {grade_.student}", f"Total: {grade_.total:g} / {grade_.out_of:g}", ""]
    for score in grade_.scores:
        lines.append(
            f"{score.question} ({score.function}): {score.points:g} / {score.out_of:g}, "
            f"{score.passed} of {score.cases} tests passed"
        )
        lines += [f"  - {printable(failure)}" for failure in score.failures]
    if grade_.notes:
        lines += ["", "How the notebook ran:"] + [f"  - {note}" for note in grade_.notes]
    sandbox = "bubblewrap sandbox" if sandboxed else "no bubblewrap sandbox"
    lines += ["", f"Graded in {grade_.seconds:.1f} s ({sandbox})."]
    return "\n".join(lines) + "\n"


def _check_questions(solution: Path, questions: list[labs.Question], probes: dict[str, Probe]):
    marked = [q.id for q in questions]
    if not marked:
        raise ProbeError(f"{solution} has no question cells (cell metadata seqlab.question).")
    if set(marked) != set(probes):
        raise ProbeError(
            f"{solution} marks questions {marked} but its probes cover {sorted(probes)}: "
            "give every question exactly one probe."
        )


def _sandbox_choice(requested: bool | None, log: Callable[[str], None]) -> bool:
    """Whether kernels run in bubblewrap: fail closed unless the caller said ``False``.

    Raises:
        SandboxUnavailable: bubblewrap is required and does not work, or kernels could not
            run as an unprivileged user.
    """
    if requested is False:
        problem = unprivileged_problem(use_bwrap=False)
        if problem:
            raise SandboxUnavailable(f"Cannot grade with --no-sandbox: {problem}.")
        log(f"Sandbox off (--no-sandbox): {NO_SANDBOX_GIVES_UP}.")
        return False
    problem = bwrap_problem()
    if problem is not None:
        raise SandboxUnavailable(
            f"The bubblewrap sandbox is required but {problem}. Install it (Debian/Ubuntu: "
            "apt-get install bubblewrap), or pass --no-sandbox for notebooks you trust: "
            f"{NO_SANDBOX_GIVES_UP}."
        )
    return True


def _read_pid(path: Path | None) -> int | None:
    try:
        return int(path.read_text()) if path else None
    except (OSError, ValueError):
        return None


def _as_completed(futures: Iterable[Future]):
    """Like ``concurrent.futures.as_completed``, waking up for Ctrl-C at least once a second."""
    remaining = set(futures)
    while remaining:
        done, remaining = wait(remaining, timeout=1.0, return_when=FIRST_COMPLETED)
        yield from done
