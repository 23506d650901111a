"""`cssite kpi`: compute KPIs from raw helpdesk and survey exports (see cssite.kpi). The options are in cssite.cli."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cssite.errors import Diagnostics, InputError, OptionError
from cssite.schema import TICKET_SOURCE

FIELDS_HELP = ("id, created_at, updated_at, first_reply_at, first_reply_minutes, solved_at, resolution_minutes, "
               "status, team, channel, replies, reopens, sla_met, csat_rating, nps_score, ces_score")


def parse_pairs(values: tuple[str, ...], option: str, what: str, split_last: bool = False) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise OptionError(f"{option} '{v}' must look like {what}")
        k, _, val = v.rpartition("=") if split_last else v.partition("=")
        if not k.strip():
            raise OptionError(f"{option} '{v}' must look like {what}")
        out[k.strip()] = val.strip()
    return out


def run_kpi(exports: list[Path], preset: str, mapping: dict[str, str], team_map: dict[str, str],
            granularity: str = TICKET_SOURCE.default("granularity"), period: str | None = None,
            encoding: str | None = None,
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
