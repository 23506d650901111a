"""`cssite validate`."""

from __future__ import annotations

from pathlib import Path

import click

from cssite.commands.checked import echo_diagnostics, load_checked
from cssite.errors import plural


def run_validate(root: Path, strict: bool = False, allow_outside: tuple[Path, ...] = ()) -> None:
    """Print every diagnostic; raise ValidationFailed when the project has errors (or warnings, if strict)."""
    project, diags, _ = load_checked(root, strict, allow_outside=allow_outside)
    echo_diagnostics(diags)
    click.echo(f"ok: {plural(len(project.reviews), 'review')}, {plural(len(project.kpis), 'KPI value')}, "
               f"{plural(len(project.config.teams), 'team')}, {plural(len(diags.warnings), 'warning')}", err=True)
