"""Public checks for lab 12, attention: ``from seqlab.checks import lab12 as check``.

=====  =====================================================================  ====================
check  your function                                                          returns
=====  =====================================================================  ====================
q1     ``italian_date(year, month, day)``                                     str
q2     ``additive_attention(query, values, mask, scale)``                     (context, weights)
q3     ``greedy_decode(h, states, mask, weights, start_id, end_id, max_len)``  (written, attention)
q4     ``most_attended(weights, text)``                                       str
=====  =====================================================================  ====================

The expected values of q2 and q3 are computed by Keras's own layers
(``keras.layers.AdditiveAttention``; ``SimpleRNNCell``, ``Attention`` and ``Dense``), in
float64, on fixed inputs: the checks hold no NumPy answer.
"""

from __future__ import annotations

import datetime

import numpy as np

from seqlab.checks.core import Case, run_check

ITALIAN_MONTHS = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio",
                  "agosto", "settembre", "ottobre", "novembre", "dicembre"]  # fmt: skip
ITALIAN_WEEKDAYS = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]
PAD, START, END = 0, 1, 2


# --- q1: an Italian date ---


def q1(italian_date) -> None:
    """``italian_date(year, month, day)``: 'martedì 3 marzo 1998', the first written '1º'."""
    cases = [
        Case((1998, 3, 3), "martedì 3 marzo 1998"),
        Case((2001, 5, 1), "martedì 1º maggio 2001"),
        Case((2049, 12, 31), "venerdì 31 dicembre 2049"),
        Case((1950, 1, 2), "lunedì 2 gennaio 1950"),
        Case((1987, 10, 1), "giovedì 1º ottobre 1987"),
    ]
    run_check("q1", italian_date, cases, hints=[_date_mistake])


def _date_mistake(case: Case, text) -> str | None:
    if not isinstance(text, str):
        return "return the date as one str, e.g. with an f-string."
    year, month, day = case.args
    words = text.split()
    if len(words) != 4:
        return "four words: weekday, day, month, year, separated by single spaces."
    weekday, number, month_name, year_text = words
    date = datetime.date(year, month, day)
    if text.lower() == case.expected:
        return "all lower case: the Italian weekday and month names take no capital."
    if weekday == ITALIAN_WEEKDAYS[date.isoweekday() % 7]:
        return (
            "the weekday is one day off: date.weekday() is 0 on a Monday, the index of "
            "lunedì; isoweekday() counts from 1."
        )
    if month_name == ITALIAN_MONTHS[month % 12]:
        return "the month is one off: January is month 1 but index 0 of the list."
    if day == 1 and number in ("1", "01"):
        return "the first of a month is written 1º (with the ordinal sign º), not 1."
    if number == f"{day:02d}" and day < 10:
        return "no leading zero on the day: 3, not 03."
    if year_text == f"{year % 100:02d}":
        return "the year has four digits."
    return None


# --- q2: additive attention ---


def _wave(shape: tuple[int, ...], step: float, phase: float) -> np.ndarray:
    return np.sin(np.arange(1, int(np.prod(shape)) + 1) * step + phase).reshape(shape)


def keras_additive_attention(query, values, mask, scale):
    """The reference of q2: ``keras.layers.AdditiveAttention`` in float64, scale set."""
    import keras

    layer = keras.layers.AdditiveAttention(dtype="float64")
    layer.build([query.shape, values.shape])
    layer.set_weights([np.asarray(scale, dtype="float64")])
    context, weights = layer(
        [query, values], mask=[None, np.asarray(mask, bool)], return_attention_scores=True
    )
    return keras.ops.convert_to_numpy(context), keras.ops.convert_to_numpy(weights)


def _attention_case(n, s, t, d, phase, lengths):
    query = 1.5 * _wave((n, s, d), 0.7, phase)
    values = 1.5 * _wave((n, t, d), 1.3, phase + 1.0)
    mask = np.arange(t)[None, :] < np.asarray(lengths)[:, None]
    scale = _wave((d,), 2.1, phase)
    args = (query, values, mask, scale)
    return Case(args, keras_additive_attention(*args))


def q2(additive_attention) -> None:
    """``additive_attention(query, values, mask, scale)``: matched to Keras's layer."""
    cases = [
        _attention_case(2, 3, 5, 4, 0.3, [5, 2]),
        _attention_case(1, 4, 3, 2, 1.1, [3]),
        _attention_case(3, 2, 4, 3, 2.0, [1, 4, 3]),
    ]
    run_check("q2", additive_attention, cases, hints=[_attention_mistake])


def _softmax(scores, axis):
    scores = scores - scores.max(axis=axis, keepdims=True)
    return np.exp(scores) / np.exp(scores).sum(axis=axis, keepdims=True)


