"""Benchmark: "save a review → the page shows the change" with `cssite serve`, on the example handbook.

Usage: python bench/serve_bench.py [--repeat 7] [--lang en] [--all-languages]

In one run, on a copy of the example handbook:
- serve --lang en: the figure the README quotes (one language, the way you preview while writing);
- baseline: a cold build of the same language, i.e. a fresh Python process building that language from a fresh
  copy of the project (no .cssite-cache) into a fresh site folder (what the preview would cost if every
  save started from nothing: imports, template compilation, charts, every page converted), measured in the
  same run so the ratio holds on a noisy machine;
- with --all-languages, also serve without --lang (every language rebuilt on each save).

Each round saves a new word into the first item of support-emea's 2026-Q3 review and then does what the
open page's script does: long-poll the server until a newer build is published, fetch the page (the
reload), until the page shows the word. The time from the save to that fetch is the figure: the watcher's
notice, the rebuild, the swap, the answer to the long poll and the reload's fetch (the browser's own
layout of the page is not in it).
The median of `--repeat` rounds is printed, with the load average before and after (2 cores, shared).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REVIEW = Path("content/reviews/2026-Q3/support-emea.yml")
PAGE = "reviews/2026-Q3/support-emea/"
ANCHOR = "Chat answers most customers within minutes"


def copy_example(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("config", "content", "templates", "mkdocs.yml"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy(src, dest / name)
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, word: str, timeout: float = 600) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if word in fetch(url):
            return time.perf_counter()
        time.sleep(0.02)
    sys.exit(f"timed out waiting for {word!r} at {url}")


def as_the_page_does(base: str, url: str, word: str, build: int, timeout: float = 600) -> tuple[float, int]:
    """What the open page's script does: long-poll /__cssite__/wait until a newer build is published, then
    reload (fetch the page); until the page shows `word`. Returns the moment it did, and its build number."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(f"{base}__cssite__/wait?since={build}", timeout=60) as r:
                newer = json.loads(r.read())["build"]
        except OSError:
            time.sleep(0.02)
            continue
        if newer == build:
            continue  # the poll's own time limit: ask again, as the page does
        build = newer
        if word in fetch(url):
            return time.perf_counter(), build
    sys.exit(f"timed out waiting for {word!r} at {url}")


def cpu_seconds(pid: int) -> float | None:
    """CPU time a process has used so far (Linux /proc; None elsewhere): what a rebuild costs without the
    other programs on the machine, which only stretch the wall-clock figure."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


CPU: list[float] = []  # serve's CPU seconds for each round of the last serve_rounds


def serve_rounds(project: Path, lang: str | None, repeat: int) -> list[float]:
    port = free_port()
    cmd = [sys.executable, "-m", "cssite", "serve", "--project", str(project), "--port", str(port)]
    if lang:
        cmd += ["--lang", lang]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    url = f"{base}{lang or 'en'}/{PAGE}"
    try:
        wait_for(url, ANCHOR)
        review = project / REVIEW
        times = []
        for i in range(repeat):
            time.sleep(1.0)  # the watcher and the server settle before the next save
            build = int(re.search(r"var build = (\d+);", fetch(url))[1])  # the number the open page knows
            word = f"benchword{time.time_ns()}x{i}"
            text = review.read_text(encoding="utf-8")
            review.write_text(re.sub(rf"{ANCHOR}( benchword\w+)?", f"{ANCHOR} {word}", text, count=1),
                              encoding="utf-8")
            cpu = cpu_seconds(proc.pid)
            saved = time.perf_counter()
            shown, _ = as_the_page_does(base, url, word, build)
            times.append(shown - saved)
            after = cpu_seconds(proc.pid)
            if cpu is not None and after is not None:
                CPU.append(after - cpu)
        return times
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()


COLD = """
import sys
from pathlib import Path
from cssite.cli import command_table
from cssite.commands.build import run_build
run_build(Path(sys.argv[1]), Path(sys.argv[2]), languages=(sys.argv[3],), commands=command_table(),
          progress=lambda _m: None)
"""


def build_once(project: Path, site: Path, lang: str) -> float:
    """A cold build of one language: a fresh process on a fresh copy of the project (no .cssite-cache: no
    kept pages, charts or templates) into a fresh site folder."""
    fresh = copy_example(site.parent / f"cold-{site.name}")
    for name in ("config", "content", "templates", "mkdocs.yml"):  # the same files serve was built from
        src, dest = project / name, fresh / name
        if src.is_dir():
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(src, dest)
        elif src.exists():
            shutil.copy(src, dest)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", COLD, str(fresh), str(site), lang], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"build failed:\n{done.stderr}")
    return time.perf_counter() - start


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--all-languages", action="store_true", help="also serve every language (slow)")
    args = ap.parse_args()
    before = load()
    with tempfile.TemporaryDirectory(prefix="cssite-serve-bench-") as tmp:
        project = copy_example(Path(tmp) / "example")
        CPU.clear()
        rounds = serve_rounds(project, args.lang, args.repeat)
        cpu = statistics.median(CPU) if CPU else None
        cold = [build_once(project, Path(tmp) / f"site-{i}", args.lang) for i in range(3)]
        every = statistics.median(serve_rounds(project, None, max(1, args.repeat // 2))) if args.all_languages \
            else None
    one, baseline = statistics.median(rounds), statistics.median(cold)
    print(f"load average before: {before}; after: {load()} (1, 5, 15 min; {os.cpu_count()} CPUs)")
    print(f"save → page shows the change, serve --lang {args.lang}: {one:.2f} s (median of {args.repeat}; "
          f"rounds {', '.join(f'{t:.2f}' for t in rounds)})")
    if cpu is not None:
        print(f"  serve's own CPU time per save: {cpu:.2f} s (median; other programs only stretch the wall-clock "
              "figure, so on an idle machine it comes near this plus the watcher's and the disk's waits)")
    print(f"baseline, cold build of --lang {args.lang} (fresh process, project copy without .cssite-cache, site folder): {baseline:.2f} s "
          f"(median of 3; {', '.join(f'{t:.2f}' for t in cold)})")
    print(f"ratio serve / cold build: {one / baseline:.2f}")
    if every is not None:
        print(f"save → page shows the change, serve (every language): {every:.2f} s")


if __name__ == "__main__":
    main()
