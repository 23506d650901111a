"""Loading a project the way every command does: all problems found, warnings added, --strict applied."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cssite.analyse.checks import review_warnings
from cssite.errors import Diagnostics, ValidationFailed
from cssite.load import load_project
from cssite.model import Project


def load_checked(root: Path, strict: bool = False, today: dt.date | None = None,
                 outcome: str = "") -> tuple[Project, Diagnostics]:
    """The project, or ValidationFailed listing every problem (`outcome` says what did not happen)."""
    project, diags = load_project(root)
    if project is not None:
        review_warnings(project, diags, today)
    if project is None or (strict and diags.warnings):
        raise ValidationFailed(diags.sorted(), outcome)
    return project, diags


def echo_diagnostics(diags: Diagnostics) -> None:
    """Warnings of a project that loaded, on stderr, in file and line order."""
    for d in diags.sorted():
        click.echo(str(d), err=True)
