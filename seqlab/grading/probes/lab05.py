"""Grader probes for lab 05, the LSTM (hidden from students; inputs drawn at grading time).

Shapes are drawn small (n, m, u up to 4) with u = 1 and m = 1 among them; weights are drawn
large enough that some gates saturate, and one cell call has only ``c_prev`` non-zero. q6 builds
each layer kind once from drawn weights (T from 3 to 8 steps).
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.lab05 import RULES, layer_weights
from seqlab.checks.recurrent import MODEL_SUMMARY
from seqlab.grading.probes import Call, Probe, stated

GATES = ("input", "forget", "candidate", "output")


def _normal(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    return rng.normal(scale=scale, size=shape)


def _cell_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for n, m, u, scale in [(1, 1, 1, 1.0), (3, 2, 4, 1.0), (2, 4, 3, 2.5), (4, 3, 2, 0.5)]:
        calls.append(
            Call(
                (
                    _normal(rng, n, m),
                    _normal(rng, n, u),
                    _normal(rng, n, u, scale=2.0),
                    _normal(rng, m, 4 * u, scale=scale),
                    _normal(rng, u, 4 * u, scale=scale),
                    _normal(rng, 4 * u, scale=scale),
                )
            )
        )
    n, m, u = 2, 3, 2  # only the cell state: the forget path and tanh(c) on their own
    calls.append(
        Call(
            (
                np.zeros((n, m)),
                np.zeros((n, u)),
                _normal(rng, n, u, scale=2.0),
                _normal(rng, m, 4 * u),
                _normal(rng, u, 4 * u),
                np.zeros(4 * u),
            )
        )
    )
    return calls


def _sequence_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for n, steps, m, u in [(2, int(rng.integers(3, 9)), 3, 2), (1, 1, 2, 3), (3, 5, 1, 1)]:
        calls.append(
            Call(
                (
                    _normal(rng, n, steps, m),
                    _normal(rng, m, 4 * u),
                    _normal(rng, u, 4 * u),
                    _normal(rng, 4 * u),
                )
            )
        )
    return calls


def _count_calls(rng: np.random.Generator) -> list[Call]:
    sizes = [(1, int(rng.integers(1, 20))), (int(rng.integers(2, 300)), int(rng.integers(1, 600)))]
    sizes += [(int(rng.integers(1, 64)), 1), (int(rng.integers(2, 128)), int(rng.integers(1, 64)))]
    return [Call(size) for size in sizes]


def _stack_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for m, u in [(int(rng.integers(1, 5)), int(rng.integers(2, 5))), (1, 1), (3, 2)]:
        gates = {gate: (_normal(rng, m, u), _normal(rng, u, u), _normal(rng, u)) for gate in GATES}
        order = [GATES[k] for k in rng.permutation(len(GATES))]  # a dict may list them any way
        if order == list(GATES):
            order = order[::-1]
        calls.append(Call(({gate: gates[gate] for gate in order},)))
    return calls


def _classifier_calls(rng: np.random.Generator) -> list[Call]:
    return [
        Call(
            (
                int(rng.integers(5, 60)),
                int(rng.integers(1, 10)),
                int(rng.integers(2, 33)),
                int(rng.integers(2, 10)),
            )
        )
        for _ in range(2)
    ]


def _gradient_calls(rng: np.random.Generator) -> list[Call]:
    """Each layer kind once, weights small and large, and a batch of one over one feature."""
    calls = []
    for kind, n, m, scale in [("SimpleRNN", 2, 3, 0.8), ("LSTM", 3, 2, 1.0), ("GRU", 2, 2, 0.8),
                              ("LSTM", 1, 1, 2.0)]:
        u, steps = int(rng.integers(1, 5)), int(rng.integers(3, 9))
        weights = layer_weights(kind, m, u, rng, scale=scale)
        calls.append(Call((kind, weights, _normal(rng, n, steps, m))))
    return calls


PROBES = {
    "q1": Probe("lstm_cell_forward", _cell_calls, seconds=5.0),
    "q2": Probe("lstm_forward", _sequence_calls, observe=stated(RULES["q2"]), seconds=5.0),
    "q3": Probe("lstm_parameter_count", _count_calls, observe=stated(RULES["q3"]), seconds=2.0),
    "q4": Probe("stack_lstm_weights", _stack_calls, observe=stated(RULES["q4"]), seconds=2.0),
    # building a Keras model takes a moment; the summary is what is compared
    "q5": Probe("build_lstm_classifier", _classifier_calls, observe=MODEL_SUMMARY, seconds=30.0),
    # a Keras layer is built for every call, the first one slowest; float32 inside the layer
    "q6": Probe("gradient_by_distance", _gradient_calls, rtol=1e-4, atol=1e-6, seconds=30.0),
}
