"""Public checks for lab 11, sequence to sequence: ``from seqlab.checks import lab11 as check``.

=====  ================================================================  ======================
check  your function                                                     returns
=====  ================================================================  ======================
q1     ``decoder_inputs(targets, start_id)``                             ints, like ``targets``
q2     ``build_encoder_decoder(vocab_size, embedding_dim, units)``       a ``keras.Model``
q3     ``greedy_decode(states, weights, start_id, end_id, max_length)``  int64 (n, max_length)
q4     ``exact_match(predicted, targets, end_id)``                       float in [0, 1]
=====  ================================================================  ======================

Token ids follow notebook 11: 0 is padding, 1 the start token, 2 the end token. The model of
q2 is compared through :func:`describe_model`, which the grader uses too.
"""

from __future__ import annotations

import functools
from collections import Counter

import numpy as np

from seqlab.checks.core import Case, run_check
from seqlab.numpy_rnn import lstm_cell_forward

PAD, START, END = 0, 1, 2
LAYER_NAMES = ["encoder_embedding", "encoder", "decoder_embedding", "decoder", "next_token"]


# --- q1: teacher forcing ---


def q1(decoder_inputs) -> None:
    """``decoder_inputs(targets, start_id)``: the targets shifted right behind the start token."""
    cases = [
        # "521." and "21." (57+68 and 5+7, units digit first; digit d is token d + 4), padded
        Case(
            (np.array([[9, 6, 5, 2], [6, 5, 2, 0]], np.int32), START),
            np.array([[1, 9, 6, 5], [1, 6, 5, 2]], np.int32),
        ),
        Case((np.array([[4, 2, 0, 0, 0]], np.int64), START), np.array([[1, 4, 2, 0, 0]], np.int64)),
        Case((np.array([[3], [5]], np.int32), 7), np.array([[7], [7]], np.int32)),
    ]
    run_check("q1", decoder_inputs, cases, hints=[_teacher_forcing_mistake])


def _teacher_forcing_mistake(case: Case, actual) -> str | None:
    targets, start_id = case.args
    actual = np.asarray(actual)
    if actual.shape == (targets.shape[0], targets.shape[1] + 1):
        return (
            "keep the targets' shape: drop their last column (no step reads the token written "
            "at the last step)."
        )
    if actual.shape != targets.shape:
        return None
    if actual.dtype != targets.dtype:
        return (
            f"keep the dtype of targets ({targets.dtype}): e.g. np.full(..., "
            "dtype=targets.dtype)."
        )
    if np.array_equal(actual, targets):
        return (
            "these are the targets themselves: the decoder would read the very token it must "
            "predict. Shift them right by one step, behind start_id."
        )
    shifted_left = np.concatenate([targets[:, 1:], np.zeros_like(targets[:, :1])], axis=1)
    start_last = np.concatenate([targets[:, 1:], np.full_like(targets[:, :1], start_id)], axis=1)
    if np.array_equal(actual, shifted_left) or np.array_equal(actual, start_last):
        return "shift right, not left: at step t the decoder reads the target of step t - 1."
    if np.array_equal(actual[:, 1:], case.expected[:, 1:]):
        return f"every row starts with start_id ({start_id}), the token the decoder reads first."
    return None


# --- q2: the model ---


