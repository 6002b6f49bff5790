"""The ``seqlab`` command: ``seqlab labs build|check``, ``seqlab grade``.

    seqlab labs build                 write labs/ from solutions/
    seqlab labs check                 exit 1 when labs/ is not what solutions/ builds
    seqlab grade SOLUTION SUBMISSIONS... --out grades.csv [--jobs N] [--timeout S]

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
        "--timeout",
        type=float,
        default=300,
        help="seconds of CPU time for a whole notebook's cells (default 300)",
    )
    grade.add_argument(
        "--cell-timeout",
        type=float,
        default=60,
        help="seconds of CPU time for one cell (default 60)",
    )
    grade.add_argument(
        "--memory",
        type=int,
        default=4096,
        help="MiB of memory per kernel, all its processes together (default 4096)",
    )
    sandbox = grade.add_mutually_exclusive_group()
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
    grade.set_defaults(handler=_grade)


def _grade(args) -> int:
    from seqlab import labs
    from seqlab.grading import Limits, SandboxUnavailable, Settings, grade
    from seqlab.grading.gradebook import GradebookMismatch
    from seqlab.grading.probes import ProbeError
    from seqlab.grading.safe_text import printable
    from seqlab.grading.scoring import ReferenceFailed

    if args.jobs < 1 or args.timeout <= 0 or args.cell_timeout <= 0 or args.memory <= 0:
        print(
            "seqlab grade: --jobs, --timeout, --cell-timeout and --memory must be positive",
            file=sys.stderr,
        )
        return 2
    settings = Settings(
        jobs=args.jobs,
        timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        limits=Limits(memory_bytes=args.memory << 20),
        sandbox=not args.no_sandbox,
    )
    started = time.monotonic()
    try:
        grades = grade(args.solution, args.submissions, args.out, settings)
    except (
        labs.LabBuildError,
        ProbeError,
        ReferenceFailed,
        GradebookMismatch,
        SandboxUnavailable,
        FileNotFoundError,
        ValueError,
        RuntimeError,
    ) as error:
        print(f"seqlab grade: {printable(str(error))}", file=sys.stderr)
        return 1
    minutes = (time.monotonic() - started) / 60
    rate = f", {len(grades) / minutes:.1f} per minute" if grades else ""
    print(
        f"graded {len(grades)} submission(s) in {minutes * 60:.0f} s{rate}; "
        f"gradebook: {printable(str(args.out))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
