"""solutions/ -> labs/: what a lab keeps and loses, the markers it refuses, the sync check."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from seqlab import labs

ROOT = Path(__file__).resolve().parents[1]

ANSWER = """\
def encode(sentence, vocabulary):
    \"\"\"Word indices of sentence.\"\"\"
    ### BEGIN SOLUTION
    index = {word: i for i, word in enumerate(vocabulary)}
    return [index.get(word, 1) for word in sentence.split()]
    ### END SOLUTION
"""


def solution_notebook(answer: str = ANSWER) -> nbformat.NotebookNode:
    question = new_code_cell(answer, metadata={"seqlab": {"question": "q1", "points": 2}})
    question.outputs = [new_output("stream", name="stdout", text="secret output\n")]
    question.execution_count = 3
    reveal = new_code_cell("print(encode('the cat', ['', '[UNK]', 'the']))")
    reveal.metadata["tags"] = [labs.SOLUTION_ONLY_TAG]
    return new_notebook(
        cells=[
            new_markdown_cell("# Lab 99\nWrite `encode`."),
            question,
            new_code_cell("check.q1(encode)"),
            reveal,
        ]
    )


def write(path: Path, notebook: nbformat.NotebookNode) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def test_build_replaces_answers_keeps_signature_and_indentation():
    lab = labs.build_lab(solution_notebook())
    source = lab.cells[1].source
    assert source.splitlines() == [
        "def encode(sentence, vocabulary):",
        '    """Word indices of sentence."""',
        "    # TODO: your code here",
        "    raise NotImplementedError",
    ]


def test_build_clears_outputs_and_drops_solution_only_cells():
    lab = labs.build_lab(solution_notebook())
    code = [cell for cell in lab.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    text = nbformat.writes(lab)
    assert "secret output" not in text
    assert "print(encode('the cat'" not in text
    assert len(lab.cells) == 3


def test_build_keeps_question_metadata_and_cell_ids():
    solution = solution_notebook()
    lab = labs.build_lab(solution)
    assert lab.cells[1].metadata["seqlab"] == {"question": "q1", "points": 2}
    assert [cell.id for cell in lab.cells] == [solution.cells[i].id for i in (0, 1, 2)]


@pytest.mark.parametrize(
    ("answer", "complaint"),
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "never closed"),
        ("def f():\n    return 1\n    ### END SOLUTION\n", "without a '### BEGIN SOLUTION'"),
        (
            "### BEGIN SOLUTION\nx = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION\n",
            "inside the region opened on line 1",
        ),
        ("### BEGIN SOLUTION\nx = 1  ### END SOLUTION\n", "leftover or malformed marker"),
        ("### begin solution\nx = 1\n### END SOLUTION\n", "leftover or malformed marker"),
        ("## BEGIN SOLUTION\nx = 1\n## END SOLUTION\n", "leftover or malformed marker"),
    ],
)
def test_unbalanced_or_leftover_markers_are_refused(answer, complaint):
    with pytest.raises(labs.LabBuildError, match=complaint) as error:
        labs.build_lab(solution_notebook(answer), name="99_lab.ipynb")
    assert "99_lab.ipynb, cell 2, line" in str(error.value)


def test_marker_in_markdown_is_refused():
    solution = solution_notebook()
    solution.cells[0].source += "\n### BEGIN SOLUTION\nthe answer is 42"
    with pytest.raises(labs.LabBuildError, match="markdown cell"):
        labs.build_lab(solution)


@pytest.mark.parametrize(
    ("metadata", "complaint"),
    [
        ({"question": "q1"}, "seqlab metadata must be"),
        ({"question": "q 1", "points": 2}, "must be a Python identifier"),
        ({"question": "q1", "points": 0}, "needs positive points"),
        ({"question": "q1", "points": "two"}, "needs positive points"),
    ],
)
def test_malformed_question_metadata_is_refused(metadata, complaint):
    solution = solution_notebook()
    solution.cells[1].metadata["seqlab"] = metadata
    with pytest.raises(labs.LabBuildError, match=complaint):
        labs.build_lab(solution)


def test_question_without_answer_region_or_twice_is_refused():
    solution = solution_notebook()
    solution.cells[2].metadata["seqlab"] = {"question": "q2", "points": 1}
    with pytest.raises(labs.LabBuildError, match="question q2 must be a code cell with"):
        labs.build_lab(solution)
    solution.cells[2].source = ANSWER
    solution.cells[2].metadata["seqlab"] = {"question": "q1", "points": 1}
    with pytest.raises(labs.LabBuildError, match="question id q1 is used twice"):
        labs.build_lab(solution)


def test_questions_are_read_in_notebook_order():
    solution = solution_notebook()
    solution.cells.append(
        new_code_cell(ANSWER, metadata={"seqlab": {"question": "q2", "points": 1.5}})
    )
    assert labs.questions(solution) == [labs.Question("q1", 2.0, 1), labs.Question("q2", 1.5, 4)]


def test_one_bad_solution_leaves_labs_untouched(tmp_path):
    write(tmp_path / "solutions/01_good.ipynb", solution_notebook())
    write(tmp_path / "solutions/02_bad.ipynb", solution_notebook("### BEGIN SOLUTION\nx = 1\n"))
    with pytest.raises(labs.LabBuildError, match="02_bad.ipynb"):
        labs.build(tmp_path / "solutions", tmp_path / "labs")
    assert not (tmp_path / "labs").exists()


def test_check_reports_stale_missing_and_extra(tmp_path):
    solutions, built = tmp_path / "solutions", tmp_path / "labs"
    write(solutions / "01_a.ipynb", solution_notebook())
    write(solutions / "02_b.ipynb", solution_notebook())
    labs.build(solutions, built)
    assert labs.check(solutions, built).ok

    changed = solution_notebook(ANSWER.replace("def encode(sentence", "def encode(text"))
    write(solutions / "01_a.ipynb", changed)
    (built / "02_b.ipynb").unlink()
    write(built / "03_withdrawn.ipynb", solution_notebook())
    report = labs.check(solutions, built)
    assert (report.stale, report.missing, report.extra) == (
        ["01_a.ipynb"],
        ["02_b.ipynb"],
        ["03_withdrawn.ipynb"],
    )
    assert not report.ok


def run_cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "seqlab", *args], cwd=cwd, capture_output=True, text=True
    )


def test_cli_check_fails_with_names_then_build_fixes_it(tmp_path):
    write(tmp_path / "solutions/01_a.ipynb", solution_notebook())
    (tmp_path / "labs").mkdir()
    failed = run_cli("labs", "check", cwd=tmp_path)
    assert failed.returncode == 1
    assert "missing" in failed.stderr and "01_a.ipynb" in failed.stderr

    built = run_cli("labs", "build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "wrote labs/01_a.ipynb" in built.stdout
    passed = run_cli("labs", "check", cwd=tmp_path)
    assert passed.returncode == 0, passed.stderr


def test_cli_check_passes_with_no_solutions_and_fails_without_the_folder(tmp_path):
    (tmp_path / "solutions").mkdir()
    assert run_cli("labs", "check", cwd=tmp_path).returncode == 0
    missing = run_cli("labs", "check", "--solutions", "nowhere", cwd=tmp_path)
    assert missing.returncode == 1
    assert "No folder nowhere" in missing.stderr


def test_cli_build_refuses_bad_markers_with_the_cell(tmp_path):
    write(tmp_path / "solutions/01_a.ipynb", solution_notebook("### END SOLUTION\n"))
    refused = run_cli("labs", "build", cwd=tmp_path)
    assert refused.returncode == 1
    assert "01_a.ipynb, cell 2, line 1" in refused.stderr


def test_committed_labs_are_in_sync_and_carry_no_answers():
    report = labs.check(ROOT / "solutions", ROOT / "labs")
    assert report.ok, report
    for solution_path in sorted((ROOT / "solutions").glob("*.ipynb")):
        solution = nbformat.read(solution_path, as_version=4)
        lab_text = (ROOT / "labs" / solution_path.name).read_text(encoding="utf-8")
        lab = nbformat.reads(lab_text, as_version=4)
        assert all(cell.get("outputs", []) == [] for cell in lab.cells)
        assert "BEGIN SOLUTION" not in lab_text
        sources = "\n".join(cell.source for cell in lab.cells)
        for line in _answer_lines(solution):
            assert line not in sources, f"{solution_path.name}: answer line {line!r} in the lab"


def _answer_lines(notebook):
    for cell in notebook.cells:
        inside = False
        for line in cell.source.splitlines():
            if line.strip() in (labs.BEGIN, labs.END):
                inside = line.strip() == labs.BEGIN
            elif inside and len(line.strip()) > 12:
                yield line.strip()
