"""The class report: per question the share of full marks, the catalogued mistakes found and who
made them, a Markdown file and its bar chart beside the gradebook."""

from dataclasses import dataclass

import nbformat
from labtools import answers, solution_path

from seqlab import labs
from seqlab.checks import catalogue
from seqlab.grading import probes as grader_probes
from seqlab.grading.probes import local
from seqlab.grading.report import write_class_report


@dataclass
class Graded:  # what the report reads of a SubmissionGrade
    student: str
    scores: list


def test_the_report_names_who_made_which_mistake(tmp_path):
    solution = solution_path("02")
    questions = labs.questions(nbformat.read(solution, as_version=4))
    probes = grader_probes.load("02")
    calls = grader_probes.draw_calls(probes, 5)
    namespace = answers("02")
    expected = {
        q: local.records(namespace[probe.function], probe, calls[q]) for q, probe in probes.items()
    }
    mistakes = {m.name: m for m in catalogue.load("02").MISTAKES["q2"]}

    def graded(student, wrong=None):
        scores = []
        for question in questions:
            probe = probes[question.id]
            function = namespace[probe.function]
            if question.id == "q2" and wrong:
                function = catalogue.define(mistakes[wrong].code, "encode", namespace)
            scores.append(local.score(question, probe, calls[question.id], expected[question.id],
                                      function))
        return Graded(student, scores)

    grades = [
        graded("ada"),
        graded("bob", "unknown words mapped to 0"),
        graded("cy", "unknown words mapped to 0"),
        graded("dee", "padded in front"),
    ]
    report = write_class_report(
        tmp_path / "grades.csv", solution, questions, probes, calls, expected, grades
    )
    text = report.read_text()
    assert report.name == "grades_report.md"
    assert "| q2 | `encode` | 1 of 4 | 25% |" in text
    assert "| q1 | `build_vocabulary` | 4 of 4 | 100% |" in text
    assert "- q2 unknown words mapped to 0: 2 (bob, cy)" in text
    assert "- q2 padded in front: 1 (dee)" in text
    assert "ada" not in text.split("## Common mistakes found")[1]
    figure = tmp_path / "grades_report.png"
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"]({figure.name})" in text