def _attention_mistake(case: Case, result) -> str | None:
    query, values, mask, scale = case.args
    if not isinstance(result, tuple | list) or len(result) != 2:
        return "return a tuple of two arrays: (context, weights)."
    context, weights = (np.asarray(part) for part in result)
    expected_context, expected_weights = case.expected
    if context.shape == expected_weights.shape and weights.shape == expected_context.shape:
        return "return (context, weights), in this order."
    tanh_sum = np.tanh(query[:, :, None, :] + values[:, None, :, :])

    def masked(scores):
        return np.where(mask[:, None, :], scores, -1e9)

    variants = [
        (_softmax(masked(np.sum(tanh_sum, -1)), -1),
         "multiply each tanh term by `scale` before summing over the features."),
        (_softmax(masked(np.sum(scale * (query[:, :, None, :] + values[:, None, :, :]), -1)), -1),
         "the score takes the tanh of q + v, then the scaled sum."),
        (_softmax(np.sum(scale * tanh_sum, -1), -1),
         "padded value steps (mask False) must get weight 0: set their scores to -1e9 before "
         "the softmax."),
        (_softmax(masked(np.sum(scale * tanh_sum, -1)), 1),
         "the softmax runs over the value steps (the last axis, T), not over the queries."),
    ]
    unmasked = _softmax(np.sum(scale * tanh_sum, -1), -1)
    variants.append(
        (unmasked * mask[:, None, :],
         "zeroing the padded weights after the softmax leaves rows that no longer sum to 1: "
         "mask the scores before it.")
    )
    if weights.shape != expected_weights.shape:
        return None
    for wrong, hint in variants:
        if np.allclose(weights, wrong, atol=1e-6) and not np.allclose(wrong, expected_weights):
            return hint
    if np.allclose(weights, expected_weights, atol=1e-6):
        return "the weights are right: the context is weights @ values, (n, S, T) @ (n, T, d)."
    return None


# --- q3: the inference loop with attention ---


def keras_attention_decode(h, states, mask, weights, start_id, end_id, max_length, *,
                           mistake=None):
    """The reference of q3, run by Keras's layers in float64: a SimpleRNNCell, dot-product
    ``Attention`` over the encoder states, a ``Dense`` layer over [h, context].

    ``mistake`` runs a known wrong version instead, for the hints: ``"no feedback"`` (always
    reads start_id), ``"no mask"``, ``"h only"`` (Dense over h alone, the first half of its
    kernel), ``"context first"`` (Dense over [context, h]), ``"no zeros"`` (keeps what a
    finished row writes).
    """
    import keras

    embeddings, kernel, recurrent_kernel, bias, output_kernel, output_bias = weights
    units = len(bias)
    cell = keras.layers.SimpleRNNCell(units, dtype="float64")
    cell.build((None, embeddings.shape[1]))
    cell.set_weights([kernel, recurrent_kernel, bias])
    attention = keras.layers.Attention(dtype="float64")
    mask = np.ones_like(mask) if mistake == "no mask" else mask
    n = len(h)
    token = np.full(n, start_id)
    written = np.zeros((n, max_length), dtype=np.int64)
    kept = np.zeros((n, max_length, states.shape[1]))
    finished = np.zeros(n, dtype=bool)
    for step in range(max_length):
        h, _ = cell(embeddings[token], [h])
        context, alpha = attention([h[:, None, :], states], mask=[None, mask],
                                   return_attention_scores=True)
        h, context = keras.ops.convert_to_numpy(h), keras.ops.convert_to_numpy(context[:, 0])
        read = np.concatenate([h, context], axis=-1)
        if mistake == "h only":
            logits = h @ output_kernel[:units] + output_bias
        elif mistake == "context first":
            logits = np.concatenate([context, h], axis=-1) @ output_kernel + output_bias
        else:
            logits = read @ output_kernel + output_bias
        token = np.argmax(logits, axis=-1)
        done = np.zeros(n, bool) if mistake == "no zeros" else finished
        written[:, step] = np.where(done, 0, token)
        kept[:, step] = np.where(done[:, None], 0.0, keras.ops.convert_to_numpy(alpha)[:, 0])
        finished |= token == end_id
        if mistake == "no feedback":
            token = np.full(n, start_id)
    return written, kept


def decoder_arguments(n, t, units, vocab_size, embedding_dim, max_length, phase, lengths):
    """Fixed float64 arguments of q3 (the padding and start tokens are never written)."""
    weights = [
        1.2 * _wave((vocab_size, embedding_dim), 0.7, phase),
        _wave((embedding_dim, units), 1.3, phase),
        0.8 * _wave((units, units), 0.9, phase),
        0.3 * _wave((units,), 2.1, phase),
        2.0 * _wave((2 * units, vocab_size), 1.7, phase),
        _wave((vocab_size,), 0.5, phase),
    ]
    weights[5][[PAD, START]] = -10.0
    weights[5][END] += 0.8
    h = np.tanh(_wave((n, units), 0.8, phase))
    states = 1.5 * _wave((n, t, units), 1.1, phase + 0.5)
    mask = np.arange(t)[None, :] < np.asarray(lengths)[:, None]
    return h, states, mask, weights, START, END, max_length


