"""Where the shipped data files live, and their integrity check.

The files sit in ``datasets/`` at the top of the repository so that students can
open them; a built wheel carries the same folder as ``seqlab/datasets/files``.
Every file is listed with its sha256 in ``datasets/checksums.sha256``, the
manifest that loaders verify before they read.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

MANIFEST_NAME = "checksums.sha256"

_INSTALLED = Path(__file__).with_name("files")
_CHECKOUT = Path(__file__).resolve().parents[2] / "datasets"


class DataFileError(OSError):
    """A shipped data file is missing or does not match its checksum."""


def data_dir() -> Path:
    """The folder holding the shipped data files (installed wheel or checkout)."""
    return _INSTALLED if _INSTALLED.is_dir() else _CHECKOUT


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path | None = None) -> dict[str, str]:
    """Map each shipped file (path relative to the data folder) to its sha256."""
    folder = folder or data_dir()
    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        raise DataFileError(
            f"The dataset manifest {manifest} is missing. Restore it with "
            f"`git checkout -- datasets/{MANIFEST_NAME}` or reinstall seqlab."
        )
    entries = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            entries[name.strip()] = digest
    return entries


def write_manifest(folder: Path, names: list[str]) -> Path:
    """Write the manifest for ``names`` (relative paths), sorted, one `sha256  name` a line."""
    lines = [f"{sha256_of(folder / name)}  {name}" for name in sorted(names)]
    path = folder / MANIFEST_NAME
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _restore_hint(name: str) -> str:
    return (
        f"Restore it with `git checkout -- datasets/{name}` in a clone of the course, "
        "regenerate the generated corpora with `python -m seqlab.datasets.generate`, "
        "or reinstall seqlab."
    )


@cache
def _verified(path: Path, mtime_ns: int, size: int, expected: str) -> bool:
    return sha256_of(path) == expected


def shipped_file(name: str) -> Path:
    """Return the path of the shipped file ``name`` after checking it against the manifest.

    Raises:
        DataFileError: the file is missing, or its sha256 differs from the manifest's.
    """
    folder = data_dir()
    manifest = read_manifest(folder)
    if name not in manifest:
        raise DataFileError(
            f"{name!r} is not a shipped data file; the manifest lists {sorted(manifest)}."
        )
    path = folder / name
    if not path.is_file():
        raise DataFileError(f"The data file {path} is missing. {_restore_hint(name)}")
    stat = path.stat()
    if not _verified(path, stat.st_mtime_ns, stat.st_size, manifest[name]):
        raise DataFileError(
            f"The data file {path} is corrupted: its sha256 does not match "
            f"datasets/{MANIFEST_NAME}. {_restore_hint(name)}"
        )
    return path
