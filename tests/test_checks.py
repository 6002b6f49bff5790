"""Student-facing checks: they pass the solution and explain what is wrong in a wrong answer."""

from collections import Counter
from pathlib import Path

import nbformat
import numpy as np
import pytest

from seqlab import labs
from seqlab.checks import CheckFailed
from seqlab.checks import lab02 as check
from seqlab.checks.compare import common_mistake, describe_mismatch

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "02_one_hot_encoding.ipynb"


@pytest.fixture(scope="module")
def solution():
    """The solution notebook's answers, defined by running its question cells."""
    notebook = nbformat.read(SOLUTION, as_version=4)
    namespace = {"np": np, "Counter": Counter}
    for question in labs.questions(notebook):
        exec(notebook.cells[question.cell_index].source, namespace)
    return namespace


@pytest.fixture(scope="module")
def answer_lines():
    notebook = nbformat.read(SOLUTION, as_version=4)
    lines, inside = [], False
    for cell in notebook.cells:
        for line in cell.source.splitlines():
            if line.strip() in (labs.BEGIN, labs.END):
                inside = line.strip() == labs.BEGIN
            elif inside:
                lines.append(line.strip())
    return lines


def failure(check_function, answer) -> CheckFailed:
    with pytest.raises(CheckFailed) as error:
        check_function(answer)
    return error.value


@pytest.mark.parametrize(
    ("question", "function"),
    [
        ("q1", "build_vocabulary"),
        ("q2", "encode"),
        ("q3", "one_hot"),
        ("q4", "decode"),
        ("q5", "count_parameters"),
    ],
)
def test_the_solution_passes_every_check(solution, question, function, capsys):
    getattr(check, question)(solution[function])
    assert f"{question}: all" in capsys.readouterr().out


def test_not_implemented_says_so():
    def encode(sentence, vocabulary, length=None):
        raise NotImplementedError

    error = failure(check.q2, encode)
    assert "encode is not implemented yet" in str(error)
    assert "raise NotImplementedError" in error.hint


def test_wrong_shape_names_both_shapes(solution):
    def encode(sentence, vocabulary, length=None):
        return solution["encode"](sentence, vocabulary)  # ignores length

    message = str(failure(check.q2, encode))
    assert "encode('the cat', [" in message
    assert "returned shape (2,), expected shape (4,)" in message


def test_transposed_one_hot_gets_a_hint(solution):
    error = failure(check.q3, lambda indices, depth: solution["one_hot"](indices, depth).T)
    assert "returned shape (4, 3), expected shape (3, 4)" in str(error)
    assert "swapped" in error.hint


def test_wrong_dtype_names_the_conversion():
    error = failure(check.q3, lambda indices, depth: np.eye(depth)[indices])
    assert "returned dtype float64, expected dtype float32" in str(error)
    assert ".astype(np.float32)" in error.hint


def test_off_by_one_column_gives_the_first_differing_position():
    error = failure(check.q3, lambda indices, depth: np.eye(depth, dtype=np.float32)[indices - 1])
    assert "first difference at position (0, 1): got 1.0, expected 0.0" in str(error)
    assert "column" in error.hint


def test_forgotten_reserved_entries_and_lowercase_are_recognised(solution):
    def without_reserved(sentences, max_tokens=None):
        return solution["build_vocabulary"](sentences, max_tokens)[2:]

    error = failure(check.q1, without_reserved)
    assert "returned 6 items, expected 8" in str(error)
    assert "padding entry ''" in error.hint

    def case_sensitive(sentences, max_tokens=None):
        counts = Counter(word for sentence in sentences for word in sentence.split())
        return ["", "[UNK]", *sorted(counts, key=lambda word: (counts[word], word), reverse=True)]

    error = failure(check.q1, case_sensitive)
    assert "lowercase" in error.hint


def test_unknown_word_keyerror_points_at_the_unk_index_and_the_students_line():
    def encode(sentence, vocabulary, length=None):
        index = {word: i for i, word in enumerate(vocabulary)}
        return np.array([index[word] for word in sentence.lower().split()])

    error = failure(check.q2, encode)
    assert "raised KeyError: 'bird'" in str(error)
    assert "'[UNK]'" in error.hint
    rendered = "\n".join(error._render_traceback_())
    assert "return np.array([index[word] for word in sentence.lower().split()])" in rendered
    assert "seqlab/checks" not in rendered


def test_decode_hints_padding_and_indices(solution):
    def keeps_padding(matrix, vocabulary):
        return [vocabulary[i] for i in matrix.argmax(axis=1)]

    assert "skip the padding rows" in failure(check.q4, keeps_padding).hint

    def indices(matrix, vocabulary):
        return [int(i) for i in matrix.argmax(axis=1) if i]

    assert "return the words themselves" in failure(check.q4, indices).hint


def test_parameter_count_without_dense_bias_is_recognised():
    error = failure(check.q5, lambda v, d, u: v * d + d * u)
    assert "got 52, expected 55" in str(error)
    assert "bias per unit" in error.hint


def test_forgotten_return_and_non_function_are_explained():
    assert "forget the `return`" in failure(check.q5, lambda v, d, u: None).hint
    assert "pass your function itself" in str(failure(check.q5, 55))


def test_messages_never_show_answer_code(solution, answer_lines):
    wrong_answers = [
        (check.q1, lambda sentences, max_tokens=None: sentences),
        (check.q2, lambda sentence, vocabulary, length=None: [0]),
        (check.q3, lambda indices, depth: indices),
        (check.q4, lambda matrix, vocabulary: vocabulary),
        (check.q5, lambda v, d, u: 0),
    ]
    for check_function, answer in wrong_answers:
        error = failure(check_function, answer)
        shown = str(error) + "\n".join(error._render_traceback_())
        leaked = [line for line in answer_lines if line and line in shown]
        assert not leaked, leaked


def test_a_function_that_mutates_its_input_cannot_spoil_later_cases(solution):
    def build_vocabulary(sentences, max_tokens=None):
        result = solution["build_vocabulary"](sentences, max_tokens)
        sentences.clear()
        return result

    check.q1(build_vocabulary)


@pytest.mark.parametrize(
    ("actual", "expected", "message"),
    [
        ([1, 2], np.array([1, 2]), "returned a list, expected a NumPy array of shape (2,)"),
        (np.zeros((2, 3)), np.zeros((3, 2)), "returned shape (2, 3), expected shape (3, 2)"),
        (np.array([1.0, 2.5]), np.array([1.0, 2.0]), "first difference at position 1: got 2.5"),
        (["a", "b"], ["a", "c"], "item 1: got 'b', expected 'c'"),
        (["a"], ["a", "c"], "returned 1 items, expected 2"),
        (3.0, 3, "returned a float 3.0, expected the integer 3"),
        (True, 1, "expected the integer 1"),
        ({"a": 1}, {"a": 2}, "key 'a': got 1, expected 2"),
    ],
)
def test_describe_mismatch(actual, expected, message):
    assert message in describe_mismatch(actual, expected)


def test_describe_mismatch_accepts_equal_values_within_tolerance():
    assert describe_mismatch(np.float32(0.1), 0.1) is None
    assert describe_mismatch(np.array([0.1 + 1e-9]), np.array([0.1])) is None
    assert describe_mismatch((1, [2, "x"]), [1, (2, "x")]) is None
    assert describe_mismatch(np.int64(7), 7) is None


def test_common_mistake_off_by_one_values():
    assert "off by +1" in common_mistake(np.array([3, 4]), np.array([2, 3]))
    assert common_mistake(np.array([9, 4]), np.array([2, 3])) is None
