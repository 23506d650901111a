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

TIMEOUT = 600  # seconds: only a hung server ever waits this long; the figure that matters is in bench/serve_bench.py
# Nothing here is timed: every wait is "until the server shows X", with a limit that only a broken serve reaches.


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 60) -> tuple[int, str]:
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


def _page(url: str, *words: str, absent: tuple[str, ...] = ()) -> str:
    """The page once it is served (200) with all `words` and none of `absent` in it."""
    def check():
        status, text = _get(url)
        return text if status == 200 and all(w in text for w in words) and not any(a in text for a in absent) \
            else None
    return _until(check, f"{url} with {words} and without {absent}")


def _build_number(html: str) -> int:
    return int(re.search(r"var build = (\d+);", html)[1])


def _save(path: Path, text: str) -> None:
    """Save as an editor that writes a new file and renames it does: the watcher never sees half a file.

    (An editor that writes in place can make serve build a half-written file; it then builds again when the
    write ends. That is correct, but it would make the build numbers below depend on the machine's speed.)
    """
    root = next(p for p in path.parents if (p / "config").is_dir())
    tmp = root.parent / f".{path.name}.{time.time_ns()}.saving"  # outside the project: nothing watches it
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@pytest.fixture
def served(tmp_path: Path):
    """A new project from `cssite init`, served by `python -m cssite serve --lang en` on a free port."""
    root = tmp_path / "handbook"
    assert run("init", root, "--languages", "en,fr").exit_code == 0
    port = _free_port()
    log_path = tmp_path / "serve.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "cssite", "serve", "--project", str(root), "--lang", "en",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        _until(lambda: _get(base + "en/")[0] == 200 or proc.poll() is not None or "Traceback" in log_path.read_text(),
               "the first build")
        assert proc.poll() is None and "Traceback" not in log_path.read_text(), log_path.read_text()
        yield root, base, proc, log_path
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
    assert proc.returncode == 0, log_path.read_text()
    out = log_path.read_text()
    assert "Traceback" not in out, out
    # The site was built in a temporary folder of its own, removed when serve stopped.
    built = re.search(r"published (\S+) in", out)
    assert built and not Path(built[1]).exists() and not Path(built[1]).parent.exists(), built


def _review(root: Path) -> tuple[Path, str]:
    [path] = sorted((root / "content/reviews").glob("*/support.yml"))
    return path, f"en/reviews/{path.parent.name}/support/"


def _rebuilt(log_path: Path) -> list[str]:
    """The files serve said it rebuilt for, in order (its "… changed, rebuilding" lines)."""
    return re.findall(r"cssite serve: (.+?) changed, rebuilding", log_path.read_text())


def test_serve_rebuilds_on_edit_and_shows_errors_over_the_last_good_site(served):
    root, base, proc, log_path = served
    path, page = _review(root)
    html = _page(base + page, "chat customers get a first reply within two minutes")
    assert not (root / "site").exists()  # serve builds elsewhere: the published site is never touched
    build = _build_number(html)

    # The long poll the page's script makes: it answers when a newer build is published (asked again, like
    # the page's script, when it answers at its time limit with the same build).
    answers: list[dict] = []

    def wait_for_next_build():
        while not answers or answers[-1]["build"] == build:
            answers.append(json.loads(_get(base + f"__cssite__/wait?since={build}", timeout=TIMEOUT)[1]))

    waiter = threading.Thread(target=wait_for_next_build, daemon=True)
    waiter.start()
    _save(path, path.read_text().replace("within two minutes", "within ninety seconds"))
    _page(base + page, "within ninety seconds")  # (its build number may still be the old one: serve swaps
    # the new site in and then counts the build, so such a page reloads once more, which is harmless)
    waiter.join(TIMEOUT)
    assert not waiter.is_alive() and answers[-1]["build"] > build and answers[-1]["error"] is False, answers
    assert _get(base + "fr/")[0] == 404  # --lang en: only English is built

    # A mistake: the terminal and every page show the located error; the last good site stays up.
    cfg = root / "config/cssite.yml"
    good = cfg.read_text()
    _save(cfg, good + "analysis: {min_n: many}\n")
    line = len(good.splitlines()) + 1
    html = _page(base + page, "cssite-serve-error", f"config/cssite.yml:{line}: error: ")
    assert "min_n" in html
    assert "within ninety seconds" in html  # the last good page, under the banner
    assert f"config/cssite.yml:{line}: error: " in log_path.read_text()  # and the terminal says it too

    # Saving without a change builds nothing: serve never names the review as changed again, not even
    # once the next real edit (the fix) has been built. Fixing the file clears the banner.
    noted = len(_rebuilt(log_path))
    _save(path, path.read_text())
    time.sleep(1)  # not a timing check: lets the no-op save arrive on its own before the fix, where a bug shows
    _save(cfg, good)
    _page(base + page, "within ninety seconds", absent=("cssite-serve-error",))
    assert _rebuilt(log_path)[noted:] == ["config/cssite.yml"], log_path.read_text()


def test_the_open_page_reloads_itself_in_a_browser(served):
    _need_browser()
    from playwright.sync_api import sync_playwright

    root, base, proc, _log = served
    path, page_url = _review(root)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        page.goto(base + page_url)
        assert "two minutes" in page.inner_text("article")
        _save(path, path.read_text().replace("within two minutes", "within forty seconds"))
        page.wait_for_function("document.body.innerText.includes('within forty seconds')", timeout=TIMEOUT * 1000)
        browser.close()  # with the page's long poll still open: the server must not print a traceback
    proc.terminate()  # `kill` stops it as cleanly as Ctrl-C
    assert proc.wait(TIMEOUT) == 0


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


def test_serve_outside_a_project_says_so_and_stops(tmp_path: Path):
    """Nothing to build or watch: one located message and exit 1, like build, not an error page served forever."""
    result = run("serve", "--project", tmp_path, "--port", _free_port())
    assert result.exit_code == 1, result.output
    assert "has no config/cssite.yml: is this a cssite project?" in result.output
    assert "cssite init" in result.output and "Traceback" not in result.output
