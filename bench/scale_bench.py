"""Benchmark: does the build stay linear as a project grows?

Usage: python bench/scale_bench.py [--teams 10 20 40] [--quarters 8] [--languages en]

Generates synthetic projects (each team: one review per quarter with a dozen
items and three objectives, and a dozen KPIs per quarter), then times
`cssite validate`, a cold `cssite build` (no cache) and a warm one (charts cached,
every language built again into a new site folder, so nothing is carried over) for
each size. Figures are printed as ratios against the smallest project measured in
the same run, next to the ratio of the project sizes, so super-linear growth stands out.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

METRICS = ["csat", "nps", "ces", "first_response_time", "resolution_time", "fcr", "reopen_rate",
           "sla_compliance", "backlog", "ticket_volume", "abandonment_rate", "service_level"]
QUADRANTS = ["strengths", "weaknesses", "opportunities", "threats"]


def make_project(root: Path, teams: int, quarters: int, languages: list[str], seed: int = 1) -> None:
    rnd = random.Random(seed)
    (root / "config").mkdir(parents=True)
    team_ids = [f"team-{i:03d}" for i in range(teams)]
    lines = ["site_name: Scale test", f"languages: [{', '.join(languages)}]", "teams:"]
    lines += [f"  - {{id: {t}, name: Team {t[-3:]}}}" for t in team_ids]
    (root / "config" / "cssite.yml").write_text("\n".join(lines) + "\n")
    targets = "\n".join(f"{m}:\n  target: 50" for m in ("backlog", "service_level"))
    (root / "config" / "metrics.yml").write_text(targets + "\nces:\n  target: 5\n")
    periods = [f"{2024 + q // 4}-Q{q % 4 + 1}" for q in range(quarters)]
    rows = ["period,team,metric,value,n"]
    for t in team_ids:
        for p in periods:
            for m in METRICS:
                value = rnd.uniform(1, 7) if m == "ces" else rnd.uniform(-50, 90) if m == "nps" else rnd.uniform(5, 99)
                rows.append(f"{p},{t},{m},{value:.1f},{rnd.randint(20, 900)}")
            folder = root / "content" / "reviews" / p
            folder.mkdir(parents=True, exist_ok=True)
            review = [f"team: {t}", f"period: {p}", "title: Quarterly review"]
            for qi, q in enumerate(QUADRANTS):
                review.append(f"{q}:")
                for i in range(3):
                    review += [f"  - id: {q[0].upper()}{i + 1}", f"    text: {q} item {i + 1} of {t} in {p}",
                               f"    metrics: [{rnd.choice(METRICS)}]", f"    weight: {rnd.randint(1, 5)}",
                               f"    rating: {rnd.randint(1, 4)}"]
            review.append("objectives:")
            for i in range(3):
                review += [f"  - id: G{i + 1}", f"    text: Objective {i + 1}", "    addresses: [W1, O1]",
                           "    metric: csat", "    target: 90", "    due: 2030-12-31", "    status: in_progress"]
            (folder / f"{t}.yml").write_text("\n".join(review) + "\n")
    (root / "content" / "metrics").mkdir(parents=True, exist_ok=True)
    (root / "content" / "metrics" / "kpis.csv").write_text("\n".join(rows) + "\n")


def timed(*args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its worker processes)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cssite", *args], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, nargs="+", default=[10, 20, 40])
    ap.add_argument("--quarters", type=int, default=8)
    ap.add_argument("--languages", nargs="+", default=["en"])
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.teams:
            root = Path(tmp) / f"p{n}"
            make_project(root, n, args.quarters, args.languages)
            v = timed("validate", "--project", str(root))
            cold = timed("build", "--project", str(root))
            shutil.rmtree(root / "site")  # a new site: every language is built again, from cached charts
            warm = timed("build", "--project", str(root))
            results.append((n, v, cold, warm))
    base = results[0]
    print(f"{'teams':>6} {'reviews':>8} {'size':>6} | {'validate':>14} | {'cold build: wall':>16} {'CPU':>14} | "
          f"{'warm build: wall':>16} {'CPU':>14}")
    for n, v, cold, warm in results:
        cells = [f"{x[0]:6.2f} s {x[0] / b[0]:5.2f}x" for x, b in ((v, base[1]),)]
        for x, b in ((cold, base[2]), (warm, base[3])):
            cells.append(f"{x[0]:7.1f} s {x[0] / b[0]:5.2f}x {x[1]:6.1f} s {x[1] / b[1]:5.2f}x")
        print(f"{n:6d} {n * args.quarters:8d} {n / base[0]:5.1f}x | " + " | ".join(cells))
    last = results[-1]
    print(f"growth {base[0]} -> {last[0]} teams ({last[0] / base[0]:.1f}x the size), target <= 4.2x: "
          f"cold {last[2][0] / base[2][0]:.2f}x wall, {last[2][1] / base[2][1]:.2f}x CPU; "
          f"warm {last[3][0] / base[3][0]:.2f}x wall, {last[3][1] / base[3][1]:.2f}x CPU")
    print(f"load average during the run: {os.getloadavg()[0]:.1f}")

if __name__ == "__main__":
    main()
