"""A reader for CoNLL-style tagged text: one token a line, a blank line between sentences.

It reads the two-column ``token tag`` layout of the course's species corpus and
the four-column CoNLL-2003 English files (``EU NNP B-NP B-ORG``), where
``-DOCSTART-`` lines separate documents.

Tag schemes. Both are read as they are; ``to_iob2`` converts the first to the second.

- **IOB2** (also called BIO; the species corpus, most corpora made since): every entity
  starts with ``B-TYPE`` and continues with ``I-TYPE``: ``B-PER I-PER O B-LOC``.
- **IOB1** (the original CoNLL-2003 files): an entity starts with ``I-TYPE``; ``B-TYPE``
  appears only where an entity directly follows another of the same type:
  ``I-PER I-PER O I-LOC``, and ``I-LOC B-LOC`` for two places side by side.

The CoNLL evaluation rule, which reads entities off either scheme the same way, starts an
entity at every ``B-TYPE`` and at every ``I-TYPE`` that does not continue an entity of
that type.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

DOCSTART = "-DOCSTART-"
BOM = "\ufeff"


def load_conll(
    path: str | os.PathLike,
    tag_column: int = -1,
    *,
    comment: str | None = None,
    encoding: str = "utf-8",
) -> tuple[list[list[str]], list[list[str]]]:
    """Read the sentences of a CoNLL file as parallel lists of tokens and tags.

    Each non-blank line holds one token and its annotations, separated by
    whitespace: the token in the first column, the tag in ``tag_column``; every
    line has as many columns as the file's first token line. A blank line ends a
    sentence. ``-DOCSTART-`` lines are dropped. A byte-order mark at the start of
    the file is dropped. Tags are returned as written, IOB1 or IOB2 (see the module
    docstring); ``to_iob2`` converts IOB1.

    Args:
        path: the file.
        tag_column: which column holds the tag: ``-1`` (the last) for the named
            entity tag of CoNLL-2003, or e.g. ``1`` for its part-of-speech tag.
        comment: ``None`` (the default, right for CoNLL-2003, where ``#`` is a
            token like any other), or a prefix such as ``"#"`` or ``"# "``: a line
            that starts with it before a sentence's first token is a comment and is
            skipped (CoNLL-U, and the species corpus with its ``# kind = ...`` lines).
        encoding: the file's text encoding, e.g. ``"latin-1"`` for older corpora.

    Returns:
        ``(tokens, tags)``: two lists of lists of str, one inner list per
        sentence, ``len(tokens[i]) == len(tags[i])``.

    Raises:
        ValueError: a line has one column only, a different number of columns
            than the first, or no column ``tag_column``; the file is not valid
            ``encoding`` text; or it holds no sentence at all (empty, or only
            blank, comment and ``-DOCSTART-`` lines). The message names the file,
            and the line where there is one.
        LookupError: ``encoding`` is not an encoding Python knows.
    """
    path = Path(path)
    codecs.lookup(encoding)  # an unknown encoding fails here, before the file is opened
    tokens: list[list[str]] = []
    tags: list[list[str]] = []
    sentence: list[str] = []
    sentence_tags: list[str] = []
    width = None

    def end_sentence() -> None:
        nonlocal sentence, sentence_tags
        if sentence:
            tokens.append(sentence)
            tags.append(sentence_tags)
        sentence, sentence_tags = [], []

    try:
        with open(path, encoding=encoding) as lines:
            for number, line in enumerate(lines, start=1):
                if number == 1:
                    line = line.removeprefix(BOM)
                if not line.strip():
                    end_sentence()
                    continue
                if comment and not sentence and line.startswith(comment):
                    continue
                columns = line.split()
                if columns[0] == DOCSTART:
                    end_sentence()
                    continue
                width = width or len(columns)
                problem = _column_problem(columns, width, tag_column)
                if problem:
                    raise ValueError(f"{path}, line {number}: {problem}: {line.rstrip()!r}")
                sentence.append(columns[0])
                sentence_tags.append(columns[tag_column])
    except UnicodeDecodeError as error:
        raise ValueError(_decode_problem(path, encoding)) from error
    end_sentence()
    if not tokens:
        what = "is empty" if path.stat().st_size == 0 else "holds no token lines"
        raise ValueError(
            f"{path} {what}: no sentence to read. A CoNLL file has one token and its tag "
            "a line, and a blank line after each sentence."
        )
    return tokens, tags


def to_iob2(tags: list[str]) -> list[str]:
    """One sentence's tags in IOB2: every entity starts with ``B-``.

    Converts IOB1 (an ``I-TYPE`` that does not continue an entity of its type starts
    one) and leaves IOB2 unchanged, so it is safe on either; the entities, read by
    the CoNLL rule, stay the same.

    >>> to_iob2(["I-PER", "I-PER", "O", "I-LOC", "B-LOC"])
    ['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC']

    Args:
        tags: str tags of one sentence, ``"O"``, ``"B-TYPE"`` or ``"I-TYPE"``.

    Raises:
        ValueError: a tag is none of those three forms.
    """
    converted = []
    previous = "O"
    for tag in tags:
        if tag != "O" and not tag.startswith(("B-", "I-")):
            raise ValueError(f"{tag!r} is not an IOB tag: expected 'O', 'B-TYPE' or 'I-TYPE'")
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        converted.append(tag)
        previous = tag
    return converted


def _column_problem(columns: list[str], width: int, tag_column: int) -> str | None:
    if len(columns) < 2:
        return "expected a token and a tag separated by whitespace, found one column"
    if len(columns) != width:
        return f"expected {width} columns like the file's first token line, found {len(columns)}"
    if not -width <= tag_column < width:
        return f"tag_column={tag_column} is out of range for lines of {width} columns"
    return None


def _decode_problem(path: Path, encoding: str) -> str:
    """The message for a file that is not valid ``encoding`` text, naming the first bad line."""
    data = path.read_bytes()
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.end]
        return (
            f"{path}, line {line}: not valid {encoding} text (byte {bad!r}: {error.reason}). "
            "Pass the file's encoding, e.g. load_conll(path, encoding='latin-1')."
        )
    return f"{path}: not valid {encoding} text; pass the file's encoding."
