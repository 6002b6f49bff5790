"""The generated corpora: reproducible byte for byte, as large as promised, and built so
that their lesson's point can be measured (word order for sentiment, context for species)."""

import os
import re
import shutil
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from seqlab.datasets import (
    DataFileError,
    _files,
    info,
    load_sentiment,
    load_species,
    load_species_gazetteer,
)
from seqlab.datasets.generate import shipped_names
from seqlab.datasets.generators.gazetteer import GAZETTEER
from seqlab.datasets.generators.sentiment import NEGATORS, POLARITY
from seqlab.datasets.generators.species import AMBIGUOUS_GENERA

GENERATED = [
    "sentiment/order.tsv",
    "sentiment/test.tsv",
    "sentiment/train.tsv",
    "species/gazetteer.tsv",
    "species/test.conll",
    "species/train.conll",
    "species/val.conll",
    "topics/test.tsv",
    "topics/train.tsv",
]
GENERA = {species.genus for species in GAZETTEER}


def words(text):
    return re.findall(r"[a-z]+", text)


def test_regenerating_gives_the_committed_files_byte_for_byte(tmp_path):
    env = {**os.environ, "PYTHONHASHSEED": "4321"}  # the output must not depend on hashing
    command = [sys.executable, "-m", "seqlab.datasets.generate", "--out", str(tmp_path)]
    subprocess.run(command, check=True, env=env, capture_output=True)
    committed = _files.data_dir()
    assert shipped_names(tmp_path) == GENERATED
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name
    regenerated = _files.read_manifest(tmp_path)
    assert regenerated.items() <= _files.read_manifest(committed).items()


def test_the_data_folder_stays_small():
    sizes = [(_files.data_dir() / name).stat().st_size for name in GENERATED]
    assert sum(sizes) < 3_000_000


# --- sentiment ---


def test_sentiment_splits_have_the_promised_sizes_types_and_balance():
    (x_train, y_train), (x_test, y_test) = load_sentiment()
    x_order, y_order = load_sentiment("order")
    assert len(x_train) >= 10_000 and len(x_test) >= 2_000 and len(x_order) >= 1_000
    for x, y in [(x_train, y_train), (x_test, y_test), (x_order, y_order)]:
        assert x.shape == y.shape and x.dtype.kind == "U" and y.dtype == np.int64
        assert set(np.unique(y)) == {0, 1}
        assert 0.45 <= y.mean() <= 0.55
    vocabulary = {word for text in x_train for word in words(text)}
    assert len(vocabulary) >= 300
    every_review = [*x_train, *x_test, *x_order]
    assert len(set(every_review)) == len(every_review), "a review occurs twice"


def test_order_pairs_have_the_same_words_and_opposite_labels():
    x, y = load_sentiment("order")
    assert len(x) % 2 == 0
    for first, second, label, twin_label in zip(x[::2], x[1::2], y[::2], y[1::2], strict=True):
        tokens = [re.findall(r"\w+|[^\w\s]", text) for text in (first, second)]
        assert Counter(tokens[0]) == Counter(tokens[1]), (first, second)
        assert first != second and label != twin_label, (first, second)


def documented_label(text):
    """The label rule of the dataset card, applied to the text of a review."""
    tokens = words(text)
    polarities, clause_start = [], 0
    for position, word in enumerate(tokens):
        if word in POLARITY:
            negated = any(token in NEGATORS for token in tokens[clause_start:position])
            polarities.append(-POLARITY[word] if negated else POLARITY[word])
            clause_start = position + 1
    assert len(polarities) in (1, 2), text
    if len(polarities) == 1:
        main = polarities[0]
    elif {"but", "yet", "however"} & set(tokens):
        main = polarities[1]
    elif {"although", "though", "while"} & set(tokens):
        concession = min(tokens.index(w) for w in ("although", "though", "while") if w in tokens)
        first_adjective = next(i for i, word in enumerate(tokens) if word in POLARITY)
        main = polarities[1] if concession < first_adjective else polarities[0]
    else:
        assert polarities[0] == polarities[1], f"clauses joined by 'and' disagree: {text}"
        main = polarities[0]
    return 1 if main > 0 else 0


