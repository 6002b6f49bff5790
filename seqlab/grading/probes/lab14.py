"""Grader probes for lab 14, music generation (hidden from students; drawn at grading time).

Every melody holds a rest and notes of several durations; every vocabulary misses a note of the
melody it encodes. Bigram corpora have pieces of different lengths and end on notes that also
start pairs, so that counting tokens instead of pairs, or averaging piece by piece, changes the
result. Logits include a large one (overflow) and a temperature of 0 (greedy).
"""

from __future__ import annotations

import numpy as np

from seqlab.grading.probes import Call, Probe

DURATIONS = [0.25, 0.5, 1.0, 1.5, 2.0]


def _melody(rng: np.random.Generator, length: int, low: int, high: int, step=0.25) -> list:
    """Notes of pitches low..high and one rest, with durations that are multiples of ``step``."""
    durations = [duration for duration in DURATIONS if duration >= step]
    notes = [
        (int(rng.integers(low, high + 1)), float(rng.choice(durations))) for _ in range(length)
    ]
    notes[int(rng.integers(1, length))] = (0, float(rng.choice(durations)))  # a rest
    return notes


def _encode_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        notes = _melody(rng, int(rng.integers(4, 12)), 60, 67)
        known = sorted(set(notes))[1:]  # at least one note of the melody is unseen
        known += [(int(rng.integers(68, 72)), 1.0)]  # and one of the vocabulary unused
        order = rng.permutation(len(known))
        vocabulary = {known[i]: int(index) for index, i in enumerate(order, start=3)}
        calls.append(Call((notes, vocabulary)))
    return calls


def _pieces(rng: np.random.Generator, count: int, size: int) -> list[np.ndarray]:
    return [
        np.array([1, *rng.integers(2, size, size=int(rng.integers(2, 9)))], dtype=np.int64)
        for _ in range(count)
    ]


def _bigram_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for k in (0.1, 0.5, 1.0):
        size = int(rng.integers(5, 9))
        calls.append(Call((_pieces(rng, 4, size), _pieces(rng, 3, size), size, k)))
    return calls


def _logit_calls(rng: np.random.Generator) -> list[Call]:
    def logits():
        return rng.normal(scale=3.0, size=int(rng.integers(3, 9)))

    return [
        Call((logits(), float(rng.uniform(0.3, 0.9)))),
        Call((logits() + 1500.0, float(rng.uniform(1.2, 2.0)))),  # exp(1500 / 2) overflows
        Call((logits(), 0.0)),
    ]


def _roll_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for step in (0.25, 0.5, 0.25):
        low = int(rng.integers(55, 65))
        high = low + int(rng.integers(4, 10))
        notes = _melody(rng, int(rng.integers(3, 9)), low, high, step)
        calls.append(Call((notes, low, high, step)))
    return calls


def _sound_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for rate in (2000, 4000, 8000):
        seconds_per_quarter = 40 / rate  # a quarter note is 40 samples, a sixteenth 10
        notes = _melody(rng, int(rng.integers(3, 7)), 57, 81)
        calls.append(Call((notes, rate, seconds_per_quarter)))
    return calls


PROBES = {
    "q1": Probe("encode", _encode_calls, seconds=2.0),
    "q2": Probe("bigram_bits", _bigram_calls, seconds=2.0),
    "q3": Probe("temperature_probabilities", _logit_calls, seconds=2.0),
    "q4": Probe("piano_roll", _roll_calls, seconds=2.0),
    "q5": Probe("synthesise", _sound_calls, seconds=2.0),
}
