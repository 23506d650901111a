"""`cssite init`: write a new project (or the example handbook) into an empty folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cssite.errors import InputError, OptionError
from cssite.i18n.languages import known as known_language
from cssite.schema import CONFIG, SLUG_RE, SUPPORTED_LANGUAGES


def parse_languages(value: str | None) -> list[str]:
    """`et,en` → ['et', 'en']; the first is the site's default language."""
    if not value:
        return list(CONFIG.default("languages"))
    langs = [v.strip() for v in value.split(",") if v.strip()]
    if not langs:
        raise OptionError("--languages: give at least one language code, e.g. --languages et,en")
    if len(set(langs)) != len(langs):
        raise OptionError(f"--languages {value}: a language is listed twice")
    for lang in langs:
        if not known_language(lang):
            raise OptionError(f"--languages: '{lang}' is not a language code Babel knows (such as de, es or pt-BR; "
                              f"cssite has its own words for {', '.join(SUPPORTED_LANGUAGES)})")
    return langs


def parse_teams(values: tuple[str, ...]):
    """`support-emea=Support EMEA` → StarterTeam; no --team gives one team, `support`."""
    from cssite.scaffold import StarterTeam

    if not values:
        return [StarterTeam("support", None)]
    teams, seen = [], set()
    for v in values:
        team_id, sep, name = v.partition("=")
        team_id, name = team_id.strip(), name.strip()
        if not SLUG_RE.match(team_id) or team_id in ("all", "index"):
            raise OptionError(f"--team {v}: '{team_id}' is not a team id (lowercase letters, digits and -, "
                              f"like support-emea; 'all' and 'index' are reserved)")
        if team_id in seen:
            raise OptionError(f"--team {v}: team '{team_id}' is given twice")
        if sep and not name:
            raise OptionError(f"--team {v}: the name after '=' is empty")
        seen.add(team_id)
        teams.append(StarterTeam(team_id, name or None))
    return teams


def run_init(target: Path, languages: str | None, teams: tuple[str, ...], example: bool,
             today: dt.date | None = None) -> None:
    from cssite import scaffold

    scaffold.check_target(target)
    if example:
        if languages or teams:
            raise OptionError("--example writes the example handbook as it is: leave out --languages and --team")
        files = scaffold.example_files()
    else:
        files = scaffold.project_files(parse_languages(languages), parse_teams(teams), today or dt.date.today())
    scaffold.write_files(target, files)
    click.echo(f"cssite: wrote {len(files)} files into {target}", err=True)
    import shlex

    here = Path(target).resolve() == Path.cwd().resolve()
    cd = "" if here else f"  cd {shlex.quote(str(target))}\n"  # quoted: a folder name may hold spaces
    click.echo(f"Next:\n{cd}  cssite serve --open     # live preview at http://127.0.0.1:8000/\n"
               f"  cssite build            # the site, into site/")


def run_i18n_init(root: Path, lang: str) -> Path:
    """Write messages/LANG.yml into the project; never overwrite one."""
    from cssite import scaffold
    from cssite.i18n.languages import has_builtin_catalogue
    from cssite.load.config import CONFIG_FILE
    from cssite.load.messages import MESSAGES_DIR

    root = Path(root)
    if not known_language(lang):
        raise OptionError(f"'{lang}' is not a language code Babel knows (such as de, es or pt-BR)")
    if not (root / CONFIG_FILE).is_file():
        raise InputError(f"{root.resolve()} has no config/cssite.yml: is this a cssite project? (use --project DIR)")
    rel = MESSAGES_DIR / f"{lang}.yml"
    path = root / rel
    if path.exists():
        raise InputError("already exists; nothing was written (edit it, or delete it to start again)", rel.as_posix())
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as f:
        f.write(scaffold.catalogue_yaml(lang))
    what = "its built-in texts, to change some words" if has_builtin_catalogue(lang) else \
        "the English texts, for a translator"
    click.echo(f"cssite: wrote {rel.as_posix()} with every key and {what}; list '{lang}' under languages in "
               f"config/cssite.yml to build it", err=True)
    return path
