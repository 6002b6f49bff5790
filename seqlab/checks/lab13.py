"""Public checks for lab 13, image captioning: ``from seqlab.checks import lab13 as check``.

=====  ===============================================  ===========================================
check  your function                                    returns
=====  ===============================================  ===========================================
q1     ``make_strip(images, slots, gap)``               (h, slots * w + (slots - 1) * gap), dtype
                                                        of ``images``
q2     ``caption_arrays(captions, max_words)``          (decoder inputs, targets), int32
q3     ``beam_step(scores, log_probs, finished, width)``  (parents, words, new_scores)
q4     ``word_accuracy(predicted, true)``               float in [0, 1]
=====  ===============================================  ===========================================

Word ids follow notebook 13: 0 padding, 1 start, 2 end, then ``zero`` ... ``nine`` (3-12).
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.core import Case, run_check

WORDS = ["", "<start>", "<end>", "zero", "one", "two", "three", "four", "five", "six",
         "seven", "eight", "nine"]  # fmt: skip
PAD, START, END = 0, 1, 2


# --- q1: the strip builder ---


def q1(make_strip) -> None:
    """``make_strip(images, slots, gap)``: images side by side, gaps between slots."""
    two = np.arange(1, 9, dtype=np.float32).reshape(2, 2, 2)
    column = np.array([[[1.0], [2.0], [3.0]]])
    flat = np.array([[[1.0, 1.0]], [[2.0, 2.0]], [[3.0, 3.0]]])
    cases = [
        Case((two, 3, 1), np.array([[1, 2, 0, 5, 6, 0, 0, 0], [3, 4, 0, 7, 8, 0, 0, 0]],
                                   np.float32)),
        Case((column, 2, 0), np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])),
        Case((flat, 3, 2), np.array([[1.0, 1, 0, 0, 2, 2, 0, 0, 3, 3]])),
    ]
    run_check("q1", make_strip, cases, hints=[_strip_mistake])


def _strip_mistake(case: Case, strip) -> str | None:
    images, slots, gap = case.args
    count, height, width = images.shape
    strip = np.asarray(strip)
    if strip.shape == (count * height, width) or strip.shape == (slots * height, width):
        return "side by side: the images go along the columns (axis 1), not the rows."
    if strip.shape == (height, slots * width) and gap:
        return "put `gap` blank columns between neighbouring slots."
    if strip.shape == (height, slots * (width + gap)) and gap:
        return "no gap after the last slot: (slots - 1) gaps in all."
    if strip.shape == (height, count * width + (count - 1) * gap) and count < slots:
        return "the strip has room for `slots` images, however many are given: the rest is blank."
    return None


# --- q2: teacher forcing ---


def q2(caption_arrays) -> None:
    """``caption_arrays(captions, max_words)``: decoder inputs and targets, int32."""
    cases = [
        Case(
            (["three one four", "nine"], 4),
            (np.array([[1, 6, 4, 7, 2], [1, 12, 2, 0, 0]], np.int32),
             np.array([[6, 4, 7, 2, 0], [12, 2, 0, 0, 0]], np.int32)),
        ),
        Case((["zero zero"], 2),
             (np.array([[1, 3, 3]], np.int32), np.array([[3, 3, 2]], np.int32))),
        Case(
            (["five", "two eight", "one"], 3),
            (np.array([[1, 8, 2, 0], [1, 5, 11, 2], [1, 4, 2, 0]], np.int32),
             np.array([[8, 2, 0, 0], [5, 11, 2, 0], [4, 2, 0, 0]], np.int32)),
        ),
    ]
    run_check("q2", caption_arrays, cases, hints=[_caption_mistake],
              error_hints={ValueError: "look each word up in WORDS (WORDS.index(word))."})


def _caption_mistake(case: Case, result) -> str | None:
    if not isinstance(result, tuple | list) or len(result) != 2:
        return "return a tuple of two arrays: (decoder_inputs, targets)."
    decoder_inputs, targets = (np.asarray(part) for part in result)
    expected_inputs, expected_targets = case.expected
    captions, max_words = case.args
    if targets.shape == (len(captions), max_words):
        return "max_words + 1 columns: room for the end token after the longest caption."
    if targets.shape != expected_targets.shape or decoder_inputs.shape != expected_inputs.shape:
        return None
    if targets.dtype != expected_targets.dtype or decoder_inputs.dtype != expected_inputs.dtype:
        return None  # the message names the dtype expected
    real = expected_targets > END
    if np.array_equal(targets[real], expected_targets[real] - 3) or np.array_equal(
        targets[real], expected_targets[real] - 2
    ):
        return "word ids are positions in WORDS (zero is 3, three is 6), not the digits."
    if np.array_equal(targets, np.where(expected_targets == END, PAD, expected_targets)):
        return "each target row ends with the end token (END = 2) after the caption's words."
    if np.array_equal(decoder_inputs, expected_targets):
        return (
            "the decoder inputs are the targets themselves: the decoder would read the word it "
            "must write. It reads START, then the targets one step late."
        )
    shifted = np.concatenate([expected_targets[:, :-1], np.zeros_like(expected_targets[:, :1])], 1)
    if np.array_equal(decoder_inputs, shifted) or np.array_equal(decoder_inputs[:, 1:],
                                                                 expected_inputs[:, 1:]):
        return "every decoder input row starts with START (1), the word the decoder reads first."
    swapped = np.array_equal(targets, expected_inputs)
    if swapped and np.array_equal(decoder_inputs, expected_targets):
        return "return (decoder_inputs, targets), in this order."
    return None


# --- q3: one step of beam search ---


def q3(beam_step) -> None:
    """``beam_step(scores, log_probs, finished, width)``: the best extensions, best first."""
    p = np.array
    cases = [
        Case(
            (np.log([0.5, 0.3, 0.2]),
             np.log(p([[0.05, 0.05, 0.1, 0.2, 0.6], [0.02, 0.03, 0.05, 0.85, 0.05],
                       [0.1, 0.1, 0.6, 0.1, 0.1]])),
             p([False, False, True]), 3),
            (p([0, 1, 2]), p([4, 3, 0]), np.log([0.5 * 0.6, 0.3 * 0.85, 0.2])),
        ),
        Case(  # the first step: one caption alive, the others at -inf
            (p([0.0, -np.inf, -np.inf]),
             np.log(p([[0.01, 0.01, 0.08, 0.5, 0.4], [0.2] * 5, [0.2] * 5])),
             p([False, False, False]), 3),
            (p([0, 0, 0]), p([3, 4, 2]), np.log([0.5, 0.4, 0.08])),
        ),
        Case(  # fewer extensions than width: a single finished caption
            (p([-0.7]), np.log(p([[0.1, 0.1, 0.5, 0.2, 0.1]])), p([True]), 2),
            (p([0]), p([0]), p([-0.7])),
        ),
        Case(  # ties keep the order of (parent, word)
            (p([-1.0, -1.0]), np.log(p([[0.01, 0.01, 0.48, 0.25, 0.25]] * 2)),
             p([False, False]), 4),
            (p([0, 1, 0, 0]), p([2, 2, 3, 4]), -1.0 + np.log([0.48, 0.48, 0.25, 0.25])),
        ),
    ]
    run_check("q3", beam_step, cases, hints=[_beam_mistake])


def _top(total: np.ndarray, width: int, best_first: bool = True):
    """(parents, words) of the `width` finite entries of `total` ranked by value."""
    flat = total.ravel()
    candidates = np.flatnonzero(np.isfinite(flat))
    order = np.argsort(-flat[candidates] if best_first else flat[candidates], kind="stable")
    return np.divmod(candidates[order][:width], total.shape[1])


def _beam_mistake(case: Case, result) -> str | None:
    if not isinstance(result, tuple | list) or len(result) != 3:
        return "return a tuple of three arrays: (parents, words, new_scores)."
    parents, words, _ = (np.asarray(part) for part in result)
    expected_parents, expected_words, _ = case.expected
    scores, log_probs, finished, width = case.args

    def extended(total, finished_pad):
        total = total.copy()
        total[finished] = -np.inf
        total[finished, PAD] = finished_pad
        return total

    right = extended(scores[:, None] + log_probs, scores[finished])
    alternatives = [
        (_top(right, width, best_first=False),
         "best first: sort the extensions by score, largest first."),
        (_top(extended(log_probs, 0.0), width),
         "the score of an extension is the caption's score plus the word's log-probability: "
         "rank by scores[b] + log_probs[b, w]."),
        (_top(scores[:, None] + log_probs, width),
         "a finished caption is extended only by PAD (0), its score unchanged; it does not "
         "compete with a new word."),
    ]
    for (wrong_parents, wrong_words), hint in alternatives:
        same = np.array_equal(parents, wrong_parents) and np.array_equal(words, wrong_words)
        differs = not (np.array_equal(wrong_parents, expected_parents)
                       and np.array_equal(wrong_words, expected_words))
        if same and differs:
            return hint
    if len(parents) == len(set(parents.tolist())) < len(expected_parents):
        return "rank the extensions of all captions together, not each caption's best alone."
    return None


# --- q4: word accuracy ---


def q4(word_accuracy) -> None:
    """``word_accuracy(predicted, true)``: the share of true words found in place."""
    cases = [
        Case((["three one four", "three four", None], ["three one four", "three one", "two"]),
             4 / 6),
        Case((["five five five", "nine"], ["five", "nine eight"]), 2 / 3),
        Case((["one two", "two one"], ["one two", "one two"]), 2 / 4),
        Case((["seven"], ["seven"]), 1.0),
    ]
    run_check("q4", word_accuracy, cases, hints=[_accuracy_mistake],
              error_hints={AttributeError: _NONE_HINT, TypeError: _NONE_HINT})


_NONE_HINT = "a predicted caption may be None (it never ended): it has no words."


def _accuracy_mistake(case: Case, score) -> str | None:
    predicted, true = case.args
    if not isinstance(score, float | np.floating):
        return "return the share as a float (between 0 and 1)."
    words = [(p.split() if p else [], t.split()) for p, t in zip(predicted, true, strict=True)]
    found = [sum(a == b for a, b in zip(p, t, strict=False)) for p, t in words]
    alternatives = [
        (np.mean([p == t for p, t in zip(predicted, true, strict=True)]),
         "that is exact match: count the words found word by word, not whole captions."),
        (sum(found) / max(sum(max(len(p), len(t)) for p, t in words), 1),
         "divide by the number of true words only: extra predicted words do not count."),
        (np.mean([f / len(t) for f, (_, t) in zip(found, words, strict=True)]),
         "pool the words of all captions: the share of all true words, not the mean of "
         "each caption's share."),
        (sum(len(set(p) & set(t)) for p, t in words) / sum(len(t) for _, t in words),
         "a word counts only at the same position as in the true caption."),
    ]
    for value, hint in alternatives:
        if np.isclose(score, value) and not np.isclose(value, case.expected):
            return hint
    return None