@pytest.mark.parametrize("split", ["train", "test", "order"])
def test_every_label_follows_the_documented_rule(split):
    x, y = load_sentiment(split)
    assert [documented_label(text) for text in x] == y.tolist()


def test_order_reviews_use_adjectives_never_seen_in_a_two_clause_training_review():
    (x_train, _), (x_test, _) = load_sentiment()
    x_order, _ = load_sentiment("order")

    def adjectives(text):
        return [word for word in words(text) if word in POLARITY]

    in_two_clauses = {
        a for text in [*x_train, *x_test] if len(found := adjectives(text)) == 2 for a in found
    }
    in_simple_training = {
        a for text in x_train if len(found := adjectives(text)) == 1 for a in found
    }
    in_order = {a for text in x_order for a in adjectives(text)}
    assert in_order.isdisjoint(in_two_clauses)
    assert in_order <= in_simple_training, "the polarity of every order adjective can be learnt"


def multi_hot(texts, vocabulary):
    index = {word: i for i, word in enumerate(vocabulary)}
    rows = np.zeros((len(texts), len(vocabulary) + 1))
    rows[:, -1] = 1.0  # bias
    for row, text in zip(rows, texts, strict=True):
        row[[index[word] for word in words(text) if word in index]] = 1.0
    return rows


def test_bag_of_words_does_well_on_test_and_exactly_chance_on_order():
    (x_train, y_train), (x_test, y_test) = load_sentiment()
    x_order, y_order = load_sentiment("order")
    vocabulary = sorted({word for text in x_train for word in words(text)})
    features = multi_hot(x_train, vocabulary)
    # A linear classifier: ridge regression on the multi-hot vectors, targets -1 / +1.
    gram = features.T @ features + np.eye(features.shape[1])
    weights = np.linalg.solve(gram, features.T @ (2.0 * y_train - 1.0))
    predict = lambda texts: (multi_hot(texts, vocabulary) @ weights > 0).astype(int)  # noqa: E731
    assert (predict(x_train) == y_train).mean() >= 0.75
    assert (predict(x_test) == y_test).mean() >= 0.75
    order_predictions = predict(x_order)
    assert (order_predictions[::2] == order_predictions[1::2]).all()
    assert (order_predictions == y_order).mean() == 0.5


# --- species ---


def mentions(tokens, tags):
    """The (genus, epithet) pairs tagged as species in one sentence."""
    return [
        (tokens[i], tokens[i + 1])
        for i, tag in enumerate(tags)
        if tag == "B-SPECIES" and i + 1 < len(tags) and tags[i + 1] == "I-SPECIES"
    ]


@pytest.fixture(scope="module")
def species_splits():
    return dict(zip(["train", "val", "test"], load_species(with_kinds=True), strict=True))


def test_species_splits_have_the_promised_sizes(species_splits):
    sizes = {split: len(tokens) for split, (tokens, _, _) in species_splits.items()}
    assert sizes["train"] >= 5_000 and sizes["val"] >= 1_000 and sizes["test"] >= 1_000
    for tokens, tags, kinds in species_splits.values():
        assert len(tags) == len(kinds) == len(tokens)
        assert all(len(t) == len(g) for t, g in zip(tokens, tags, strict=True))
        assert set(kinds) == {"plain", "left_context", "right_context"}


def test_one_split_and_the_kinds_come_back_alone():
    tokens, tags = load_species("val")
    with_kinds = load_species("val", with_kinds=True)
    assert with_kinds[:2] == (tokens, tags) and len(with_kinds[2]) == len(tokens)


def test_bio_tags_are_well_formed_and_every_mention_is_a_gazetteer_species(species_splits):
    binomials = {(species.genus, species.epithet) for species in GAZETTEER}
    for tokens, tags, _ in species_splits.values():
        for sentence, sentence_tags in zip(tokens, tags, strict=True):
            assert set(sentence_tags) <= {"O", "B-SPECIES", "I-SPECIES"}
            for previous, tag in zip(["O", *sentence_tags], sentence_tags, strict=False):
                assert tag != "I-SPECIES" or previous != "O", sentence
            found = mentions(sentence, sentence_tags)
            assert len(found) == sentence_tags.count("B-SPECIES")
            assert len(found) == sentence_tags.count("I-SPECIES")
            assert set(found) <= binomials, sentence


