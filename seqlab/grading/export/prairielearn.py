"""PrairieLearn's external grader for a lab: a question folder, a grader image, ``results.json``.

Written from PrairieLearn's external-grading documentation
(https://prairielearn.readthedocs.io/en/latest/externalGrading/): a question whose
``info.json`` has ``"gradingMethod": "External"`` and ``externalGradingOptions`` (``enabled``,
``image``, ``entrypoint``, ``timeout`` of at most 600 s) is graded in a container of that
image, with the question's ``tests/`` folder at ``/grade/tests``, the student's files at
``/grade/student`` and the question data at ``/grade/data/data.json``; the entry point writes
``/grade/results/results.json`` (the folder is not made for it): ``score`` in [0, 1],
``gradable`` (``false``: the submission is invalid, no attempt is used, ``format_errors``
says why), ``message``, ``output`` and ``tests``, each with ``name``, ``description``,
``points``, ``max_points``, ``message`` and ``output``.

``seqlab export prairielearn SOLUTION --out DIR`` writes:

- ``DIR/questions/<lab>/``: ``info.json``, ``question.html`` (a ``pl-file-upload`` for the lab
  notebook and ``pl-external-grader-results``), ``tests/`` (the payload and ``run.sh``, the
  entry point);
- ``DIR/image/``: ``Dockerfile``, ``setup.sh``, the seqlab wheel and ``requirements.lock``,
  to build the grader image (``docker build``, then push it to Docker Hub under the name
  given with ``--image``).

PrairieLearn shows students every test's message and output: the failed cases (inputs and
expected values, the same for the whole class) are left out unless ``--show-failed-cases``.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

from seqlab.grading.export.bundle import install_files, write_payload
from seqlab.grading.export.runner import Outcome, visible_summary

OPTIONS = "prairielearn.json"
TIMEOUT_S = 600  # PrairieLearn's largest; a lab's own limits are 300 s of CPU for the notebook
RUN_SH = """#!/bin/sh
# PrairieLearn's entry point for this question (externalGradingOptions.entrypoint): grades the
# notebook in /grade/student with seqlab (installed in the image) and the payload in /grade/tests.
python=${SEQLAB_VENV:-/opt/seqlab}/bin/python
mkdir -p /grade/results
if [ ! -x "$python" ]; then
    cat > /grade/results/results.json <<'JSON'
{"gradable": false, "score": 0, "tests": [],
 "message": "The grader image has no seqlab: tell your instructor.",
 "format_errors": ["The grader image has no seqlab: tell your instructor."]}
JSON
    exit 0
fi
exec "$python" -m seqlab.grading.export.runner prairielearn --bundle /grade/tests \\
    --submission /grade/student --results /grade/results/results.json
"""
DOCKERFILE = """\
# The grader image of the seqlab questions: Ubuntu, seqlab and its locked dependencies.
#   docker build -t {image} . && docker push {image}
FROM ubuntu:22.04
COPY . /opt/seqlab-setup
RUN apt-get update \\
    && SEQLAB_VENV=/opt/seqlab /opt/seqlab-setup/setup.sh \\
    && rm -rf /var/lib/apt/lists/* /root/.cache
"""
QUESTION_HTML = """\
<pl-question-panel>
  <p>Upload your notebook <code>{notebook}</code>, with your answers in it. The grader runs it
  and tests each function it defines.</p>
</pl-question-panel>

<pl-file-upload file-names="{notebook}"></pl-file-upload>

<pl-submission-panel>
  <pl-external-grader-results></pl-external-grader-results>
  <pl-file-preview></pl-file-preview>
</pl-submission-panel>
"""


def export(
    solution: Path,
    out: Path,
    settings,
    image: str = "YOUR_DOCKERHUB_NAME/seqlab-grader",
    show_failed_cases: bool = False,
    sandbox: str = "auto",
    wheel: Path | None = None,
    log=print,
) -> Path:
    """Write the question folder and the image folder for ``solution`` under ``out``; return
    the question folder."""
    solution, out = Path(solution), Path(out)
    question = out / "questions" / solution.stem
    tests = question / "tests"
    if tests.exists():
        shutil.rmtree(tests)
    write_payload(solution, tests, settings, log)
    run = tests / "run.sh"
    run.write_text(RUN_SH, encoding="utf-8")
    run.chmod(0o755)
    options = {"show_failed_cases": show_failed_cases, "sandbox": sandbox}
    (tests / OPTIONS).write_text(json.dumps(options, indent=1) + "\n", encoding="utf-8")
    info = {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"seqlab/{solution.stem}")),
        "title": f"Lab {solution.stem}",
        "topic": "seqlab",
        "type": "v3",
        "singleVariant": True,
        "gradingMethod": "External",
        "externalGradingOptions": {
            "enabled": True,
            "image": image,
            "entrypoint": "/grade/tests/run.sh",
            "timeout": TIMEOUT_S,
        },
    }
    (question / "info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    html = QUESTION_HTML.format(notebook=f"{solution.stem}.ipynb")
    (question / "question.html").write_text(html, encoding="utf-8")
    folder = out / "image"
    if folder.exists():
        shutil.rmtree(folder)
    install_files(folder, wheel)
    (folder / "Dockerfile").write_text(DOCKERFILE.format(image=image), encoding="utf-8")
    return question


def read_options(bundle: Path) -> dict:
    try:
        return json.loads((Path(bundle) / OPTIONS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def results(outcome: Outcome, options: dict) -> dict:
    """PrairieLearn's ``results.json`` for ``outcome``."""
    grade = outcome.grade
    if grade is None:
        return {
            "gradable": False,
            "score": 0.0,
            "message": outcome.problem,
            "format_errors": [outcome.problem],
            "tests": [],
        }
    show = bool(options.get("show_failed_cases"))
    tests = [
        {
            "name": score.question,
            "description": f"the function {score.function}",
            "points": score.points,
            "max_points": score.out_of,
            "message": visible_summary(score),
            "output": "\n".join(f"- {failure}" for failure in score.failures) if show else "",
        }
        for score in grade.scores
    ]
    lines = [f"Graded {outcome.notebook} in {outcome.seconds:.0f} s, {outcome.sandbox}."]
    if grade.notes:
        lines += ["How your notebook ran:"] + [f"- {note}" for note in grade.notes]
    return {
        "gradable": True,
        "score": round(grade.total / grade.out_of, 6) if grade.out_of else 0.0,
        "message": f"{grade.total:g} / {grade.out_of:g} points",
        "output": "\n".join(lines),
        "tests": tests,
    }


def failure(message: str) -> dict:
    """The ``results.json`` of a run that could not even be set up."""
    return {"gradable": False, "score": 0.0, "message": message, "format_errors": [message]}
