"""A reader for your own labelled sentences: a CSV or TSV file, one text and its label a row.

    label,text
    positive,"the soup was hot, and the bread was fresh"
    negative,the waiter never came back

The first line names the columns; any other columns are ignored. Labels are words
(``positive``, ``sport``) or integers; each becomes the index of its class, so the
result feeds a sigmoid (two classes) or a softmax (more) exactly like
``load_sentiment``'s.
"""

from __future__ import annotations

import codecs
import csv
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from seqlab.datasets._files import shipped_file
from seqlab.datasets._registry import DatasetInfo, check_choice, register

BOM = "\ufeff"
TOPICS = ("football", "basketball", "tennis", "cycling")
TOPICS_SPLITS = ("train", "test")
TAB_SUFFIXES = (".tsv", ".tab")


class LabelledSentences(NamedTuple):
    """What ``load_labelled_sentences`` returns.

    Attributes:
        texts: NumPy array of str, shape ``(n,)``, as written in the file.
        labels: int64 array, shape ``(n,)``: the index of each row's class in ``classes``.
        classes: the class names, list of str; ``classes[labels[i]]`` is row ``i``'s label.
    """

    texts: np.ndarray
    labels: np.ndarray
    classes: list[str]


def load_labelled_sentences(
    path: str | os.PathLike,
    text_column: str = "text",
    label_column: str = "label",
    *,
    classes: list[str] | None = None,
    sep: str | None = None,
    encoding: str = "utf-8",
) -> LabelledSentences:
    """Read a CSV or TSV file of texts and their labels.

    Args:
        path: the file. Its first line names the columns.
        text_column: the column of the texts.
        label_column: the column of the labels.
        classes: the class names in the order their indices should have, e.g.
            ``["negative", "positive"]`` so that positive is 1; a label not in it is an
            error. By default the labels found, sorted (numerically if all are integers).
        sep: the field separator; by default a tab for ``.tsv`` and ``.tab`` files, else
            a comma. A TSV is read without quoting (quotes are text); a CSV with
            the usual double-quoting, so a text may hold commas and line breaks.
        encoding: the file's text encoding; a byte-order mark at its start is dropped.

    Returns:
        ``LabelledSentences(texts, labels, classes)``; see that class.

    Raises:
        ValueError: the file is empty or not valid ``encoding`` text; the header
            lacks ``text_column`` or ``label_column`` (the message lists the columns
            it has); a row has too few fields, an empty text or label, or a label
            not in ``classes``; fewer than two classes. Each message names the file,
            and the line where there is one.
    """
    path = Path(path)
    codecs.lookup(encoding)
    if sep is None:
        sep = "\t" if path.suffix.lower() in TAB_SUFFIXES else ","
    quoting = csv.QUOTE_NONE if sep == "\t" else csv.QUOTE_MINIMAL
    texts, names = [], []
    try:
        with open(path, encoding=encoding, newline="") as handle:
            rows = csv.reader(handle, delimiter=sep, quoting=quoting, strict=True)
            header = next(rows, None)
            if header is None:
                raise ValueError(f"{path} is empty: expected a header line naming the columns "
                                 f"{text_column!r} and {label_column!r}, then one row a text.")
            header = [name.removeprefix(BOM).strip() for name in header]
            text_at, label_at = (_column(path, header, name, role, sep) for name, role in
                                 ((text_column, "text_column"), (label_column, "label_column")))
            for row in rows:
                if not any(field.strip() for field in row):
                    continue  # a blank line
                where = f"{path}, line {rows.line_num}"
                if len(row) <= max(text_at, label_at):
                    raise ValueError(
                        f"{where}: {len(row)} field(s) where the header has {len(header)}. "
                        f"Is the separator {sep!r} right (pass sep=...)?")
                text, label = row[text_at].strip(), row[label_at].strip()
                if not text or not label:
                    empty = "text" if not text else "label"
                    raise ValueError(f"{where}: the {empty} is empty; every row needs both.")
                if classes is not None and label not in classes:
                    raise ValueError(f"{where}: label {label!r} is not one of the classes "
                                     f"{classes}; fix the row or pass classes=[...] with it.")
                texts.append(text)
                names.append(label)
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path}: not valid {encoding} text ({error.reason}); pass the file's encoding, "
            "e.g. encoding='latin-1'.") from error
    except csv.Error as error:
        raise ValueError(f"{path}, line {rows.line_num}: {error}") from error

    if classes is None:
        classes = _sorted_classes(set(names))
    if len(set(names)) < 2 and len(classes) < 2:
        found = f"only {names[0]!r}" if names else "no rows"
        raise ValueError(f"{path}: a classifier needs at least two classes; found {found}.")
    index = {name: i for i, name in enumerate(classes)}
    labels = np.array([index[name] for name in names], dtype=np.int64)
    return LabelledSentences(np.array(texts, dtype=str), labels, list(classes))


def _column(path: Path, header: list[str], name: str, role: str, sep: str) -> int:
    if name in header:
        return header.index(name)
    raise ValueError(
        f"{path}: no column {name!r} in the header line {header}. Name the right one with "
        f"{role}=..., or check the separator {sep!r} (pass sep=...); the first line must "
        "name the columns.")


def _sorted_classes(names: set[str]) -> list[str]:
    """Class names sorted: as numbers if every one is an integer, else alphabetically."""
    try:
        return sorted(names, key=int)
    except ValueError:
        return sorted(names)


def load_topics(split: str | None = None):
    """One-sentence sports reports, each about one of four sports: a multiclass corpus.

    The label is the sport of the main clause; about two reports in five add a side
    clause about another sport ("while the sprinter won the bunch sprint, the point
    guard ..."), and in ``test`` each of those comes with its twin, the same words with
    the clauses' sports swapped and the other label. See ``info("topics")`` and
    ``seqlab.datasets.generators.topics``.

    Args:
        split: ``None`` for train and test, or ``"train"`` (8,000 reports) or ``"test"``
            (2,000).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``, or ``(x, y)`` for one split: ``x`` a NumPy
        array of str, shape ``(n,)``; ``y`` int64, shape ``(n,)``, the index of the sport in
        ``TOPICS`` = ``("football", "basketball", "tennis", "cycling")``.

    Raises:
        ValueError: an unknown ``split``; the message lists the valid ones.
        DataFileError: a data file is missing or corrupted; the message says how to restore it.
    """
    if split is None:
        return tuple(load_topics(name) for name in TOPICS_SPLITS)
    path = shipped_file(f"topics/{check_choice(split, TOPICS_SPLITS)}.tsv")
    texts, labels, _ = load_labelled_sentences(path, classes=list(TOPICS))
    return texts, labels


register(
    DatasetInfo(
        name="topics",
        title="One-sentence sports reports labelled with one of four sports",
        origin="generated",
        source=(
            "seqlab.datasets.generators.topics (seeded, deterministic); files in "
            "datasets/topics/"
        ),
        license="MIT (the seqlab project)",
        size=(
            "train 8,000, test 2,000 reports of 3 to 27 words; 4 classes about equally "
            "frequent; about 2 in 5 with a side clause about another sport; 778 kB"
        ),
        fields={
            "x": "str, the report: lower-case words with their commas",
            "y": "int64, the sport: 0 football, 1 basketball, 2 tennis, 3 cycling",
        },
        used_in=(
            "08 sentiment: a softmax over four classes, bag of words against GRU on the "
            "reports whose side clause names another sport"
        ),
        loader="load_topics(split=None)",
    )
)
