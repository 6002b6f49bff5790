"""Grader probes for lab 10, text generation (hidden from students; inputs drawn at grading time).

Texts mix a few characters with skewed frequencies, so entropies are not round numbers. Logits
include rows large enough to overflow a softmax that does not subtract the maximum. Generation
calls are drawn again until the right loop writes other ids than the two common mistakes (a
state restarted at every step, a prompt read from its last id only), so they tell them apart.
Word completions draw padded prefixes, at least one filling its row and one with an unknown
word (id 1), again until every common mistake reads another word than the right one.
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.lab10 import (
    RULES,
    completed,
    greedy_ids,
    mistaken_positions,
    random_weights,
)
from seqlab.grading.probes import Call, Probe, stated

ALPHABET = list("abcdefgh (),:_\n")


def _text_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for size in (1, 3, 6, 12):
        letters = rng.choice(ALPHABET, size=size, replace=False)
        weights = rng.dirichlet(np.ones(size))
        calls.append(
            Call(("".join(rng.choice(letters, size=int(rng.integers(5, 60)), p=weights)),))
        )
    return calls


def _pair_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        length = int(rng.integers(1, 6))
        size = int(rng.integers(length + 1, 6 * length + 3))
        calls.append(Call((rng.integers(0, 50, size=size).astype(np.int64), length)))
    return calls


def _bits_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for shape, scale in [((3, 4), 1.0), ((2, 5, 6), 2.0), ((4, 3), 500.0)]:
        logits = rng.normal(scale=scale, size=shape).astype(np.float32)
        if scale > 100:  # a logit far above what np.exp holds
            logits[0, 0] = 1000.0
        targets = rng.integers(0, shape[-1], size=shape[:-1]).astype(np.int64)
        calls.append(Call((logits, targets)))
    return calls


def _temperature_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for temperature, scale in [
        (1.0, 1.0),
        (float(rng.uniform(0.1, 0.9)), 2.0),
        (float(rng.uniform(1.1, 3.0)), 1.0),
        (0, 1.0),
        (1.0, 400.0),
    ]:
        shape = (int(rng.integers(2, 9)),) if rng.random() < 0.5 else (2, int(rng.integers(2, 6)))
        calls.append(Call((rng.normal(scale=scale, size=shape).astype(np.float32), temperature)))
    return calls


def _generation_call(rng: np.random.Generator) -> Call:
    while True:
        vocabulary, embedding, units = (
            int(rng.integers(4, 10)),
            int(rng.integers(2, 5)),
            int(rng.integers(2, 6)),
        )
        weights = random_weights(int(rng.integers(2**31)), vocabulary, embedding, units)
        prompt = rng.integers(0, vocabulary, size=int(rng.integers(2, 5))).astype(np.int64)
        steps = int(rng.integers(4, 9))
        right = greedy_ids(weights, prompt, steps)
        mistakes = (
            greedy_ids(weights, prompt, steps, carry=False),
            greedy_ids(weights, prompt, steps, whole_prompt=False),
        )
        if not any(np.array_equal(right, mistake) for mistake in mistakes):
            return Call((weights, prompt, steps))


def _generation_calls(rng: np.random.Generator) -> list[Call]:
    return [_generation_call(rng) for _ in range(3)]


# fmt: off
WORDS = [
    "the", "clouds", "are", "in", "sky", "fish", "sea", "cows", "field", "books", "shelf", "bees",
    "hive", "i", "grew", "up", "france", "speak", "fluent", "french", "and", ",", ".", "grey",
    "big", "old", "my", "sister", "we", "dogs",
]
# fmt: on


def _completion_call(rng: np.random.Generator) -> Call:
    while True:
        vocabulary, length, rows = (
            int(rng.integers(8, 21)),
            int(rng.integers(3, 9)),
            int(rng.integers(2, 7)),
        )
        words = ["", "[UNK]", *(str(w) for w in rng.choice(WORDS, vocabulary - 2, replace=False))]
        lengths = rng.integers(1, length + 1, size=rows)
        lengths[0], lengths[1] = length, int(rng.integers(1, length))  # one full, one padded
        ids = np.zeros((rows, length), dtype=np.int64)
        for row, size in enumerate(lengths):
            ids[row, :size] = rng.integers(2, vocabulary, size=size)
            unknown = rng.random(size) < 0.2
            ids[row, :size][unknown] = 1
        ids[0, int(rng.integers(1, length))] = 1  # a full row whose first word is not its minimum
        logits = rng.normal(size=(rows, length, vocabulary)).astype(np.float32)
        right = completed(logits, ids, words)
        mistakes = [
            completed(logits, ids, words, positions=positions)
            for positions in mistaken_positions(ids).values()
        ]
        if all(mistake != right for mistake in mistakes):
            return Call((logits, ids, words))


def _completion_calls(rng: np.random.Generator) -> list[Call]:
    return [_completion_call(rng) for _ in range(3)]


PROBES = {
    "q1": Probe("unigram_entropy", _text_calls, observe=stated(RULES["q1"]), seconds=2.0),
    "q2": Probe("training_pairs", _pair_calls, seconds=2.0),
    "q3": Probe("bits_per_character", _bits_calls, seconds=2.0),
    "q4": Probe("temperature_probabilities", _temperature_calls, seconds=2.0),
    "q5": Probe("generate_greedy", _generation_calls, seconds=5.0),
    "q6": Probe("complete", _completion_calls, seconds=2.0),
}
