"""What every lecture promises, read from the committed notebooks.

- The datasets tables (README.md, datasets/README.md) and each dataset's card in the
  registry name exactly the lessons whose notebooks load that dataset: the lessons are
  derived from the loaders the notebooks' code refers to, never typed by hand twice.
- A modelling notebook (one that calls ``.fit(``) ends with a code cell that prints its
  headline figures and asserts its quality mark.
- Every figure went through ``seqlab.plots.show``, which checked it (axis labels,
  nothing leaving the plot, no mark line hiding a bar) and recorded that in the output.

Every notebook in notebooks/ is covered, including lessons added later.
"""

import ast
import json
import re
from pathlib import Path

import pytest

from seqlab import datasets

ROOT = Path(__file__).resolve().parents[1]
LECTURES = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXECUTED = [*LECTURES, *sorted((ROOT / "solutions").glob("*.ipynb"))]



def _ids(paths):
    return [str(path.relative_to(ROOT)) for path in paths]


def _code_cells(path):
    return [cell for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "code"]


def _python(cell):
    """A code cell's source as Python: IPython magics and shell lines blanked out."""
    lines = "".join(cell["source"]).splitlines()
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def _lesson(path):
    """notebooks/09_forecasting.ipynb -> ("09", "forecasting")."""
    number, _, topic = path.stem.partition("_")
    return number, topic.replace("_", " ")


# --------------------------------------------------------------------------------------------
# Datasets: which lessons use which dataset, derived from the notebooks' code


def _loader_functions():
    """Loader function name -> the dataset whose card names it (``loader`` field)."""
    owner = {}
    for name in datasets.list_datasets():
        for function in re.findall(r"\b((?:load|fetch)_\w+)\(", datasets.info(name).loader):
            assert function not in owner, f"{function} loads {owner[function]} and {name}"
            owner[function] = name
    return owner


def _names_referred_to(path):
    """Every plain name and attribute name the notebook's code refers to."""
    names = set()
    for cell in _code_cells(path):
        for node in ast.walk(ast.parse(_python(cell))):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.alias):
                names.add(node.name.rpartition(".")[2])
    return names


def _loaders_suggested(path):
    """Loader calls the notebook's text tells the student to make, written as code: `fetch_x()`."""
    cells = json.loads(path.read_text())["cells"]
    text = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    return set(re.findall(r"`(?:\w+\.)*((?:load|fetch)_\w+)\(", text))


def _lessons_using_each_dataset():
    """Dataset name -> the set of lesson numbers whose notebook refers to one of its loaders
    in its code (a call, or the function itself, e.g. in a dict of series) or in its text as a
    call the student can make (`fetch_shakespeare()`)."""
    owner = _loader_functions()
    used = {name: set() for name in datasets.list_datasets()}
    for path in LECTURES:
        for function in (_names_referred_to(path) | _loaders_suggested(path)) & set(owner):
            used[owner[function]].add(_lesson(path)[0])
    return used


def _lessons_named_in(text):
    """Lesson numbers a card's prose names: "09 forecasting" (number and topic) or "lesson 09"."""
    text = text.lower().replace("-", " ")  # "02 one-hot encoding" names 02_one_hot_encoding
    named = {number for number, topic in map(_lesson, LECTURES) if f"{number} {topic}" in text}
    return named | set(re.findall(r"\blessons? (\d{2})\b", text))


