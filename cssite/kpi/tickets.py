"""Tickets stage: raw columns → one row per ticket, with its period, team and measures.

This is where a preset's value conventions apply (which statuses mean solved,
what a rating means, what counts as an SLA breach), where an event log is
reduced to each ticket's latest row, and where rows that cannot be a real
ticket are dropped and counted by reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from cssite.kpi.presets import Preset
from cssite.kpi.quality import QualityReport
from cssite.kpi.read import Column, RawExport, id_column
from cssite.schema import SLUG_RE

# csat codes
GOOD, BAD, OFFERED, NOT_OFFERED, NO_RATING = 1, 0, 2, 3, -1


@dataclass
class Tickets:
    """Parallel arrays, one element per kept ticket; a measure is None when the export has no field for it."""

    periods: list[str]  # codes, in order; `period` indexes it
    period: np.ndarray
    teams: list[str]  # team ids, sorted; `team` indexes it, -1 = no team (counted in 'all' only)
    team: np.ndarray
    is_ticket_export: bool  # rows are tickets (an id column), not survey responses
    frt: np.ndarray | None = None  # minutes to first reply, NaN = no reply
    resolution: np.ndarray | None = None  # hours to solved, NaN = not solved
    solved: np.ndarray | None = None
    backlog: np.ndarray | None = None  # open at export time
    replies: np.ndarray | None = None
    reopens: np.ndarray | None = None
    sla: np.ndarray | None = None  # 1 met, 0 breached, NaN no outcome
    csat: np.ndarray | None = None  # GOOD, BAD, OFFERED, NOT_OFFERED, NO_RATING
    csat_tracks_offers: bool = False  # the rating column says who was surveyed
    nps: np.ndarray | None = None
    ces: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.period)


@dataclass(frozen=True)
class Scope:
    """Options that decide which tickets count and where."""

    team_map: dict[str, str]
    known_teams: frozenset[str] | None  # the project's team ids; None outside a project
    granularity: str = "quarter"
    period: str | None = None  # the period of every row of a file without dates


def build_tickets(raws: list[RawExport], preset: Preset, scope: Scope, report: QualityReport) -> Tickets:
    """Turn the raw columns of one or more exports (same preset) into tickets, recording every drop."""
    cols = _concat(raws, preset)
    n = sum(r.rows for r in raws)
    keep = np.ones(n, dtype=bool)
    dropped: Counter = Counter()

    def drop(mask: np.ndarray, reason: str) -> None:
        mask = mask & keep
        if (k := int(mask.sum())):
            dropped[reason] += k
            keep[mask] = False

    created = _get(cols, "created_at")
    if preset.event_log and "id" in cols and "updated_at" in cols:
        ids = cols["id"].values
        drop(ids < 0, "no ticket id")
        latest = _latest_rows(ids, cols["updated_at"].values, keep)
        report.superseded = int((keep & ~latest).sum())
        keep &= latest
    elif "id" in cols and not cols["id"].distinct:
        ids = cols["id"].values
        later = _later_duplicates(ids, keep)
        drop(later, "duplicate ticket id (the last row is kept)")

    status = cols.get("status")
    if status is not None and preset.ignored:
        for code, label in enumerate(status.labels):
            if label.lower() in preset.ignored:
                drop(status.values == code, f"status '{label}' (ignored by the preset)")

    if created is not None:
        drop(np.isnan(created), "creation date missing or unreadable")
        for f, reason in (("solved_at", "solved before created"), ("first_reply_at", "first reply before created")):
            if (t := _get(cols, f)) is not None:
                with np.errstate(invalid="ignore"):
                    drop(t < created, reason)
    for f, reason in (("first_reply_minutes", "negative first reply time"),
                      ("resolution_minutes", "negative resolution time")):
        if (x := _get(cols, f)) is not None:
            with np.errstate(invalid="ignore"):
                drop(x < 0, reason)

    # Period of creation, or the one --period names for a file without dates.
    if created is not None:
        keys = _period_keys(created, scope.granularity, keep)
        used = np.unique(keys[keep])
        periods = [_period_code(k, scope.granularity) for k in used]
        period = np.full(n, -1, dtype="int32")
        period[keep] = np.searchsorted(used, keys[keep])
    else:
        periods = [scope.period]
        period = np.zeros(n, dtype="int32")

    team_ids, team = _teams(cols.get("team"), scope, keep, report)

    idx = np.flatnonzero(keep)
    t = Tickets(periods=periods, period=period[idx], teams=team_ids, team=team[idx],
                is_ticket_export="id" in cols)
    sub = lambda a: None if a is None else a[idx]  # noqa: E731

    # First reply: from the timestamps where there are both, else the minutes column.
    frt = _coalesce(_minutes_between(created, _get(cols, "first_reply_at")), _get(cols, "first_reply_minutes"))
    if frt is not None:
        t.frt = sub(frt)

    # Solved: by status when the preset names solved statuses, else by a solve time.
    solved = None
    if status is not None and preset.solved:
        is_solved = np.array([lab.lower() in preset.solved for lab in status.labels] + [False])
        solved = is_solved[status.values]
        t.backlog = (~solved & (status.values >= 0))[idx]  # a ticket without a status is neither
    elif (s := _coalesce(_get(cols, "solved_at"), _get(cols, "resolution_minutes"))) is not None:
        solved = ~np.isnan(s)
    if solved is not None:
        t.solved = solved[idx]
        res = _coalesce(_minutes_between(created, _get(cols, "solved_at")), _get(cols, "resolution_minutes"))
        if res is not None:
            t.resolution = np.where(t.solved, res[idx] / 60.0, np.nan)
    for f in ("replies", "reopens"):
        if (x := _get(cols, f)) is not None:
            setattr(t, f, x[idx])

    if (c := cols.get("sla_met")) is not None:
        t.sla = _lookup(c, idx, lambda v: _sla_value(v, preset), "sla_met", report)
    if (c := cols.get("csat_rating")) is not None:
        codes = _lookup(c, idx, lambda v: _csat_value(v, preset), "csat_rating", report, missing=NO_RATING)
        t.csat = codes.astype("int8")
        t.csat_tracks_offers = bool((t.csat >= OFFERED).any())  # OFFERED or NOT_OFFERED
    if (c := cols.get("nps_score")) is not None:
        t.nps = _lookup(c, idx, lambda v: _score(v, 0, 10, whole=True), "nps_score", report)
    if (c := cols.get("ces_score")) is not None:
        t.ces = _lookup(c, idx, lambda v: _score(v, 1, 7), "ces_score", report)

    report.tickets = len(idx)
    report.dropped = dict(dropped)
    report.periods = periods if len(idx) else []
    for f, col in cols.items():
        if col.kind != "coded" and col.unreadable:
            report.invalid(f, col.unreadable, col.examples)
    return t


# ---------------------------------------------------------------- helpers

def _concat(raws: list[RawExport], preset: Preset) -> dict[str, Column]:
    """One column per field over all files; a field missing from one file is missing in its rows."""
    if len(raws) == 1:
        return dict(raws[0].columns)
    fields = {f for r in raws for f in r.columns}
    out: dict[str, Column] = {}
    for f in fields:
        parts = [r.columns.get(f) for r in raws]
        kind = next(p.kind for p in parts if p is not None)
        if kind == "id":
            arrays = [p.arrow.cast(pa.string()) if p is not None else pa.nulls(r.rows, pa.string())
                      for p, r in zip(parts, raws)]
            out[f] = id_column(pa.concat_arrays(arrays), need_codes=preset.event_log)
        elif kind == "coded":
            labels: dict[str, int] = {}
            chunks = []
            for p, r in zip(parts, raws):
                if p is None:
                    chunks.append(np.full(r.rows, -1, dtype="int32"))
                    continue
                remap = np.array([labels.setdefault(lab, len(labels)) for lab in p.labels] + [-1], dtype="int32")
                chunks.append(remap[p.values])
            out[f] = Column("coded", np.concatenate(chunks), list(labels))
        else:
            chunks = [p.values if p is not None else np.full(r.rows, np.nan) for p, r in zip(parts, raws)]
            out[f] = Column(kind, np.concatenate(chunks), unreadable=sum(p.unreadable for p in parts if p),
                            examples=[e for p in parts if p for e in p.examples][:3])
    return out


def _get(cols: dict[str, Column], f: str) -> np.ndarray | None:
    c = cols.get(f)
    return None if c is None else c.values


def _coalesce(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None or b is None:
        return a if b is None else b
    return np.where(np.isnan(a), b, a)


def _minutes_between(start: np.ndarray | None, end: np.ndarray | None) -> np.ndarray | None:
    if start is None or end is None:
        return None
    return (end - start) / 60.0


def _latest_rows(ids: np.ndarray, updated: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Mask of each ticket's latest row by update time (file order breaks ties)."""
    rows = np.flatnonzero(keep)
    upd = np.where(np.isnan(updated[rows]), -np.inf, updated[rows])
    order = np.lexsort((rows, upd, ids[rows]))
    sorted_ids = ids[rows][order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = sorted_ids[:-1] != sorted_ids[1:]
    out = np.zeros(len(ids), dtype=bool)
    out[rows[order[last]]] = True
    return out


def _later_duplicates(ids: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Rows whose id appears again further down (the last one is kept)."""
    rows = np.flatnonzero(keep & (ids >= 0))
    rev = rows[::-1]
    _, first_in_rev = np.unique(ids[rev], return_index=True)
    last = np.zeros(len(ids), dtype=bool)
    last[rev[first_in_rev]] = True
    dup = np.zeros(len(ids), dtype=bool)
    dup[rows] = ~last[rows]
    return dup


def _period_keys(secs: np.ndarray, granularity: str, keep: np.ndarray) -> np.ndarray:
    """Months (or quarters) since 1970-01 of each time; 0 where there is none."""
    keys = np.zeros(len(secs), dtype="int64")
    ok = keep & ~np.isnan(secs)
    if not ok.any():
        return keys
    first, last = (np.datetime64(int(x), "s").astype("datetime64[M]") for x in (secs[ok].min(), secs[ok].max()))
    starts = np.arange(first, last + np.timedelta64(2, "M"), dtype="datetime64[M]")
    # A search among the few month starts is much cheaper than converting every time to a month.
    bounds = starts.astype("datetime64[s]").astype("int64").astype("float64")
    months = np.searchsorted(bounds, secs[ok], side="right") - 1 + starts[0].astype("int64")
    keys[ok] = months // 3 if granularity == "quarter" else months
    return keys


def _period_code(key: int, granularity: str) -> str:
    key = int(key)
    if granularity == "quarter":
        return f"{1970 + key // 4:04d}-Q{key % 4 + 1}"
    return f"{1970 + key // 12:04d}-{key % 12 + 1:02d}"


def _teams(col: Column | None, scope: Scope, keep: np.ndarray, report: QualityReport) -> tuple[list[str], np.ndarray]:
    """Group values → team ids by the team map (or a value that already is a team id); the rest are reported."""
    n = len(keep)
    if col is None:
        return [], np.full(n, -1, dtype="int32")
    exact = {k.strip(): v for k, v in scope.team_map.items()}
    folded = {k.casefold(): v for k, v in exact.items()}
    target: list[str | None] = []
    used_keys = set()
    for label in col.labels:
        tid = exact.get(label)
        if tid is None:
            tid = folded.get(label.casefold())
        if tid is not None:
            used_keys.add(label.casefold())
        elif (label in scope.known_teams) if scope.known_teams is not None else bool(SLUG_RE.match(label)):
            tid = label
        target.append(tid)
    team_ids = sorted({t for t in target if t is not None})
    code_of = {t: i for i, t in enumerate(team_ids)}
    lookup = np.array([code_of[t] if t is not None else -1 for t in target] + [-1], dtype="int32")
    team = lookup[col.values]
    unmapped = Counter()
    counts = np.bincount(col.values[keep] + 1, minlength=len(col.labels) + 1)
    if counts[0]:
        unmapped["(empty)"] += int(counts[0])
    for code, label in enumerate(col.labels):
        if target[code] is None and counts[code + 1]:
            unmapped[label or "(empty)"] += int(counts[code + 1])
    report.unmapped_teams = dict(sorted(unmapped.items(), key=lambda kv: (-kv[1], kv[0])))
    report.unused_team_map = sorted(k for k in exact if k.casefold() not in used_keys)
    return team_ids, team


def _lookup(col: Column, idx: np.ndarray, interpret, field_name: str, report: QualityReport,
            missing: float = np.nan) -> np.ndarray:
    """Interpret each distinct value once, then index; values that mean nothing are counted."""
    meanings = []
    bad = []
    for label in col.labels:
        v = interpret(label)
        if v is None:
            bad.append(len(meanings))
            v = missing
        meanings.append(v)
    table = np.array(meanings + [missing], dtype="float64")
    codes = col.values[idx]
    if bad:
        counts = np.bincount(codes + 1, minlength=len(col.labels) + 1)
        n_bad = int(sum(counts[b + 1] for b in bad))
        if n_bad:
            report.invalid(field_name, n_bad, [col.labels[b] for b in bad if counts[b + 1]][:3])
    return table[codes]


def _csat_value(v: str, preset: Preset) -> float | None:
    r = preset.ratings
    low = v.strip().lower()
    if low in r.good:
        return GOOD
    if low in r.bad:
        return BAD
    if low in r.offered:
        return OFFERED
    if low in r.not_offered:
        return NOT_OFFERED
    x = _number(low)
    if x is None or not 1 <= x <= r.scale:
        return None
    return GOOD if x >= r.good_from else BAD


def _sla_value(v: str, preset: Preset) -> float | None:
    low = v.strip().lower()
    if low in preset.sla_met:
        return 1.0
    if low in preset.sla_breached:
        return 0.0
    # Jira's SLA fields: time left ("4:10") or overdue ("-2:30").
    if m := re.fullmatch(r"(-)?\d+:\d{2}(:\d{2})?", low):
        return 0.0 if m[1] else 1.0
    return None


def _score(v: str, low: int, high: int, whole: bool = False) -> float | None:
    x = _number(v)
    if x is None or not low <= x <= high or (whole and x != int(x)):
        return None
    return x


def _number(v: str) -> float | None:
    # "10 - Extremely likely", "4,0", "5": the leading number is the answer.
    m = re.match(r"\s*(\d+(?:[.,]\d+)?)\b", v)
    return float(m[1].replace(",", ".")) if m else None
