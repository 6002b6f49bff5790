"""Public checks for lab 08, sentiment: ``from seqlab.checks import lab08 as check``.

=====  ===============================================================  ==========================
check  your function                                                    returns
=====  ===============================================================  ==========================
q1     ``multi_hot(texts, vocabulary)``                                 float32 array, (n, V)
q2     ``pair_accuracy(labels, probabilities)``                         float
q3     ``build_sentiment_model(vocabulary_size, embedding_dim, units,   a Keras model
       cell)``
q4     ``count_parameters(vocabulary_size, embedding_dim, units, cell)``  int
q5     ``build_topics_model(vocabulary_size, embedding_dim, units,       a compiled Keras model
       classes)``
=====  ===============================================================  ==========================

q5 is graded on :data:`TOPICS_MODEL_SUMMARY`: the facts of q3's summary and the loss the model
is compiled with, read off the returned model (nothing is trained).
"""

from __future__ import annotations

import string

import numpy as np

from seqlab.checks import text_models
from seqlab.checks.core import Case, Rule, run_check
from seqlab.checks.text_models import TEXT_MODEL_SUMMARY

VOCABULARY = ["bad", "good", "not", "food", "at", "all"]


def q1(multi_hot) -> None:
    """``multi_hot(texts, vocabulary)``: 1.0 where a vocabulary word occurs in a text."""
    cases = [
        Case(
            (["the food was good, not bad at all"], VOCABULARY),
            np.array([[1, 1, 1, 1, 1, 1]], np.float32),
        ),
        Case(
            (["The Food was GOOD", "Bad food. Bad, bad food!"], VOCABULARY),
            np.array([[0, 1, 0, 1, 0, 0], [1, 0, 0, 1, 0, 0]], np.float32),
        ),
        Case((["nothing here matches", ""], ["good", "bad"]), np.zeros((2, 2), np.float32)),
        Case((["NOT good; not bad"], ["not", "good", "bad"]), np.ones((1, 3), np.float32)),
    ]
    run_check("q1", multi_hot, cases, hints=[_counts_not_presence, _case_kept, _punctuation_kept])


# The rules the lab states, checked here and graded by the probes (seqlab.grading.probes.lab08).
RULES = {
    "q4": [Rule("uses Keras", False, "builds a Keras model: compute the count from the sizes, "
                "not by building the model.")],
}


def q2(pair_accuracy) -> None:
    """``pair_accuracy(labels, probabilities)``: share of pairs (2i, 2i+1) with both right."""
    labels = np.array([1, 0, 0, 1, 1, 0])
    cases = [
        Case((labels, np.array([0.9, 0.2, 0.3, 0.8, 0.6, 0.4])), 1.0),
        Case((labels, np.array([0.9, 0.9, 0.3, 0.8, 0.6, 0.4])), 2 / 3),
        Case((labels, np.array([0.7, 0.7, 0.1, 0.1, 0.8, 0.8])), 0.0),
        Case((np.array([0, 1]), np.array([0.4, 0.51])), 1.0),
        Case((np.array([0, 1, 1, 0]), np.array([0.6, 0.4, 0.2, 0.9])), 0.0),
        Case((np.array([0, 1, 0, 1]), np.array([0.5, 0.9, 0.2, 0.7])), 1.0),
    ]
    hints = [_plain_accuracy, _neighbouring_pairs, _either_right, _half_positive]
    run_check("q2", pair_accuracy, cases, hints=hints)


def sentiment_model_summary(
    vocabulary_size: int, embedding_dim: int, units: int, cell: str
) -> dict:
    """The summary of ``Embedding(mask_zero) -> cell(units) -> Dense(1, sigmoid)``."""
    return {
        "layers": ["Embedding", cell, "Dense"],
        "sizes": [[vocabulary_size, embedding_dim], units, 1],
        "masks padding": True,
        "input shape": (None, None),
        "output shape": (None, 1),
        "output activation": "sigmoid",
        "parameters": expected_parameters(vocabulary_size, embedding_dim, units, cell),
        **text_models.expected_settings(cell),
    }


def expected_parameters(vocabulary_size: int, embedding_dim: int, units: int, cell: str) -> int:
    recurrent = text_models.RECURRENT_PARAMETERS[cell](units, embedding_dim)
    return vocabulary_size * embedding_dim + recurrent + units + 1


def q3(build_sentiment_model) -> None:
    """``build_sentiment_model(vocabulary_size, embedding_dim, units, cell)``."""
    cases = [
        Case((100, 8, 16, "GRU"), sentiment_model_summary(100, 8, 16, "GRU")),
        Case((50, 4, 6, "LSTM"), sentiment_model_summary(50, 4, 6, "LSTM")),
    ]
    run_check(
        "q3",
        text_models.summarised(build_sentiment_model),
        cases,
        hints=[_model_hint],
        error_hints={
            AttributeError: (
                'cell names the layer, "GRU" or "LSTM": use keras.layers.GRU or keras.layers.LSTM '
                "(getattr(keras.layers, cell) picks it by name)."
            )
        },
    )


