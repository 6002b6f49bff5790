"""Grader probes for lab 03, the simple RNN (hidden from students; inputs drawn at grading time).

Shapes and weights are drawn afresh: batches of one and more, inputs with one feature and
several, square and non-square kernels (so that a transposed kernel is caught), and weights
large enough to saturate tanh.
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.lab03 import RULES
from seqlab.checks.recurrent import MODEL_SUMMARY
from seqlab.grading.probes import Call, Probe, stated


def _weights(rng: np.random.Generator, m: int, u: int, scale: float = 1.0):
    """``kernel`` (m, u), ``recurrent_kernel`` (u, u), ``bias`` (u,), in float64."""
    return (
        rng.normal(scale=scale, size=(m, u)),
        rng.normal(scale=scale, size=(u, u)),
        rng.normal(scale=scale, size=u),
    )


def _cell_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for m, u, scale in ((3, 5, 1.0), (4, 4, 1.0), (1, 1, 3.0), (6, 2, 0.3)):
        n = int(rng.integers(1, 5))
        x_t, h_prev = rng.normal(size=(n, m)), rng.uniform(-1, 1, size=(n, u))
        calls.append(Call((x_t, h_prev, *_weights(rng, m, u, scale))))
    return calls


def _sequence_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for m, u in ((2, 3), (3, 3), (1, 4)):
        n, steps = int(rng.integers(1, 4)), int(rng.integers(1, 9))
        calls.append(Call((rng.normal(size=(n, steps, m)), *_weights(rng, m, u))))
    return calls


def _count_calls(rng: np.random.Generator) -> list[Call]:
    return [Call((int(rng.integers(1, 513)), int(rng.integers(1, 1001)))) for _ in range(4)]


def _tagger_calls(rng: np.random.Generator) -> list[Call]:
    return [
        Call((int(rng.integers(1, 20)), int(rng.integers(2, 33)), int(rng.integers(2, 12))))
        for _ in range(2)
    ]


def _deck_calls(rng: np.random.Generator) -> list[Call]:
    """Keras's three arrays of non-square, square and one-unit layers."""
    sizes = [(int(rng.integers(2, 7)), int(rng.integers(2, 6))), (1, int(rng.integers(2, 5))),
             (3, 3), (int(rng.integers(2, 5)), 1)]
    return [Call(_weights(rng, m, u)) for m, u in sizes]


PROBES = {
    "q1": Probe("rnn_cell_forward", _cell_calls, seconds=2.0),
    "q2": Probe("rnn_forward", _sequence_calls, observe=stated(RULES["q2"]), seconds=5.0),
    "q3": Probe("rnn_parameter_count", _count_calls, observe=stated(RULES["q3"]), seconds=2.0),
    # Building a Keras model takes a moment, the first one longest.
    "q4": Probe("build_tagger", _tagger_calls, observe=MODEL_SUMMARY, seconds=30.0),
    "q5": Probe("deck_weights", _deck_calls, observe=stated(RULES["q5"]), seconds=2.0),
}
