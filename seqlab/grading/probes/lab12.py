"""Grader probes for lab 12, attention (hidden from students; drawn at grading time).

Dates are drawn over 1950-2049 with first days of months and days below 10 made common; the
attention and decoding probes draw float64 arrays with padding in some rows, so that a
float32 and a float64 answer agree; the decoders' padding and start tokens get a large
negative score, as in a trained decoder, and the end token a bonus so that some rows end
within ``max_length`` and others do not.
"""

from __future__ import annotations

import calendar

import numpy as np

from seqlab.grading.probes import Call, Probe

PAD, START, END = 0, 1, 2


def _date_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for kind in ("first", "small", "any", "any", "first"):
        year, month = int(rng.integers(1950, 2050)), int(rng.integers(1, 13))
        last = calendar.monthrange(year, month)[1]
        low, high = {"first": (1, 2), "small": (2, 10)}.get(kind, (1, last + 1))
        day = int(rng.integers(low, high))
        calls.append(Call((year, month, day)))
    return calls


def _mask(rng: np.random.Generator, n: int, t: int) -> np.ndarray:
    lengths = rng.integers(1, t + 1, size=n)
    lengths[0] = max(1, t - 1) if t > 1 else 1  # at least one row with padding when t > 1
    return np.arange(t)[None, :] < lengths[:, None]


def _attention_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        n, s, t, d = (int(rng.integers(*bounds)) for bounds in ((1, 4), (1, 5), (2, 7), (2, 6)))
        calls.append(
            Call(
                (
                    rng.normal(size=(n, s, d)),
                    rng.normal(size=(n, t, d)),
                    _mask(rng, n, t),
                    rng.normal(size=d),
                )
            )
        )
    return calls


def _decoding_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for max_length in (int(rng.integers(4, 8)), int(rng.integers(4, 8)), int(rng.integers(1, 4))):
        n, t, units, vocab_size, embedding_dim = (
            int(rng.integers(*bounds)) for bounds in ((2, 5), (2, 7), (2, 6), (5, 10), (2, 5))
        )
        weights = [
            rng.normal(size=(vocab_size, embedding_dim)),
            rng.normal(size=(embedding_dim, units)),
            rng.normal(size=(units, units)) / np.sqrt(units),
            rng.normal(size=units) * 0.3,
            rng.normal(size=(2 * units, vocab_size)) * 2,
            rng.normal(size=vocab_size),
        ]
        weights[5][[PAD, START]] = -10.0
        weights[5][END] += rng.uniform(0.5, 2.0)
        h = np.tanh(rng.normal(size=(n, units)))
        states = rng.normal(size=(n, t, units)) * 1.5
        calls.append(Call((h, states, _mask(rng, n, t), weights, START, END, max_length)))
    return calls


def _reading_calls(rng: np.random.Generator) -> list[Call]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789/-. "))
    calls = []
    for index in range(3):
        length, steps = int(rng.integers(2, 10)), int(rng.integers(2, 8))
        padding = int(rng.integers(0, 3))
        weights = rng.dirichlet(np.full(length, 0.5), size=steps)
        weights = np.pad(weights, ((0, 0), (0, padding)))
        stop = int(rng.integers(1, steps if index == 0 else steps + 1))  # the first call ends
        if index == 1:  # a tie for the largest weight, which the first one wins
            weights[0] = 0.0
            weights[0, [length - 1, 0]] = 0.5
        weights[stop:] = 0.0  # steps after the end token, if any
        calls.append(Call((weights, "".join(rng.choice(letters, size=length)))))
    return calls


PROBES = {
    "q1": Probe("italian_date", _date_calls, seconds=2.0),
    "q2": Probe("additive_attention", _attention_calls, seconds=5.0),
    "q3": Probe("greedy_decode", _decoding_calls, seconds=5.0),
    "q4": Probe("most_attended", _reading_calls, seconds=2.0),
}
