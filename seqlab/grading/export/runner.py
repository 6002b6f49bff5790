"""On the platform: find the submitted notebook, grade it as ``seqlab grade`` would, write
``results.json``; never crash.

``python -m seqlab.grading.export.runner gradescope|prairielearn --bundle DIR --submission DIR
--results FILE`` is what the platform's script runs (``run_autograder``, ``run.sh``).
``... check --bundle DIR`` reads the payload and loads the lab's probes (``setup.sh`` runs it).

A submission folder is graded when it holds one notebook (``*.ipynb``), or several of which
exactly one has the lab's file name. Anything else (nothing, several notebooks, only other
files, a zip) gets a sentence saying what to upload and a score of 0; a file named
``.ipynb`` that is not a notebook is graded as ``seqlab grade`` grades it (0, with the
reason). Every failure of the grader itself ends as a ``results.json`` too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from seqlab.grading.safe_text import printable

IGNORED_PARTS = ("__MACOSX", ".ipynb_checkpoints")
ARCHIVES = (".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar")


@dataclass
class Outcome:
    """What grading one submission folder gave: a grade, or the problem that stopped it."""

    grade: object | None = None  # a seqlab.grading.SubmissionGrade
    problem: str | None = None  # a sentence for the student when nothing could be graded
    fault: bool = False  # the problem is the platform's or the grader's, not the student's
    sandbox: str = ""  # how kernels ran, one sentence
    seconds: float = 0.0
    notebook: str | None = None  # the file graded, relative to the submission folder
    payload: object | None = None  # the bundle's Payload, when it could be read
    log: list[str] = field(default_factory=list)


def find_notebook(folder: Path, lab: str) -> tuple[Path | None, str | None, list[str]]:
    """``(notebook, None, notes)`` for the notebook to grade in ``folder``, or ``(None,
    sentence for the student, [])`` when there is none to choose."""
    expected = f"{lab}.ipynb"
    if not folder.is_dir():
        return None, f"No submission was found (no folder {folder}).", []
    files = sorted(
        path
        for path in folder.rglob("*")
        if (path.is_symlink() or not path.is_dir())
        and not any(part in IGNORED_PARTS or part.startswith(".")
                    for part in path.relative_to(folder).parts)
    )  # fmt: skip
    names = [printable(str(path.relative_to(folder)), 100) for path in files]
    notebooks = [path for path in files if path.suffix.lower() == ".ipynb"]
    if len(notebooks) == 1:
        others = [name for path, name in zip(files, names, strict=True) if path not in notebooks]
        notes = [f"other files not graded: {', '.join(others[:5])}"] if others else []
        return notebooks[0], None, notes
    if notebooks:
        named = [path for path in notebooks if path.name == expected]
        listed = ", ".join(printable(str(p.relative_to(folder)), 100) for p in notebooks[:5])
        if len(named) == 1:
            return named[0], None, [f"{len(notebooks) - 1} other notebook(s) not graded"]
        return (
            None,
            (
                f"Your submission has {len(notebooks)} notebooks ({listed}): the grader cannot "
                f"tell which one to grade. Submit only your {expected}."
            ),
            [],
        )
    archives = [name for name in names if name.lower().endswith(ARCHIVES)]
    if archives:
        return (
            None,
            (
                f"Your submission is an archive ({', '.join(archives[:3])}), not a notebook: "
                f"submit the notebook file {expected} itself, not a zip of it."
            ),
            [],
        )
    if files:
        return (
            None,
            (
                f"Your submission has no notebook (.ipynb file), only {', '.join(names[:5])}: "
                f"submit your {expected}."
            ),
            [],
        )
    return None, f"Your submission is empty: submit your {expected}.", []


def grade_folder(
    bundle: Path,
    submission: Path,
    sandbox: str = "auto",
    log: Callable[[str], None] = lambda text: print(text, flush=True),
) -> Outcome:
    """Grade the notebook in ``submission`` with the payload in ``bundle``; never raises.

    ``sandbox``: ``"auto"`` (bubblewrap where it works in the container, else kernels run
    without it, as an unprivileged user), ``"required"`` or ``"off"``.
    """
    started = time.monotonic()
    outcome = Outcome()

    def say(text: str) -> None:
        outcome.log.append(text)
        log(text)

    try:
        _grade(Path(bundle), Path(submission), sandbox, say, outcome)
    except Exception as error:  # whatever happens, the platform gets a results.json
        say(traceback.format_exc())
        outcome.grade, outcome.fault = None, True
        outcome.problem = (
            f"The autograder failed ({type(error).__name__}: {printable(str(error), 200)}); "
            "this is not your fault: tell your instructor."
        )
    outcome.seconds = time.monotonic() - started
    return outcome


def _grade(bundle: Path, submission: Path, sandbox: str, log, outcome: Outcome) -> None:
    from seqlab.grading.export.bundle import read_payload
    from seqlab.grading.grader import Grader, Submission, student_id
    from seqlab.grading.sandbox import bwrap_problem

    if os.geteuid() == 0:  # kernels run as other users: the reference results stay root's
        with contextlib.suppress(OSError):
            bundle.chmod(0o700)
    outcome.payload = payload = read_payload(bundle)
    notebook, problem, notes = find_notebook(submission, payload.lab)
    if notebook is None:
        outcome.problem = problem
        return
    outcome.notebook = printable(str(notebook.relative_to(submission)), 200)
    if sandbox == "off":
        use_bwrap, why = False, "the bundle was exported with --sandbox off"
    else:
        why = bwrap_problem()
        use_bwrap = why is None or sandbox == "required"  # required: the Grader refuses
    outcome.sandbox = (
        "in the bubblewrap sandbox"
        if use_bwrap
        else f"without the bubblewrap sandbox ({why}), each kernel as its own unprivileged user"
    )
    settings = replace(payload.settings, sandbox=use_bwrap)
    with Grader(payload.notebook, settings, log) as grader:
        target = Submission(notebook, submission, student_id(notebook, payload.lab), tuple(notes))
        outcome.grade = grader.grade_submission(target, payload.reference)


def visible_summary(score) -> str:
    """What a student sees of a question without the cases' inputs and expected values."""
    if score.passed == score.cases:
        return f"all {score.cases} tests passed"
    text = f"{score.passed} of {score.cases} tests passed"
    if not score.summary[:1].isdigit():  # one kind of failure for every case, e.g. not implemented
        text += f": {score.summary}"
    return text


