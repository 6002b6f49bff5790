"""Grader probes for lab 07, entity recognition (hidden from students; inputs drawn when grading).

Tag sequences are drawn over several entity types with every BIO pattern that matters: entities
at the start and the end, adjacent ``B`` tags, an ``I-X`` after ``O`` or after another type,
sentences without entities and empty ones. Predictions are the true tags with a few tags
changed, so that some entities stay right and some do not.
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.text_models import TEXT_MODEL_SUMMARY
from seqlab.grading.probes import Call, Probe

TYPES = ["SPECIES", "PER", "LOC"]
TOKENS = ["Panthera", "leo", "the", "The", "Corporation", "Vespa", "crabro", "ship", "in", "."]


def _tags(rng: np.random.Generator, length: int, types: list[str]) -> list[str]:
    """A random BIO sequence, ``I-`` tags mostly continuing an entity, sometimes not."""
    tags, previous = [], None
    for _ in range(length):
        roll = rng.random()
        if previous is not None and roll < 0.35:
            tag = f"I-{previous}"
        elif roll < 0.55:
            tag = f"B-{rng.choice(types)}"
        elif roll < 0.62:
            tag = f"I-{rng.choice(types)}"  # an I- that may not continue anything
        else:
            tag = "O"
        previous = tag[2:] if tag != "O" else None
        tags.append(str(tag))
    return tags


def _perturbed(rng: np.random.Generator, tags: list[str], types: list[str]) -> list[str]:
    choices = ["O", *(f"{prefix}-{kind}" for kind in types for prefix in "BI")]
    return [str(rng.choice(choices)) if rng.random() < 0.15 else tag for tag in tags]


def _span_calls(rng: np.random.Generator) -> list[Call]:
    lengths = [int(rng.integers(4, 15)) for _ in range(4)] + [0, 3]
    calls = [Call((_tags(rng, length, TYPES),)) for length in lengths[:-1]]
    return [*calls, Call((["O"] * lengths[-1],))]


def _score_calls(rng: np.random.Generator) -> list[Call]:
    """Three calls with entities on both sides, then one where nothing is predicted."""
    calls = []
    for _ in range(3):
        true = [_tags(rng, int(rng.integers(3, 12)), TYPES) for _ in range(rng.integers(2, 6))]
        predicted = [_perturbed(rng, tags, TYPES) for tags in true]
        true[0][0] = predicted[0][0] = "B-SPECIES"  # at least one entity in each
        calls.append(Call((true, predicted)))
    true = [_tags(rng, 6, TYPES) for _ in range(2)]
    true[0][0] = "B-PER"
    calls.append(Call((true, [["O"] * 6, ["O"] * 6])))
    return calls


def _table_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        sentences, tags = [], []
        for _ in range(rng.integers(2, 7)):
            length = int(rng.integers(2, 7))
            sentences.append([str(token) for token in rng.choice(TOKENS, size=length)])
            tags.append(_tags(rng, length, ["SPECIES"]))
        calls.append(Call((sentences, tags)))
    # A token alone in three sentences, its three tags tied: the first seen is neither the
    # first in A-Z order nor the last seen.
    token = "Zyzzyva"
    calls[-1].args[0].extend([[token], [token], [token]])
    calls[-1].args[1].extend([["O"], ["B-SPECIES"], ["I-SPECIES"]])
    return calls


def _decode_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for num_tags, shortest in ((3, 1), (5, 1), (7, 0)):
        batch, steps = int(rng.integers(2, 5)), int(rng.integers(3, 10))
        logits = rng.normal(size=(batch, steps, num_tags))
        probabilities = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
        # the longest sentence fills the batch; the others are padded, an empty one at most
        lengths = [steps, *(int(n) for n in rng.integers(shortest, steps + 1, size=batch - 1))]
        tag_names = ["O", *(f"{p}-{kind}" for kind in ["A", "B", "C"] for p in "BI")][:num_tags]
        calls.append(Call((probabilities.astype(np.float32), lengths, tag_names)))
    return calls


def _tagger_calls(rng: np.random.Generator) -> list[Call]:
    return [
        Call(
            (
                int(rng.integers(10, 3000)),
                int(rng.integers(2, 10)),
                int(rng.integers(2, 33)),
                int(rng.integers(2, 33)),
                bidirectional,
            )
        )
        for bidirectional in (True, False)
    ]


PROBES = {
    "q1": Probe("entity_spans", _span_calls, seconds=2.0),
    "q2": Probe("entity_scores", _score_calls, seconds=2.0),
    "q3": Probe("most_frequent_tags", _table_calls, seconds=2.0),
    "q4": Probe("decode_predictions", _decode_calls, seconds=2.0),
    # Building a Keras model takes a moment, the first one longest.
    "q5": Probe("build_tagger", _tagger_calls, observe=TEXT_MODEL_SUMMARY, seconds=30.0),
}
