"""The download path: a cache folder, sha256 verification, atomic writes.

Data that does not ship with the course (IMDB, tiny-shakespeare) is fetched once
into the cache folder, ``SEQLAB_DATA`` or ``~/.seqlab``, and reused from there.
A file only ever appears under its final name complete and verified: it is
written to a temporary file in the same folder, checked, then moved into place
with ``os.replace``. A cached file that fails its check is kept until a verified
copy replaces it, so an offline machine never loses it to a failed retry.

Where the files come from can be changed without touching code:

- ``mirror=`` (an argument of ``fetch_file`` and of every ``fetch_*`` function) or
  the ``SEQLAB_MIRROR`` environment variable: a base URL (``https://host/course-data``)
  or a local folder, holding each file under the name it has in its original URL
  (``input.txt``, ``aclImdb_v1.tar.gz``). For an instructor hosting the files for a
  class, or a machine behind a proxy with a shared drive. The argument wins over
  the variable.
- ``url=`` (an argument of every ``fetch_*`` function): the full address of that one file.

Either way the file must have the expected sha256.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from seqlab.datasets._files import sha256_of

DATA_HOME_VARIABLE = "SEQLAB_DATA"
MIRROR_VARIABLE = "SEQLAB_MIRROR"
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


def source_url(url: str, mirror: str | os.PathLike | None = None) -> str:
    """The address a file is downloaded from: ``url``, or its file name under the mirror.

    ``mirror`` when given, else the ``SEQLAB_MIRROR`` environment variable, else none.
    A mirror is a base URL (``http://``, ``https://``, ``file://``) or a local folder.
    """
    mirror = mirror or os.environ.get(MIRROR_VARIABLE)
    if not mirror:
        return url
    name = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1]
    mirror = str(mirror)
    if "://" in mirror:
        return f"{mirror.rstrip('/')}/{name}"
    folder = Path(mirror).expanduser().resolve()
    if not (folder / name).is_file():
        raise DownloadError(
            f"The mirror folder {folder} (from {MIRROR_VARIABLE} or mirror=) has no file "
            f"{name}. Put the file there under that name, or unset the mirror."
        )
    return (folder / name).as_uri()


def fetch_file(
    url: str,
    sha256: str,
    filename: str,
    data_home: str | os.PathLike | None = None,
    alternative: str | None = None,
    mirror: str | os.PathLike | None = None,
) -> Path:
    """Return the path of ``filename`` in the cache folder, downloading it from ``url`` if needed.

    A cached file whose sha256 matches is reused without touching the network.
    Otherwise the file is downloaded with a progress line on stderr, verified,
    and moved into place atomically, replacing the cached copy only then; on
    any failure the cached copy, if any, stays as it was, and no temporary file
    is left behind.

    Args:
        url: where to download the file from.
        sha256: the expected sha256 of the file, 64 hex digits.
        filename: the file's name inside the cache folder.
        data_home: the cache folder; see ``get_data_home``.
        alternative: what to use instead when offline, e.g.
            ``"seqlab.datasets.load_sentiment()"``; named in the offline error.
        mirror: a base URL or local folder to download from instead of ``url``'s
            host (default: the ``SEQLAB_MIRROR`` environment variable); see
            ``source_url``.

    Raises:
        DownloadError: the server is unreachable (the message names
            ``alternative``), answered with an HTTP error, the connection dropped
            before the whole file arrived, or the file's sha256 is not ``sha256``.
            With a damaged cached copy, the message also says what is wrong with
            it and how to replace it by hand.
    """
    target = get_data_home(data_home) / filename
    cached_digest = None
    if target.is_file():
        cached_digest = sha256_of(target)
        if cached_digest == sha256.lower():
            return target
    try:
        source = source_url(url, mirror)
        _download_into_place(source, sha256, target, alternative)
    except DownloadError as error:
        if cached_digest is None:
            raise
        raise DownloadError(
            f"{error}\nThe cached copy {target} is damaged or out of date: its sha256 is "
            f"{cached_digest} ({target.stat().st_size:,} bytes), expected {sha256}. It was "
            f"kept. To replace it by hand, download {url} on a machine with a network, check "
            f"that `sha256sum` prints {sha256}, and copy it to {target} (or into a folder "
            f"named by {MIRROR_VARIABLE})."
        ) from error
    return target


def _download_into_place(url: str, sha256: str, target: Path, alternative: str | None) -> None:
    """Download ``url`` to a temporary file next to ``target``, verify it, move it into place."""
    filename = target.name
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
                f"{digest}, expected {sha256}. Nothing was saved; retry the download, "
                "and if it fails again the file at the URL has changed."
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


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
