"""Gradescope's autograder bundle, and the ``results.json`` it expects.

Written from Gradescope's autograder specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): a zip with ``setup.sh``
and ``run_autograder`` at its root; Gradescope unpacks it into ``/autograder/source``, runs
``setup.sh`` once as root while building the image (Ubuntu; ``apt-get update`` already
done), copies ``run_autograder`` to ``/autograder/run_autograder`` and runs it, in
``/autograder``, for each submission, whose files are in ``/autograder/submission``. It must
write ``/autograder/results/results.json``: ``score``, and ``tests``, each with ``name``,
``score``, ``max_score``, ``status`` (``passed``/``failed``), ``output`` and ``visibility``
(``visible``, ``hidden``, ``after_due_date``, ``after_published``); top-level ``output``,
``visibility``, ``stdout_visibility``, ``execution_time`` (seconds) and ``extra_data``.
``/autograder/results/stdout`` (what ``run_autograder`` prints) is for instructors.

What students see: one test per question (points, and how many of its cases passed) with the
visibility ``--visibility`` (default ``visible``); for a question that lost points, a second
entry worth 0 points lists each failed case (the call, what came back, what was expected)
with the visibility ``--details-visibility`` (default ``after_due_date``), since the calls
are the same for the whole class (:mod:`seqlab.grading.export`). The top-level ``output``
says how the notebook ran and whether the kernel ran in the bubblewrap sandbox.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

from seqlab.grading.export.bundle import install_files, write_payload
from seqlab.grading.export.runner import Outcome, visible_summary

OPTIONS = "gradescope.json"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission, as root, in /autograder: it grades the notebook in
# /autograder/submission with seqlab (installed by setup.sh) and the payload in
# /autograder/source, and writes /autograder/results/results.json.
python=${SEQLAB_VENV:-/autograder/venv}/bin/python
if [ ! -x "$python" ]; then
    mkdir -p /autograder/results
    cat > /autograder/results/results.json <<'JSON'
{"score": 0, "tests": [],
 "output": "The autograder is not set up (setup.sh did not install seqlab): tell your instructor."}
JSON
    echo "seqlab: no $python; did setup.sh fail?"
    exit 0
fi
exec "$python" -m seqlab.grading.export.runner gradescope --bundle /autograder/source \\
    --submission /autograder/submission --results /autograder/results/results.json
"""


def export(
    solution: Path,
    out: Path,
    settings,
    visibility: str = "visible",
    details_visibility: str = "after_due_date",
    sandbox: str = "auto",
    wheel: Path | None = None,
    log=print,
) -> Path:
    """Write Gradescope's ``autograder.zip`` for ``solution`` at ``out``; return ``out``."""
    for value in (visibility, details_visibility):
        if value not in VISIBILITIES:
            raise ValueError(f"visibility {value!r} is not one of {', '.join(VISIBILITIES)}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        write_payload(solution, folder, settings, log)
        install_files(folder, wheel)
        script = folder / "run_autograder"
        script.write_text(RUN_AUTOGRADER, encoding="utf-8")
        script.chmod(0o755)
        options = {
            "visibility": visibility,
            "details_visibility": details_visibility,
            "sandbox": sandbox,
        }
        (folder / OPTIONS).write_text(json.dumps(options, indent=1) + "\n", encoding="utf-8")
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):  # at the root of the zip, modes kept
                archive.write(path, path.name)
    return out


def read_options(bundle: Path) -> dict:
    try:
        return json.loads((Path(bundle) / OPTIONS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def results(outcome: Outcome, options: dict) -> dict:
    """Gradescope's ``results.json`` for ``outcome``."""
    visibility = options.get("visibility", "visible")
    details = options.get("details_visibility", "after_due_date")
    grade, payload = outcome.grade, outcome.payload
    extra = {"notebook": outcome.notebook, "sandbox": outcome.sandbox,
             "seconds": round(outcome.seconds, 1)}  # fmt: skip
    if payload is not None:
        extra |= {"lab": payload.lab, "seed": payload.seed}
    if grade is None:
        tests = []
        if payload is not None:
            tests = [
                {"name": question, "score": 0.0, "max_score": points, "status": "failed",
                 "output": "not graded (see above)", "visibility": visibility}
                for question, points in payload.points.items()
            ]  # fmt: skip
        return {
            "score": 0.0,
            "execution_time": round(outcome.seconds),
            "output": outcome.problem,
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": tests,
            "extra_data": extra | {"fault": outcome.fault},
        }
    tests = []
    for score in grade.scores:
        name = f"{score.question}: {score.function}"
        tests.append(
            {
                "name": name,
                "score": score.points,
                "max_score": score.out_of,
                "status": "passed" if score.passed == score.cases else "failed",
                "output": visible_summary(score),
                "visibility": visibility,
            }
        )
        if score.failures:
            tests.append(
                {
                    "name": f"{name}, the failed cases",
                    "score": 0.0,
                    "max_score": 0.0,
                    "status": "failed",
                    "output": "\n".join(f"- {failure}" for failure in score.failures),
                    "visibility": details,
                }
            )
    lines = [f"Total: {grade.total:g} / {grade.out_of:g}"]
    if grade.notes:
        lines += ["", "How your notebook ran:"] + [f"- {note}" for note in grade.notes]
    lines += ["", f"Graded {outcome.notebook} in {outcome.seconds:.0f} s, {outcome.sandbox}."]
    return {
        "score": grade.total,
        "execution_time": round(outcome.seconds),
        "output": "\n".join(lines),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": extra,
    }


def failure(message: str) -> dict:
    """The ``results.json`` of a run that could not even be set up."""
    return {"score": 0.0, "output": message, "stdout_visibility": "hidden", "tests": []}
