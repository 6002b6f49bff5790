"""Public checks for lab 10, text generation: ``from seqlab.checks import lab10 as check``.

=====  ======================================================  ================================
check  your function                                           returns
=====  ======================================================  ================================
q1     ``unigram_entropy(text)``                               float, bits per character
q2     ``training_pairs(ids, length)``                         ``(inputs, targets)``, each
                                                               (n, length), n = (len - 1) // length
q3     ``bits_per_character(logits, targets)``                 float
q4     ``temperature_probabilities(logits, temperature)``      float64, the shape of ``logits``
q5     ``generate_greedy(weights, prompt_ids, steps)``         int64 (steps,)
q6     ``complete(logits, ids, words)``                        list of n str
=====  ======================================================  ================================

q5's ``weights`` are ``model.get_weights()`` of ``Embedding(V, E)`` -> ``GRU(U)`` ->
``Dense(V)``: the embedding (V, E), the GRU's kernel (E, 3U), recurrent_kernel (U, 3U) and bias
(2, 3U), the Dense kernel (U, V) and bias (V,).

q6's ``ids`` are word ids (n, T), each prefix padded with 0 at its end (id 1 is ``"[UNK]"``, an
unknown word); ``logits`` (n, T, V) are a word-level model's outputs on them, ``logits[k, t]``
scoring the word after ``ids[k, t]``; ``words[i]`` is the word of id ``i``.
"""

from __future__ import annotations

import math

import numpy as np

from seqlab.checks import recurrent
from seqlab.checks.core import Case, Rule, run_check
from seqlab.numpy_rnn import gru_cell_forward

LN2 = math.log(2)


def q1(unigram_entropy) -> None:
    """``unigram_entropy(text)``: -sum p log2 p over the characters' frequencies in ``text``."""
    cases = [
        Case(("abab",), 1.0),
        Case(("aabc",), 1.5),
        Case(("abcd" * 3,), 2.0),
        Case(("aaaa",), 0.0),
        Case(("def f(x):\n    return x\n",), _entropy("def f(x):\n    return x\n")),
    ]
    run_check(
        "q1",
        unigram_entropy,
        cases,
        hints=[_nats, _sign, _distinct, _unweighted],
        rules=RULES["q1"],
    )


def _entropy(text: str) -> float:
    _, counts = np.unique(list(text), return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum())


def q2(training_pairs) -> None:
    """``training_pairs(ids, length)``: non-overlapping inputs and the targets one step later."""
    cases = [
        Case(
            (np.arange(7), 3), (np.array([[0, 1, 2], [3, 4, 5]]), np.array([[1, 2, 3], [4, 5, 6]]))
        ),
        Case(
            (np.arange(10), 3),
            (
                np.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]]),
                np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
            ),
        ),
        Case((np.arange(8), 4), (np.array([[0, 1, 2, 3]]), np.array([[1, 2, 3, 4]]))),
        Case(
            (np.array([5, 3, 9, 9, 2]), 2), (np.array([[5, 3], [9, 9]]), np.array([[3, 9], [9, 2]]))
        ),
    ]
    run_check(
        "q2",
        training_pairs,
        cases,
        hints=[_pair, _not_shifted, _one_dimensional, _pair_count, _overlap],
        error_hints={ValueError: PAIR_COUNT_HINT},
    )


def _bits(logits, targets) -> float:
    """The expected bits per character, computed stably in float64."""
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    chosen = np.take_along_axis(log_p, np.asarray(targets)[..., np.newaxis], axis=-1)
    return float(-chosen.mean() / LN2)


def _bits_case(logits, targets) -> Case:
    logits, targets = np.asarray(logits, dtype=np.float32), np.asarray(targets)
    return Case((logits, targets), _bits(logits, targets))


