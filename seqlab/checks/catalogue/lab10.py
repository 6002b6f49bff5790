"""Common mistakes of lab 10, text generation (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

_ENTROPY = '''
def unigram_entropy(text):
    _, counts = np.unique(list(text), return_counts=True)
    p = counts / counts.sum()
    return {}
'''

_PAIRS = '''
def training_pairs(ids, length):
    ids = np.asarray(ids)
    pairs = {pairs}
    end = pairs * length
    return {result}
'''
_PAIRS_RIGHT = {
    "pairs": "(len(ids) - 1) // length",
    "result": "ids[:end].reshape(pairs, length), ids[1 : end + 1].reshape(pairs, length)",
}


def _pairs(**wrong):
    return _PAIRS.format(**(_PAIRS_RIGHT | wrong))


_BITS = '''
def bits_per_character(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    shifted = {shifted}
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    chosen = np.take_along_axis(log_probabilities, np.asarray(targets)[..., np.newaxis], axis=-1)
    return {result}
'''


def _bits(shifted="logits - logits.max(axis=-1, keepdims=True)",
          result="float(-chosen.mean() / np.log(2))"):
    return _BITS.format(shifted=shifted, result=result)


_TEMPERATURE = '''
def temperature_probabilities(logits, temperature):
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return {greedy}
    scaled = {scaled}
    weights = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return weights / {total}
'''


def _temperature(greedy="np.eye(logits.shape[-1])[logits.argmax(axis=-1)]", scaled="logits / temperature",
                 total="weights.sum(axis=-1, keepdims=True)"):
    return _TEMPERATURE.format(greedy=greedy, scaled=scaled, total=total)


_GENERATE = '''
def generate_greedy(weights, prompt_ids, steps):
    embedding, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = weights
    state = np.zeros((1, len(recurrent_kernel)))
    for token in {prompt}:
        state = gru_cell_forward(embedding[[token]], {prompt_state}, kernel, recurrent_kernel, bias)
    written = []
    for _ in range(steps):
        token = int(np.argmax(state @ dense_kernel + dense_bias))
        written.append(token)
        state = gru_cell_forward(embedding[[token]], {state}, kernel, recurrent_kernel, bias)
    return {result}
'''
_GENERATE_RIGHT = {"prompt": "prompt_ids", "prompt_state": "state", "state": "state",
                   "result": "np.array(written, dtype=np.int64)"}


def _generate(**wrong):
    return _GENERATE.format(**(_GENERATE_RIGHT | wrong))


_COMPLETE = '''
def complete(logits, ids, words):
    ids = np.asarray(ids)
    last = {last}
    rows = np.asarray(logits)[np.arange(len(ids)), last]
    return {result}
'''


def _complete(last="(ids != 0).sum(axis=1) - 1", result="[words[i] for i in rows.argmax(axis=-1)]"):
    return _COMPLETE.format(last=last, result=result)


MISTAKES = {
    "q1": [
        Mistake("natural log", _ENTROPY.format("float(-(p * np.log(p)).sum())"), "that is in nats"),
        Mistake("minus sign dropped", _ENTROPY.format("float((p * np.log2(p)).sum())"), "mind the minus sign"),
        Mistake("log2 of the alphabet", _ENTROPY.format("float(np.log2(len(counts)))"),
                "entropy of a uniform choice"),
        Mistake("p not weighted", _ENTROPY.format("float(-np.log2(p).sum())"), "multiply each -log2 p"),
        Mistake("a NumPy float32", _ENTROPY.format("np.float32(-(p * np.log2(p)).sum())"), "Python float"),
    ],
    "q2": [
        Mistake("targets not shifted", _pairs(
            result="ids[:end].reshape(pairs, length), ids[:end].reshape(pairs, length)"),
                "one step later"),
        Mistake("one pair too many", _pairs(pairs="len(ids) // length",
                                            result="ids[:end].reshape(pairs, length), ids[1:end + 1].reshape(-1, length)"),
                "the last input needs one more id"),
        Mistake("overlapping stretches", _pairs(
            result="np.lib.stride_tricks.sliding_window_view(ids[:-1], length)[:pairs], np.lib.stride_tricks.sliding_window_view(ids[1:], length)[:pairs]"),
                "the stretches do not overlap"),
        Mistake("a single pair", _pairs(result="ids[:end], ids[1:end + 1]"), "shape (n, length)"),
        Mistake("float ids", _pairs(result="ids[:end].reshape(pairs, length).astype(float), ids[1:end + 1].reshape(pairs, length).astype(float)"),
                "dtype int64"),
    ],
    "q3": [
        Mistake("no max subtracted", _bits(shifted="logits"), "overflow"),
        Mistake("nats", _bits(result="float(-chosen.mean())"), "that is in nats"),
        Mistake("summed, not averaged", _bits(result="float(-chosen.sum() / np.log(2))"), "not the sum"),
        Mistake("log base 10", _bits(result="float(-chosen.mean() / np.log(10))"), "log base 10"),
        Mistake("probability, not its log", _bits(result="float(-np.exp(chosen).mean() / np.log(2))"),
                "-log2(probability"),
    ],
    "q4": [
        Mistake("temperature 0 divides by zero", """
            def temperature_probabilities(logits, temperature):
                logits = np.asarray(logits, dtype=np.float64)
                scaled = logits / temperature
                weights = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
                return weights / weights.sum(axis=-1, keepdims=True)
            """, "temperature 0 means greedy decoding"),
        Mistake("multiplied by the temperature", _temperature(scaled="logits * temperature"),
                "divide the logits by the temperature"),
        Mistake("normalised over everything", _temperature(total="weights.sum()"), "normalise each row"),
        Mistake("float32", """
            def temperature_probabilities(logits, temperature):
                logits = np.asarray(logits, dtype=np.float32)
                if temperature == 0:
                    return np.eye(logits.shape[-1], dtype=np.float32)[logits.argmax(axis=-1)]
                scaled = logits / temperature
                weights = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
                return weights / weights.sum(axis=-1, keepdims=True)
            """, "returned dtype float32"),
        Mistake("greedy as the index", _temperature(greedy="logits.argmax(axis=-1)"),
                "return a one-hot vector (per row)"),
    ],
    "q5": [
        Mistake("prompt returned too", _generate(result="np.array([*prompt_ids, *written], dtype=np.int64)"),
                "not the prompt"),
        Mistake("state not carried", _generate(state="np.zeros_like(state)"), "carry the GRU state"),
        Mistake("prompt's last id only", _generate(prompt="prompt_ids[-1:]"), "read the whole prompt"),
        Mistake("prompt read from zero state", _generate(prompt_state="np.zeros_like(state)"),
                "read the whole prompt"),
        Mistake("a list", _generate(result="written"), "expected a NumPy array"),
    ],
    "q6": [
        Mistake("the last column", _complete(last="-1"), "not at the last column"),
        Mistake("one step late", _complete(last="(ids != 0).sum(axis=1)"),
                "already score the word after"),
        Mistake("first zero as the end", _complete(last="np.argmin(ids, axis=1) - 1"),
                "a prefix that fills its row"),
        Mistake("unknown words as padding", _complete(last="(ids > 1).sum(axis=1) - 1"),
                "only 0 is padding"),
        Mistake("ids, not words", _complete(result="rows.argmax(axis=-1).tolist()"),
                "not their ids"),
        Mistake("an array of words", _complete(result="np.array(words)[rows.argmax(axis=-1)]"),
                "return a Python list"),
    ],
}

VARIANTS = {
    "q1": [Variant("Counter", """
        def unigram_entropy(text):
            from collections import Counter
            n = len(text)
            return float(sum(-(c / n) * np.log2(c / n) for c in Counter(text).values()))
        """)],
    "q2": [Variant("a loop", """
        def training_pairs(ids, length):
            ids = np.asarray(ids)
            n = (len(ids) - 1) // length
            x = np.stack([ids[k * length:(k + 1) * length] for k in range(n)]) if n else ids[:0].reshape(0, length)
            y = np.stack([ids[k * length + 1:(k + 1) * length + 1] for k in range(n)]) if n else ids[:0].reshape(0, length)
            return x, y
        """)],
    "q3": [Variant("logsumexp by hand", """
        def bits_per_character(logits, targets):
            z = np.asarray(logits, float)
            top = z.max(axis=-1)
            lse = top + np.log(np.exp(z - top[..., None]).sum(axis=-1))
            picked = np.take_along_axis(z, np.asarray(targets)[..., None], -1)[..., 0]
            return float(np.mean(lse - picked) / np.log(2))
        """)],
    "q4": [Variant("exp of a shifted array", """
        def temperature_probabilities(logits, temperature):
            z = np.array(logits, dtype=float)
            if not temperature:
                out = np.zeros_like(z)
                np.put_along_axis(out, z.argmax(-1)[..., None], 1.0, axis=-1)
                return out
            e = np.exp((z - z.max(-1, keepdims=True)) / temperature)
            return e / e.sum(-1, keepdims=True)
        """)],
    "q5": [Variant("one loop for prompt and output", """
        def generate_greedy(weights, prompt_ids, steps):
            E, W, U, b, D, d = weights
            h = np.zeros((1, U.shape[0]))
            out = []
            queue = list(prompt_ids)
            while len(out) < steps:
                for token in queue:
                    h = gru_cell_forward(E[token][None, :], h, W, U, b)
                nxt = int((h @ D + d).argmax())
                out.append(nxt)
                queue = [nxt]
            return np.asarray(out, dtype="int64")
        """)],
    "q6": [Variant("a loop over the rows, with the probabilities", """
        def complete(logits, ids, words):
            chosen = []
            for row_logits, row_ids in zip(logits, ids):
                length = int(np.count_nonzero(row_ids))
                p = np.exp(row_logits[length - 1] - row_logits[length - 1].max())
                chosen.append(words[int(np.argmax(p / p.sum()))])
            return chosen
        """), Variant("the first 0 by argmax, take_along_axis", """
        def complete(logits, ids, words):
            padded = np.asarray(ids) == 0
            end = np.where(padded.any(axis=1), padded.argmax(axis=1), padded.shape[1])
            best = np.take_along_axis(np.asarray(logits), (end - 1)[:, None, None], axis=1)
            return [words[i] for i in best[:, 0].argmax(axis=-1)]
        """)],
}
