"""Common mistakes of lab 08, sentiment (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

_BAGS = '''
def multi_hot(texts, vocabulary):
    column = {{word: j for j, word in enumerate(vocabulary)}}
    bags = np.zeros((len(texts), len(vocabulary)), dtype={dtype})
    for i, text in enumerate(texts):
        words = {words}
        for word in words:
            if word in column:
                bags[i, column[word]] {update}
    return bags
'''
_BAGS_RIGHT = {
    "dtype": "np.float32",
    "words": 'text.lower().translate(str.maketrans("", "", string.punctuation)).split()',
    "update": "= 1.0",
}


def _bags(**wrong):
    return _BAGS.format(**(_BAGS_RIGHT | wrong))


def _model(*, recurrent="{'GRU': keras.layers.GRU, 'LSTM': keras.layers.LSTM}[cell](units)",
           embedding="mask_zero=True", last='keras.layers.Dense(1, activation="sigmoid")', compile_it=False):
    tail = "\n    model.compile(optimizer='adam', loss='binary_crossentropy')" if compile_it else ""
    return f'''
def build_sentiment_model(vocabulary_size, embedding_dim, units, cell):
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(vocabulary_size, embedding_dim, {embedding}),
        {recurrent},
        {last},
    ]){tail}
    return model
'''


_COUNT = '''
def count_parameters(vocabulary_size, embedding_dim, units, cell):
    if cell == "GRU":
        recurrent = {gru}
    else:
        recurrent = 4 * units * (units + embedding_dim + 1)
    return {total}
'''


def _count(gru="3 * units * (units + embedding_dim + 2)",
           total="vocabulary_size * embedding_dim + recurrent + units + 1"):
    return _COUNT.format(gru=gru, total=total)


def _topics(*, last='keras.layers.Dense(classes, activation="softmax")',
            loss='"sparse_categorical_crossentropy"', embedding="mask_zero=True", compile_it=True):
    tail = f"\n    model.compile(optimizer=\"adam\", loss={loss}, metrics=[\"accuracy\"])" if compile_it else ""
    return f'''
def build_topics_model(vocabulary_size, embedding_dim, units, classes):
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(vocabulary_size, embedding_dim, {embedding}),
        keras.layers.GRU(units),
        {last},
    ]){tail}
    return model
'''


MISTAKES = {
    "q1": [
        Mistake("counts, not presence", _bags(update="+= 1.0"), "1.0 however often"),
        Mistake("not lower-cased", _bags(words='text.translate(str.maketrans("", "", string.punctuation)).split()'),
                "lower-case each text first"),
        Mistake("punctuation kept", _bags(words="text.lower().split()"), "remove punctuation"),
        Mistake("float64", _bags(dtype="np.float64"), "float32"),
        Mistake("int bags", _bags(dtype="np.int64"), "float32"),
    ],
    "q2": [
        Mistake("accuracy per review", """
            def pair_accuracy(labels, probabilities):
                return float(np.mean((np.asarray(probabilities) > 0.5) == np.asarray(labels)))
            """, "that is the accuracy per review"),
        Mistake("overlapping pairs", """
            def pair_accuracy(labels, probabilities):
                right = (np.asarray(probabilities) > 0.5) == np.asarray(labels)
                return float(np.mean(right[:-1] & right[1:]))
            """, "pairs do not overlap"),
        Mistake(">= 0.5", """
            def pair_accuracy(labels, probabilities):
                right = (np.asarray(probabilities) >= 0.5) == np.asarray(labels)
                return float(np.mean(right[0::2] & right[1::2]))
            """, "above 0.5"),
        Mistake("either review right", """
            def pair_accuracy(labels, probabilities):
                right = (np.asarray(probabilities) > 0.5) == np.asarray(labels)
                return float(np.mean(right[0::2] | right[1::2]))
            """, "not either of them"),
    ],
    "q3": [
        Mistake("no mask", _model(embedding="mask_zero=False"), "mask_zero=True"),
        Mistake("every step", _model(recurrent="{'GRU': keras.layers.GRU, 'LSTM': keras.layers.LSTM}[cell](units, return_sequences=True)"),
                "leave return_sequences at False"),
        Mistake("softmax over one unit", _model(last='keras.layers.Dense(1, activation="softmax")'),
                "activation='sigmoid'"),
        Mistake("always a GRU", _model(recurrent="keras.layers.GRU(units)"), "exactly these layers"),
        Mistake("compiled", _model(compile_it=True), "not compiled"),
        Mistake("go_backwards", _model(recurrent="{'GRU': keras.layers.GRU, 'LSTM': keras.layers.LSTM}[cell](units, go_backwards=True)"),
                "go_backwards"),
        Mistake("two softmax units", _model(last='keras.layers.Dense(2, activation="softmax")'),
                "one unit"),
    ],
    "q4": [
        Mistake("GRU with one bias", _count(gru="3 * units * (units + embedding_dim + 1)"),
                "reset_after=True and two bias vectors"),
        Mistake("embedding left out", _count(total="recurrent + units + 1"),
                "the Embedding's table counts too"),
        Mistake("Dense left out", _count(total="vocabulary_size * embedding_dim + recurrent"),
                "the Dense layer on top"),
        Mistake("LSTM count for both", _count(gru="4 * units * (units + embedding_dim + 1)"),
                "check which cell you count"),
        Mistake("built the model", """
            def count_parameters(vocabulary_size, embedding_dim, units, cell):
                layer = {"GRU": keras.layers.GRU, "LSTM": keras.layers.LSTM}[cell]
                model = keras.Sequential([keras.Input(shape=(None,), dtype="int64"),
                                          keras.layers.Embedding(vocabulary_size, embedding_dim),
                                          layer(units), keras.layers.Dense(1)])
                return model.count_params()
            """, "from the sizes"),
    ],
    "q5": [
        Mistake("one sigmoid unit", _topics(last='keras.layers.Dense(1, activation="sigmoid")',
                                            loss='"binary_crossentropy"'),
                "a single unit answers two classes"),
        Mistake("four classes always", _topics(last='keras.layers.Dense(4, activation="softmax")'),
                "not a fixed number"),
        Mistake("no softmax", _topics(last="keras.layers.Dense(classes)"), "activation='softmax'"),
        Mistake("one-hot loss", _topics(loss='"categorical_crossentropy"'), "expects one-hot rows"),
        Mistake("binary loss on a softmax", _topics(loss='"binary_crossentropy"'),
                "scores one probability per example"),
        Mistake("from_logits on probabilities",
                _topics(loss="keras.losses.SparseCategoricalCrossentropy(from_logits=True)"),
                "leave from_logits at False"),
        Mistake("not compiled", _topics(compile_it=False), "compile the model before returning it"),
        Mistake("no mask", _topics(embedding="mask_zero=False"), "mask_zero=True"),
    ],
}

VARIANTS = {
    "q1": [Variant("sets and a comprehension", """
        def multi_hot(texts, vocabulary):
            table = str.maketrans({c: None for c in string.punctuation})
            rows = []
            for text in texts:
                words = set(text.lower().translate(table).split())
                rows.append([1.0 if w in words else 0.0 for w in vocabulary])
            return np.array(rows, dtype="float32").reshape(len(texts), len(vocabulary))
        """)],
    "q2": [Variant("reshape into pairs", """
        def pair_accuracy(labels, probabilities):
            predicted = (np.asarray(probabilities) > 0.5).astype(int)
            both = (predicted == np.asarray(labels)).reshape(-1, 2).all(axis=1)
            return float(both.mean())
        """)],
    "q3": [Variant("functional with getattr", """
        def build_sentiment_model(vocabulary_size, embedding_dim, units, cell):
            ids = keras.Input(shape=(None,), dtype="int64")
            x = keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True)(ids)
            x = getattr(keras.layers, cell)(units)(x)
            return keras.Model(ids, keras.layers.Dense(1, activation="sigmoid")(x))
        """)],
    "q4": [Variant("by layer", """
        def count_parameters(vocabulary_size, embedding_dim, units, cell):
            blocks, biases = (3, 2) if cell == "GRU" else (4, 1)
            embedding = vocabulary_size * embedding_dim
            recurrent = blocks * (embedding_dim * units + units * units + biases * units)
            return embedding + recurrent + units + 1
        """)],
    "q5": [Variant("functional, with a Loss object", """
        def build_topics_model(vocabulary_size, embedding_dim, units, classes):
            ids = keras.Input(shape=(None,), dtype="int64")
            x = keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True)(ids)
            x = keras.layers.GRU(units)(x)
            model = keras.Model(ids, keras.layers.Dense(classes, activation="softmax")(x))
            model.compile(optimizer=keras.optimizers.Adam(3e-3),
                          loss=keras.losses.SparseCategoricalCrossentropy())
            return model
        """), Variant("the loss by its class name", """
        def build_topics_model(vocabulary_size, embedding_dim, units, classes):
            model = keras.Sequential([
                keras.Input(shape=(None,), dtype="int64"),
                keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True),
                keras.layers.GRU(units),
                keras.layers.Dense(classes, activation="softmax"),
            ])
            model.compile(optimizer="rmsprop", loss="SparseCategoricalCrossentropy")
            return model
        """)],
}
