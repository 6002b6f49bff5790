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

from collections import Counter

import numpy as np

from seqlab.checks.core import Case, Rule, run_check

PAD, OOV = "", "[UNK]"
# The vocabulary of ["the cat sat", "the dog sat on the mat"]: the 3, sat 2, then ties Z-A, the
# order of keras.layers.StringLookup.adapt.
VOCABULARY = [PAD, OOV, "the", "sat", "on", "mat", "dog", "cat"]


# The rules the lab states, checked here and graded by the probes (seqlab.grading.probes.lab02).
RULES = {
    "q3": [Rule("uses Keras", False, "uses Keras: write one_hot in NumPy only, without Keras "
                "(np.eye or np.zeros).")],
    "q5": [Rule("uses Keras", False, "builds a Keras model: count the parameters from the sizes, "
                "without building a layer or a model.")],
}


def _rows(indices: list[int], depth: int) -> np.ndarray:
    """One-hot rows for ``indices``: the inputs of the decode cases."""
    return np.eye(depth, dtype=np.float32)[indices]


def q1(build_vocabulary) -> None:
    """``build_vocabulary(sentences, max_tokens=None)``: padding, OOV, then by count, ties Z-A."""
    sentences = ["the cat sat", "the dog sat on the mat"]
    cases = [
        Case((sentences,), VOCABULARY),
        Case(
            (["Statisticians are beautiful human beings"],),
            [PAD, OOV, "statisticians", "human", "beings", "beautiful", "are"],
        ),
        Case((["The cat", "the CAT"],), [PAD, OOV, "the", "cat"]),
        Case((sentences,), [PAD, OOV, "the", "sat"], {"max_tokens": 4}),
    ]
    hints = [_reserved_first, _lowercase, _ties_alphabetical, _ties_first_seen, _frequency_ignored,
             _order, _budget]
    run_check("q1", build_vocabulary, cases, hints=hints)


def q2(encode) -> None:
    """``encode(sentence, vocabulary, length=None)``: word indices, OOV as 1, padded with 0."""
    cases = [
        Case(("the cat sat on the mat", VOCABULARY), np.array([2, 7, 3, 4, 2, 5], np.int64)),
        Case(("The bird sat", VOCABULARY), np.array([2, 1, 3], np.int64)),
        Case(("the cat", VOCABULARY), np.array([2, 7, 0, 0], np.int64), {"length": 4}),
        Case(("the dog sat on the mat", VOCABULARY), np.array([2, 6, 3], np.int64), {"length": 3}),
    ]
    run_check(
        "q2",
        encode,
        cases,
        hints=[_unknown_as_padding, _not_lowercased, _padded_in_front, _cut_in_front],
        error_hints={KeyError: UNKNOWN_HINT, ValueError: UNKNOWN_HINT},
    )


def q3(one_hot) -> None:
    """``one_hot(indices, depth)``: one float32 row per index with a single 1."""
    cases = [
        Case((np.array([2, 0, 1]), 4), np.array([[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]], "f4")),
        Case((np.array([3, 3]), 5), np.array([[0, 0, 0, 1, 0], [0, 0, 0, 1, 0]], "f4")),
        Case((np.array([1]), 2), np.array([[0, 1]], "f4")),
    ]
    run_check("q3", one_hot, cases, rules=RULES["q3"])


def q4(decode) -> None:
    """``decode(one_hot_matrix, vocabulary)``: the words of the rows, padding rows skipped."""
    cases = [
        Case((_rows([2, 7, 3], 8), VOCABULARY), ["the", "cat", "sat"]),
        Case((_rows([2, 7, 3, 0, 0], 8), VOCABULARY), ["the", "cat", "sat"]),
        Case((_rows([2, 1, 5], 8), VOCABULARY), ["the", OOV, "mat"]),
        Case((_rows([2, 0, 7, 3, 0], 8), VOCABULARY), ["the", "cat", "sat"]),
    ]
    hints = [_kept_padding, _stopped_at_padding, _dropped_unknown, _indices_not_words, _wrong_axis]
    run_check("q4", decode, cases, hints=hints)


def q5(count_parameters) -> None:
    """``count_parameters(vocab_size, embedding_dim, units)``: Embedding then Dense."""
    cases = [
        Case((10, 4, 3), 55),
        Case((1000, 16, 1), 16017),
        Case((5, 2, 7), 31),
    ]
    run_check(
        "q5",
        count_parameters,
        cases,
        hints=[_forgot_dense_bias, _one_hot_dense, _embedding_bias],
        rules=RULES["q5"],
    )


# --- Hints: each recognises one common mistake from the case and the returned value. ---


def _reserved_first(case: Case, vocabulary) -> str | None:
    if list(vocabulary[:2]) != [PAD, OOV]:
        return "a vocabulary starts with the padding entry '' (index 0), then '[UNK]' (index 1)."
    return None


def _lowercase(case: Case, vocabulary) -> str | None:
    if any(word != word.lower() for word in vocabulary if word not in (PAD, OOV)):
        return "lowercase the sentences before counting, so 'The' and 'the' are one word."
    return None


