"""Do the guidance pages of every language say the same thing?

Each page is cut into sections at its `##`/`###` headings, each of which carries an explicit
id (`## Title {#id}`); the text before the first heading is the section `(intro)`. Two languages
agree on a page when they have the same section ids and, section by section, the same set of
numbers (figures, thresholds, the constants of formulas). Numbers are read with the decimal and
group symbols of the page's own language (Babel), so `12,6 %` in French, `1 000` with a no-break
space in Russian and `12.6%` in Chinese are all the number 12.6. Signs and units are ignored:
`−100 to +100` is {100}, `9–10` is {9, 10}.

Words are not compared, so a structural count written as a word ("three reasons", «trois
raisons», 三个原因) is outside the check; figures that are facts are written in digits in every
language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale

INTRO = "(intro)"

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{2,6})\s+(.*?)\s*$")
_ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")
_ID = re.compile(r"#([A-Za-z0-9_:.-]+)")
# Text that carries numbers no reader sees as figures: link targets, attribute lists, HTML tags,
# ordered-list markers.
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_ATTR_LIST = re.compile(r"\{[:#.][^{}]*\}")
_TAG = re.compile(r"<[^>]+>")
_HTML_ENTITY = re.compile(r"&#?\w+;")
_LIST_MARKER = re.compile(r"^\s*\d+[.)]\s+")  # "1. " numbers list items, it states nothing


@dataclass
class Section:
    id: str
    title: str
    line: int
    numbers: set[Decimal] = field(default_factory=set)


@dataclass
class Problem:
    page: str
    section: str
    lang: str
    message: str

    def __str__(self) -> str:
        where = self.page if not self.section else f"{self.page} § {self.section}"
        return f"{where}: {self.lang}: {self.message}"


@lru_cache(maxsize=None)
def _number_pattern(lang: str) -> re.Pattern:
    """Digits, with the language's group separator between thousands and its decimal mark.

    A dot is accepted as the decimal mark in every language, because product and version names
    keep it (`CES 2.0`, `ISO 9001`); commas are decimal marks only where the language says so.
    """
    symbols = Locale.parse(lang).number_symbols.get("latn", {})
    decimal = symbols.get("decimal", ".")
    group = symbols.get("group", ",")
    groups = {group}
    if group in ("\u202f", "\u00a0", " "):  # a space-like separator: writers use any of the three
        groups |= {"\u202f", "\u00a0", " "}
    marks = {".", decimal}
    g = "[" + "".join(re.escape(c) for c in sorted(groups)) + "]"
    d = "[" + "".join(re.escape(c) for c in sorted(marks)) + "]"
    return re.compile(rf"(?<![0-9A-Za-z_.,])\d{{1,3}}(?:{g}\d{{3}})+(?:{d}\d+)?(?!\d)|(?<![\d.,])\d+(?:{d}\d+)?(?!\d)")


def numbers(text: str, lang: str) -> set[Decimal]:
    """Every number written in `text`, as read by a reader of `lang`."""
    text = _LIST_MARKER.sub("", text)
    text = _LINK_TARGET.sub("]", text)
    text = _ATTR_LIST.sub("", text)
    text = _TAG.sub(" ", text)
    text = _HTML_ENTITY.sub(" ", text)
    symbols = Locale.parse(lang).number_symbols.get("latn", {})
    decimal = symbols.get("decimal", ".")
    out: set[Decimal] = set()
    for match in _number_pattern(lang).finditer(text):
        token = match.group(0)
        for space in ("\u202f", "\u00a0", " "):
            token = token.replace(space, "")
        if decimal != ",":
            token = token.replace(",", "")  # en/zh group separator
        else:
            # fr/ru/et: a comma is the decimal mark; a dot is one too (version names).
            token = token.replace(",", ".")
        try:
            out.add(Decimal(token).normalize())
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            continue
    return out


def outline(markdown: str, lang: str) -> tuple[list[Section], list[str]]:
    """The page's sections in order, and the problems of the page on its own (headings without id, duplicates)."""
    sections = [Section(INTRO, "", 1)]
    problems: list[str] = []
    seen: dict[str, int] = {}
    in_fence = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading is None:
            sections[-1].numbers |= numbers(line, lang)
            continue
        title = heading.group(2)
        attrs = _ATTRS.search(title)
        ids = _ID.findall(attrs.group(1)) if attrs else []
        if attrs:
            title = title[: attrs.start()]
        if not ids:
            problems.append(f"line {number}: heading {title!r} has no explicit id ({{#id}})")
            sid = f"(line {number})"
        else:
            sid = ids[0]
            if sid in seen:
                problems.append(f"line {number}: heading id #{sid} is used twice (first on line {seen[sid]})")
            seen[sid] = number
        section = Section(sid, title, number)
        section.numbers |= numbers(title, lang)
        sections.append(section)
    return sections, problems


def _fmt(values: set[Decimal]) -> str:
    return ", ".join(format(v, "f") for v in sorted(values))


def compare(pages: dict[str, dict[str, str]], reference: str = "en",
            languages: list[str] | None = None) -> list[Problem]:
    """Every way the guidance `pages` ({lang: {page name: markdown}}) differ from the `reference` language.

    `languages` limits the check to some languages (the reference is always checked on its own).
    """
    langs = [reference] + [lang for lang in (languages or sorted(pages)) if lang != reference]
    problems: list[Problem] = []
    ref_pages = pages.get(reference, {})
    for name in sorted(ref_pages):
        ref, own = outline(ref_pages[name], reference)
        problems += [Problem(name, "", reference, p) for p in own]
        ref_ids = [s.id for s in ref]
        ref_by_id = {s.id: s for s in ref}
        for lang in langs[1:]:
            text = pages.get(lang, {}).get(name)
            if text is None:
                problems.append(Problem(name, "", lang, "page is missing"))
                continue
            secs, own = outline(text, lang)
            problems += [Problem(name, "", lang, p) for p in own]
            by_id = {s.id: s for s in secs}
            for sid in ref_ids:
                if sid not in by_id:
                    problems.append(Problem(name, sid, lang, f"section is missing (heading {ref_by_id[sid].title!r} in {reference})"))
            for s in secs:
                if s.id not in ref_by_id:
                    problems.append(Problem(name, s.id, lang, f"section (line {s.line}) is not in {reference}"))
                    continue
                want = ref_by_id[s.id].numbers
                lacking, extra = want - s.numbers, s.numbers - want
                if lacking or extra:
                    parts = []
                    if lacking:
                        parts.append(f"missing {_fmt(lacking)}")
                    if extra:
                        parts.append(f"not in {reference}: {_fmt(extra)}")
                    problems.append(Problem(name, s.id, lang, f"numbers differ from {reference} (line {s.line}): "
                                            + "; ".join(parts)))
    for lang in langs[1:]:
        for name in sorted(set(pages.get(lang, {})) - set(ref_pages)):
            problems.append(Problem(name, "", lang, f"page is not in {reference}"))
    return problems