def describe_model(model) -> dict | None:
    """What the checks and the grader compare of an encoder-decoder (``None`` for a non-model).

    The structure: the number of inputs, the layer types with weights, which of the names in
    :data:`LAYER_NAMES` the model uses, its parameter count. The behaviour, on a fixed batch of
    two problems (encoder ids (2, 5), the second padded) and two answers (decoder ids (2, 3)):
    the output shape, whether each step's probabilities sum to 1, whether the output depends on
    the encoder input, whether trailing padding of the encoder input leaves it unchanged, and
    whether the output of a step ignores the decoder inputs of later steps. When the call
    fails, ``"output shape"`` holds the error and the behaviours stay ``None``.
    """
    import keras  # here, not at the top: the other checks need NumPy only

    if not isinstance(model, keras.Model):
        return None
    names = {layer.name for layer in model.layers}
    facts = {
        "inputs": len(model.inputs),
        "output shape": None,
        "decoder starts from the encoder's states": None,
        "layers": dict(Counter(type(layer).__name__ for layer in model.layers if layer.weights)),
        "names": [name for name in LAYER_NAMES if name in names],
        "parameters": int(model.count_params()),
        "probabilities sum to 1": None,
        "encoder ignores padding": None,
        "decoder reads only earlier steps": None,
    }
    vocab_size = min(
        (layer.input_dim for layer in model.layers if isinstance(layer, keras.layers.Embedding)),
        default=2,
    )
    tokens = max(vocab_size - 1, 1)  # ids 1 .. vocab_size - 1: anything but padding
    problems = 1 + (3 * np.arange(10).reshape(2, 5)) % tokens
    problems[1, 3:] = PAD
    answers = 1 + (5 * np.arange(6).reshape(2, 3) + 2) % tokens
    other_problems, other_answers = problems.copy(), answers.copy()
    other_problems[:, 0] = problems[:, 0] % tokens + 1
    other_answers[:, -1] = answers[:, -1] % tokens + 1
    padded = np.concatenate([problems, np.zeros((2, 2), problems.dtype)], axis=1)

    def run(encoder_ids, decoder_ids):
        output = model([encoder_ids.astype("int32"), decoder_ids.astype("int32")])
        return keras.ops.convert_to_numpy(output)

    try:
        probabilities = run(problems, answers)
    except Exception as error:  # the student's model: any error is an answer to report
        facts["output shape"] = f"an error, {type(error).__name__}: {str(error)[:120]}"
        return facts
    facts["output shape"] = tuple(int(size) for size in probabilities.shape)
    if probabilities.ndim != 3:
        return facts
    facts["probabilities sum to 1"] = bool(np.allclose(probabilities.sum(-1), 1.0, atol=1e-4))
    try:
        facts["decoder starts from the encoder's states"] = bool(
            np.abs(run(other_problems, answers) - probabilities).max() > 1e-6
        )
        facts["encoder ignores padding"] = bool(
            np.allclose(run(padded, answers), probabilities, atol=1e-5)
        )
        facts["decoder reads only earlier steps"] = bool(
            np.allclose(run(problems, other_answers)[:, :-1], probabilities[:, :-1], atol=1e-5)
        )
    except Exception:  # the facts measured so far stand; the others stay None
        pass
    return facts


def expected_description(vocab_size: int, embedding_dim: int, units: int) -> dict:
    """:func:`describe_model` of a right answer to q2 for these sizes."""
    lstm = 4 * (embedding_dim + units + 1) * units
    return {
        "inputs": 2,
        "output shape": (2, 3, vocab_size),
        "decoder starts from the encoder's states": True,
        "layers": {"Dense": 1, "Embedding": 2, "LSTM": 2},
        "names": list(LAYER_NAMES),
        "parameters": 2 * vocab_size * embedding_dim + 2 * lstm + (units + 1) * vocab_size,
        "probabilities sum to 1": True,
        "encoder ignores padding": True,
        "decoder reads only earlier steps": True,
    }


def q2(build_encoder_decoder) -> None:
    """``build_encoder_decoder(vocab_size, embedding_dim, units)``: notebook 11's model."""

    @functools.wraps(build_encoder_decoder)
    def described(*args):
        return describe_model(build_encoder_decoder(*args))

    cases = [Case(sizes, expected_description(*sizes)) for sizes in [(14, 16, 32), (9, 4, 6)]]
    run_check("q2", described, cases, hints=[_model_mistake])


_MODEL_HINTS = {
    "inputs": "the model has two inputs, in order: keras.Model([problem, answer_so_far], ...).",
    "layers": (
        "two Embedding layers (one per side, not shared), two LSTM layers and one Dense layer."
    ),
    "output shape": (
        "the output is (batch, answer steps, vocab_size): the decoder LSTM needs "
        "return_sequences=True, and the Dense layer vocab_size units."
    ),
    "parameters": (
        "the layer types are right but the sizes are not: both embeddings are "
        "(vocab_size, embedding_dim), both LSTMs have `units` units, the Dense layer vocab_size."
    ),
    "probabilities sum to 1": "the Dense layer needs activation='softmax'.",
    "decoder starts from the encoder's states": (
        "the decoder does not see the problem: the encoder LSTM needs return_state=True, and "
        "the decoder LSTM initial_state=[state_h, state_c]."
    ),
    "encoder ignores padding": (
        "padding changes the encoder's final states: give the encoder's Embedding mask_zero=True."
    ),
    "decoder reads only earlier steps": (
        "the decoder's output at a step depends on later answer tokens: it must read the answer "
        "left to right only (no Bidirectional decoder)."
    ),
}


