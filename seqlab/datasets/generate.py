"""Write the generated corpora into the data folder and rewrite its manifest.

    python -m seqlab.datasets.generate [--out DIR]

``DIR`` defaults to the checkout's ``datasets/`` folder. The manifest,
``checksums.sha256``, then lists every data file in ``DIR`` (all files but
``README.md`` and hidden ones) with its sha256.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from seqlab.datasets._files import _CHECKOUT, MANIFEST_NAME, write_manifest
from seqlab.datasets.generators import generated_files

NOT_DATA = ("README.md", MANIFEST_NAME)


def write_corpora(folder: Path) -> list[str]:
    """Write every generated file under ``folder`` and its manifest; return the files written."""
    files = generated_files()
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))  # bytes: "\n" line ends on every system
    write_manifest(folder, shipped_names(folder))
    return sorted(files)


def shipped_names(folder: Path) -> list[str]:
    """Paths (relative, with "/") of the data files in ``folder``, which the manifest lists."""
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file()
        and path.name not in NOT_DATA
        and not any(part.startswith((".", "__")) for part in path.relative_to(folder).parts)
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m seqlab.datasets.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=_CHECKOUT,
        help="the data folder to write into (default: %(default)s)",
    )
    folder = parser.parse_args(argv).out
    for name in write_corpora(folder):
        print(f"wrote {folder / name} ({(folder / name).stat().st_size:,} bytes)")
    print(f"wrote {folder / MANIFEST_NAME}")


if __name__ == "__main__":
    main()
