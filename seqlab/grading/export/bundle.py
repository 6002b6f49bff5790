"""The payload every platform bundle carries, and the files that install seqlab there.

A payload folder holds:

- ``seqlab_bundle.json``: the lab, the seed of the probe calls, the limits, and the reference
  solution's records for every call (question -> call number -> records, as
  :func:`seqlab.grading.scoring.expected_results` returns them), computed here at build time;
- ``<lab>.ipynb``: the question cells of the solution, answers removed (the grader reads the
  questions and their points from it; the solution itself stays on the instructor's machine).

The install files: ``setup.sh`` (below), the seqlab wheel built from this checkout, and
``requirements.lock``: ``setup.sh`` installs the wheel with the lock as constraints, so the
platform gets seqlab's run-time dependencies at exactly the locked versions (and not the
lock's development tools).
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat

import seqlab
from seqlab import labs
from seqlab.grading.grader import Grader, Settings
from seqlab.grading.sandbox import Limits
from seqlab.grading.scoring import Records

PAYLOAD = "seqlab_bundle.json"
FORMAT = 1
ROOT = Path(seqlab.__file__).resolve().parents[1]  # a checkout: pyproject.toml, requirements.lock

# Runs as root on the platform's Ubuntu image (Gradescope: once, while building the image,
# https://gradescope-autograders.readthedocs.io/en/latest/specs/), or in a Dockerfile
# (PrairieLearn). SEQLAB_VENV, SEQLAB_PYTHON and SEQLAB_NO_APT let a test run it elsewhere.
SETUP_SH = r"""#!/usr/bin/env bash
# Installs seqlab and its locked run-time dependencies into a virtual environment.
#   SEQLAB_VENV    where (default /autograder/venv, Gradescope's image)
#   SEQLAB_PYTHON  the Python to build it from (default python3; seqlab needs 3.10-3.13)
#   SEQLAB_NO_APT  set: do not apt-get python3-venv and bubblewrap (already there)
#   SEQLAB_NO_BYTECODE  set: skip compiling byte-code (quicker set-up, ~9 s more per kernel)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${SEQLAB_VENV:-/autograder/venv}
python=${SEQLAB_PYTHON:-python3}
started=$(date +%s)

