"""Grader probes for lab 06, the GRU (hidden from students; inputs drawn at grading time).

Shapes are drawn small (n, m, u up to 4) with u = 1 and m = 1 among them; weights are drawn
large enough that some gates saturate. Every layer name is tried once. (The ValueError for an
unknown name is left to the public check: the grader compares values, and the reference's
answer to every call must be one.)
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.lab06 import RULES
from seqlab.checks.recurrent import MODEL_SUMMARY
from seqlab.grading.probes import Call, Probe, stated


def _normal(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    return rng.normal(scale=scale, size=shape)


def _weights(rng: np.random.Generator, m: int, u: int, scale: float = 1.0) -> tuple:
    return (
        _normal(rng, m, 3 * u, scale=scale),
        _normal(rng, u, 3 * u, scale=scale),
        _normal(rng, 2, 3 * u, scale=scale),
    )


def _cell_calls(rng: np.random.Generator) -> list[Call]:
    return [
        Call((_normal(rng, n, m), _normal(rng, n, u, scale=0.8), *_weights(rng, m, u, scale)))
        for n, m, u, scale in [(1, 1, 1, 1.0), (3, 2, 4, 1.0), (2, 4, 3, 2.5), (4, 3, 2, 0.5)]
    ]


def _count_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for reset_after in (None, True, False, False):
        size = (int(rng.integers(1, 200)), int(rng.integers(1, 400)))
        calls.append(Call(size, {} if reset_after is None else {"reset_after": reset_after}))
    return calls


def _sequence_calls(rng: np.random.Generator) -> list[Call]:
    return [
        Call((_normal(rng, n, steps, m), *_weights(rng, m, u)))
        for n, steps, m, u in [(2, int(rng.integers(3, 9)), 3, 2), (1, 1, 2, 3), (3, 5, 1, 1)]
    ]


def _classifier_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for layer in rng.permutation(["SimpleRNN", "LSTM", "GRU"]):
        calls.append(
            Call(
                (
                    str(layer),
                    int(rng.integers(5, 60)),
                    int(rng.integers(1, 10)),
                    int(rng.integers(2, 33)),
                    int(rng.integers(2, 10)),
                )
            )
        )
    return calls


PROBES = {
    "q1": Probe("gru_cell_forward", _cell_calls, seconds=5.0),
    "q2": Probe("gru_parameter_count", _count_calls, observe=stated(RULES["q2"]), seconds=2.0),
    "q3": Probe("gru_forward", _sequence_calls, seconds=5.0),
    # building a Keras model takes a moment; the summary is what is compared
    "q4": Probe(
        "build_recurrent_classifier",
        _classifier_calls,
        observe=stated(RULES["q4"], MODEL_SUMMARY),
        seconds=30.0,
    ),
}
