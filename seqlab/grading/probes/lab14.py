"""Grader probes for lab 14, music generation (hidden from students; drawn at grading time).

Every melody holds a rest and notes of several durations. Vocabulary corpora repeat notes within
a piece and draw notes with uneven (Zipf) frequencies, so that counting pieces, ordering by
frequency and the min_count bound all show. Interpolation corpora have a validation note that
starts no training pair (its bigram estimate is 0 / 0) and pieces ending on notes that also start
pairs, so that counting tokens instead of pairs changes the result. Logits include a large one
(overflow) and a temperature of 0 (greedy).
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


def _vocabulary_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for min_count in (1, 2, 3):
        palette = [(int(rng.integers(60, 68)), float(rng.choice(DURATIONS))) for _ in range(8)]
        pieces = []
        for _ in range(int(rng.integers(2, 5))):
            piece = [palette[i] for i in rng.zipf(1.6, size=int(rng.integers(3, 10))) % 8]
            pieces.append(piece + [piece[0]])  # a note twice in one piece
        calls.append(Call((pieces, min_count)))
    return calls


def _pieces(rng: np.random.Generator, count: int, high: int) -> list[np.ndarray]:
    """``count`` id sequences: START, then 2 to 8 ids from 2 (UNKNOWN) to ``high - 1``."""
    return [
        np.array([1, *rng.integers(2, high, size=int(rng.integers(2, 9)))], dtype=np.int64)
        for _ in range(count)
    ]


def _interpolated_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for weight in (0.5, 0.8, 0.3):
        size = int(rng.integers(6, 10))
        train = _pieces(rng, 4, size - 1)  # the last id never occurs in training
        val = _pieces(rng, 3, size)
        val[0] = np.concatenate([[1, size - 1], val[0][1:]])  # ... and is a previous note here
        calls.append(Call((train, val, size, weight)))
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
    "q1": Probe("build_vocabulary", _vocabulary_calls, seconds=2.0),
    "q2": Probe("interpolated_bits", _interpolated_calls, seconds=2.0),
    "q3": Probe("temperature_probabilities", _logit_calls, seconds=2.0),
    "q4": Probe("piano_roll", _roll_calls, seconds=2.0),
    "q5": Probe("synthesise", _sound_calls, seconds=2.0),
}
