"""Write stage: KPI rows → the KPI CSV (the foundation's format plus ci_low, ci_high) or JSON."""

from __future__ import annotations

import csv
import io
import json

from cssite.kpi.compute import DECIMALS, KpiRow
from cssite.schema import KPI_CSV

COLUMNS = [f.name for f in KPI_CSV.fields]


def _num(x: float | None, metric: str, is_ci: bool = False) -> str:
    if x is None:
        return ""
    decimals = DECIMALS.get(metric, 1)
    if decimals == 0:
        return str(int(x))
    return f"{x:.{1 if is_ci else decimals}f}"


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
             "value": int(r.value) if DECIMALS.get(r.metric, 1) == 0 else r.value, "n": r.n,
             "ci_low": r.ci_low, "ci_high": r.ci_high} for r in rows]
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"
