"""``seqlab grade``: grade submissions against a solution notebook into a CSV gradebook.

One run: read the questions and points from the solution notebook (:func:`seqlab.labs.questions`)
and the lab's probes; draw the probe calls with a fresh seed; run the reference solution and
every submission, ``jobs`` at a time, each in its own worker process and sandboxed kernel with
a per-submission token; score each submission against the reference as soon as it is back and
add its row to the gradebook.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import nbformat

from seqlab import labs
from seqlab.grading import probes as probes_module
from seqlab.grading.gradebook import Gradebook
from seqlab.grading.probes import Call, Probe, ProbeError
from seqlab.grading.sandbox import Limits, bwrap_problem, sandbox_uids
from seqlab.grading.scoring import QuestionScore, expected_results, parse_records, score_question

# Runs as `python -c DIE_WITH_PARENT PARENT_PID PROGRAM ARGS...`, so that a worker dies with
# the grader (PR_SET_PDEATHSIG survives exec) and never starts once the grader is gone.
DIE_WITH_PARENT = """\
import ctypes, os, signal, sys
ctypes.CDLL(None).prctl(1, signal.SIGKILL)
if os.getppid() != int(sys.argv[1]):
    sys.exit("the grader is gone")
os.execv(sys.argv[2], sys.argv[2:])
"""
START_UP_S = 120  # worst case for a kernel to start on a loaded machine
TRUSTED_TIMEOUT_S = 600  # the reference solution's limit, per cell and per notebook
PROBE_MARGIN_S = 10  # a probe cell's limit: its calls' limits plus this
MAX_NOTES_IN_ROW = 3  # the gradebook row names this many notebook problems; the file has all


@dataclass(frozen=True)
class Settings:
    """Limits of a grading run, in seconds. ``sandbox``: ``None`` uses bwrap where it works.

    The probe cell of a question gets its calls' limits (:attr:`Probe.seconds` each) plus
    ``PROBE_MARGIN_S``, on top of the notebook's ``timeout``.
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


def student_id(path: Path, lab_stem: str) -> str:
    """The student id a submission's file name gives: the name without the lab's name.

    ``alice.ipynb``, ``alice_02_one_hot_encoding.ipynb`` and ``alice/02_one_hot_encoding.ipynb``
    all give ``alice``.
    """
    stem = path.stem.replace(lab_stem, "").strip(" _-.")
    return stem or path.parent.name


