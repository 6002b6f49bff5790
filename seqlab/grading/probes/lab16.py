"""Grader probes for lab 16, speech-like audio (hidden from students; drawn at grading time).

Waveforms have a length that is not a multiple of the frame, so samples must be dropped. CTC
paths are drawn as runs (repeats to merge), with the blank sometimes not 0 and a letter that
comes back after a blank. Hypotheses are references with random insertions, deletions and
substitutions, so position-wise counting and edit distance disagree.
"""

from __future__ import annotations

import numpy as np

from seqlab.grading.probes import Call, Probe

LETTERS = list("ADEIKMNORSTU")


def _spectrogram_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        frame = int(rng.integers(3, 9))
        length = frame * int(rng.integers(1, 6)) + int(rng.integers(1, frame))
        calls.append(Call((rng.normal(size=length), frame)))
    return calls


def _path(rng: np.random.Generator, symbols: int, blank: int) -> np.ndarray:
    runs = []
    letter = int(rng.choice([symbol for symbol in range(symbols) if symbol != blank]))
    for _ in range(int(rng.integers(3, 8))):
        symbol = blank if rng.random() < 0.35 else int(rng.integers(symbols))
        runs += [symbol] * int(rng.integers(1, 4))
    runs += [letter, blank, letter]  # a letter twice: only the blank keeps them apart
    return np.array(runs, dtype=np.int64)


def _collapse_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for blank_at_zero in (True, True, False):
        symbols = int(rng.integers(3, 7))
        blank = 0 if blank_at_zero else int(rng.integers(1, symbols))
        calls.append(Call((_path(rng, symbols, blank), blank)))
    return calls


def _edited(rng: np.random.Generator, text: str) -> str:
    letters = list(text)
    for _ in range(int(rng.integers(0, 3))):
        kind = rng.integers(3)
        at = int(rng.integers(len(letters) + 1))
        if kind == 0:
            letters.insert(at, str(rng.choice(LETTERS)))
        elif letters and at < len(letters):
            if kind == 1:
                del letters[at]
            else:
                letters[at] = str(rng.choice(LETTERS))
    return "".join(letters)


def _cer_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        references = [
            "".join(rng.choice(LETTERS, size=int(rng.integers(1, 6))))
            for _ in range(int(rng.integers(2, 6)))
        ]
        calls.append(Call((references, [_edited(rng, text) for text in references])))
    return calls


def _label_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        alphabet = "".join(rng.permutation(LETTERS)[: int(rng.integers(3, 12))])
        texts = [
            "".join(rng.choice(list(alphabet), size=int(rng.integers(1, 5))))
            for _ in range(int(rng.integers(1, 5)))
        ]
        length = max(map(len, texts)) + int(rng.integers(0, 3))
        calls.append(Call((texts, alphabet, length)))
    return calls


def _run_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        value, on = bool(rng.integers(2)), []
        for _ in range(int(rng.integers(1, 7))):
            on += [value] * int(rng.integers(1, 5))
            value = not value
        calls.append(Call((np.array(on, dtype=bool),)))
    return calls


PROBES = {
    "q1": Probe("power_spectrogram", _spectrogram_calls, seconds=2.0),
    "q2": Probe("ctc_collapse", _collapse_calls, seconds=2.0),
    "q3": Probe("character_error_rate", _cer_calls, seconds=2.0),
    "q4": Probe("label_ids", _label_calls, seconds=2.0),
    "q5": Probe("run_lengths", _run_calls, seconds=2.0),
}
