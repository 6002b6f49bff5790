"""Bach chorales: the soprano line of each chorale in music21's corpus, as (pitch, duration) notes.

``music21`` ships about 400 four-part chorales by J. S. Bach as MusicXML. Parsing them all with
music21 takes minutes on a laptop CPU, so the notes are read once, by this module's
:func:`write_file` (``python -m seqlab.datasets.chorales``), into a compact text file that ships
in ``datasets/chorales/soprano.tsv`` with its sha256; :func:`load_chorales` reads that file in
a fraction of a second. :func:`read_soprano` parses one chorale from music21 the same way, so a
test can compare the file with the corpus.

What the reading does, and nothing more: the part named Soprano of every chorale that has one
(409 pieces: the corpus's three Humdrum copies have no part names, and BWV 846 is a prelude);
tied notes merged into one (music21's ``stripTies``); grace notes (no duration) dropped; a rest
becomes the pitch :data:`REST` (0). Nothing is quantised or transposed in the file.

The split is by **tune**, not by piece: Bach harmonised many hymn tunes several times, and two
harmonisations of one tune share most of their soprano. Pieces whose soprano opens with the same
ten pitch intervals are one tune, and a tune's pieces all fall in one split, so validation and
test melodies are never melodies seen in training. Tunes are ordered by a hash of their name and
cut at 80 / 10 / 10 % of the pieces.
"""

from __future__ import annotations

import argparse
import hashlib
from collections import defaultdict
from pathlib import Path

from seqlab.datasets._files import shipped_file
from seqlab.datasets._registry import DatasetInfo, check_choice, register

FILE = "chorales/soprano.tsv"
SPLITS = ("train", "val", "test")
REST = 0  #: the pitch of a rest (MIDI numbers of real notes in the chorales are 57 to 81)
TUNE_INTERVALS = 10  #: pieces whose soprano opens with the same intervals are one tune
COLUMNS = ("piece", "tune", "split", "key_sharps", "time_signature", "notes")

Note = tuple[int, float]  # (MIDI pitch or REST, duration in quarter notes)


def key_shift(sharps: int) -> int:
    """Semitones that move a piece with ``sharps`` in its key signature (flats negative) to a key
    signature without sharps or flats (C major, A minor), by the smaller interval: -5 to +6."""
    tonic = (7 * sharps) % 12  # the major tonic's pitch class: one sharp is G, one flat F
    return -tonic if tonic < 6 else 12 - tonic


def _parse_notes(text: str) -> list[Note]:
    notes = []
    for item in text.split():
        pitch, duration = item.split(":")
        notes.append((int(pitch), float(duration)))
    return notes


def _read_rows() -> list[dict]:
    lines = shipped_file(FILE).read_text(encoding="utf-8").splitlines()
    header = tuple(lines[0].split("\t"))
    if header != COLUMNS:
        raise ValueError(f"{FILE}: expected the columns {COLUMNS}, found {header}.")
    return [dict(zip(COLUMNS, line.split("\t"), strict=True)) for line in lines[1:] if line]


def load_chorales(split: str | None = None, transposed: bool = False, with_names: bool = False):
    """The soprano lines of 409 Bach chorales, split by tune 80 / 10 / 10 % of the pieces.

    Args:
        split: ``None`` for ``(train, val, test)``; ``"train"``, ``"val"`` or ``"test"`` for one.
        transposed: move every piece to a key signature without sharps or flats (C major or
            A minor) by :func:`key_shift`; rests stay :data:`REST`.
        with_names: return ``(pieces, names)`` per split, the names being the corpus's
            (``"bwv26.6"``).

    Returns:
        per split a list of pieces, in the order of their names; a piece is a list of notes
        ``(pitch, duration)``: ``pitch`` an int, the MIDI number (60 is middle C) or
        ``REST`` (0), ``duration`` a float in quarter notes (1.0 a crotchet, 0.5 a quaver).
        train 328 pieces (17,359 notes), val 41 (2,172), test 40 (2,022).

    Raises:
        ValueError: an unknown ``split``.
        DataFileError: the shipped file is missing or corrupted.
    """
    if split is not None:
        check_choice(split, SPLITS)
    pieces: dict[str, tuple[list, list]] = {name: ([], []) for name in SPLITS}
    for row in _read_rows():
        notes = _parse_notes(row["notes"])
        if transposed:
            shift = key_shift(int(row["key_sharps"]))
            notes = [(pitch if pitch == REST else pitch + shift, d) for pitch, d in notes]
        pieces[row["split"]][0].append(notes)
        pieces[row["split"]][1].append(row["piece"])
    result = {name: value if with_names else value[0] for name, value in pieces.items()}
    return result[split] if split else tuple(result[name] for name in SPLITS)


# --- Making the file from music21's corpus (minutes; not needed to load the data) ---


