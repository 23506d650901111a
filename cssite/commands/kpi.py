"""`cssite kpi`: compute KPIs from raw helpdesk and survey exports (see cssite.kpi). The options are in cssite.cli."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cssite.load.confine import is_file
from cssite.errors import Diagnostics, InputError, OptionError


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


def parse_date_formats(values: tuple[str, ...]) -> dict[str, str]:
    """`--date-format FORMAT` (every date field, key "*") or `--date-format FIELD=FORMAT` (one field)."""
    import re

    out = {}
    for v in values:
        head, sep, fmt = v.partition("=")
        if sep and re.fullmatch(r"\s*[A-Za-z_]+\s*", head):
            out[head.strip()] = fmt.strip()
        else:
            out["*"] = v.strip()
    return out


def run_kpi(exports: list[Path], options, output: Path | None = None, fmt: str = "csv",
            report: Path | None = None) -> None:
    """Compute, print warnings and the quality summary to stderr, and write the KPIs."""
    from cssite.kpi import compute_kpis  # pyarrow and numpy load only when needed
    from cssite.kpi.write import to_csv, to_json

    for p in exports:
        if not is_file(p):
            from cssite.load.confine import not_regular

            # A FIFO or a device is never opened (it would wait or never end): say what it is instead.
            raise InputError(not_regular(p) or "no such file", str(p))
    inputs = {p.resolve() for p in exports}
    for target, option in ((output, "-o/--output"), (report, "--report")):
        if target is None:
            continue
        if target.resolve() in inputs:
            raise OptionError(f"{option} {target} is one of the exports being read: writing it would destroy the "
                              "export; choose another file")
        if not target.resolve().parent.is_dir():
            raise InputError(f"folder {target.parent} does not exist", str(target))
    if output is not None and report is not None and output.resolve() == report.resolve():
        raise OptionError(f"-o/--output and --report both name {output}: choose two files")
    diags = Diagnostics(Path.cwd())
    try:
        result = compute_kpis(exports, options, diags)
    finally:
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
