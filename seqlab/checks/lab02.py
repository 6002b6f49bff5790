"""Public checks for lab 02, one-hot encoding: ``from seqlab.checks import lab02 as check``.

=====  =====================================================  ==========================
check  your function                                          returns
=====  =====================================================  ==========================
q1     ``build_vocabulary(sentences, max_tokens=None)``       list of str
q2     ``encode(sentence, vocabulary, length=None)``          int64 array, shape (T,)
q3     ``one_hot(indices, depth)``                            float32 array, (T, depth)
q4     ``decode(one_hot_matrix, vocabulary)``                 list of str
q5     ``count_parameters(vocab_size, embedding_dim, units)``  int
=====  =====================================================  ==========================
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.core import Case, run_check

PAD, OOV = "", "[UNK]"
# The vocabulary of ["the cat sat", "the dog sat on the mat"]: the 3, sat 2, then ties A-Z.
VOCABULARY = [PAD, OOV, "the", "sat", "cat", "dog", "mat", "on"]


def _rows(indices: list[int], depth: int) -> np.ndarray:
    """One-hot rows for ``indices``: the inputs of the decode cases."""
    return np.eye(depth, dtype=np.float32)[indices]


def q1(build_vocabulary) -> None:
    """``build_vocabulary(sentences, max_tokens=None)``: padding, OOV, then by count and A-Z."""
    sentences = ["the cat sat", "the dog sat on the mat"]
    cases = [
        Case((sentences,), VOCABULARY),
        Case(
            (["Statisticians are beautiful human beings"],),
            [PAD, OOV, "are", "beautiful", "beings", "human", "statisticians"],
        ),
        Case((["The cat", "the CAT"],), [PAD, OOV, "cat", "the"]),
        Case((sentences,), [PAD, OOV, "the", "sat"], {"max_tokens": 4}),
    ]
    run_check("q1", build_vocabulary, cases, hints=[_reserved_first, _lowercase, _order, _budget])


def q2(encode) -> None:
    """``encode(sentence, vocabulary, length=None)``: word indices, OOV as 1, padded with 0."""
    cases = [
        Case(("the cat sat on the mat", VOCABULARY), np.array([2, 4, 3, 7, 2, 6], np.int64)),
        Case(("The bird sat", VOCABULARY), np.array([2, 1, 3], np.int64)),
        Case(("the cat", VOCABULARY), np.array([2, 4, 0, 0], np.int64), {"length": 4}),
        Case(("the dog sat on the mat", VOCABULARY), np.array([2, 5, 3], np.int64), {"length": 3}),
    ]
    run_check(
        "q2",
        encode,
        cases,
        hints=[_padded_in_front],
        error_hints={KeyError: "a word missing from the vocabulary gets index 1, '[UNK]'."},
    )


def q3(one_hot) -> None:
    """``one_hot(indices, depth)``: one float32 row per index with a single 1."""
    cases = [
        Case((np.array([2, 0, 1]), 4), np.array([[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]], "f4")),
        Case((np.array([3, 3]), 5), np.array([[0, 0, 0, 1, 0], [0, 0, 0, 1, 0]], "f4")),
        Case((np.array([1]), 2), np.array([[0, 1]], "f4")),
    ]
    run_check("q3", one_hot, cases)


def q4(decode) -> None:
    """``decode(one_hot_matrix, vocabulary)``: the words of the rows, padding rows skipped."""
    cases = [
        Case((_rows([2, 4, 3], 8), VOCABULARY), ["the", "cat", "sat"]),
        Case((_rows([2, 4, 3, 0, 0], 8), VOCABULARY), ["the", "cat", "sat"]),
        Case((_rows([2, 1, 6], 8), VOCABULARY), ["the", OOV, "mat"]),
    ]
    run_check("q4", decode, cases, hints=[_kept_padding, _indices_not_words, _wrong_axis])


def q5(count_parameters) -> None:
    """``count_parameters(vocab_size, embedding_dim, units)``: Embedding then Dense."""
    cases = [
        Case((10, 4, 3), 55),
        Case((1000, 16, 1), 16017),
        Case((5, 2, 7), 31),
    ]
    run_check(
        "q5", count_parameters, cases, hints=[_forgot_dense_bias, _one_hot_dense, _embedding_bias]
    )


# --- Hints: each recognises one common mistake from the case and the returned value. ---


def _reserved_first(case: Case, vocabulary) -> str | None:
    if list(vocabulary[:2]) != [PAD, OOV]:
        return "a vocabulary starts with the padding entry '' (index 0), then '[UNK]' (index 1)."
    return None


def _lowercase(case: Case, vocabulary) -> str | None:
    if any(word != word.lower() for word in vocabulary):
        return "lowercase the sentences before counting, so 'The' and 'the' are one word."
    return None


def _order(case: Case, vocabulary) -> str | None:
    if sorted(vocabulary) == sorted(case.expected) and list(vocabulary) != case.expected:
        return "the right words in the wrong order: most frequent first, ties in A-Z order."
    return None


def _budget(case: Case, vocabulary) -> str | None:
    max_tokens = case.kwargs.get("max_tokens")
    if max_tokens is not None and len(vocabulary) == max_tokens + 2:
        return "max_tokens counts the two reserved entries ('' and '[UNK]') too."
    return None


def _padded_in_front(case: Case, ids) -> str | None:
    expected = case.expected
    if np.array_equal(np.asarray(ids), np.roll(expected, np.count_nonzero(expected == 0))):
        return "pad at the end of the sentence (index 0 after the words), not in front."
    return None


def _kept_padding(case: Case, words) -> str | None:
    if PAD in list(words):
        return "skip the padding rows (index 0): they are not words of the sentence."
    return None


def _indices_not_words(case: Case, words) -> str | None:
    if all(isinstance(word, int | np.integer) for word in words):
        return "return the words themselves: look each index up in the vocabulary."
    return None


def _wrong_axis(case: Case, words) -> str | None:
    if len(words) == case.args[0].shape[1] != case.args[0].shape[0]:
        return "take the argmax of each row (axis=1): one word per time step."
    return None


def _forgot_dense_bias(case: Case, count) -> str | None:
    vocab_size, embedding_dim, units = case.args
    if count == vocab_size * embedding_dim + embedding_dim * units:
        return "the Dense layer also has one bias per unit."
    return None


def _one_hot_dense(case: Case, count) -> str | None:
    vocab_size, _, units = case.args
    if count == (vocab_size + 1) * units:
        return "that is a Dense layer on one-hot vectors; this model starts with an Embedding."
    return None


def _embedding_bias(case: Case, count) -> str | None:
    vocab_size, embedding_dim, units = case.args
    if count in (case.expected + vocab_size, case.expected + embedding_dim):
        return "an Embedding is a lookup table (vocab_size x embedding_dim): it has no bias."
    return None
