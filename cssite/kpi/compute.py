"""Compute stage: tickets → KPI rows, one per period × team × metric, and the same for team `all`.

The definitions are the ones in the metric catalogue (cssite/data/metrics.yml).
Ticket times are summarised by the median and the 90th percentile (linear
interpolation between the closest ranks, as numpy's default), never the mean: they
are skewed. The call metrics ASA and AHT are means by their definition (total wait or
handle time ÷ answered calls), with the conventions in `CallRules`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cssite.kpi.tickets import ABANDONED, ANSWERED, BAD, GOOD, NOT_REPLIED, OFFERED, REPLIED, Tickets

METRICS = (
    "ticket_volume", "first_response_time", "first_response_time_p90", "first_response_time_business",
    "first_response_time_business_p90", "unreplied", "resolution_time", "resolution_time_p90",
    "resolution_time_business", "resolution_time_business_p90", "csat", "csat_response_rate", "nps", "ces", "fcr",
    "reopen_rate", "sla_compliance", "asa", "abandonment_rate", "service_level", "aht", "backlog",
)
Z95 = 1.959963984540054
DECIMALS = {"ticket_volume": 0, "unreplied": 0, "backlog": 0, "ces": 2}  # the rest: 1


@dataclass(frozen=True)
class CallRules:
    """The conventions the call metrics use; the metric pages state them."""

    short_abandon_seconds: float = 5.0  # a hang-up before this wait never counts as offered
    service_level_seconds: float = 20.0  # answered within this wait counts towards the service level


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
        for m in ("first_response_time", "first_response_time_p90"):
            out[m] = "no first reply column"
    if t.frt_business is None:
        for m in ("first_response_time_business", "first_response_time_business_p90"):
            out[m] = "no business-hours first reply column"
    if t.reply is None or not t.is_ticket_export:
        out["unreplied"] = "no first reply column" if t.reply is None else "no id column: rows are not tickets"
    if t.resolution is None:
        for m in ("resolution_time", "resolution_time_p90"):
            out[m] = "no solve time column" if t.solved is not None else "no status or solve time column"
    if t.resolution_business is None:
        for m in ("resolution_time_business", "resolution_time_business_p90"):
            out[m] = "no business-hours resolution column"
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
    for m, need in (("asa", "queue"), ("abandonment_rate", "queue"), ("service_level", "queue"),
                    ("aht", "handle")):
        if t.outcome is None:
            out[m] = "no outcome column"
        elif getattr(t, need) is None:
            out[m] = f"no {need}_seconds column"
    if t.backlog is None or not t.is_ticket_export:
        out["backlog"] = "no status column, or no solved statuses in the preset" if t.is_ticket_export else \
            "no id column: rows are not tickets"
    return out


def compute_metrics(t: Tickets, rules: CallRules = CallRules()) -> tuple[list[KpiRow], dict[str, str]]:
    """All KPI rows of `t`, and the metrics left out with why."""
    absent = absent_metrics(t)
    P = len(t.periods)
    if len(t) == 0 or P == 0:
        return [], {m: absent.get(m, "no tickets") for m in METRICS}
    stats = _Cells(t).stats(absent, rules)

    rows: list[KpiRow] = []
    names = list(t.teams) + ["all"]
    for p, code in enumerate(t.periods):
        for ti, team in enumerate(names):
            for m in METRICS:
                if m not in stats or (m == "backlog" and p != P - 1):
                    continue  # the backlog is a stock at export time: one row, in the last period
                value, n, lo, hi = (None if a is None else a[p, ti] for a in stats[m])
                if not n or np.isnan(value):
                    continue
                d = DECIMALS.get(m, 1)
                rows.append(KpiRow(code, team, m, _round(value, d), int(n),
                                   None if lo is None else _round(lo, 1), None if hi is None else _round(hi, 1)))
    present = {r.metric for r in rows}
    for m in METRICS:
        if m not in present and m not in absent:
            absent[m] = "no values"
    return rows, {m: absent[m] for m in METRICS if m in absent}


def _round(x: float, decimals: int) -> float:
    return round(float(x), decimals) + 0.0  # + 0.0: no "-0.0"


class _Cells:
    """Tallies per period × team cell (tickets without a team in a cell of their own), with 'all' appended.

    Every statistic is an array [period, team + all]: counts are summed for 'all',
    percentiles computed for both groupings.
    """

    def __init__(self, t: Tickets) -> None:
        self.t = t
        self.P, self.T = len(t.periods), len(t.teams)
        self.G = self.T + 1
        self.cell = (t.period.astype(np.int64) * self.G + np.where(t.team >= 0, t.team, self.T)).astype(np.int64)

    def tally(self, codes: np.ndarray, k: int) -> np.ndarray:
        """Tickets per cell and code (0..k-1), as [period, team + all, code]."""
        P, G, T = self.P, self.G, self.T
        c = np.bincount(self.cell * k + codes, minlength=P * G * k).reshape(P, G, k)
        return np.concatenate([c[:, :T], c.sum(axis=1, keepdims=True)], axis=1)

    def count(self, mask: np.ndarray) -> np.ndarray:
        return self.tally(mask.astype(np.int64), 2)[..., 1]

    def total(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        s = np.bincount(self.cell[mask], weights=values[mask], minlength=self.P * self.G).reshape(self.P, self.G)
        return np.concatenate([s[:, :self.T], s.sum(axis=1, keepdims=True)], axis=1)

    def quantiles(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _quantiles(x, ~np.isnan(x), self.cell, self.t.period, self.P, self.T)

    def stats(self, absent: dict, rules: CallRules) -> dict:
        """metric -> (value, n, ci_low, ci_high), each an array [period, team + all]."""
        out: dict = {}
        self.volume = self.tally(np.zeros(len(self.t), dtype=np.int64), 1)[..., 0]
        if "ticket_volume" not in absent:
            out["ticket_volume"] = (self.volume.astype(float), self.volume, None, None)
        for part in (self._times, self._replies, self._csat, self._nps, self._ces, self._ratios, self._calls,
                     self._backlog):
            part(out, absent, rules)
        return out

    def _times(self, out, absent, rules) -> None:
        t = self.t
        for m, x in (("first_response_time", t.frt), ("first_response_time_business", t.frt_business),
                     ("resolution_time", t.resolution), ("resolution_time_business", t.resolution_business)):
            if x is None:
                continue
            med, p90, n = self.quantiles(x)
            out[m] = (med, n, None, None)
            out[m + "_p90"] = (p90, n, None, None)

    def _replies(self, out, absent, rules) -> None:
        if "unreplied" not in absent:
            c = self.tally(self.t.reply.astype(np.int64) + 1, 3)  # unknown, not replied, replied
            known = c[..., NOT_REPLIED + 1] + c[..., REPLIED + 1]
            out["unreplied"] = (c[..., NOT_REPLIED + 1].astype(float), known, None, None)

    def _csat(self, out, absent, rules) -> None:
        t = self.t
        if t.csat is None:
            return
        c = self.tally(t.csat.astype(np.int64) + 1, 5)  # NO_RATING, BAD, GOOD, OFFERED, NOT_OFFERED
        good, rated = c[..., GOOD + 1], c[..., GOOD + 1] + c[..., BAD + 1]
        ci = _pairs(wilson, good, rated)
        out["csat"] = (_pct(good, rated), rated, ci[..., 0], ci[..., 1])
        if t.csat_tracks_offers:
            surveyed = rated + c[..., OFFERED + 1]
            out["csat_response_rate"] = (_pct(rated, surveyed), surveyed, None, None)

    def _nps(self, out, absent, rules) -> None:
        t = self.t
        if t.nps is None:
            return
        with np.errstate(invalid="ignore"):
            kind = np.where(np.isnan(t.nps), 0, np.where(t.nps >= 9, 3, np.where(t.nps >= 7, 2, 1)))
        c = self.tally(kind, 4)  # missing, detractor, passive, promoter
        n = c[..., 1:].sum(axis=-1)
        ci = _pairs(lambda a, b, m: nps_interval(a, b, m), c[..., 3], c[..., 1], n)
        out["nps"] = (_pct(c[..., 3] - c[..., 1], n), n, ci[..., 0], ci[..., 1])

    def _ces(self, out, absent, rules) -> None:
        t = self.t
        if t.ces is None:
            return
        valid = ~np.isnan(t.ces)
        n = self.count(valid)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["ces"] = (self.total(t.ces, valid) / n, n, None, None)

    def _ratios(self, out, absent, rules) -> None:
        t = self.t
        with np.errstate(invalid="ignore"):
            for m, x, hit in (("fcr", t.replies, lambda r: r < 2), ("reopen_rate", t.reopens, lambda r: r > 0)):
                if m not in absent:
                    base = t.solved & ~np.isnan(x)
                    c = self.tally(np.where(base, 1 + hit(x), 0).astype(np.int64), 3)
                    out[m] = (_pct(c[..., 2], c[..., 1] + c[..., 2]), c[..., 1] + c[..., 2], None, None)
            if t.sla is not None:
                c = self.tally(np.where(np.isnan(t.sla), 0, 1 + (t.sla == 1)).astype(np.int64), 3)
                out["sla_compliance"] = (_pct(c[..., 2], c[..., 1] + c[..., 2]), c[..., 1] + c[..., 2], None, None)

    def _calls(self, out, absent, rules) -> None:
        """ASA, abandonment, service level and AHT, by the conventions in CallRules (see the metric pages)."""
        t = self.t
        if t.outcome is None:
            return
        answered, abandoned = t.outcome == ANSWERED, t.outcome == ABANDONED
        if t.queue is not None:
            q = t.queue
            known = ~np.isnan(q)
            with np.errstate(invalid="ignore"):
                reached = abandoned & known & (q >= rules.short_abandon_seconds)  # shorter: never reached a queue
                offered = (answered & known) | reached
                in_time = answered & known & (q <= rules.service_level_seconds)
            waited = answered & known
            n = self.count(waited)
            with np.errstate(invalid="ignore", divide="ignore"):
                out["asa"] = (self.total(q, waited) / n, n, None, None)
            base = self.count(offered)
            out["abandonment_rate"] = (_pct(self.count(reached), base), base, None, None)
            out["service_level"] = (_pct(self.count(in_time), base), base, None, None)
        if t.handle is not None:
            handled = answered & ~np.isnan(t.handle)
            n = self.count(handled)
            with np.errstate(invalid="ignore", divide="ignore"):
                out["aht"] = (self.total(t.handle, handled) / n / 60.0, n, None, None)

    def _backlog(self, out, absent, rules) -> None:
        if "backlog" in absent:
            return
        # Open tickets of every period, reported against the last one.
        P, G = self.P, self.G
        c = self.tally(self.t.backlog.astype(np.int64), 2)
        open_, n = c[..., 1].sum(axis=0), c.sum(axis=(0, 2))
        value, count = np.zeros((P, G)), np.zeros((P, G), dtype=np.int64)
        value[-1], count[-1] = open_, n
        out["backlog"] = (value, count, None, None)


def _pct(hit, base):
    with np.errstate(invalid="ignore", divide="ignore"):
        return 100.0 * hit / base


def _pairs(fn, a: np.ndarray, b: np.ndarray, n: np.ndarray | None = None) -> np.ndarray:
    """fn(a, b[, n]) -> (low, high) for every cell with data; NaN elsewhere."""
    out = np.full(a.shape + (2,), np.nan)
    for ix in zip(*np.nonzero(n if n is not None else b)):
        out[ix] = fn(int(a[ix]), int(b[ix])) if n is None else fn(int(a[ix]), int(b[ix]), int(n[ix]))
    return out


def _quantiles(x: np.ndarray, mask: np.ndarray, cell: np.ndarray, period: np.ndarray, P: int, T: int):
    """Median, 90th percentile and count of x[mask], as [period, team + all] arrays."""
    v = x[mask]
    order = np.argsort(v)  # one float sort, shared by both groupings
    v = v[order]
    G = T + 1
    results = []
    for key, nkeys in ((cell[mask][order], P * G), (period[mask][order], P)):
        key = key.astype(np.int16 if nkeys < 32000 else np.int32)
        by_key = np.argsort(key, kind="stable")  # a radix sort; values stay sorted within a key
        vk = v[by_key]
        n = np.bincount(key, minlength=nkeys)
        starts = np.cumsum(n) - n
        last = np.maximum(n - 1, 0)
        qs = []
        for q in (0.5, 0.9):
            pos = last * q
            lo = np.floor(pos).astype(np.int64)
            hi = np.minimum(lo + 1, last)
            if len(vk):
                a, b = vk[np.minimum(starts + lo, len(vk) - 1)], vk[np.minimum(starts + hi, len(vk) - 1)]
                qs.append(np.where(n > 0, a + (b - a) * (pos - lo), np.nan))
            else:
                qs.append(np.full(nkeys, np.nan))
        results.append((qs[0], qs[1], n))
    (tm, t9, tn), (am, a9, an) = results
    join = lambda team, all_: np.concatenate([team.reshape(P, G)[:, :T], all_.reshape(P, 1)], axis=1)  # noqa: E731
    return join(tm, am), join(t9, a9), join(tn, an)
