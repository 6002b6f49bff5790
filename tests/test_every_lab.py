"""Every lab, one by one: its solution passes its public checks, its probes match it, and the
untouched lab earns nothing.

The per-lab files (``test_labs_03_04.py``, ...) test what is particular to each lab: the
mistakes its checks recognise, its probes against independent references, and grading end to
end.
"""

import importlib

import nbformat
import pytest
from labtools import SOLUTIONS, answers, stubs

from seqlab import labs
from seqlab.checks.compare import describe_mismatch
from seqlab.grading import probes as grader_probes
from seqlab.grading.probes import local
from seqlab.labs import Question

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


@pytest.mark.parametrize("number", NUMBERS)
def test_the_untouched_lab_earns_nothing_and_each_question_says_not_implemented(number):
    """Scored in this process, as the grader scores a kernel's records; the per-lab files grade
    one mistake end to end in the sandbox, and ``test_grading`` the untouched lab 02."""
    probes = grader_probes.load(number)
    calls = grader_probes.draw_calls(probes, seed=int(number))
    solution, lab = answers(number), stubs(number)
    for question, probe in probes.items():
        expected = local.records(solution[probe.function], probe, calls[question])
        result = local.score(
            Question(question, 2.0, 0), probe, calls[question], expected, lab[probe.function]
        )
        assert (result.points, result.passed) == (0, 0), f"{question}: {result.summary}"
        assert result.summary == "not implemented", f"{question}: {result.summary}"
