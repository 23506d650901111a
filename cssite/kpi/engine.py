"""compute_kpis: the stages run in order, for the `cssite kpi` command and the build."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cssite.errors import Diagnostics, InputError, OptionError
from cssite.kpi.compute import METRICS, CallRules, KpiRow, compute_metrics
from cssite.kpi.presets import DATE_FIELDS, SPEC, Preset, load_preset, with_mapping, with_values
from cssite.kpi.quality import FileReport, QualityReport
from cssite.kpi.read import ReadOptions, read_export
from cssite.kpi.tickets import Scope, build_tickets
from cssite.model import KpiOptions, Period
from cssite.schema import SLUG_RE

__all__ = ["KpiOptions", "KpiResult", "KpiRow", "METRICS", "compute_kpis", "resolve_preset"]


@dataclass
class KpiResult:
    rows: list[KpiRow]
    report: QualityReport


def compute_kpis(paths: list[Path], options: KpiOptions, diags: Diagnostics,
                 known_teams: frozenset[str] | None = None, preset_base: Path | None = None) -> KpiResult:
    """Compute the KPI rows of one or more exports read with the same preset.

    Several files are pooled (a year split in two files gives one median, not two).
    Warnings go to `diags` with their file and line; a file that cannot be used, or from
    which no KPI could be computed, raises InputError; a bad option OptionError.
    `known_teams` are the project's team ids (None outside a project: then any team
    value that is already a slug is a team id).
    """
    check_options(options, known_teams)
    preset = resolve_preset(options, preset_base)
    report = QualityReport(preset.name)
    read = ReadOptions(options.encoding, dict(options.date_formats), options.decimal)
    raws = [_read_one(Path(p), preset, read, options, report, defer_updates=len(paths) == 1) for p in paths]

    granularity = options.granularity
    if options.period and Period.parse(options.period).kind == "month":
        granularity = "month"  # a month's rows cannot come from quarters
    scope = Scope(dict(options.team_map), known_teams, granularity, options.period)
    tickets = build_tickets(raws, preset, scope, report)
    rules = CallRules(options.short_abandon_seconds, options.service_level_seconds)
    rows, absent = compute_metrics(tickets, rules)
    if tickets.outcome is not None:
        report.settings = {"short_abandon_seconds": rules.short_abandon_seconds,
                           "service_level_seconds": rules.service_level_seconds}
    if options.period and "created_at" in raws[0].used:
        # A dated export is computed whole (the backlog needs every open ticket), then cut to --period.
        rows = [r for r in rows if _within(r.period, options.period)]
        report.periods = [p for p in report.periods if _within(p, options.period)]
    report.unit = "calls" if tickets.outcome is not None else "tickets" if tickets.is_ticket_export else "responses"
    chosen = [m for m in METRICS if m in options.metrics] if options.metrics else list(METRICS)
    rows = [r for r in rows if r.metric in chosen]  # --metrics (metrics: in the config): only these
    present = {r.metric for r in rows}
    report.metrics = [m for m in chosen if m in present]
    report.absent = {m: absent.get(m, "reported for the export's last period only" if m == "backlog"
                                   else f"no values in {options.period}") for m in chosen if m not in present}
    for path, line, message in report.warnings():
        diags.warning(path, line, message)
    if not rows:
        reasons = "; ".join(f"{m}: {why}" for m, why in report.absent.items())
        raise InputError(f"no KPI could be computed ({reasons})", paths[0])
    return KpiResult(rows, report)


def check_options(options: KpiOptions, known_teams: frozenset[str] | None) -> None:
    """Raise OptionError for an option value that cannot be used (before any file is read)."""
    if options.granularity not in ("quarter", "month"):
        raise OptionError(f"granularity must be quarter or month, not '{options.granularity}'")
    if options.period and Period.parse(options.period) is None:
        raise OptionError(f"period '{options.period}' must be YYYY-Qn (2026-Q3) or YYYY-MM (2026-07)")
    for value, team in options.team_map.items():
        ok = team in known_teams if known_teams is not None else bool(SLUG_RE.match(team))
        if not ok:
            expected = f"one of {', '.join(sorted(known_teams))}" if known_teams is not None else \
                "a lowercase id like support-emea"
            raise OptionError(f"team map '{value}={team}': '{team}' is not a team id ({expected})")
    if options.decimal not in (None, ",", "."):
        raise OptionError(f"--decimal must be ',' or '.', not {options.decimal!r}")
    unknown = [m for m in options.metrics if m not in METRICS]
    if unknown:
        raise OptionError(f"--metrics: {', '.join(repr(m) for m in unknown)} "
                          f"{'is not a metric' if len(unknown) == 1 else 'are not metrics'} cssite kpi computes "
                          f"({', '.join(METRICS)})")
    for f, fmt in options.date_formats.items():
        if f != "*" and f not in DATE_FIELDS:
            raise OptionError(f"--date-format '{f}={fmt}': {f} is not a date field ({', '.join(sorted(DATE_FIELDS))})")
        if "%" not in fmt:
            raise OptionError(f"--date-format '{fmt}' is not a strptime format (e.g. \"%d-%m-%y %H:%M\")")
    for name, seconds in (("--short-abandon-seconds", options.short_abandon_seconds),
                          ("--service-level-seconds", options.service_level_seconds)):
        if not (seconds >= 0 and seconds < 86400):
            raise OptionError(f"{name} must be between 0 and 86400 seconds, not {seconds}")


def _read_one(path: Path, preset: Preset, read: ReadOptions, options: KpiOptions, report: QualityReport,
              defer_updates: bool):
    raw = read_export(path, preset, read, _fields_needed(preset), defer_updates)
    report.files.append(FileReport(raw.path, raw.layout.encoding_label, raw.layout.delimiter, raw.rows,
                                   len(raw.malformed), [{"line": ln, "text": t[:200]} for ln, t in raw.malformed[:5]],
                                   dict(raw.used), dict(raw.date_formats)))
    for line, note in raw.notes:
        report.note(raw.path, line, note)
    report.problems.extend(raw.problems)
    for f, n in raw.placeholders.items():
        report.placeholders[f] = report.placeholders.get(f, 0) + n
    for f in options.mapping:
        if f == "channel" and f in raw.used:
            report.note(raw.path, 0, f"--map channel={options.mapping[f]}: read, but no metric uses the channel")
    if "created_at" not in raw.used and not options.period:
        names = ", ".join(repr(n) for n in preset.columns.get("created_at", ())) or "none in the preset"
        raise InputError(f"no creation date column ({names}): pass --period (e.g. 2026-Q3) to say which "
                          "period these rows belong to, or --map created_at=COLUMN", path)
    return raw


def _fields_needed(preset: Preset) -> set[str]:
    """Columns that no metric reads are not read at all (less to convert, less memory), unless the user mapped them."""
    return set(preset.columns) - ({"channel"} - set(preset.mapped))


def _within(code: str, period: str) -> bool:
    """Whether period `code` (a quarter or a month) lies within `period`."""
    inner, outer = Period.parse(code), Period.parse(period)
    return inner is not None and outer is not None and inner.within(outer)


def resolve_preset(options: KpiOptions, base: Path | None = None) -> Preset:
    """The preset `options` name, with its --map and --value overrides (raises OptionError if it cannot be used)."""
    preset = with_mapping(load_preset(options.preset, base), options.mapping)
    return with_values(preset, parse_values(options.values))


def parse_values(values: dict[str, str]) -> dict[tuple[str, str], str]:
    """{"status:Done": "solved"} → {("status", "Done"): "solved"}."""
    out = {}
    for key, meaning in values.items():
        f, sep, value = key.partition(":")
        if not sep or not f.strip() or not value.strip():
            raise OptionError(f"--value '{key}={meaning}' must look like FIELD:VALUE=MEANING "
                              "(e.g. \"status:Done=solved\")")
        if f.strip() not in SPEC:
            raise OptionError(f"--value '{key}={meaning}': unknown field '{f.strip()}'")
        out[(f.strip(), value.strip())] = meaning
    return out