def _model_mistake(case: Case, facts) -> str | None:
    if facts is None:
        return "return the keras.Model you built."
    for key, expected in case.expected.items():
        if facts.get(key) != expected:
            if isinstance(facts.get(key), str):  # the call failed
                return "the model is called as model([problem_ids, answer_ids]), both int32."
            if key == "output shape" and isinstance(facts[key], tuple) and facts[key][1] == 5:
                return _MODEL_HINTS["inputs"]  # the decoder read the problem (5 steps)
            if key == "names":
                missing = [name for name in LAYER_NAMES if name not in facts["names"]]
                return f"name the layers as in notebook 11 (name=...); missing: {missing}."
            return _MODEL_HINTS[key]
    return None


# --- q3: greedy decoding in NumPy ---


def _wave(shape: tuple[int, ...], step: float, phase: float, scale: float) -> np.ndarray:
    size = int(np.prod(shape))
    return (scale * np.sin(np.arange(1, size + 1) * step + phase)).reshape(shape).astype("f4")


def decoder_weights(vocab_size, embedding_dim, units, *, phase, scale) -> list[np.ndarray]:
    """Fixed decoder weights in Keras's order and shapes, float32: the embeddings (V, E), the
    LSTM's kernel (E, 4u), recurrent kernel (u, 4u) and bias (4u,), the Dense kernel (u, V) and
    bias (V,). Padding and start get a bias of -10, so, like a trained decoder, it never writes
    them."""
    weights = [
        _wave((vocab_size, embedding_dim), 0.7, phase, scale),
        _wave((embedding_dim, 4 * units), 1.3, phase, scale),
        _wave((units, 4 * units), 0.9, phase, scale),
        _wave((4 * units,), 2.1, phase, scale),
        _wave((units, vocab_size), 1.7, phase, scale),
        _wave((vocab_size,), 0.5, phase, scale),
    ]
    weights[5][[PAD, START]] = -10.0
    return weights


def decoder_states(n, units, *, phase) -> tuple[np.ndarray, np.ndarray]:
    """Fixed encoder states ``(h, c)``, each float32 (n, units)."""
    steps = np.arange(n * units).reshape(n, units)
    return (
        (0.9 * np.cos(0.8 * steps + phase)).astype("f4"),
        (2.0 * np.sin(1.1 * steps + phase)).astype("f4"),
    )


def _decode_case(vocab_size, embedding_dim, units, n, max_length, phase, scale, expected):
    states = decoder_states(n, units, phase=phase)
    weights = decoder_weights(vocab_size, embedding_dim, units, phase=phase, scale=scale)
    return Case((states, weights, START, END, max_length), np.array(expected, np.int64))


_FIRST = [[3, 4, 2, 0, 0, 0], [3, 3, 3, 4, 2, 0], [2, 0, 0, 0, 0, 0], [5, 4, 3, 4, 3, 4]]
_SECOND = [[5, 2, 0, 0, 0], [2, 0, 0, 0, 0], [3, 4, 3, 4, 3]]
_READS_C = "the Dense layer reads the hidden state h, not the cell state c."
_NO_FEEDBACK = "at each step, feed back the token just written (its embedding row), not start_id."


def q3(greedy_decode) -> None:
    """``greedy_decode(states, weights, start_id, end_id, max_length)``: the loop in NumPy."""
    cases = [
        _decode_case(8, 4, 5, 4, 6, 5.6, 2.5, _FIRST),
        _decode_case(7, 3, 4, 3, 5, 5.5, 1.5, _SECOND),
        _decode_case(8, 4, 5, 4, 3, 5.6, 2.5, [row[:3] for row in _FIRST]),  # cut at max_length
    ]
    run_check("q3", greedy_decode, cases, hints=[_decoding_mistake])


def _decoding_mistake(case: Case, written) -> str | None:
    written, expected = np.asarray(written), case.expected
    _, _, start_id, end_id, _ = case.args
    if written.shape != expected.shape:
        if written.shape == expected.shape[::-1]:
            return "one row per sequence, one column per step: shape (n, max_length)."
        return None
    if np.all(written[:, 0] == start_id) and np.array_equal(written[:, 1:], expected[:, :-1]):
        return "do not write the start token: it is only what the decoder reads first."
    # Up to and including each row's first end token, the rest of the row is padding.
    answer_steps = np.cumsum(expected == end_id, axis=1) - (expected == end_id) == 0
    if np.array_equal(written[answer_steps], expected[answer_steps]):
        return f"once a row has written end_id ({end_id}), the rest of that row is 0 (padding)."
    if (written == written[0]).all() and not (expected == expected[0]).all():
        return "every row came out the same: start the LSTM from the given states, not zeros."
    for options, hint in _DECODING_VARIANTS:
        wrong = _decode_variant(case, **options)
        if np.array_equal(written, wrong) and not np.array_equal(wrong, expected):
            return hint
    return None


