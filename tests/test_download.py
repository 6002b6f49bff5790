"""The download path, against a local HTTP server on 127.0.0.1 (never the network)."""

import hashlib
import io
import socket
import tarfile
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import seqlab.datasets as datasets
from seqlab.datasets import imdb, text

SHAKESPEARE = (
    "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n"
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def aclimdb_archive() -> bytes:
    """A tar.gz laid out like aclImdb_v1.tar.gz, with two reviews per labelled folder."""
    reviews = {
        "aclImdb/README": "Large Movie Review Dataset v1.0\n",
        "aclImdb/train/pos/0_9.txt": "A wonderful film.",
        "aclImdb/train/pos/1_8.txt": "Not bad at all, good in fact.",
        "aclImdb/train/neg/0_1.txt": "Good actors, but a bad film.",
        "aclImdb/train/neg/1_3.txt": "Dull.",
        "aclImdb/test/pos/0_10.txt": "Superb.",
        "aclImdb/test/neg/0_2.txt": "Awful.",
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, review in reviews.items():
            data = review.encode()
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


class Handler(BaseHTTPRequestHandler):
    """Serves ``server.files``: path -> body; a path under /truncated/ stops halfway."""

    def do_GET(self):
        self.server.requests.append(self.path)
        body = self.server.files.get(self.path.removeprefix("/truncated"))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path.startswith("/truncated/"):
            body = body[: len(body) // 2]  # then the connection closes
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("no_proxy", "*")  # 127.0.0.1 directly, whatever proxy is configured
    monkeypatch.delenv("SEQLAB_MIRROR", raising=False)  # nor a mirror set for the real files
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.files = {"/input.txt": SHAKESPEARE.encode(), "/aclImdb_v1.tar.gz": aclimdb_archive()}
    httpd.requests = []
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def unreachable_url(monkeypatch):
    """A URL on 127.0.0.1 at a port nothing listens on."""
    monkeypatch.delenv("SEQLAB_MIRROR", raising=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/input.txt"


def test_download_is_verified_cached_and_reused(server, tmp_path, capsys):
    body = server.files["/input.txt"]
    path = datasets.fetch_file(f"{server.url}/input.txt", sha256(body), "shakespeare.txt", tmp_path)
    assert path == tmp_path / "shakespeare.txt" and path.read_bytes() == body
    assert "Downloading shakespeare.txt" in capsys.readouterr().err
    again = datasets.fetch_file(
        f"{server.url}/input.txt", sha256(body), "shakespeare.txt", tmp_path
    )
    assert again == path and server.requests == ["/input.txt"]  # the second call stayed offline
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shakespeare.txt"]


def test_a_damaged_cached_file_is_downloaded_again(server, tmp_path):
    body = server.files["/input.txt"]
    (tmp_path / "shakespeare.txt").write_bytes(body[:10])
    path = datasets.fetch_file(f"{server.url}/input.txt", sha256(body), "shakespeare.txt", tmp_path)
    assert path.read_bytes() == body and server.requests == ["/input.txt"]


def test_a_damaged_cached_file_is_kept_when_the_replacement_fails(unreachable_url, tmp_path):
    cached = tmp_path / "shakespeare.txt"
    cached.write_bytes(b"half a file")
    with pytest.raises(datasets.DownloadError) as raised:
        datasets.fetch_file(unreachable_url, "ab" * 32, "shakespeare.txt", tmp_path)
    message = str(raised.value)
    assert "unreachable" in message  # why the replacement failed
    assert f"cached copy {cached} is damaged" in message and f"{sha256(b'half a file')}" in message
    assert "11 bytes" in message and "expected " + "ab" * 32 in message  # what is wrong with it
    assert "sha256sum" in message and f"copy it to {cached}" in message  # how to replace it
    assert cached.read_bytes() == b"half a file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shakespeare.txt"]


def test_a_damaged_cached_file_is_kept_when_the_download_is_corrupted_too(server, tmp_path):
    cached = tmp_path / "shakespeare.txt"
    cached.write_bytes(b"old")
    with pytest.raises(datasets.DownloadError, match=r"(?s)corrupted.*cached copy .* kept"):
        datasets.fetch_file(f"{server.url}/input.txt", "0" * 64, "shakespeare.txt", tmp_path)
    assert cached.read_bytes() == b"old" and len(list(tmp_path.iterdir())) == 1


def test_checksum_mismatch_raises_and_leaves_no_file(server, tmp_path):
    with pytest.raises(datasets.DownloadError, match=r"shakespeare\.txt .*corrupted.*retry"):
        datasets.fetch_file(f"{server.url}/input.txt", "0" * 64, "shakespeare.txt", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_dropped_connection_raises_and_leaves_no_partial_file(server, tmp_path):
    body = server.files["/input.txt"]
    url = f"{server.url}/truncated/input.txt"
    with pytest.raises(
        datasets.DownloadError, match=rf"broke off after {len(body) // 2} of {len(body)} bytes"
    ):
        datasets.fetch_file(url, sha256(body), "shakespeare.txt", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_http_error_is_reported_with_its_status(server, tmp_path):
    with pytest.raises(datasets.DownloadError, match="HTTP 404"):
        datasets.fetch_file(f"{server.url}/missing.txt", "0" * 64, "missing.txt", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_server_names_the_bundled_alternative(unreachable_url, tmp_path):
    with pytest.raises(
        datasets.DownloadError, match=r"unreachable.*use seqlab\.datasets\.load_python_source\(\)"
    ):
        datasets.fetch_file(
            unreachable_url,
            "0" * 64,
            "input.txt",
            tmp_path,
            alternative="seqlab.datasets.load_python_source()",
        )
    assert list(tmp_path.iterdir()) == []


def test_mirror_argument_replaces_the_host_and_keeps_the_file_name(server, tmp_path, monkeypatch):
    body = server.files["/input.txt"]
    upstream = "https://example.invalid/karpathy/data/input.txt"  # never contacted
    path = datasets.fetch_file(upstream, sha256(body), "shakespeare.txt", tmp_path,
                               mirror=f"{server.url}/")
    assert path.read_bytes() == body and server.requests == ["/input.txt"]


def test_mirror_environment_variable_and_the_argument_wins(server, tmp_path, monkeypatch):
    body = server.files["/input.txt"]
    monkeypatch.setenv("SEQLAB_MIRROR", server.url)
    path = datasets.fetch_file("https://example.invalid/input.txt", sha256(body), "a.txt", tmp_path)
    assert path.read_bytes() == body and server.requests == ["/input.txt"]
    monkeypatch.setenv("SEQLAB_MIRROR", "http://127.0.0.1:9/nothing-here")
    path = datasets.fetch_file("https://example.invalid/input.txt", sha256(body), "b.txt", tmp_path,
                               mirror=server.url)
    assert path.read_bytes() == body and server.requests == ["/input.txt"] * 2


def test_mirror_can_be_a_local_folder(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "input.txt").write_text(SHAKESPEARE, encoding="utf-8")
    monkeypatch.setenv("SEQLAB_MIRROR", str(shared))
    monkeypatch.setattr(text, "SHAKESPEARE_SHA256", sha256(SHAKESPEARE.encode()))
    assert datasets.fetch_shakespeare(tmp_path / "cache") == SHAKESPEARE


def test_a_mirror_folder_without_the_file_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("SEQLAB_MIRROR", str(tmp_path))
    with pytest.raises(datasets.DownloadError, match=r"mirror folder .* has no file input\.txt"):
        datasets.fetch_file("https://example.invalid/input.txt", "0" * 64, "x.txt", tmp_path)


def test_fetch_functions_take_a_url(server, tmp_path, monkeypatch):
    monkeypatch.setattr(text, "SHAKESPEARE_SHA256", sha256(server.files["/input.txt"]))
    monkeypatch.setattr(imdb, "ACLIMDB_SHA256", sha256(server.files["/aclImdb_v1.tar.gz"]))
    assert datasets.fetch_shakespeare(tmp_path, url=f"{server.url}/input.txt") == SHAKESPEARE
    folder = datasets.fetch_imdb(tmp_path, url=f"{server.url}/aclImdb_v1.tar.gz")
    assert (folder / "train").is_dir()
    assert server.requests == ["/input.txt", "/aclImdb_v1.tar.gz"]


def test_seqlab_data_sets_the_cache_folder(server, tmp_path, monkeypatch):
    monkeypatch.setenv("SEQLAB_DATA", str(tmp_path / "cache"))
    body = server.files["/input.txt"]
    path = datasets.fetch_file(f"{server.url}/input.txt", sha256(body), "input.txt")
    assert (
        path == tmp_path / "cache" / "input.txt" and datasets.get_data_home() == tmp_path / "cache"
    )


def test_data_home_defaults_to_dot_seqlab_in_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SEQLAB_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert datasets.get_data_home() == tmp_path / ".seqlab"
    assert (tmp_path / ".seqlab").is_dir()


def test_fetch_shakespeare_downloads_the_text_once(server, tmp_path, monkeypatch):
    monkeypatch.setattr(text, "SHAKESPEARE_URL", f"{server.url}/input.txt")
    monkeypatch.setattr(text, "SHAKESPEARE_SHA256", sha256(server.files["/input.txt"]))
    assert datasets.fetch_shakespeare(tmp_path) == SHAKESPEARE
    assert datasets.fetch_shakespeare(tmp_path) == SHAKESPEARE
    assert len(server.requests) == 1


def test_fetch_shakespeare_offline_points_to_python_source(unreachable_url, tmp_path, monkeypatch):
    monkeypatch.setattr(text, "SHAKESPEARE_URL", unreachable_url)
    with pytest.raises(datasets.DownloadError, match=r"load_python_source\(\)"):
        datasets.fetch_shakespeare(tmp_path)


def test_fetch_imdb_downloads_extracts_and_reads(server, tmp_path, monkeypatch):
    monkeypatch.setattr(imdb, "ACLIMDB_URL", f"{server.url}/aclImdb_v1.tar.gz")
    monkeypatch.setattr(imdb, "ACLIMDB_SHA256", sha256(server.files["/aclImdb_v1.tar.gz"]))
    folder = datasets.fetch_imdb(tmp_path)
    assert folder == tmp_path / "aclImdb"
    texts, labels = datasets.load_aclimdb(folder, split="train")
    assert list(texts) == [
        "Good actors, but a bad film.",
        "A wonderful film.",
        "Dull.",
        "Not bad at all, good in fact.",
    ]
    assert labels.tolist() == [0, 1, 0, 1]
    assert datasets.fetch_imdb(tmp_path) == folder and len(server.requests) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aclImdb", "aclImdb_v1.tar.gz"]


def test_fetch_imdb_offline_points_to_load_sentiment(unreachable_url, tmp_path, monkeypatch):
    monkeypatch.setattr(imdb, "ACLIMDB_URL", unreachable_url)
    with pytest.raises(datasets.DownloadError, match=r"load_sentiment\(\)"):
        datasets.fetch_imdb(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_load_imdb_offline_without_cache_points_to_load_sentiment(monkeypatch):
    def refuse(*args, **kwargs):
        raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))

    monkeypatch.setattr(urllib.request, "urlopen", refuse)  # what keras' download calls
    with pytest.raises(datasets.DownloadError, match=r"imdb\.npz.*load_sentiment\(\)"):
        datasets.load_imdb(path="seqlab-test-not-cached-imdb.npz")


SPA_LINES = ("Go.\tVe.\tCC-BY 2.0 (France)", "Hi.\tHola.\tCC-BY")


def _spa_eng_zip(folder, lines=SPA_LINES, name="spa.txt"):
    """A small spa-eng.zip in the Anki decks' layout, and its sha256."""
    import zipfile

    path = folder / "spa-eng.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(name, "\n".join(lines) + "\n")
        archive.writestr("_about.txt", "Tatoeba")
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def test_fetch_spa_eng_verifies_unzips_and_load_spa_eng_reads_it(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    _, digest = _spa_eng_zip(mirror)
    cache = tmp_path / "cache"
    with pytest.raises(FileNotFoundError, match=r"fetch_spa_eng\(sha256=\.\.\.\)"):
        datasets.load_spa_eng(data_home=cache)
    path = datasets.fetch_spa_eng(digest.upper(), data_home=cache, mirror=mirror)
    assert path == cache / "spa-eng" / "spa.txt"
    pairs = datasets.load_spa_eng(data_home=cache)
    assert pairs.to_dict("list") == {"english": ["Go.", "Hi."], "spanish": ["Ve.", "Hola."]}


def test_fetch_spa_eng_refuses_a_wrong_checksum_and_unzips_nothing(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    _spa_eng_zip(mirror)
    cache = tmp_path / "cache"
    with pytest.raises(datasets.DownloadError, match="sha256"):
        datasets.fetch_spa_eng("0" * 64, data_home=cache, mirror=mirror)
    assert not (cache / "spa-eng").exists()
    with pytest.raises(ValueError, match="64 hexadecimal digits"):
        datasets.fetch_spa_eng("not-a-digest", data_home=cache, mirror=mirror)


def test_fetch_spa_eng_says_when_the_archive_has_no_spa_txt(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    _, digest = _spa_eng_zip(mirror, name="fra.txt")
    with pytest.raises(datasets.DownloadError, match="holds no spa.txt"):
        datasets.fetch_spa_eng(digest, data_home=tmp_path / "cache", mirror=mirror)
