"""Text from submissions made safe to print, to put in a CSV cell and to name a file.

Student ids come from file names and notes from what a notebook raised: either may hold
terminal escape sequences, bytes that are not UTF-8, a leading ``=`` that a spreadsheet runs
as a formula, or letters from another script that look like Latin ones.
"""

from __future__ import annotations

import hashlib
import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: CSV injection
MAX_FILE_STEM = 60

# Letters of other scripts that look like Latin ones (a part of Unicode's confusables,
# UTS #39: Cyrillic and Greek), and the digits and marks that look like letters.
LOOK_ALIKES = str.maketrans(
    {
        **dict(zip("аеорсухіјѕԁԛԝһӏ", "aeopcyxijsdqwhl", strict=True)),
        **dict(zip("АВЕКМНОРСТХУЅІЈ", "ABEKMHOPCTXYSIJ", strict=True)),
        **dict(zip("αονικρτυχ", "aovikptux", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
        "0": "o",
        "1": "l",
        "I": "l",
        "|": "l",
    }
)


def printable(text: str, limit: int | None = None) -> str:
    """``text`` with control and format characters (ANSI escapes, bidi overrides, NUL, ...) and
    undecodable bytes written as escapes (``\\x1b``), so that printing it is harmless."""
    parts = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            parts.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            parts.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            parts.append(char)
    safe = "".join(parts)
    if limit is not None and len(safe) > limit:
        return safe[: limit - 1] + "…"
    return safe


def csv_cell(text: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula: a leading ``'`` where it could."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def from_csv_cell(text: str) -> str:
    """The text :func:`csv_cell` was given."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def file_stem(student: str) -> str:
    """A file name for ``student``'s feedback: ASCII letters, digits and ``-_.``, at most about
    70 characters, different for different ids (a digest of the id is added whenever the
    name could not be the id itself)."""
    stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in student)
    stem = stem.lstrip(".")[:MAX_FILE_STEM] or "student"
    if stem != student:
        digest = hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        stem = f"{stem}-{digest}"
    return stem


def skeleton(text: str) -> str:
    """What ``text`` looks like: equal skeletons for ids that a reader cannot tell apart."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(LOOK_ALIKES).casefold().replace("rn", "m")
