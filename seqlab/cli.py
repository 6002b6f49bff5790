"""The ``seqlab`` command: ``seqlab labs build|check``, ``grade``, ``gradebook merge``, ``export``.

    seqlab labs build                 write labs/ from solutions/
    seqlab labs check                 exit 1 when labs/ is not what solutions/ builds
    seqlab grade SOLUTION SUBMISSIONS... --out grades.csv [--jobs N] [--timeout S] [--shard K/N]
    seqlab gradebook merge SHARD.csv... --out grades.csv
    seqlab export gradescope SOLUTION --out autograder.zip
    seqlab export prairielearn SOLUTION --out DIR

``python -m seqlab ...`` does the same.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seqlab", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_labs(commands)
    _add_grade(commands)
    _add_gradebook(commands)
    _add_export(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.handler(args)


def _add_labs(commands) -> None:
    labs = commands.add_parser(
        "labs", help="build labs/ from solutions/, or check they are in sync"
    )
    actions = labs.add_subparsers(dest="action", required=True)
    for name, handler, text in (
        ("build", _labs_build, "write labs/NAME.ipynb for every solutions/NAME.ipynb"),
        ("check", _labs_check, "exit 1, naming the labs, when labs/ is stale, missing or extra"),
    ):
        action = actions.add_parser(name, help=text, description=text)
        action.add_argument(
            "--solutions", type=Path, default=Path("solutions"), help="default: solutions"
        )
        action.add_argument("--labs", type=Path, default=Path("labs"), help="default: labs")
        action.set_defaults(handler=handler)


def _labs_build(args) -> int:
    from seqlab import labs

    try:
        written = labs.build(args.solutions, args.labs)
    except (labs.LabBuildError, FileNotFoundError) as error:
        print(f"seqlab labs build: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    extra = labs.check(args.solutions, args.labs).extra
    for name in extra:
        print(
            f"note: {args.labs / name} has no solution in {args.solutions}; delete it if withdrawn"
        )
    return 0


def _labs_check(args) -> int:
    from seqlab import labs

    try:
        report = labs.check(args.solutions, args.labs)
    except (labs.LabBuildError, FileNotFoundError) as error:
        print(f"seqlab labs check: {error}", file=sys.stderr)
        return 1
    if report.ok:
        count = len(report.in_sync)
        print(f"{args.labs}/ is in sync with {args.solutions}/ ({count} lab{'s' * (count != 1)})")
        return 0
    for label, names in (
        ("stale (differs from what its solution builds)", report.stale),
        (f"missing (a solution without its lab in {args.labs}/)", report.missing),
        (f"extra (no solution in {args.solutions}/)", report.extra),
    ):
        if names:
            print(f"{label}: {', '.join(names)}", file=sys.stderr)
    print("Run `seqlab labs build` (and delete extra labs) to fix.", file=sys.stderr)
    return 1


def _add_grade(commands) -> None:
    grade = commands.add_parser(
        "grade",
        help="grade submissions against a solution notebook into a CSV gradebook",
        description="Run each submission in its own sandboxed kernel, test its functions on "
        "inputs drawn now, compare with the solution, and write one CSV row per student "
        "(students already in the CSV are skipped); then a class report beside it "
        "(NAME_report.md): full marks and common mistakes per question.",
    )
    grade.add_argument(
        "solution",
        type=Path,
        help="the solution notebook, e.g. solutions/02_one_hot_encoding.ipynb",
    )
    grade.add_argument(
        "submissions", type=Path, nargs="+", help="notebooks, or folders of notebooks"
    )
    grade.add_argument("--out", type=Path, required=True, help="the CSV gradebook to write")
    grade.add_argument("--jobs", type=int, default=1, help="submissions graded at once (default 1)")
    grade.add_argument(
        "--shard",
        metavar="K/N",
        help="grade only shard K of N of the students (a fixed split by student id, for a "
        "Slurm array job or a CI matrix); join the shards with `seqlab gradebook merge`",
    )
    _add_limits(grade)
    grade.set_defaults(handler=_grade)


def _add_limits(command) -> None:
    """The options ``seqlab grade`` and ``seqlab export`` share: limits, seed, sandbox."""
    command.add_argument(
        "--timeout",
        type=float,
        default=300,
        help="seconds of CPU time for a whole notebook's cells (default 300)",
    )
    command.add_argument(
        "--cell-timeout",
        type=float,
        default=60,
        help="seconds of CPU time for one cell (default 60)",
    )
    command.add_argument(
        "--memory",
        type=int,
        default=4096,
        help="MiB of memory per kernel, all its processes together (default 4096)",
    )
    command.add_argument(
        "--seed",
        type=int,
        help="seed of the probe calls (default: drawn anew); give every shard of a class the "
        "same seed, or an exported bundle's seed to reproduce its scores",
    )
    sandbox = command.add_mutually_exclusive_group()
    sandbox.add_argument(
        "--require-sandbox",
        action="store_true",
        help="refuse to grade without a working bubblewrap sandbox (the default)",
    )
    sandbox.add_argument(
        "--no-sandbox",
        action="store_true",
        help="grade without bubblewrap (trusted notebooks only): kernels can then read what "
        "their user can read, write outside their folder and reach the network",
    )


def _settings(args, command: str):
    """The run's :class:`~seqlab.grading.Settings`, or ``None`` (after saying why)."""
    from seqlab.grading import Limits, Settings

    jobs = getattr(args, "jobs", 1)
    if jobs < 1 or args.timeout <= 0 or args.cell_timeout <= 0 or args.memory <= 0:
        print(
            f"{command}: --jobs, --timeout, --cell-timeout and --memory must be positive",
            file=sys.stderr,
        )
        return None
    return Settings(
        jobs=jobs,
        timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        limits=Limits(memory_bytes=args.memory << 20),
        sandbox=not args.no_sandbox,
        seed=args.seed,
    )


