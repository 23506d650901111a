"""Hand-written KPI CSV files under content/metrics/."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd

from cssite.errors import Diagnostics, show_value
from cssite.load.confine import Confinement, project_files
from cssite.load.fields import MAX_MAGNITUDE, TOO_LARGE, did_you_mean
from cssite.model import KPI_COLUMNS, Config, Metric, Period
from cssite.schema import KPI_CSV
from cssite.yamlio import read_text

METRICS_DIR = Path("content") / "metrics"
REQUIRED = [f.name for f in KPI_CSV.fields if f.required]
KNOWN = [f.name for f in KPI_CSV.fields]


def load_kpi_csvs(root: Path, config: Config | None, metrics: dict[str, Metric], diags: Diagnostics,
                  confinement: Confinement | None = None) -> pd.DataFrame:
    rows: list[dict] = []
    for path in project_files(root / METRICS_DIR, ("*.csv",), confinement or Confinement(root), diags):
        rows.extend(read_kpi_csv(path, config, metrics, diags))
    return kpi_frame(rows)


def kpi_frame(rows: list[dict]) -> pd.DataFrame:
    """The KPI table every later stage reads (see model.KPI_COLUMNS)."""
    df = pd.DataFrame(rows, columns=KPI_COLUMNS)
    for col in ("value", "n", "ci_low", "ci_high"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    df["line"] = df["line"].fillna(0).astype("int64")
    return df


def read_kpi_csv(path: Path, config: Config | None, metrics: dict[str, Metric], diags: Diagnostics) -> list[dict]:
    text = read_text(path, diags)
    if text is None:
        return []
    first_line = text.splitlines()[0]
    if "," not in first_line and (sep := next((s for s in ";\t|" if s in first_line), None)):
        shown = "tabs" if sep == "\t" else f"'{sep}'"
        diags.error(path, 1, f"columns are separated by {shown}; a KPI file separates them with commas "
                             "(period,team,metric,value,n) and writes decimals with a dot")
        return []
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        diags.error(path, 1, "the first line is not a CSV header row")
        return []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        found = ", ".join(header)
        found = found if len(found) <= 200 else f"{found[:160]}… ({len(header):,} columns)"
        diags.error(path, 1, f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                             f"(found: {found}; required: {', '.join(REQUIRED)})")
        return []
    twice = sorted({h for h in header if h in KNOWN and header.count(h) > 1})
    if twice:  # which of the two is the value? Refused rather than guessed
        diags.error(path, 1, f"column{'s' if len(twice) > 1 else ''} {', '.join(twice)} appear"
                             f"{'' if len(twice) > 1 else 's'} more than once; keep one of each")
        return []
    for extra in (h for h in header if h not in KNOWN):
        diags.warning(path, 1, f"column '{extra}' is not used (known columns: {', '.join(KNOWN)})")
    teams = {t.id for t in config.teams} | {"all"} if config and config.complete else None
    rel = diags.relative(path)
    out = []
    errors_before = len(diags.errors)
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # an unclosed quote swallowing the rest of the file, a huge field
            diags.error(path, reader.line_num, f"cannot read this row as CSV ({exc})")
            break
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
    if not out and len(diags.errors) == errors_before:
        diags.warning(path, 1, "no data rows")
    return out


def _row(r: dict, path: Path, line: int, teams, metrics, diags: Diagnostics) -> dict | None:
    ok = True
    period = Period.parse(r["period"])
    if period is None:
        diags.error(path, line, f"period '{r['period']}' must be YYYY-Qn (2026-Q3) or YYYY-MM (2026-07)")
        ok = False
    if teams is not None and r["team"] not in teams:
        hint = did_you_mean(r["team"], teams) or " (a team id from config/cssite.yml, or 'all')"
        diags.error(path, line, f"unknown team '{r['team']}'{hint}")
        ok = False
    if r["metric"] not in metrics:
        hint = did_you_mean(r["metric"], metrics) or " (see the metric catalogue, or add it to config/metrics.yml)"
        diags.error(path, line, f"unknown metric '{r['metric']}'{hint}")
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
            diags.error(path, line, f"{col} '{raw}' is not a number ({_number_hint(raw)})")
            ok = False
            continue
        if abs(x) > MAX_MAGNITUDE:
            diags.error(path, line, f"{col} {TOO_LARGE}, got {show_value(raw)}")
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
    target = m.target_for(r["team"])
    if m.unit == "percent" and 0 < v <= 1 and target is not None and v < target / 20:
        # 0.864 for a CSAT with an 85 % target is a fraction, not a 0.9 % satisfaction.
        diags.error(path, line, f"{m.id} {r['value']} looks like a fraction: percentages are written from 0 to 100 "
                                f"({float(r['value']) * 100:g}, not {r['value']})")
        return None
    if v < 0 and m.unit in ("percent", "minutes", "hours", "seconds", "count"):
        diags.error(path, line, f"{m.id} cannot be negative (got {r['value']})")
        return None
    if nums["ci_low"] is not None and nums["ci_high"] is not None and nums["ci_low"] > nums["ci_high"]:
        diags.error(path, line, f"ci_low {r['ci_low']} is above ci_high {r['ci_high']}")
        return None
    if m.unit == "percent" and not 0 <= v <= 100:
        diags.error(path, line, f"{m.id} is a percentage: value must be from 0 to 100, got {r['value']}")
        return None
    if m.id == "nps" and not -100 <= v <= 100:
        diags.error(path, line, f"nps must be from -100 to 100, got {r['value']}")
        return None
    return {"period": period, "team": r["team"], "metric": r["metric"], **nums}


def _number_hint(raw: str) -> str:
    """What to change so that `raw` reads as a number."""
    if raw.rstrip().endswith("%"):
        return "write it without the % sign: percentages are numbers from 0 to 100"
    if "," in raw:
        return "use a dot for decimals and no thousands separator"
    return "use digits, a dot for decimals, and no units"


def check_granularity(df: pd.DataFrame, diags: Diagnostics, root: Path) -> None:
    """One team's metric is reported by quarter or by month, not both: a trend can't mix them.

    Months after the last quarter are the exception: they follow an objective up between two quarterly
    reviews (the action plan's progress), and they never overlap a quarter, so no month counts twice.
    """
    if not len(df):
        return
    kinds = df["period"].map(lambda p: p.kind)
    for (team, metric), group in df.groupby([df["team"], df["metric"]], sort=True):
        group_kinds = kinds[group.index]
        if group_kinds.nunique() > 1:
            last_quarter_end = max(p.end for p in group["period"][group_kinds == "quarter"])
            if all(p.start > last_quarter_end for p in group["period"][group_kinds == "month"]):
                continue
            minority = group[group_kinds == group_kinds.value_counts().index[-1]].iloc[0]
            majority = group[group_kinds == group_kinds.value_counts().index[0]].iloc[0]
            diags.error(root / minority["source"], int(minority["line"]),
                        f"{metric} for {team} is given by {minority['period'].kind} here but by "
                        f"{majority['period'].kind} at {majority['source']}:{int(majority['line'])}; "
                        "use one granularity per team and metric (months may follow the last quarter)")


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
