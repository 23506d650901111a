"""Tickets stage: raw columns → one row per ticket (or call), with its period, team and measures.

The steps, in order, each a function below:
  1. `_concat`: the files' columns as one.
  2. `_one_row_per_ticket`: an event log (ids repeat and `updated_at` is mapped) is reduced to
     each ticket's latest row; otherwise a repeated id keeps its last row.
  3. `_drop_ignored`: rows whose value means `ignore` (preset or --value) go, counted.
  4. `_solved`: status first. A ticket is solved only when its status says so; a solve
     time on any other ticket is ignored and counted. Undeclared statuses count as open.
  5. `_drop_impossible`: no creation date, solved or replied before created, negative times.
  6. periods and teams, then the measures the metrics read.
Every drop is counted by reason in the quality report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from cssite.errors import InputError
from cssite.kpi.presets import Preset
from cssite.kpi.quality import EventLog, QualityReport, ValueProblem
from cssite.kpi.read import Column, RawExport, id_column
from cssite.model import Period
from cssite.schema import SLUG_RE

# csat codes
GOOD, BAD, OFFERED, NOT_OFFERED, NO_RATING = 1, 0, 2, 3, -1
# reply states
REPLIED, NOT_REPLIED, REPLY_UNKNOWN = 1, 0, -1
# call outcomes
ANSWERED, ABANDONED, NO_OUTCOME = 1, 0, -1


@dataclass
class Tickets:
    """Parallel arrays, one element per kept ticket; a measure is None when the export has no field for it."""

    periods: list[str]  # codes, in order; `period` indexes it
    period: np.ndarray
    teams: list[str]  # team ids, sorted; `team` indexes it, -1 = no team (counted in 'all' only)
    team: np.ndarray
    is_ticket_export: bool  # rows are tickets or calls (an id or outcome column), not survey responses
    frt: np.ndarray | None = None  # calendar minutes to first reply, NaN = no reply (or unknown)
    frt_business: np.ndarray | None = None
    reply: np.ndarray | None = None  # REPLIED, NOT_REPLIED, REPLY_UNKNOWN (from whichever first-reply field)
    resolution: np.ndarray | None = None  # calendar hours to solved, NaN = not solved
    resolution_business: np.ndarray | None = None
    solved: np.ndarray | None = None
    backlog: np.ndarray | None = None  # open at export time
    replies: np.ndarray | None = None
    reopens: np.ndarray | None = None
    sla: np.ndarray | None = None  # 1 met, 0 breached, NaN no outcome
    csat: np.ndarray | None = None  # GOOD, BAD, OFFERED, NOT_OFFERED, NO_RATING
    csat_tracks_offers: bool = False  # the rating column says who was surveyed
    nps: np.ndarray | None = None
    ces: np.ndarray | None = None
    outcome: np.ndarray | None = None  # ANSWERED, ABANDONED, NO_OUTCOME
    queue: np.ndarray | None = None  # seconds
    handle: np.ndarray | None = None  # seconds

    def __len__(self) -> int:
        return len(self.period)


@dataclass(frozen=True)
class Scope:
    """Options that decide which tickets count and where."""

    team_map: dict[str, str]
    known_teams: frozenset[str] | None  # the project's team ids; None outside a project
    granularity: str = "quarter"
    period: str | None = None  # the period of every row of a file without dates


class _Rows:
    """The kept-row mask, the drops by reason, and where a row came from (file and line)."""

    def __init__(self, raws: list[RawExport]) -> None:
        self.raws = raws
        self.starts = np.cumsum([0] + [r.rows for r in raws])
        self.keep = np.ones(int(self.starts[-1]), dtype=bool)
        self.dropped: Counter = Counter()
        self.drops: dict[str, dict] = {}  # reason -> {code, count, params}: the same drops, for any language

    def drop(self, mask: np.ndarray, reason: str, code: str, **params: str) -> None:
        mask = mask & self.keep
        if (k := int(mask.sum())):
            self.dropped[reason] += k
            entry = self.drops.setdefault(reason, {"code": code, "count": 0, **params})
            entry["count"] += k
            self.keep[mask] = False

    def where(self, row: int) -> tuple[str, int]:
        i = int(np.searchsorted(self.starts, row, side="right")) - 1
        raw = self.raws[i]
        return raw.path, raw.lines.line(row - int(self.starts[i]))


def build_tickets(raws: list[RawExport], preset: Preset, scope: Scope, report: QualityReport) -> Tickets:
    """Turn the raw columns of one or more exports (same preset) into tickets, recording every drop."""
    cols = _concat(raws)
    rows = _Rows(raws)
    _one_row_per_ticket(cols, rows, report)
    _drop_ignored(cols, preset, rows)
    solved, backlog = _solved(cols, preset, rows, report)
    _drop_impossible(cols, solved, rows)

    keep = rows.keep
    periods, period = _periods(_clock(cols.get("created_at")), scope, keep)
    team_ids, team = _teams(cols.get("team"), scope, keep, report)
    idx = np.flatnonzero(keep)
    t = Tickets(periods=periods, period=period[idx], teams=team_ids, team=team[idx],
                is_ticket_export=("id" in cols or "outcome" in cols) and preset.rows != "responses")
    _measures(t, cols, idx, solved, backlog, preset, rows, report)

    report.tickets = len(idx)
    report.dropped = dict(rows.dropped)
    report.drops = list(rows.drops.values())
    report.periods = periods if len(idx) else []
    return t


# ---------------------------------------------------------------- steps

def _concat(raws: list[RawExport]) -> dict[str, Column]:
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
            out[f] = id_column(pa.concat_arrays(arrays), need_codes=True)
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
            unknown = [p.unknown if p is not None and p.unknown is not None else np.zeros(r.rows, dtype=bool)
                       for p, r in zip(parts, raws)]
            local = None
            if any(p is not None and p.local is not None for p in parts):
                local = np.concatenate([p.local if p.local is not None else p.values for p in parts])
            out[f] = Column(kind, np.concatenate(chunks), unknown=np.concatenate(unknown), local=local)
    return out


def _one_row_per_ticket(cols: dict[str, Column], rows: _Rows, report: QualityReport) -> None:
    idc = cols.get("id")
    if idc is None or idc.distinct:
        return
    ids = idc.values
    if "updated_at" in cols:
        rows.drop(ids < 0, "no ticket id", "no_id")
        report.event_log = _reduce_event_log(cols, rows)
    else:
        dup = _later_duplicates(ids, rows.keep)
        rows.drop(dup, "duplicate ticket id (the last row is kept)", "duplicate_id")
        if (k := int(dup.sum())):
            # Said as a warning: a call id unique only within its line (Technion's call_id) merges real calls.
            path, line = rows.where(int(np.flatnonzero(dup)[0]))
            col = _header(rows, "id")
            report.note(path, line, f"{k:,} row{'s repeat' if k > 1 else ' repeats'} an id of column '{col}' found again "
                        "further down: only the last row of each id is kept. If an id is unique only together with "
                        f"another column, join them (--map \"id=COLUMN+{col}\"); if the file is a change log, map "
                        "its update time (--map updated_at=COLUMN)")


def _reduce_event_log(cols: dict[str, Column], rows: _Rows) -> EventLog:
    """Keep each ticket's latest row by update time; its empty fields take the ticket's latest non-empty value.

    Ties in the update time (date-only columns tie all day) are broken by the file's order, whose
    direction is read from the rows of a ticket whose update times differ: newest first or oldest first.
    """
    ids, upd = cols["id"].values, cols["updated_at"].values
    kept = np.flatnonzero(rows.keep)
    in_file = kept[np.argsort(ids[kept], kind="stable")]  # each ticket's rows, in file order
    same = ids[in_file[1:]] == ids[in_file[:-1]]
    with np.errstate(invalid="ignore"):
        step = upd[in_file[1:]] - upd[in_file[:-1]]
        later, earlier = int((same & (step > 0)).sum()), int((same & (step < 0)).sum())
    order = "newest first" if earlier > later else "oldest first" if later else "unknown"
    if order == "unknown":
        # No ticket's own rows differ (every change of each ticket on one day): a file sorted by update time
        # as a whole still tells its direction, when all its steps between rows go one way.
        with np.errstate(invalid="ignore"):
            steps = np.diff(upd[kept])
            later, earlier = int((steps > 0).sum()), int((steps < 0).sum())
        order = "newest first" if earlier and not later else "oldest first" if later and not earlier else "unknown"
        if order == "unknown":
            later = earlier = 0
    tiebreak = -kept if order == "newest first" else kept  # the newer of two tied rows sorts last
    u = np.where(np.isnan(upd[kept]), -np.inf, upd[kept])
    sorted_rows = kept[np.lexsort((tiebreak, u, ids[kept]))]
    sid, su = ids[sorted_rows], u[np.lexsort((tiebreak, u, ids[kept]))]
    n = len(sorted_rows)
    start = np.ones(n, dtype=bool)
    start[1:] = sid[1:] != sid[:-1]
    end = np.ones(n, dtype=bool)
    end[:-1] = sid[:-1] != sid[1:]
    ends = np.flatnonzero(end)
    group_start = np.maximum.accumulate(np.where(start, np.arange(n), 0))[ends]
    latest = sorted_rows[ends]
    ties = int((~start[ends] & (su[ends] == su[np.maximum(ends - 1, 0)])).sum())

    filled = 0
    for f, col in cols.items():
        if f in ("id", "updated_at"):
            continue
        v = col.values[sorted_rows]
        present = v >= 0 if col.kind == "coded" else ~np.isnan(v)
        last = np.maximum.accumulate(np.where(present, np.arange(n), -1))[ends]
        blank = ~present[ends] & (last >= group_start)
        if col.unknown is not None:
            blank &= ~col.unknown[latest]  # an unreadable value is not an empty one
        if blank.any():
            col.values[latest[blank]] = v[last[blank]]
            if col.local is not None:
                col.local[latest[blank]] = col.local[sorted_rows][last[blank]]
            filled += int(blank.sum())
    mask = np.zeros(len(rows.keep), dtype=bool)
    mask[latest] = True
    merged = int((rows.keep & ~mask).sum())
    rows.keep &= mask
    return EventLog(merged, order, later + earlier, ties, filled)


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


def _drop_ignored(cols: dict[str, Column], preset: Preset, rows: _Rows) -> None:
    for f, meanings in preset.values.items():
        col = cols.get(f)
        if col is None or col.kind != "coded" or "ignore" not in meanings.values():
            continue
        for code, label in enumerate(col.labels):
            if preset.meaning(f, label) == "ignore":
                by = "--value" if (f, label.strip().casefold()) in preset.declared else "the preset"
                rows.drop(col.values == code, f"{f} '{label}' (ignored by {by})", "ignored", field=f, value=label,
                          by=by)


def _solved(cols: dict[str, Column], preset: Preset, rows: _Rows,
            report: QualityReport) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(solved, open at export time) per row; status first, else the presence of a solve time."""
    status = cols.get("status")
    solve_time = _coalesce(_get(cols, "solved_at"), _get(cols, "resolution_minutes"))
    if status is not None and "status" in preset.values:
        meaning = [preset.meaning("status", lab) for lab in status.labels]
        is_solved = np.array([m == "solved" for m in meaning] + [False])
        solved = is_solved[status.values]
        backlog = ~solved & (status.values >= 0)  # a ticket without a status is neither
        counts = np.bincount(status.values[rows.keep] + 1, minlength=len(status.labels) + 1)
        undeclared = {lab: int(counts[c + 1]) for c, (lab, m) in enumerate(zip(status.labels, meaning))
                      if m is None and counts[c + 1] and lab}
        if undeclared:
            report.undeclared["status"] = dict(sorted(undeclared.items(), key=lambda kv: (-kv[1], kv[0])))
            declared = sum(int(counts[c + 1]) for c, m in enumerate(meaning) if m is not None)
            if not declared:
                # A status vocabulary the preset knows nothing of (a complaints log's "Closed with
                # explanation"): every ticket counts as open and the backlog is the whole file. Said loudly.
                first = next(iter(report.undeclared["status"]))
                report.note(rows.raws[0].path, 0,
                            f"column '{_header(rows, 'status')}' (status): none of its values is a status preset "
                            f"{preset.name} declares, so every ticket counts as open and none as solved (backlog, "
                            f"resolution and FCR are not to be trusted); say what each means with "
                            f"--value \"status:{first}=solved\" (or open, or ignore), or leave the column out with "
                            "--map status=")
        for f in ("solved_at", "resolution_minutes", "resolution_business_minutes"):
            if f in cols:
                with np.errstate(invalid="ignore"):
                    ignored = ~solved & rows.keep & ~np.isnan(cols[f].values)
                report.solved_dates_ignored = max(report.solved_dates_ignored, int(ignored.sum()))
        return solved, backlog
    if solve_time is not None:
        return ~np.isnan(solve_time), None
    return None, None