if [ -z "${SEQLAB_NO_APT:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # bubblewrap: the grader's sandbox, used where the container lets it create namespaces.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-venv bubblewrap
fi
"$python" -m venv "$venv"
# uv installs TensorFlow and the rest in seconds; pip does the same, more slowly.
compile=--compile-bytecode
[ -n "${SEQLAB_NO_BYTECODE:-}" ] && compile=""
if "$venv/bin/python" -m pip install --quiet --disable-pip-version-check uv; then
    "$venv/bin/uv" pip install --python "$venv/bin/python" $compile \
        -c "$here/requirements.lock" "$here"/seqlab-*.whl
else
    "$venv/bin/python" -m pip install --disable-pip-version-check \
        -c "$here/requirements.lock" "$here"/seqlab-*.whl
fi
if [ -f "$here/seqlab_bundle.json" ]; then
    # The payload holds the reference results: only root (the grader) reads it.
    chmod -R go-rwx "$here"
    "$venv/bin/python" -m seqlab.grading.export.runner check --bundle "$here"
fi
echo "seqlab: set up in $(( $(date +%s) - started )) s"
"""


@dataclass(frozen=True)
class Payload:
    """A payload read back: what the platform grades with."""

    folder: Path
    lab: str
    seed: int
    settings: Settings
    reference: Records
    points: dict[str, float]

    @property
    def notebook(self) -> Path:
        return self.folder / f"{self.lab}.ipynb"

    @property
    def out_of(self) -> float:
        return sum(self.points.values())


def write_payload(
    solution: Path,
    folder: Path,
    settings: Settings | None = None,
    log: Callable[[str], None] = lambda text: print(text, file=sys.stderr, flush=True),
) -> Path:
    """Run the reference solution once and write the payload into ``folder``; return the
    JSON file. ``settings.seed`` (drawn now when ``None``) fixes the calls for the bundle.

    Raises what :class:`~seqlab.grading.Grader` and its ``reference`` raise (no probes for
    the lab, a solution that does not run, no sandbox where one is required).
    """
    solution, settings = Path(solution), settings or Settings()
    seed = settings.seed if settings.seed is not None else secrets.randbits(63)
    settings = replace(settings, seed=seed, jobs=1)
    started = time.monotonic()
    with Grader(solution, settings, log) as grader:
        reference = grader.reference()
        questions = grader.questions
    log(f"Reference results of {solution.name} computed in {time.monotonic() - started:.0f} s.")
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(questions_only(solution), folder / f"{solution.stem}.ipynb")
    data = {
        "format": FORMAT,
        "lab": solution.stem,
        "seed": seed,
        "seqlab": _version(),
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "timeout": settings.timeout,
        "cell_timeout": settings.cell_timeout,
        "memory_bytes": settings.limits.memory_bytes,
        "points": {q.id: q.points for q in questions},
        "reference": {
            question: {str(number): records for number, records in calls.items()}
            for question, calls in reference.items()
        },
    }
    path = folder / PAYLOAD
    path.write_text(json.dumps(data, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    return path


def read_payload(folder: Path) -> Payload:
    """The payload in ``folder``.

    Raises:
        OSError, ValueError, KeyError: no payload there, or not one this seqlab reads.
    """
    data = json.loads((Path(folder) / PAYLOAD).read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{PAYLOAD} has format {data.get('format')!r}, this seqlab reads {FORMAT}")
    settings = Settings(
        jobs=1,
        timeout=float(data["timeout"]),
        cell_timeout=float(data["cell_timeout"]),
        limits=Limits(memory_bytes=int(data["memory_bytes"])),
        seed=int(data["seed"]),
    )
    reference = {
        question: {int(number): records for number, records in calls.items()}
        for question, calls in data["reference"].items()
    }
    points = {question: float(value) for question, value in data["points"].items()}
    return Payload(Path(folder), data["lab"], int(data["seed"]), settings, reference, points)


def questions_only(solution: Path) -> nbformat.NotebookNode:
    """The solution's question cells (metadata and empty answer regions), nothing else."""
    notebook = nbformat.read(solution, as_version=4)
    kept = nbformat.v4.new_notebook(metadata=notebook.metadata)
    for question in labs.questions(notebook):
        cell = notebook.cells[question.cell_index]
        kept.cells.append(
            nbformat.v4.new_code_cell(
                f"{labs.BEGIN}\n{labs.END}", metadata={"seqlab": cell.metadata["seqlab"]}
            )
        )
    for index, cell in enumerate(kept.cells):
        cell.id = f"question-{index + 1}"
    return kept


def install_files(folder: Path, wheel: Path | None = None) -> list[Path]:
    """Write ``setup.sh``, the seqlab wheel (``wheel``, or one built from this checkout) and
    ``requirements.lock`` into ``folder``.

    Raises:
        FileNotFoundError: no ``wheel`` given and seqlab is not run from a checkout.
        RuntimeError: the wheel could not be built.
    """
    folder.mkdir(parents=True, exist_ok=True)
    lock = ROOT / "requirements.lock"
    if not lock.exists() or not (ROOT / "pyproject.toml").exists():
        raise FileNotFoundError(
            f"{ROOT} is not a seqlab checkout (no pyproject.toml and requirements.lock): "
            "export from a clone of the course repository"
        )
    if wheel is None:
        wheel = build_wheel(folder)
    else:
        wheel = Path(wheel)
        (folder / wheel.name).write_bytes(wheel.read_bytes())
        wheel = folder / wheel.name
    setup = folder / "setup.sh"
    setup.write_text(SETUP_SH, encoding="utf-8")
    setup.chmod(0o755)
    (folder / "requirements.lock").write_bytes(lock.read_bytes())
    return [setup, wheel, folder / "requirements.lock"]


def build_wheel(folder: Path) -> Path:
    """Build the seqlab wheel from this checkout into ``folder`` (hatchling, the build backend
    of pyproject.toml); return its path."""
    with tempfile.TemporaryDirectory() as scratch:
        run = subprocess.run(
            [sys.executable, "-c", "import sys\nfrom hatchling.build import build_wheel\n"
             "print(build_wheel(sys.argv[1]))", scratch],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if run.returncode != 0:
            raise RuntimeError(
                f"building the seqlab wheel failed (is hatchling installed? pip install "
                f"hatchling, or pass --wheel): {run.stderr.strip()[-300:]}"
            )
        built = Path(scratch) / run.stdout.strip().splitlines()[-1]
        target = folder / built.name
        target.write_bytes(built.read_bytes())
    return target


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("seqlab")
    except Exception:
        return "unknown"
