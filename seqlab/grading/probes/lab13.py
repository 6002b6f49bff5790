"""Grader probes for lab 13, image captioning (hidden from students; drawn at grading time).

Strips of float32 and float64 images with and without gaps and blank slots; captions of one to
``max_words`` number words; beam steps with finished captions, a first step with one live
caption, and widths both below and above the number of extensions; predicted captions that
are right, wrong in one word, too long, too short or unfinished (None).
"""

from __future__ import annotations

import numpy as np

from seqlab.grading.probes import Call, Probe

NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
PAD = 0


def _strip_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for dtype, gap in (("float32", int(rng.integers(1, 3))), ("float64", 0), ("float64", 2)):
        slots = int(rng.integers(2, 5))
        count = int(rng.integers(1, slots))  # at least one blank slot
        shape = (count, int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        images = rng.uniform(0.1, 1.0, size=shape).astype(dtype)
        calls.append(Call((images, slots, gap)))
    return calls


def _caption(rng: np.random.Generator, low: int, high: int) -> str:
    return " ".join(rng.choice(NUMBER_WORDS, size=int(rng.integers(low, high + 1))))


def _caption_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        max_words, n = int(rng.integers(1, 6)), int(rng.integers(1, 5))
        captions = [_caption(rng, 1, max_words) for _ in range(n)]
        captions[0] = _caption(rng, 1, max(1, max_words - 1))  # a row with padding, mostly
        calls.append(Call((captions, max_words)))
    return calls


def _beam_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for kind in ("finished", "first", "wide"):
        beams, words = int(rng.integers(2, 5)), int(rng.integers(4, 8))
        log_probs = np.log(rng.dirichlet(np.full(words, 0.7), size=beams))
        scores = np.sort(np.log(rng.uniform(0.05, 1.0, size=beams)))[::-1].copy()
        finished = rng.random(beams) < 0.4
        finished[0] = kind == "finished"  # the best caption so far has ended
        if kind == "first":
            scores[1:] = -np.inf
            finished[:] = False
        width = beams if kind != "wide" else int(rng.integers(beams, beams * words + 3))
        calls.append(Call((scores, log_probs, finished, width)))
    return calls


def _accuracy_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        n = int(rng.integers(3, 7))
        true = [_caption(rng, 1, 4) for _ in range(n)]
        predicted = []
        for index, caption in enumerate(true):
            words = caption.split()
            kind = index % 5 if index < 5 else int(rng.integers(0, 5))
            if kind == 1:  # one wrong word
                words[int(rng.integers(0, len(words)))] = str(rng.choice(NUMBER_WORDS))
            elif kind == 2:  # too long
                words = words + [str(rng.choice(NUMBER_WORDS))]
            elif kind == 3:  # too short, or shifted by a missing first word
                words = words[1:]
            predicted.append(None if kind == 4 else " ".join(words) or None)
        calls.append(Call((predicted, true)))
    return calls


PROBES = {
    "q1": Probe("make_strip", _strip_calls, seconds=2.0),
    "q2": Probe("caption_arrays", _caption_calls, seconds=2.0),
    "q3": Probe("beam_step", _beam_calls, seconds=2.0),
    "q4": Probe("word_accuracy", _accuracy_calls, seconds=2.0),
}
