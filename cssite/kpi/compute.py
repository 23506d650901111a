"""Compute stage: tickets → KPI rows, one per period × team × metric, and the same for team `all`.

The definitions are the ones in the metric catalogue (cssite/data/metrics.yml).
Times are summarised by the median and the 90th percentile (linear interpolation
between the closest ranks, as numpy's default), never the mean: they are skewed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cssite.kpi.tickets import BAD, GOOD, OFFERED, Tickets

METRICS = (
    "ticket_volume", "first_response_time", "first_response_time_p90", "unreplied", "resolution_time",
    "resolution_time_p90", "csat", "csat_response_rate", "nps", "ces", "fcr", "reopen_rate", "sla_compliance",
    "backlog",
)
Z95 = 1.959963984540054
_DECIMALS = {"ticket_volume": 0, "unreplied": 0, "backlog": 0, "ces": 2}  # the rest: 1


@dataclass(frozen=True)
class KpiRow:
    period: str
    team: str
    metric: str
    value: float
    n: int
    ci_low: float | None = None
    ci_high: float | None = None


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the proportion k/n, in percent."""
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return 100 * (centre - half), 100 * (centre + half)


def nps_interval(promoters: int, detractors: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95 % interval of NPS: NPS ± z·100·sqrt((p + d − (p − d)²) / n), kept within −100…100."""
    p, d = promoters / n, detractors / n
    half = z * 100 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
    nps = 100 * (p - d)
    return max(nps - half, -100.0), min(nps + half, 100.0)


def absent_metrics(t: Tickets) -> dict[str, str]:
    """Metrics this export has no field for, with the reason (they are left out, not zero)."""
    out = {}
    if not t.is_ticket_export:
        out["ticket_volume"] = "no id column: rows are not tickets"
    if t.frt is None:
        for m in ("first_response_time", "first_response_time_p90", "unreplied"):
            out[m] = "no first reply column"
    if t.resolution is None:
        for m in ("resolution_time", "resolution_time_p90"):
            out[m] = "no solve time column"
    if t.csat is None:
        out["csat"] = out["csat_response_rate"] = "no csat_rating column"
    elif not t.csat_tracks_offers:
        out["csat_response_rate"] = "the rating column does not say who was surveyed"
    if t.nps is None:
        out["nps"] = "no nps_score column"
    if t.ces is None:
        out["ces"] = "no ces_score column"
    if t.replies is None or t.solved is None:
        out["fcr"] = "no replies column" if t.replies is None else "no status or solve time column"
    if t.reopens is None or t.solved is None:
        out["reopen_rate"] = "no reopens column" if t.reopens is None else "no status or solve time column"
    if t.sla is None:
        out["sla_compliance"] = "no sla_met column"
    if t.backlog is None or not t.is_ticket_export:
        out["backlog"] = "no status column (or the preset names no solved statuses)"
    return out


def compute_metrics(t: Tickets) -> tuple[list[KpiRow], dict[str, str]]:
    """All KPI rows of `t`, and the metrics left out with why."""
    absent = absent_metrics(t)
    P, T = len(t.periods), len(t.teams)
    if len(t) == 0 or P == 0:
        return [], {m: absent.get(m, "no tickets") for m in METRICS}
    in_team = t.team >= 0
    team_key = np.where(in_team, t.period * max(T, 1) + t.team, 0)
    by_team = _stats(t, team_key, P * T, in_team, absent)
    by_all = _stats(t, t.period, P, np.ones(len(t), dtype=bool), absent)
    backlog_team = backlog_all = None
    if "backlog" not in absent:
        backlog_team = (np.bincount(t.team[in_team], weights=t.backlog[in_team], minlength=T),
                        np.bincount(t.team[in_team], minlength=T))
        backlog_all = (np.array([t.backlog.sum()]), np.array([len(t)]))

    rows: list[KpiRow] = []
    for p, code in enumerate(t.periods):
        for ti, team in [(i, name) for i, name in enumerate(t.teams)] + [(-1, "all")]:
            stats, key = (by_all, p) if ti < 0 else (by_team, p * T + ti)
            for m in METRICS:
                if m == "backlog":
                    if backlog_team is None or p != P - 1:
                        continue
                    v, n = backlog_all if ti < 0 else backlog_team
                    k = 0 if ti < 0 else ti
                    if n[k]:
                        rows.append(KpiRow(code, team, m, float(v[k]), int(n[k])))
                    continue
                if m not in stats:
                    continue
                value, n, lo, hi = stats[m]
                if n[key] == 0 or np.isnan(value[key]):
                    continue
                d = _DECIMALS.get(m, 1)
                rows.append(KpiRow(code, team, m, _round(value[key], d), int(n[key]),
                                   None if lo is None else _round(lo[key], 1),
                                   None if hi is None else _round(hi[key], 1)))
    present = {r.metric for r in rows}
    for m in METRICS:
        if m not in present and m not in absent:
            absent[m] = "no values"
    return rows, {m: absent[m] for m in METRICS if m in absent}


def _round(x: float, decimals: int) -> float:
    r = round(float(x), decimals)
    return r + 0.0  # no "-0.0"


def _stats(t: Tickets, key: np.ndarray, nkeys: int, member: np.ndarray, absent: dict) -> dict:
    """metric -> (value, n, ci_low, ci_high) arrays over the `nkeys` groups of `key` (rows where `member`)."""
    def count(mask):
        return np.bincount(key[mask & member], minlength=nkeys)

    def ratio(hit, base):
        b = count(base)
        with np.errstate(invalid="ignore", divide="ignore"):
            return 100.0 * count(hit & base) / b, b

    out: dict = {}
    everyone = np.ones(len(t), dtype=bool)
    if "ticket_volume" not in absent:
        n = count(everyone)
        out["ticket_volume"] = (n.astype(float), n, None, None)
    if t.frt is not None:
        replied = ~np.isnan(t.frt)
        med, p90, n = _quantiles(key, nkeys, t.frt, replied & member)
        out["first_response_time"] = (med, n, None, None)
        out["first_response_time_p90"] = (p90, n, None, None)
        if t.is_ticket_export:
            out["unreplied"] = (count(~replied).astype(float), count(everyone), None, None)
    if t.resolution is not None:
        med, p90, n = _quantiles(key, nkeys, t.resolution, ~np.isnan(t.resolution) & member)
        out["resolution_time"] = (med, n, None, None)
        out["resolution_time_p90"] = (p90, n, None, None)
    if t.csat is not None:
        good, rated = count(t.csat == GOOD), count((t.csat == GOOD) | (t.csat == BAD))
        with np.errstate(invalid="ignore", divide="ignore"):
            value = 100.0 * good / rated
        ci = np.array([wilson(int(g), int(r)) if r else (np.nan, np.nan) for g, r in zip(good, rated)]).reshape(-1, 2)
        out["csat"] = (value, rated, ci[:, 0], ci[:, 1])
        if t.csat_tracks_offers:
            surveyed = rated + count(t.csat == OFFERED)
            with np.errstate(invalid="ignore", divide="ignore"):
                out["csat_response_rate"] = (100.0 * rated / surveyed, surveyed, None, None)
    if t.nps is not None:
        valid = ~np.isnan(t.nps)
        with np.errstate(invalid="ignore"):
            pro, det, n = count(valid & (t.nps >= 9)), count(valid & (t.nps <= 6)), count(valid)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = 100.0 * (pro - det) / n
        ci = np.array([nps_interval(int(a), int(b), int(c)) if c else (np.nan, np.nan)
                       for a, b, c in zip(pro, det, n)]).reshape(-1, 2)
        out["nps"] = (value, n, ci[:, 0], ci[:, 1])
    if t.ces is not None:
        valid = ~np.isnan(t.ces) & member
        n = np.bincount(key[valid], minlength=nkeys)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["ces"] = (np.bincount(key[valid], weights=t.ces[valid], minlength=nkeys) / n, n, None, None)
    with np.errstate(invalid="ignore"):
        if "fcr" not in absent:
            v, n = ratio(t.replies < 2, t.solved & ~np.isnan(t.replies))
            out["fcr"] = (v, n, None, None)
        if "reopen_rate" not in absent:
            v, n = ratio(t.reopens > 0, t.solved & ~np.isnan(t.reopens))
            out["reopen_rate"] = (v, n, None, None)
        if t.sla is not None:
            v, n = ratio(t.sla == 1, ~np.isnan(t.sla))
            out["sla_compliance"] = (v, n, None, None)
    return out


def _quantiles(key: np.ndarray, nkeys: int, x: np.ndarray, mask: np.ndarray):
    """Median, 90th percentile and count of `x[mask]` in each group of `key`."""
    v, k = x[mask], key[mask]
    order = np.argsort(v)
    k = k[order].astype(np.int16 if nkeys < 32000 else np.int32)
    order2 = np.argsort(k, kind="stable")  # a radix sort for small ints: values stay sorted within a group
    v = v[order][order2]
    n = np.bincount(k, minlength=nkeys)
    starts = np.concatenate([[0], np.cumsum(n)[:-1]])
    out = []
    for q in (0.5, 0.9):
        pos = np.maximum(n - 1, 0) * q
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        if len(v):
            a = v[np.minimum(starts + lo, len(v) - 1)]
            b = v[np.minimum(starts + hi, len(v) - 1)]
            out.append(np.where(n > 0, a + (b - a) * (pos - lo), np.nan))
        else:
            out.append(np.full(nkeys, np.nan))
    return out[0], out[1], n