_DECODING_VARIANTS = [
    ({"reads": "c"}, _READS_C),
    ({"feedback": False}, _NO_FEEDBACK),
    ({"swapped": True}, "states is (h, c): the hidden state first, the cell state second."),
    ({"stop_when": "any"}, "keep decoding until every row has written end_id (np.all), not "
     "only the first row to finish: the rest of that row is written then."),
]


def _decode_variant(case: Case, *, reads="h", feedback=True, swapped=False, stop_when="all"):
    """What greedy decoding writes on a q3 case with one of the common mistakes."""
    states, weights, start_id, end_id, max_length = case.args
    embeddings, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = weights
    h, c = states[::-1] if swapped else states
    token = np.full(len(h), start_id)
    written = np.zeros((len(h), max_length), dtype=np.int64)
    finished = np.zeros(len(h), dtype=bool)
    for step in range(max_length):
        h, c = lstm_cell_forward(embeddings[token], h, c, kernel, recurrent_kernel, bias)
        chosen = np.argmax((c if reads == "c" else h) @ dense_kernel + dense_bias, axis=1)
        written[:, step] = np.where(finished, 0, chosen)
        finished |= chosen == end_id
        token = chosen if feedback else np.full(len(h), start_id)
        if finished.all() or (stop_when == "any" and finished.any()):
            break
    return written


# --- q4: exact match ---


def q4(exact_match) -> None:
    """``exact_match(predicted, targets, end_id)``: the share of whole answers that are right."""
    cases = [
        Case(
            (
                np.array([[9, 6, 5, 2, 0, 0], [6, 5, 2, 0, 0, 0], [7, 2, 0, 0, 0, 0]]),
                np.array([[9, 6, 5, 2], [6, 5, 2, 0], [8, 2, 0, 0]]),
                END,
            ),
            2 / 3,
        ),
        Case(
            (
                np.array([[9, 6, 5, 2, 7, 7], [6, 2, 0, 0, 0, 0]]),
                np.array([[9, 6, 5, 2], [6, 2, 0, 0]]),
                END,
            ),
            1.0,
        ),
        Case(
            (
                np.array([[9, 6, 5, 5, 5, 5], [9, 6, 5, 4, 2, 0], [4, 2, 0, 0, 0, 0]]),
                np.array([[9, 6, 5, 2], [9, 6, 5, 2], [4, 2, 0, 0]]),
                END,
            ),
            1 / 3,
        ),
    ]
    run_check("q4", exact_match, cases, hints=[_metric_mistake])


def _metric_mistake(case: Case, score) -> str | None:
    predicted, targets, end_id = case.args
    if isinstance(score, int | float | np.number) and score > 1:
        return "return the share of right answers (between 0 and 1), not their count."
    if not isinstance(score, float | np.floating):
        return None
    width = max(predicted.shape[1], targets.shape[1])
    padded = [
        np.pad(array, ((0, 0), (0, width - array.shape[1]))) for array in (predicted, targets)
    ]
    answer_steps = targets != PAD
    narrow = min(predicted.shape[1], targets.shape[1])

    def answer(row):
        row = list(row)
        return row[: row.index(end_id) + 1] if end_id in row else None

    tokens_hint = (
        "that is the share of right tokens; exact match scores whole answers: a row counts "
        "only if every token up to its end token is right."
    )
    after_end_hint = (
        f"what comes after the end token ({end_id}) does not count: compare the rows up to "
        "and including their first end token."
    )
    alternatives = [
        (np.mean(predicted[:, :narrow] == targets[:, :narrow]), tokens_hint),
        (np.mean([list(p) == list(t) for p, t in zip(predicted, targets, strict=True)]),
         after_end_hint),
        (np.mean([answer(p) is not None and answer(p) == list(t)
                  for p, t in zip(predicted, targets, strict=True)]), after_end_hint),
        (
            np.mean(predicted[:, : targets.shape[1]][answer_steps] == targets[answer_steps]),
            "that is the share of right tokens; exact match scores whole answers: a row counts "
            "only if every token up to its end token is right.",
        ),
        (
            np.mean(np.all(padded[0] == padded[1], axis=1)),
            f"what comes after the end token ({end_id}) does not count: compare the rows up to "
            "and including their first end token.",
        ),
    ]
    for value, hint in alternatives:
        if np.isclose(score, value) and not np.isclose(value, case.expected):
            return hint
    return None
