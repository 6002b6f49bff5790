"""The download path: a cache folder, sha256 verification, atomic writes.

Data that does not ship with the course (IMDB, tiny-shakespeare) is fetched once
into the cache folder, ``SEQLAB_DATA`` or ``~/.seqlab``, and reused from there.
A file only ever appears under its final name complete and verified: it is
written to a temporary file in the same folder, checked, then moved into place
with ``os.replace``.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from seqlab.datasets._files import sha256_of

DATA_HOME_VARIABLE = "SEQLAB_DATA"
DEFAULT_DATA_HOME = "~/.seqlab"

_BLOCK_SIZE = 1 << 16
_TIMEOUT_S = 30


class DownloadError(OSError):
    """A download failed: no network, a dropped connection, or a checksum mismatch."""


def get_data_home(data_home: str | os.PathLike | None = None) -> Path:
    """The cache folder for downloaded data, created if missing.

    ``data_home`` when given, else the ``SEQLAB_DATA`` environment variable, else
    ``~/.seqlab``.
    """
    folder = data_home or os.environ.get(DATA_HOME_VARIABLE) or DEFAULT_DATA_HOME
    path = Path(folder).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetch_file(
    url: str,
    sha256: str,
    filename: str,
    data_home: str | os.PathLike | None = None,
    alternative: str | None = None,
) -> Path:
    """Return the path of ``filename`` in the cache folder, downloading it from ``url`` if needed.

    A cached file whose sha256 matches is reused without touching the network.
    Otherwise the file is downloaded with a progress line on stderr, verified,
    and moved into place atomically; on any failure no file is left under
    ``filename`` and no temporary file is left behind.

    Args:
        url: where to download the file from.
        sha256: the expected sha256 of the file, 64 hex digits.
        filename: the file's name inside the cache folder.
        data_home: the cache folder; see ``get_data_home``.
        alternative: what to use instead when offline, e.g.
            ``"seqlab.datasets.load_sentiment()"``; named in the offline error.

    Raises:
        DownloadError: the server is unreachable (the message names
            ``alternative``), answered with an HTTP error, the connection dropped
            before the whole file arrived, or the file's sha256 is not ``sha256``.
    """
    target = get_data_home(data_home) / filename
    if target.is_file():
        if sha256_of(target) == sha256.lower():
            return target
        target.unlink()  # a stale or damaged copy: download it afresh

    descriptor, partial_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{filename}.", suffix=".part"
    )
    partial = Path(partial_name)
    try:
        with os.fdopen(descriptor, "wb") as out:
            digest = _download(url, out, filename, alternative)
        if digest != sha256.lower():
            raise DownloadError(
                f"The download of {filename} from {url} is corrupted: its sha256 is "
                f"{digest}, expected {sha256}. The file was deleted; retry the download, "
                "and if it fails again the file at the URL has changed."
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _download(url: str, out, filename: str, alternative: str | None) -> str:
    """Stream ``url`` into the open binary file ``out``; return the sha256 of what was written."""
    try:
        response = urllib.request.urlopen(url, timeout=_TIMEOUT_S)
    except urllib.error.HTTPError as error:
        raise DownloadError(
            f"Could not download {filename}: {url} answered HTTP {error.code} {error.reason}."
        ) from error
    except (urllib.error.URLError, TimeoutError) as error:
        instead = f" Without a network, use {alternative} instead." if alternative else ""
        raise DownloadError(
            f"Could not download {filename} from {url}: the server is unreachable "
            f"({getattr(error, 'reason', error)}). Check the network connection and retry."
            f"{instead}"
        ) from error

    digest = hashlib.sha256()
    with response:
        expected = int(response.headers.get("Content-Length") or 0) or None
        progress = _Progress(filename, expected)
        received = 0
        try:
            while block := _read(response, url, filename, received):
                out.write(block)
                digest.update(block)
                received += len(block)
                progress.update(received)
        finally:
            progress.close()
    # http.client returns a short body without an error when the server closes early.
    if expected is not None and received < expected:
        raise DownloadError(
            f"The download of {filename} from {url} broke off after {received} of "
            f"{expected} bytes. Nothing was saved; retry the download."
        )
    return digest.hexdigest()


def _read(response, url: str, filename: str, received: int) -> bytes:
    try:
        return response.read(_BLOCK_SIZE)
    except (OSError, http.client.HTTPException) as error:
        raise DownloadError(
            f"The download of {filename} from {url} broke off after {received} bytes "
            f"({error!r}). Nothing was saved; retry the download."
        ) from error


class _Progress:
    """A one-line text progress bar on stderr, redrawn at most every 0.2 s."""

    def __init__(self, filename: str, total: int | None):
        self.filename, self.total = filename, total
        self.last_draw = 0.0
        self.received = 0

    def update(self, received: int) -> None:
        self.received = received
        now = time.monotonic()
        if now - self.last_draw >= 0.2:
            self.last_draw = now
            self._draw()

    def close(self) -> None:
        self._draw()
        sys.stderr.write("\n")
        sys.stderr.flush()

    def _draw(self) -> None:
        done = f"{self.received / 1e6:.1f} MB"
        if self.total:
            fraction = self.received / self.total
            bar = "#" * int(30 * fraction)
            done = f"[{bar:<30}] {done} of {self.total / 1e6:.1f} MB ({fraction:.0%})"
        sys.stderr.write(f"\rDownloading {self.filename}: {done}")
        sys.stderr.flush()
