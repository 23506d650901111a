"""`cssite i18n status`."""

from __future__ import annotations

from pathlib import Path

import click

from cssite.analyse.translation import coverage
from cssite.commands.checked import load_checked
from cssite.errors import CssiteError, show_path


def run_i18n_status(root: Path, fail_under: float | None = None, allow_outside: tuple[Path, ...] = ()) -> None:
    """Print per-language translation coverage of user texts; exit 1 under `fail_under`."""
    project, _, _ = load_checked(root, allow_outside=allow_outside)
    rows = coverage(project)
    for c in rows:
        click.echo(f"{c.lang}: {c.translated}/{c.total} texts translated ({c.percent:.1f} %)")
    for c in rows:
        for t in c.missing:
            click.echo(f"{show_path(t.path)}:{t.line}: {c.lang}: {t.field}")  # a file name can't forge a line
    low = [c for c in rows if fail_under is not None and c.percent < fail_under]
    if low:
        worst = ", ".join(f"{c.lang} {c.percent:.1f} %" for c in low)
        raise CssiteError(f"error: translation below {fail_under:g} %: {worst}")
