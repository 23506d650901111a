"""Write stage: KPI rows → the KPI CSV (the foundation's format plus ci_low, ci_high) or JSON."""

from __future__ import annotations

import csv
import io
import json

from cssite.kpi.compute import KpiRow

COLUMNS = ["period", "team", "metric", "value", "n", "ci_low", "ci_high"]
_COUNTS = {"ticket_volume", "unreplied", "backlog"}


def _num(x: float | None, metric: str, is_ci: bool = False) -> str:
    if x is None:
        return ""
    if metric in _COUNTS:
        return str(int(x))
    return f"{x:.{2 if metric == 'ces' and not is_ci else 1}f}"


def to_csv(rows: list[KpiRow]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([r.period, r.team, r.metric, _num(r.value, r.metric), r.n,
                    _num(r.ci_low, r.metric, True), _num(r.ci_high, r.metric, True)])
    return out.getvalue()


def to_json(rows: list[KpiRow]) -> str:
    data = [{"period": r.period, "team": r.team, "metric": r.metric,
             "value": int(r.value) if r.metric in _COUNTS else r.value, "n": r.n,
             "ci_low": r.ci_low, "ci_high": r.ci_high} for r in rows]
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"
