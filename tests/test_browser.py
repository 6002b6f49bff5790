"""A student's first run, in a real browser: JupyterLab, notebook 01, then a lab's first check.

JupyterLab serves copies of the notebooks on 127.0.0.1 with a token; headless Chromium (Debian's
``chromium``, driven by Playwright) opens them, runs every cell from the Run menu and reads what
the student would see. Screenshots go to ``tests/artifacts/browser/``. Without Chromium the test
is skipped with a message, except on CI (``SEQLAB_REQUIRE_BROWSER=1``), where it must run.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_notebooks import STARTUP_LOG

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "tests" / "artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LECTURE = "01_sequence_data.ipynb"
LAB = "02_one_hot_encoding.ipynb"
# Flags for a headless Chromium on a machine without a network or a display.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

if CHROMIUM is None and os.environ.get("SEQLAB_REQUIRE_BROWSER") != "1":
    pytest.skip(
        "Chromium is not installed, so the browser test is skipped "
        "(Debian/Ubuntu: apt-get install chromium)",
        allow_module_level=True,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """URL and token of a JupyterLab serving copies of one lecture and one lab."""
    assert CHROMIUM, "SEQLAB_REQUIRE_BROWSER=1 but no chromium on PATH: apt-get install chromium"
    home = tmp_path_factory.mktemp("student")
    course = home / "course"
    course.mkdir()
    shutil.copy(ROOT / "notebooks" / LECTURE, course / LECTURE)
    shutil.copy(ROOT / "labs" / LAB, course / LAB)
    # Cells stay in the page while scrolled away, so their text can be read.
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # No "would you like news?" toast over the notebook (the machine is offline anyway).
    notification = home / "settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false"})
    )
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={course}", f"--LabApp.user_settings_dir={home / 'settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    log = (home / "server.log").open("w")
    server = subprocess.Popen(command, cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "JupyterLab did not start:\n" + (home / "server.log").read_text()
                    ) from None
                time.sleep(0.5)
        yield url, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page for each test: one notebook per JupyterLab window, as a student opens it."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    yield page
    page.close()


VISIBLE = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def _open(page, jupyterlab, name):
    url, token = jupyterlab
    # A workspace of its own, reset: JupyterLab restores no tab another test left open, so the
    # status bar and the kernel are this notebook's.
    workspace = Path(name).stem.replace("_", "-")
    page.goto(f"{url}/lab/workspaces/{workspace}/tree/{name}?reset&token={token}")
    page.locator(f"{VISIBLE} .jp-Notebook").wait_for()
    # The kernel starts by itself, without a kernel-selection dialog, and it is seqlab's.
    page.wait_for_function(
        rf"""() => {{
            const panel = document.querySelector('{VISIBLE}');
            const kernel = panel?.querySelector('.jp-Toolbar-kernelName');
            const status = panel?.querySelector('.jp-Notebook-ExecutionIndicator');
            const bar = document.body.textContent;
            return kernel?.textContent.includes('Python (seqlab)')
                && status?.getAttribute('data-status') === 'idle'
                && /Python \(seqlab\) \| Idle/.test(bar);
        }}""",
        timeout=120_000,
    )
    dialogs = page.locator(".jp-Dialog")
    assert dialogs.count() == 0, f"a dialog asks the student: {dialogs.first.text_content()}"


def _run_all(page, timeout_ms):
    """Run > Run All Cells, then wait until the kernel is idle and no cell shows [*]."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
    page.locator("li[data-command='runmenu:run-all']").click()
    page.wait_for_timeout(1000)
    dialogs = page.locator(".jp-Dialog")
    assert dialogs.count() == 0, f"a dialog asks the student: {dialogs.first.text_content()}"
    page.wait_for_function(
        r"""() => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
            const outputs = panel.querySelectorAll('.jp-OutputArea-output');
            return prompts.some(p => /\[\d+\]/.test(p.textContent))
                && outputs.length > 0
                && status?.getAttribute('data-status') === 'idle'
                && !prompts.some(p => p.textContent.includes('[*]'));
        }""",
        timeout=timeout_ms,
    )


def _prompts(page):
    return page.locator(f"{VISIBLE} .jp-CodeCell .jp-InputPrompt").evaluate_all(
        "els => els.map(e => e.textContent.trim())"
    )


def _screenshots(page, name):
    """Screenshots of the whole notebook, scrolled a screen at a time (the page itself does not
    scroll: the notebook scrolls inside its panel)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    scroller = f"{VISIBLE} .jp-WindowedPanel-outer"
    height = page.eval_on_selector(scroller, "e => e.scrollHeight")
    view = page.eval_on_selector(scroller, "e => e.clientHeight")
    paths = []
    for index, top in enumerate(range(0, max(height, 1), max(view, 1))):
        page.eval_on_selector(scroller, f"e => e.scrollTo(0, {top})")
        page.wait_for_timeout(200)
        path = SHOTS / f"{Path(name).stem}-{index:02d}.png"
        page.screenshot(path=str(path))
        paths.append(path)
    page.eval_on_selector(scroller, "e => e.scrollTo(0, 0)")
    return paths


def _committed_figures(path: Path) -> int:
    cells = json.loads(path.read_text())["cells"]
    return sum("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", []))


def test_only_the_seqlab_kernel_is_offered(jupyterlab):
    url, token = jupyterlab
    with urllib.request.urlopen(f"{url}/api/kernelspecs?token={token}", timeout=30) as answer:
        specs = json.load(answer)
    assert specs["default"] == "seqlab"
    assert list(specs["kernelspecs"]) == ["seqlab"], "the launcher would offer a second kernel"


def test_lecture_runs_clean_in_the_browser(page, jupyterlab):
    _open(page, jupyterlab, LECTURE)
    _run_all(page, timeout_ms=600_000)
    prompts = _prompts(page)
    assert all(re.fullmatch(r"\[\d+\]:", prompt) for prompt in prompts), prompts
    outputs = page.locator(f"{VISIBLE} .jp-OutputArea-output")
    texts = [text or "" for text in outputs.evaluate_all("els => els.map(e => e.textContent)")]
    _screenshots(page, LECTURE)
    assert texts, "no cell produced an output"
    for text in texts:
        assert "Traceback" not in text, text[-2000:]
        found = STARTUP_LOG.search(text)
        assert not found, f"start-up log line shown to the student: {found[0]!r}"
    figures = page.locator(f"{VISIBLE} .jp-RenderedImage img")
    rendered = figures.evaluate_all("els => els.filter(e => e.complete && e.naturalWidth > 0)")
    assert len(rendered) == _committed_figures(ROOT / "notebooks" / LECTURE) > 0


def test_lab_tells_the_student_what_is_not_done_yet(page, jupyterlab):
    _open(page, jupyterlab, LAB)
    _run_all(page, timeout_ms=300_000)
    outputs = page.locator(f"{VISIBLE} .jp-OutputArea-output")
    text = "\n".join(outputs.evaluate_all("els => els.map(e => e.textContent)"))
    _screenshots(page, LAB)
    assert "q1: build_vocabulary is not implemented yet." in text, text[:3000]
    assert "replace the `raise NotImplementedError` line with your code" in text
