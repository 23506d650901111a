"""One spacing convention per language, in the guidance pages and in the UI catalogue alike.

The percent sign is written the way Babel prints it for the language (en `86.4%`, fr and ru
`86,4 %` with a no-break space), so hand-written text matches the generated figures. French
follows the Imprimerie nationale: a no-break space (U+00A0) before `:` and inside « », a narrow
no-break space (U+202F) before `;` `?` `!`, and typographic apostrophes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.numbers import format_percent

REPO = Path(__file__).resolve().parent.parent
# Languages whose texts follow the rules below (et and zh join when their review lands).
CHECKED = ["en", "fr", "ru"]

NBSP, NNBSP = "\u00a0", "\u202f"
# Markdown and code that is not prose: code spans, link targets, attribute lists, admonition markers.
# The CLI's own message formats and YAML keys quoted in prose are code too.
_NOT_PROSE = re.compile(r"`[^`]*`|\]\([^)]*\)|\{[#.:][^}]*\}|https?://\S+"
                        r"|path:line: error: message|path:line: lang: field|\btickets:")
_ADMONITION = re.compile(r'^\s*!!! \w+(?: "(.*)")?\s*$')  # keep only the title, which is prose


def _prose(line: str) -> str:
    m = _ADMONITION.match(line)
    if m:
        line = m.group(1) or ""
    return _NOT_PROSE.sub(" ", line)


def _guidance_root() -> Path:
    for candidate in (REPO / "cssite" / "data" / "guidance", REPO / "content" / "guidance"):
        if (candidate / "en").is_dir():
            return candidate
    raise AssertionError("no guidance folder")


def _texts(lang: str) -> list[tuple[str, str]]:
    """(where, text) for every prose line of the language's guidance and catalogue."""
    out = []
    for page in sorted((_guidance_root() / lang).rglob("*.md")):
        in_code = False
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
            if line.lstrip().startswith("```"):
                in_code = not in_code
            if not in_code:
                out.append((f"{page.relative_to(REPO)}:{number}", _prose(line)))
    catalogue = yaml.safe_load((REPO / "cssite" / "data" / "messages" / f"{lang}.yml").read_text(encoding="utf-8"))
    for key, value in catalogue.items():
        if key != "ref.layout":  # a file tree, not prose
            out.append((f"messages/{lang}.yml {key}", _prose(str(value))))
    return out


def percent_space(lang: str) -> str:
    """What Babel puts between a number and % in `lang`."""
    text = format_percent(0.5, locale=lang)
    return re.search(r"50(\D*)%", text).group(1)


def _problems(lang: str, texts: list[tuple[str, str]] | None = None) -> list[str]:
    sep = percent_space(lang)
    found = []
    for where, text in (_texts(lang) if texts is None else texts):
        for m in re.finditer(r"\d([ \u00a0\u202f]*)%", text):
            if m.group(1) != sep:
                found.append(f"{where}: {m.group(0)!r}: percent written {m.group(1)!r}, Babel prints {sep!r}")
        if lang == "fr":
            for m in re.finditer(r"(.)([;?!])", text):
                if m.group(1) != NNBSP:
                    found.append(f"{where}: {m.group(0)!r}: U+202F goes before {m.group(2)}")
            for m in re.finditer(r"(.)(:)(?=\s|$)", text):
                if m.group(1) != NBSP:
                    found.append(f"{where}: {m.group(0)!r}: U+00A0 goes before :")
            for m in re.finditer(r"«(.)|(.)»", text):
                if NBSP not in (m.group(1) or m.group(2) or ""):
                    found.append(f"{where}: {m.group(0)!r}: U+00A0 inside guillemets")
            if "'" in text:
                found.append(f"{where}: straight apostrophe")
        if lang == "ru" and '"' in text:
            found.append(f"{where}: straight double quotes (use «…»)")
    return found


@pytest.mark.parametrize("lang", CHECKED)
def test_guidance_and_catalogue_follow_the_language_spacing_convention(lang):
    problems = _problems(lang)
    assert not problems, "\n".join(problems[:40])


def test_percent_convention_comes_from_babel():
    assert percent_space("en") == ""
    assert percent_space("fr") == NBSP
    assert percent_space("ru") == NBSP


@pytest.mark.parametrize("lang, text, needle", [
    ("fr", "Intervalle à 95 %", "percent written ' '"),
    ("fr", "Cible : 30 minutes", "U+00A0 goes before :"),
    ("fr", "un taux ; un autre", "U+202F goes before ;"),
    ("fr", "Vraiment ?", "U+202F goes before ?"),
    ("fr", "« proche »", "inside guillemets"),
    ("fr", "l'équipe", "straight apostrophe"),
    ("en", "within 80 % of cases", "Babel prints ''"),
    ("ru", "80% за 20 секунд", "Babel prints '\\xa0'"),
    ("ru", 'статус "почти"', "straight double quotes"),
])
def test_the_check_catches_each_kind_of_slip(lang, text, needle):
    problems = _problems(lang, [("fixture", _prose(text))])
    assert any(needle in p for p in problems), problems


def test_code_and_markdown_are_not_prose():
    ok = "sous la forme path:line: error: message, voir [la page](x.md#a:b) et `a ; b`"
    assert _problems("fr", [("fixture", _prose(ok))]) == []
    assert _prose('!!! tip "Un test d\u2019engagement"') == "Un test d\u2019engagement"