def _counts(case: Case) -> Counter:
    return Counter(word for sentence in case.args[0] for word in sentence.lower().split())


def _cut(case: Case, words: list[str]) -> list[str]:
    vocabulary = [PAD, OOV, *words]
    max_tokens = case.kwargs.get("max_tokens")
    return vocabulary if max_tokens is None else vocabulary[:max_tokens]


def _ties_alphabetical(case: Case, vocabulary) -> str | None:
    counts = _counts(case)
    if list(vocabulary) == _cut(case, sorted(counts, key=lambda w: (-counts[w], w))):
        return (
            "your ties are in A-Z order; keras.layers.StringLookup, and this lab, list words "
            "with the same count in reverse alphabetical order (Z-A)."
        )
    return None


def _ties_first_seen(case: Case, vocabulary) -> str | None:
    counts = _counts(case)
    if list(vocabulary) == _cut(case, [word for word, _ in counts.most_common()]):
        return (
            "your ties come in the order they first appear in the sentences (what "
            "Counter.most_common gives); sort words with the same count Z-A."
        )
    return None


def _frequency_ignored(case: Case, vocabulary) -> str | None:
    if list(vocabulary) == _cut(case, sorted(_counts(case))):
        return "your words are sorted A-Z only: put the most frequent first, then Z-A on a tie."
    return None


def _order(case: Case, vocabulary) -> str | None:
    if sorted(vocabulary) == sorted(case.expected) and list(vocabulary) != case.expected:
        return "the right words in the wrong order: by decreasing count, ties Z-A."
    return None


def _budget(case: Case, vocabulary) -> str | None:
    max_tokens = case.kwargs.get("max_tokens")
    if max_tokens is not None and len(vocabulary) == max_tokens + 2:
        return "max_tokens counts the two reserved entries ('' and '[UNK]') too."
    return None


UNKNOWN_HINT = (
    "a word missing from the vocabulary gets index 1, '[UNK]' (index 0 is padding): "
    "e.g. index.get(word, 1)."
)


def _unknown_as_padding(case: Case, ids) -> str | None:
    ids, expected = np.asarray(ids), case.expected
    if ids.shape == expected.shape and np.any(expected == 1) and np.array_equal(
        np.where(expected == 1, 0, expected), ids
    ):
        return UNKNOWN_HINT
    return None


def _not_lowercased(case: Case, ids) -> str | None:
    sentence, vocabulary = case.args
    if sentence == sentence.lower():
        return None
    index = {word: position for position, word in enumerate(vocabulary)}
    raw = [index.get(word, 1) for word in sentence.split()]
    if list(np.asarray(ids))[: len(raw)] == raw[: len(np.asarray(ids))]:
        return "lower-case the sentence before looking its words up: 'The' is the word 'the'."
    return None


def _cut_in_front(case: Case, ids) -> str | None:
    sentence, vocabulary = case.args
    length = case.kwargs.get("length")
    index = {word: position for position, word in enumerate(vocabulary)}
    full = [index.get(word, 1) for word in sentence.lower().split()]
    if length is not None and len(full) > length and list(np.asarray(ids)) == full[-length:]:
        return "cut the end off a sentence longer than length: keep its first length words."
    return None


def _padded_in_front(case: Case, ids) -> str | None:
    expected, zeros = case.expected, np.count_nonzero(case.expected == 0)
    if zeros and np.array_equal(np.asarray(ids), np.roll(expected, zeros)):
        return "pad at the end of the sentence (index 0 after the words), not in front."
    return None


def _kept_padding(case: Case, words) -> str | None:
    if PAD in list(words):
        return "skip the padding rows (index 0): they are not words of the sentence."
    return None


def _stopped_at_padding(case: Case, words) -> str | None:
    indices = list(np.argmax(case.args[0], axis=1))
    first = indices.index(0) if 0 in indices else len(indices)
    vocabulary = case.args[1]
    if 0 in indices[first:][1:] and any(i != 0 for i in indices[first:]) and list(words) == [
        vocabulary[i] for i in indices[:first]
    ]:
        return "skip every padding row, not only stop at the first one: keep the words after it."
    return None


def _dropped_unknown(case: Case, words) -> str | None:
    if OOV in case.expected and list(words) == [w for w in case.expected if w != OOV]:
        return "keep the '[UNK]' rows: only padding (index 0) is left out."
    return None


def _indices_not_words(case: Case, words) -> str | None:
    if all(isinstance(word, int | np.integer) for word in words):
        return "return the words themselves: look each index up in the vocabulary."
    return None


def _wrong_axis(case: Case, words) -> str | None:
    matrix, vocabulary = case.args
    columns = [int(i) for i in np.argmax(matrix, axis=0) if i < len(vocabulary)]
    per_column = [vocabulary[i] for i in columns]
    if len(words) == matrix.shape[1] != matrix.shape[0] or list(words) in (
        per_column, [vocabulary[i] for i in columns if i != 0]
    ):
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
