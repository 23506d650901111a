"""The command line: option parsing only; every command calls a function in cssite.commands."""

from __future__ import annotations

from pathlib import Path

import click

from cssite import __version__

# Commands whose modules pull in pandas are imported only when they run (or show --help),
# so `cssite validate --help` and friends start quickly.
LAZY_COMMANDS = {"kpi": "cssite.commands.kpi:kpi"}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            import importlib

            module, attr = LAZY_COMMANDS[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

project_option = click.option(
    "--project", "-p", "project", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    show_default=True, help="The project folder (the one holding config/cssite.yml).",
)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cssite")
def cli() -> None:
    """Turn customer-service SWOT reviews and KPIs into a multilingual handbook site.

    A project is a folder with config/cssite.yml, reviews under content/reviews/
    and KPI tables under content/metrics/. Typical use:

    \b
      cssite validate          check every file, report every problem
      cssite build             validate, then build the site into site/
      cssite i18n status       how much user text is translated
      cssite kpi EXPORT.csv    compute KPIs from a helpdesk export
      cssite diff              what changed since the last review
    """


@cli.command()
@project_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(project: Path, strict: bool) -> None:
    """Check every project file and report every problem at once.

    Problems print as `path:line: error: message`. Exits 1 when there is an
    error (or a warning, with --strict), 0 otherwise.
    """
    from cssite.commands.validate import run_validate

    run_validate(project, strict)


@cli.command()
@project_option
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to publish the site [default: PROJECT/site].")
@click.option("--strict", is_flag=True, help="Treat warnings in your files as errors. (MkDocs' own link and "
                                            "anchor checks are always strict.)")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Parallel worker processes [default: number of CPUs, at most 4].")
def build(project: Path, site_dir: Path | None, strict: bool, jobs: int | None) -> None:
    """Validate, then build the handbook site for every language.

    The new site replaces the old one only when the whole build succeeded; a
    failed or interrupted build leaves the previous site exactly as it was.
    """
    from cssite.commands.build import run_build

    run_build(project, site_dir, strict, jobs, commands=command_table())


@cli.command()
@project_option
@click.option("--team", metavar="T", help="Only this team.")
@click.option("--from", "from_", metavar="PERIOD", help="Compare with this period [default: each team's previous review].")
@click.option("--to", metavar="PERIOD", help="The period to show [default: the latest with reviews].")
@click.option("--rev", metavar="REV", help="Compare the reviews as they are now with the same files at this git "
                                           "revision (tag, branch, commit).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff(project: Path, team: str | None, from_: str | None, to: str | None, rev: str | None, fmt: str) -> None:
    """Show what changed in the SWOT reviews.

    For each team: items added, removed, reworded, moved between quadrants,
    re-weighted or renamed (same text, new id), and objectives added, removed,
    reworded or with a new status. By default each team's review in the latest
    period is compared with its previous review.
    """
    from cssite.commands.diff import run_diff
    from cssite.errors import OptionError

    try:
        run_diff(project, team, from_, to, rev, fmt)
    except OptionError as exc:  # a bad option value: a usage error, exit 2
        raise click.UsageError(exc.detail) from None


@cli.group()
def i18n() -> None:
    """Translation of user texts (reviews, config, metric catalogue)."""


@i18n.command("status")
@project_option
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Exit 1 when any language has less than PERCENT of user texts translated.")
def i18n_status(project: Path, fail_under: float | None) -> None:
    """Per language: how many user texts are translated, and which are missing.

    Missing texts are listed as `path:line: lang: field`.
    """
    from cssite.commands.i18n_status import run_i18n_status

    run_i18n_status(project, fail_under)



def command_table() -> list[dict]:
    """Every command's name, usage line and options, for the Reference pages."""
    out = []
    root = click.Context(cli, info_name="cssite")

    def walk(group: click.Group, prefix: list[str]) -> None:
        for name in group.list_commands(root):
            cmd = group.get_command(root, name)
            if isinstance(cmd, click.Group):
                walk(cmd, prefix + [name])
                continue
            ctx = click.Context(cmd, info_name=" ".join(["cssite", *prefix, name]), parent=None)
            out.append(dict(name=" ".join([*prefix, name]), usage=cmd.get_usage(ctx).removeprefix("Usage: "),
                            options=[", ".join(p.opts) for p in cmd.params if isinstance(p, click.Option)]))

    walk(cli, [])
    return out


def main() -> None:
    cli(prog_name="cssite")