def q3(bits_per_character) -> None:
    """``bits_per_character(logits, targets)``: mean -log2 softmax(logits)[target]."""
    rng = np.random.default_rng(3)
    cases = [
        _bits_case(np.zeros((2, 4)), [0, 3]),  # uniform over 4: 2 bits
        _bits_case([[0.0, math.log(3)]], [1]),  # p = 3/4
        _bits_case(rng.normal(size=(2, 3, 5)), rng.integers(0, 5, size=(2, 3))),
        _bits_case([[1000.0, 1000.0, 0.0], [0.0, 800.0, 0.0]], [0, 1]),  # large logits
    ]
    run_check(
        "q3",
        bits_per_character,
        cases,
        hints=[_nats, _log10, _probability_not_log, _overflow, _summed],
    )


def _probabilities(logits, temperature) -> np.ndarray:
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return np.eye(logits.shape[-1])[logits.argmax(axis=-1)]
    scaled = logits / temperature
    weights = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


def _temperature_case(logits, temperature) -> Case:
    logits = np.asarray(logits, dtype=np.float32)
    return Case((logits, temperature), _probabilities(logits, temperature))


def q4(temperature_probabilities) -> None:
    """``temperature_probabilities(logits, temperature)``: softmax(logits / T); T = 0 greedy."""
    cases = [
        _temperature_case([1.0, 2.0, 3.0], 1.0),
        _temperature_case([1.0, 2.0, 3.0], 0.5),
        _temperature_case([1.0, 2.0, 3.0], 2.0),
        _temperature_case([[1.0, 2.0], [3.0, 1.0]], 1.5),
        _temperature_case([0.5, 4.0, -1.0, 2.0], 0),
        _temperature_case([1000.0, 999.0], 1.0),  # large logits
    ]
    run_check(
        "q4",
        temperature_probabilities,
        cases,
        hints=[_multiplied, _greedy, _overflow, _row_sums],
        error_hints={ZeroDivisionError: GREEDY_HINT},
    )


def random_weights(seed: int, vocabulary: int, embedding: int, units: int) -> list[np.ndarray]:
    """Weights of Embedding -> GRU -> Dense in ``get_weights()`` order, drawn from ``seed``.

    The embedding and the Dense kernel are drawn wide, so that the characters differ and the
    argmax is clear-cut; the biases small.
    """
    rng = np.random.default_rng(seed)
    shapes_and_scales = [
        ((vocabulary, embedding), 2.0),
        ((embedding, 3 * units), 1.0),
        ((units, 3 * units), 1.0),
        ((2, 3 * units), 0.5),
        ((units, vocabulary), 2.0),
        ((vocabulary,), 0.1),
    ]
    return [rng.normal(scale=scale, size=shape) for shape, scale in shapes_and_scales]


def greedy_ids(weights, prompt_ids, steps, *, carry=True, whole_prompt=True) -> np.ndarray:
    """Greedy generation by the reference GRU cell; ``carry``/``whole_prompt`` switch off a step
    to reproduce a mistake: a state restarted from zeros at every step, a prompt read only from
    its last id."""
    embedding, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = weights
    units = len(recurrent_kernel)
    state = np.zeros((1, units))
    for token in prompt_ids if whole_prompt else prompt_ids[-1:]:
        state = gru_cell_forward(embedding[[token]], state, kernel, recurrent_kernel, bias)
    written = []
    for _ in range(steps):
        token = int(np.argmax(state @ dense_kernel + dense_bias))
        written.append(token)
        previous = state if carry else np.zeros((1, units))
        state = gru_cell_forward(embedding[[token]], previous, kernel, recurrent_kernel, bias)
    return np.array(written, dtype=np.int64)


def _generation_case(seed, sizes, prompt_ids, steps) -> Case:
    weights = random_weights(seed, *sizes)
    prompt_ids = np.array(prompt_ids, dtype=np.int64)
    return Case((weights, prompt_ids, steps), greedy_ids(weights, prompt_ids, steps))


