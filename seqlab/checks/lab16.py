"""Public checks for lab 16, speech-like audio to text: ``from seqlab.checks import lab16``.

=====  ==============================================  ==========================================
check  your function                                   returns
=====  ==============================================  ==========================================
q1     ``power_spectrogram(audio, frame)``             float64 (len(audio) // frame,
                                                       frame // 2 + 1): |rfft(hann * frame)|²
q2     ``ctc_collapse(path, blank)``                   list of int: repeats merged, then blanks
                                                       dropped
q3     ``character_error_rate(references,              float: total edit distance / total
       hypotheses)``                                   reference letters
q4     ``label_ids(texts, alphabet, length)``          int32 (len(texts), length): ids from 1,
                                                       padded with 0
q5     ``run_lengths(on)``                             (bool values, int64 lengths) of the runs
=====  ==============================================  ==========================================
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.core import Case, run_check
from seqlab.checks.recurrent import matches


def _power(audio, frame, *, window=True, squared=True) -> np.ndarray:
    audio = np.asarray(audio, dtype=np.float64)
    frames = audio[: len(audio) // frame * frame].reshape(-1, frame)
    spectrum = np.abs(np.fft.rfft(frames * (np.hanning(frame) if window else 1.0), axis=-1))
    return spectrum**2 if squared else spectrum


def q1(power_spectrogram) -> None:
    """``power_spectrogram(audio, frame)``: the squared magnitude of each windowed frame's rfft."""
    noise = np.random.default_rng(16).normal(size=22)
    tone = np.sin(2 * np.pi * 0.25 * np.arange(16))  # a quarter of the sampling rate
    cases = [
        Case((np.ones(8), 4), np.tile(_power(np.ones(4), 4), (2, 1))),
        Case((tone, 8), _power(tone, 8)),
        Case((noise, 5), _power(noise, 5)),  # 22 samples: 4 whole frames of 5
    ]
    run_check(
        "q1", power_spectrogram, cases, hints=[_frame_count, _full_fft, _no_window, _magnitude]
    )


def _collapse(path, blank) -> list[int]:
    merged = [int(s) for i, s in enumerate(path) if i == 0 or s != path[i - 1]]
    return [s for s in merged if s != blank]


def q2(ctc_collapse) -> None:
    """``ctc_collapse(path, blank)``: merge repeats, then drop blanks."""
    cases = [
        Case((np.array([2, 0, 3, 2]), 0), [2, 3, 2]),
        Case((np.array([0, 3, 3, 0, 0, 5, 0, 5]), 0), [3, 5, 5]),
        Case((np.array([2, 2, 2]), 0), [2]),
        Case((np.array([1, 1, 4, 4, 1]), 4), [1, 1]),
        Case((np.array([0, 0, 0]), 0), []),
        Case((np.array([6, 0, 6, 6, 7, 0, 7, 7, 0]), 0), [6, 6, 7, 7]),
    ]
    run_check("q2", ctc_collapse, cases, hints=[_blanks_first, _not_merged, _blanks_kept, _unique])


def _distance(reference: str, hypothesis: str) -> int:
    row = list(range(len(hypothesis) + 1))
    for i, letter in enumerate(reference, start=1):
        previous, row[0] = row[:], i
        for j, other in enumerate(hypothesis, start=1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (letter != other))
    return row[-1]


def _cer(references, hypotheses) -> float:
    errors = sum(_distance(r, h) for r, h in zip(references, hypotheses, strict=True))
    return errors / sum(len(r) for r in references)


def q3(character_error_rate) -> None:
    """``character_error_rate(references, hypotheses)``: edit distance per reference letter."""
    cases = [
        Case((["ASM"], ["ASM"]), 0.0),
        Case((["ASM"], ["SM"]), 1 / 3),
        Case((["TEN", "KO"], ["TEN", "KOO"]), 0.2),
        Case((["DOT", "MI", "SUN"], ["DOG", "", "RSUN"]), 4 / 8),
        Case((["NE"], ["MIKE"]), _cer(["NE"], ["MIKE"])),
    ]
    run_check(
        "q3", character_error_rate, cases, hints=[_positions, _per_clip_mean, _hypothesis_length]
    )


def q4(label_ids) -> None:
    """``label_ids(texts, alphabet, length)``: ids from 1, zeros after each text."""
    cases = [
        Case((["ab", "c"], "abc", 3), np.array([[1, 2, 0], [3, 0, 0]], dtype=np.int32)),
        Case((["TEA"], "AET", 4), np.array([[3, 2, 1, 0]], dtype=np.int32)),
        Case((["SOS", "OK", "K"], "KOS", 3), np.array([[3, 2, 3], [2, 1, 0], [1, 0, 0]], np.int32)),
    ]
    run_check("q4", label_ids, cases, hints=[_from_zero, _minus_one_padding, _int32])


def _runs(on):
    on = np.asarray(on, dtype=bool)
    starts = np.r_[0, np.flatnonzero(on[1:] != on[:-1]) + 1]
    return on[starts], np.diff(np.r_[starts, len(on)]).astype(np.int64)


def q5(run_lengths) -> None:
    """``run_lengths(on)``: the value and length of each run of equal values."""
    cases = [
        Case(
            (np.array([True, True, False, True]),),
            (np.array([True, False, True]), np.array([2, 1, 1])),
        ),
        Case((np.array([False] * 3),), (np.array([False]), np.array([3]))),
        Case(
            (np.array([False, True, True, True, False, False, True, True]),),
            (np.array([False, True, False, True]), np.array([1, 3, 2, 2])),
        ),
    ]
    run_check("q5", run_lengths, cases, hints=[_pair, _last_run, _bool_values])


