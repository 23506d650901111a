"""config/cssite.yml and the metric catalogue (built in + config/metrics.yml)."""

from __future__ import annotations

import os

from importlib import resources
from pathlib import Path

from cssite.errors import Diagnostics
from cssite.load.confine import Confinement, is_file, not_regular
from cssite.load.fields import Checker
from cssite.model import AnalysisSettings, Config, KpiOptions, Metric, Team, TicketSource
from cssite.schema import ANALYSIS, CONFIG, METRIC, METRIC_ID_RE
from cssite.yamlio import LineDict, load_yaml

CONFIG_FILE = Path("config") / "cssite.yml"
NEW_METRIC_KEYS = ("name", "unit", "better", "definition")
# Ids that name pages or rows of their own.
RESERVED_TEAM_IDS = {"all": "it means the whole company in KPI files", "index": "it is the team list's page"}
METRICS_FILE = Path("config") / "metrics.yml"


def load_config(root: Path, diags: Diagnostics, confinement: Confinement | None = None) -> Config | None:
    path = root / CONFIG_FILE
    if os.path.lexists(path) and not (confinement or Confinement(root)).check(path, diags):
        return None
    if os.path.lexists(path) and not_regular(path):
        diags.error(path, 0, not_regular(path))
        return None
    if not is_file(path):
        where = root.resolve()
        problem = f"folder {where} does not exist" if not where.is_dir() else f"{where} has no config/cssite.yml"
        diags.error(path, 0, f"{problem}: is this a cssite project? (use --project DIR)")
        return None
    before = len(diags.items)
    data = load_yaml(path, diags)
    if data is None:
        if len(diags.items) == before:  # only comments: say so rather than fail without a word
            diags.error(path, 1, "the file holds no settings (only comments or an empty document); "
                                 "it needs at least site_name and teams")
        return None
    # Text fields in the config are in the default language: find it before checking them.
    langs = data.get("languages") if isinstance(data, LineDict) else None
    default = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else "en"
    check = Checker(path, diags, default)
    errors_before = len(diags.errors)
    v = check.mapping(data, CONFIG, 1)
    if v is None or "teams" not in v or "site_name" not in v:
        return None
    languages = tuple(v.get("languages") or CONFIG.default("languages"))
    if len(set(languages)) != len(languages):
        diags.error(path, data.line_of("languages"), "'languages' lists a language twice")
    teams, seen = [], {}
    for t, line in v["teams"]:
        if "id" not in t or "name" not in t:
            continue
        if t["id"] in seen:
            diags.error(path, line, f"duplicate team id '{t['id']}' (first at line {seen[t['id']]})")
            continue
        seen[t["id"]] = line
        teams.append(Team(t["id"], t["name"]))
    for reserved, why in RESERVED_TEAM_IDS.items():
        if reserved in seen:
            diags.error(path, seen[reserved], f"team id '{reserved}' is reserved ({why}); choose another")
    tickets = tuple(TicketSource(s["path"], _kpi_options(s), line)
                    for s, line in v.get("tickets", []) if "path" in s and "preset" in s)
    a = v.get("analysis") or {}
    analysis = AnalysisSettings(**{f.name: a.get(f.name, f.default) for f in ANALYSIS.fields})
    return Config(v["site_name"], languages, tuple(teams), tickets, analysis,
                  guidance=v.get("guidance", CONFIG.default("guidance")),
                  reference=v.get("reference", CONFIG.default("reference")),
                  complete=len(diags.errors) == errors_before,
                  home_kpis=tuple(dict.fromkeys(v.get("home_kpis", CONFIG.default("home_kpis")))),
                  home_kpis_line=data.line_of("home_kpis") if "home_kpis" in v else 0,
                  pdf=v.get("pdf", CONFIG.default("pdf")))


def check_home_kpis(config: Config, metrics: dict[str, Metric], diags: Diagnostics, root: Path) -> None:
    """`home_kpis` names metrics of the catalogue (built in or config/metrics.yml)."""
    for mid in config.home_kpis:
        if mid not in metrics:
            diags.error(root / CONFIG_FILE, config.home_kpis_line,
                        f"home_kpis: unknown metric '{mid}' (see the Reference's metric catalogue)")


