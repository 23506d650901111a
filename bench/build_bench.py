"""Benchmark: a five-language build against five one-language builds, in the same run.

Usage: python bench/build_bench.py [--teams 6] [--quarters 8]

Builds a copy of the example handbook (optionally with more synthetic teams) with a
cold chart cache each time, and prints wall-clock times as ratios against the
one-language build measured here. Numbers on a noisy 2-core machine vary by ±10 %.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def make_project(dest: Path, languages: str) -> Path:
    for name in ("config", "content", "templates", "mkdocs.yml"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    cfg = dest / "config" / "cssite.yml"
    text = cfg.read_text(encoding="utf-8")
    lines = [f"languages: [{languages}]" if l.startswith("languages:") else l for l in text.splitlines()]
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def timed_build(project: Path, jobs: int | None = None) -> float:
    shutil.rmtree(project / ".cssite-cache", ignore_errors=True)  # cold: charts and pages from scratch
    cmd = [sys.executable, "-m", "cssite", "build", "--project", str(project)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2, help="runs per measurement; the best is kept")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        one = make_project(Path(tmp) / "one", "en")
        five = make_project(Path(tmp) / "five", "en, fr, ru, et, zh")
        t_one = min(timed_build(one) for _ in range(args.repeat))
        t_five_seq = min(timed_build(five, jobs=1) for _ in range(args.repeat))
        t_five = min(timed_build(five) for _ in range(args.repeat))
        shutil.rmtree(five / ".cssite-cache" / "build", ignore_errors=True)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cssite", "build", "--project", str(five)], check=True, capture_output=True)
        t_warm = time.perf_counter() - start
    print(f"one language, cold:                 {t_one:6.2f} s  (baseline 1.00)")
    print(f"five one-language builds (x5):      {5 * t_one:6.2f} s  ({5:.2f}x)")
    print(f"five languages, one process, cold:  {t_five_seq:6.2f} s  ({t_five_seq / t_one:.2f}x)")
    print(f"five languages, parallel, cold:     {t_five:6.2f} s  ({t_five / t_one:.2f}x)")
    print(f"five languages, parallel, warm charts: {t_warm:6.2f} s  ({t_warm / t_one:.2f}x)")
    print(f"parallel five-language build vs five one-language builds: {t_five / (5 * t_one):.2f}x")


if __name__ == "__main__":
    main()
