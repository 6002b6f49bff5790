"""benchmarks/ci_time.py reads pytest's report right: seconds per test file and the summary line,
and its table says which runs kept to the 12-minute budget."""

import importlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORT = """\
.venv/bin/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder
============================= slowest durations =============================
77.88s setup    tests/test_grading_adversarial.py::test_every_submission_gets_a_row
38.95s call     tests/test_labs_09_10.py::test_grading_takes_points_off_one_mistake[10 with space]
30.27s call     notebooks/07_entity_recognition.ipynb::Cell 20
12.00s call     notebooks/07_entity_recognition.ipynb::Cell 21
1.50s teardown tests/test_labs_09_10.py::test_grading_takes_points_off_one_mistake[09]
(12 durations < 0.5s hidden.  Use -vv to show these durations.)
======================= 1 failed, 1869 passed in 721.07s (0:12:01) =======================
"""


@pytest.fixture
def ci_time(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module("ci_time")


def test_seconds_are_summed_per_file(ci_time, tmp_path):
    log = tmp_path / "ci.log"
    log.write_text(REPORT, encoding="utf-8")
    assert ci_time.slowest_files(log) == [
        ("tests/test_grading_adversarial.py", 77.88),
        ("notebooks/07_entity_recognition.ipynb", 42.27),
        ("tests/test_labs_09_10.py", 40.45),
    ]
    assert ci_time.pytest_summary(log) == "1 failed, 1869 passed in 721.07s (0:12:01)"


def test_a_run_that_never_reached_pytest_says_so(ci_time, tmp_path):
    log = tmp_path / "ci.log"
    log.write_text("make: *** [Makefile:20: .venv/.installed] Error 1\n", encoding="utf-8")
    assert ci_time.slowest_files(log) == []
    assert ci_time.pytest_summary(log) == "pytest did not report"


def test_the_table_puts_the_newest_run_first_and_marks_the_budget(ci_time, tmp_path):
    row = {"date": "2026-11-29", "machine": "x86_64, 2 cores", "code": 0, "setup_s": 32.0,
           "busy_s": 1394, "idle_s": 103, "pytest": "1870 passed",
           "slowest": [("tests/a.py", 78.0)]}
    newest = {**row, "commit": "bbbbbbb", "total_s": 700.0, "within": True}
    older = {**row, "commit": "aaaaaaa", "total_s": 790.0, "within": False}
    out = tmp_path / "ci_time_results.md"
    ci_time.write_report([newest, older], out)
    lines = out.read_text(encoding="utf-8").splitlines()
    table = [line for line in lines if line.startswith("| 2026")]
    assert [line.split(" | ")[1] for line in table] == ["`bbbbbbb`", "`aaaaaaa`"]
    assert [line.split(" | ")[5] for line in table] == ["yes", "no"]
    assert json.loads(out.with_suffix(".json").read_text())["rows"][0]["commit"] == "bbbbbbb"
