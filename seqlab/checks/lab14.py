"""Public checks for lab 14, music generation: ``from seqlab.checks import lab14 as check``.

=====  =================================================  =====================================
check  your function                                      returns
=====  =================================================  =====================================
q1     ``build_vocabulary(pieces, min_count)``            dict note -> id: notes seen at least
                                                          min_count times, ids 3, 4, ... sorted
q2     ``interpolated_bits(train, val, size, weight)``    float, bits per note on ``val`` of
                                                          weight x bigram + (1 - weight) x
                                                          add-one unigram
q3     ``temperature_probabilities(logits, temperature)`` float64 (len(logits),), softmax of
                                                          logits / temperature; one-hot at 0
q4     ``piano_roll(notes, lowest, highest, step)``       bool (highest - lowest + 1, steps)
q5     ``synthesise(notes, rate, seconds_per_quarter)``   float64 (samples,), a sine per note
=====  =================================================  =====================================

A note is ``(pitch, duration)``: a MIDI number (0 for a rest) and quarter notes. Ids: 0 pads,
1 is START, 2 is UNKNOWN, a vocabulary maps notes to ids from 3 on.
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.core import Case, run_check
from seqlab.checks.recurrent import matches

PAD, START, UNKNOWN, REST = 0, 1, 2, 0


def _ids(values) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _vocabulary(pieces, min_count, *, first=3, by_frequency=False, strict=False,
                per_piece=False) -> dict:
    """The vocabulary, or a common mistake (the keywords)."""
    counts: dict = {}
    for piece in pieces:
        for note in set(piece) if per_piece else piece:
            counts[note] = counts.get(note, 0) + 1
    kept = [note for note, count in counts.items() if count > min_count - (0 if strict else 1)]
    if by_frequency:
        kept.sort(key=lambda note: -counts[note])  # stable: ties in first-seen order
    else:
        kept.sort()
    return {note: index for index, note in enumerate(kept, start=first)}


PIECES = [
    [(67, 1.0), (69, 1.0), (67, 1.0), (72, 2.0)],
    [(72, 2.0), (71, 0.5), (69, 1.0), (67, 1.0), (0, 1.0)],
    [(64, 1.0), (67, 1.0), (64, 1.0), (71, 0.5), (71, 0.5)],  # 64 twice, in one piece
]


def q1(build_vocabulary) -> None:
    """``build_vocabulary(pieces, min_count)``: notes seen >= min_count times, ids 3... sorted."""
    cases = [
        Case(([[(60, 1.0), (62, 0.5), (60, 1.0)]], 1), {(60, 1.0): 3, (62, 0.5): 4}),
        Case((PIECES, 1), _vocabulary(PIECES, 1)),
        Case((PIECES, 2), _vocabulary(PIECES, 2)),
        Case((PIECES, 3), _vocabulary(PIECES, 3)),
    ]
    run_check(
        "q1",
        build_vocabulary,
        cases,
        hints=[_ids_from_zero_or_one, _by_frequency, _more_than, _per_piece, _all_notes],
    )


def _interpolated(train, val, size, weight, *, log=np.log2, swapped=False, start_counted=False,
                  token_counts=False) -> float:
    """Bits per note of the interpolated model on ``val``, or a common mistake (the keywords)."""
    pairs = np.zeros((size, size))
    for ids in train:
        np.add.at(pairs, (ids[:-1], ids[1:]), 1)
    predicted = np.concatenate([ids if start_counted else ids[1:] for ids in train])
    unigram = (np.bincount(predicted, minlength=size) + 1) / (len(predicted) + size)
    if token_counts:
        starts = np.bincount(np.concatenate(train), minlength=size).astype(float)
    else:
        starts = pairs.sum(axis=1)
    with np.errstate(all="ignore"):
        bigram = np.where(starts[:, None] > 0, pairs / np.maximum(starts[:, None], 1), 0.0)
    w = 1 - weight if swapped else weight
    table = w * bigram + (1 - w) * unigram[np.newaxis, :]
    return float(-np.mean(np.concatenate([log(table[ids[:-1], ids[1:]]) for ids in val])))


BIGRAM_TRAIN = [_ids([1, 3, 4, 3, 5]), _ids([1, 4, 4, 5]), _ids([1, 3, 5, 3, 6])]
BIGRAM_VAL = [_ids([1, 3, 4, 5, 3]), _ids([1, 5, 4])]
UNSEEN_PREVIOUS = [_ids([1, 6, 3, 4]), _ids([1, 3, 6, 5, 2])]  # 6 and 2 start no training pair


def q2(interpolated_bits) -> None:
    """``interpolated_bits(train, val, size, weight)``: mean -log2 of the mixed probability."""
    one = [_ids([1, 3, 4])]
    cases = [
        Case((one, one, 5, 0.5), _interpolated(one, one, 5, 0.5)),
        Case((BIGRAM_TRAIN, BIGRAM_VAL, 7, 0.8), _interpolated(BIGRAM_TRAIN, BIGRAM_VAL, 7, 0.8)),
        Case((BIGRAM_TRAIN, BIGRAM_VAL, 9, 0.3), _interpolated(BIGRAM_TRAIN, BIGRAM_VAL, 9, 0.3)),
        Case(
            (BIGRAM_TRAIN, UNSEEN_PREVIOUS, 7, 0.6),
            _interpolated(BIGRAM_TRAIN, UNSEEN_PREVIOUS, 7, 0.6),
        ),
    ]
    run_check(
        "q2",
        interpolated_bits,
        cases,
        hints=[_nats, _swapped, _start_counted, _token_counts, _unseen_previous],
        error_hints={
            ZeroDivisionError: (
                "a previous note that starts no training pair has no bigram estimate: "
                "its bigram probability is 0, and the unigram alone counts."
            )
        },
    )


def _softmax(logits, temperature) -> np.ndarray:
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return np.eye(len(logits))[np.argmax(logits)]
    scaled = logits / temperature
    exp = np.exp(scaled - scaled.max())
    return exp / exp.sum()


def _f64(values) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def q3(temperature_probabilities) -> None:
    """``temperature_probabilities(logits, temperature)``: softmax(logits / T); greedy at T = 0."""
    cases = [
        Case((_f64([1.0, 2.0, 3.0]), 1.0), _softmax([1.0, 2.0, 3.0], 1.0)),
        Case((_f64([2.0, 0.0, -1.0, 1.0]), 0.5), _softmax([2.0, 0.0, -1.0, 1.0], 0.5)),
        Case((_f64([0.5, 1.5, 1.0]), 2.0), _softmax([0.5, 1.5, 1.0], 2.0)),
        Case((_f64([1000.0, 999.0, 990.0]), 0.8), _softmax([1000.0, 999.0, 990.0], 0.8)),
        Case((_f64([0.3, 2.5, -1.0, 2.0]), 0.0), _f64([0.0, 1.0, 0.0, 0.0])),
    ]
    run_check(
        "q3",
        temperature_probabilities,
        cases,
        hints=[_multiplied, _not_normalised, _overflow, _greedy],
        error_hints={
            ZeroDivisionError: (
                "temperature 0 means greedy: all the probability on the largest logit "
                "(np.argmax); test for it before dividing."
            )
        },
    )


def _roll(notes, lowest, highest, step) -> np.ndarray:
    durations = [duration for _, duration in notes]
    onsets = np.concatenate([[0.0], np.cumsum(durations)])
    roll = np.zeros((highest - lowest + 1, round(onsets[-1] / step)), dtype=bool)
    for (pitch, _), start, stop in zip(notes, onsets[:-1], onsets[1:], strict=True):
        if pitch != REST:
            roll[pitch - lowest, round(start / step) : round(stop / step)] = True
    return roll


ROLL_NOTES = [(62, 1.0), (64, 0.5), (0, 0.5), (67, 1.5), (62, 0.5)]
REST_LAST = [(65, 2.0), (64, 1.0), (0, 1.0)]


def q4(piano_roll) -> None:
    """``piano_roll(notes, lowest, highest, step)``: True where a pitch sounds at a step."""
    cases = [
        Case(([(60, 1.0), (61, 0.5)], 60, 61, 0.5), np.array([[1, 1, 0], [0, 0, 1]], dtype=bool)),
        Case((ROLL_NOTES, 60, 68, 0.5), _roll(ROLL_NOTES, 60, 68, 0.5)),
        Case((ROLL_NOTES, 62, 67, 0.25), _roll(ROLL_NOTES, 62, 67, 0.25)),
        Case((REST_LAST, 64, 66, 1.0), _roll(REST_LAST, 64, 66, 1.0)),
    ]
    run_check(
        "q4",
        piano_roll,
        cases,
        hints=[_upside_down, _transposed, _steps_not_quarters, _onsets_only, _rest_marked],
        error_hints={
            IndexError: (
                "a rest (pitch REST = 0) has no row: leave its steps empty, and mark only "
                "pitches from lowest to highest, in row pitch - lowest."
            )
        },
    )


def _sine(notes, rate, seconds_per_quarter, *, reference=69, continuous=False, rest_tone=False,
          two_pi=True, scaled=True) -> np.ndarray:
    """The waveform, or a common mistake (the keywords)."""
    parts, elapsed = [], 0
    for pitch, duration in notes:
        count = round(duration * (seconds_per_quarter if scaled else 1.0) * rate)
        t = (np.arange(count) + (elapsed if continuous else 0)) / rate
        elapsed += count
        if pitch == REST and not rest_tone:
            parts.append(np.zeros(count))
            continue
        frequency = 440 * 2 ** ((pitch - reference) / 12)
        parts.append(np.sin((2 * np.pi if two_pi else 1.0) * frequency * t))
    return np.concatenate(parts) if parts else np.zeros(0)


TUNE = [(69, 0.5), (72, 0.25), (0, 0.25), (76, 0.5)]


def q5(synthesise) -> None:
    """``synthesise(notes, rate, seconds_per_quarter)``: a sine from phase 0 per note, zeros for
    rests."""
    cases = [
        Case(([(69, 1.0)], 4000, 0.002), np.sin(2 * np.pi * 440 * np.arange(8) / 4000)),
        Case((TUNE, 8000, 0.01), _sine(TUNE, 8000, 0.01)),
        Case((REST_LAST, 2000, 0.02), _sine(REST_LAST, 2000, 0.02)),
    ]
    run_check(
        "q5",
        synthesise,
        cases,
        hints=[_not_scaled, _reference, _no_two_pi, _continuous, _rest_tone],
    )


# --- Hints: each recognises one common mistake from the case and the returned value. ---


def _vocabulary_variant(case: Case, returned, **mistake) -> bool:
    wrong = _vocabulary(*case.args, **mistake)
    return wrong != case.expected and matches(returned, wrong)


def _ids_from_zero_or_one(case: Case, returned) -> str | None:
    if _vocabulary_variant(case, returned, first=0) or _vocabulary_variant(case, returned, first=1):
        return "ids 0, 1 and 2 are PAD, START and UNKNOWN: the notes' ids start at 3."
    return None


def _by_frequency(case: Case, returned) -> str | None:
    if (
        isinstance(returned, dict)
        and set(returned) == set(case.expected)
        and returned != case.expected
        and sorted(returned.values()) == sorted(case.expected.values())
    ):
        return "number the notes in sorted order (pitch, then duration), not by frequency."
    return None


def _more_than(case: Case, returned) -> str | None:
    if _vocabulary_variant(case, returned, strict=True):
        return "keep the notes seen at least min_count times (>=), exactly min_count included."
    return None


def _per_piece(case: Case, returned) -> str | None:
    if _vocabulary_variant(case, returned, per_piece=True):
        return "count every occurrence of a note, not the pieces it occurs in."
    return None


def _all_notes(case: Case, returned) -> str | None:
    every = _vocabulary(case.args[0], 1)
    if case.args[1] > 1 and every != case.expected and matches(returned, every):
        return "leave out the notes seen fewer than min_count times: they become UNKNOWN."
    return None


def _bigram_variant(case: Case, returned, **mistake) -> bool:
    wrong = _interpolated(*case.args, **mistake)
    return (
        np.isfinite(case.expected)
        and not np.isclose(wrong, case.expected)
        and np.isclose(returned, wrong)
    )


def _nats(case: Case, returned) -> str | None:
    if _bigram_variant(case, returned, log=np.log):
        return "that is nats (natural log): bits are -log2 of the probability, np.log2."
    return None


def _swapped(case: Case, returned) -> str | None:
    if _bigram_variant(case, returned, swapped=True):
        return "weight multiplies the bigram's probability, 1 - weight the unigram's."
    return None


def _start_counted(case: Case, returned) -> str | None:
    if _bigram_variant(case, returned, start_counted=True):
        return (
            "the unigram counts the notes that are predicted, ids[1:] of each piece: START is "
            "never predicted."
        )
    return None


def _token_counts(case: Case, returned) -> str | None:
    if _bigram_variant(case, returned, token_counts=True):
        return (
            "count(a) is the number of pairs that start with a: a piece's last note starts "
            "none, so counting every occurrence of a gives too much."
        )
    return None


def _unseen_previous(case: Case, returned) -> str | None:
    train, val = case.args[:2]
    starts = {int(a) for ids in train for a in ids[:-1]}
    unseen = any(int(a) not in starts for ids in val for a in ids[:-1])
    if unseen and not np.isfinite(returned):
        return (
            "a previous note that starts no training pair has no bigram estimate: "
            "its bigram probability is 0, and the unigram alone counts."
        )
    return None


def _multiplied(case: Case, returned) -> str | None:
    logits, temperature = case.args
    if temperature in (0, 1):
        return None
    if matches(np.asarray(returned), _softmax(logits * temperature, 1.0)):
        return "divide the logits by the temperature (below 1 sharpens), do not multiply."
    return None


def _not_normalised(case: Case, returned) -> str | None:
    logits, temperature = case.args
    if temperature == 0:
        return None
    scaled = logits / temperature
    raw = np.exp(scaled - scaled.max())
    if not np.isclose(raw.sum(), 1) and matches(np.asarray(returned), raw):
        return "divide by the sum, so that the probabilities add up to 1."
    return None


def _overflow(case: Case, returned) -> str | None:
    logits, temperature = case.args
    if temperature and np.max(np.abs(logits)) > 500 and not np.all(np.isfinite(returned)):
        return (
            "np.exp overflows for large logits: subtract the largest scaled logit before "
            "exponentiating (the softmax does not change)."
        )
    return None


def _greedy(case: Case, returned) -> str | None:
    if case.args[1] == 0:
        return (
            "temperature 0 means greedy: all the probability on the largest logit "
            "(np.argmax); test for it before dividing."
        )
    return None


def _upside_down(case: Case, returned) -> str | None:
    if case.expected.any() and matches(np.asarray(returned), case.expected[::-1]):
        return "row 0 is the lowest pitch, row pitch - lowest: the rows are upside down."
    return None


def _transposed(case: Case, returned) -> str | None:
    if matches(np.asarray(returned), case.expected.T):
        return "the shape is (pitches, steps), a row per pitch: time runs along the columns."
    return None


def _steps_not_quarters(case: Case, returned) -> str | None:
    notes, lowest, highest, step = case.args
    if step != 1.0 and matches(np.asarray(returned), _roll(notes, lowest, highest, 1.0)):
        return "a column is one step of `step` quarter notes: divide onsets and durations by step."
    return None


def _onsets_only(case: Case, returned) -> str | None:
    notes, lowest, highest, step = case.args
    onsets = np.concatenate([[0.0], np.cumsum([d for _, d in notes])])[:-1]
    only = np.zeros_like(case.expected)
    for (pitch, _), start in zip(notes, onsets, strict=True):
        if pitch != REST:
            only[pitch - lowest, round(start / step)] = True
    if not matches(only, case.expected) and matches(np.asarray(returned), only):
        return "a note fills every step it lasts, from its onset to its end, not its onset alone."
    return None


def _rest_marked(case: Case, returned) -> str | None:
    notes, lowest, highest, step = case.args
    if not any(pitch == REST for pitch, _ in notes):
        return None
    returned = np.asarray(returned)
    if returned.shape == case.expected.shape and (returned & ~case.expected).any():
        extra = returned & ~case.expected
        onsets = np.concatenate([[0.0], np.cumsum([d for _, d in notes])])
        rests = np.zeros(case.expected.shape[1], dtype=bool)
        for (pitch, _), start, stop in zip(notes, onsets[:-1], onsets[1:], strict=True):
            if pitch == REST:
                rests[round(start / step) : round(stop / step)] = True
        if extra[:, rests].any() and not extra[:, ~rests].any():
            return "a rest (pitch REST = 0) sounds nothing: leave its steps empty."
    return None


def _sine_variant(case: Case, returned, **mistake) -> bool:
    wrong = _sine(*case.args, **mistake)
    return not matches(wrong, case.expected) and matches(np.asarray(returned), wrong)


def _not_scaled(case: Case, returned) -> str | None:
    if _sine_variant(case, returned, scaled=False) or (
        np.shape(returned) != case.expected.shape
        and np.shape(returned) == _sine(*case.args, scaled=False).shape
    ):
        return (
            "a note lasts duration × seconds_per_quarter seconds, so "
            "round(duration * seconds_per_quarter * rate) samples."
        )
    return None


def _reference(case: Case, returned) -> str | None:
    if _sine_variant(case, returned, reference=60):
        return "MIDI 69 is the A at 440 Hz: frequency = 440 * 2 ** ((pitch - 69) / 12)."
    return None


def _no_two_pi(case: Case, returned) -> str | None:
    if _sine_variant(case, returned, two_pi=False):
        return "a sine of frequency f is sin(2π f t): the 2π is missing."
    return None


def _continuous(case: Case, returned) -> str | None:
    if _sine_variant(case, returned, continuous=True):
        return "each note starts its sine at phase 0: its own time t = 0, 1/rate, ..."
    return None


def _rest_tone(case: Case, returned) -> str | None:
    if _sine_variant(case, returned, rest_tone=True):
        return "a rest (pitch REST = 0) is silence: zeros for its samples, not a tone."
    return None
