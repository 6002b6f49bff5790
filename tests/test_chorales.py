"""The chorales dataset: the shipped file against music21's corpus, the split by tune, the card."""

import re

import pytest

from seqlab import datasets
from seqlab.datasets import chorales


def test_three_splits_of_pieces_of_notes():
    train, val, test = datasets.load_chorales()
    assert [len(train), len(val), len(test)] == [328, 41, 40]
    assert sum(len(piece) for piece in train + val + test) == 21_553
    for pitch, duration in (note for piece in train + val + test for note in piece):
        assert type(pitch) is int and type(duration) is float
        assert pitch == chorales.REST or 55 <= pitch <= 84
        assert duration > 0
    assert datasets.load_chorales("val") == val


def test_no_tune_is_in_two_splits():
    rows = chorales._read_rows()
    splits_of_tune = {}
    for row in rows:
        splits_of_tune.setdefault(row["tune"], set()).add(row["split"])
    assert all(len(splits) == 1 for splits in splits_of_tune.values())
    assert len(splits_of_tune) < len(rows)  # some tunes were harmonised more than once
    # the file's split is the one assign_splits makes from the notes
    pieces = {row["piece"]: chorales._parse_notes(row["notes"]) for row in rows}
    assigned = chorales.assign_splits(pieces)
    assert all(assigned[row["piece"]] == (row["tune"], row["split"]) for row in rows)


@pytest.mark.parametrize("sharps", range(-7, 8))
def test_key_shift_moves_the_key_signature_to_none(sharps):
    shift = chorales.key_shift(sharps)
    assert -5 <= shift <= 6
    assert (7 * sharps + shift) % 12 == 0  # the major tonic lands on C


def test_transposed_shifts_every_note_of_a_piece_alike_and_keeps_rests():
    (original, names), (moved, _) = (
        datasets.load_chorales("train", transposed=flag, with_names=True) for flag in (False, True)
    )
    sharps = {row["piece"]: int(row["key_sharps"]) for row in chorales._read_rows()}
    for name, before, after in zip(names, original, moved, strict=True):
        shift = chorales.key_shift(sharps[name])
        for (pitch, duration), (new_pitch, new_duration) in zip(before, after, strict=True):
            assert new_duration == duration
            assert new_pitch == (pitch if pitch == chorales.REST else pitch + shift)


@pytest.mark.parametrize("name", ["bwv1.6", "bwv26.6", "bwv119.9"])
def test_the_file_holds_what_music21_reads(name):
    """The shipped notes are music21's parse of the corpus file (a rest in bwv1.6, bwv119.9)."""
    from music21 import corpus

    row = next(row for row in chorales._read_rows() if row["piece"] == name)
    read = chorales.read_soprano(corpus.getWork(name))
    assert chorales._parse_notes(row["notes"]) == read["notes"]
    assert int(row["key_sharps"]) == read["key_sharps"]
    assert row["time_signature"] == read["time_signature"]


def test_the_card_is_full():
    card = datasets.info("chorales")
    for field in ("title", "source", "license", "size", "used_in", "loader"):
        assert getattr(card, field), field
    assert re.match(r"\d\d ", card.used_in)
    assert callable(getattr(datasets, card.loader.split("(")[0]))


def test_an_unknown_split_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Valid splits are: 'train', 'val', 'test'"):
        datasets.load_chorales("dev")
