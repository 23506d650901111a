"""Benchmark: "save a review → the page shows the change" with `cssite serve`, on the example handbook.

Usage: python bench/serve_bench.py [--repeat 5]

In one run, on a copy of the example handbook:
- serve --lang en: the figure the README quotes (one language, the way you preview while writing);
- serve (all five languages): the same edit with every language rebuilt;
- baseline: a plain `cssite build` of the same copy, started fresh (what a reader of the old README did by
  hand: build, then refresh), measured in the same run so the ratios hold on a noisy machine.

Each round saves a new word into the first item of support-emea's 2026-Q3 review and polls the review
page over HTTP every 20 ms until the word is there; the time from the save to that fetch is the figure.
The median of `--repeat` rounds is kept.
"""

from __future__ import annotations

import argparse
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


def serve_rounds(project: Path, lang: str | None, repeat: int) -> list[float]:
    port = free_port()
    cmd = [sys.executable, "-m", "cssite", "serve", "--project", str(project), "--port", str(port)]
    if lang:
        cmd += ["--lang", lang]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/{lang or 'en'}/{PAGE}"
    try:
        wait_for(url, ANCHOR)
        review = project / REVIEW
        times = []
        for i in range(repeat):
            word = f"benchword{time.time_ns()}x{i}"
            text = review.read_text(encoding="utf-8")
            review.write_text(re.sub(rf"{ANCHOR}( benchword\w+)?", f"{ANCHOR} {word}", text, count=1),
                              encoding="utf-8")
            saved = time.perf_counter()
            times.append(wait_for(url, word) - saved)
            time.sleep(0.5)
        return times
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def build_once(project: Path, site: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cssite", "build", "--project", str(project), "--site-dir",
                           str(site)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"build failed:\n{done.stderr}")
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cssite-serve-bench-") as tmp:
        project = copy_example(Path(tmp) / "example")
        one = statistics.median(serve_rounds(project, "en", args.repeat))
        every = statistics.median(serve_rounds(project, None, max(1, args.repeat // 2)))
        baseline = statistics.median(build_once(project, Path(tmp) / f"site-{i}") for i in range(2))
    print(f"save → page shows the change, serve --lang en: {one:.2f} s (median of {args.repeat})")
    print(f"save → page shows the change, serve (5 languages): {every:.2f} s")
    print(f"baseline, cssite build of the same example (5 languages, fresh site folder): {baseline:.2f} s")
    print(f"ratio serve --lang en / build: {one / baseline:.2f}; serve (5 languages) / build: {every / baseline:.2f}")


if __name__ == "__main__":
    main()