def _grading_errors() -> tuple[type[BaseException], ...]:
    """What a grading run raises for a reason the user can fix: printed, exit status 1."""
    from seqlab import labs
    from seqlab.grading import SandboxUnavailable
    from seqlab.grading.gradebook import GradebookMismatch
    from seqlab.grading.probes import ProbeError
    from seqlab.grading.scoring import ReferenceFailed

    return (
        labs.LabBuildError,
        ProbeError,
        ReferenceFailed,
        GradebookMismatch,
        SandboxUnavailable,
        FileNotFoundError,
        ValueError,
        RuntimeError,
    )


def _grade(args) -> int:
    from seqlab.grading import grade
    from seqlab.grading.safe_text import printable
    from seqlab.grading.shards import Shard

    settings = _settings(args, "seqlab grade")
    if settings is None:
        return 2
    try:
        shard = Shard.parse(args.shard) if args.shard is not None else None
    except ValueError as error:
        print(f"seqlab grade: {error}", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        if shard is None:
            grades = grade(args.solution, args.submissions, args.out, settings)
        else:
            grades = _grade_shard(args, settings, shard)
    except _grading_errors() as error:
        print(f"seqlab grade: {printable(str(error))}", file=sys.stderr)
        return 1
    minutes = (time.monotonic() - started) / 60
    rate = f", {len(grades) / minutes:.1f} per minute" if grades else ""
    print(
        f"graded {len(grades)} submission(s) in {minutes * 60:.0f} s{rate}; "
        f"gradebook: {printable(str(args.out))}"
    )
    return 0


def _grade_shard(args, settings, shard):
    """Grade ``shard`` of the class; write its manifest, and its gradebook even when empty."""
    import nbformat

    from seqlab import labs
    from seqlab.grading import grade
    from seqlab.grading.gradebook import Gradebook
    from seqlab.grading.grader import find_submissions, name_submissions
    from seqlab.grading.shards import write_manifest

    if settings.seed is None:
        raise ValueError(
            "--shard needs --seed: every shard must test the same calls (e.g. --seed 2026)"
        )
    everyone = [
        s.student for s in name_submissions(find_submissions(args.submissions), args.solution.stem)
    ]
    grades = grade(
        args.solution,
        args.submissions,
        args.out,
        settings,
        select=lambda submission: shard.holds(submission.student),
    )
    if not args.out.exists():  # no student in this shard: an empty gradebook, for merge
        questions = labs.questions(nbformat.read(args.solution, as_version=4))
        Gradebook(args.out, [q.id for q in questions]).write()
    path = write_manifest(args.out, shard, args.solution.stem, everyone)
    print(f"shard {shard}: {sum(shard.holds(s) for s in everyone)} of {len(everyone)} students; "
          f"manifest: {path}")  # fmt: skip
    return grades


def _add_gradebook(commands) -> None:
    book = commands.add_parser("gradebook", help="work with gradebooks: merge shards")
    actions = book.add_subparsers(dest="action", required=True)
    merge = actions.add_parser(
        "merge",
        help="join the gradebooks of `seqlab grade --shard K/N` runs into one",
        description="Join shard gradebooks (CSV), their feedback files and class reports into "
        "one. Refuses a student graded in two shards; names the students of the class who "
        "have no row (a shard not run, or not finished) and then writes nothing unless "
        "--allow-missing.",
    )
    merge.add_argument("gradebooks", type=Path, nargs="+", help="the shards' CSV gradebooks")
    merge.add_argument("--out", type=Path, required=True, help="the merged CSV to write")
    merge.add_argument(
        "--allow-missing", action="store_true", help="write the merged gradebook all the same"
    )
    merge.set_defaults(handler=_merge)


def _merge(args) -> int:
    from seqlab.grading.gradebook import GradebookMismatch
    from seqlab.grading.safe_text import printable
    from seqlab.grading.shards import ShardError, merge

    try:
        missing = merge(args.gradebooks, args.out, args.allow_missing)
    except (ShardError, GradebookMismatch, OSError) as error:
        print(f"seqlab gradebook merge: {printable(str(error))}", file=sys.stderr)
        return 1
    if missing:
        print(f"warning: no row for {len(missing)} student(s): {', '.join(missing)}")
    print(f"merged {len(args.gradebooks)} gradebook(s) into {printable(str(args.out))}")
    return 0


def _add_export(commands) -> None:
    export = commands.add_parser(
        "export",
        help="package a lab's grader for Gradescope or PrairieLearn",
        description="Run the solution once (the reference results go into the bundle, with "
        "the seed of the probe calls), and write what the platform runs: it grades each "
        "submission with the same engine as `seqlab grade`.",
    )
    platforms = export.add_subparsers(dest="platform", required=True)
    for name, text, out_help in (
        ("gradescope", "Gradescope's autograder zip", "the zip to write, e.g. autograder.zip"),
        ("prairielearn", "a PrairieLearn question and grader image", "the folder to write"),
    ):
        platform = platforms.add_parser(name, help=text, description=text)
        platform.add_argument("solution", type=Path, help="the solution notebook")
        platform.add_argument("--out", type=Path, required=True, help=out_help)
        platform.add_argument(
            "--platform-sandbox",
            choices=["auto", "required", "off"],
            default="auto",
            help="bubblewrap on the platform: where it works (auto, the default), required "
            "(a submission is not graded without it) or off",
        )
        platform.add_argument(
            "--wheel", type=Path, help="the seqlab wheel to install (default: built here)"
        )
        _add_limits(platform)
        platform.set_defaults(handler=_export)
    gradescope = platforms.choices["gradescope"]
    for option, default, what in (
        ("--visibility", "visible", "each question's points and pass count"),
        ("--details-visibility", "after_due_date", "each failed case's call and values"),
    ):
        gradescope.add_argument(
            option,
            default=default,
            choices=["visible", "hidden", "after_due_date", "after_published"],
            help=f"when students see {what} (default {default})",
        )
    prairielearn = platforms.choices["prairielearn"]
    prairielearn.add_argument(
        "--image",
        default="YOUR_DOCKERHUB_NAME/seqlab-grader",
        help="the Docker Hub name of the grader image you build from OUT/image",
    )
    prairielearn.add_argument(
        "--show-failed-cases",
        action="store_true",
        help="show students each failed case's call and values (the same for the class)",
    )


def _export(args) -> int:
    from seqlab.grading.export import gradescope, prairielearn
    from seqlab.grading.safe_text import printable

    settings = _settings(args, "seqlab export")
    if settings is None:
        return 2
    common = {"sandbox": args.platform_sandbox, "wheel": args.wheel}
    try:
        if args.platform == "gradescope":
            gradescope.export(
                args.solution, args.out, settings, args.visibility, args.details_visibility,
                log=lambda text: print(text, file=sys.stderr, flush=True), **common,
            )  # fmt: skip
            written = args.out
        else:
            written = prairielearn.export(
                args.solution, args.out, settings, args.image, args.show_failed_cases,
                log=lambda text: print(text, file=sys.stderr, flush=True), **common,
            )  # fmt: skip
    except _grading_errors() as error:
        print(f"seqlab export: {printable(str(error))}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in Path(args.out).rglob("*") if p.is_file())
    size = size or Path(args.out).stat().st_size
    print(f"wrote {printable(str(written))} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
