"""Can lessons 07 and 08 reach their marks on the generated corpora, on a laptop CPU, fast?

Trains the small models those lessons use and prints, after every epoch, the seconds
spent training so far and the figures the lessons assert:

- sentiment (08): TextVectorization -> Embedding(mask_zero=True) -> GRU or LSTM -> sigmoid,
  accuracy on ``test`` and on ``order`` (mark: >= 0.95 on order), next to a bag-of-words
  baseline (multi-hot -> Dense), which cannot beat 0.5 on order.
- species (07): Embedding(mask_zero=True) -> LSTM or Bidirectional(LSTM) -> per-token
  softmax; entity F1 on ``test`` (mark: >= 0.90 bidirectional), and on the
  ``right_context`` sentences the accuracy of the tag of the ambiguous genus and the share
  of sentences tagged exactly right.

    TF_CPP_MIN_LOG_LEVEL=3 python benchmarks/corpora_learnability.py [--epochs N]

Not a test: it takes a few minutes.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from seqlab.datasets import load_sentiment, load_species, load_species_gazetteer  # noqa: E402

TAGS = ("O", "B-SPECIES", "I-SPECIES")


def train_and_report(model, train, evaluate, epochs: int, batch_size: int) -> None:
    """Fit one epoch at a time; print the training seconds so far and ``evaluate(model)``."""
    seconds = 0.0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.fit(*train, batch_size=batch_size, epochs=1, verbose=0)
        seconds += time.perf_counter() - start
        figures = "  ".join(f"{name} {value:.3f}" for name, value in evaluate(model).items())
        print(f"  epoch {epoch:2d}  {seconds:6.1f} s  {figures}", flush=True)


# --- sentiment ---


def sentiment_models(vocabulary_size: int, bag_size: int) -> dict[str, keras.Model]:
    """Two recurrent models on word ids, and a bag-of-words baseline on multi-hot vectors."""
    models = {}
    for name, recurrent in [("GRU(32)", keras.layers.GRU(32)), ("LSTM(32)", keras.layers.LSTM(32))]:
        models[name] = keras.Sequential(
            [
                keras.Input(shape=(None,), dtype="int64"),
                keras.layers.Embedding(vocabulary_size, 32, mask_zero=True),
                recurrent,
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
    models["bag of words"] = keras.Sequential(
        [
            keras.Input(shape=(bag_size,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    return models


def sentiment(epochs: int) -> None:
    (x_train, y_train), (x_test, y_test) = load_sentiment()
    x_order, y_order = load_sentiment("order")
    vectorize = keras.layers.TextVectorization()
    vectorize.adapt(x_train)
    multi_hot = keras.layers.TextVectorization(
        output_mode="multi_hot", vocabulary=vectorize.get_vocabulary()[2:]
    )
    print(f"sentiment: vocabulary {vectorize.vocabulary_size()} (with padding and OOV)")
    models = sentiment_models(vectorize.vocabulary_size(), multi_hot.vocabulary_size())
    for name, model in models.items():
        encode = multi_hot if name == "bag of words" else vectorize
        x = {
            split: np.asarray(encode(texts))
            for split, texts in [("train", x_train), ("test", x_test), ("order", x_order)]
        }
        model.compile(
            optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy", metrics=["accuracy"]
        )

        def evaluate(model, x=x):
            return {
                "test": model.evaluate(x["test"], y_test, verbose=0)[1],
                "order": model.evaluate(x["order"], y_order, verbose=0)[1],
            }

        print(f"{name}: {model.count_params():,} parameters")
        train_and_report(model, (x["train"], y_train), evaluate, epochs, batch_size=64)


# --- species ---


def entity_spans(tags) -> set[tuple[int, int]]:
    """Exact (start, end) spans of B-SPECIES I-SPECIES* runs."""
    spans, start = set(), None
    for position, tag in enumerate([*tags, "O"]):
        if tag != "I-SPECIES" and start is not None:
            spans.add((start, position))
            start = None
        if tag == "B-SPECIES":
            start = position
    return spans


def entity_f1(true_tags, predicted_tags) -> float:
    found = expected = correct = 0
    for truth, prediction in zip(true_tags, predicted_tags, strict=True):
        true_spans, predicted_spans = entity_spans(truth), entity_spans(prediction)
        found += len(predicted_spans)
        expected += len(true_spans)
        correct += len(true_spans & predicted_spans)
    precision, recall = correct / max(found, 1), correct / max(expected, 1)
    return 2 * precision * recall / max(precision + recall, 1e-12)


def species(epochs: int) -> None:
    train_tokens, train_tags = load_species("train")
    test_tokens, test_tags, test_kinds = load_species("test", with_kinds=True)
    gazetteer = load_species_gazetteer()
    held_out = set(
        gazetteer.loc[gazetteer.held_out, ["genus", "epithet"]].itertuples(index=False, name=None)
    )
    unseen = [  # (sentence, span) of each mention of a species never seen in training
        (i, (start, end))
        for i, (tokens, tags) in enumerate(zip(test_tokens, test_tags, strict=True))
        for start, end in entity_spans(tags)
        if tuple(tokens[start:end]) in held_out
    ]
    length = max(map(len, train_tokens + test_tokens))
    lookup = keras.layers.StringLookup(mask_token="")  # 0 padding, 1 out of vocabulary
    lookup.adapt([token for sentence in train_tokens for token in sentence])

    def ids(sentences):
        padded = [sentence + [""] * (length - len(sentence)) for sentence in sentences]
        return np.asarray(lookup(np.array(padded)))

    def tag_ids(tags):
        return np.array([[TAGS.index(t) for t in s] + [0] * (length - len(s)) for s in tags])

    x_train, y_train, x_test = ids(train_tokens), tag_ids(train_tags), ids(test_tokens)
    right_context = [i for i, kind in enumerate(test_kinds) if kind == "right_context"]
    print(
        f"species: vocabulary {lookup.vocabulary_size()}, {len(test_tokens)} test sentences, "
        f"{len(right_context)} right_context, {len(unseen)} mentions of unseen species"
    )

    def evaluate(model):
        best = model.predict(x_test, verbose=0).argmax(-1)
        predicted = [
            [TAGS[j] for j in row[: len(s)]] for row, s in zip(best, test_tags, strict=True)
        ]
        return {
            "entity F1": entity_f1(test_tags, predicted),
            "right_context genus": np.mean([predicted[i][0] == "O" for i in right_context]),
            "right_context exact": np.mean([predicted[i] == test_tags[i] for i in right_context]),
            "unseen species recall": np.mean(
                [span in entity_spans(predicted[i]) for i, span in unseen]
            ),
        }

    for name, recurrent in [
        ("LSTM(64)", keras.layers.LSTM(64, return_sequences=True)),
        (
            "Bidirectional(LSTM(32))",
            keras.layers.Bidirectional(keras.layers.LSTM(32, return_sequences=True)),
        ),
    ]:
        model = keras.Sequential(
            [
                keras.Input(shape=(length,), dtype="int64"),
                keras.layers.Embedding(lookup.vocabulary_size(), 32, mask_zero=True),
                recurrent,
                keras.layers.Dense(len(TAGS), activation="softmax"),
            ]
        )
        model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
        print(f"{name}: {model.count_params():,} parameters")
        train_and_report(model, (x_train, y_train), evaluate, epochs, batch_size=32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=6)
    epochs = parser.parse_args().epochs
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Keras {keras.__version__} ({keras.backend.backend()})"
    )
    keras.utils.set_random_seed(0)
    sentiment(epochs)
    keras.utils.set_random_seed(0)
    species(epochs)


if __name__ == "__main__":
    main()
