"""Run one notebook in a sandboxed kernel, then the grader's probe cells; write what happened.

``python -m seqlab.grading.worker JOB.json RESULT.json``: the grader starts one worker process
per notebook (a submission, or the reference solution) in a process group of its own, and
kills the group if the worker outlives its hard limit. The worker copies the notebook into a
fresh temporary folder, starts the kernel there (see :mod:`seqlab.grading.sandbox`), runs
every code cell with the per-cell limit until the per-notebook limit, undoes the changes a
notebook can make to how the kernel runs code, runs the probe cells and writes a JSON result:

- ``status``: ``"ok"``, ``"unreadable"`` (not a notebook) or ``"kernel_failed"``;
  ``detail`` says why when not ``"ok"``;
- ``cells``: the code cells that did not simply succeed (``error``, ``timeout``, ``stuck``,
  ``died``), each with its position in the notebook and its first line;
- ``stopped``: why the notebook's cells stopped early, if they did;
- ``probes``: per question, the probe cell's status and what it printed.

Nothing is scored here: the records go back to the grader, which compares them.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from seqlab.grading.kernel import CellRun, Kernel, KernelGone
from seqlab.grading.sandbox import Limits, Sandbox

MAX_NOTEBOOK_BYTES = 50 << 20
MAX_PROBE_OUTPUT = 5_000_000

# Evaluated as a user expression, which bypasses input transformers: puts back what a
# notebook may have changed in how the kernel turns a cell into running code.
RESET_KERNEL = """exec('''
import sys
from IPython import get_ipython
from IPython.core.inputtransformer2 import TransformerManager
shell = get_ipython()
shell.input_transformer_manager = TransformerManager()
shell.input_transformers_post = []
shell.ast_transformers = []
for name in ("run_cell", "run_cell_async", "should_run_async", "transform_cell",
             "transform_ast", "run_ast_nodes", "run_code"):
    shell.__dict__.pop(name, None)
for event in ("pre_execute", "pre_run_cell", "post_execute", "post_run_cell"):
    shell.events.callbacks[event].clear()
sys.settrace(None)
sys.setprofile(None)
''', {})"""


class UnreadableNotebook(ValueError):
    """The file is not a notebook the grader can run."""


def read_code_cells(path: Path) -> list[tuple[int, str]]:
    """``(position, source)`` of each code cell, position counted from 1 over all cells.

    The notebook is read as plain JSON (nbformat 4's layout), not validated: a submission
    with odd metadata still runs, and the worker starts without nbformat's slow import.

    Raises:
        UnreadableNotebook: too large, not UTF-8, not JSON, or not shaped like a notebook.
    """
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise UnreadableNotebook(
            f"the file is {size >> 20} MB, more than {MAX_NOTEBOOK_BYTES >> 20} MB"
        )
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        if notebook.get("nbformat") != 4:
            raise ValueError(f"nbformat {notebook.get('nbformat')}, not 4")
        cells = []
        for position, cell in enumerate(notebook["cells"], start=1):
            if cell["cell_type"] == "code":
                source = cell["source"]
                cells.append((position, source if isinstance(source, str) else "".join(source)))
        return cells
    except Exception as error:  # any malformed file, however it fails to parse
        raise UnreadableNotebook(
            f"not a readable notebook ({type(error).__name__}: {error})"[:300]
        ) from None


def first_line(source: str, limit: int = 50) -> str:
    """The first line of code of ``source`` (comments skipped), to name a cell in feedback."""
    lines = [text.strip() for text in source.splitlines() if text.strip()]
    line = next((text for text in lines if not text.startswith("#")), lines[0] if lines else "")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def run_job(job: dict) -> dict:
    """Run the notebook of ``job`` and its probes; return the result described above."""
    result: dict = {"status": "ok", "detail": "", "cells": [], "stopped": None, "probes": {}}
    try:
        cells = read_code_cells(Path(job["notebook"]))
    except (UnreadableNotebook, OSError) as error:
        return result | {"status": "unreadable", "detail": str(error)}
    workdir = Path(job["workdir"])
    try:
        shutil.copyfile(job["notebook"], workdir / "submission.ipynb")
        sandbox = Sandbox(
            workdir,
            use_bwrap=job["bwrap"],
            uid=job["uid"],
            limits=Limits(**job["limits"]),
            hidden=tuple(Path(path) for path in job["hidden"]),
        )
        with Kernel(sandbox, threads=job["threads"]) as kernel:
            Path(job["kernel_pid_file"]).write_text(str(kernel.process.pid))
            _run_cells(kernel, cells, job, result)
            if kernel.alive():
                reset = kernel.run("pass", 30, user_expressions={"reset": RESET_KERNEL})
                if (reset.user_expressions or {}).get("reset", {}).get("status") != "ok":
                    result["reset_failed"] = True
                for probe in job["probes"]:
                    run = kernel.run(probe["source"], probe["timeout"], max_output=MAX_PROBE_OUTPUT)
                    result["probes"][probe["question"]] = {
                        "status": run.status,
                        "stdout": run.stdout,
                    }
    except KernelGone as error:
        result |= {"status": "kernel_failed", "detail": str(error)}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def _run_cells(kernel: Kernel, cells: list[tuple[int, str]], job: dict, result: dict) -> None:
    deadline = time.monotonic() + job["notebook_timeout"]
    for position, source in cells:
        if not source.strip():
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            result["stopped"] = {
                "cell": position,
                "reason": f"the notebook ran past its limit of {job['notebook_timeout']:g} s",
            }
            return
        run: CellRun = kernel.run(source, min(job["cell_timeout"], remaining), max_output=0)
        if run.status != "ok":
            result["cells"].append(
                {"cell": position, "first_line": first_line(source), "status": run.status,
                 "ename": run.ename, "evalue": run.evalue, "seconds": round(run.seconds, 1)}
            )  # fmt: skip
        if run.status in ("stuck", "died"):
            result["stopped"] = {"cell": position, "reason": run.status}
            return


def main(argv: list[str] | None = None) -> int:
    job_path, result_path = (argv or sys.argv[1:])[:2]
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    started = time.monotonic()
    result = run_job(job)
    result["seconds"] = round(time.monotonic() - started, 2)
    partial = Path(result_path).with_suffix(".partial")
    partial.write_text(json.dumps(result), encoding="utf-8")
    os.replace(partial, result_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