def q5(generate_greedy) -> None:
    """``generate_greedy(weights, prompt_ids, steps)``: the loop, with the GRU state carried."""
    # Sizes (V, E, U) and prompts where a state restarted at every step, or a prompt read from
    # its last id only, writes other ids than the right loop.
    cases = [
        _generation_case(15, (9, 4, 4), [2, 3, 1, 0], 7),
        _generation_case(20, (9, 2, 3), [8, 1, 2], 7),
        _generation_case(42, (4, 4, 4), [1, 3, 0], 7),
        _generation_case(44, (8, 2, 5), [5], 5),
    ]
    run_check("q5", generate_greedy, cases, hints=[_new_ids_only, _state_restarted, _last_only])


def completed(logits, ids, words, *, positions=None) -> list[str]:
    """The most likely word after each prefix: ``logits[k, positions[k]]``'s argmax, as a word.

    ``positions`` defaults to the right one, each prefix's last word: ``(ids != 0).sum(1) - 1``;
    the hints pass the positions a mistake reads instead.
    """
    ids = np.asarray(ids)
    if positions is None:
        positions = (ids != 0).sum(axis=1) - 1
    rows = np.asarray(logits)[np.arange(len(ids)), positions]
    return [words[i] for i in rows.argmax(axis=-1)]


def mistaken_positions(ids) -> dict[str, np.ndarray]:
    """Where the common mistakes read each prefix, as NumPy indexes them (-1: the last column).
    The "one late" position past the end of a full row is clipped to the last: there the
    mistake raises IndexError."""
    ids = np.asarray(ids)
    last = ids.shape[1] - 1
    return {
        "last column": np.full(len(ids), last),
        "one late": np.minimum((ids != 0).sum(axis=1), last),
        "first minimum": np.argmin(ids, axis=1) - 1,  # the first 0, but a full row has none
        "unknown as padding": (ids > 1).sum(axis=1) - 1,  # -1 (the last) if all unknown
    }


COMPLETION_WORDS = ["", "[UNK]", "the", "clouds", "are", "in", "sky", "sea", "fish", "."]


def _completion_case(prefixes: list[str], following: list[str], seed: int) -> Case:
    """Prefixes of COMPLETION_WORDS padded to ``len(following[0])`` words; logits drawn from
    ``seed`` with the largest at ``following[k][t]``, the word the model puts after word t of
    prefix k (after the padding too: a model scores every position)."""
    rng = np.random.default_rng(seed)
    length, vocabulary = len(following[0]), len(COMPLETION_WORDS)
    ids = np.zeros((len(prefixes), length), dtype=np.int64)
    logits = rng.normal(size=(len(prefixes), length, vocabulary)).astype(np.float32)
    for row, (prefix, words) in enumerate(zip(prefixes, following, strict=True)):
        ids[row, : len(prefix.split())] = [COMPLETION_WORDS.index(w) for w in prefix.split()]
        logits[row, np.arange(length), [COMPLETION_WORDS.index(w) for w in words]] += 5.0
    return Case((logits, ids, COMPLETION_WORDS), completed(logits, ids, COMPLETION_WORDS))


def q6(complete) -> None:
    """``complete(logits, ids, words)``: the word after each padded prefix, read at its end."""
    # Every mistake reads another word than the right one: case 1 has no full row (a prefix
    # read one step late still gives words), case 2 a full row with an unknown word in it.
    cases = [
        _completion_case(
            ["the clouds are in the", "the fish"],
            [
                ["clouds", "are", "in", "the", "sky", "."],
                ["fish", "are", "in", "sea", "the", "[UNK]"],
            ],
            seed=3,
        ),
        _completion_case(
            ["the [UNK] are in the", "the clouds are", "fish"],
            [
                ["clouds", "are", "in", "the", "sea"],
                ["clouds", "are", "in", ".", "fish"],
                ["are", "sky", "the", "in", "."],
            ],
            seed=5,
        ),
        _completion_case(["the fish are in the"], [["fish", "are", "in", "the", "sea"]], seed=7),
    ]
    run_check(
        "q6",
        complete,
        cases,
        hints=[_word_ids, _last_column, _one_late, _first_minimum, _unknown_as_padding],
        error_hints={IndexError: PAST_THE_END_HINT},
    )