def q3(greedy_decode) -> None:
    """``greedy_decode(h, states, mask, weights, start_id, end_id, max_length)``."""
    argument_sets = [
        decoder_arguments(3, 5, 4, 7, 3, 6, 0.4, [5, 3, 1]),
        decoder_arguments(2, 4, 3, 6, 2, 5, 1.9, [2, 4]),
        decoder_arguments(3, 5, 4, 7, 3, 2, 0.4, [5, 3, 1]),  # cut at max_length
    ]
    cases = [Case(args, keras_attention_decode(*args)) for args in argument_sets]
    run_check("q3", greedy_decode, cases, hints=[_decoding_mistake])


_READS_BOTH = (
    "the next token's scores are the Dense layer over the concatenation [h, context], h first."
)
_DECODING_HINTS = {
    "no zeros": (
        "after a row's end token its tokens are 0 and its weights 0: the loop may run on "
        "for the other rows, but those steps are not kept."
    ),
    "no mask": (
        "padded input steps (mask False) must get weight 0: set their scores to -1e9 before "
        "the softmax."
    ),
    "h only": _READS_BOTH,
    "context first": _READS_BOTH,
    "no feedback": "feed back the token just written (its embedding row) at the next step.",
}


def _decoding_mistake(case: Case, result) -> str | None:
    if not isinstance(result, tuple | list) or len(result) != 2:
        return "return a tuple of two arrays: (written, attention)."
    written, attention = (np.asarray(part) for part in result)
    expected_written, expected_attention = case.expected
    if written.shape != expected_written.shape or attention.shape != expected_attention.shape:
        if written.shape == expected_written.shape[::-1]:
            return "one row per sequence, one column per step: written is (n, max_length)."
        return None
    for mistake, hint in _DECODING_HINTS.items():
        wrong_written, wrong_attention = keras_attention_decode(*case.args, mistake=mistake)
        differs = not np.array_equal(wrong_written, expected_written) or not np.allclose(
            wrong_attention, expected_attention
        )
        same = np.array_equal(written, wrong_written) and np.allclose(
            attention, wrong_attention, atol=1e-6
        )
        if differs and same:
            return hint
    mask = case.args[2]
    if np.any(attention[np.broadcast_to(~mask[:, None, :], attention.shape)]):
        return _DECODING_HINTS["no mask"]
    if np.array_equal(written, expected_written):
        return (
            "the tokens are right, the weights are not: keep each step's softmax weights over "
            "the input steps, 0 after a row's end token."
        )
    return None


# --- q4: reading an attention map ---


def q4(most_attended) -> None:
    """``most_attended(weights, text)``: the input character each output step looked at."""
    peaked = np.eye(6)[[5, 4, 3, 2, 1, 0, 0]] * 0.9 + 0.01
    peaked[6] = 0.0  # a step after the end token
    tied = np.array([[0.4, 0.4, 0.2, 0.0], [0.1, 0.2, 0.7, 0.0], [0.0, 0.0, 0.0, 0.0],
                     [0.3, 0.3, 0.4, 0.0]])  # fmt: skip
    cases = [
        Case((peaked, "3/4/98"), "89/4/3"),
        Case((tied, "abc"), "ac"),
        Case((np.array([[0.2, 0.5, 0.3, 0.0, 0.0]]), "xyz"), "y"),
    ]
    run_check("q4", most_attended, cases, hints=[_reading_mistake])


def _reading_mistake(case: Case, result) -> str | None:
    weights, text = case.args
    if isinstance(result, list | tuple) and "".join(map(str, result)) == case.expected:
        return "return one str, e.g. ''.join(characters)."
    if not isinstance(result, str):
        return "return a str, one character per output step."
    if len(result) == len(weights) and len(result) > len(case.expected):
        return "stop at the first row of zeros: it is a step after the end token."
    last = _read_rows(weights, text, lambda row: len(row) - 1 - int(np.argmax(row[::-1])))
    if result == last and last != case.expected:
        return "on a tie, take the first of the largest weights (np.argmax does)."
    lowest = _read_rows(weights, text, lambda row: int(np.argmin(row[: len(text)])))
    if result == lowest and lowest != case.expected:
        return "the largest weight (argmax), not the smallest."
    return None


def _read_rows(weights, text, choose) -> str:
    """The characters chosen row by row, up to the first row of zeros."""
    characters = []
    for row in weights:
        if not row.any():
            break
        characters.append(text[choose(row)])
    return "".join(characters)
