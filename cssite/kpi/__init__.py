"""The KPI engine: raw helpdesk and survey exports → the KPI table.

Stages, one module each: `presets` (what the columns mean) → `read` (file →
typed columns) → `tickets` (conventions, drops, periods, teams) → `compute`
(metric rows) → `write` (CSV/JSON). `quality` is the report every run prints;
`exports` runs the exports a project lists and owns the cache.

`compute_kpis` is what the `cssite kpi` command and the build call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cssite.errors import Diagnostics, OptionError
from cssite.kpi.compute import METRICS, KpiRow, compute_metrics
from cssite.kpi.errors import ExportError
from cssite.kpi.presets import Preset, load_preset, with_mapping
from cssite.kpi.quality import FileReport, QualityReport
from cssite.kpi.read import read_export
from cssite.kpi.tickets import Scope, build_tickets
from cssite.model import Period
from cssite.schema import SLUG_RE, TICKET_SOURCE

__all__ = ["KpiOptions", "KpiResult", "KpiRow", "ExportError", "METRICS", "compute_kpis", "resolve_preset"]


@dataclass(frozen=True)
class KpiOptions:
    """What `cssite kpi` takes besides the files; the same keys as a `tickets:` entry of the config."""

    preset: str  # a built-in name (zendesk, freshdesk, jsm, servicenow, survey) or a preset file's path
    mapping: dict[str, str] = field(default_factory=dict)  # field -> column; overrides the preset
    team_map: dict[str, str] = field(default_factory=dict)  # team value in the export -> team id
    granularity: str = TICKET_SOURCE.default("granularity")  # or "month"
    period: str | None = None  # 2026-Q3 or 2026-07: the period of an undated file, or a filter
    encoding: str | None = None  # None: detect


@dataclass
class KpiResult:
    rows: list[KpiRow]
    report: QualityReport


def compute_kpis(paths: list[Path], options: KpiOptions, diags: Diagnostics,
                 known_teams: frozenset[str] | None = None, preset_base: Path | None = None) -> KpiResult:
    """Compute the KPI rows of one or more exports read with the same preset.

    Several files are pooled (a year split in two files gives one median, not two).
    Warnings go to `diags` under the export's path; a file that cannot be used raises
    ExportError, a bad option OptionError. `known_teams` are the project's team ids
    (None outside a project: then any team value that is already a slug is a team id).
    """
    if options.granularity not in TICKET_SOURCE.field("granularity").choices:
        raise OptionError(f"granularity must be quarter or month, not '{options.granularity}'")
    if options.period and Period.parse(options.period) is None:
        raise OptionError(f"period '{options.period}' must be YYYY-Qn (2026-Q3) or YYYY-MM (2026-07)")
    for value, team in options.team_map.items():
        ok = team in known_teams if known_teams is not None else bool(SLUG_RE.match(team))
        if not ok:
            expected = f"one of {', '.join(sorted(known_teams))}" if known_teams is not None else \
                "a lowercase id like support-emea"
            raise OptionError(f"team map '{value}={team}': '{team}' is not a team id ({expected})")
    preset = resolve_preset(options, preset_base)

    # Columns that no metric reads are not read at all: less to convert, less memory.
    fields = set(preset.columns) - {"channel"} - (set() if preset.event_log else {"updated_at"})
    report = QualityReport(preset.name)
    raws = []
    for p in paths:
        raw = read_export(Path(p), preset, options.encoding, fields)
        raws.append(raw)
        report.files.append(FileReport(raw.path, raw.layout.encoding_label, raw.layout.delimiter, raw.rows,
                                       raw.malformed, raw.malformed_examples, dict(raw.used)))
        for note in raw.notes:
            diags.warning(p, 0, note)
            report.notes.append(f"{raw.path}: {note}" if len(paths) > 1 else note)
        if "created_at" not in raw.used and not options.period:
            names = ", ".join(repr(n) for n in preset.columns.get("created_at", ())) or "none in the preset"
            raise ExportError(f"no creation date column ({names}): pass --period (e.g. 2026-Q3) to say which "
                              "period these rows belong to, or --map created_at=COLUMN", p)

    granularity = options.granularity
    if options.period and Period.parse(options.period).kind == "month":
        granularity = "month"  # a month's rows cannot come from quarters
    scope = Scope(dict(options.team_map), known_teams, granularity, options.period)
    tickets = build_tickets(raws, preset, scope, report)
    rows, absent = compute_metrics(tickets)
    if options.period and "created_at" in raws[0].used:
        # A dated export is computed whole (the backlog needs every open ticket), then cut to --period.
        rows = [r for r in rows if _within(r.period, options.period)]
        report.periods = [p for p in report.periods if _within(p, options.period)]
    report.unit = "tickets" if tickets.is_ticket_export else "responses"
    present = {r.metric for r in rows}
    report.metrics = [m for m in METRICS if m in present]
    report.absent = {m: absent.get(m, "reported for the export's last period only" if m == "backlog"
                                   else f"no values in {options.period}") for m in METRICS if m not in present}
    for message in report.warnings():
        diags.warning(paths[0], 0, message)
    if not rows:
        diags.warning(paths[0], 0, "no KPI could be computed (see the data-quality summary)")
    return KpiResult(rows, report)


def _within(code: str, period: str) -> bool:
    """Whether period `code` (a quarter or a month) lies within `period`."""
    inner, outer = Period.parse(code), Period.parse(period)
    return inner is not None and outer is not None and inner.within(outer)


def resolve_preset(options: KpiOptions, base: Path | None = None) -> Preset:
    """The preset `options` name, with its --map overrides (raises OptionError if it cannot be used)."""
    return with_mapping(load_preset(options.preset, base), options.mapping)
