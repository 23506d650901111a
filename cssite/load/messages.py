"""A project's own message catalogues: messages/<lang>.yml, for a language cssite has no words in.

cssite ships its words in five languages (cssite/data/messages/). A project that lists any other
language needs messages/<lang>.yml with every key (`cssite i18n init LANG` writes one with the English
texts). A file for one of the five replaces only the keys it sets. Every problem is reported at its line:
a missing key where it belongs (after the key before it in the English order), a text whose {placeholders}
differ from English's, a key cssite does not know.
"""

from __future__ import annotations

import os

import string
from pathlib import Path

from cssite.errors import Diagnostics
from cssite.i18n.messages import catalogue
from cssite.i18n.languages import has_builtin_catalogue
from cssite.load.confine import Confinement, not_regular
from cssite.load.fields import did_you_mean
from cssite.model import Config
from cssite.yamlio import LineDict, load_yaml

MESSAGES_DIR = Path("messages")


def placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:  # an unpaired brace
        return {"{"}


def _languages_line(root: Path) -> int:
    try:
        lines = (root / "config" / "cssite.yml").read_text(encoding="utf-8-sig").splitlines()
    except OSError:
        return 0
    return next((i for i, ln in enumerate(lines, 1) if ln.startswith("languages:")), 0)


def load_project_messages(root: Path, config: Config, diags: Diagnostics,
                          confinement: Confinement | None = None) -> dict[str, dict[str, str]]:
    """{lang: the complete table} for each language with a project catalogue; errors go to `diags`.

    A catalogue that resolves outside the project, or is no regular file, is reported and never opened.
    """
    english = catalogue("en")
    out: dict[str, dict[str, str]] = {}
    for lang in config.languages:
        path = root / MESSAGES_DIR / f"{lang}.yml"
        builtin = has_builtin_catalogue(lang)
        if os.path.lexists(path):
            if not (confinement or Confinement(root)).check(path, diags):
                continue
            why = not_regular(path)
            if why:
                diags.error(path, 0, why)
                continue
        if not path.is_file():
            if not builtin:
                diags.error(root / "config" / "cssite.yml", _languages_line(root),
                            f"language '{lang}' needs the site's words: cssite has them for en, fr, ru, et and zh; "
                            f"run `cssite i18n init {lang}` to write messages/{lang}.yml for a translator")
            continue
        data = load_yaml(path, diags)
        if data is None:
            continue
        if not isinstance(data, LineDict):
            diags.error(path, getattr(data, "line", 1), "expected a mapping of message key to text")
            continue
        table = dict(catalogue(lang)) if builtin else {}
        ok = True
        for key, text in data.items():
            line = data.line_of(key)
            if key not in english:
                diags.warning(path, line, f"unknown message key '{key}'" + (did_you_mean(str(key), english) or
                                                                           " (it is not used)"))
                continue
            if not isinstance(text, str) or not text.strip():
                diags.error(path, line, f"'{key}' must be a non-empty text")
                ok = False
                continue
            want, got = placeholders(english[key]), placeholders(text)
            if want != got:
                need = ", ".join("{" + p + "}" for p in sorted(want)) or "none"
                diags.error(path, line, f"'{key}' must use the placeholders of the English text ({need}), "
                                        f"not {', '.join('{' + p + '}' for p in sorted(got)) or 'none'}")
                ok = False
                continue
            table[key] = text
        if not builtin:
            previous = 0
            for key in english:  # in the English order, which is the order `i18n init` writes
                if key in data:
                    previous = data.line_of(key)
                elif key not in table:
                    diags.error(path, previous + 1 if previous else 1,
                                f"missing message '{key}' (English: {english[key]!r})")
                    ok = False
        if ok:
            out[lang] = table
    return out