def write_results(path: Path, results: dict) -> None:
    """Write ``results`` as JSON at ``path`` (its folder made), through a temporary file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.tmp")
    scratch.write_text(json.dumps(results, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    os.replace(scratch, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seqlab.grading.export.runner")
    parser.add_argument("platform", choices=["gradescope", "prairielearn", "check"])
    parser.add_argument("--bundle", type=Path, required=True)
    parser.add_argument("--submission", type=Path)
    parser.add_argument("--results", type=Path)
    args = parser.parse_args(argv)
    if args.platform == "check":
        return _check(args.bundle)
    from seqlab.grading.export import gradescope, prairielearn

    module = gradescope if args.platform == "gradescope" else prairielearn
    try:
        options = module.read_options(args.bundle)
        outcome = grade_folder(args.bundle, args.submission, options.get("sandbox", "auto"))
        results = module.results(outcome, options)
        report(outcome)
    except Exception as error:  # the last line of defence: still a results.json
        traceback.print_exc()
        results = module.failure(f"The autograder failed ({type(error).__name__}); tell your "
                                 "instructor.")  # fmt: skip
    write_results(args.results, results)
    print(json.dumps({key: results.get(key) for key in ("score", "gradable") if key in results}))
    return 0


def report(outcome: Outcome) -> None:
    """Print, for the instructor (the platform's log), what the student's results hold."""
    grade = outcome.grade
    if grade is None:
        print(f"not graded: {outcome.problem}")
        return
    print(f"{outcome.notebook}: {grade.total:g} / {grade.out_of:g} in {outcome.seconds:.1f} s, "
          f"{outcome.sandbox}")  # fmt: skip
    for score in grade.scores:
        print(f"{score.question} ({score.function}): {score.points:g} / {score.out_of:g}, "
              f"{score.passed} of {score.cases} tests passed")  # fmt: skip
        for failure in score.failures:
            print(f"  - {printable(failure)}")
    for note in grade.notes:
        print(f"note: {note}")


def _check(bundle: Path) -> int:
    from seqlab.grading import probes
    from seqlab.grading.export.bundle import read_payload

    payload = read_payload(bundle)
    loaded = probes.load(probes.lab_number(payload.notebook))
    calls = probes.draw_calls(loaded, payload.seed)
    if set(calls) != set(payload.reference) or any(
        len(calls[q]) != len(payload.reference[q]) for q in calls
    ):
        print(f"seqlab: the bundle's reference does not match lab {payload.lab}'s probes")
        return 1
    print(f"seqlab: bundle for {payload.lab} ready ({len(calls)} questions, seed {payload.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
