"""Synthetic sequence tasks that isolate one ability of a recurrent network.

:func:`recall_marked_symbol` is the memory task of lessons 05 (LSTM) and 06 (GRU): the
answer is one input that lies up to ``length - 1`` steps back, among inputs of the same
kind that must be ignored. It is generated, not shipped: the same seed gives the same
arrays on every machine.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class MemoryTask(NamedTuple):
    """A batch of the marked-symbol memory task; unpack it as ``inputs, labels, lags``.

    Attributes:
        inputs: float32 (n, length, n_symbols + 1). Channels ``0 .. n_symbols - 1`` one-hot
            encode the symbol of each step; the last channel is the marker, 1.0 at exactly
            one step of each sequence and 0.0 elsewhere.
        labels: int64 (n,), the symbol at the marked step, in ``[0, n_symbols)``.
        lags: int64 (n,), how many steps before the last one the marked step lies, in
            ``[0, length)``: 0 when the marker is on the last step, ``length - 1`` when it
            is on the first.
    """

    inputs: np.ndarray
    labels: np.ndarray
    lags: np.ndarray


def recall_marked_symbol(n_sequences, length, *, n_symbols=4, seed=0) -> MemoryTask:
    """Sequences of random symbols, one of them marked; the label is the marked symbol.

    Every step carries a symbol drawn uniformly from ``n_symbols``; the marker sits on one
    step drawn uniformly from the ``length`` steps. To answer at the end of the sequence a
    model has to store the marked symbol when it sees the marker and then keep it while
    up to ``length - 1`` further symbols arrive, which look exactly like the one it keeps.
    Guessing scores ``1 / n_symbols``.

    (Marking the first step always is the classic "recall the first symbol" task; a
    saturating simple RNN solves that one by letting its first input decide its state for
    good, so the marker moves here and storing has to depend on the input.)

    Args:
        n_sequences: n, the number of sequences.
        length: T, the steps in each sequence.
        n_symbols: the size of the alphabet; at least 2.
        seed: seed of the NumPy generator; the same seed gives the same task.

    Returns:
        :class:`MemoryTask` ``(inputs, labels, lags)``: float32 (n, T, n_symbols + 1),
        int64 (n,) and int64 (n,).

    Example:
        >>> x, y, lags = recall_marked_symbol(2, 5, seed=1)
        >>> x.shape, y.shape, lags.shape
        ((2, 5, 5), (2,), (2,))
    """
    for name, value, smallest in (
        ("n_sequences", n_sequences, 1),
        ("length", length, 1),
        ("n_symbols", n_symbols, 2),
    ):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < smallest:
            raise ValueError(f"{name} must be an integer of at least {smallest}, got {value!r}.")

    rng = np.random.default_rng(seed)
    symbols = rng.integers(0, n_symbols, size=(n_sequences, length))
    marked_step = rng.integers(0, length, size=n_sequences)

    inputs = np.zeros((n_sequences, length, n_symbols + 1), dtype=np.float32)
    inputs[..., :n_symbols] = np.eye(n_symbols, dtype=np.float32)[symbols]
    rows = np.arange(n_sequences)
    inputs[rows, marked_step, n_symbols] = 1.0
    labels = symbols[rows, marked_step].astype(np.int64)
    lags = (length - 1 - marked_step).astype(np.int64)
    return MemoryTask(inputs, labels, lags)