def q4(count_parameters) -> None:
    """``count_parameters(vocabulary_size, embedding_dim, units, cell)``: the model's parameters."""
    cases = [
        Case((10, 4, 3, "GRU"), expected_parameters(10, 4, 3, "GRU")),
        Case((10, 4, 3, "LSTM"), expected_parameters(10, 4, 3, "LSTM")),
        Case((401, 32, 32, "GRU"), expected_parameters(401, 32, 32, "GRU")),
        Case((1000, 16, 8, "LSTM"), expected_parameters(1000, 16, 8, "LSTM")),
    ]
    run_check(
        "q4",
        count_parameters,
        cases,
        hints=[_gru_one_bias, _no_embedding, _no_dense, _gates_swapped],
        rules=RULES["q4"],
    )


# The loss a model is compiled with, as ``{"name": ..., "from logits": ...}`` (None if it is
# not compiled): a loss given by name ("SparseCategoricalCrossentropy" or
# "sparse_categorical_crossentropy"), as a function or as a Loss object reads the same.
LOSS_SUMMARY = (
    "(lambda loss, snake: None if loss is None else {"
    "'name': snake(loss if isinstance(loss, str) else getattr(getattr(loss, 'fn', loss), "
    "'__name__', type(loss).__name__)), "
    "'from logits': bool((loss.get_config() if hasattr(loss, 'get_config') else {})"
    ".get('from_logits', False))})"
    "(getattr(result, 'loss', None), "
    "lambda name: ''.join('_' + c.lower() if c.isupper() else c for c in str(name)).lstrip('_'))"
)
TOPICS_MODEL_SUMMARY = "dict(" + TEXT_MODEL_SUMMARY + ", loss=" + LOSS_SUMMARY + ")"
SPARSE_LOSS = {"name": "sparse_categorical_crossentropy", "from logits": False}


def topics_model_summary(
    vocabulary_size: int, embedding_dim: int, units: int, classes: int
) -> dict:
    """The summary of ``Embedding(mask_zero) -> GRU(units) -> Dense(classes, softmax)``,
    compiled with the sparse categorical cross-entropy."""
    recurrent = text_models.RECURRENT_PARAMETERS["GRU"](units, embedding_dim)
    return {
        "layers": ["Embedding", "GRU", "Dense"],
        "sizes": [[vocabulary_size, embedding_dim], units, classes],
        "masks padding": True,
        "input shape": (None, None),
        "output shape": (None, classes),
        "output activation": "softmax",
        "parameters": vocabulary_size * embedding_dim + recurrent + (units + 1) * classes,
        **text_models.expected_settings("GRU"),
        "compiled": True,
        "loss": SPARSE_LOSS,
    }


def summarised_topics_model(build):
    """``build``, returning the :data:`TOPICS_MODEL_SUMMARY` of the model it builds."""

    def build_topics_model(*args, **kwargs):
        model = build(*args, **kwargs)
        if model is None:
            return None
        try:
            return eval(TOPICS_MODEL_SUMMARY, {"result": model})
        except (AttributeError, ValueError, IndexError, TypeError) as error:
            raise TypeError(
                f"could not read the model's layers, shapes and loss ({error}); return a Keras "
                'model that starts with keras.Input(shape=(None,), dtype="int64").'
            ) from None

    build_topics_model.__name__ = getattr(build, "__name__", "build_topics_model")
    return build_topics_model


def q5(build_topics_model) -> None:
    """``build_topics_model(vocabulary_size, embedding_dim, units, classes)``, compiled."""
    cases = [
        Case((60, 8, 16, 3), topics_model_summary(60, 8, 16, 3)),
        Case((100, 4, 6, 5), topics_model_summary(100, 4, 6, 5)),
    ]
    run_check(
        "q5",
        summarised_topics_model(build_topics_model),
        cases,
        hints=[_topics_model_hint],
    )


# --- Hints: each recognises one common mistake from the case and the returned value. ---


def _bags(texts, vocabulary, lower=True, strip=True, counts=False) -> np.ndarray:
    """What multi_hot returns with one of its steps left out or changed."""
    bags = np.zeros((len(texts), len(vocabulary)), np.float32)
    column = {word: j for j, word in enumerate(vocabulary)}
    for i, text in enumerate(texts):
        text = text.lower() if lower else text
        text = text.translate(str.maketrans("", "", string.punctuation)) if strip else text
        for word in text.split():
            if word in column:
                bags[i, column[word]] = bags[i, column[word]] + 1 if counts else 1
    return bags


def _same(returned, expected: np.ndarray) -> bool:
    return np.shape(returned) == expected.shape and np.allclose(returned, expected)


def _counts_not_presence(case: Case, bags) -> str | None:
    counted = _bags(*case.args, counts=True)
    if np.max(counted, initial=0) > 1 and _same(bags, counted):
        return "multi-hot marks presence: 1.0 however often a word occurs."
    return None


def _case_kept(case: Case, bags) -> str | None:
    variant = _bags(*case.args, lower=False)
    if not _same(variant, _bags(*case.args)) and _same(bags, variant):
        return "lower-case each text first: 'Bad' and 'NOT' are the words 'bad' and 'not'."
    return None