def chorale_paths() -> list[Path]:
    """The corpus's Bach files that music21 can read as scores (MusicXML and Humdrum)."""
    from music21 import corpus

    kinds = (".mxl", ".xml", ".krn")
    return sorted(path for path in corpus.getComposer("bach") if path.suffix in kinds)


def read_soprano(path) -> dict | None:
    """One chorale's soprano with music21: ``{"notes", "key_sharps", "time_signature"}``, or None
    when the score has no part named Soprano."""
    from music21 import converter

    score = converter.parse(path)
    parts = [part for part in score.parts if (part.partName or "").lower().startswith("soprano")]
    if not parts:
        return None
    line = parts[0].stripTies().flatten()
    notes = [
        (element.pitch.midi if element.isNote else REST, float(element.quarterLength))
        for element in line.notesAndRests
        if element.quarterLength > 0
    ]
    keys = line.getElementsByClass("KeySignature")
    meters = line.getElementsByClass("TimeSignature")
    return {
        "notes": notes,
        "key_sharps": keys[0].sharps if keys else 0,
        "time_signature": meters[0].ratioString if meters else "4/4",
    }


def _tune_key(notes: list[Note]) -> tuple[int, ...]:
    pitches = [pitch for pitch, _ in notes if pitch != REST]
    return tuple(b - a for a, b in zip(pitches[:-1], pitches[1:], strict=True))[:TUNE_INTERVALS]


def assign_splits(pieces: dict[str, list[Note]]) -> dict[str, tuple[str, str]]:
    """Piece name -> (tune name, split): tunes ordered by the sha256 of their name, cut at
    80 / 10 / 10 % of the pieces; a tune is named after its first piece in sorted order."""
    tunes: dict[tuple, list[str]] = defaultdict(list)
    for name in sorted(pieces):
        tunes[_tune_key(pieces[name])].append(name)
    named = {members[0]: members for members in tunes.values()}
    order = sorted(named, key=lambda tune: hashlib.sha256(tune.encode()).hexdigest())
    assigned, done = {}, 0
    for tune in order:
        share = done / len(pieces)
        split = "train" if share < 0.8 else "val" if share < 0.9 else "test"
        for name in named[tune]:
            assigned[name] = (tune, split)
        done += len(named[tune])
    return assigned


def write_file(folder: Path) -> Path:
    """Parse every chorale with music21 and write ``folder/chorales/soprano.tsv`` (minutes)."""
    read = {}
    for path in chorale_paths():
        soprano = read_soprano(path)
        if soprano is not None:
            read[path.stem] = soprano
    splits = assign_splits({name: value["notes"] for name, value in read.items()})
    lines = ["\t".join(COLUMNS)]
    for name in sorted(read):
        notes = " ".join(f"{pitch}:{duration:g}" for pitch, duration in read[name]["notes"])
        tune, split = splits[name]
        values = (name, tune, split, read[name]["key_sharps"], read[name]["time_signature"], notes)
        lines.append("\t".join(map(str, values)))
    path = folder / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


def main(argv: list[str] | None = None) -> None:
    from seqlab.datasets._files import _CHECKOUT, write_manifest
    from seqlab.datasets.generate import shipped_names

    parser = argparse.ArgumentParser(
        prog="python -m seqlab.datasets.chorales",
        description="Read the chorales from music21 into datasets/chorales/soprano.tsv.",
    )
    parser.add_argument("--out", type=Path, default=_CHECKOUT, help="default: %(default)s")
    folder = parser.parse_args(argv).out
    path = write_file(folder)
    write_manifest(folder, shipped_names(folder))
    print(f"wrote {path} ({path.stat().st_size:,} bytes) and the manifest")


register(
    DatasetInfo(
        name="chorales",
        title="The soprano lines of 409 Bach chorales as (pitch, duration) notes",
        origin="package",
        source=(
            "J. S. Bach's four-part chorales as encoded in music21's corpus (music21/corpus/bach), "
            "read once with music21 into datasets/chorales/soprano.tsv (seqlab.datasets.chorales)"
        ),
        license=(
            "the music is in the public domain; the encodings are distributed with music21 "
            "under its corpus license (free use, see music21/corpus/license.txt)"
        ),
        size=(
            "409 chorales, 21,553 notes (393 of them rests), 22 to 186 notes a piece; "
            "train 328 pieces, val 41, test 40, split by tune; 128 kB"
        ),
        fields={
            "pitch": "int, MIDI note number (60 = middle C, 57 to 81 here), 0 for a rest",
            "duration": "float, quarter notes (0.125 to 16; 1.0 in two thirds of the notes)",
            "names": "str, the corpus's name of each piece (with_names=True), e.g. 'bwv26.6'",
        },
        used_in="14 music generation (note models, a GRU that writes melodies), lab 14",
        loader="load_chorales(split=None, transposed=False)",
    )
)


if __name__ == "__main__":
    main()
