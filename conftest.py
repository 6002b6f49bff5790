"""Test-session set-up shared by the unit tests and the notebook runs (nbval).

Notebook cells marked ``# NBVAL_CHECK_OUTPUT`` are compared with their committed
outputs. Only what a cell prints to stdout and displays is compared: stderr
carries library warnings whose wording changes between releases.
"""

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("PYTHONHASHSEED", "0")

try:
    from nbval.plugin import IPyNbCell
except ImportError:  # nbval is a dev dependency; unit tests run without it
    IPyNbCell = None


def _without_stderr(outputs):
    return [
        output
        for output in outputs
        if not (output.get("output_type") == "stream" and output.get("name") == "stderr")
    ]


if IPyNbCell is not None:
    _compare_outputs = IPyNbCell.compare_outputs

    def _compare_outputs_but_stderr(self, test, ref, skip_compare=None):
        return _compare_outputs(self, _without_stderr(test), _without_stderr(ref), skip_compare)

    IPyNbCell.compare_outputs = _compare_outputs_but_stderr


def pytest_collection_modifyitems(config, items):
    """The order ``make test`` hands whole files to its two workers (``--dist loadfile
    --no-loadscope-reorder``): lecture notebooks alternate with test files, so that a worker
    running a lecture (TensorFlow on both cores) mostly has a lighter, one-core test file
    beside it rather than another lecture, and the short solution notebooks come last, so that
    neither worker waits at the end on the other's last long file. (xdist's own order, most
    tests first, left the lectures with the fewest cells and the two-test browser and fairness
    files to the end.)"""

    def folder(item) -> str:
        try:
            return Path(item.path).relative_to(config.rootpath).parts[0]
        except ValueError:
            return "tests"

    files: dict[str, dict] = {"notebooks": {}, "tests": {}, "solutions": {}}
    for item in items:
        files.setdefault(folder(item), {}).setdefault(item.path, []).append(item)
    lectures, tests = list(files.pop("notebooks").values()), list(files.pop("tests").values())
    solutions = [group for rest in files.values() for group in rest.values()]
    ordered = []
    for index in range(max(len(lectures), len(tests))):
        ordered += lectures[index : index + 1] + tests[index : index + 1]
    # each file's tests (a notebook's cells) keep their order
    items[:] = [item for group in ordered + solutions for item in group]


def pytest_sessionfinish(session, exitstatus):
    """A run that collected no tests is a broken run, not a green one."""
    if exitstatus == 5:
        print("\nNo tests were collected: check the paths given to pytest.")
        session.exitstatus = 1