def _kpi_options(s: dict) -> KpiOptions:
    """A `tickets:` entry's keys as the KPI engine's options (the same ones `cssite kpi` takes)."""
    formats = dict(s.get("date_formats", {}))
    if "date_format" in s:
        formats["*"] = s["date_format"]
    defaults = KpiOptions(s["preset"])
    return KpiOptions(
        s["preset"], s.get("map", {}), s.get("team_map", {}), s.get("granularity", defaults.granularity),
        s["period"].code if "period" in s else None, s.get("encoding"), formats, s.get("values", {}),
        float(s.get("short_abandon_seconds", defaults.short_abandon_seconds)),
        float(s.get("service_level_seconds", defaults.service_level_seconds)), tuple(s.get("metrics", ())),
        s.get("decimal"))


def builtin_catalogue_path():
    return resources.files("cssite") / "data" / "metrics.yml"


def load_builtin_catalogue() -> dict[str, Metric]:
    """The metric catalogue shipped with cssite."""
    with resources.as_file(builtin_catalogue_path()) as p:
        # Built-in texts are named relative to the package, so `i18n status` can tell them from the user's.
        builtin = Diagnostics(Path(p).parent.parent.parent)
        base = load_yaml(Path(p), builtin)
        metrics = _metrics_from(base, Path(p), builtin, "en", None, {})
    if builtin.items:  # a broken package, not a user mistake
        raise RuntimeError("built-in metric catalogue is invalid: " + "; ".join(map(str, builtin.items)))
    return metrics


def load_catalogue(root: Path, config: Config | None, diags: Diagnostics,
                   builtin: dict[str, Metric] | None = None, confinement: Confinement | None = None) -> dict[str, Metric]:
    """The built-in catalogue with the project's additions and overrides applied."""
    metrics = builtin if builtin is not None else load_builtin_catalogue()
    path = root / METRICS_FILE
    if os.path.lexists(path) and not (confinement or Confinement(root)).check(path, diags):
        return metrics
    if os.path.lexists(path) and not_regular(path):
        diags.error(path, 0, not_regular(path))
    elif is_file(path):
        data = load_yaml(path, diags)
        if data is not None:
            default = config.default_language if config else "en"
            team_ids = {t.id for t in config.teams} if config else None
            metrics = _metrics_from(data, path, diags, default, team_ids, metrics)
    return metrics


def _metrics_from(data, path: Path, diags: Diagnostics, default: str, team_ids, base: dict[str, Metric]) -> dict[str, Metric]:
    out = dict(base)
    if not isinstance(data, LineDict):
        diags.error(path, getattr(data, "line", 1), "expected a mapping of metric id to its definition")
        return out
    check = Checker(path, diags, default)
    for mid, entry in data.items():
        line = data.line_of(mid)
        if not isinstance(mid, str) or not METRIC_ID_RE.match(mid):
            diags.error(path, line, f"metric id '{mid}' must be lowercase letters, digits and _")
            continue
        if mid == "index":
            diags.error(path, line, "metric id 'index' is reserved (it is the metric list's page); choose another")
            continue
        v = check.mapping(entry, METRIC, line, mid)
        if v is None:
            continue
        old = out.get(mid)
        if old is None:
            absent = [k for k in NEW_METRIC_KEYS if not isinstance(entry, LineDict) or k not in entry]
            if absent:
                diags.error(path, line, f"new metric '{mid}' needs {', '.join(absent)} "
                                        f"(a metric not in the built-in catalogue must set {', '.join(NEW_METRIC_KEYS)})")
            if absent or any(k not in v for k in NEW_METRIC_KEYS):  # invalid values were reported at their lines
                continue
        for team in v.get("targets", {}):
            if team_ids is not None and team not in team_ids:
                diags.error(path, entry.lines.get("targets", line), f"{mid}: targets for unknown team '{team}'")
        out[mid] = Metric(
            id=mid,
            name=v.get("name", old.name if old else None),
            unit=v.get("unit", old.unit if old else None),
            better=v.get("better", old.better if old else None),
            definition=v.get("definition", old.definition if old else None),
            target=v.get("target", old.target if old else None),
            tolerance=v.get("tolerance", old.tolerance if old else None),
            targets={**(old.targets if old else {}), **v.get("targets", {})},
            proxy=v.get("proxy", old.proxy if old else METRIC.default("proxy")),
        )
    return out
