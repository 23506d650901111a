#!/usr/bin/env python3
"""Write the example handbook's seeded call-centre log (CSV, one row per call).

    python scripts/make_example_calls.py            # -> content/exports/calls.csv
    python scripts/make_example_calls.py --calls-per-quarter 2000 -o /tmp/calls.csv

The shape follows the public research log of a bank's call centre: a VRU line and a
call id that is unique only within its line, a date as yymmdd and clock times without
dates, waits and service times in seconds, and an outcome: AGENT (answered), HANG
(hung up: in the queue when q_time > 0, else in the voice menu) or PHANTOM (a test call).
A `queue` column names the team. The build reads it with the `calls` preset, joining
vru_line + call_id into the id and date + vru_entry into the time (config/cssite.yml).

Per team and quarter (2025-Q2 … 2026-Q3) the waits are drawn so that ASA, service level
and abandonment follow the story the example reviews tell: EMEA improves, APAC's queue
grows with its volume, Americas' lunchtime queues get worse until callbacks arrive in
2026-Q3. The same seed always gives the same file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import sys
from pathlib import Path

import numpy as np

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "content" / "exports" / "calls.csv"
QUARTERS = [dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1), dt.date(2026, 1, 1),
            dt.date(2026, 4, 1), dt.date(2026, 7, 1), dt.date(2026, 10, 1)]
COLUMNS = ["vru_line", "call_id", "priority", "date", "vru_entry", "vru_exit", "q_start", "q_exit", "ser_start",
           "ser_exit", "vru_time", "q_time", "ser_time", "outcome", "server", "queue"]
# Per team, one value per quarter: mean wait of answered calls (s), share answered within 20 s,
# share of offered calls abandoned, and the median handle time (s).
TEAMS = {
    "EMEA Support": dict(lines=["AA0101", "AA0102"], asa=[26, 28, 24, 22, 22, 23],
                         sl=[0.78, 0.81, 0.81, 0.82, 0.84, 0.84], ab=[0.062, 0.062, 0.054, 0.055, 0.054, 0.047],
                         handle=[290, 285, 280, 270, 265, 260], agents=["ANNA", "LUCA", "SOFIA", "PIERRE"]),
    "Americas Support": dict(lines=["AA0201", "AA0202"], asa=[31, 33, 34, 36, 38, 29],
                             sl=[0.83, 0.82, 0.83, 0.82, 0.85, 0.81], ab=[0.061, 0.064, 0.068, 0.070, 0.072, 0.056],
                             handle=[250, 255, 250, 260, 262, 255], agents=["MICHAEL", "ANA", "CARLOS", "JESSICA"]),
    "APAC Support": dict(lines=["AA0301", "AA0302"], asa=[35, 35, 39, 39, 44, 44],
                         sl=[0.74, 0.73, 0.71, 0.70, 0.68, 0.66], ab=[0.079, 0.084, 0.081, 0.089, 0.093, 0.101],
                         handle=[310, 315, 320, 330, 335, 345], agents=["HIROSHI", "MEI", "PRIYA"]),
}
SHORT_ABANDON = 0.03  # of calls: hung up within 5 s of queueing (not offered)
VRU_HANGUP = 0.05  # hung up in the voice menu (never queued)
PHANTOM = 0.01  # test calls


def answered_waits(rng: np.random.Generator, n: int, asa: float, within: float) -> np.ndarray:
    """Waits with mean `asa` of which a share `within` is at most 20 s: zero waits, then an exponential tail."""
    lo, hi = 0.0, 0.95
    for _ in range(60):  # the share of zero waits z that gives z + (1 − z)(1 − e^(−20/m)) = within, m = asa/(1 − z)
        z = (lo + hi) / 2
        m = asa / (1 - z)
        share = z + (1 - z) * (1 - math.exp(-20 / m))
        lo, hi = (z, hi) if share < within else (lo, z)
    waits = np.where(rng.random(n) < z, 0.0, rng.exponential(m, n))
    return np.round(waits)


def generate(calls_per_quarter: int, seed: int = 11) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    rows = []
    for team, p in TEAMS.items():
        counters = {line: 0 for line in p["lines"]}
        for q in range(6):
            start, days = QUARTERS[q], (QUARTERS[q + 1] - QUARTERS[q]).days
            n = int(calls_per_quarter * (1 + 0.04 * q if team == "APAC Support" else 1))
            kind = rng.choice(4, size=n, p=[1 - SHORT_ABANDON - VRU_HANGUP - PHANTOM, SHORT_ABANDON, VRU_HANGUP,
                                            PHANTOM])
            offered = kind == 0
            abandoned = offered & (rng.random(n) < p["ab"][q])
            answered = offered & ~abandoned
            wait = np.zeros(n)
            wait[answered] = answered_waits(rng, int(answered.sum()), p["asa"][q], p["sl"][q] / (1 - p["ab"][q]))
            wait[abandoned] = np.round(5 + rng.exponential(55, int(abandoned.sum())))
            wait[kind == 1] = rng.integers(1, 5, int((kind == 1).sum()))
            handle = np.where(answered, np.round(rng.lognormal(math.log(p["handle"][q]), 0.5, n)), 0)
            day = rng.integers(0, days, n)
            clock = rng.normal(13 * 3600, 3 * 3600, n).clip(7 * 3600, 21 * 3600)
            order = np.lexsort((clock, day))
            for i in order:
                line = p["lines"][int(rng.integers(0, len(p["lines"])))]
                counters[line] += 1
                when = dt.datetime.combine(start + dt.timedelta(days=int(day[i])), dt.time()) + \
                    dt.timedelta(seconds=int(clock[i]))
                vru = int(rng.integers(2, 30))
                q_start = when + dt.timedelta(seconds=vru)
                q_exit = q_start + dt.timedelta(seconds=int(wait[i]))
                ser_end = q_exit + dt.timedelta(seconds=int(handle[i]))
                queued = kind[i] in (0, 1)
                outcome = "PHANTOM" if kind[i] == 3 else "AGENT" if answered[i] else "HANG"
                t = lambda d: d.strftime("%H:%M:%S")  # noqa: E731
                rows.append([
                    line, str(counters[line]), str(int(rng.integers(0, 3))), when.strftime("%y%m%d"), t(when),
                    t(when + dt.timedelta(seconds=vru)), t(q_start) if queued else "00:00:00",
                    t(q_exit) if queued else "00:00:00", t(q_exit) if answered[i] else "00:00:00",
                    t(ser_end) if answered[i] else "00:00:00", str(vru), str(int(wait[i])), str(int(handle[i])),
                    outcome, rng.choice(p["agents"]) if answered[i] else "NO_SERVER", team,
                ])
    rows.sort(key=lambda r: (r[3], r[4], r[0]))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls-per-quarter", type=int, default=700, help="per team [default: 700]")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    rows = generate(args.calls_per_quarter, args.seed)
    with open(args.output, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e3:.0f} kB, {len(rows)} calls)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