def test_distractors_are_genera_tagged_o_and_only_in_distractor_sentences(species_splits):
    for tokens, tags, kinds in species_splits.values():
        shares = Counter(kinds)
        assert 0.15 <= (shares["left_context"] + shares["right_context"]) / len(kinds) <= 0.25
        for sentence, sentence_tags, kind in zip(tokens, tags, kinds, strict=True):
            as_names = [
                i
                for i, (token, tag) in enumerate(zip(sentence, sentence_tags, strict=True))
                if token in GENERA and tag == "O"
            ]
            if kind == "plain":
                assert as_names == [], sentence
            else:
                assert len(as_names) == 1, sentence
            if kind == "right_context":
                # Nothing before it; the capitalised word after it decides.
                assert as_names == [0] and sentence[1][0].isupper(), sentence
            if kind == "left_context":
                assert as_names[0] > 0 and sentence[as_names[0] + 1].islower(), sentence


def test_a_genus_opening_a_sentence_is_more_often_a_species_than_a_name(species_splits):
    for tokens, tags, kinds in species_splits.values():
        as_name = Counter(
            t[0] for t, kind in zip(tokens, kinds, strict=True) if kind == "right_context"
        )
        as_species = Counter(t[0] for t, g in zip(tokens, tags, strict=True) if g[0] == "B-SPECIES")
        assert as_name, "every split has right_context sentences"
        for genus, count in as_name.items():
            assert as_species[genus] >= 2 * count, genus


def test_some_species_are_held_out_of_training(species_splits):
    gazetteer = load_species_gazetteer()
    assert len(gazetteer) == len(GAZETTEER) >= 200
    assert not gazetteer.duplicated(["genus", "epithet"]).any()
    assert gazetteer["genus"].str.fullmatch(r"[A-Z][a-z]+").all()
    assert gazetteer["epithet"].str.fullmatch(r"[a-z]+").all()
    assert (gazetteer["common_name"].str.len() > 0).all()
    held_out = set(
        gazetteer.loc[gazetteer["held_out"], ["genus", "epithet"]].itertuples(
            index=False, name=None
        )
    )
    assert 0.12 <= len(held_out) / len(gazetteer) <= 0.18
    assert not {genus for genus, _ in held_out} & set(AMBIGUOUS_GENERA)

    def named(split):
        tokens, tags, _ = species_splits[split]
        return [m for t, g in zip(tokens, tags, strict=True) for m in mentions(t, g)]

    assert not held_out & set(named("train"))
    for split in ("val", "test"):
        unseen = sum(mention in held_out for mention in named(split)) / len(named(split))
        assert 0.08 <= unseen <= 0.25, split


# --- the registry and errors ---


def test_both_corpora_have_a_card():
    for name in ("sentiment", "species"):
        card = info(name)
        assert card.origin == "generated" and "MIT" in card.license


@pytest.mark.parametrize(
    ("load", "valid"),
    [(load_sentiment, "'train', 'test', 'order'"), (load_species, "'train', 'val', 'test'")],
)
def test_an_unknown_split_lists_the_valid_ones(load, valid):
    with pytest.raises(ValueError, match=f"Unknown split 'dev'. Valid splits are: {valid}"):
        load("dev")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    copy = tmp_path / "datasets"
    shutil.copytree(_files.data_dir(), copy)
    monkeypatch.setattr(_files, "data_dir", lambda: copy)
    return copy


def test_a_corrupted_file_is_named_with_how_to_restore_it(data_copy):
    path = data_copy / "sentiment" / "test.tsv"
    path.write_bytes(path.read_bytes().replace(b"\n0\t", b"\n1\t", 1))  # one label flipped
    with pytest.raises(DataFileError, match=r"sentiment/test\.tsv is corrupted.*regenerate"):
        load_sentiment()
    load_sentiment("order")  # the other files still load


def test_a_missing_file_is_named_with_how_to_restore_it(data_copy):
    (data_copy / "species" / "val.conll").unlink()
    with pytest.raises(DataFileError, match=r"species/val\.conll is missing.*git checkout"):
        load_species()
    assert len(load_species("train")[0]) >= 5_000
