"""`cssite validate`."""

from __future__ import annotations

from pathlib import Path

import click

from cssite.errors import ValidationFailed
from cssite.load import load_project


def run_validate(root: Path, strict: bool = False, extra_kpis=None) -> None:
    """Print every diagnostic; raise ValidationFailed when the project has errors."""
    from cssite.analyse.checks import review_warnings
    from cssite.kpi.exports import kpis_from_exports

    project, diags = load_project(root, kpis_from_exports if extra_kpis is None else extra_kpis)
    if project is not None:
        review_warnings(project, diags)
    items = diags.sorted()
    if project is None or (strict and diags.warnings):
        raise ValidationFailed(items)
    for d in items:
        click.echo(str(d), err=True)
    n_rev, n_kpi = len(project.reviews), len(project.kpis)
    click.echo(f"ok: {n_rev} reviews, {n_kpi} KPI values, {len(project.config.teams)} teams, "
               f"{len(diags.warnings)} warnings", err=True)
