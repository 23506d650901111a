"""Warnings about a project that loads fine but says something doubtful."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cssite.analyse.insight import OPEN_STATUSES, current_objectives
from cssite.analyse.targets import MET, MISSED, status_reached
from cssite.analyse.trends import KpiIndex
from cssite.errors import Diagnostics
from cssite.model import Project


def review_warnings(project: Project, diags: Diagnostics, index: KpiIndex, today: dt.date | None = None) -> None:
    """Add contradiction and missing-target warnings to `diags`."""
    today = today or dt.date.today()
    root = Path(project.root)
    for r in project.reviews:
        path = root / r.path
        for item in r.items:
            for mid in item.metrics:
                s = index.state(r.team, mid, at=r.period)
                if s is None or s.status is None:
                    continue
                if item.quadrant == "strengths" and s.status == MISSED:
                    diags.warning(path, item.line, f"strength {item.id} cites {mid}, which missed its target in {s.latest.period}")
                if item.quadrant == "weaknesses" and s.status == MET:
                    diags.warning(path, item.line, f"weakness {item.id} cites {mid}, which met its target in {s.latest.period}")
        for o in r.objectives:
            if o.metric and o.target is not None:
                s = index.state(r.team, o.metric, at=r.period)
                if s is not None and status_reached(s.metric, s.latest.value, o.target):
                    diags.warning(path, o.line, f"objective {o.id}: {o.metric} already meets the target {o.target:g} "
                                                f"({s.latest.value:g} in {s.latest.period})")
    for r, o in current_objectives(project.reviews):
        if o.due is not None and o.due < today and o.status in OPEN_STATUSES:
            diags.warning(root / r.path, o.line, f"objective {o.id} was due {o.due.isoformat()} and is still {o.status}")
    # A KPI that has a better direction but no target can never show a status.
    seen = set()
    for row in project.kpis.itertuples(index=False):
        m = project.metrics[row.metric]
        if m.better != "neither" and m.target_for(row.team) is None and row.team != "all" and (m.id, row.team) not in seen:
            seen.add((m.id, row.team))
            diags.warning(root / row.source, int(row.line or 0),
                          f"{m.id} has no target for {row.team}: set one in config/metrics.yml to show met / near / missed")
