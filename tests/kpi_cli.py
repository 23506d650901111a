"""Helpers the KPI tests share: run `cssite kpi`, read its CSV as a table, write a fixture file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from cssite.cli import cli


def run(*args: str):
    """`cssite kpi ARGS` in-process (stdout and stderr apart)."""
    return CliRunner().invoke(cli, ["kpi", *args])


def table(result) -> dict:
    """{(period, team, metric): (value, n)} of a successful run."""
    assert result.exit_code == 0, result.output
    return {(r["period"], r["team"], r["metric"]): (r["value"], r["n"])
            for r in csv.DictReader(io.StringIO(result.stdout))}


def write(tmp_path: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> str:
    p = tmp_path / name
    p.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return str(p)