# --- Hints: each recognises one common mistake from the case and the returned value. ---


def _frame_count(case: Case, returned) -> str | None:
    audio, frame = case.args
    if np.shape(returned)[:1] != (len(audio) // frame,):
        return (
            f"{len(audio)} samples make len(audio) // frame = {len(audio) // frame} whole frames "
            f"of {frame}: drop the samples at the end, do not pad."
        )
    return None


def _full_fft(case: Case, returned) -> str | None:
    frame = case.args[1]
    if np.shape(returned)[1:] == (frame,):
        return "use np.fft.rfft: a real signal has frame // 2 + 1 distinct frequency bins."
    return None


def _no_window(case: Case, returned) -> str | None:
    if matches(np.asarray(returned), _power(*case.args, window=False)):
        return "multiply each frame by np.hanning(frame) before the transform."
    return None


def _magnitude(case: Case, returned) -> str | None:
    if matches(np.asarray(returned), _power(*case.args, squared=False)):
        return "power is the squared magnitude: np.abs(...) ** 2."
    return None


def _blanks_first(case: Case, returned) -> str | None:
    path, blank = case.args
    kept = [s for s in path if s != blank]
    if returned == _collapse(kept, blank) and returned != case.expected:
        return (
            "merge the repeats first, then drop the blanks: a blank between two equal symbols "
            "keeps them apart."
        )
    return None


def _not_merged(case: Case, returned) -> str | None:
    path, blank = case.args
    if returned == [int(s) for s in path if s != blank]:
        return "merge runs of the same symbol into one before dropping the blanks."
    return None


def _blanks_kept(case: Case, returned) -> str | None:
    path, blank = case.args
    if blank in list(returned):
        return f"drop the blank ({blank}) from the result: it means no letter."
    return None


def _unique(case: Case, returned) -> str | None:
    path, blank = case.args
    once = [int(s) for s in dict.fromkeys(int(s) for s in path) if s != blank]
    if list(returned) == once or list(returned) == sorted(once):
        return (
            "merge only neighbouring repeats: a letter may appear again later (keep [3, 5, 5] "
            "for 3 3 - 5 - 5)."
        )
    return None


def _positions(case: Case, returned) -> str | None:
    references, hypotheses = case.args
    mismatches = sum(
        sum(a != b for a, b in zip(r, h, strict=False)) + abs(len(r) - len(h))
        for r, h in zip(references, hypotheses, strict=True)
    )
    if np.isclose(returned, mismatches / sum(map(len, references))):
        return (
            "count edits, not positions that differ: a deleted letter shifts all the rest; "
            "use the edit (Levenshtein) distance."
        )
    return None


def _per_clip_mean(case: Case, returned) -> str | None:
    references, hypotheses = case.args
    rates = [_distance(r, h) / len(r) for r, h in zip(references, hypotheses, strict=True)]
    if len(references) > 1 and np.isclose(returned, np.mean(rates)):
        return (
            "add up the edits of all clips and divide by all the reference letters: the mean of "
            "per-clip rates weighs short messages too much."
        )
    return None


def _hypothesis_length(case: Case, returned) -> str | None:
    references, hypotheses = case.args
    total = sum(map(len, hypotheses))
    errors = sum(_distance(r, h) for r, h in zip(references, hypotheses, strict=True))
    if total and np.isclose(returned, errors / total) and not np.isclose(returned, case.expected):
        return "divide by the number of letters in the references, not in the hypotheses."
    return None


def _from_zero(case: Case, returned) -> str | None:
    expected = case.expected
    shifted = np.where(expected > 0, expected - 1, 0)
    if np.array_equal(np.asarray(returned), shifted) or np.array_equal(
        np.asarray(returned), np.where(expected > 0, expected - 1, -1)
    ):
        return "letter ids start at 1 (alphabet.index(letter) + 1): id 0 is the CTC blank."
    return None


def _minus_one_padding(case: Case, returned) -> str | None:
    expected = case.expected
    if np.array_equal(np.asarray(returned), np.where(expected > 0, expected, -1)):
        return "pad with 0, not -1: keras.losses.CTC counts the labels that are not 0."
    return None


def _int32(case: Case, returned) -> str | None:
    if (
        np.array_equal(np.asarray(returned), case.expected)
        and np.asarray(returned).dtype != np.int32
    ):
        return "return int32 ids: np.zeros(..., dtype=np.int32)."
    return None


def _pair(case: Case, returned) -> str | None:
    if not isinstance(returned, tuple | list) or len(returned) != 2:
        return "return the pair (values, lengths)."
    return None


def _last_run(case: Case, returned) -> str | None:
    values, lengths = case.expected
    if len(returned[1]) == len(lengths) - 1 and np.array_equal(returned[1], lengths[:-1]):
        return "the last run counts too: it ends at the end of the array, not at a change."
    return None


def _bool_values(case: Case, returned) -> str | None:
    values = np.asarray(returned[0])
    if values.dtype != bool and np.array_equal(values.astype(bool), case.expected[0]):
        return "values is a bool array (on[starts]), not 0/1 integers."
    return None