def _punctuation_kept(case: Case, bags) -> str | None:
    variant = _bags(*case.args, strip=False)
    if not _same(variant, _bags(*case.args)) and _same(bags, variant):
        return "remove punctuation before splitting: 'good,' is the word 'good'."
    return None


def _plain_accuracy(case: Case, value) -> str | None:
    labels, probabilities = case.args
    if np.isclose(value, np.mean((probabilities > 0.5) == labels)):
        return "that is the accuracy per review; count a pair only when both its reviews are right."
    return None


def _neighbouring_pairs(case: Case, value) -> str | None:
    labels, probabilities = case.args
    right = (probabilities > 0.5) == labels
    if len(right) > 2 and np.isclose(value, np.mean(right[:-1] & right[1:])):
        return (
            "pairs do not overlap: reviews 0 and 1, then 2 and 3, ... (right[0::2], right[1::2])."
        )
    return None


def _model_hint(case: Case, summary) -> str | None:
    sizes = summary.get("sizes") if isinstance(summary, dict) else None
    if isinstance(sizes, list) and sizes and sizes[-1] != 1:
        return "the last Dense layer has one unit, the probability that the review is positive."
    return text_models.model_hint(summary, case.expected)


def _either_right(case: Case, value) -> str | None:
    labels, probabilities = case.args
    right = (probabilities > 0.5) == labels
    if np.isclose(value, np.mean(right[0::2] | right[1::2])) and not np.isclose(
        value, case.expected
    ):
        return "a pair counts when both reviews are right (&), not either of them (|)."
    return None


def _half_positive(case: Case, value) -> str | None:
    labels, probabilities = case.args
    right = (probabilities >= 0.5) == labels
    if np.isclose(value, np.mean(right[0::2] & right[1::2])) and not np.isclose(
        value, case.expected
    ):
        return "a review is positive only above 0.5: probability > 0.5, so 0.5 counts as negative."
    return None


def _gru_one_bias(case: Case, count) -> str | None:
    vocabulary_size, embedding_dim, units, cell = case.args
    if cell == "GRU" and count == case.expected - 3 * units:
        return (
            "Keras's GRU has reset_after=True and two bias vectors: 3u(u + m + 2) parameters, "
            "not 3u(u + m + 1)."
        )
    return None


def _no_embedding(case: Case, count) -> str | None:
    vocabulary_size, embedding_dim, *_ = case.args
    if count == case.expected - vocabulary_size * embedding_dim:
        return "the Embedding's table counts too: vocabulary_size x embedding_dim parameters."
    return None


def _no_dense(case: Case, count) -> str | None:
    units = case.args[2]
    if count == case.expected - (units + 1):
        return "the Dense layer on top has units weights and one bias."
    return None


def _gates_swapped(case: Case, count) -> str | None:
    vocabulary_size, embedding_dim, units, cell = case.args
    other = {"GRU": "LSTM", "LSTM": "GRU"}[cell]
    if count == expected_parameters(vocabulary_size, embedding_dim, units, other):
        return (
            "an LSTM has four blocks of weights (4u(u + m + 1)), a GRU three "
            "(3u(u + m + 2)): check which cell you count."
        )
    return None


LOSS_HINTS = {
    "categorical_crossentropy": (
        "categorical_crossentropy expects one-hot rows as labels; the labels here are class "
        'indices (0 to classes - 1): compile with loss="sparse_categorical_crossentropy".'
    ),
    "binary_crossentropy": (
        "binary_crossentropy scores one probability per example (a sigmoid unit); for class "
        'indices and a softmax, compile with loss="sparse_categorical_crossentropy".'
    ),
}


def _topics_model_hint(case: Case, summary) -> str | None:
    if not isinstance(summary, dict):
        return None
    classes = case.args[3]
    sizes = summary.get("sizes")
    if isinstance(sizes, list) and sizes and sizes[-1] != classes:
        if sizes[-1] == 1:
            return (
                "a single unit answers two classes (a sigmoid); here the last Dense layer needs "
                'one unit per class and a softmax: Dense(classes, activation="softmax").'
            )
        return (
            f"the last Dense layer has {sizes[-1]} units for {classes} classes: its number of "
            "units is the argument classes, not a fixed number."
        )
    structure = text_models.model_hint(
        {**summary, "compiled": False}, {**case.expected, "compiled": False}
    )
    if structure:
        return structure
    loss = summary.get("loss")
    if not summary.get("compiled") or loss is None:
        return (
            "compile the model before returning it: model.compile(optimizer=..., loss=...); "
            "q5 is graded on the loss it is compiled with."
        )
    if not isinstance(loss, dict):
        return None
    if loss.get("name") in LOSS_HINTS:
        return LOSS_HINTS[loss["name"]]
    if loss.get("name") == SPARSE_LOSS["name"] and loss.get("from logits"):
        return (
            "from_logits=True tells the loss that the outputs are scores before a softmax; this "
            "model's outputs are already probabilities (its softmax), so leave from_logits at "
            "False."
        )
    return None
