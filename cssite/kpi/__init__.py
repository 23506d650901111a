"""The KPI engine: raw helpdesk and survey exports → the KPI table.

Stages, one module each: `presets` (what the columns mean) → `read` (file →
typed columns) → `tickets` (conventions, drops, periods, teams) → `compute`
(metric rows) → `write` (CSV/JSON), with `dates` (one format per column) used by
`read`. `quality` is the report every run prints; cssite/load/exports.py runs the
exports a project lists and owns their cache.

`compute_kpis` (in `engine`) is what the `cssite kpi` command and the build call. The names below
load on first use, so `cssite --help` does not pay for pyarrow.
"""

from __future__ import annotations

from importlib import import_module

__all__ = ["KpiOptions", "KpiResult", "KpiRow", "METRICS", "compute_kpis", "resolve_preset"]


def __getattr__(name: str):
    if name in __all__:
        return getattr(import_module("cssite.kpi.engine"), name)
    raise AttributeError(name)
