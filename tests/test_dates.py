"""The dates of notebook 12: the same on every run, true to the calendar, splits by day."""

import datetime
import hashlib
import os
import subprocess
import sys

import pytest

from seqlab.datasets import info, load_dates, load_spa_eng
from seqlab.datasets.generators import dates


def test_the_generator_gives_the_same_examples_on_every_run_and_hash_seed():
    code = (
        "import hashlib; from seqlab.datasets.generators import dates as g; "
        "print(hashlib.sha256(''.join(g.to_tsv(v) for v in g.generate().values())"
        ".encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4321"}
    digest = subprocess.run(
        [sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True
    ).stdout.strip()
    assert digest == dates.SHA256
    here = "".join(dates.to_tsv(split) for split in dates.generate().values())
    assert hashlib.sha256(here.encode()).hexdigest() == dates.SHA256


def _parse_iso(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def test_every_text_names_its_day_and_its_weekday():
    train, val, test = load_dates()
    assert (len(train), len(val), len(test)) == tuple(dates.SIZES.values())
    for table in (train, val, test):
        for text, iso, language, style in table.itertuples(index=False):
            day = _parse_iso(iso)
            assert dates.FIRST_DAY <= day <= dates.LAST_DAY
            assert text in (
                dates.write_date(day, language, style),
                dates.write_date(day, language, style, lower=True),
            )
            weekday = dates.WEEKDAYS[language][day.weekday()]
            if "{weekday}" in dates.FORMATS[language][style]:
                assert weekday.lower() in text.lower()
            else:
                assert not any(name.lower() in text.lower() for name in dates.WEEKDAYS[language])


@pytest.mark.parametrize(
    ("day", "language", "style", "expected"),
    [
        (datetime.date(1998, 3, 3), "en", 1, "the 3rd of March, 1998"),
        (datetime.date(1998, 4, 3), "en", 6, "3/4/98"),  # day first
        (datetime.date(2011, 11, 11), "en", 0, "November 11th, 2011"),
        (datetime.date(2022, 3, 22), "en", 5, "March 22nd '22"),
        (datetime.date(1998, 3, 3), "fr", 0, "mardi 3 mars 1998"),
        (datetime.date(2001, 5, 1), "fr", 1, "le 1er mai 2001"),
        (datetime.date(2005, 1, 9), "es", 2, "9-ene-05"),
        (datetime.date(1998, 3, 3), "de", 0, "Dienstag, 3. März 1998"),
        (datetime.date(1950, 1, 2), "de", 3, "02.01.50"),
    ],
)
def test_formats_write_what_people_write(day, language, style, expected):
    assert dates.write_date(day, language, style) == expected


def test_two_digit_years_name_one_day_of_the_range():
    years = {day.year % 100: day.year for day in (dates.FIRST_DAY, dates.LAST_DAY)}
    assert years == {50: 1950, 49: 2049}
    train = load_dates("train")
    short = train[train.text.str.fullmatch(r"\d+[/.]\d+[/.]\d\d")]
    assert len(short) > 100
    for text, iso in zip(short.text, short.iso, strict=True):
        yy = int(text[-2:])
        assert int(iso[:4]) == (1900 + yy if yy >= 50 else 2000 + yy)


def test_splits_hold_disjoint_days_and_every_language_and_format():
    train, val, test = load_dates()
    assert not set(train.iso) & set(test.iso)
    assert not set(train.iso) & set(val.iso)
    assert not set(val.iso) & set(test.iso)
    pairs = set(zip(test.language, test["style"], strict=True))
    assert pairs == {(lang, s) for lang in dates.LANGUAGES for s in range(len(dates.FORMATS[lang]))}
    lengths = train.text.str.len()
    assert lengths.min() <= 8 and lengths.max() >= 50


def test_load_dates_returns_fresh_copies_and_rejects_an_unknown_split():
    first = load_dates("test")
    first.loc[0, "text"] = "changed"
    assert load_dates("test").loc[0, "text"] != "changed"
    with pytest.raises(ValueError, match="Unknown split 'dev'. Valid splits are: 'train'"):
        load_dates("dev")
    with pytest.raises(ValueError, match="Unknown language 'it'"):
        dates.write_date(datetime.date(2000, 1, 1), "it", 0)


def test_the_cards_exist():
    assert info("dates").origin == "generated"
    assert dates.SHA256 in info("dates").source
    assert info("spa_eng").origin == "download"


def test_spa_eng_reads_the_anki_format_and_says_where_the_file_goes(tmp_path):
    with pytest.raises(FileNotFoundError, match="spa-eng.zip"):
        load_spa_eng(data_home=tmp_path)
    folder = tmp_path / "spa-eng"
    folder.mkdir()
    (folder / "spa.txt").write_text(
        "Go.\tVe.\tCC-BY 2.0 (France) Attribution: tatoeba.org\nHi.\tHola.\n\n", encoding="utf-8"
    )
    pairs = load_spa_eng(data_home=tmp_path)
    assert pairs.to_dict("list") == {"english": ["Go.", "Hi."], "spanish": ["Ve.", "Hola."]}
    (folder / "spa.txt").write_text("Go.\tVe.\nbroken line\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_spa_eng(data_home=tmp_path)
