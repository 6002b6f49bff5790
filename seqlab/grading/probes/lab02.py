"""Grader probes for lab 02, one-hot encoding (hidden from students; inputs drawn at grading time).

Sentences come from a small word pool with random capitalisation, so the cases cover
lower-casing, ties in frequency, out-of-vocabulary words, padding and truncation.
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.lab02 import RULES
from seqlab.grading.probes import Call, Probe, stated

# fmt: off
WORDS = [
    "the", "a", "cat", "dog", "bird", "fish", "sat", "ran", "on", "under", "mat", "tree",
    "river", "forest", "lion", "leo", "panthera", "populations", "of", "and", "in", "there",
    "are", "beautiful", "human", "beings", "statisticians",
]
# fmt: on
UNSEEN = ["zebra", "quantum", "tulip", "orbit"]
RESERVED = ["", "[UNK]"]


def _sentence(rng: np.random.Generator, pool: list[str], length: int) -> str:
    words = [str(word) for word in rng.choice(pool, size=length)]
    return " ".join(word.capitalize() if rng.random() < 0.25 else word for word in words)


def _vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    return RESERVED + [str(word) for word in rng.choice(WORDS, size=size, replace=False)]


def _vocabulary_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for max_tokens in (None, None, int(rng.integers(3, 8)), 2):
        sentences = [
            _sentence(rng, WORDS[:12], int(rng.integers(2, 9))) for _ in range(rng.integers(1, 5))
        ]
        kwargs = {} if max_tokens is None else {"max_tokens": max_tokens}
        calls.append(Call((sentences,), kwargs))
    return calls


def _encode_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for length in (None, None, "longer", "shorter"):
        vocabulary = _vocabulary(rng, 10)
        size = int(rng.integers(3, 9))
        sentence = _sentence(rng, vocabulary[2:] + UNSEEN, size)
        if length is None:
            calls.append(Call((sentence, vocabulary)))
        else:
            change = int(rng.integers(1, 3))
            target = size + change if length == "longer" else size - change
            calls.append(Call((sentence, vocabulary), {"length": target}))
    return calls


def _one_hot_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        depth = int(rng.integers(3, 12))
        indices = rng.integers(0, depth, size=int(rng.integers(1, 8))).astype(np.int64)
        calls.append(Call((indices, depth)))
    return calls


def _decode_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for padding in (0, 2, 0, "inside"):
        vocabulary = _vocabulary(rng, 9)
        indices = rng.integers(1, len(vocabulary), size=int(rng.integers(2, 7)))
        indices[rng.integers(len(indices))] = 1  # an out-of-vocabulary row in every call
        if padding == "inside":  # padding rows between words, as a masked batch may have
            indices = np.insert(indices, int(rng.integers(1, len(indices))), 0)
            padding = 1
        indices = np.concatenate([indices, np.zeros(padding, dtype=indices.dtype)])
        calls.append(Call((np.eye(len(vocabulary), dtype=np.float32)[indices], vocabulary)))
    return calls


def _parameter_calls(rng: np.random.Generator) -> list[Call]:
    return [
        Call((int(rng.integers(2, 50_000)), int(rng.integers(1, 300)), int(rng.integers(1, 64))))
        for _ in range(3)
    ]


# Every answer runs in microseconds: two seconds a call is plenty, and keeps a stuck one cheap.
PROBES = {
    "q1": Probe("build_vocabulary", _vocabulary_calls, seconds=2.0),
    "q2": Probe("encode", _encode_calls, seconds=2.0),
    "q3": Probe("one_hot", _one_hot_calls, observe=stated(RULES["q3"]), seconds=2.0),
    "q4": Probe("decode", _decode_calls, seconds=2.0),
    "q5": Probe("count_parameters", _parameter_calls, observe=stated(RULES["q5"]), seconds=2.0),
}
