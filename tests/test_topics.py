"""The topics corpus: reproducible, four balanced classes, and twins that only word order
tells apart (so a bag of words scores at most 0.5 on them)."""

from collections import Counter

import numpy as np
import pytest

from seqlab.datasets import TOPICS, _files, info, load_labelled_sentences, load_topics
from seqlab.datasets.generators import topics


def bag(text):
    return Counter(text.replace(",", "").split())


def test_generator_gives_the_shipped_files_byte_for_byte():
    for split, reports in topics.generate().items():
        shipped = (_files.data_dir() / "topics" / f"{split}.tsv").read_bytes()
        assert topics.to_tsv(reports).encode("utf-8") == shipped, split


def test_loader_returns_texts_and_class_indices_of_the_four_sports():
    (x_train, y_train), (x_test, y_test) = load_topics()
    assert x_train.shape == y_train.shape == (8_000,) and x_test.shape == (2_000,)
    assert y_train.dtype == np.int64 and TOPICS == topics.CLASSES
    for y in (y_train, y_test):
        shares = np.bincount(y, minlength=4) / len(y)
        assert shares.min() > 0.22 and shares.max() < 0.28, shares
    assert not set(x_train) & set(x_test)
    x, y = load_topics("test")
    assert np.array_equal(x, x_test) and np.array_equal(y, y_test)
    with pytest.raises(ValueError, match="Valid splits are: 'train', 'test'"):
        load_topics("val")


def test_the_shipped_file_reads_with_the_general_reader():
    path = _files.shipped_file("topics/train.tsv")
    texts, labels, classes = load_labelled_sentences(path)
    assert sorted(classes) == sorted(TOPICS) and len(texts) == 8_000
    x, y = load_topics("train")
    assert [classes[i] for i in labels] == [TOPICS[i] for i in y]


def test_every_test_side_clause_report_has_a_twin_with_the_same_words_and_another_label():
    reports = topics.generate()["test"]
    sided = [i for i, report in enumerate(reports) if report.side]
    assert 0.3 < len(sided) / len(reports) < 0.5
    pairs = list(zip(sided[0::2], sided[1::2], strict=True))
    for i, j in pairs:
        first, second = reports[i], reports[j]
        assert j == i + 1 and bag(first.text) == bag(second.text), (first, second)
        assert first.label == second.side and second.label == first.side != first.label


def test_main_clause_decides_the_label():
    """The label's sport supplies the main clause: its player follows the opening clause's
    comma, or opens the report."""
    players = {sport.name: sport.players for sport in topics.SPORTS}
    for report in topics.generate()["train"]:
        text = report.text
        if report.side and text.split()[0] in topics.OPENING_CONNECTIVES:
            main = text.split(", ", 1)[1]
        elif report.side:
            main = text
        else:
            continue
        assert any(main.startswith(f"the {player} ") for player in players[report.label]), report


def test_card_names_the_loader_and_the_classes():
    card = info("topics")
    assert card.loader == "load_topics(split=None)" and "four" in card.used_in
    assert "0 football, 1 basketball, 2 tennis, 3 cycling" in card.fields["y"]
