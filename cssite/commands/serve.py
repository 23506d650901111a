"""`cssite serve`: build, serve on 127.0.0.1, rebuild when a project file changes, reload the open page.

The site is built by the normal build path (`run_build`, with its staging and atomic swap) into a
temporary folder outside the project (removed on exit), so serve and `cssite build` share every rule and
serve never touches the published site/. The watcher (watchfiles) sees only
config/, content/, templates/ and mkdocs.yml, and a file whose bytes did not change (a save without edits,
a touch) does not trigger a build, so nothing the build writes can start another one.
Each build runs inside this long-lived process with cssite/warm.py's caches active: compiled templates,
converted pages and search entries that did not change are reused (figures: bench/serve_bench.py).

Every HTML page is sent with a small script that long-polls /__cssite__/wait: the server answers when a
build finished, and the page reloads itself. When the last build failed, each page carries a banner with
the `path:line` messages over the last good site, which keeps being served.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import queue
import shutil
import signal
import tempfile
import threading
import time
import traceback
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click

from cssite.errors import CssiteError, InputError, OptionError
from cssite.warm import WarmBuilds

WATCHED = ("config", "content", "templates", "mkdocs.yml")
WAIT_SECONDS = 25  # a long poll answers at the latest after this, and the page asks again

RELOAD_SCRIPT = """<script>
(function () {  /* cssite serve: reload when a new build is published (no network beyond this server) */
  var build = %d;
  function wait() {
    fetch("/__cssite__/wait?since=" + build, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (s) { if (s.build !== build) { location.reload(); } else { wait(); } })
      .catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();
</script>"""

BANNER = """<div id="cssite-serve-error" role="alert" style="position:fixed;z-index:10000;left:0;right:0;top:0;\
max-height:60vh;overflow:auto;margin:0;padding:1em 1.5em;background:#fff4f4;color:#5c0000;\
border-bottom:3px solid #b00020;font:14px/1.5 ui-monospace,monospace;box-shadow:0 2px 8px rgba(0,0,0,.3)">
<strong>cssite serve: {title}</strong>
<pre style="white-space:pre-wrap;margin:.5em 0 0">{messages}</pre>
</div>"""

NO_SITE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cssite serve</title></head>
<body>{banner}</body></html>"""


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser that closed its tab mid-answer (the long poll, a reload) is no error worth a traceback."""
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class ServeState:
    """What the server shows: the build number, and the last build's error (None when it succeeded)."""

    def __init__(self) -> None:
        self.build = 0
        self.error: str | None = None
        self.has_site = False
        self.changed = threading.Condition()

    def publish(self, error: str | None, has_site: bool) -> None:
        with self.changed:
            self.build += 1
            self.error = error
            self.has_site = self.has_site or has_site
            self.changed.notify_all()

    def snapshot(self) -> tuple[int, str | None, bool]:
        """The build number, its error and whether a site exists, as one build left them."""
        with self.changed:
            return self.build, self.error, self.has_site

    def wait(self, since: int, timeout: float) -> tuple[int, str | None]:
        with self.changed:
            self.changed.wait_for(lambda: self.build != since, timeout)
            return self.build, self.error


def _banner(state: ServeState, error: str | None = None) -> str:
    title = "the last change has errors; this is the last good site." if state.has_site else \
        "the project has errors; the site is shown once they are fixed."
    return BANNER.format(title=html.escape(title), messages=html.escape(error or state.error or ""))


class Handler(SimpleHTTPRequestHandler):
    """Static files from the site folder; HTML gets the reload script (and the error banner)."""

    state: ServeState

    def __init__(self, *args, state: ServeState, **kwargs) -> None:
        self.state = state
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args) -> None:  # noqa: A002 - the server's own name
        pass  # the terminal shows builds and errors, not every request

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload must fetch the new build
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        if self.path.startswith("/__cssite__/wait"):
            return self._wait()
        # The build number is read before the page: a build published in between makes the page reload once
        # more, never wait with old text under a number that says it is new.
        self.build, self.error, has_site = self.state.snapshot()
        if not has_site:
            return self._send_html(NO_SITE_PAGE.format(banner=_banner(self.state)), HTTPStatus.SERVICE_UNAVAILABLE)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().do_GET()  # the handler's redirect to the folder's address with a slash
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            return self._send_html(path.read_text(encoding="utf-8", errors="replace"))
        if not path.exists() and (Path(self.directory) / "404.html").is_file():
            return self._send_html((Path(self.directory) / "404.html").read_text(encoding="utf-8"),
                                   HTTPStatus.NOT_FOUND)
        return super().do_GET()

    def _wait(self) -> None:
        since = -1
        if "since=" in self.path:
            try:
                since = int(self.path.split("since=", 1)[1].split("&", 1)[0])
            except ValueError:
                since = -1
        build, error = self.state.wait(since, WAIT_SECONDS)
        body = json.dumps({"build": build, "error": error is not None}).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_html(self, text: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        inject = RELOAD_SCRIPT % self.build
        if self.error is not None and status != HTTPStatus.SERVICE_UNAVAILABLE:
            inject = _banner(self.state, self.error) + inject
        at = text.rfind("</body>")
        text = text[:at] + inject + text[at:] if at >= 0 else text + inject
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _fingerprints(root: Path, paths) -> dict[Path, str | None]:
    out = {}
    for p in paths:
        try:
            out[p] = hashlib.sha256(Path(p).read_bytes()).hexdigest()
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            out[p] = None
    return out


def _snapshot(root: Path) -> dict[Path, str | None]:
    files = []
    for name in WATCHED:
        p = root / name
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            files.extend(f for f in p.rglob("*") if f.is_file())
    return _fingerprints(root, files)


def run_serve(root: Path, lang: str | None, port: int, open_browser: bool, commands: list[dict] | None = None,
              ready=None, stop: threading.Event | None = None, allow_outside: tuple[Path, ...] = ()) -> None:
    """Serve until Ctrl-C (or until `stop` is set); `ready(url)` is called once the server listens.

    `allow_outside`: folders outside the project the build may read from (--allow-outside).
    """
    import watchfiles

    from cssite.commands.build import run_build

    root = Path(root).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="cssite-serve-"))
    site = tmp / "site"
    state = ServeState()
    stop = stop or threading.Event()

    try:
        server = Server(("127.0.0.1", port), partial(Handler, state=state, directory=str(site)))
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OptionError(f"--port {port}: cannot listen on 127.0.0.1:{port} ({exc.strerror}); "
                          "choose another port") from None
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    warm = WarmBuilds(root)  # compiled templates, converted pages and search entries, kept between builds

    def build() -> None:
        started = time.perf_counter()
        shown = []

        def swapped() -> None:  # the new site is in place: the open pages reload now, not after the clean-up
            state.publish(None, has_site=True)
            shown.append(True)

        try:
            try:
                with warm.active():
                    run_build(root, site, commands=commands, languages=(lang,) if lang else None,
                              allow_outside=allow_outside, swapped=swapped)
            except BaseException:
                warm.dropped()
                raise
            warm.kept()
        except CssiteError as exc:
            message = exc.format_message()
            click.echo(message, err=True)
            has_site = (site / "index.html").is_file()
            click.echo("cssite serve: " + ("still serving the last good site; fix the file and save." if has_site else
                                           "no site yet: the page shows these errors until the project builds; "
                                           "fix the files and save."), err=True)
            state.publish(message, has_site=has_site)
            return
        except Exception:  # a bug in cssite must not stop the preview: say so, keep the last good site
            message = "cssite hit an internal error while building:\n" + traceback.format_exc()
            click.echo(message, err=True)
            state.publish(message, has_site=(site / "index.html").is_file())
            return
        if not shown:
            state.publish(None, has_site=True)
        click.echo(f"cssite serve: {url} updated in {time.perf_counter() - started:.1f} s "
                   f"({dt.datetime.now():%H:%M:%S})", err=True)

    if not (root / "config" / "cssite.yml").is_file():  # nothing to watch for: say so, as build does
        server.server_close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(f"{root} has no config/cssite.yml: is this a cssite project? "
                         "(use --project DIR, or start one with `cssite init DIR`)")
    if lang is not None:
        from cssite.load.config import load_config
        from cssite.errors import Diagnostics

        cfg = load_config(root, Diagnostics(root))
        if cfg is not None and lang not in cfg.languages:
            server.server_close()
            shutil.rmtree(tmp, ignore_errors=True)
            raise OptionError(f"--lang {lang}: the project builds {', '.join(cfg.languages)} "
                              "(config/cssite.yml, languages)")
    def stop_on_term(_signum, _frame):  # `kill` stops it like Ctrl-C: the temporary site is removed
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop_on_term)
        # Ctrl-C too, explicitly: a process started in the background by a shell without job control (a CI
        # step, `cmd &` in a script) inherits SIGINT as ignored, and Python then never raises KeyboardInterrupt.
        signal.signal(signal.SIGINT, stop_on_term)

    # The watchers are armed before the first build, and the files are fingerprinted before they are armed:
    # an edit made while the first build runs (or right after the page first loads) is never missed.
    known = _snapshot(root)
    events: queue.Queue = queue.Queue()
    armed: list[threading.Event] = []

    def watch(paths, recursive: bool, only, in_place: threading.Event) -> None:
        flt = (lambda _change, path: Path(path).name in only) if only else watchfiles.DefaultFilter()
        polling = None  # watchfiles' own choice (inotify on Linux); polling if the system refuses a watch
        while not stop.is_set():
            try:
                # yield_on_timeout: the first (empty) answer says the watch is in place.
                for changes in watchfiles.watch(*paths, watch_filter=flt, recursive=recursive, stop_event=stop,
                                                debounce=400, step=30, rust_timeout=300, yield_on_timeout=True,
                                                force_polling=polling, raise_interrupt=False):
                    in_place.set()
                    if changes:
                        events.put({Path(p) for _, p in changes})
                return
            except Exception as exc:  # noqa: BLE001 - a watcher that dies must say so, not hang the preview
                if polling:
                    in_place.set()
                    events.put(exc)
                    return
                click.echo(f"cssite serve: cannot watch files ({exc}); checking them every 0.3 s instead",
                           err=True)
                polling = True

    # The folders recursively; the project folder itself only for mkdocs.yml (an editor's save may replace it).
    folders = [root / n for n in WATCHED if (root / n).is_dir()]
    jobs = [(folders, True, None)] if folders else []
    jobs.append(([root], False, {"mkdocs.yml"}))
    for args in jobs:
        armed.append(threading.Event())
        threading.Thread(target=watch, args=(*args, armed[-1]), daemon=True).start()
    try:
        for in_place in armed:
            in_place.wait(30)
        missed = _snapshot(root)  # edited between the fingerprints and the watch: built like any change
        if missed != known:
            events.put({p for p in set(known) | set(missed) if known.get(p) != missed.get(p)})
        build()
    except KeyboardInterrupt:
        stop.set()
        server.server_close()
        shutil.rmtree(tmp, ignore_errors=True)
        click.echo("cssite serve: stopped", err=True)
        return
    thread = threading.Thread(target=server.serve_forever, name="cssite-serve", daemon=True)
    thread.start()
    click.echo(f"cssite serve: serving {url} (Ctrl-C to stop); watching "
               f"{', '.join(n + ('/' if n != 'mkdocs.yml' else '') for n in WATCHED)}", err=True)
    if ready is not None:
        ready(url)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        while not stop.is_set():
            try:
                paths = events.get(timeout=0.5)
            except queue.Empty:
                continue
            if isinstance(paths, Exception):
                raise paths
            while not events.empty():  # changes that came in together build once
                more = events.get_nowait()
                if isinstance(more, Exception):
                    raise more
                paths |= more
            now = _fingerprints(root, paths)
            edited = [p for p in paths if now.get(p) != known.get(p)]
            known.update(now)
            if not edited:
                continue  # saved without a change, or touched: nothing to rebuild
            names = ", ".join(sorted(p.relative_to(root).as_posix() for p in edited)[:3])
            click.echo(f"cssite serve: {names}{' …' if len(edited) > 3 else ''} changed, rebuilding", err=True)
            build()
    except KeyboardInterrupt:
        click.echo("cssite serve: stopped", err=True)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        shutil.rmtree(tmp, ignore_errors=True)
        with state.changed:
            state.changed.notify_all()
