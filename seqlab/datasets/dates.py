"""Dates to normalise (generated on the fly) and English-Spanish sentence pairs (a download).

``load_dates()`` writes each day in one of many human formats, four languages, and pairs it
with its ISO form: the translation-like task of notebook 12. It is generated in memory by
:mod:`seqlab.datasets.generators.dates`, the same on every run (a test checks its sha256).
``load_spa_eng()`` reads the English-Spanish sentence pairs of the Tatoeba project in the
tab-separated format of the Anki decks (``spa.txt``), for notebook 12's optional section;
``fetch_spa_eng(sha256)`` puts them there through the download path (checksum, mirror, cache).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import pandas as pd

from seqlab.datasets._registry import DatasetInfo, check_choice, register
from seqlab.datasets.download import DownloadError, fetch_file, get_data_home
from seqlab.datasets.generators import dates as generator

DATE_SPLITS = ("train", "val", "test")
SPA_ENG_URL = "https://www.manythings.org/anki/spa-eng.zip"


@cache
def _date_tables() -> dict[str, pd.DataFrame]:
    return {
        split: pd.DataFrame(
            [(e.text, e.iso, e.language, e.style) for e in examples],
            columns=["text", "iso", "language", "style"],
        )
        for split, examples in generator.generate().items()
    }


def load_dates(split: str | None = None):
    """Dates written in many human ways, in four languages, with their ISO 8601 form.

    ``the 3rd of March, 1998``, ``3/3/98``, ``mardi 3 mars 1998``, ``3 de marzo de 1998``,
    ``Dienstag, 3. März 1998`` ... -> ``1998-03-03``: days from 1950 to 2049, numeric dates
    day first, two-digit years 50-99 in the 1900s and 00-49 in the 2000s; 23 formats
    (``generators.dates.FORMATS``), 30 % of the texts in lower case. The splits hold disjoint
    days: a day of ``test`` is never in ``train``, in any format.

    Args:
        split: ``None`` for all three, or one of ``"train"`` (15,000 examples), ``"val"``
            (1,500) and ``"test"`` (3,000).

    Returns:
        ``(train, val, test)``, or one split: a pandas DataFrame with the columns ``text``
        (str, 6 to 56 characters), ``iso`` (str, ``YYYY-MM-DD``), ``language`` (``"en"``,
        ``"fr"``, ``"es"`` or ``"de"``) and ``style`` (int, the format's index in
        ``FORMATS[language]``). A fresh copy on every call.

    Raises:
        ValueError: an unknown ``split``; the message lists the valid ones.
    """
    tables = _date_tables()
    if split is None:
        return tuple(tables[name].copy() for name in DATE_SPLITS)
    return tables[check_choice(split, DATE_SPLITS)].copy()


def fetch_spa_eng(
    sha256: str,
    data_home: str | os.PathLike | None = None,
    mirror: str | os.PathLike | None = None,
    url: str = SPA_ENG_URL,
) -> Path:
    """Download ``spa-eng.zip`` into the cache folder, verify it, and unzip its ``spa.txt``
    where :func:`load_spa_eng` reads it (``<cache>/spa-eng/spa.txt``); return that path.

    The file at ``SPA_ENG_URL`` grows as Tatoeba does, so seqlab cannot pin one checksum for
    it: download it once, check it, and pass the sha256 that ``sha256sum spa-eng.zip`` prints
    (an instructor can host that copy for a class with ``mirror=`` or ``SEQLAB_MIRROR``; see
    :mod:`seqlab.datasets.download`). The archive is checked before anything is unzipped, and
    ``spa.txt`` appears complete or not at all.

    Raises:
        ValueError: ``sha256`` is not 64 hexadecimal digits.
        DownloadError: offline, an HTTP error, or the archive's sha256 is not ``sha256``; or
            the archive holds no ``spa.txt``.
    """
    digest = str(sha256).strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(
            f"sha256 must be 64 hexadecimal digits (what `sha256sum spa-eng.zip` prints), "
            f"got {sha256!r}."
        )
    archive = fetch_file(url, digest, "spa-eng.zip", data_home=data_home, mirror=mirror,
                         alternative="notebook 12's dates, which need no download")  # fmt: skip
    target = get_data_home(data_home) / "spa-eng" / "spa.txt"
    with zipfile.ZipFile(archive) as zipped:
        names = [name for name in zipped.namelist() if name.rsplit("/", 1)[-1] == "spa.txt"]
        if not names:
            raise DownloadError(f"{archive} holds no spa.txt (it holds {zipped.namelist()[:5]}).")
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as partial:
            partial.write(zipped.read(names[0]))
        os.replace(partial.name, target)
    return target


def load_spa_eng(path: str | os.PathLike | None = None, data_home=None) -> pd.DataFrame:
    """English-Spanish sentence pairs from Tatoeba, in the Anki decks' ``spa.txt`` format.

    Each line of the file is ``English<TAB>Spanish``, optionally followed by a third column
    of attribution, which is dropped. The file is not shipped and not needed by any default
    path: :func:`fetch_spa_eng` downloads, verifies and unzips it into the cache folder
    (``<cache>/spa-eng/spa.txt``), or pass ``path``.

    Returns:
        a DataFrame with the columns ``english`` and ``spanish`` (str), in the file's order.

    Raises:
        FileNotFoundError: the file is not there; the message says where to put it.
        ValueError: a line has no tab; the message names the file and line.
    """
    path = Path(path) if path else get_data_home(data_home) / "spa-eng" / "spa.txt"
    if not path.is_file():
        raise FileNotFoundError(
            f"No English-Spanish sentence pairs at {path}. Run "
            "seqlab.datasets.fetch_spa_eng(sha256=...) with the sha256 of the spa-eng.zip you "
            f"checked (from {SPA_ENG_URL}, Tatoeba's pairs, CC BY 2.0 FR; see "
            "help(fetch_spa_eng)), or pass load_spa_eng(path=...)."
        )
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) < 2:
                raise ValueError(
                    f"{path}, line {number}: expected 'English<TAB>Spanish[<TAB>attribution]', "
                    f"got {line[:60]!r}."
                )
            rows.append(fields[:2])
    return pd.DataFrame(rows, columns=["english", "spanish"])


register(
    DatasetInfo(
        name="dates",
        title="Dates written in many human ways, in four languages, with their ISO form",
        origin="generated",
        source=(
            "seqlab.datasets.generators.dates, generated in memory on every call (seed "
            f"{generator.SEED}; sha256 of the splits as TSV {generator.SHA256})"
        ),
        license="MIT (the project's)",
        size="15,000 train, 1,500 val, 3,000 test examples; texts of 6 to 56 characters",
        fields={
            "text": "str, the date as a person writes it: 'the 3rd of March, 1998', '3/3/98'",
            "iso": "str, the same day as YYYY-MM-DD",
            "language": "str, 'en', 'fr', 'es' or 'de'",
            "style": "int, index of the format in generators.dates.FORMATS[language]",
        },
        used_in="12 attention: an encoder-decoder with and without attention",
        loader="load_dates()",
    )
)

register(
    DatasetInfo(
        name="spa_eng",
        title="English-Spanish sentence pairs from Tatoeba (the Anki deck spa-eng)",
        origin="download",
        source=f"Tatoeba, prepared by manythings.org as Anki decks, {SPA_ENG_URL}",
        license="CC BY 2.0 FR (Tatoeba)",
        size="about 140,000 pairs (the deck grows with Tatoeba)",
        fields={"english": "str, an English sentence", "spanish": "str, its translation"},
        used_in="12 attention (optional): a real translation task",
        loader="load_spa_eng()",
    )
)
