"""KPI series per team and metric, their latest value, and changes that are worth an arrow.

A change is significant only when the sample is large enough and the change is
outside the noise: non-overlapping intervals where the metric has them (CSAT,
NPS), else a relative change beyond the configured threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cssite.analyse.targets import status
from cssite.model import AnalysisSettings, Metric, Period, Project


@dataclass(frozen=True)
class Point:
    period: Period
    value: float
    n: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    source: str = ""


@dataclass(frozen=True)
class Change:
    """From `before` to the latest point."""

    before: Point
    delta: float
    significant: bool
    direction: str  # "better" | "worse" | "flat" | "neutral" (metric has no better direction)


@dataclass(frozen=True)
class KpiState:
    """Where one team stands on one metric at its latest period."""

    team: str
    metric: Metric
    latest: Point
    target: float | None
    status: str | None
    previous: Change | None
    year_ago: Change | None


def _clean(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _missing(x) -> bool:
    import pandas as pd

    return bool(pd.isna(x))


class KpiIndex:
    """Every KPI series of a project, grouped once so pages can ask cheaply."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.settings = project.config.analysis
        self.series: dict[tuple[str, str], list[Point]] = {}
        df = project.kpis
        if len(df):
            df = df.assign(_start=df["period"].map(lambda p: p.start)).sort_values("_start", kind="stable")
            # One pass over the rows, grouped in the order each (team, metric) first appears: what
            # groupby(sort=False) gives, without a pandas group and a namedtuple class per series.
            for r in df[["team", "metric", "period", "value", "n", "ci_low", "ci_high", "source"]].itertuples(
                    index=False, name=None):
                team, metric, period, value, n, ci_low, ci_high, source = r
                if _missing(team) or _missing(metric):
                    continue  # as groupby does: a row without its key belongs to no series
                self.series.setdefault((team, metric), []).append(
                    Point(period, float(value), _clean(n), _clean(ci_low), _clean(ci_high), source))

    def points(self, team: str, metric: str) -> list[Point]:
        return self.series.get((team, metric), [])

    def metrics_of(self, team: str) -> list[str]:
        """Metric ids with data for a team, in catalogue order."""
        have = {m for (t, m) in self.series if t == team}
        return [m for m in self.project.metrics if m in have]

    def teams_of(self, metric: str) -> list[str]:
        have = {t for (t, m) in self.series if m == metric}
        order = [t.id for t in self.project.config.teams] + ["all"]
        return [t for t in order if t in have]

    def state(self, team: str, metric_id: str, at: Period | None = None) -> KpiState | None:
        """The latest point (at or before `at`) with its target, status and changes."""
        pts = self.points(team, metric_id)
        if at is not None:  # everything reported by the end of `at`: monthly values count inside their quarter
            pts = [p for p in pts if p.period.end <= at.end]
        if not pts:
            return None
        metric = self.project.metrics[metric_id]
        latest = pts[-1]
        target = metric.target_for(team)
        before = pts[-2] if len(pts) > 1 else None
        year = next((p for p in pts if p.period == latest.period.year_earlier()), None)
        return KpiState(
            team, metric, latest, target,
            status(metric, latest.value, target, self.settings),
            self.change(metric, before, latest) if before else None,
            self.change(metric, year, latest) if year else None,
        )

    def change(self, metric: Metric, before: Point, after: Point) -> Change:
        delta = after.value - before.value
        return Change(before, delta, significant(before, after, self.settings), direction(metric, delta))


def significant(before: Point, after: Point, settings: AnalysisSettings) -> bool:
    """Is the move from `before` to `after` more than noise?"""
    for p in (before, after):
        if p.n is not None and p.n < settings.min_n:
            return False
    if None not in (before.ci_low, before.ci_high, after.ci_low, after.ci_high):
        return after.ci_low > before.ci_high or after.ci_high < before.ci_low
    base = abs(before.value)
    if base == 0:
        return after.value != 0
    return abs(after.value - before.value) / base * 100.0 >= settings.change_threshold


def direction(metric: Metric, delta: float) -> str:
    if metric.better == "neither":
        return "neutral"
    if delta == 0:
        return "flat"
    return "better" if (delta > 0) == (metric.better == "higher") else "worse"
