"""Every lab, one by one: its solution passes its public checks, and its probes match it.

The per-lab files (``test_labs_03_04.py``, ...) test what is particular to each lab: the
mistakes its checks recognise, its probes against independent references, and grading end to
end.
"""

import importlib

import nbformat
import pytest
from labtools import SOLUTIONS, answers

from seqlab import labs
from seqlab.checks.compare import describe_mismatch
from seqlab.grading import probes as grader_probes

NUMBERS = [path.name[:2] for path in SOLUTIONS]


def test_every_solution_has_its_checks_and_probes():
    assert {f"{n:02d}" for n in range(2, 12)} <= set(NUMBERS), "labs 02-11 each have a solution"
    for number in NUMBERS:
        importlib.import_module(f"seqlab.checks.lab{number}")
        assert grader_probes.load(number)


@pytest.mark.parametrize("number", NUMBERS)
def test_the_solution_passes_every_public_check(number, capsys):
    check = importlib.import_module(f"seqlab.checks.lab{number}")
    namespace = answers(number)
    for question, probe in grader_probes.load(number).items():
        getattr(check, question)(namespace[probe.function])
        assert f"{question}: all" in capsys.readouterr().out


@pytest.mark.parametrize("number", NUMBERS)
def test_probes_name_the_solution_questions_and_their_functions(number):
    notebook = nbformat.read(SOLUTIONS[NUMBERS.index(number)], as_version=4)
    probes = grader_probes.load(number)
    assert [question.id for question in labs.questions(notebook)] == list(probes)
    namespace = answers(number)
    assert all(callable(namespace.get(probe.function)) for probe in probes.values())


@pytest.mark.parametrize("number", NUMBERS)
def test_probe_inputs_are_drawn_afresh_for_every_seed(number):
    probes = grader_probes.load(number)
    first, again, other = (grader_probes.draw_calls(probes, seed) for seed in (1, 1, 2))
    for question in probes:
        same = [call.args for call in again[question]], [call.args for call in first[question]]
        assert describe_mismatch(*same) is None, f"{question}: same seed, other inputs"
    assert any(
        describe_mismatch([c.args for c in other[q]], [c.args for c in first[q]]) for q in probes
    ), "another seed draws the same inputs"
