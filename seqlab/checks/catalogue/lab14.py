"""Common mistakes of lab 14, music generation (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

MISTAKES = {
    "q1": [
        Mistake(
            "ids from 0",
            """
            def build_vocabulary(pieces, min_count):
                counts = Counter(note for piece in pieces for note in piece)
                kept = sorted(note for note, count in counts.items() if count >= min_count)
                return {note: index for index, note in enumerate(kept)}
            """,
            "start at 3",
        ),
        Mistake(
            "ids from 1",
            """
            def build_vocabulary(pieces, min_count):
                counts = Counter(note for piece in pieces for note in piece)
                kept = sorted(note for note, count in counts.items() if count >= min_count)
                return {note: index + 1 for index, note in enumerate(kept)}
            """,
            "start at 3",
        ),
        Mistake(
            "numbered by frequency",
            """
            def build_vocabulary(pieces, min_count):
                counts = Counter(note for piece in pieces for note in piece)
                kept = [note for note, count in counts.most_common() if count >= min_count]
                return {note: index for index, note in enumerate(kept, start=3)}
            """,
            "not by frequency",
        ),
        Mistake(
            "more than min_count",
            """
            def build_vocabulary(pieces, min_count):
                counts = Counter(note for piece in pieces for note in piece)
                kept = sorted(note for note, count in counts.items() if count > min_count)
                return {note: index for index, note in enumerate(kept, start=3)}
            """,
            "exactly min_count included",
        ),
        Mistake(
            "pieces counted instead of occurrences",
            """
            def build_vocabulary(pieces, min_count):
                counts = Counter(note for piece in pieces for note in set(piece))
                kept = sorted(note for note, count in counts.items() if count >= min_count)
                return {note: index for index, note in enumerate(kept, start=3)}
            """,
            "not the pieces it occurs in",
        ),
        Mistake(
            "min_count ignored",
            """
            def build_vocabulary(pieces, min_count):
                notes = sorted({note for piece in pieces for note in piece})
                return {note: index for index, note in enumerate(notes, start=3)}
            """,
            "fewer than min_count",
        ),
    ],
    "q2": [
        Mistake(
            "natural log",
            """
            def interpolated_bits(train, val, size, weight):
                pairs = np.zeros((size, size))
                for ids in train:
                    np.add.at(pairs, (ids[:-1], ids[1:]), 1)
                predicted = np.concatenate([ids[1:] for ids in train])
                unigram = (np.bincount(predicted, minlength=size) + 1) / (len(predicted) + size)
                starts = pairs.sum(axis=1, keepdims=True)
                bigram = np.divide(pairs, starts, out=np.zeros_like(pairs), where=starts > 0)
                table = weight * bigram + (1 - weight) * unigram
                return float(-np.mean(np.concatenate([np.log(table[ids[:-1], ids[1:]]) for ids in val])))
            """,
            "nats",
        ),
        Mistake(
            "weights swapped",
            """
            def interpolated_bits(train, val, size, weight):
                pairs = np.zeros((size, size))
                for ids in train:
                    np.add.at(pairs, (ids[:-1], ids[1:]), 1)
                predicted = np.concatenate([ids[1:] for ids in train])
                unigram = (np.bincount(predicted, minlength=size) + 1) / (len(predicted) + size)
                starts = pairs.sum(axis=1, keepdims=True)
                bigram = np.divide(pairs, starts, out=np.zeros_like(pairs), where=starts > 0)
                table = (1 - weight) * bigram + weight * unigram
                return float(-np.mean(np.concatenate([np.log2(table[ids[:-1], ids[1:]]) for ids in val])))
            """,
            "weight multiplies the bigram",
        ),
        Mistake(
            "START counted in the unigram",
            """
            def interpolated_bits(train, val, size, weight):
                pairs = np.zeros((size, size))
                for ids in train:
                    np.add.at(pairs, (ids[:-1], ids[1:]), 1)
                every = np.concatenate(train)
                unigram = (np.bincount(every, minlength=size) + 1) / (len(every) + size)
                starts = pairs.sum(axis=1, keepdims=True)
                bigram = np.divide(pairs, starts, out=np.zeros_like(pairs), where=starts > 0)
                table = weight * bigram + (1 - weight) * unigram
                return float(-np.mean(np.concatenate([np.log2(table[ids[:-1], ids[1:]]) for ids in val])))
            """,
            "START is never predicted",
        ),
        Mistake(
            "count(a) from every occurrence of a",
            """
            def interpolated_bits(train, val, size, weight):
                pairs = np.zeros((size, size))
                for ids in train:
                    np.add.at(pairs, (ids[:-1], ids[1:]), 1)
                predicted = np.concatenate([ids[1:] for ids in train])
                unigram = (np.bincount(predicted, minlength=size) + 1) / (len(predicted) + size)
                starts = np.bincount(np.concatenate(train), minlength=size)[:, None]
                bigram = np.divide(pairs, starts, out=np.zeros_like(pairs), where=starts > 0)
                table = weight * bigram + (1 - weight) * unigram
                return float(-np.mean(np.concatenate([np.log2(table[ids[:-1], ids[1:]]) for ids in val])))
            """,
            "pairs that start with a",
        ),
        Mistake(
            "0 / 0 for an unseen previous note",
            """
            def interpolated_bits(train, val, size, weight):
                pairs = np.zeros((size, size))
                for ids in train:
                    np.add.at(pairs, (ids[:-1], ids[1:]), 1)
                predicted = np.concatenate([ids[1:] for ids in train])
                unigram = (np.bincount(predicted, minlength=size) + 1) / (len(predicted) + size)
                bigram = pairs / pairs.sum(axis=1, keepdims=True)
                table = weight * bigram + (1 - weight) * unigram
                return float(-np.mean(np.concatenate([np.log2(table[ids[:-1], ids[1:]]) for ids in val])))
            """,
            "the unigram alone counts",
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
            "a dict of counts and a loop",
            """
            def build_vocabulary(pieces, min_count):
                counts = {}
                for piece in pieces:
                    for note in piece:
                        counts[note] = counts.get(note, 0) + 1
                vocabulary = {}
                for note in sorted(counts):
                    if counts[note] >= min_count:
                        vocabulary[note] = len(vocabulary) + 3
                return vocabulary
            """,
        ),
    ],
    "q2": [
        Variant(
            "Counters of pairs, first notes and predicted notes",
            """
            def interpolated_bits(train, val, size, weight):
                pairs, firsts, notes = Counter(), Counter(), Counter()
                for ids in train:
                    for a, b in zip(ids[:-1], ids[1:]):
                        pairs[a, b] += 1
                        firsts[a] += 1
                        notes[b] += 1
                total = sum(notes.values())
                bits = []
                for ids in val:
                    for a, b in zip(ids[:-1], ids[1:]):
                        bigram = pairs[a, b] / firsts[a] if firsts[a] else 0.0
                        unigram = (notes[b] + 1) / (total + size)
                        bits.append(-np.log2(weight * bigram + (1 - weight) * unigram))
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
