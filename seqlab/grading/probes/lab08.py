"""Grader probes for lab 08, sentiment (hidden from students; inputs drawn when grading).

Texts are drawn from a small pool of words with random capitalisation, punctuation and
repetitions, and words outside the vocabulary; labels and probabilities for the pair accuracy
make pairs with both, one and none of their reviews right. The topics model is built once for
three to five classes and once for six to eight, so a number of classes fixed in the code (four,
the lecture's sports) fails at least one call.
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.lab08 import RULES, TOPICS_MODEL_SUMMARY
from seqlab.checks.text_models import TEXT_MODEL_SUMMARY
from seqlab.grading.probes import Call, Probe, stated

# fmt: off
WORDS = [
    "the", "food", "was", "is", "good", "bad", "not", "never", "but", "although", "plot",
    "ending", "superb", "dull", "room", "view", "at", "all", "quite", "hardly",
]
# fmt: on
UNSEEN = ["zebra", "tulip", "orbit"]
PUNCTUATION = ["", "", "", ",", ".", "!", ";", "?"]


def _text(rng: np.random.Generator, length: int) -> str:
    words = []
    for word in rng.choice(WORDS + UNSEEN, size=length):
        word = str(word).upper() if rng.random() < 0.1 else str(word)
        word = word.capitalize() if rng.random() < 0.15 else word
        words.append(word + str(rng.choice(PUNCTUATION)))
    return " ".join(words)


def _multi_hot_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for size in (4, 8, 12):
        vocabulary = [str(word) for word in rng.choice(WORDS, size=size, replace=False)]
        texts = [_text(rng, int(rng.integers(0, 15))) for _ in range(rng.integers(1, 6))]
        calls.append(Call((texts, vocabulary)))
    return calls


def _pair_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for pairs in (1, 4, 9, 25):
        labels = np.stack([rng.integers(0, 2, size=pairs)] * 2, axis=1)
        labels[:, 1] = 1 - labels[:, 0]  # opposite labels, as in the order split
        probabilities = rng.uniform(0.01, 0.99, size=2 * pairs)
        half = int(rng.integers(2 * pairs))
        probabilities[half] = 0.5  # exactly 0.5 is negative; its partner is classified right
        probabilities[half ^ 1] = 0.9 if labels.ravel()[half ^ 1] else 0.1
        calls.append(Call((labels.ravel().astype(np.int64), probabilities)))
    return calls


def _model_calls(rng: np.random.Generator) -> list[Call]:
    return [
        Call(
            (int(rng.integers(10, 3000)), int(rng.integers(2, 33)), int(rng.integers(2, 33)), cell)
        )
        for cell in ("GRU", "LSTM")
    ]


def _count_calls(rng: np.random.Generator) -> list[Call]:
    # two units or more: with one unit on one feature, an LSTM and a GRU have the same count
    return [
        Call(
            (
                int(rng.integers(2, 50_000)),
                int(rng.integers(1, 300)),
                int(rng.integers(2, 256)),
                cell,
            )
        )
        for cell in ("GRU", "LSTM", "GRU", "LSTM")
    ]


def _topics_model_calls(rng: np.random.Generator) -> list[Call]:
    return [
        Call(
            (
                int(rng.integers(10, 3000)),
                int(rng.integers(2, 33)),
                int(rng.integers(2, 33)),
                classes,
            )
        )
        for classes in (int(rng.integers(3, 6)), int(rng.integers(6, 9)))
    ]


PROBES = {
    "q1": Probe("multi_hot", _multi_hot_calls, seconds=2.0),
    "q2": Probe("pair_accuracy", _pair_calls, seconds=2.0),
    # Building a Keras model takes a moment, the first one longest.
    "q3": Probe("build_sentiment_model", _model_calls, observe=TEXT_MODEL_SUMMARY, seconds=30.0),
    "q4": Probe("count_parameters", _count_calls, observe=stated(RULES["q4"]), seconds=2.0),
    "q5": Probe(
        "build_topics_model", _topics_model_calls, observe=TOPICS_MODEL_SUMMARY, seconds=30.0
    ),
}
