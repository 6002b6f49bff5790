"""Real text for character-level models: Python's own source code, and Shakespeare.

``load_python_source()`` needs nothing but Python: it reads a fixed selection of
pure-Python standard-library modules from the interpreter that runs it.
``fetch_shakespeare()`` downloads tiny-shakespeare into the cache folder.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path

import numpy as np

from seqlab.datasets._registry import DatasetInfo, register
from seqlab.datasets.download import fetch_file

# Pure-Python modules present in CPython 3.10 to 3.13, none of them frozen into
# the interpreter and none a thin wrapper over a C module, all plain ASCII in
# Python 3.11 (a small character vocabulary). Alphabetical, so the validation
# and test text are the last modules of the list.
PYTHON_SOURCE_MODULES = (
    "argparse",
    "ast",
    "base64",
    "bisect",
    "calendar",
    "collections",
    "configparser",
    "contextlib",
    "copy",
    "csv",
    "dataclasses",
    "difflib",
    "dis",
    "enum",
    "gettext",
    "glob",
    "gzip",
    "html.parser",
    "http.client",
    "inspect",
    "json.decoder",
    "json.encoder",
    "logging",
    "numbers",
    "operator",
    "optparse",
    "pickle",
    "pprint",
    "queue",
    "random",
    "selectors",
    "shutil",
    "string",
    "tempfile",
    "textwrap",
    "threading",
    "timeit",
    "tokenize",
    "traceback",
    "typing",
    "warnings",
    "weakref",
)

PYTHON_SOURCE_FRACTIONS = (0.8, 0.1, 0.1)

SHAKESPEARE_URL = (
    "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"
)
SHAKESPEARE_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"


def _module_source(name: str) -> str:
    """The source of standard-library module ``name``, after a line naming its file."""
    spec = importlib.util.find_spec(name)
    origin = Path(spec.origin) if spec is not None and spec.origin else None
    if origin is None or origin.suffix != ".py" or not origin.is_file():
        raise FileNotFoundError(
            f"The source of the standard-library module {name!r} is not available "
            f"(found {origin}). This Python installation ships without its .py files; "
            "install a full Python (python.org, conda, or your system's python3) to use "
            "load_python_source()."
        )
    relative = name.replace(".", "/") + ("/__init__.py" if origin.name == "__init__.py" else ".py")
    source = origin.read_text(encoding="utf-8")
    return f"# ===== file: {relative} =====\n{source.rstrip()}\n\n"


@cache
def load_python_source() -> tuple[str, str, str]:
    """Source code of 42 Python standard-library modules, for character-level models.

    The modules in ``PYTHON_SOURCE_MODULES`` are read from the running Python
    (located with ``importlib.util.find_spec``, never imported), each after a
    separator line ``# ===== file: json/decoder.py =====``, and concatenated in
    that order. The text is cut between files, never inside one, at the file
    boundaries nearest to 80 % and 90 % of the characters.

    Returns:
        ``(train, val, test)``: three str. With Python 3.11 they hold 1.31 M,
        0.16 M and 0.16 M characters (1.63 M in all, 1.6 MB, 96 distinct
        characters, all ASCII); validation is ``textwrap.py`` to
        ``traceback.py``, test ``typing.py`` to ``weakref.py``.
        The standard library changes a little with every Python release, so the
        text, and these numbers, differ slightly between Python versions.

    Raises:
        FileNotFoundError: this Python ships without the modules' ``.py`` files.
    """
    sources = [_module_source(name) for name in PYTHON_SOURCE_MODULES]
    ends = np.cumsum([len(source) for source in sources])
    targets = np.cumsum(PYTHON_SOURCE_FRACTIONS)[:-1] * ends[-1]
    cuts = [0, *(int(np.abs(ends - target).argmin()) + 1 for target in targets), len(sources)]
    train, val, test = ("".join(sources[a:b]) for a, b in zip(cuts[:-1], cuts[1:], strict=True))
    return train, val, test


def fetch_shakespeare(
    data_home: str | os.PathLike | None = None,
    url: str | None = None,
    mirror: str | os.PathLike | None = None,
) -> str:
    """Tiny-shakespeare: 1,115,394 characters of Shakespeare's plays, downloaded once.

    The file comes from Andrej Karpathy's char-rnn repository, is checked
    against its sha256 and kept in the cache folder (see
    ``seqlab.datasets.get_data_home``), so later calls do not use the network.

    Args:
        data_home: the cache folder; see ``seqlab.datasets.get_data_home``.
        url: where to download it from instead of ``SHAKESPEARE_URL`` (the same file).
        mirror: a base URL or local folder holding ``input.txt`` (default: the
            ``SEQLAB_MIRROR`` environment variable); see ``seqlab.datasets.download``.

    Returns:
        the whole text as one str; split it yourself, e.g. the first 90 % for
        training.

    Raises:
        DownloadError: offline, or the download failed; the message names
            ``load_python_source()``, the text that needs no download.
    """
    path = fetch_file(
        url or SHAKESPEARE_URL,
        SHAKESPEARE_SHA256,
        "tinyshakespeare.txt",
        data_home=data_home,
        alternative="seqlab.datasets.load_python_source()",
        mirror=mirror,
    )
    return path.read_text(encoding="utf-8")


register(
    DatasetInfo(
        name="python_source",
        title="Source code of 42 pure-Python standard-library modules",
        origin="standard library",
        source=(
            "The CPython standard library of the running interpreter (argparse.py ... "
            "weakref.py, listed in seqlab.datasets.text.PYTHON_SOURCE_MODULES)."
        ),
        license="Python Software Foundation License Version 2",
        size=(
            "1.63 M characters (1.6 MB) with Python 3.11: train 1.31 M, val 0.16 M, test 0.16 M, "
            "split between files; 96 distinct characters, all ASCII; varies slightly with the "
            "Python version"
        ),
        fields={
            "train, val, test": "str, Python source; each file after '# ===== file: NAME ====='",
        },
        used_in="10 text generation: a character-level RNN that writes code; 01 sequence data",
        loader="load_python_source()",
    )
)

register(
    DatasetInfo(
        name="shakespeare",
        title="Tiny-shakespeare: 40,000 lines from Shakespeare's plays",
        origin="download",
        source=f"Andrej Karpathy's char-rnn repository, {SHAKESPEARE_URL}",
        license="The plays are in the public domain; char-rnn, which prepared the file, is MIT",
        size="1,115,394 characters (1.1 MB), 65 distinct characters",
        fields={"text": "str, the plays' dialogue with speaker names, plain ASCII"},
        used_in="10 text generation (optional): the classic character-level corpus",
        loader="fetch_shakespeare()",
    )
)