def _drop_impossible(cols: dict[str, Column], solved: np.ndarray | None, rows: _Rows) -> None:
    created = cols.get("created_at")
    if created is not None:
        c = created.values
        unknown = created.unknown if created.unknown is not None else np.zeros(len(c), dtype=bool)
        rows.drop(np.isnan(c) & unknown, "creation date unreadable", "created_unreadable")
        rows.drop(np.isnan(c), "creation date missing (or a placeholder)", "created_missing")
        for f, reason, only_solved in (("solved_at", "solved before created", True),
                                       ("first_reply_at", "first reply before created", False)):
            if (t := _get(cols, f)) is not None:
                with np.errstate(invalid="ignore"):
                    bad = t < c
                if only_solved and solved is not None:
                    bad &= solved  # an open ticket's solve date is ignored, not a reason to drop it
                rows.drop(bad, reason, reason.replace(" ", "_"))
    for f, reason in (("first_reply_minutes", "negative first reply time"),
                      ("first_reply_business_minutes", "negative first reply time"),
                      ("resolution_minutes", "negative resolution time"),
                      ("resolution_business_minutes", "negative resolution time")):
        if (x := _get(cols, f)) is not None:
            with np.errstate(invalid="ignore"):
                bad = x < 0
            if solved is not None and f.startswith("resolution"):
                bad &= solved
            rows.drop(bad, reason, reason.replace(" ", "_"))


