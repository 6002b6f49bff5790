"""Time `.ci/run` on a fresh clone of HEAD, as CI runs it, and record where the time goes.

    python benchmarks/ci_time.py [--out benchmarks/ci_time_results.md]

The clone goes into a temporary folder with ``shared`` beside it (a link to this checkout's
``../shared``), so nothing of the working tree (its ``.venv``, its caches) is used. Recorded:
the total, the set-up before pytest starts, pytest's own time, the CPU the machine spent
(busy and idle core-seconds from ``/proc/stat``, Linux only: the suite is CPU-bound, so the
busy seconds are what a change saves) and the test files that took longest. The budget is
12 minutes including set-up. Results go to a Markdown table (each run a row, newest first) and
a JSON file beside it; the run's whole log is kept in the system's temporary folder (the
path is printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from run_notebooks import machine

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 12 * 60
DURATION = re.compile(r"^\s*([\d.]+)s (?:setup|call|teardown)\s+(\S+?)(?:::\S.*)?$")


def cpu_seconds() -> tuple[float, float] | None:
    """(busy, idle) core-seconds since boot, from the first line of /proc/stat."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / ticks, idle / ticks


def run_ci(clone: Path, log: Path) -> dict:
    """Run ``.ci/run`` in ``clone``; return its exit code and seconds (total, before pytest)."""
    env = os.environ | {"PYTEST_ADDOPTS": "--durations=0 --durations-min=0.5"}
    started = time.monotonic()
    setup_s = None
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(["bash", ".ci/run"], cwd=clone, env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for line in process.stdout:
            out.write(line)
            if setup_s is None and "-m pytest" in line:
                setup_s = time.monotonic() - started
    code = process.wait()
    return {"code": code, "total_s": time.monotonic() - started, "setup_s": setup_s}


def slowest_files(log: Path, count: int = 12) -> list[tuple[str, float]]:
    """The test files with the most seconds in pytest's --durations list (setup, call,
    teardown of every test at least 0.5 s), most first."""
    seconds: dict[str, float] = defaultdict(float)
    for line in log.read_text(encoding="utf-8").splitlines():
        if match := DURATION.match(line):
            seconds[match.group(2)] += float(match.group(1))
    return sorted(((name, round(total, 2)) for name, total in seconds.items()),
                  key=lambda item: -item[1])[:count]


def pytest_summary(log: Path) -> str:
    """pytest's last line, e.g. '1870 passed in 721.07s (0:12:01)'."""
    lines = [line.strip("= ") for line in log.read_text(encoding="utf-8").splitlines()
             if re.search(r"\d+ (passed|failed|error)", line)]
    return lines[-1] if lines else "pytest did not report"


def write_report(rows: list[dict], out: Path) -> None:
    lines = [
        "# CI time",
        "",
        f"`.ci/run` on a fresh clone, set-up included; budget {BUDGET_S} s. Newest first.",
        "Busy and idle are the machine's core-seconds during the run (`/proc/stat`).",
        "",
        "| date | commit | machine | total s | set-up s | within budget | busy CPU s | idle core s "
        "| pytest | slowest files (s) |",
        "|---|---|---|---:|---:|:---:|---:|---:|---|---|",
    ]
    for row in rows:
        slowest = ", ".join(f"`{name}` {seconds:.0f}" for name, seconds in row["slowest"][:6])
        lines.append(
            f"| {row['date']} | `{row['commit']}` | {row['machine']} | {row['total_s']:.0f} "
            f"| {row['setup_s'] or float('nan'):.0f} | {'yes' if row['within'] else 'no'} "
            f"| {row['busy_s'] if row['busy_s'] is not None else '—'} "
            f"| {row['idle_s'] if row['idle_s'] is not None else '—'} | {row['pytest']} "
            f"| {slowest} |"
        )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps({"rows": rows}, indent=1) + "\n",
                                        encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "ci_time_results.md")
    args = parser.parse_args()
    shared = (ROOT.parent / "shared").resolve()
    if not shared.is_dir():
        raise SystemExit(f"{shared} is missing: CI runs with ../shared beside the checkout")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="seqlab-ci-") as folder:
        (Path(folder) / "shared").symlink_to(shared)
        clone = Path(folder) / "seqlab"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        log = Path(tempfile.gettempdir()) / f"seqlab-ci-{commit}.log"  # kept: why a run failed
        before = cpu_seconds()
        result = run_ci(clone, log)
        after = cpu_seconds()
        row = {
            "date": dt.date.today().isoformat(), "commit": commit, "machine": machine(),
            "code": result["code"], "total_s": round(result["total_s"], 1),
            "setup_s": result["setup_s"] and round(result["setup_s"], 1),
            "within": result["code"] == 0 and result["total_s"] < BUDGET_S,
            "busy_s": round(after[0] - before[0]) if before and after else None,
            "idle_s": round(after[1] - before[1]) if before and after else None,
            "pytest": pytest_summary(log),
            "slowest": [(name, round(seconds, 1)) for name, seconds in slowest_files(log)],
        }
    previous = args.out.with_suffix(".json")
    rows = json.loads(previous.read_text())["rows"] if previous.exists() else []
    write_report([row, *rows], args.out)
    print(f"{row['total_s']:.0f} s (set-up {row['setup_s']} s), exit code {row['code']}, "
          f"busy CPU {row['busy_s']} s; {row['pytest']}; wrote {args.out}; the log is {log}")
    raise SystemExit(0 if row["within"] else 1)


if __name__ == "__main__":
    main()
