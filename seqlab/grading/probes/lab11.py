"""Grader probes for lab 11, sequence to sequence (hidden from students; drawn at grading time).

Token ids follow the lab: 0 padding, 1 start, 2 end, answers drawn from the ids above. The
decoding probes draw float64 weights, so that a float32 and a float64 answer write the same
tokens; the padding and start tokens get a large negative score, as in a trained decoder.
"""

from __future__ import annotations

import numpy as np

from seqlab.grading.probes import Call, Probe

PAD, START, END = 0, 1, 2


def _answers(rng: np.random.Generator, n: int, width: int, vocab_size: int) -> np.ndarray:
    """(n, width) int64 targets: each row 0..width-1 answer tokens, the end token, then 0."""
    rows = np.zeros((n, width), dtype=np.int64)
    for row in rows:
        length = int(rng.integers(0, width))
        row[:length] = rng.integers(END + 1, vocab_size, size=length)
        row[length] = END
    return rows


def _teacher_forcing_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for dtype, start_id in (("int32", START), ("int64", START), ("int32", int(rng.integers(3, 9)))):
        n, width = int(rng.integers(1, 6)), int(rng.integers(1, 8))
        calls.append(Call((_answers(rng, n, width, 14).astype(dtype), start_id)))
    return calls


def _model_calls(rng: np.random.Generator) -> list[Call]:
    return [
        Call((int(rng.integers(5, 30)), int(rng.integers(2, 12)), int(rng.integers(2, 24))))
        for _ in range(2)
    ]


def _decoding_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for max_length in (int(rng.integers(4, 9)), int(rng.integers(4, 9)), int(rng.integers(1, 4))):
        vocab_size, embedding_dim, units = (
            int(rng.integers(*bounds)) for bounds in ((5, 12), (2, 7), (2, 9))
        )
        n = int(rng.integers(1, 6))
        weights = [
            rng.normal(size=(vocab_size, embedding_dim)),
            rng.normal(size=(embedding_dim, 4 * units)),
            rng.normal(size=(units, 4 * units)) / np.sqrt(units),
            rng.normal(size=4 * units) * 0.5,
            rng.normal(size=(units, vocab_size)) * 2,
            rng.normal(size=vocab_size),
        ]
        weights[5][[PAD, START]] = -10.0
        weights[5][END] += rng.uniform(0, 1.5)  # so that some rows end within max_length
        states = (np.tanh(rng.normal(size=(n, units))), rng.normal(size=(n, units)))
        calls.append(Call((states, weights, START, END, max_length)))
    return calls


def _exact_match_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for _ in range(3):
        n, width = int(rng.integers(2, 9)), int(rng.integers(2, 6))
        targets = _answers(rng, n, width, 14)
        predicted = np.zeros((n, width + int(rng.integers(0, 3))), dtype=np.int64)
        predicted[:, :width] = targets
        for row, kind in zip(predicted, rng.integers(0, 4, size=n), strict=True):
            end = int(np.argmax(row == END))
            if kind == 1:  # one wrong token, the end token included
                row[rng.integers(0, end + 1)] = int(rng.integers(END + 1, 14))
            elif kind == 2:  # tokens after the end token, which do not count
                row[end + 1 :] = rng.integers(END + 1, 14, size=len(row) - end - 1)
            elif kind == 3:  # unfinished: the end token never written
                row[end:] = rng.integers(END + 1, 14, size=len(row) - end)
        calls.append(Call((predicted, targets, END)))
    return calls


DESCRIBE = "__import__('seqlab.checks.lab11', fromlist=['_']).describe_model(result)"

PROBES = {
    "q1": Probe("decoder_inputs", _teacher_forcing_calls, seconds=2.0),
    # Builds a small Keras model and calls it four times: seconds on a loaded machine.
    "q2": Probe("build_encoder_decoder", _model_calls, observe=DESCRIBE, seconds=60.0),
    "q3": Probe("greedy_decode", _decoding_calls, seconds=5.0),
    "q4": Probe("exact_match", _exact_match_calls, seconds=2.0),
}
