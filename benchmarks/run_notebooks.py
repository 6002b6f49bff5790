"""Execute every notebook in a clean kernel and record its wall time and quality figure.

    python benchmarks/run_notebooks.py [NOTEBOOK ...] [--out benchmarks/results.md]

Given notebooks, only those are measured; the table keeps the other notebooks' earlier rows,
each with the day it was measured.

A notebook reports its quality figure by leaving a dict named ``quality`` in its
namespace (e.g. ``quality = {"test MAE / persistence MAE": 0.83}``); the benchmark
reads it after the last cell. Results go to a Markdown table (for people) and a
JSON file beside it (for tools), stamped with the date and the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 120
REPORT_QUALITY = (
    "import json as _json\n"
    "print('SEQLAB_QUALITY', _json.dumps(globals().get('quality', {}), default=float))"
)


def run(path: Path) -> dict:
    """Execute ``path`` in a fresh kernel in its own folder; return seconds, quality and status."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(new_code_cell(REPORT_QUALITY))
    client = NotebookClient(notebook, kernel_name="seqlab", timeout=600, startup_timeout=300,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    error = ""
    try:
        client.execute()
    except Exception as exc:  # a failing notebook is a result to record, not a crash
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:120]}"
    seconds = time.perf_counter() - start
    quality = {}
    for output in notebook.cells[-1].get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith("SEQLAB_QUALITY "):
                quality = json.loads(line.removeprefix("SEQLAB_QUALITY "))
    return {"notebook": str(path.relative_to(ROOT)), "seconds": round(seconds, 1),
            "quality": quality, "error": error, "date": dt.date.today().isoformat()}


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{platform.processor() or platform.machine()}, {cores} cores, {platform.system()}, " \
           f"Python {platform.python_version()}"


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def merged(rows: list[dict], out: Path) -> list[dict]:
    """``rows`` plus the earlier rows in ``out``'s JSON for notebooks not measured this time
    (each keeps its own date), in course order; notebooks that no longer exist are dropped."""
    previous = out.with_suffix(".json")
    earlier = json.loads(previous.read_text()) if previous.exists() else {"rows": []}
    measured = {row["notebook"] for row in rows}
    kept = [
        {**row, "date": row.get("date", earlier.get("date", "?"))}
        for row in earlier["rows"]
        if row["notebook"] not in measured and (ROOT / row["notebook"]).exists()
    ]
    return sorted(rows + kept, key=lambda row: row["notebook"])


def write_report(rows: list[dict], out: Path) -> None:
    total = sum(row["seconds"] for row in rows)
    dates = sorted({row["date"] for row in rows})
    lines = [
        "# Notebook benchmark",
        "",
        f"Date: {', '.join(dates)} (each row gives the day it was measured)  ",
        f"Machine: {machine()}  ",
        f"Budget: {BUDGET_S} s per notebook; total {total:.0f} s ({total / 60:.1f} min)",
        "",
        "| notebook | seconds | within budget | quality | status | measured |",
        "|---|---:|:---:|---|---|---|",
    ]
    for row in rows:
        quality = ", ".join(f"{k} = {_fmt(v)}" for k, v in row["quality"].items()) or "—"
        ok = "yes" if row["seconds"] <= BUDGET_S else "**no**"
        lines.append(f"| `{row['notebook']}` | {row['seconds']:.1f} | {ok} | {quality} | "
                     f"{row['error'] or 'ok'} | {row['date']} |")
    out.write_text("\n".join(lines) + "\n")
    out.with_suffix(".json").write_text(json.dumps(
        {"date": dates[-1], "machine": machine(), "rows": rows}, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    paths = [p.resolve() for p in args.notebooks] or [
        *sorted(ROOT.glob("notebooks/*.ipynb")), *sorted(ROOT.glob("solutions/*.ipynb"))]
    rows = []
    for path in paths:
        rows.append(run(path))
        print(f"{rows[-1]['seconds']:7.1f} s  {rows[-1]['notebook']}  {rows[-1]['quality']} "
              f"{rows[-1]['error']}", flush=True)
    write_report(merged(rows, args.out), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
