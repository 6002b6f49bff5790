"""Test-session set-up shared by the unit tests and the notebook runs (nbval).

Notebook cells marked ``# NBVAL_CHECK_OUTPUT`` are compared with their committed
outputs. Only what a cell prints to stdout and displays is compared: stderr
carries library warnings whose wording changes between releases.
"""

import os

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


def pytest_sessionfinish(session, exitstatus):
    """A run that collected no tests is a broken run, not a green one."""
    if exitstatus == 5:
        print("\nNo tests were collected: check the paths given to pytest.")
        session.exitstatus = 1