# --- Hints: each recognises one common mistake from the case and the returned value. ---

GREEDY_HINT = (
    "temperature 0 means greedy decoding: check for it before dividing by the temperature."
)
ONE_HOT_HINT = "at temperature 0 return a one-hot vector (per row) with the 1 at the largest logit."
PAIR_COUNT_HINT = "(len(ids) - 1) // length pairs: the last input needs one more id for its target."

# The rules the lab states, checked here and graded by the probes (seqlab.grading.probes.lab10).
RULES = {
    "q1": [
        Rule(
            "Python float",
            True,
            "returned a NumPy float: the lab asks for a Python float, e.g. float(...).",
        )
    ],
}


def _nats(case: Case, returned) -> str | None:
    if np.isclose(returned, case.expected * LN2) and case.expected:
        return "that is in nats (natural log): bits use log base 2, np.log2, or divide by ln 2."
    return None


def _sign(case: Case, returned) -> str | None:
    if np.isclose(returned, -case.expected) and case.expected:
        return "entropy is -sum(p * log2(p)): a positive number; mind the minus sign."
    return None


def _distinct(case: Case, returned) -> str | None:
    text = case.args[0]
    if np.isclose(returned, math.log2(len(set(text)))) and not np.isclose(case.expected, returned):
        return (
            "log2 of the number of distinct characters is the entropy of a uniform choice; "
            "the text's entropy weighs each character by its frequency p: -sum(p * log2(p))."
        )
    return None


def _unweighted(case: Case, returned) -> str | None:
    _, counts = np.unique(list(case.args[0]), return_counts=True)
    p = counts / counts.sum()
    if np.isclose(returned, -np.log2(p).sum()) and not np.isclose(returned, case.expected):
        return "multiply each -log2 p by its frequency p before adding: -sum(p * log2(p))."
    return None


def _log10(case: Case, returned) -> str | None:
    if case.expected and np.isclose(returned, case.expected * LN2 / np.log(10)):
        return "that is in log base 10: bits use log base 2 (np.log2)."
    return None


def _probability_not_log(case: Case, returned) -> str | None:
    logits, targets = case.args
    logits = np.asarray(logits, dtype=np.float64)
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p = shifted / shifted.sum(axis=-1, keepdims=True)
    chosen = np.take_along_axis(p, np.asarray(targets)[..., np.newaxis], axis=-1)
    if np.isclose(returned, -chosen.mean() / LN2):
        return "average -log2(probability of the target), not the probability itself."
    return None


def _one_dimensional(case: Case, returned) -> str | None:
    if np.ndim(returned[0]) == 1:
        return "inputs and targets are 2-D, shape (n, length): one row per stretch."
    return None


def _pair(case: Case, returned) -> str | None:
    if not isinstance(returned, tuple | list) or len(returned) != 2:
        return "return the pair (inputs, targets)."
    return None


def _not_shifted(case: Case, returned) -> str | None:
    if recurrent.matches(returned[1], case.expected[0]):
        return "targets[:, t] is the id after inputs[:, t]: the same stretch, one step later."
    return None


def _pair_count(case: Case, returned) -> str | None:
    ids, length = case.args
    if np.ndim(returned[0]) == 2 and len(returned[0]) != len(case.expected[0]):
        return f"{len(ids)} ids give {PAIR_COUNT_HINT}"
    return None


def _overlap(case: Case, returned) -> str | None:
    inputs = np.asarray(returned[0])
    if inputs.ndim == 2 and len(inputs) > 1 and inputs[1, 0] == case.args[0][1]:
        return "the stretches do not overlap: stretch k starts at k * length."
    return None


