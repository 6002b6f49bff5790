"""Grading throughput: submissions a minute for lab 02 and lab 05 (Keras), alone and beside a hog.

    python benchmarks/grading.py [--copies 16] [--jobs 2] [--labs 02 05]
                                 [--out benchmarks/grading_results.md]

Each lab is graded from ``--copies`` copies of its solution notebook (full marks expected),
``--jobs`` at a time, in the bubblewrap sandbox, once on its own and once beside a CPU hog
(one busy loop per core, started outside the grader). The whole-run rate counts the reference
run and the class report too, as ``seqlab grade`` does: submissions / wall minutes of the whole
run. The steady rate is the one a larger class approaches: submissions finished once every
slot was busy, over the time they took. A submission's kernel
CPU time (all its processes, measured by its control group) gives the rate two cores given
wholly to grading would reach at that CPU cost, 120 s / that time (the grader's own share and
the reference run left out). On a shared machine the CPU cost itself is inflated by
contention: both figures are lower bounds for a quiet machine.
Results go to a Markdown table and a JSON file beside it, with the machine's load average
before each run (other people's work on a shared machine slows every wall-clock figure down).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from seqlab.grading import Settings, grade  # noqa: E402


def busy() -> None:
    while True:
        pass


def measure(solution: Path, copies: int, jobs: int, hog: bool) -> dict:
    """Grade ``copies`` copies of ``solution``; wall seconds, rate and the marks."""
    folder = Path(tempfile.mkdtemp(prefix="seqlab-bench-"))
    loops = []
    try:
        for number in range(copies):
            shutil.copyfile(solution, folder / f"student{number:02d}.ipynb")
        load = os.getloadavg()[0]
        if hog:
            loops = [
                multiprocessing.Process(target=busy, daemon=True) for _ in range(os.cpu_count())
            ]
            for loop in loops:
                loop.start()
        started = time.monotonic()
        grades = grade(
            solution, [folder], folder / "grades.csv", Settings(jobs=jobs), log=lambda _: None
        )
        seconds = time.monotonic() - started
        kernels = [g.cpu_seconds for g in grades if g.cpu_seconds is not None]
    finally:
        for loop in loops:
            loop.kill()
            loop.join()
        shutil.rmtree(folder, ignore_errors=True)
    totals = sorted({g.total for g in grades})
    return {
        "lab": solution.name,
        "copies": copies,
        "jobs": jobs,
        "beside a CPU hog": hog,
        "seconds": round(seconds, 1),
        "per minute": round(copies / (seconds / 60), 1),
        "steady per minute": steady_rate(grades, jobs),
        "CPU seconds per submission": round(sum(kernels) / len(kernels), 1),
        "per minute on 2 cores at this CPU cost": round(2 * 60 / (sum(kernels) / len(kernels)), 1),
        "marks": totals,
        "full marks": all(g.total == g.out_of for g in grades),
        "load average before": round(load, 2),
    }


def steady_rate(grades, jobs: int) -> float | None:
    """Submissions a minute once every slot is busy: from the ``jobs``-th submission to finish
    to the last (what a class of any size approaches; the run's fixed costs, the reference
    run and the class report, left out)."""
    finished = sorted(g.finished for g in grades)
    if len(finished) <= jobs:
        return None
    return round(60 * (len(finished) - jobs) / (finished[-1] - finished[jobs - 1]), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--labs", nargs="+", default=["02", "05"])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "grading_results.md")
    args = parser.parse_args(argv)
    rows = []
    for number in args.labs:
        solution = next((ROOT / "solutions").glob(f"{number}_*.ipynb"))
        for hog in (False, True):
            rows.append(measure(solution, args.copies, args.jobs, hog))
            print(json.dumps(rows[-1]), flush=True)
    stamp = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="minutes"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "python": platform.python_version(),
    }
    args.out.with_suffix(".json").write_text(json.dumps({**stamp, "runs": rows}, indent=1) + "\n")
    lines = [
        "# Grading throughput",
        "",
        f"{stamp['date']}, {stamp['machine']}, Python {stamp['python']}; "
        "`python benchmarks/grading.py`. Copies of each solution notebook graded in the "
        "bubblewrap sandbox; the hog is one busy loop per core outside the grader. The load "
        "average is the machine's before the run (a shared machine: other people's work slows "
        "every figure).",
        "",
        "| lab | copies | jobs | beside a hog | seconds | per minute (whole run) "
        "| per minute (steady) | CPU s per submission "
        "| per minute on 2 cores at this CPU cost | full marks | load before |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| `{r['lab']}` | {r['copies']} | {r['jobs']} "
        f"| {'yes' if r['beside a CPU hog'] else 'no'} "
        f"| {r['seconds']} | {r['per minute']} | {r['steady per minute']} "
        f"| {r['CPU seconds per submission']} "
        f"| {r['per minute on 2 cores at this CPU cost']} "
        f"| {'yes' if r['full marks'] else r['marks']} "
        f"| {r['load average before']} |"
        for r in rows
    ]
    args.out.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
