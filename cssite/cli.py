"""The command line: option parsing only; every command calls a function in cssite.commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cssite import __version__
from cssite.schema import CONFIG, TICKET_SOURCE

_project_seen: list[Path] = []  # the --project of the running command: where an internal error's log goes


def _remember_project(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    _project_seen.append(value)
    return value


project_option = click.option(
    "--project", "-p", "project", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    show_default=True, help="The project folder (the one holding config/cssite.yml).", callback=_remember_project,
)


allow_outside_option = click.option(
    "--allow-outside", "allow_outside", multiple=True, metavar="PATH",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also read files inside folder PATH, outside the project (e.g. exports kept elsewhere); repeatable. "
         "Without it, a file that resolves outside the project folder (a symlink, '..', an absolute path) is "
         "an error.",
)


def _reader_left() -> click.exceptions.Exit:
    """The output's reader went away (`cssite … | head`): say nothing more, exit 141 like a tool killed by SIGPIPE.

    Both streams are pointed at /dev/null first, so the interpreter's last flush can't complain either.
    """
    import os

    from cssite.errors import EXIT_BROKEN_PIPE

    _pipe_closed.append(True)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            os.dup2(devnull, fd)
    except OSError:
        pass
    return click.exceptions.Exit(EXIT_BROKEN_PIPE)


_pipe_closed: list[bool] = []


class CssiteGroup(click.Group):
    """The one place where exceptions become exit codes (see cssite/errors.py for what each code means)."""

    def main(self, *args, **kwargs):
        # Click handles a broken pipe outside `invoke` itself (while printing --help or an error) by exiting 1,
        # the code of "a problem in your files"; it leaves its own marker, a wrapped stdout, which is read here.
        try:
            return super().main(*args, **kwargs)
        except SystemExit as exc:
            if _pipe_closed or type(sys.stdout).__name__ == "_PacifyFlushWrapper":
                raise SystemExit(_reader_left().exit_code) from None
            raise

    def invoke(self, ctx: click.Context):
        from cssite.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, OptionError

        try:
            return super().invoke(ctx)
        except OptionError as exc:  # a value given on the command line that can't be used: exit 2
            name = ctx.invoked_subcommand
            sub = self.get_command(ctx, name) if name else None
            usage_ctx = click.Context(sub, info_name=name, parent=ctx) if sub else ctx  # "Usage: cssite diff …"
            raise click.UsageError(exc.detail, usage_ctx) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise  # click prints these itself, with their own codes (1 for our CssiteError, 2 for usage)
        except KeyboardInterrupt:
            click.echo("cssite: interrupted; the published site is unchanged", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:  # `cssite kpi … | head`: the reader left; nothing to report
            raise _reader_left() from None
        except Exception as exc:  # noqa: BLE001 - anything else is a bug in cssite, never the user's doing
            from cssite.cache import write_crash_log

            log = write_crash_log(_project_seen[-1] if _project_seen else Path("."), exc)
            where = f"; the details are in {log}" if log else ""
            click.echo(f"cssite: internal error ({type(exc).__name__}): this is a bug in cssite, please report "
                       f"it{where}", err=True)
            raise click.exceptions.Exit(EXIT_INTERNAL) from None


@click.group(cls=CssiteGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cssite")
def cli() -> None:
    """Turn customer-service SWOT reviews and KPIs into a multilingual handbook site.

    A project is a folder with config/cssite.yml, reviews under content/reviews/
    and KPI tables under content/metrics/. Typical use:

    \b
      cssite init DIR          start a new handbook in DIR
      cssite serve             live preview while you edit
      cssite validate          check every file, report every problem
      cssite build             validate, then build the site into site/
      cssite review new TEAM   start next quarter's review from the latest
      cssite diff              what changed since the last review
      cssite i18n status       how much user text is translated
      cssite i18n init LANG    the site's words for another language
      cssite kpi EXPORT.csv    compute KPIs from a helpdesk export

    Each command has --help. `python -m cssite` runs the same commands.
    """


@cli.command()
@project_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@allow_outside_option
def validate(project: Path, strict: bool, allow_outside: tuple[Path, ...]) -> None:
    """Check every project file and report every problem at once.

    Problems print as `path:line: error: message`. Exits 1 when there is an
    error (or a warning, with --strict), 0 otherwise.
    """
    from cssite.commands.validate import run_validate

    run_validate(project, strict, allow_outside)


@cli.command()
@project_option
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to publish the site [default: PROJECT/site]. The folder is replaced as a whole, so it "
                   "must be new, empty or one cssite made (never the project or a folder inside it).")
@click.option("--strict", is_flag=True, help="Treat warnings in your files as errors. (MkDocs' own link and "
                                            "anchor checks are always strict.)")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Parallel worker processes [default: number of CPUs, at most 4].")
@click.option("--docs-out", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Also write each language's generated Markdown pages and charts to DIR/<lang>/ (for "
                   "inspection). DIR must be new, empty or one cssite wrote before.")
@click.option("--pdf", is_flag=True, help="Also make each review a PDF in every language (the quarterly review pack), "
                                         "as `pdf: true` in config/cssite.yml does. Needs pip install 'cssite[pdf]'.")
@click.option("--wait", type=click.FloatRange(0, 86400), default=0, show_default=True, metavar="SECONDS",
              help="When another build of this project or site folder is running, wait up to SECONDS for it "
                   "to finish (e.g. a CI retry beside a running job). 0: stop at once with 'another build is "
                   "running (pid N)', exit 1.")
@allow_outside_option
def build(project: Path, site_dir: Path | None, strict: bool, jobs: int | None, docs_out: Path | None,
          pdf: bool, wait: float, allow_outside: tuple[Path, ...]) -> None:
    """Validate, then build the handbook site for every language.

    The new site replaces the old one only when the whole build succeeded; a
    failed or interrupted build leaves the previous site exactly as it was. When
    no input changed since the published build (project files, mkdocs.yml, cssite
    and its dependencies, git commit, date, options), nothing is done at all; else
    a language whose pages, charts, theme and configuration are the same as in the
    published site is not built again: its folder is kept as it is.
    """
    from cssite.commands.build import run_build

    run_build(project, site_dir, strict, jobs, commands=command_table(), docs_out=docs_out,
              allow_outside=allow_outside, pdf=pdf, wait=wait)


def _fields_help() -> str:
    from cssite.kpi.presets import fields_help  # declared once, with the fields themselves

    return fields_help()


@cli.command("kpi", context_settings={"max_content_width": 100})
@click.argument("exports", nargs=-1, required=True, metavar="EXPORT.csv [EXPORT2.csv …]",
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--preset", required=True, metavar="NAME|FILE",
              help="Column mapping and value conventions: zendesk, freshdesk, jsm, servicenow, survey or calls, "
                   "or the path of your own preset .yml (copy a built-in one: they are in cssite/data/presets/ "
                   "inside the installed package).")
@click.option("--map", "mapping", multiple=True, metavar="FIELD=COLUMN",
              help=f"Read FIELD from COLUMN instead of the preset's column (repeatable; an empty COLUMN "
                   f"ignores the field). COL1+COL2 joins columns with a space, e.g. --map \"id=Line+Call\" or "
                   f"--map \"created_at=Date+Time\" (a + inside a header's own name stays part of it). "
                   f"Fields: {_fields_help()}.")
@click.option("--value", "values", multiple=True, metavar="FIELD:VALUE=MEANING",
              help="What a value means, over the preset (repeatable): --value \"status:Done=solved\", "
                   "\"status:Pending publication=open\", \"outcome:HANG=abandoned\", \"outcome:PHANTOM=ignore\", "
                   "\"csat_rating:Offered=offered\". Meanings: status solved|open|ignore; outcome "
                   "answered|abandoned|ignore; csat_rating good|bad|offered|not_offered|ignore; sla_met "
                   "met|breached|ignore; any other coded field ignore. Rows whose value means ignore are dropped "
                   "and counted; statuses nobody declared count as open and are listed.")
@click.option("--date-format", "date_formats", multiple=True, metavar="[FIELD=]FORMAT",
              help="The strptime format of every date field, or of one (repeatable): --date-format \"%d-%m-%y\", "
                   "--date-format \"created_at=%y%m%d %H:%M:%S\". Without it each date column's format is "
                   "inferred from all its values; a column that two formats read differently (03/04/2026) is "
                   "refused with the formats that fit. Two-digit years: 00–68 are 20xx, 69–99 19xx.")
@click.option("--team-map", multiple=True, metavar="VALUE=TEAM",
              help="Count tickets whose team column (e.g. Zendesk's Group) is VALUE as team TEAM "
                   "(repeatable), e.g. --team-map \"EMEA Support=support-emea\". Values that are already "
                   "team ids need no entry; other values are reported and counted in team 'all' only.")
@click.option("--granularity", type=click.Choice(TICKET_SOURCE.field("granularity").choices),
              default=TICKET_SOURCE.default("granularity"), show_default=True,
              help="Period of each row: a ticket belongs to the period it was created in.")
@click.option("--period", metavar="PERIOD",
              help="2026-Q3 or 2026-07. For a file without dates (a survey wave): the period of all its rows. "
                   "For a dated file: output only PERIOD's rows (a month implies --granularity month).")
@click.option("--short-abandon-seconds", type=click.FloatRange(0, 86400), show_default=True,
              default=TICKET_SOURCE.default("short_abandon_seconds"),
              metavar="SECONDS",
              help="Calls: a hang-up after less queueing than this never reached the queue; it is not offered "
                   "(not in the abandonment rate or the service level), e.g. --short-abandon-seconds 10.")
@click.option("--service-level-seconds", type=click.FloatRange(0, 86400), show_default=True,
              default=TICKET_SOURCE.default("service_level_seconds"),
              metavar="SECONDS",
              help="Calls: the service level is the share of offered calls answered within this wait "
                   "(abandons count as failures), e.g. --service-level-seconds 30.")
@click.option("--metrics", "metric_names", multiple=True, metavar="M1,M2",
              help="Only these metrics (comma-separated or repeated; metrics: in a tickets: entry of the config), "
                   "e.g. --metrics csat,csat_response_rate when another export provides the rest. Exit 1 when none "
                   "of them can be computed. [default: every metric the export has columns for]")
@click.option("--decimal", type=click.Choice([",", "."]),
              help="The decimal mark of number columns, for a column whose values do not show it: 1,234 is 1.234 "
                   "with --decimal , and 1234 with --decimal . [default: from each column's values (600,5 or "
                   "1,234.5 settle it); a column they do not settle is refused]")
@click.option("--encoding", metavar="ENC",
              help="Read the files in this encoding (utf-8, cp1252, latin-1 …) [default: detect; a warning "
                   "says when a file is not UTF-8].")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the KPIs to this file [default: standard output]. It may not be one of the exports.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="csv: period,team,metric,value,n,ci_low,ci_high (the KPI CSV format); json: a list of "
                   "objects with the same keys.")
@click.option("--report", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the data-quality report (rows read, dropped by reason, placeholder dates, "
                   "undeclared statuses, date formats, event-log order, unreadable values with their lines, "
                   "metrics left out) to this JSON file.")
def kpi(exports, preset, mapping, values, date_formats, team_map, granularity, period, short_abandon_seconds,
        service_level_seconds, metric_names, decimal, encoding, output, fmt, report) -> None:
    """Compute service KPIs from ticket, call or survey exports.

    Reads the exports (UTF-8, UTF-8 with BOM or Windows-1252; comma, semicolon
    or tab separated), infers one date format per column, keeps one row per
    ticket (the latest row of an event log), decides solved by status, drops
    impossible rows and counts them, and writes one row per period × team ×
    metric, plus the same for team 'all'. Metrics the export has no column for
    are left out, not reported as zero; when no KPI at all can be computed it
    exits 1 with the reasons. A data-quality summary goes to standard error.
    Times with a UTC offset are instants for durations; their period is the
    one the export's own clock wrote. Warnings name the file's true line,
    also past quoted values that hold line breaks.

    \b
    Examples:
      cssite kpi tickets.csv --preset zendesk \\
          --team-map "EMEA Support=support-emea" -o content/metrics/tickets.csv
      cssite kpi wave.csv --preset survey --map nps_score=Recommend --period 2026-Q3
      cssite kpi incidents.csv --preset servicenow --granularity month --report quality.json
      cssite kpi changes.csv --preset jsm --value "status:Done=solved" --date-format "%d-%m-%y"
      cssite kpi calls.csv --preset calls --map "id=vru_line+call_id" \\
          --map "created_at=date+q_start" --date-format "%y%m%d %H:%M:%S" \\
          --value "outcome:PHANTOM=ignore" --short-abandon-seconds 5
    """
    from cssite.commands.kpi import parse_date_formats, parse_pairs, run_kpi
    from cssite.kpi import KpiOptions

    options = KpiOptions(preset, parse_pairs(mapping, "--map", "FIELD=COLUMN"),
                         parse_pairs(team_map, "--team-map", "VALUE=TEAM", split_last=True),
                         granularity, period, encoding, parse_date_formats(date_formats),
                         parse_pairs(values, "--value", "FIELD:VALUE=MEANING", split_last=True),
                         short_abandon_seconds, service_level_seconds,
                         tuple(m.strip() for v in metric_names for m in v.split(",") if m.strip()), decimal)
    run_kpi(list(exports), options, output, fmt, report)  # a bad option value (OptionError) exits 2: CssiteGroup


@cli.command()
@project_option
@click.option("--team", metavar="T", help="Only this team.")
@click.option("--from", "from_", metavar="PERIOD", help="Compare with this period [default: each team's previous review].")
@click.option("--to", metavar="PERIOD", help="The period to show [default: the latest with reviews].")
@click.option("--rev", metavar="REV", help="Compare the reviews as they are now with the same files at this git "
                                           "revision (tag, branch, commit).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="markdown: one table of changes per review, for a merge-request comment or a CI job summary "
                   "(user text escaped, no @mentions).")
@allow_outside_option
def diff(project: Path, team: str | None, from_: str | None, to: str | None, rev: str | None, fmt: str,
         allow_outside: tuple[Path, ...]) -> None:
    """Show what changed in the SWOT reviews.

    For each team: items added, removed, reworded, moved between quadrants,
    re-weighted or renamed (same text, new id), and objectives added, removed,
    reworded or with a new status. By default each team's review in the latest
    period is compared with its previous review.
    """
    from cssite.commands.diff import run_diff

    run_diff(project, team, from_, to, rev, fmt, allow_outside)


@cli.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), metavar="DIR")
@click.option("--languages", metavar="LANG,LANG", default=None,
              help="The languages to build, the first is the default "
                   f"[default: {CONFIG.field('languages').default_yaml().strip('[]')}].")
@click.option("--team", "teams", multiple=True, metavar="ID=NAME",
              help="A team: its id (lowercase, like support-emea) and display name (repeatable) "
                   "[default: one team, support].")
@click.option("--example", is_flag=True, help="Write the full example handbook (three teams, two quarters, five "
                                             "languages, a raw Zendesk export) instead of a starter project.")
def init(folder: Path, languages: str | None, teams: tuple[str, ...], example: bool) -> None:
    """Start a new handbook in DIR (a new or empty folder).

    Writes config/cssite.yml (every key commented, with its default), a
    starter review per team for the current quarter (example texts in every
    language, to replace), a small KPI file, mkdocs.yml, a README, a
    .gitignore and CI files that validate, build and publish the site:
    .github/workflows/handbook.yml (GitHub Pages) and .gitlab-ci.yml
    (GitLab Pages). The project builds at once.

    \b
    Examples:
      cssite init handbook --languages et,en --team support=Klienditugi
      cssite init --example example-handbook
    """
    from cssite.commands.init import run_init

    run_init(folder, languages, teams, example)  # a bad option value (OptionError) exits 2, see CssiteGroup


@cli.command()
@project_option
@click.option("--lang", metavar="LANG", default=None,
              help="Build only this language (faster while you write) [default: every language of the project].")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in the default web browser.")
@allow_outside_option
def serve(project: Path, lang: str | None, port: int, open_browser: bool, allow_outside: tuple[Path, ...]) -> None:
    """Build the site, serve it on 127.0.0.1 and rebuild it while you edit.

    Watches config/, content/, templates/ and mkdocs.yml; on a change it
    rebuilds and the open page reloads itself. A validation error is printed
    here and shown on the page as `path:line` messages, over the last good
    site, which keeps being served. Ctrl-C stops it.
    """
    from cssite.commands.serve import run_serve
    from cssite.errors import OptionError

    try:
        run_serve(project, lang, port, open_browser, commands=command_table(), allow_outside=allow_outside)
    except OptionError as exc:
        raise click.UsageError(exc.detail) from None


@cli.group()
def review() -> None:
    """Quarterly reviews: start the next one from the latest."""


@review.command("new")
@project_option
@click.argument("team", metavar="TEAM")
@click.argument("period", metavar="[PERIOD]", required=False)
@allow_outside_option
def review_new(project: Path, team: str, period: str | None, allow_outside: tuple[Path, ...]) -> None:
    """Start next quarter's review of TEAM from its latest one.

    Writes content/reviews/PERIOD/TEAM.yml with the same item ids and texts
    (so the changes page shows only what you then edit), the team's own
    comments and layout, the open objectives carried over (done and dropped
    ones left out), the title's quarter moved on, and a comment at the top
    saying what to update. PERIOD (like 2026-Q4) defaults to the quarter
    after the latest review. An existing review is never overwritten.
    """
    from cssite.commands.review import run_review_new
    from cssite.errors import OptionError

    try:
        run_review_new(project, team, period, allow_outside)
    except OptionError as exc:
        raise click.UsageError(exc.detail) from None


@cli.group()
def i18n() -> None:
    """Translation of user texts (reviews, config, metric catalogue)."""


@i18n.command("status")
@project_option
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Exit 1 when any language has less than PERCENT of user texts translated.")
@allow_outside_option
def i18n_status(project: Path, fail_under: float | None, allow_outside: tuple[Path, ...]) -> None:
    """Per language: how many user texts are translated, and which are missing.

    Missing texts are listed as `path:line: lang: field`; guidance pages
    count too, one text per page.
    """
    from cssite.commands.i18n_status import run_i18n_status

    run_i18n_status(project, fail_under, allow_outside)



@i18n.command("init")
@project_option
@click.argument("lang", metavar="LANG")
def i18n_init(project: Path, lang: str) -> None:
    """Write messages/LANG.yml: the site's words for a translator.

    For a language cssite has no words in (it has en, fr, ru, et, zh), the
    file lists every key with its English text; translate the texts and
    list LANG under `languages` in config/cssite.yml. A missing key or a
    changed {placeholder} is reported at its line. Never overwrites a file.
    """
    from cssite.commands.init import run_i18n_init
    from cssite.errors import OptionError

    try:
        run_i18n_init(project, lang)
    except OptionError as exc:
        raise click.UsageError(exc.detail) from None


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
                            options=[_option_row(p, ctx) for p in cmd.params
                                     if isinstance(p, click.Option) and p.name != "help"]))

    walk(cli, [])
    return out


def _option_row(option: click.Option, ctx: click.Context) -> dict:
    """An option as the Reference lists it: its names, the value it takes, its default (all language-neutral)."""
    if option.is_flag:
        value = ""
    elif isinstance(option.type, click.Choice):
        value = "|".join(option.type.choices)
    else:
        value = option.make_metavar(ctx)
    default = option.get_default(ctx, call=False)
    # Click marks "no default" with a sentinel object of its own; only real values are worth showing.
    if option.is_flag or callable(default) or not isinstance(default, (str, int, float, Path)) or default == "":
        default = ""
    return dict(names=", ".join(option.opts + option.secondary_opts), value=value, default=str(default),
                multiple=option.multiple)


def main() -> None:
    cli(prog_name="cssite")
