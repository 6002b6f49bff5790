"""Common mistakes of lab 02, one-hot encoding (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

MISTAKES = {
    "q1": [
        Mistake(
            "not lower-cased",
            """
            def build_vocabulary(sentences, max_tokens=None):
                counts = Counter(word for sentence in sentences for word in sentence.split())
                words = sorted(counts, key=lambda word: (counts[word], word), reverse=True)
                vocabulary = ["", "[UNK]", *words]
                return vocabulary if max_tokens is None else vocabulary[:max_tokens]
            """,
            "lowercase the sentences",
        ),
        Mistake(
            "ties in A-Z order",
            """
            def build_vocabulary(sentences, max_tokens=None):
                counts = Counter(word for sentence in sentences for word in sentence.lower().split())
                words = sorted(counts, key=lambda word: (-counts[word], word))
                vocabulary = ["", "[UNK]", *words]
                return vocabulary if max_tokens is None else vocabulary[:max_tokens]
            """,
            "your ties are in A-Z order",
        ),
        Mistake(
            "ties in first-seen order (Counter.most_common)",
            """
            def build_vocabulary(sentences, max_tokens=None):
                counts = Counter(word for sentence in sentences for word in sentence.lower().split())
                vocabulary = ["", "[UNK]", *(word for word, _ in counts.most_common())]
                return vocabulary if max_tokens is None else vocabulary[:max_tokens]
            """,
            "order they first appear",
        ),
        Mistake(
            "alphabetical, frequency ignored",
            """
            def build_vocabulary(sentences, max_tokens=None):
                words = sorted({word for sentence in sentences for word in sentence.lower().split()})
                vocabulary = ["", "[UNK]", *words]
                return vocabulary if max_tokens is None else vocabulary[:max_tokens]
            """,
            "most frequent first",
        ),
        Mistake(
            "max_tokens without the reserved entries",
            """
            def build_vocabulary(sentences, max_tokens=None):
                counts = Counter(word for sentence in sentences for word in sentence.lower().split())
                words = sorted(counts, key=lambda word: (counts[word], word), reverse=True)
                return ["", "[UNK]", *(words if max_tokens is None else words[:max_tokens])]
            """,
            "counts the two reserved entries",
        ),
        Mistake(
            "reserved entries missing",
            """
            def build_vocabulary(sentences, max_tokens=None):
                counts = Counter(word for sentence in sentences for word in sentence.lower().split())
                words = sorted(counts, key=lambda word: (counts[word], word), reverse=True)
                return words if max_tokens is None else words[:max_tokens]
            """,
            "starts with the padding entry",
        ),
    ],
    "q2": [
        Mistake(
            "unknown words mapped to 0",
            """
            def encode(sentence, vocabulary, length=None):
                index = {word: position for position, word in enumerate(vocabulary)}
                ids = [index.get(word, 0) for word in sentence.lower().split()]
                if length is not None:
                    ids = (ids + [0] * length)[:length]
                return np.array(ids, dtype=np.int64)
            """,
            "gets index 1",
        ),
        Mistake(
            "unknown words raise (list.index)",
            """
            def encode(sentence, vocabulary, length=None):
                ids = [vocabulary.index(word) for word in sentence.lower().split()]
                if length is not None:
                    ids = (ids + [0] * length)[:length]
                return np.array(ids, dtype=np.int64)
            """,
            "gets index 1",
        ),
        Mistake(
            "not lower-cased",
            """
            def encode(sentence, vocabulary, length=None):
                index = {word: position for position, word in enumerate(vocabulary)}
                ids = [index.get(word, 1) for word in sentence.split()]
                if length is not None:
                    ids = (ids + [0] * length)[:length]
                return np.array(ids, dtype=np.int64)
            """,
            "lower-case the sentence",
        ),
        Mistake(
            "padded in front",
            """
            def encode(sentence, vocabulary, length=None):
                index = {word: position for position, word in enumerate(vocabulary)}
                ids = [index.get(word, 1) for word in sentence.lower().split()]
                if length is not None:
                    ids = ([0] * length + ids)[-length:]
                return np.array(ids, dtype=np.int64)
            """,
            "pad at the end",
        ),
        Mistake(
            "cut at the front",
            """
            def encode(sentence, vocabulary, length=None):
                index = {word: position for position, word in enumerate(vocabulary)}
                ids = [index.get(word, 1) for word in sentence.lower().split()]
                if length is not None:
                    ids = ids[-length:] if len(ids) > length else ids + [0] * (length - len(ids))
                return np.array(ids, dtype=np.int64)
            """,
            "cut the end off",
        ),
        Mistake(
            "int32",
            """
            def encode(sentence, vocabulary, length=None):
                index = {word: position for position, word in enumerate(vocabulary)}
                ids = [index.get(word, 1) for word in sentence.lower().split()]
                if length is not None:
                    ids = (ids + [0] * length)[:length]
                return np.array(ids, dtype=np.int32)
            """,
            "int64",
        ),
    ],
    "q3": [
        Mistake(
            "float64",
            """
            def one_hot(indices, depth):
                return np.eye(depth)[np.asarray(indices)]
            """,
            "float32",
        ),
        Mistake(
            "columns per index (transposed)",
            """
            def one_hot(indices, depth):
                return np.eye(depth, dtype=np.float32)[:, np.asarray(indices)]
            """,
            "rows and columns look swapped",
        ),
        Mistake(
            "keras.utils.to_categorical",
            """
            def one_hot(indices, depth):
                return keras.utils.to_categorical(indices, depth).astype(np.float32)
            """,
            "without Keras",
        ),
        Mistake(
            "the 1 one column late",
            """
            def one_hot(indices, depth):
                rows = np.zeros((len(indices), depth), dtype=np.float32)
                for t, index in enumerate(indices):
                    rows[t, (index + 1) % depth] = 1.0
                return rows
            """,
            "column(s) off",
        ),
    ],
    "q4": [
        Mistake(
            "padding rows kept",
            """
            def decode(one_hot_matrix, vocabulary):
                return [vocabulary[index] for index in np.argmax(one_hot_matrix, axis=1)]
            """,
            "skip the padding rows",
        ),
        Mistake(
            "stops at the first padding row",
            """
            def decode(one_hot_matrix, vocabulary):
                words = []
                for index in np.argmax(one_hot_matrix, axis=1):
                    if index == 0:
                        break
                    words.append(vocabulary[index])
                return words
            """,
            "skip every padding row",
        ),
        Mistake(
            "indices instead of words",
            """
            def decode(one_hot_matrix, vocabulary):
                return [int(index) for index in np.argmax(one_hot_matrix, axis=1) if index != 0]
            """,
            "return the words themselves",
        ),
        Mistake(
            "argmax over the wrong axis",
            """
            def decode(one_hot_matrix, vocabulary):
                return [vocabulary[index] for index in np.argmax(one_hot_matrix, axis=0) if index != 0]
            """,
            "argmax of each row (axis=1)",
        ),
        Mistake(
            "[UNK] rows dropped too",
            """
            def decode(one_hot_matrix, vocabulary):
                return [vocabulary[index] for index in np.argmax(one_hot_matrix, axis=1) if index > 1]
            """,
            "keep the '[UNK]' rows",
        ),
    ],
    "q5": [
        Mistake(
            "Dense without its bias",
            """
            def count_parameters(vocab_size, embedding_dim, units):
                return vocab_size * embedding_dim + embedding_dim * units
            """,
            "one bias per unit",
        ),
        Mistake(
            "Dense on one-hot vectors",
            """
            def count_parameters(vocab_size, embedding_dim, units):
                return (vocab_size + 1) * units
            """,
            "Dense layer on one-hot vectors",
        ),
        Mistake(
            "a bias for the Embedding",
            """
            def count_parameters(vocab_size, embedding_dim, units):
                return (vocab_size + 1) * embedding_dim + (embedding_dim + 1) * units
            """,
            "it has no bias",
        ),
        Mistake(
            "built the model and counted",
            """
            def count_parameters(vocab_size, embedding_dim, units):
                model = keras.Sequential([
                    keras.Input(shape=(None,), dtype="int64"),
                    keras.layers.Embedding(vocab_size, embedding_dim),
                    keras.layers.Dense(units),
                ])
                return model.count_params()
            """,
            "from the sizes",
        ),
    ],
}

VARIANTS = {
    "q1": [
        Variant(
            "dict counting and a two-key sort",
            """
            def build_vocabulary(sentences, max_tokens=None):
                counts = {}
                for sentence in sentences:
                    for word in sentence.lower().split():
                        counts[word] = counts.get(word, 0) + 1
                ordered = sorted(sorted(counts, reverse=True), key=lambda w: counts[w], reverse=True)
                result = ["", "[UNK]"] + ordered
                if max_tokens:
                    result = result[:max_tokens]
                return result
            """,
        )
    ],
    "q2": [
        Variant(
            "a loop and np.zeros",
            """
            def encode(sentence, vocabulary, length=None):
                words = sentence.lower().split()
                size = len(words) if length is None else length
                out = np.zeros(size, dtype="int64")
                for t, word in enumerate(words[:size]):
                    out[t] = vocabulary.index(word) if word in vocabulary else 1
                return out
            """,
        )
    ],
    "q3": [
        Variant(
            "zeros and fancy indexing",
            """
            def one_hot(indices, depth):
                out = np.zeros((len(indices), depth), "float32")
                out[np.arange(len(indices)), indices] = 1
                return out
            """,
        )
    ],
    "q4": [
        Variant(
            "a loop over rows",
            """
            def decode(one_hot_matrix, vocabulary):
                words = []
                for row in one_hot_matrix:
                    position = int(row.argmax())
                    if position:
                        words.append(vocabulary[position])
                return words
            """,
        )
    ],
    "q5": [
        Variant(
            "layer by layer",
            """
            def count_parameters(vocab_size, embedding_dim, units):
                embedding = vocab_size * embedding_dim
                dense = embedding_dim * units + units
                return embedding + dense
            """,
        )
    ],
}
