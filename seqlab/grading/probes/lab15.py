"""Grader probes for lab 15, financial series (hidden from students; inputs drawn at grading time).

Prices are random walks in the log (daily moves of a few percent). Returns are drawn with a
nonzero mean and uneven sizes, so that a standard deviation differs from a root mean square and
a window shifted by a day gives other values. Every call has at least two windows or returns.
"""

from __future__ import annotations

import numpy as np

from seqlab.grading.probes import Call, Probe


def _returns(rng: np.random.Generator, length: int) -> np.ndarray:
    scale = rng.uniform(0.005, 0.04, size=length)  # calm and turbulent days
    return rng.normal(loc=0.003, scale=scale)


def _price_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        start = float(rng.uniform(5, 500))
        prices = start * np.exp(np.cumsum(_returns(rng, int(rng.integers(3, 30)))))
        calls.append(Call((prices,)))
    return calls


def _rolling_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        days = int(rng.integers(2, 8))
        length = days + int(rng.integers(1, 20))
        calls.append(Call((_returns(rng, length), days, int(rng.integers(2, 7)))))
    return calls


def _ewma_calls(rng: np.random.Generator) -> list[Call]:
    return [
        Call((_returns(rng, int(rng.integers(3, 30))), float(rng.uniform(0.6, 0.98))))
        for _ in range(3)
    ]


def _ahead_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        horizon = int(rng.integers(2, 7))
        calls.append(Call((_returns(rng, horizon + int(rng.integers(2, 20))), horizon)))
    return calls


def _r2_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        actual = _returns(rng, int(rng.integers(5, 40)))
        forecast = float(rng.uniform(-0.5, 1.0)) * actual + rng.normal(scale=0.01, size=len(actual))
        calls.append(Call((forecast, actual)))
    return calls


PROBES = {
    "q1": Probe("log_returns", _price_calls, seconds=2.0),
    "q2": Probe("rolling_volatility", _rolling_calls, seconds=2.0),
    "q3": Probe("ewma_variance", _ewma_calls, seconds=2.0),
    "q4": Probe("realised_volatility_ahead", _ahead_calls, seconds=2.0),
    "q5": Probe("out_of_sample_r2", _r2_calls, seconds=2.0),
}
