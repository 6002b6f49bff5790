"""Common mistakes of lab 14, music generation (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

MISTAKES = {
    "q1": [
        Mistake(
            "no START",
            """
            def encode(notes, vocabulary):
                return np.array([vocabulary.get(note, UNKNOWN) for note in notes], dtype=np.int64)
            """,
            "begin with START",
        ),
        Mistake(
            "START at the end",
            """
            def encode(notes, vocabulary):
                return np.array([vocabulary.get(note, UNKNOWN) for note in notes] + [START], dtype=np.int64)
            """,
            "START comes first",
        ),
        Mistake(
            "unknown notes as padding",
            """
            def encode(notes, vocabulary):
                return np.array([START] + [vocabulary.get(note, 0) for note in notes], dtype=np.int64)
            """,
            "id 0 is padding",
        ),
        Mistake(
            "unknown notes skipped",
            """
            def encode(notes, vocabulary):
                return np.array([START] + [vocabulary[note] for note in notes if note in vocabulary], dtype=np.int64)
            """,
            "still takes its place",
        ),
        Mistake(
            "dictionary lookup that fails on unknown notes",
            """
            def encode(notes, vocabulary):
                return np.array([START] + [vocabulary[note] for note in notes], dtype=np.int64)
            """,
            "vocabulary.get(note, UNKNOWN)",
        ),
    ],
    "q2": [
        Mistake(
            "natural log",
            """
            def bigram_bits(train, val, size, k):
                pairs = np.zeros((size, size))
                for ids in train:
                    np.add.at(pairs, (ids[:-1], ids[1:]), 1)
                table = (pairs + k) / (pairs.sum(axis=1, keepdims=True) + k * size)
                return float(-np.mean(np.concatenate([np.log(table[ids[:-1], ids[1:]]) for ids in val])))
            """,
            "nats",
        ),
        Mistake(
            "count(a) from every occurrence of a",
            """
            def bigram_bits(train, val, size, k):
                pairs = np.zeros((size, size))
                for ids in train:
                    np.add.at(pairs, (ids[:-1], ids[1:]), 1)
                counts = np.bincount(np.concatenate(train), minlength=size)
                table = (pairs + k) / (counts[:, None] + k * size)
                return float(-np.mean(np.concatenate([np.log2(table[ids[:-1], ids[1:]]) for ids in val])))
            """,
            "pairs that start with a",
        ),
        Mistake(
            "k alone in the denominator",
            """
            def bigram_bits(train, val, size, k):
                pairs = np.zeros((size, size))
                for ids in train:
                    for a, b in zip(ids[:-1], ids[1:]):
                        pairs[a, b] += 1
                table = (pairs + k) / (pairs.sum(axis=1, keepdims=True) + k)
                return float(-np.mean(np.concatenate([np.log2(table[ids[:-1], ids[1:]]) for ids in val])))
            """,
            "k · size to the denominator",
        ),
        Mistake(
            "mean of the pieces' means",
            """
            def bigram_bits(train, val, size, k):
                pairs = np.zeros((size, size))
                for ids in train:
                    np.add.at(pairs, (ids[:-1], ids[1:]), 1)
                table = (pairs + k) / (pairs.sum(axis=1, keepdims=True) + k * size)
                return float(np.mean([-np.log2(table[ids[:-1], ids[1:]]).mean() for ids in val]))
            """,
            "not piece by piece",
        ),
        Mistake(
            "first note not predicted",
            """
            def bigram_bits(train, val, size, k):
                pairs = np.zeros((size, size))
                for ids in train:
                    np.add.at(pairs, (ids[:-1], ids[1:]), 1)
                table = (pairs + k) / (pairs.sum(axis=1, keepdims=True) + k * size)
                return float(-np.mean(np.concatenate([np.log2(table[ids[1:-1], ids[2:]]) for ids in val])))
            """,
            "predicted too, from START",
        ),
    ],
    "q3": [
        Mistake(
            "logits multiplied by the temperature",
            """
            def temperature_probabilities(logits, temperature):
                if temperature == 0:
                    return np.eye(len(logits))[np.argmax(logits)]
                scaled = np.asarray(logits) * temperature
                exp = np.exp(scaled - scaled.max())
                return exp / exp.sum()
            """,
            "do not multiply",
        ),
        Mistake(
            "exp without subtracting the maximum",
            """
            def temperature_probabilities(logits, temperature):
                if temperature == 0:
                    return np.eye(len(logits))[np.argmax(logits)]
                exp = np.exp(np.asarray(logits) / temperature)
                return exp / exp.sum()
            """,
            "overflows",
        ),
        Mistake(
            "not normalised",
            """
            def temperature_probabilities(logits, temperature):
                if temperature == 0:
                    return np.eye(len(logits))[np.argmax(logits)]
                scaled = np.asarray(logits) / temperature
                return np.exp(scaled - scaled.max())
            """,
            "divide by the sum",
        ),
        Mistake(
            "temperature 0 divides by zero",
            """
            def temperature_probabilities(logits, temperature):
                scaled = np.asarray(logits, dtype=float) / temperature
                exp = np.exp(scaled - scaled.max())
                return exp / exp.sum()
            """,
            "temperature 0 means greedy",
        ),
        Mistake(
            "temperature 0 returns the index",
            """
            def temperature_probabilities(logits, temperature):
                if temperature == 0:
                    return np.argmax(logits)
                scaled = np.asarray(logits) / temperature
                exp = np.exp(scaled - scaled.max())
                return exp / exp.sum()
            """,
            "temperature 0 means greedy",
        ),
    ],
    "q4": [
        Mistake(
            "highest pitch in row 0",
            """
            def piano_roll(notes, lowest, highest, step):
                onset = 0.0
                roll = np.zeros((highest - lowest + 1, round(sum(d for _, d in notes) / step)), dtype=bool)
                for pitch, duration in notes:
                    if pitch != REST:
                        roll[highest - pitch, round(onset / step):round((onset + duration) / step)] = True
                    onset += duration
                return roll
            """,
            "upside down",
        ),
        Mistake(
            "time along the rows",
            """
            def piano_roll(notes, lowest, highest, step):
                onset = 0.0
                roll = np.zeros((round(sum(d for _, d in notes) / step), highest - lowest + 1), dtype=bool)
                for pitch, duration in notes:
                    if pitch != REST:
                        roll[round(onset / step):round((onset + duration) / step), pitch - lowest] = True
                    onset += duration
                return roll
            """,
            "time runs along the columns",
        ),
        Mistake(
            "columns in quarter notes",
            """
            def piano_roll(notes, lowest, highest, step):
                onset = 0.0
                roll = np.zeros((highest - lowest + 1, round(sum(d for _, d in notes))), dtype=bool)
                for pitch, duration in notes:
                    if pitch != REST:
                        roll[pitch - lowest, round(onset):round(onset + duration)] = True
                    onset += duration
                return roll
            """,
            "divide onsets and durations by step",
        ),
        Mistake(
            "only the onset marked",
            """
            def piano_roll(notes, lowest, highest, step):
                onset = 0.0
                roll = np.zeros((highest - lowest + 1, round(sum(d for _, d in notes) / step)), dtype=bool)
                for pitch, duration in notes:
                    if pitch != REST:
                        roll[pitch - lowest, round(onset / step)] = True
                    onset += duration
                return roll
            """,
            "not its onset alone",
        ),
        Mistake(
            "rests drawn like notes",
            """
            def piano_roll(notes, lowest, highest, step):
                onset = 0.0
                roll = np.zeros((highest - lowest + 1, round(sum(d for _, d in notes) / step)), dtype=bool)
                for pitch, duration in notes:
                    roll[pitch - lowest, round(onset / step):round((onset + duration) / step)] = True
                    onset += duration
                return roll
            """,
            "leave its steps empty",
        ),
    ],
    "q5": [
        Mistake(
            "middle C at 440 Hz",
            """
            def synthesise(notes, rate, seconds_per_quarter):
                parts = []
                for pitch, duration in notes:
                    t = np.arange(round(duration * seconds_per_quarter * rate)) / rate
                    tone = np.sin(2 * np.pi * 440 * 2 ** ((pitch - 60) / 12) * t)
                    parts.append(np.zeros_like(t) if pitch == REST else tone)
                return np.concatenate(parts)
            """,
            "MIDI 69 is the A at 440 Hz",
        ),
        Mistake(
            "one clock for the whole melody",
            """
            def synthesise(notes, rate, seconds_per_quarter):
                counts = [round(d * seconds_per_quarter * rate) for _, d in notes]
                t = np.arange(sum(counts)) / rate
                frequency = np.repeat([440 * 2 ** ((p - 69) / 12) for p, _ in notes], counts)
                silent = np.repeat([p == REST for p, _ in notes], counts)
                return np.where(silent, 0.0, np.sin(2 * np.pi * frequency * t))
            """,
            "starts its sine at phase 0",
        ),
        Mistake(
            "a rest as a tone",
            """
            def synthesise(notes, rate, seconds_per_quarter):
                parts = []
                for pitch, duration in notes:
                    t = np.arange(round(duration * seconds_per_quarter * rate)) / rate
                    parts.append(np.sin(2 * np.pi * 440 * 2 ** ((pitch - 69) / 12) * t))
                return np.concatenate(parts)
            """,
            "is silence",
        ),
        Mistake(
            "no 2π",
            """
            def synthesise(notes, rate, seconds_per_quarter):
                parts = []
                for pitch, duration in notes:
                    t = np.arange(round(duration * seconds_per_quarter * rate)) / rate
                    tone = np.sin(440 * 2 ** ((pitch - 69) / 12) * t)
                    parts.append(np.zeros_like(t) if pitch == REST else tone)
                return np.concatenate(parts)
            """,
            "the 2π is missing",
        ),
        Mistake(
            "duration in seconds",
            """
            def synthesise(notes, rate, seconds_per_quarter):
                parts = []
                for pitch, duration in notes:
                    t = np.arange(round(duration * rate)) / rate
                    tone = np.sin(2 * np.pi * 440 * 2 ** ((pitch - 69) / 12) * t)
                    parts.append(np.zeros_like(t) if pitch == REST else tone)
                return np.concatenate(parts)
            """,
            "duration × seconds_per_quarter",
        ),
    ],
}

VARIANTS = {
    "q1": [
        Variant(
            "a loop and np.asarray",
            """
            def encode(notes, vocabulary):
                ids = [START]
                for note in notes:
                    ids.append(vocabulary[note] if note in vocabulary else UNKNOWN)
                return np.asarray(ids, dtype=np.int64)
            """,
        ),
    ],
    "q2": [
        Variant(
            "Counters of pairs and of first notes",
            """
            def bigram_bits(train, val, size, k):
                pairs, firsts = Counter(), Counter()
                for ids in train:
                    for a, b in zip(ids[:-1], ids[1:]):
                        pairs[a, b] += 1
                        firsts[a] += 1
                bits = [-np.log2((pairs[a, b] + k) / (firsts[a] + k * size)) for ids in val for a, b in zip(ids[:-1], ids[1:])]
                return float(np.mean(bits))
            """,
        ),
    ],
    "q3": [
        Variant(
            "probabilities to the power 1 / T",
            """
            def temperature_probabilities(logits, temperature):
                logits = np.asarray(logits, dtype=np.float64)
                if temperature == 0:
                    greedy = np.zeros(len(logits))
                    greedy[np.argmax(logits)] = 1.0
                    return greedy
                p = np.exp(logits - logits.max()) ** (1 / temperature)
                return p / p.sum()
            """,
        ),
    ],
    "q4": [
        Variant(
            "running onset, float steps",
            """
            def piano_roll(notes, lowest, highest, step):
                steps = int(round(sum(d for _, d in notes) / step))
                roll = np.full((highest - lowest + 1, steps), False)
                t = 0
                for pitch, duration in notes:
                    first, n = int(round(t / step)), int(round(duration / step))
                    if pitch != 0:
                        roll[pitch - lowest, first:first + n] = True
                    t += duration
                return roll
            """,
        ),
    ],
    "q5": [
        Variant(
            "np.zeros and slices",
            """
            def synthesise(notes, rate, seconds_per_quarter):
                counts = [int(round(d * seconds_per_quarter * rate)) for _, d in notes]
                wave = np.zeros(sum(counts))
                start = 0
                for (pitch, _), n in zip(notes, counts):
                    if pitch != REST:
                        wave[start:start + n] = np.sin(2 * np.pi * 440 * 2 ** ((pitch - 69) / 12) * np.arange(n) / rate)
                    start += n
                return wave
            """,
        ),
    ],
}
