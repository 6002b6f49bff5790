"""The checks and the grader measured against the catalogue of common mistakes (labs 02-11).

For every catalogued mistake (``seqlab/checks/catalogue/labNN.py``): the check fails it and says
what it must say to locate it, and nothing that locates another mistake of the question; the
grader, scoring in this process on its own probe calls, takes points off it. The solution and
the right answers written another way pass the check and earn full marks. Over the whole
catalogue at least 90 % of the mistakes are located.
"""

import importlib
import warnings
from functools import cache

import pytest
from labtools import SOLUTIONS, answers

from seqlab.checks import catalogue
from seqlab.grading import probes as grader_probes
from seqlab.grading.probes import local
from seqlab.labs import Question

NUMBERS = [path.name[:2] for path in SOLUTIONS]
SEEDS = (11, 12)  # probe draws: two per lab, so that a mistake must show on any draw
LOCATED_SHARE = 0.90


def _define(number, code, question):
    function = grader_probes.load(number)[question].function
    return catalogue.define(code, function, answers(number))


@cache
def _messages(number: str) -> dict:
    """What the check of each question says to each of its mistakes: {(question, name): text}."""
    check = importlib.import_module(f"seqlab.checks.lab{number}")
    found = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflowing mistakes warn; fine here
        for question, mistakes in catalogue.load(number).MISTAKES.items():
            for mistake in mistakes:
                found[question, mistake.name] = catalogue.check_message(
                    getattr(check, question), _define(number, mistake.code, question)
                )
    return found


def _entries():
    for number in NUMBERS:
        for question, mistakes in catalogue.load(number).MISTAKES.items():
            for mistake in mistakes:
                name = f"{number}-{question}-{mistake.name}"
                yield pytest.param(number, question, mistake, id=name)


def test_every_graded_question_has_three_mistakes_or_more():
    for number in NUMBERS:
        listed = catalogue.load(number).MISTAKES
        probes = grader_probes.load(number)
        assert list(listed) == list(probes), f"lab {number}: one entry per question"
        for question, mistakes in listed.items():
            assert len(mistakes) >= 3, f"lab {number} {question}: {len(mistakes)} mistakes"
            assert len({m.name for m in mistakes}) == len(mistakes), f"{number} {question}: names"


@pytest.mark.parametrize(("number", "question", "mistake"), list(_entries()))
def test_the_check_fails_the_mistake_and_blames_nothing_else(number, question, mistake):
    message = _messages(number)[question, mistake.name]
    assert message is not None, f"the check passes the mistake {mistake.name!r}"
    assert not message.startswith("the check itself raised"), message
    others = {m.locates for m in catalogue.load(number).MISTAKES[question]} - {mistake.locates}
    blamed = [words for words in others if words.lower() in message.lower()]
    assert not blamed, f"{mistake.name!r} gets the hint for {blamed}: {message}"


def test_the_checks_locate_at_least_90_percent_of_the_catalogue():
    total, located = 0, 0
    missed = []
    for number in NUMBERS:
        for question, mistakes in catalogue.load(number).MISTAKES.items():
            for mistake in mistakes:
                message = _messages(number)[question, mistake.name]
                total += 1
                if catalogue.located(mistake, message):
                    located += 1
                else:
                    missed.append(f"{number} {question} {mistake.name}: {message}")
    summary = f"{located}/{total} located; missed:\n" + "\n".join(missed)
    assert located / total >= LOCATED_SHARE, summary


@pytest.mark.parametrize("number", NUMBERS)
def test_variants_pass_the_check(number):
    check = importlib.import_module(f"seqlab.checks.lab{number}")
    for question, variants in catalogue.load(number).VARIANTS.items():
        for variant in variants:
            message = catalogue.check_message(
                getattr(check, question), _define(number, variant.code, question)
            )
            assert message is None, f"{question} {variant.name}: {message}"


@pytest.mark.parametrize("number", NUMBERS)
def test_the_grader_takes_points_off_every_mistake_and_not_off_variants(number):
    probes = grader_probes.load(number)
    module = catalogue.load(number)
    namespace = answers(number)
    problems = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for seed in SEEDS:
            calls = grader_probes.draw_calls(probes, seed)
            for question, probe in probes.items():
                graded = Question(question, 2.0, 0)
                expected = local.records(namespace[probe.function], probe, calls[question])
                for mistake in module.MISTAKES[question]:
                    function = _define(number, mistake.code, question)
                    result = local.score(graded, probe, calls[question], expected, function)
                    if result.passed == result.cases:
                        problems.append(f"seed {seed} {question} {mistake.name}: full marks")
                for variant in module.VARIANTS.get(question, []):
                    function = _define(number, variant.code, question)
                    result = local.score(graded, probe, calls[question], expected, function)
                    if result.passed != result.cases:
                        problems.append(f"seed {seed} {question} {variant.name}: {result.summary}")
    assert not problems, "\n".join(problems)