def _periods(created: np.ndarray | None, scope: Scope, keep: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Period codes in order, and each row's index into them (the period of creation, or --period's)."""
    n = len(keep)
    if created is None:
        return [scope.period], np.zeros(n, dtype="int32")
    keys = _period_keys(created, scope.granularity, keep)
    used = np.unique(keys[keep])
    periods = [_period_code(k, scope.granularity) for k in used]
    period = np.full(n, -1, dtype="int32")
    period[keep] = np.searchsorted(used, keys[keep])
    return periods, period


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
    months = int(key) * 3 if granularity == "quarter" else int(key)
    return Period(dt.date(1970 + months // 12, months % 12 + 1, 1), granularity).code


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
    unmapped: Counter = Counter()
    counts = np.bincount(col.values[keep] + 1, minlength=len(col.labels) + 1)
    if counts[0]:
        unmapped["(empty)"] += int(counts[0])
    for code, label in enumerate(col.labels):
        if target[code] is None and counts[code + 1]:
            unmapped[label or "(empty)"] += int(counts[code + 1])
    report.unmapped_teams = dict(sorted(unmapped.items(), key=lambda kv: (-kv[1], kv[0])))
    report.unused_team_map = sorted(k for k in exact if k.casefold() not in used_keys)
    return team_ids, team


# ---------------------------------------------------------------- measures

def _measures(t: Tickets, cols: dict[str, Column], idx: np.ndarray, solved, backlog, preset: Preset,
              rows: _Rows, report: QualityReport) -> None:
    created = _get(cols, "created_at")
    _replies(t, cols, idx, created)
    if solved is not None:
        t.solved = solved[idx]
        if backlog is not None:
            t.backlog = backlog[idx]
        for attr, minutes in (("resolution", _coalesce(_minutes_between(created, _get(cols, "solved_at")),
                                                        _get(cols, "resolution_minutes"))),
                              ("resolution_business", _get(cols, "resolution_business_minutes"))):
            if minutes is not None:
                setattr(t, attr, np.where(t.solved, minutes[idx] / 60.0, np.nan))
    for f, attr in (("replies", "replies"), ("reopens", "reopens"), ("queue_seconds", "queue"),
                    ("handle_seconds", "handle")):
        if (x := _get(cols, f)) is not None:
            setattr(t, attr, x[idx])

    def lookup(f, interpret, missing=np.nan):
        return _lookup(cols[f], idx, interpret, f, rows, report, missing)

    if "sla_met" in cols:
        t.sla = lookup("sla_met", lambda v: _sla_value(v, preset))
    if "csat_rating" in cols:
        _check_scale(cols["csat_rating"], idx, preset, rows)
        t.csat = lookup("csat_rating", lambda v: _csat_value(v, preset), missing=NO_RATING).astype("int8")
        t.csat_tracks_offers = bool((t.csat >= OFFERED).any())  # OFFERED or NOT_OFFERED
    if "nps_score" in cols:
        t.nps = lookup("nps_score", lambda v: _score(v, 0, 10, whole=True))
        _short_scale(t.nps, 0, rows, report, "nps_score", "a 1–5 question mapped as the 0–10 NPS question makes "
                     "every answer a detractor")
    if "ces_score" in cols:
        t.ces = lookup("ces_score", lambda v: _score(v, 1, 7))
        _short_scale(t.ces, 1, rows, report, "ces_score", "the original CES (1–5, \"how much effort\") runs the "
                     "other way from the 1–7 CES 2.0 agreement scale this metric reads")
    if "outcome" in cols:
        t.outcome = _outcomes(cols["outcome"], idx, preset, report)


def _replies(t: Tickets, cols: dict[str, Column], idx: np.ndarray, created: np.ndarray | None) -> None:
    """First-reply minutes (calendar and business) and each ticket's reply state.

    The state comes from the calendar field when there is one, else the business one. A value
    that was there but could not be read makes the state unknown: not "unreplied".
    """
    at, minutes = cols.get("first_reply_at"), cols.get("first_reply_minutes")
    business = cols.get("first_reply_business_minutes")
    frt = _coalesce(_minutes_between(created, at.values if at else None), minutes.values if minutes else None)
    if frt is not None:
        t.frt = frt[idx]
    if business is not None:
        t.frt_business = business.values[idx]
    source = [c for c in ((at, minutes) if frt is not None else (business,)) if c is not None]
    if not source:
        return
    value = t.frt if frt is not None else t.frt_business
    unknown = np.zeros(len(idx), dtype=bool)
    for c in source:
        if c.unknown is not None:
            unknown |= c.unknown[idx]
    t.reply = np.where(~np.isnan(value), REPLIED, np.where(unknown, REPLY_UNKNOWN, NOT_REPLIED)).astype("int8")


def _outcomes(col: Column, idx: np.ndarray, preset: Preset, report: QualityReport) -> np.ndarray:
    meaning = [preset.meaning("outcome", lab) for lab in col.labels]
    code = {"answered": ANSWERED, "abandoned": ABANDONED}
    table = np.array([code.get(m, NO_OUTCOME) for m in meaning] + [NO_OUTCOME], dtype="int8")
    counts = np.bincount(col.values[idx] + 1, minlength=len(col.labels) + 1)
    undeclared = {lab: int(counts[c + 1]) for c, (lab, m) in enumerate(zip(col.labels, meaning))
                  if m is None and counts[c + 1] and lab}
    if undeclared:
        report.undeclared["outcome"] = dict(sorted(undeclared.items(), key=lambda kv: (-kv[1], kv[0])))
    return table[col.values[idx]]


def _clock(col: Column | None) -> np.ndarray | None:
    """The times that decide a row's period: as the export's clock wrote them (a UTC offset dropped)."""
    if col is None:
        return None
    if col.local is None:
        return col.values
    return np.where(np.isnan(col.values), np.nan, col.local)


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


def _lookup(col: Column, idx: np.ndarray, interpret, field_name: str, rows: _Rows, report: QualityReport,
            missing: float = np.nan) -> np.ndarray:
    """Interpret each distinct value once, then index; values that mean nothing are counted, with lines."""
    meanings, bad = [], []
    for code, label in enumerate(col.labels):
        v = interpret(label)
        if v is None:
            bad.append(code)
            v = missing
        meanings.append(v)
    table = np.array(meanings + [missing], dtype="float64")
    codes = col.values[idx]
    if bad:
        is_bad = np.isin(codes, bad)
        if is_bad.any():
            where = [rows.where(int(r)) for r in idx[np.flatnonzero(is_bad)[:3]]]
            counts = np.bincount(codes[is_bad] + 1, minlength=len(col.labels) + 1)
            examples = [col.labels[b] for b in bad if counts[b + 1]][:3]
            report.problems.append(ValueProblem(field_name, _header(rows, field_name), "unreadable",
                                                int(is_bad.sum()), examples, [w[1] for w in where], where[0][0]))
    return table[codes]


def _header(rows: _Rows, f: str) -> str:
    return next((r.used[f] for r in rows.raws if f in r.used), f)


def _csat_value(v: str, preset: Preset) -> float | None:
    m = preset.meaning("csat_rating", v)
    if m is not None:
        return {"good": GOOD, "bad": BAD, "offered": OFFERED, "not_offered": NOT_OFFERED}.get(m)
    x = _number(v.strip().lower())
    if x is None or not (0 if preset.scale >= 10 else 1) <= x <= preset.scale:
        return None
    return GOOD if x >= preset.good_from else BAD


def _short_scale(x: np.ndarray, low: float, rows: _Rows, report: QualityReport, f: str, why: str) -> None:
    """Warn when twenty or more answers all lie within 1–5: likely another question's scale (numbers kept)."""
    answered = x[~np.isnan(x)]
    if len(answered) >= 20 and answered.max() <= 5:
        report.note(rows.raws[0].path, 0, f"column '{_header(rows, f)}' ({f}): all {len(answered):,} answers are "
                    f"{low:g}–5; check that it is the question this metric reads: {why}")


