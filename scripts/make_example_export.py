#!/usr/bin/env python3
"""Write a seeded, realistic Zendesk-shaped ticket export (CSV).

Two uses:
  * the example handbook's raw export (the default):
      python scripts/make_example_export.py            # -> content/exports/zendesk-tickets.csv
  * the KPI benchmark:
      python scripts/make_example_export.py --tickets 1000000 -o /tmp/tickets.csv

The columns follow Zendesk's ticket CSV export (Id, Group, Status, Via,
Created at, Solved at, Satisfaction Score, Reopens, Replies, First reply time
in minutes, ...), plus an `SLA status` column (Achieved / Breached / empty).
The same seed and ticket count always give the same file.

Three teams (Zendesk groups) over six quarters, 2025-Q2 to 2026-Q3, with
trends a reader can see on the site: EMEA replies faster every quarter,
APAC's volume grows faster than its staff and its CSAT falls through the
year, Americas stays steady. Times are skewed (log-normal), a few tickets are
reopened, the newest ones are still open at export time, and a few rows carry
impossible timestamps (solved before created) for the engine to drop.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

EXPORT_TIME = np.datetime64("2026-09-30T18:00:00", "s")
QUARTER_STARTS = np.array(
    ["2025-04-01", "2025-07-01", "2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"],
    dtype="datetime64[s]",
)
DEFAULT_TICKETS = 5200  # about 1.3 MB
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "content" / "exports" / "zendesk-tickets.csv"

COLUMNS = [
    "Id", "Requester", "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Via", "Ticket type",
    "Created at", "Updated at", "Assigned at", "Solved at", "Resolution time", "Satisfaction Score",
    "Reopens", "Replies", "First reply time in minutes", "First reply time in minutes within business hours",
    "Full resolution time in minutes", "Full resolution time in minutes within business hours", "SLA status",
]

# Per team, one value per quarter (2025-Q2 … 2026-Q3).
TEAMS = {
    "EMEA Support": dict(
        volume=[1.00, 1.03, 1.08, 1.10, 1.12, 1.15], peak_hour=10,
        frt_median=[98, 85, 72, 63, 53, 46],          # minutes: a new triage rota pays off
        res_median=[23, 22, 20, 18.5, 17, 16],         # hours
        good=[0.84, 0.85, 0.86, 0.875, 0.885, 0.895],
        response=[0.27, 0.28, 0.29, 0.30, 0.31, 0.33],
        one_touch=[0.63, 0.65, 0.67, 0.69, 0.71, 0.73],
        reopen=[0.070, 0.068, 0.062, 0.058, 0.052, 0.048],
        agents=["Anna Müller", "Luca Rossi", "Sofia Nowak", "Pierre Dubois", "Emma Jansen", "Jonas Berg",
                "Marta García", "Kaisa Tamm"],
    ),
    "Americas Support": dict(
        volume=[0.90, 0.92, 0.95, 0.93, 0.96, 0.98], peak_hour=16,
        frt_median=[60, 58, 61, 59, 60, 58],
        res_median=[20, 20.5, 19.5, 20, 20, 19.5],
        good=[0.87, 0.868, 0.872, 0.87, 0.869, 0.871],
        response=[0.31, 0.30, 0.31, 0.32, 0.30, 0.31],
        one_touch=[0.70, 0.70, 0.71, 0.70, 0.70, 0.71],
        reopen=[0.055, 0.055, 0.054, 0.056, 0.055, 0.054],
        agents=["Michael Brown", "Ana Souza", "Carlos Mendoza", "Jessica Taylor", "David Kim", "Laura Smith",
                "Diego Hernández"],
    ),
    "APAC Support": dict(
        volume=[0.55, 0.62, 0.70, 0.78, 0.86, 0.95], peak_hour=3,  # growing faster than the team
        frt_median=[68, 70, 74, 81, 88, 96],
        res_median=[24, 25, 27, 29, 31, 34],
        good=[0.89, 0.88, 0.855, 0.83, 0.80, 0.76],
        response=[0.29, 0.28, 0.26, 0.25, 0.23, 0.22],  # fewer customers bother to answer
        one_touch=[0.69, 0.68, 0.66, 0.64, 0.62, 0.60],
        reopen=[0.050, 0.053, 0.058, 0.063, 0.068, 0.074],
        agents=["Hiroshi Tanaka", "Mei Lin", "Priya Sharma", "Liam O'Connor", "Nguyen Van An", "Ji-woo Park"],
    ),
}

PRIORITIES = np.array(["low", "normal", "high", "urgent"])
PRIORITY_P = [0.20, 0.55, 0.18, 0.07]
PRIORITY_FRT = np.array([1.5, 1.0, 0.6, 0.3])
SLA_TARGET_MIN = np.array([1440, 480, 240, 60])
CHANNELS = np.array(["Web form", "Mail", "Chat", "Voice", "API"])
CHANNEL_P = [0.34, 0.30, 0.24, 0.08, 0.04]
CHANNEL_FRT = np.array([1.0, 1.1, 0.12, 0.05, 1.3])
TYPES = np.array(["question", "incident", "problem", "task"])
TYPE_P = [0.52, 0.33, 0.08, 0.07]
SUBJECTS = [
    ("Cannot log in to my account", "login account"), ("Password reset link expired", "login password"),
    ("Refund for a cancelled order", "billing refund"), ("Invoice shows the wrong VAT number", "billing invoice"),
    ("Charged twice this month", "billing payment"), ("Where is my delivery?", "shipping tracking"),
    ("Parcel arrived damaged", "shipping damage"), ("How do I export my data?", "howto export"),
    ("API returns 500 on /orders", "api bug"), ("Feature request: dark mode", "feedback feature"),
    ("Change the email on my account", "account email"), ("Upgrade to the annual plan", "billing plan"),
    ("App crashes on start-up", "mobile bug"), ("Two-factor code never arrives", "login 2fa"),
    ("Cancel my subscription", "billing cancel"), ("Question about GDPR data request", "privacy gdpr"),
]
FIRST = ["Olivia", "Noah", "Zoë", "Mateo", "Chloé", "Lukas", "Aiko", "Ravi", "Fatima", "João", "Ingrid", "Wei",
         "Søren", "Amélie", "Kwame", "Elena", "Tomás", "Hana", "Omar", "Sara", "Björn", "Leila", "Yuki", "Grace"]
LAST = ["Smith", "García", "Müller", "Nakamura", "Silva", "Kowalski", "Dubois", "Chen", "Okafor", "Rossi",
        "Johansson", "Patel", "Novák", "Ivanova", "O'Brien", "Kim", "Andersen", "Haddad", "Lefèvre", "Tan"]


def stratified(rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
    """Uniform draws spread evenly within each group, so a rate drawn with them lands close
    to its parameter even in a small team-quarter (the site's trends should show the
    parameters, not sampling noise)."""
    n = len(groups)
    order = np.lexsort((rng.random(n), groups))
    counts = np.bincount(groups)
    starts = np.cumsum(counts) - counts
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - starts[groups[order]]
    return (rank + rng.random(n)) / counts[groups]


def generate(n: int, seed: int = 7) -> pa.Table:
    """The export as an Arrow table of strings and integers, rows in Id order."""
    rng = np.random.default_rng(seed)
    names = list(TEAMS)
    weights = np.array([TEAMS[t]["volume"] for t in names])  # team × quarter
    counts = rng.multinomial(n, (weights / weights.sum()).ravel()).reshape(weights.shape)
    team = np.repeat(np.arange(len(names)).repeat(6), counts.ravel())
    quarter = np.repeat(np.tile(np.arange(6), len(names)), counts.ravel())

    def per(key):  # the team-quarter parameter of every ticket
        return np.array([TEAMS[t][key] for t in names], dtype=float)[team, quarter]

    # Creation: a weekday-weighted day in the quarter, an hour around the team's peak.
    qdays = ((QUARTER_STARTS[1:] - QUARTER_STARTS[:-1]) // np.timedelta64(1, "D")).astype(int)
    day = np.floor(rng.random(n) * qdays[quarter]).astype(int)
    start = QUARTER_STARTS[quarter] + day.astype("timedelta64[D]")
    weekend = ((start.astype("datetime64[D]").astype(int) + 3) % 7) >= 5
    day = np.where(weekend & (rng.random(n) < 0.55), np.maximum(day - 2, 0), day)  # quieter weekends
    peak = np.array([TEAMS[t]["peak_hour"] for t in names])[team]
    hour = np.mod(np.round(rng.normal(peak, 3.2)), 24).astype(int)
    created = (QUARTER_STARTS[quarter] + day.astype("timedelta64[D]") + hour.astype("timedelta64[h]")
               + rng.integers(0, 3600, n).astype("timedelta64[s]"))
    order = np.argsort(created, kind="stable")
    created, team, quarter = created[order], team[order], quarter[order]

    pri = rng.choice(4, n, p=PRIORITY_P)
    via = rng.choice(len(CHANNELS), n, p=CHANNEL_P)
    ttype = rng.choice(len(TYPES), n, p=TYPE_P)

    # First reply: log-normal around the team-quarter median, faster for chat and urgent tickets.
    frt = rng.lognormal(np.log(per("frt_median") * PRIORITY_FRT[pri] * CHANNEL_FRT[via]), 1.0)
    frt = np.maximum(np.round(frt), 1)
    block = team * 6 + quarter
    replied = rng.random(n) > 0.025  # spam, merged, solved by the requester
    one_touch = stratified(rng, block) < per("one_touch")
    replies = np.where(one_touch, 1, 2 + rng.poisson(1.3, n))
    replies = np.where(replied, replies, 0)

    res_h = rng.lognormal(np.log(per("res_median")), 1.1) * (1 + 0.25 * np.maximum(replies - 1, 0))
    res_h = np.maximum(res_h, frt / 60 + rng.random(n) * 0.5)
    reopens = np.where(stratified(rng, block) < per("reopen"), 1 + (rng.random(n) < 0.12), 0)
    res_h = res_h + reopens * rng.lognormal(np.log(30), 0.8, n)  # the latest solve comes later
    res_s = (res_h * 3600).astype("int64")
    solved = created + res_s.astype("timedelta64[s]")
    stuck = rng.random(n) < 0.004  # forgotten tickets that stay in the backlog
    is_solved = (solved <= EXPORT_TIME) & ~stuck
    first_reply_at = created + (frt * 60).astype("int64").astype("timedelta64[s]")
    replied &= (first_reply_at <= EXPORT_TIME)
    frt_out = np.where(replied, frt, np.nan)

    age_days = (EXPORT_TIME - solved) / np.timedelta64(1, "D")
    status = np.where(is_solved, np.where(age_days > 4, "closed", "solved"),
                      np.where(~replied, "new", rng.choice(["open", "pending", "hold"], n, p=[0.5, 0.38, 0.12])))

    # Satisfaction: surveyed after solve (never by phone); 22–33 % answer.
    offered = is_solved & (via != 3) & (rng.random(n) > 0.08)
    rated = offered & (stratified(rng, block * 2 + offered) < per("response"))
    p_good = np.clip(per("good") - 0.18 * (reopens > 0) + 0.03 * (replies <= 1), 0.05, 0.99)
    good = stratified(rng, block * 2 + rated) < p_good
    sat = np.where(rated, np.where(good, "Good", "Bad"), np.where(offered, "Offered", "Not Offered"))

    # SLA on first reply, by priority; half the low-priority tickets have no policy.
    target = SLA_TARGET_MIN[pri]
    waited = np.where(replied, frt, (EXPORT_TIME - created) / np.timedelta64(1, "m"))
    sla = np.where(waited <= target, np.where(replied, "Achieved", ""), "Breached")
    sla = np.where((pri == 0) & (rng.random(n) < 0.5), "", sla)

    # A few impossible rows: solved before created (a clock or import error upstream).
    bad = rng.choice(np.flatnonzero(is_solved), size=min(3, int(is_solved.sum())), replace=False) if n >= 100 else []
    solved[bad] = created[bad] - rng.integers(3600, 86400, len(bad)).astype("timedelta64[s]")

    updated = np.where(status == "closed", solved + np.timedelta64(4, "D"),
                       np.where(is_solved, solved + rng.integers(0, 7200, n).astype("timedelta64[s]"),
                                created + ((EXPORT_TIME - created) * rng.random(n)).astype("timedelta64[s]")))
    assigned = created + np.minimum(frt * 60 * rng.random(n), 3 * 3600).astype("int64").astype("timedelta64[s]")
    has_assignee = replied | (rng.random(n) < 0.5)

    full_min = np.where(is_solved, (solved - created) / np.timedelta64(1, "m"), np.nan)
    full_min = np.round(full_min)
    business = rng.uniform(0.3, 0.55, n)

    subj = rng.integers(0, len(SUBJECTS), n)
    agents = [TEAMS[t]["agents"] for t in names]
    agent_idx = np.floor(rng.random(n) * np.array([len(a) for a in agents])[team]).astype(int)
    flat_agents = sum(agents, [])
    offsets = np.cumsum([0] + [len(a) for a in agents])[:-1]

    def strings(values, index):
        return pc.take(pa.array(values), pa.array(index))

    def stamp(t, mask=None):
        arr = pa.array(t.astype("datetime64[s]"), mask=None if mask is None else ~mask)
        return pc.strftime(arr, "%Y-%m-%d %H:%M:%S")

    def ints(x, mask=None):
        x = np.nan_to_num(np.asarray(x, dtype=float), nan=0).astype("int64")
        return pa.array(x, mask=None if mask is None else ~mask)

    requester = pc.binary_join_element_wise(strings(FIRST, rng.integers(0, len(FIRST), n)),
                                            strings(LAST, rng.integers(0, len(LAST), n)), " ")
    assignee = strings(flat_agents, offsets[team] + agent_idx)
    assignee = pc.if_else(pa.array(has_assignee), assignee, pa.scalar(None, pa.string()))
    full_ok = ~np.isnan(full_min) & (full_min >= 0)
    cols = [
        pa.array(np.arange(100001, 100001 + n)),
        requester,
        assignee,
        strings(names, team),
        strings([s for s, _ in SUBJECTS], subj),
        strings([t for _, t in SUBJECTS], subj),
        pa.array(status),
        strings(PRIORITIES, pri),
        strings(CHANNELS, via),
        strings(TYPES, ttype),
        stamp(created),
        stamp(np.maximum(updated, created)),
        stamp(assigned, has_assignee),
        stamp(solved, is_solved),
        ints(np.round(full_min / 60), is_solved & full_ok),
        pa.array(sat),
        ints(reopens),
        ints(replies),
        ints(frt_out, replied),
        ints(np.round(frt_out * business), replied),
        ints(full_min, is_solved & full_ok),
        ints(np.round(full_min * business), is_solved & full_ok),
        pc.if_else(pa.array(sla == ""), pa.scalar(None, pa.string()), pa.array(sla)),
    ]
    return pa.table(cols, names=COLUMNS)


def write(table: pa.Table, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "wb") as f:
        # Header written by hand: Arrow would quote every column name.
        f.write((",".join(COLUMNS) + "\n").encode())
        pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    tmp.replace(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tickets", type=int, default=DEFAULT_TICKETS, help=f"number of tickets (default {DEFAULT_TICKETS})")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT, help="CSV file to write")
    args = ap.parse_args(argv)
    write(generate(args.tickets, args.seed), args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.1f} MB, {args.tickets} tickets)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
