"""Common mistakes of lab 16, speech-like audio to text (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

MISTAKES = {
    "q1": [
        Mistake(
            "no window",
            """
            def power_spectrogram(audio, frame):
                frames = np.asarray(audio)[: len(audio) // frame * frame].reshape(-1, frame)
                return np.abs(np.fft.rfft(frames, axis=-1)) ** 2
            """,
            "np.hanning(frame)",
        ),
        Mistake(
            "magnitude, not power",
            """
            def power_spectrogram(audio, frame):
                frames = np.asarray(audio)[: len(audio) // frame * frame].reshape(-1, frame)
                return np.abs(np.fft.rfft(frames * np.hanning(frame), axis=-1))
            """,
            "squared magnitude",
        ),
        Mistake(
            "full FFT",
            """
            def power_spectrogram(audio, frame):
                frames = np.asarray(audio)[: len(audio) // frame * frame].reshape(-1, frame)
                return np.abs(np.fft.fft(frames * np.hanning(frame), axis=-1)) ** 2
            """,
            "np.fft.rfft",
        ),
        Mistake(
            "last frame padded with zeros",
            """
            def power_spectrogram(audio, frame):
                count = -(-len(audio) // frame)
                padded = np.zeros(count * frame)
                padded[: len(audio)] = audio
                return np.abs(np.fft.rfft(padded.reshape(-1, frame) * np.hanning(frame), axis=-1)) ** 2
            """,
            "do not pad",
        ),
    ],
    "q2": [
        Mistake(
            "blanks dropped before merging",
            """
            def ctc_collapse(path, blank):
                kept = [int(s) for s in path if s != blank]
                return [s for i, s in enumerate(kept) if i == 0 or s != kept[i - 1]]
            """,
            "merge the repeats first",
        ),
        Mistake(
            "repeats not merged",
            """
            def ctc_collapse(path, blank):
                return [int(s) for s in path if s != blank]
            """,
            "merge runs of the same symbol",
        ),
        Mistake(
            "blanks kept",
            """
            def ctc_collapse(path, blank):
                return [int(s) for i, s in enumerate(path) if i == 0 or s != path[i - 1]]
            """,
            "it means no letter",
        ),
        Mistake(
            "each symbol once",
            """
            def ctc_collapse(path, blank):
                return [s for s in dict.fromkeys(int(s) for s in path) if s != blank]
            """,
            "merge only neighbouring repeats",
        ),
    ],
    "q3": [
        Mistake(
            "positions that differ",
            """
            def character_error_rate(references, hypotheses):
                errors = sum(sum(a != b for a, b in zip(r, h)) + abs(len(r) - len(h)) for r, h in zip(references, hypotheses))
                return errors / sum(len(r) for r in references)
            """,
            "count edits, not positions",
        ),
        Mistake(
            "mean of per-clip rates",
            """
            def character_error_rate(references, hypotheses):
                def distance(a, b):
                    row = list(range(len(b) + 1))
                    for i, x in enumerate(a, 1):
                        previous, row[0] = row[:], i
                        for j, y in enumerate(b, 1):
                            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x != y))
                    return row[-1]
                return float(np.mean([distance(r, h) / len(r) for r, h in zip(references, hypotheses)]))
            """,
            "mean of per-clip rates",
        ),
        Mistake(
            "divided by the hypotheses' letters",
            """
            def character_error_rate(references, hypotheses):
                def distance(a, b):
                    row = list(range(len(b) + 1))
                    for i, x in enumerate(a, 1):
                        previous, row[0] = row[:], i
                        for j, y in enumerate(b, 1):
                            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x != y))
                    return row[-1]
                return sum(distance(r, h) for r, h in zip(references, hypotheses)) / sum(len(h) for h in hypotheses)
            """,
            "not in the hypotheses",
        ),
    ],
    "q4": [
        Mistake(
            "ids from 0",
            """
            def label_ids(texts, alphabet, length):
                ids = np.zeros((len(texts), length), dtype=np.int32)
                for row, text in enumerate(texts):
                    ids[row, : len(text)] = [alphabet.index(letter) for letter in text]
                return ids
            """,
            "start at 1",
        ),
        Mistake(
            "padded with -1",
            """
            def label_ids(texts, alphabet, length):
                ids = np.full((len(texts), length), -1, dtype=np.int32)
                for row, text in enumerate(texts):
                    ids[row, : len(text)] = [alphabet.index(letter) + 1 for letter in text]
                return ids
            """,
            "pad with 0",
        ),
        Mistake(
            "int64",
            """
            def label_ids(texts, alphabet, length):
                ids = np.zeros((len(texts), length), dtype=np.int64)
                for row, text in enumerate(texts):
                    ids[row, : len(text)] = [alphabet.index(letter) + 1 for letter in text]
                return ids
            """,
            "int32",
        ),
    ],
    "q5": [
        Mistake(
            "the last run forgotten",
            """
            def run_lengths(on):
                on = np.asarray(on, dtype=bool)
                starts = np.r_[0, np.flatnonzero(on[1:] != on[:-1]) + 1]
                return on[starts][:-1], np.diff(starts).astype(np.int64)
            """,
            "the last run counts",
        ),
        Mistake(
            "values as integers",
            """
            def run_lengths(on):
                on = np.asarray(on, dtype=bool)
                starts = np.r_[0, np.flatnonzero(on[1:] != on[:-1]) + 1]
                return on[starts].astype(int), np.diff(np.r_[starts, len(on)]).astype(np.int64)
            """,
            "bool array",
        ),
        Mistake(
            "a single array of lengths",
            """
            def run_lengths(on):
                on = np.asarray(on, dtype=bool)
                starts = np.r_[0, np.flatnonzero(on[1:] != on[:-1]) + 1]
                return np.diff(np.r_[starts, len(on)]).astype(np.int64)
            """,
            "the pair (values, lengths)",
        ),
    ],
}

VARIANTS = {
    "q1": [
        Variant(
            "a loop over frames",
            """
            def power_spectrogram(audio, frame):
                rows = [np.abs(np.fft.rfft(np.hanning(frame) * audio[i * frame : (i + 1) * frame])) ** 2 for i in range(len(audio) // frame)]
                return np.array(rows, dtype=np.float64)
            """,
        ),
    ],
    "q2": [
        Variant(
            "itertools.groupby",
            """
            import itertools

            def ctc_collapse(path, blank):
                return [int(key) for key, _ in itertools.groupby(path) if key != blank]
            """,
        ),
    ],
    "q3": [
        Variant(
            "full distance table",
            """
            def character_error_rate(references, hypotheses):
                errors = 0
                for r, h in zip(references, hypotheses):
                    table = np.zeros((len(r) + 1, len(h) + 1), dtype=int)
                    table[:, 0], table[0, :] = np.arange(len(r) + 1), np.arange(len(h) + 1)
                    for i in range(1, len(r) + 1):
                        for j in range(1, len(h) + 1):
                            table[i, j] = min(table[i - 1, j] + 1, table[i, j - 1] + 1, table[i - 1, j - 1] + (r[i - 1] != h[j - 1]))
                    errors += table[-1, -1]
                return float(errors / sum(map(len, references)))
            """,
        ),
    ],
    "q4": [
        Variant(
            "a dict of ids",
            """
            def label_ids(texts, alphabet, length):
                index = {letter: i + 1 for i, letter in enumerate(alphabet)}
                return np.array([[index[c] for c in t] + [0] * (length - len(t)) for t in texts], dtype=np.int32)
            """,
        ),
    ],
    "q5": [
        Variant(
            "a loop",
            """
            def run_lengths(on):
                values, lengths = [], []
                for value in on:
                    if values and values[-1] == value:
                        lengths[-1] += 1
                    else:
                        values.append(bool(value))
                        lengths.append(1)
                return np.array(values, dtype=bool), np.array(lengths, dtype=np.int64)
            """,
        ),
    ],
}