def _check_scale(col: Column, idx: np.ndarray, preset: Preset, rows: _Rows) -> None:
    """Numeric ratings outside the preset's scale (a 0–10 survey read as 1–5): refuse, never keep the subset.

    Left out one by one, the ratings that happen to fit would give a CSAT of another question.
    """
    low = 0 if preset.scale >= 10 else 1  # a 0–10 scale starts at 0
    outside: dict[int, float] = {}
    numeric: list[int] = []
    for code, label in enumerate(col.labels):
        if preset.meaning("csat_rating", label) is None and re.fullmatch(r"\s*-?\d+(?:[.,]\d+)?\s*", label):
            numeric.append(code)
            x = float(label.strip().replace(",", "."))
            if not low <= x <= preset.scale:
                outside[code] = x
    if not outside:
        return
    hit = np.isin(col.values[idx], list(outside))
    # A stray typo (a 6 among thousands of 1–5 ratings) is left out and counted like any unreadable value.
    if not hit.any() or hit.sum() < 0.05 * np.isin(col.values[idx], numeric).sum():
        return
    path, line = rows.where(int(idx[np.flatnonzero(hit)[0]]))
    seen = sorted({outside[c] for c in np.unique(col.values[idx][hit])})
    shown = ", ".join(f"{x:g}" for x in seen[:5])
    raise InputError(f"column '{_header(rows, 'csat_rating')}' (csat_rating): {int(hit.sum()):,} rating"
                     f"{'s' if hit.sum() > 1 else ''} ({shown}) outside preset {preset.name}'s {low}–{preset.scale} "
                     "scale, so this is another scale, not bad values. Use a preset whose ratings: section sets "
                     "scale: and good_from: (e.g. scale: 10, good_from: 9; copy one from cssite/data/presets/), or "
                     f"say what each value means with --value \"csat_rating:{seen[-1]:g}=good\"", path, line)


def _sla_value(v: str, preset: Preset) -> float | None:
    m = preset.meaning("sla_met", v)
    if m is not None:
        return {"met": 1.0, "breached": 0.0}.get(m)
    # Jira's SLA fields: time left ("4:10") or overdue ("-2:30").
    if mm := re.fullmatch(r"(-)?\d+:\d{2}(:\d{2})?", v.strip()):
        return 0.0 if mm[1] else 1.0
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
