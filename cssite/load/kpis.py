"""Hand-written KPI CSV files under content/metrics/."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd

from cssite.errors import Diagnostics
from cssite.model import KPI_COLUMNS, Config, Metric, Period
from cssite.schema import KPI_CSV
from cssite.yamlio import read_text

METRICS_DIR = Path("content") / "metrics"
REQUIRED = [f.name for f in KPI_CSV.fields if f.required]
KNOWN = [f.name for f in KPI_CSV.fields]


def load_kpi_csvs(root: Path, config: Config | None, metrics: dict[str, Metric], diags: Diagnostics) -> pd.DataFrame:
    rows: list[dict] = []
    for path in sorted((root / METRICS_DIR).rglob("*.csv")):
        rows.extend(read_kpi_csv(path, config, metrics, diags))
    return kpi_frame(rows)


def kpi_frame(rows: list[dict]) -> pd.DataFrame:
    """The KPI table every later stage reads (see model.KPI_COLUMNS)."""
    df = pd.DataFrame(rows, columns=KPI_COLUMNS)
    for col in ("value", "n", "ci_low", "ci_high"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    return df


def read_kpi_csv(path: Path, config: Config | None, metrics: dict[str, Metric], diags: Diagnostics) -> list[dict]:
    text = read_text(path, diags)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        diags.error(path, 1, "file is empty")
        return []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        diags.error(path, 1, f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                             f"(found: {', '.join(header)}; required: {', '.join(REQUIRED)})")
        return []
    for extra in (h for h in header if h not in KNOWN):
        diags.warning(path, 1, f"column '{extra}' is not used (known columns: {', '.join(KNOWN)})")
    teams = {t.id for t in config.teams} | {"all"} if config else None
    rel = diags.relative(path)
    out = []
    for record in reader:
        line = reader.line_num
        if not any(c.strip() for c in record):
            continue
        if len(record) != len(header):
            diags.error(path, line, f"expected {len(header)} fields, found {len(record)}")
            continue
        r = {h: c.strip() for h, c in zip(header, record)}
        row = _row(r, path, line, teams, metrics, diags)
        if row is not None:
            row.update(source=rel, line=line)
            out.append(row)
    if not out and not diags.errors:
        diags.warning(path, 1, "no data rows")
    return out


def _row(r: dict, path: Path, line: int, teams, metrics, diags: Diagnostics) -> dict | None:
    ok = True
    period = Period.parse(r["period"])
    if period is None:
        diags.error(path, line, f"period '{r['period']}' must be YYYY-Qn (2026-Q3) or YYYY-MM (2026-07)")
        ok = False
    if teams is not None and r["team"] not in teams:
        diags.error(path, line, f"unknown team '{r['team']}' (a team id from config/cssite.yml, or 'all')")
        ok = False
    if r["metric"] not in metrics:
        diags.error(path, line, f"unknown metric '{r['metric']}' (see the metric catalogue, or add it to config/metrics.yml)")
        ok = False
    nums = {}
    for col in ("value", "n", "ci_low", "ci_high"):
        raw = r.get(col, "")
        if raw == "":
            if col == "value":
                diags.error(path, line, "value is empty")
                ok = False
            nums[col] = None
            continue
        try:
            x = float(raw)
            if math.isnan(x) or math.isinf(x):
                raise ValueError
        except ValueError:
            diags.error(path, line, f"{col} '{raw}' is not a number (use a dot for decimals, no thousands separator)")
            ok = False
            continue
        if col == "n" and (x < 0 or x != int(x)):
            diags.error(path, line, f"n '{raw}' must be a whole number of at least 0")
            ok = False
        nums[col] = x
    if not ok:
        return None
    m = metrics[r["metric"]]
    v = nums["value"]
    if m.unit == "percent" and not 0 <= v <= 100:
        diags.error(path, line, f"{m.id} is a percentage: value must be from 0 to 100, got {r['value']}")
        return None
    if m.id == "nps" and not -100 <= v <= 100:
        diags.error(path, line, f"nps must be from -100 to 100, got {r['value']}")
        return None
    return {"period": period, "team": r["team"], "metric": r["metric"], **nums}


def check_duplicates(df: pd.DataFrame, diags: Diagnostics, root: Path) -> pd.DataFrame:
    """The same period × team × metric from two places is an error naming both."""
    key = df["period"].map(str) + "|" + df["team"] + "|" + df["metric"]
    dup = key.duplicated(keep=False)
    if dup.any():
        for _, group in df[dup].groupby(key[dup], sort=True):
            first = group.iloc[0]
            for _, other in group.iloc[1:].iterrows():
                diags.error(root / other["source"], int(other["line"] or 0),
                            f"{other['metric']} for {other['team']} in {other['period']} is given twice "
                            f"(also at {first['source']}:{int(first['line'] or 0)})")
    return df[~key.duplicated(keep="first")].reset_index(drop=True)
