#!/usr/bin/env python3
"""Benchmark: `cssite kpi` on a 1 000 000-ticket Zendesk-shaped export vs a bare pandas read.

    .venv/bin/python bench/kpi_bench.py [--tickets 1000000] [--rounds 5] [--cache DIR]

The export is generated once (seeded, by scripts/make_example_export.py) into a
cache folder and reused. Each round runs, as separate processes and one after
the other, the bare read

    python -c "import pandas as pd; pd.read_csv(FILE, engine='pyarrow')"

and the real command

    python -m cssite kpi FILE --preset zendesk --team-map … -o OUT

so both pay interpreter start-up and imports. Reported: the median wall time of
each, their ratio (target ≤ 1.5), and each one's peak memory (maximum resident
set size of that process, from os.wait4) relative to the file size (target ≤ 3).
Not a test: timings depend on the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEAM_MAP = ["EMEA Support=support-emea", "Americas Support=support-americas", "APAC Support=support-apac"]


def run(cmd: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes, and stderr of one process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss * 1024, err  # ru_maxrss is in KiB on Linux


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "cssite-bench",
                    help="where the generated export is kept between runs")
    args = ap.parse_args()

    export = args.cache / f"zendesk-{args.tickets}.csv"
    if not export.is_file():
        print(f"generating {export} …", file=sys.stderr)
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_example_export.py"),
                        "--tickets", str(args.tickets), "-o", str(export)], check=True)
    size = export.stat().st_size
    with open(export, "rb") as f:  # into the page cache, so neither side pays the disk
        while f.read(1 << 24):
            pass

    out = args.cache / "kpis.csv"
    bare = [sys.executable, "-c",
            "import sys, time; t = time.perf_counter(); import pandas as pd; "
            f"df = pd.read_csv({str(export)!r}, engine='pyarrow'); "
            "print(f'read {time.perf_counter() - t:.3f}', file=sys.stderr)"]
    kpi = [sys.executable, "-m", "cssite", "kpi", str(export), "--preset", "zendesk",
           *[a for m in TEAM_MAP for a in ("--team-map", m)], "-o", str(out)]

    run(bare), run(kpi)  # warm-up: imports compiled, caches filled
    b_times, k_times, b_rss, k_rss, b_inproc = [], [], [], [], []
    for _ in range(args.rounds):
        w, rss, err = run(bare)
        b_times.append(w), b_rss.append(rss)
        b_inproc.append(float(err.split()[-1]))
        w, rss, _ = run(kpi)
        k_times.append(w), k_rss.append(rss)

    b, k = statistics.median(b_times), statistics.median(k_times)
    mb = 1e6
    print(f"export: {export} ({size / mb:.0f} MB, {args.tickets:,} tickets); {args.rounds} rounds, medians")
    print(f"pandas read_csv(engine='pyarrow'), whole process: {b:.2f} s "
          f"(import + read alone: {statistics.median(b_inproc):.2f} s), peak memory {max(b_rss) / mb:.0f} MB "
          f"= {max(b_rss) / size:.2f}x the file")
    print(f"cssite kpi, whole process:                        {k:.2f} s, peak memory {max(k_rss) / mb:.0f} MB "
          f"= {max(k_rss) / size:.2f}x the file")
    print(f"ratio cssite kpi / bare read: {k / b:.2f}x (target <= 1.5x); "
          f"memory {max(k_rss) / size:.2f}x the file (target <= 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
