"""Grader probes for lab 09, forecasting (hidden from students; inputs drawn at grading time).

Series are random walks, so windows and targets differ everywhere; lengths are drawn so that
one call has a single window. The training split of the scaling calls has gaps (NaN) and a
level unlike the other splits, so statistics taken from the wrong split show. The linear fits
are well conditioned (more samples than coefficients), so any least-squares method agrees with
the reference to many digits.
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.lab09 import RULES
from seqlab.checks.recurrent import MODEL_SUMMARY
from seqlab.grading.probes import Call, Probe, stated


def _walk(rng: np.random.Generator, length: int, start: float = 0.0) -> np.ndarray:
    return start + np.cumsum(rng.normal(size=length))


def _window_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for single in (False, False, False, True):
        window, horizon = int(rng.integers(1, 7)), int(rng.integers(1, 5))
        length = window + horizon if single else int(rng.integers(window + horizon + 1, 30))
        calls.append(Call((_walk(rng, length), window, horizon)))
    return calls


def _standardize_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for gaps in (0, 2, 1):
        train = _walk(rng, int(rng.integers(5, 20)), start=float(rng.normal(scale=10)))
        train[rng.choice(len(train), size=gaps, replace=False)] = np.nan
        val, test = (
            _walk(rng, int(rng.integers(1, 8)), start=float(rng.normal(scale=10))) for _ in range(2)
        )
        calls.append(Call((train, val, test)))
    return calls


def _persistence_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        # a window of one value would make the first value the last: draw at least two
        samples, window = int(rng.integers(1, 12)), int(rng.integers(2, 6))
        calls.append(
            Call(
                (
                    rng.normal(size=(samples, window)).astype(np.float32),
                    rng.normal(size=samples).astype(np.float32),
                )
            )
        )
    return calls


def _linear_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for noise in (0.0, 0.5, 0.2):
        window = int(rng.integers(1, 6))
        inputs = rng.normal(size=(int(rng.integers(3 * window + 6, 40)), window))
        targets = (
            inputs @ rng.normal(size=window) + rng.normal() + noise * rng.normal(size=len(inputs))
        )
        calls.append(Call((inputs, targets)))
    return calls


def _forecaster_calls(rng: np.random.Generator) -> list[Call]:
    return [
        Call((int(rng.integers(2, 50)), int(rng.integers(1, 8)), int(rng.integers(1, 33))))
        for _ in range(3)
    ]


PROBES = {
    "q1": Probe("make_windows_with_target", _window_calls, seconds=2.0),
    "q2": Probe("standardize", _standardize_calls, observe=stated(RULES["q2"]), seconds=2.0),
    "q3": Probe("persistence_mae", _persistence_calls, observe=stated(RULES["q3"]), seconds=2.0),
    "q4": Probe("fit_linear_forecaster", _linear_calls, seconds=2.0),
    # building a Keras model takes a moment; the summary is what is compared
    "q5": Probe("build_forecaster", _forecaster_calls, observe=MODEL_SUMMARY, seconds=30.0),
}
