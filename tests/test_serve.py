"""`cssite serve` as a user runs it: a real server process on a free port, real edits, real fetches.

From an empty folder: init, serve, fetch a page, edit the review, see the edit (and the long poll that
makes the open page reload), break a file and see the error over the last good site, fix it, stop.
A headless Chromium checks that an open page reloads itself (skipped without a browser, as in
test_browser.py).
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import run
from test_browser import CHROMIUM, _need_browser

TIMEOUT = 240  # seconds: the machine is shared and noisy; the figure that matters is in bench/serve_bench.py


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 30) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def _until(check, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except (urllib.error.URLError, ConnectionError, OSError):
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def served(tmp_path: Path):
    """A new project from `cssite init`, served by `python -m cssite serve --lang en` on a free port."""
    root = tmp_path / "handbook"
    assert run("init", root, "--languages", "en,fr").exit_code == 0
    port = _free_port()
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "cssite", "serve", "--project", str(root), "--lang", "en",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        _until(lambda: _get(base + "en/")[0] == 200 or proc.poll() is not None, "the first build")
        assert proc.poll() is None, (tmp_path / "serve.log").read_text()
        yield root, base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()
    assert proc.returncode == 0, (tmp_path / "serve.log").read_text()
    out = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in out, out
    # The site was built in a temporary folder of its own, removed when serve stopped.
    built = re.search(r"published (\S+) in", out)
    assert built and not Path(built[1]).exists() and not Path(built[1]).parent.exists(), built


def _review(root: Path) -> tuple[Path, str]:
    [path] = sorted((root / "content/reviews").glob("*/support.yml"))
    return path, f"en/reviews/{path.parent.name}/support/"


def test_serve_rebuilds_on_edit_and_shows_errors_over_the_last_good_site(served):
    root, base, proc = served
    path, page = _review(root)
    status, html = _get(base + page)
    assert status == 200 and "chat customers get a first reply within two minutes" in html
    assert not (root / "site").exists()  # serve builds elsewhere: the published site is never touched
    build = int(re.search(r"var build = (\d+);", html)[1])

    # The long poll the page's script makes: it answers when the next build is published.
    answer = {}
    waiter = threading.Thread(target=lambda: answer.update(json.loads(_get(
        base + f"__cssite__/wait?since={build}", timeout=TIMEOUT)[1])))
    waiter.start()
    path.write_text(path.read_text().replace("within two minutes", "within ninety seconds"))
    _until(lambda: "within ninety seconds" in _get(base + page)[1], "the edited review")
    waiter.join(TIMEOUT)
    assert answer == {"build": build + 1, "error": False}
    assert _get(base + "fr/")[0] == 404  # --lang en: only English is built

    # A mistake: the terminal and every page show the located error; the last good site stays up.
    cfg = root / "config/cssite.yml"
    good = cfg.read_text()
    cfg.write_text(good + "analysis: {min_n: many}\n")
    html = _until(lambda: (lambda h: h if "cssite-serve-error" in h else None)(_get(base + page)[1]), "the error")
    line = len(good.splitlines()) + 1
    assert f"config/cssite.yml:{line}: error: " in html and "min_n" in html
    assert "within ninety seconds" in html  # the last good page, under the banner

    # Saving without a change builds nothing; fixing the file clears the banner.
    before = int(re.search(r"var build = (\d+);", html)[1])
    path.write_text(path.read_text())
    time.sleep(2)
    assert int(re.search(r"var build = (\d+);", _get(base + page)[1])[1]) == before
    cfg.write_text(good)
    _until(lambda: "cssite-serve-error" not in _get(base + page)[1], "the fixed site")


def test_the_open_page_reloads_itself_in_a_browser(served):
    _need_browser()
    from playwright.sync_api import sync_playwright

    root, base, proc = served
    path, page_url = _review(root)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        page.goto(base + page_url)
        assert "two minutes" in page.inner_text("article")
        path.write_text(path.read_text().replace("within two minutes", "within forty seconds"))
        page.wait_for_function("document.body.innerText.includes('within forty seconds')", timeout=TIMEOUT * 1000)
        browser.close()  # with the page's long poll still open: the server must not print a traceback
    proc.terminate()  # `kill` stops it as cleanly as Ctrl-C
    assert proc.wait(30) == 0


def test_serve_refuses_a_language_the_project_does_not_build(tmp_path: Path):
    assert run("init", tmp_path / "h").exit_code == 0
    result = run("serve", "--project", tmp_path / "h", "--lang", "de", "--port", "0")
    assert result.exit_code == 2 and "--lang de: the project builds en" in result.output


def test_serve_refuses_a_port_in_use(tmp_path: Path):
    assert run("init", tmp_path / "h").exit_code == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        result = run("serve", "--project", tmp_path / "h", "--port", str(s.getsockname()[1]))
    assert result.exit_code == 2 and "cannot listen on 127.0.0.1" in result.output


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_python_m_cssite_serve_help():
    out = subprocess.run([sys.executable, "-m", "cssite", "serve", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "--lang" in out.stdout and "--open" in out.stdout
