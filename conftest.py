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


FOLDER_ORDER = {"notebooks": 0, "tests": 1, "solutions": 2}


def pytest_collection_modifyitems(config, items):
    """Longest work first. ``make test`` hands whole files to two workers in this order
    (``--dist loadfile --no-loadscope-reorder``): the lecture notebooks, the longest files, start
    first and the short solution notebooks end the run, so that no worker waits at the end on
    the other's last long file. xdist's own order (most tests first) left the lectures with the
    fewest cells, among the longest, to the end."""

    def folder(item) -> int:
        try:
            return FOLDER_ORDER.get(Path(item.path).relative_to(config.rootpath).parts[0], 1)
        except ValueError:
            return 1

    items.sort(key=folder)  # stable: each file's tests (a notebook's cells) keep their order


def pytest_sessionfinish(session, exitstatus):
    """A run that collected no tests is a broken run, not a green one."""
    if exitstatus == 5:
        print("\nNo tests were collected: check the paths given to pytest.")
        session.exitstatus = 1
