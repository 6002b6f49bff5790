"""The IMDB movie reviews: the real ``aclImdb/`` folder, its download, and ``keras.datasets.imdb``.

None of this is needed offline: the course's sentiment lessons run on the
bundled ``load_sentiment()`` corpus, and these functions let the same code run
on the real reviews.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
import urllib.error
from pathlib import Path

import numpy as np

from seqlab.datasets._registry import DatasetInfo, check_choice, register
from seqlab.datasets.download import DownloadError, fetch_file, get_data_home

ACLIMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
ACLIMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
ACLIMDB_SPLITS = ("train", "test")
LABELS = {"neg": 0, "pos": 1}
BUNDLED_ALTERNATIVE = "seqlab.datasets.load_sentiment()"


def load_aclimdb(path: str | os.PathLike, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Read the labelled reviews of one split of an ``aclImdb/`` folder.

    The folder is the one in ``aclImdb_v1.tar.gz``: ``{train,test}/{pos,neg}/``
    hold one review a file, named ``<number>_<stars>.txt``. The unlabelled
    ``train/unsup/`` reviews are not read.

    Args:
        path: the ``aclImdb`` folder, e.g. ``fetch_imdb()``.
        split: ``"train"`` or ``"test"``.

    Returns:
        ``(texts, labels)``: ``texts`` a 1-D object array of str, the reviews as
        written (with their ``<br />`` tags), and ``labels`` a 1-D int64 array,
        0 for negative and 1 for positive. The order is deterministic: by
        review number, and for the same number the negative review first, so
        the classes are interleaved (the full dataset has 12,500 of each per
        split).

    Raises:
        ValueError: ``split`` is not ``"train"`` or ``"test"``.
        FileNotFoundError: the folder lacks ``<split>/pos`` or ``<split>/neg``.
    """
    check_choice(split, ACLIMDB_SPLITS)
    root = Path(path)
    reviews = []
    for label_name, label in LABELS.items():
        folder = root / split / label_name
        if not folder.is_dir():
            raise FileNotFoundError(
                f"{folder} is missing: {root} is not an aclImdb folder (it needs "
                f"{split}/pos and {split}/neg). Download it with seqlab.datasets.fetch_imdb()."
            )
        for file in folder.glob("*.txt"):
            number = int(file.stem.split("_")[0])
            reviews.append((number, label, file.read_text(encoding="utf-8")))
    reviews.sort(key=lambda review: review[:2])
    texts = np.array([text for _, _, text in reviews], dtype=object)
    labels = np.array([label for _, label, _ in reviews], dtype=np.int64)
    return texts, labels


def fetch_imdb(
    data_home: str | os.PathLike | None = None,
    url: str | None = None,
    mirror: str | os.PathLike | None = None,
) -> Path:
    """Download the aclImdb archive (84 MB) once, extract it in the cache folder, return the folder.

    Args:
        data_home: the cache folder; see ``get_data_home``.
        url: where to download it from instead of ``ACLIMDB_URL`` (the same file).
        mirror: a base URL or local folder holding ``aclImdb_v1.tar.gz`` (default: the
            ``SEQLAB_MIRROR`` environment variable); see ``seqlab.datasets.download``.

    Returns:
        the path of ``aclImdb/`` in the cache folder (see ``get_data_home``),
        ready for ``load_aclimdb``. Later calls return it without downloading.

    Raises:
        DownloadError: offline or the download failed (the message names
            ``seqlab.datasets.load_sentiment()``, which needs no network), or
            the archive holds no ``aclImdb/`` folder.
    """
    home = get_data_home(data_home)
    folder = home / "aclImdb"
    if (folder / "train").is_dir() and (folder / "test").is_dir():
        return folder
    archive = fetch_file(
        url or ACLIMDB_URL,
        ACLIMDB_SHA256,
        "aclImdb_v1.tar.gz",
        home,
        alternative=BUNDLED_ALTERNATIVE,
        mirror=mirror,
    )
    # Extract next to the final folder, then move it into place in one step, so an
    # interrupted extraction never leaves a half-filled aclImdb/.
    with tempfile.TemporaryDirectory(dir=home, prefix=".aclImdb.") as scratch:
        with tarfile.open(archive) as tar:
            _extract_all(tar, scratch)
        extracted = Path(scratch) / "aclImdb"
        if not extracted.is_dir():
            raise DownloadError(f"{archive} holds no aclImdb/ folder; delete it and retry.")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(extracted, folder)
    return folder


def _extract_all(tar: tarfile.TarFile, destination: str) -> None:
    if hasattr(tarfile, "data_filter"):  # Python 3.12, and 3.10.12 / 3.11.4 onwards
        tar.extractall(destination, filter="data")
    else:
        tar.extractall(destination)  # the archive's sha256 was verified


def load_imdb(**kwargs):
    """``keras.datasets.imdb.load_data(**kwargs)``, with a clear error when offline.

    Keras downloads ``imdb.npz`` (17 MB) into its own cache folder (by default
    ``~/.keras/datasets``) on first use. The reviews come as lists of word
    indices, most frequent word first: ``(x_train, y_train), (x_test, y_test)``.

    Raises:
        DownloadError: the file is not in Keras's cache and the network is
            unreachable; the message names ``seqlab.datasets.load_sentiment()``.
    """
    import keras

    try:
        return keras.datasets.imdb.load_data(**kwargs)
    except Exception as error:
        if not _caused_by_network(error):
            raise
        raise DownloadError(
            "keras.datasets.imdb needs to download imdb.npz, which is not in Keras's cache "
            f"folder (by default ~/.keras/datasets), and the network is unreachable ({error}). "
            f"Use the bundled sentiment corpus instead: {BUNDLED_ALTERNATIVE}."
        ) from error


def _caused_by_network(error: BaseException | None) -> bool:
    """Whether ``error``, or an error it was raised from, is urllib failing to connect."""
    while error is not None:
        if isinstance(error, urllib.error.URLError) and not isinstance(
            error, urllib.error.HTTPError
        ):
            return True
        error = error.__cause__ or error.__context__
    return False


register(
    DatasetInfo(
        name="imdb",
        title="Large Movie Review Dataset: 50,000 IMDB reviews labelled positive or negative",
        origin="download",
        source=(
            "Maas et al., 'Learning Word Vectors for Sentiment Analysis', ACL 2011; "
            f"{ACLIMDB_URL}. Also as word indices through keras.datasets.imdb."
        ),
        license=(
            "No license stated; distributed by Stanford for research, cite Maas et al. (2011). "
            "The reviews' text belongs to their IMDB authors."
        ),
        size=(
            "25,000 train + 25,000 test reviews, 12,500 positive and 12,500 negative in each, "
            "plus 50,000 unlabelled; archive 84 MB (84,125,825 bytes)"
        ),
        fields={
            "texts": "object array of str, one review each, with <br /> tags",
            "labels": "int64 array, 0 negative (<= 4 stars of 10), 1 positive (>= 7 stars)",
        },
        used_in="08 sentiment (optional): the real reviews next to the bundled corpus",
        loader='fetch_imdb() then load_aclimdb(path, split="train"); or load_imdb()',
    )
)
