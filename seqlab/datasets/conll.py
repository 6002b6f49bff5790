"""A reader for CoNLL-style tagged text: one token a line, a blank line between sentences.

It reads the two-column ``token tag`` layout of the course's species corpus and
the four-column CoNLL-2003 English files (``EU NNP B-NP B-ORG``), where
``-DOCSTART-`` lines separate documents.
"""

from __future__ import annotations

import os
from pathlib import Path

DOCSTART = "-DOCSTART-"


def load_conll(
    path: str | os.PathLike, tag_column: int = -1
) -> tuple[list[list[str]], list[list[str]]]:
    """Read the sentences of a CoNLL file as parallel lists of tokens and tags.

    Each non-blank line holds one token and its annotations, separated by
    whitespace: the token in the first column, the tag in ``tag_column``; every
    line has as many columns as the file's first token line. A blank line ends a
    sentence. ``-DOCSTART-`` lines are dropped, and so are lines starting with
    ``# `` before a sentence's first token (comments, as in CoNLL-U).

    Args:
        path: the file, UTF-8 text.
        tag_column: which column holds the tag: ``-1`` (the last) for the named
            entity tag of CoNLL-2003, or e.g. ``1`` for its part-of-speech tag.

    Returns:
        ``(tokens, tags)``: two lists of lists of str, one inner list per
        sentence, ``len(tokens[i]) == len(tags[i])``.

    Raises:
        ValueError: a line has one column only, a different number of columns
            than the first, or no column ``tag_column``; the message names the
            file and the line number.
    """
    path = Path(path)
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

    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                end_sentence()
                continue
            if not sentence and line.startswith("# "):
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
    end_sentence()
    return tokens, tags


def _column_problem(columns: list[str], width: int, tag_column: int) -> str | None:
    if len(columns) < 2:
        return "expected a token and a tag separated by whitespace, found one column"
    if len(columns) != width:
        return f"expected {width} columns like the file's first token line, found {len(columns)}"
    if not -width <= tag_column < width:
        return f"tag_column={tag_column} is out of range for lines of {width} columns"
    return None
