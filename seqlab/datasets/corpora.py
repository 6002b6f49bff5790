"""Loaders of the generated corpora that ship in ``datasets/``: sentiment and species.

The files are made by ``python -m seqlab.datasets.generate`` (see
``seqlab.datasets.generators``) and checked against the manifest before they are read.
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd

from seqlab.datasets._files import shipped_file
from seqlab.datasets._registry import DatasetInfo, check_choice, register
from seqlab.datasets.conll import load_conll

SENTIMENT_SPLITS = ("train", "test", "order")
SPECIES_SPLITS = ("train", "val", "test")
KIND_COMMENT = "# kind = "

Reviews = tuple[np.ndarray, np.ndarray]


def load_sentiment(split: str | None = None) -> tuple[Reviews, Reviews] | Reviews:
    """One-sentence reviews labelled positive or negative, where word order decides.

    The label rule (negation, ``but``, ``although``, corrections) is in the dataset card,
    ``info("sentiment")``, and in ``seqlab.datasets.generators.sentiment``.

    Args:
        split: ``None`` for train and test, or one of ``"train"`` (12,000 reviews),
            ``"test"`` (3,000) and ``"order"`` (2,000): reviews ``2 i`` and ``2 i + 1``
            are made of the same words and have opposite labels, so a bag-of-words
            model scores exactly 0.5 on it.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``, or ``(x, y)`` for one split: ``x`` a
        NumPy array of str, shape ``(n,)``, lower-case words with their commas;
        ``y`` int64, shape ``(n,)``, 1 positive and 0 negative.

    Raises:
        ValueError: an unknown ``split``; the message lists the valid ones.
        DataFileError: a data file is missing or corrupted; the message says how to restore it.
    """
    if split is None:
        return _reviews("train"), _reviews("test")
    return _reviews(check_choice(split, SENTIMENT_SPLITS))


def _reviews(split: str) -> Reviews:
    table = pd.read_csv(
        shipped_file(f"sentiment/{split}.tsv"),
        sep="\t",
        dtype={"label": "int64", "text": str},
        keep_default_na=False,
        quoting=csv.QUOTE_NONE,
        encoding="utf-8",
    )
    return table["text"].to_numpy(dtype=str), table["label"].to_numpy(dtype=np.int64)


def load_species(split: str | None = None, with_kinds: bool = False):
    """Sentences that name species by their scientific names, tagged per token in BIO.

    Tags are ``B-SPECIES`` (genus), ``I-SPECIES`` (epithet) and ``O``. A sentence's kind
    says whether it holds a distractor, a genus used as the name of something else:
    ``"plain"`` (none), ``"left_context"`` (the words before it decide: "The ship
    Panthera left ...") or ``"right_context"`` (only the word after it decides:
    "Panthera Corporation announced ..."). Some species occur only in val and test.

    Args:
        split: ``None`` for all three, or one of ``"train"`` (5,000 sentences),
            ``"val"`` (1,000) and ``"test"`` (1,500).
        with_kinds: also return each sentence's kind.

    Returns:
        ``(train, val, test)``, or one split. A split is ``(tokens, tags)``: two lists of
        lists of str, one inner list per sentence, ``len(tokens[i]) == len(tags[i])``;
        with ``with_kinds=True``, ``(tokens, tags, kinds)`` with ``kinds`` a list of str.

    Raises:
        ValueError: an unknown ``split``; the message lists the valid ones.
        DataFileError: a data file is missing or corrupted; the message says how to restore it.
    """
    if split is None:
        return tuple(_sentences(name, with_kinds) for name in SPECIES_SPLITS)
    return _sentences(check_choice(split, SPECIES_SPLITS), with_kinds)


def _sentences(split: str, with_kinds: bool):
    path = shipped_file(f"species/{split}.conll")
    tokens, tags = load_conll(path, comment="# ")
    if not with_kinds:
        return tokens, tags
    with open(path, encoding="utf-8") as lines:
        comments = [line for line in lines if line.startswith(KIND_COMMENT)]
    kinds = [comment[len(KIND_COMMENT) :].strip() for comment in comments]
    return tokens, tags, kinds


def load_species_gazetteer() -> pd.DataFrame:
    """The species the corpus names, one row each.

    Returns:
        A DataFrame with columns ``genus``, ``epithet``, ``common_name`` (English) and
        ``group`` (``"mammal"``, ``"bird"``, ``"plant"``...), all str, and ``held_out``
        (bool: the species never occurs in train, only in val and test).
    """
    return pd.read_csv(
        shipped_file("species/gazetteer.tsv"),
        sep="\t",
        dtype={"genus": str, "epithet": str, "common_name": str, "group": str, "held_out": bool},
        keep_default_na=False,
        encoding="utf-8",
    )


register(
    DatasetInfo(
        name="sentiment",
        title="One-sentence product and film reviews whose label depends on word order",
        origin="generated",
        source=(
            "seqlab.datasets.generators.sentiment (seeded, deterministic); files in "
            "datasets/sentiment/"
        ),
        license="MIT (the seqlab project)",
        size=(
            "train 12,000, test 3,000, order 2,000 reviews (1,000 pairs) of 4 to 21 words; "
            "399 distinct words, 213 of them adjectives; 897 kB"
        ),
        fields={
            "x": "str, the review: lower-case words with their commas",
            "y": "int64, 1 positive, 0 negative",
        },
        used_in=(
            "08 sentiment: a recurrent model against a bag-of-words baseline, which scores "
            "exactly 0.5 on the order split"
        ),
        loader="load_sentiment(split=None)",
    )
)

register(
    DatasetInfo(
        name="species",
        title="Sentences naming species by their scientific names, BIO-tagged",
        origin="generated",
        source=(
            "seqlab.datasets.generators.species from a gazetteer of 327 real species written "
            "for the project (seeded, deterministic); files in datasets/species/"
        ),
        license="MIT (the seqlab project)",
        size=(
            "train 5,000, val 1,000, test 1,500 sentences of 6 to 18 tokens (84,385 tokens); "
            "18 % with a distractor; 327 species, 49 of them only in val and test; 942 kB"
        ),
        fields={
            "tokens": "list of str per sentence, words and punctuation as written",
            "tags": "list of str per sentence: B-SPECIES, I-SPECIES or O",
            "kinds": "str per sentence (with_kinds=True): plain, left_context, right_context",
        },
        used_in=(
            "07 entity recognition: unidirectional against bidirectional LSTM, scored "
            "separately on right_context sentences; 02 one-hot encoding; 01 sequence data: "
            "lengths vary"
        ),
        loader="load_species(split=None, with_kinds=False), load_species_gazetteer()",
    )
)