def _readme_table():
    """README.md's datasets table: name -> the lessons in its last column."""
    section = (ROOT / "README.md").read_text().split("## Datasets", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\|\s*`(\w+)`\s*\|", line)
        if match:
            rows[match[1]] = set(re.findall(r"\b\d{2}\b", line.rstrip(" |").rsplit("|", 1)[1]))
    return rows


def _datasets_readme_cards():
    """datasets/README.md: name -> the text of its "Used in" line (continuation lines joined)."""
    cards, name, used_in = {}, None, None
    for line in (ROOT / "datasets" / "README.md").read_text().splitlines():
        heading = re.match(r"### (\w+) — ", line)
        if heading:
            name, used_in = heading[1], None
        elif name and line.startswith("- **Used in**:"):
            used_in = line.removeprefix("- **Used in**:")
            cards[name] = used_in
        elif name and used_in is not None and line.startswith("  "):
            cards[name] += " " + line.strip()
        else:
            used_in = None
    return cards


def test_every_lesson_that_loads_data_is_found():
    """The derivation itself works: lesson 01 loads glucose, lesson 02 species."""
    used = _lessons_using_each_dataset()
    assert "01" in used["glucose"] and "02" in used["species"], used


def test_readme_datasets_table_names_the_lessons_that_load_each_dataset():
    table, used = _readme_table(), _lessons_using_each_dataset()
    assert set(table) == set(used), (
        f"README.md's datasets table lists {sorted(table)}; the registry has {sorted(used)}")
    wrong = {name: (sorted(table[name]), sorted(used[name]))
             for name in used if table[name] != used[name]}
    assert not wrong, ("README.md datasets table: lessons listed vs lessons whose notebook loads "
                       f"the dataset (write '—' for none): {wrong}")


def test_dataset_cards_name_the_lessons_that_load_each_dataset():
    used = _lessons_using_each_dataset()
    wrong = {name: (datasets.info(name).used_in, sorted(lessons)) for name, lessons in used.items()
             if _lessons_named_in(datasets.info(name).used_in) != lessons}
    assert not wrong, ("registry cards whose used_in names other lessons than the notebooks that "
                       f"load the dataset (card text, lessons that load it): {wrong}")


def test_datasets_readme_cards_name_the_lessons_that_load_each_dataset():
    cards, used = _datasets_readme_cards(), _lessons_using_each_dataset()
    assert set(cards) == set(used), (
        f"datasets/README.md has 'Used in' lines for {sorted(cards)}; "
        f"the registry has {sorted(used)}")
    wrong = {name: (cards[name].strip(), sorted(lessons)) for name, lessons in used.items()
             if _lessons_named_in(cards[name]) != lessons}
    assert not wrong, ("datasets/README.md cards whose 'Used in' names other lessons than the "
                       f"notebooks that load the dataset: {wrong}")


# --------------------------------------------------------------------------------------------
# Modelling notebooks end by printing their figures and asserting their mark


def _is_modelling(path):
    return any(".fit(" in _python(cell) for cell in _code_cells(path))


def _asserts(source):
    """Whether code asserts: an assert statement or a call of an assert_* function."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            function = (node.func.attr if isinstance(node.func, ast.Attribute)
                        else getattr(node.func, "id", ""))
            if function.startswith("assert"):
                return True
    return False


def _printed_text(cell):
    texts = []
    for output in cell["outputs"]:
        if output["output_type"] == "stream" and output["name"] == "stdout":
            texts.append("".join(output["text"]))
        elif output["output_type"] in ("execute_result", "display_data"):
            texts.append("".join(output["data"].get("text/plain", "")))
    return "".join(texts)


MODELLING = [path for path in LECTURES if _is_modelling(path)]


def test_modelling_notebooks_are_found():
    assert ROOT / "notebooks" / "01_sequence_data.ipynb" in MODELLING
    assert ROOT / "notebooks" / "02_one_hot_encoding.ipynb" not in MODELLING


@pytest.mark.parametrize("path", MODELLING, ids=_ids(MODELLING))
def test_modelling_notebook_ends_by_printing_and_asserting_its_mark(path):
    last = _code_cells(path)[-1]
    assert _asserts(_python(last)), f"{path.name}: the last code cell asserts no quality mark"
    printed = _printed_text(last)
    assert re.search(r"\d", printed), (
        f"{path.name}: the last code cell prints no figures (its outputs: {printed!r}); print the "
        "headline numbers it asserts")


# --------------------------------------------------------------------------------------------
# Every figure was shown through seqlab.plots.show, which checked it


def _figures(path):
    """(cell number, output) for every output of ``path`` that holds an image."""
    return [(number, output) for number, cell in enumerate(_code_cells(path))
            for output in cell["outputs"]
            if any(kind.startswith("image/") for kind in output.get("data", {}))]


def test_a_notebook_with_figures_is_found():
    assert _figures(ROOT / "notebooks" / "01_sequence_data.ipynb")


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_every_figure_has_axis_labels_and_was_checked(path):
    for number, output in _figures(path):
        record = output.get("metadata", {}).get("seqlab", {}).get("figure")
        assert record is not None, (
            f"{path.name}, code cell {number}: a figure shown without seqlab.plots.show(fig), "
            "which checks its axis labels and limits")
        assert record["axes"], f"{path.name}, code cell {number}: a figure without axes"
        for axes in record["axes"]:
            assert axes["xlabel"].strip() and axes["ylabel"].strip(), (
                f"{path.name}, code cell {number}: axes {axes} lacks an axis label")
        assert not record["problems"], f"{path.name}, code cell {number}: {record['problems']}"
