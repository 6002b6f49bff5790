"""Dates written the many ways people write them, in four languages, with their ISO form.

Each example is one calendar day between 1950-01-01 and 2049-12-31 written in one of the
formats of :data:`FORMATS` (English, French, Spanish, German): ``the 3rd of March, 1998``,
``3/3/98``, ``mardi 3 mars 1998``, ``3 de marzo de 1998``, ``Dienstag, 3. März 1998``...,
as written or all in lower case, and its ISO 8601 form ``1998-03-03``.

Rules the data keeps, which the tests check:

- Numeric dates put the day first (``3/4/98`` is the 3rd of April), in every language.
- A two-digit year ``yy`` means 19yy from 50 to 99 and 20yy from 00 to 49, so every text
  names exactly one day of the range.
- A weekday, when written, is the true weekday of that day.
- The splits hold disjoint days: no day of ``test`` or ``val`` occurs in ``train``, in any
  format.

The output is the same on every run and every supported Python: one seeded
``random.Random``, tuples only, no floats written. :data:`SHA256` is the sha256 of
``to_tsv`` of every split, in split order; a test checks it.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

SEED = 20261128
SIZES = {"train": 15_000, "val": 1_500, "test": 3_000}
HELD_OUT_DAYS = {"val": 0.05, "test": 0.10}  # shares of the days of the range
FIRST_DAY, LAST_DAY = datetime.date(1950, 1, 1), datetime.date(2049, 12, 31)
LOWER_CASE_SHARE = 0.3
SHA256 = "aac07edb7ffcafc8eebb66c10f8d9f64704fcf1f9e0b420187f046be5fb38375"

LANGUAGES = ("en", "fr", "es", "de")

# January first; weekdays Monday first, as datetime.date.weekday() counts them.
MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
}  # fmt: skip
SHORT_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"),
    "de": ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.",
           "Nov.", "Dez."),
}  # fmt: skip
WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
}

# The fields: {d} {dd} day (3, 03), {m} {mm} month (3, 03), {yy} {yyyy} year (98, 1998),
# {month} {mon} the month's name and its short form, {weekday}, {ord} the English ordinal
# (3rd), {d1} the French day (1er for the first, else the number).
FORMATS = {
    "en": (
        "{month} {ord}, {yyyy}",
        "the {ord} of {month}, {yyyy}",
        "{weekday}, {month} {d}, {yyyy}",
        "{weekday} the {ord} of {month} {yyyy}",
        "{d} {mon} {yyyy}",
        "{month} {ord} '{yy}",
        "{d}/{m}/{yy}",
        "on {weekday}, the {ord} day of {month} in the year {yyyy}",
    ),
    "fr": (
        "{weekday} {d1} {month} {yyyy}",
        "le {d1} {month} {yyyy}",
        "{d} {mon} {yyyy}",
        "{dd}/{mm}/{yyyy}",
        "le {weekday} {d1} {month} de l'an {yyyy}",
    ),
    "es": (
        "{weekday}, {d} de {month} de {yyyy}",
        "{d} de {month} de {yyyy}",
        "{d}-{mon}-{yy}",
        "{d}/{m}/{yyyy}",
        "el {weekday} {d} de {month} del año {yyyy}",
    ),
    "de": (
        "{weekday}, {d}. {month} {yyyy}",
        "{d}. {month} {yyyy}",
        "am {d}. {mon} {yyyy}",
        "{dd}.{mm}.{yy}",
        "am {weekday}, dem {d}. {month} im Jahre {yyyy}",
    ),
}


@dataclass(frozen=True)
class DateText:
    """One example: ``text`` written in ``language`` with format ``FORMATS[language][style]``."""

    text: str
    iso: str
    language: str
    style: int


def ordinal(day: int) -> str:
    """The English ordinal of a day of the month: 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 21st."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def write_date(date: datetime.date, language: str, style: int, lower: bool = False) -> str:
    """``date`` written in ``language`` with format ``FORMATS[language][style]``.

    >>> write_date(datetime.date(1998, 3, 3), "en", 1)
    'the 3rd of March, 1998'
    >>> write_date(datetime.date(2001, 5, 1), "fr", 0, lower=True)
    'mardi 1er mai 2001'
    """
    if language not in FORMATS:
        raise ValueError(f"Unknown language {language!r}. Valid languages are: {LANGUAGES}.")
    text = FORMATS[language][style].format(
        d=date.day,
        dd=f"{date.day:02d}",
        m=date.month,
        mm=f"{date.month:02d}",
        yy=f"{date.year % 100:02d}",
        yyyy=date.year,
        month=MONTHS[language][date.month - 1],
        mon=SHORT_MONTHS[language][date.month - 1],
        weekday=WEEKDAYS[language][date.weekday()],
        ord=ordinal(date.day),
        d1="1er" if date.day == 1 else date.day,
    )
    return text.lower() if lower else text


def _days_by_split(rng: random.Random) -> dict[str, list[datetime.date]]:
    count = (LAST_DAY - FIRST_DAY).days + 1
    days = [FIRST_DAY + datetime.timedelta(days=offset) for offset in range(count)]
    rng.shuffle(days)
    test_end = round(HELD_OUT_DAYS["test"] * count)
    val_end = test_end + round(HELD_OUT_DAYS["val"] * count)
    return {"train": days[val_end:], "val": days[test_end:val_end], "test": days[:test_end]}


def generate(seed: int = SEED) -> dict[str, list[DateText]]:
    """``{"train": [...], "val": [...], "test": [...]}``, :data:`SIZES` examples each.

    Days are drawn with replacement from each split's own days; the language, the format and
    the case (all lower case with probability :data:`LOWER_CASE_SHARE`) uniformly.
    """
    rng = random.Random(seed)
    days = _days_by_split(rng)
    splits = {}
    for split, size in SIZES.items():
        examples = []
        for _ in range(size):
            date = rng.choice(days[split])
            language = rng.choice(LANGUAGES)
            style = rng.randrange(len(FORMATS[language]))
            lower = rng.random() < LOWER_CASE_SHARE
            text = write_date(date, language, style, lower)
            examples.append(DateText(text, date.isoformat(), language, style))
        splits[split] = examples
    return splits


def to_tsv(examples: list[DateText]) -> str:
    """Tab-separated text, one example a line: ``text  iso  language  style``, with a header."""
    lines = ["text\tiso\tlanguage\tstyle"]
    lines += [f"{e.text}\t{e.iso}\t{e.language}\t{e.style}" for e in examples]
    return "\n".join(lines) + "\n"