def find_submissions(paths: list[Path]) -> list[Path]:
    """The notebooks among ``paths``; a folder stands for the notebooks under it."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"No submission {path}.")
    return found


def grade(
    solution: Path,
    submissions: list[Path],
    out: Path,
    settings: Settings = Settings(),
    log: Callable[[str], None] = lambda text: print(text, file=sys.stderr, flush=True),
) -> list[SubmissionGrade]:
    """Grade ``submissions`` against ``solution``, adding one row per student to ``out``.

    Students already in ``out`` are skipped. Returns the grades of this run.

    Raises:
        ProbeError, LabBuildError: the solution notebook and the lab's probes do not agree.
        ReferenceFailed: the reference solution does not run or gives no result for a call.
        ValueError: two submissions give the same student id.
    """
    solution = Path(solution)
    questions = labs.questions(nbformat.read(solution, as_version=4))
    probes = probes_module.load(probes_module.lab_number(solution))
    _check_questions(solution, questions, probes)
    by_student = _students(find_submissions([Path(p) for p in submissions]), solution.stem)
    book = Gradebook(Path(out), [q.id for q in questions])
    done = [student for student in by_student if student in book]
    if done:
        log(
            f"Skipping {len(done)} submission(s) already in {out} (delete a row to grade it again)."
        )
    todo = {student: path for student, path in by_student.items() if student not in book}
    if not todo:
        log("Nothing to grade.")
        return []

    use_bwrap = _sandbox_choice(settings.sandbox, log)
    seed = settings.seed if settings.seed is not None else secrets.randbits(64)
    calls = probes_module.draw_calls(probes, seed)
    runner = _Runner(settings, use_bwrap, questions, probes, calls, hidden=_hidden_paths(solution))
    grades: list[SubmissionGrade] = []
    with ThreadPoolExecutor(max_workers=max(1, settings.jobs)) as pool:
        reference = pool.submit(runner.run, solution, trusted=True)
        pending = {pool.submit(runner.run, path): (student, path) for student, path in todo.items()}
        try:
            reference_result, reference_token, _ = reference.result()
            expected = expected_results(calls, reference_result, reference_token)
            for future in _as_completed(pending):
                student, path = pending[future]
                result, token, span = future.result()
                grade_ = runner.score(student, path, result, token, expected, span)
                book.add(_row(grade_), _feedback_text(grade_, solution.stem, use_bwrap))
                grades.append(grade_)
                log(f"{student}: {grade_.total:g}/{grade_.out_of:g} ({grade_.seconds:.1f} s)")
        except BaseException:
            for future in pending:
                future.cancel()
            runner.kill_all()
            raise
    return grades


class _Runner:
    """Runs notebooks in worker processes; holds what every job of a run shares."""

    def __init__(
        self,
        settings: Settings,
        use_bwrap: bool,
        questions: list[labs.Question],
        probes: dict[str, Probe],
        calls: dict[str, list[Call]],
        hidden: tuple[Path, ...],
    ):
        self.settings, self.use_bwrap = settings, use_bwrap
        self.questions, self.probes, self.calls = questions, probes, calls
        self.hidden = hidden
        self.slots: queue.Queue[int] = queue.Queue()
        for slot in range(max(1, settings.jobs)):
            self.slots.put(slot)
        self.uids = sandbox_uids(max(1, settings.jobs), use_bwrap)
        self.running: dict[int, Path] = {}  # worker pid -> its kernel pid file
        self.lock = threading.Lock()

    def run(self, notebook: Path, trusted: bool = False) -> tuple[dict, str, tuple[float, float]]:
        """Run ``notebook`` and its probes in a worker: (result, token, (start, end) time).

        A ``trusted`` notebook (the reference solution) gets generous time limits, so that
        limits tightened for students never fail the reference.
        """
        slot = self.slots.get()
        try:
            token = secrets.token_hex(16)
            started = time.time()
            result = self._work(notebook, slot, token, trusted)
            return result, token, (started, time.time())
        finally:
            self.slots.put(slot)

    def _work(self, notebook: Path, slot: int, token: str, trusted: bool) -> dict:
        # The kernel's folder is made here, so that it goes however its worker ends.
        workdir = Path(tempfile.mkdtemp(prefix="seqlab-"))
        try:
            return self._run_worker(workdir, notebook, slot, token, trusted)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _run_worker(
        self, workdir: Path, notebook: Path, slot: int, token: str, trusted: bool
    ) -> dict:
        settings = self.settings
        if trusted:
            settings = replace(
                settings,
                timeout=max(settings.timeout, TRUSTED_TIMEOUT_S),
                cell_timeout=max(settings.cell_timeout, TRUSTED_TIMEOUT_S),
            )
        probes = [
            {
                "question": q.id,
                "source": probes_module.probe_cell(
                    token, q.id, self.probes[q.id], self.calls[q.id]
                ),
                "timeout": len(self.calls[q.id]) * self.probes[q.id].seconds + PROBE_MARGIN_S,
            }
            for q in self.questions
        ]
        hard_limit = START_UP_S + settings.timeout + sum(p["timeout"] for p in probes) + 60
        with tempfile.TemporaryDirectory(prefix="seqlab-job-") as folder:
            folder_path = Path(folder)
            job = {
                "notebook": str(notebook.resolve()),
                "workdir": str(workdir),
                "bwrap": self.use_bwrap,
                "uid": self.uids[slot],
                "limits": asdict(settings.limits),
                "hidden": [str(path) for path in self.hidden],
                "threads": max(1, (os.cpu_count() or 1) // max(1, settings.jobs)),
                "cell_timeout": settings.cell_timeout,
                "notebook_timeout": settings.timeout,
                "kernel_pid_file": str(folder_path / "kernel.pid"),
                "probes": probes,
            }
            job_file, result_file = folder_path / "job.json", folder_path / "result.json"
            job_file.write_text(json.dumps(job), encoding="utf-8")
            with open(folder_path / "worker.log", "w+", encoding="utf-8") as worker_log:
                worker = subprocess.Popen(
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
                    stdout=worker_log,
                    stderr=worker_log,
                    start_new_session=True,
                )
                with self.lock:
                    self.running[worker.pid] = folder_path / "kernel.pid"
                try:
                    worker.wait(timeout=hard_limit)
                except subprocess.TimeoutExpired:
                    self._kill(worker.pid)
                    worker.wait()
                    return {
                        "status": "killed",
                        "detail": f"ran past the hard limit of {hard_limit:.0f} s",
                    }
                finally:
                    with self.lock:
                        self.running.pop(worker.pid, None)
                if result_file.exists():
                    return json.loads(result_file.read_text(encoding="utf-8"))
                worker_log.seek(0)
                tail = worker_log.read()[-500:]
                return {"status": "worker_failed", "detail": f"the grader's worker failed: {tail}"}

    def _kill(self, worker_pid: int) -> None:
        pid_file = self.running.get(worker_pid)
        for group in (worker_pid, _read_pid(pid_file)):
            if group:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(group, signal.SIGKILL)

    def kill_all(self) -> None:
        with self.lock:
            for worker_pid in list(self.running):
                self._kill(worker_pid)

    def score(self, student, path, result, token, expected, span) -> SubmissionGrade:
        records = parse_records(result.get("probes", {}), token)
        scores = [
            score_question(
                question,
                self.probes[question.id],
                self.calls[question.id],
                expected[question.id],
                records.get(question.id, {}),
                result.get("probes", {}).get(question.id, {}).get("status", "not run"),
            )
            for question in self.questions
        ]
        return SubmissionGrade(
            student=student,
            path=path,
            scores=scores,
            notes=_notes(result, self.settings),
            started=span[0],
            finished=span[1],
        )


def _notes(result: dict, settings: Settings) -> list[str]:
    """What went wrong in the notebook itself, one short sentence each."""
    status = result["status"]
    if status == "unreadable":
        return [f"the submission could not be read: {result['detail']}"]
    if status != "ok":
        return [f"the notebook could not be run: {result['detail']}"]
    notes = []
    for cell in result["cells"]:
        where = f"cell {cell['cell']} ({cell['first_line']})"
        if cell["status"] == "timeout":
            notes.append(
                f"{where} ran past its limit of {settings.cell_timeout:g} s and was interrupted"
            )
        elif cell["status"] == "stuck":
            notes.append(
                f"{where} ran past its limit and ignored the interrupt: the kernel was stopped"
            )
        elif cell["status"] == "died":
            notes.append(f"the kernel died in {where}: later cells and the tests could not run")
        elif cell["ename"] not in ("CheckFailed", "NotImplementedError"):  # already in the scores
            notes.append(f"{where} raised {cell['ename']}: {cell['evalue'][:120]}")
    stopped = result.get("stopped")
    if stopped and stopped["reason"] not in ("stuck", "died"):
        notes.append(f"{stopped['reason']}; cells from cell {stopped['cell']} on did not run")
    if result.get("reset_failed"):
        notes.append("the grader could not undo the notebook's changes to the kernel")
    return notes


def _row(grade_: SubmissionGrade) -> dict[str, object]:
    row: dict[str, object] = {"student": grade_.student}
    row |= {score.question: score.points for score in grade_.scores}
    return row | {"total": grade_.total, "feedback": grade_.feedback()}


def _feedback_text(grade_: SubmissionGrade, lab: str, use_bwrap: bool) -> str:
    lines = [f"{lab}: {grade_.student}", f"Total: {grade_.total:g} / {grade_.out_of:g}", ""]
    for score in grade_.scores:
        lines.append(
            f"{score.question} ({score.function}): {score.points:g} / {score.out_of:g}, "
            f"{score.passed} of {score.cases} tests passed"
        )
        lines += [f"  - {failure}" for failure in score.failures]
    if grade_.notes:
        lines += ["", "How the notebook ran:"] + [f"  - {note}" for note in grade_.notes]
    sandbox = "bubblewrap sandbox" if use_bwrap else "no bubblewrap sandbox"
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


def _students(paths: list[Path], lab_stem: str) -> dict[str, Path]:
    by_student: dict[str, list[Path]] = {}
    for path in paths:
        by_student.setdefault(student_id(path, lab_stem), []).append(path)
    clashes = {student: found for student, found in by_student.items() if len(found) > 1}
    if clashes:
        listed = "; ".join(f"{s}: {', '.join(map(str, found))}" for s, found in clashes.items())
        raise ValueError(f"Several submissions give the same student id ({listed}); rename them.")
    return {student: found[0] for student, found in by_student.items()}


def _sandbox_choice(requested: bool | None, log: Callable[[str], None]) -> bool:
    if requested is False:
        log("Sandbox off (requested): submissions can read your files and reach the network.")
        return False
    problem = bwrap_problem()
    if problem is None:
        return True
    if requested:
        raise RuntimeError(f"The bubblewrap sandbox was required but {problem}.")
    limits = "time, memory and process limits"
    if os.geteuid() == 0 and sandbox_uids(1, use_bwrap=False) == [None]:
        limits = "time and memory limits but as root (so without a process limit)"
    log(
        f"No sandbox: {problem}. Submissions still run with {limits}, each in its own "
        "folder, but they can read what you can read and reach the network."
    )
    return False


def _hidden_paths(solution: Path) -> tuple[Path, ...]:
    """The solution's folder and the grader's own package (probes included)."""
    return (solution.resolve().parent, Path(__file__).resolve().parent)


def _read_pid(path: Path | None) -> int | None:
    try:
        return int(path.read_text()) if path else None
    except (OSError, ValueError):
        return None


def _as_completed(futures: dict[Future, object]):
    """Like ``concurrent.futures.as_completed``, waking up for Ctrl-C at least once a second."""
    remaining = set(futures)
    while remaining:
        done, remaining = wait(remaining, timeout=1.0, return_when=FIRST_COMPLETED)
        yield from done
