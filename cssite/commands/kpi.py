"""`cssite kpi`: compute KPIs from raw helpdesk and survey exports (see cssite.kpi)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cssite.errors import Diagnostics, InputError, OptionError

FIELDS_HELP = ("id, created_at, updated_at, first_reply_at, first_reply_minutes, solved_at, resolution_minutes, "
               "status, team, channel, replies, reopens, sla_met, csat_rating, nps_score, ces_score")


def _pairs(values: tuple[str, ...], option: str, what: str, split_last: bool = False) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise OptionError(f"{option} '{v}' must look like {what}")
        k, _, val = v.rpartition("=") if split_last else v.partition("=")
        if not k.strip():
            raise OptionError(f"{option} '{v}' must look like {what}")
        out[k.strip()] = val.strip()
    return out


@click.command("kpi", context_settings={"max_content_width": 100})
@click.argument("exports", nargs=-1, required=True, metavar="EXPORT.csv [EXPORT2.csv …]",
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--preset", required=True, metavar="NAME|FILE",
              help="Column mapping and value conventions: zendesk, freshdesk, jsm, servicenow or survey, "
                   "or the path of your own preset .yml (copy a built-in one: they are in cssite/data/presets/ "
                   "inside the installed package).")
@click.option("--map", "mapping", multiple=True, metavar="FIELD=COLUMN",
              help=f"Read FIELD from COLUMN instead of the preset's column (repeatable; an empty COLUMN "
                   f"ignores the field). Fields: {FIELDS_HELP}.")
@click.option("--team-map", multiple=True, metavar="VALUE=TEAM",
              help="Count tickets whose team column (e.g. Zendesk's Group) is VALUE as team TEAM "
                   "(repeatable), e.g. --team-map \"EMEA Support=support-emea\". Values that are already "
                   "team ids need no entry; other values are reported and counted in team 'all' only.")
@click.option("--granularity", type=click.Choice(["quarter", "month"]), default="quarter", show_default=True,
              help="Period of each row: a ticket belongs to the period it was created in.")
@click.option("--period", metavar="PERIOD",
              help="2026-Q3 or 2026-07. For a file without dates (a survey wave): the period of all its rows. "
                   "For a dated file: output only PERIOD's rows (a month implies --granularity month).")
@click.option("--encoding", metavar="ENC",
              help="Read the files in this encoding (utf-8, cp1252, latin-1 …) [default: detect; a warning "
                   "says when a file is not UTF-8].")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the KPIs to this file [default: standard output].")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="csv: period,team,metric,value,n,ci_low,ci_high (the KPI CSV format); json: a list of "
                   "objects with the same keys.")
@click.option("--report", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the data-quality report (rows read, dropped by reason, unmapped teams, "
                   "unreadable values, metrics left out) to this JSON file.")
def kpi(exports, preset, mapping, team_map, granularity, period, encoding, output, fmt, report) -> None:
    """Compute service KPIs from ticket or survey exports.

    Reads the exports (UTF-8, UTF-8 with BOM or Windows-1252; comma, semicolon
    or tab separated), keeps one row per ticket (the latest row of an event
    log), drops impossible rows and counts them, and writes one row per period
    × team × metric, plus the same for team 'all'. Metrics the export has no
    column for are left out, not reported as zero. A data-quality summary goes
    to standard error.

    \b
    Examples:
      cssite kpi tickets.csv --preset zendesk \\
          --team-map "EMEA Support=support-emea" -o content/metrics/tickets.csv
      cssite kpi wave.csv --preset survey --map nps_score=Recommend --period 2026-Q3
      cssite kpi incidents.csv --preset servicenow --granularity month --report quality.json
    """
    try:
        run_kpi(list(exports), preset, _pairs(mapping, "--map", "FIELD=COLUMN"),
                _pairs(team_map, "--team-map", "VALUE=TEAM", split_last=True),
                granularity, period, encoding, output, fmt, report)
    except OptionError as exc:  # a bad option value is a usage error: exit 2, with the usage line
        raise click.UsageError(exc.detail) from None


def run_kpi(exports: list[Path], preset: str, mapping: dict[str, str], team_map: dict[str, str],
            granularity: str = "quarter", period: str | None = None, encoding: str | None = None,
            output: Path | None = None, fmt: str = "csv", report: Path | None = None) -> None:
    """Compute, print warnings and the quality summary to stderr, and write the KPIs."""
    from cssite.kpi import (  # pyarrow and numpy load only when needed
        KpiOptions,
        compute_kpis,
    )
    from cssite.kpi.write import to_csv, to_json

    for p in exports:
        if not p.is_file():
            raise InputError("no such file", str(p))
    for target in (output, report):
        if target is not None and not target.resolve().parent.is_dir():
            raise InputError(f"folder {target.parent} does not exist", str(target))
    diags = Diagnostics(Path.cwd())
    options = KpiOptions(preset, mapping, team_map, granularity, period, encoding)
    result = compute_kpis(exports, options, diags)
    for d in diags.sorted():
        click.echo(str(d), err=True)
    click.echo(result.report.summary(), err=True)
    text = to_json(result.rows) if fmt == "json" else to_csv(result.rows)
    if report is not None:
        data = result.report.as_dict()
        data["warnings"] = [d.message for d in diags.warnings]
        _write(report, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    if output is None:
        click.echo(text, nl=False)
    else:
        _write(output, text)
        click.echo(f"wrote {len(result.rows)} KPI rows to {output}", err=True)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the file: {exc.strerror}", str(path)) from None