def _overflow(case: Case, returned) -> str | None:
    if not np.all(np.isfinite(returned)):
        return (
            "large logits overflow np.exp: subtract each row's maximum first (it does not change "
            "the softmax)."
        )
    return None


def _summed(case: Case, returned) -> str | None:
    targets = case.args[1]
    if np.isclose(returned, case.expected * np.size(targets)) and np.size(targets) > 1:
        return "average over the characters (the mean), not the sum."
    return None


def _multiplied(case: Case, returned) -> str | None:
    logits, temperature = case.args
    if temperature and recurrent.matches(returned, _probabilities(logits * temperature, 1.0)):
        return "divide the logits by the temperature (T < 1 sharpens, T > 1 flattens)."
    return None


def _greedy(case: Case, returned) -> str | None:
    if case.args[1] != 0:
        return None
    if not np.all(np.isfinite(np.asarray(returned, dtype=float))):
        return GREEDY_HINT
    return ONE_HOT_HINT


def _row_sums(case: Case, returned) -> str | None:
    logits = case.args[0]
    if logits.ndim == 2 and np.isclose(np.sum(returned), 1.0):
        return "normalise each row on its own (axis=-1): every row is one distribution."
    return None


def _new_ids_only(case: Case, returned) -> str | None:
    if len(returned) != case.args[2]:
        return (
            f"return exactly steps = {case.args[2]} new ids, not the prompt: the prompt only sets "
            "the state."
        )
    return None


def _state_restarted(case: Case, returned) -> str | None:
    if recurrent.matches(np.asarray(returned), greedy_ids(*case.args, carry=False)):
        return "carry the GRU state from step to step: each step starts from the state before it."
    return None


def _last_only(case: Case, returned) -> str | None:
    if recurrent.matches(np.asarray(returned), greedy_ids(*case.args, whole_prompt=False)):
        return "read the whole prompt, one id at a time, before the first prediction."
    return None


PAST_THE_END_HINT = (
    "a position past the end of the row: a prefix of L words has its last word at position "
    "L - 1 (a prefix that fills the row: T - 1)."
)


def _reads(case: Case, returned, mistake: str) -> bool:
    """Whether ``returned`` is what reading at the positions of ``mistake`` gives, and wrong."""
    logits, ids, words = case.args
    if not isinstance(returned, list | tuple) or list(returned) == case.expected:
        return False
    positions = mistaken_positions(ids)[mistake]
    return list(returned) == completed(logits, ids, words, positions=positions)


def _word_ids(case: Case, returned) -> str | None:
    logits, ids, words = case.args
    chosen = [words.index(word) for word in case.expected]
    if (
        isinstance(returned, list | tuple | np.ndarray)
        and len(returned) == len(chosen)
        and all(isinstance(item, int | np.integer) for item in returned)
        and list(map(int, returned)) == chosen
    ):
        return "return the words themselves, words[i], not their ids."
    return None


def _last_column(case: Case, returned) -> str | None:
    if _reads(case, returned, "last column"):
        return (
            "the prefixes are padded at the end: read each row at its own last word, not at the "
            "last column (after the padding)."
        )
    return None


def _one_late(case: Case, returned) -> str | None:
    if _reads(case, returned, "one late"):
        return (
            "logits[k, t] already score the word after ids[k, t]: a prefix of L words is read at "
            "position L - 1, one step before L."
        )
    return None


def _first_minimum(case: Case, returned) -> str | None:
    if _reads(case, returned, "first minimum"):
        return (
            "a prefix that fills its row has no padding (no 0): its last word is at position "
            "T - 1; count each row's words, (ids != 0).sum(axis=1)."
        )
    return None


def _unknown_as_padding(case: Case, returned) -> str | None:
    if _reads(case, returned, "unknown as padding"):
        return (
            "only 0 is padding: id 1, '[UNK]', is an unknown word, and still a word of the "
            "prefix."
        )
    return None
