"""Loading a project the way every command does: all problems found, warnings added, --strict applied."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cssite.analyse.checks import review_warnings
from cssite.analyse.trends import KpiIndex
from cssite.errors import Diagnostics, ValidationFailed
from cssite.load import load_project
from cssite.model import Project


def load_checked(root: Path, strict: bool = False, today: dt.date | None = None,
                 outcome: str = "", allow_outside: tuple[Path, ...] = ()) -> tuple[Project, Diagnostics, KpiIndex]:
    """The project with its KPI index, or ValidationFailed listing every problem (`outcome`: what did not happen).

    `allow_outside`: folders outside the project that it may read from (--allow-outside).
    """
    project, diags = load_project(root, allow_outside)
    index = KpiIndex(project) if project is not None else None
    if project is not None:
        review_warnings(project, diags, index, today)
    if project is None and not diags.errors:  # a loader gave up without saying why: a bug (exit 3), not "0 errors"
        raise RuntimeError("the project was not loaded, and no loader reported an error")
    if project is None or (strict and diags.warnings):
        raise ValidationFailed(diags.sorted(), outcome)
    return project, diags, index


def echo_diagnostics(diags: Diagnostics) -> None:
    """Warnings of a project that loaded, on stderr, in file and line order."""
    for d in diags.sorted():
        click.echo(str(d), err=True)
