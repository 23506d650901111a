"""Checking a YAML mapping against its declared schema, one diagnostic per problem."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from cssite.errors import Diagnostics
from cssite.i18n.languages import known as known_language
from cssite.model import Period, Text
from cssite.schema import (
    ITEM_ID_RE,
    METRIC_ID_RE,
    SLUG_RE,
    SUPPORTED_LANGUAGES,
    Field,
    Schema,
)
from cssite.yamlio import LineDict, LineList


# No count, duration, score or target comes near this; far above it, numbers lose their digits (floats) and
# formatting them is no longer exact, so a value beyond it is refused where it is written.
MAX_MAGNITUDE = 1e15
TOO_LARGE = "is too large (cssite takes numbers up to 10^15 in size)"
# Python-Markdown reads a link by scanning from each '[' to its ']' (and from '](' to its ')'): a text with
# thousands of brackets that never close takes minutes (20,000 '[' in a summary: 278 s). No summary or
# guidance page needs anywhere near these; beyond them the text is refused where it is written.
MAX_SUMMARY_CHARS, MAX_SUMMARY_BRACKETS = 20_000, 200
MAX_PAGE_CHARS, MAX_PAGE_BRACKETS, MAX_UNCLOSED = 300_000, 3_000, 50


def markdown_problem(s: str, max_chars: int, max_brackets: int) -> str | None:
    """Why Markdown `s` is refused (too long, too many brackets, too many that never close), or None."""
    if len(s) > max_chars:
        return f"is {len(s):,} characters long; the most cssite takes is {max_chars:,}"
    brackets = unclosed = depth = i = 0
    while i < len(s):
        ch = s[i]
        if ch == "\\":  # an escaped bracket is text to Markdown: it costs nothing
            i += 2
            continue
        if ch == "[":
            brackets += 1
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif ch == "\n" and i + 1 < len(s) and s[i + 1] == "\n":  # a blank line ends every open link
            unclosed, depth = unclosed + depth, 0
        i += 1
    unclosed += depth
    if brackets > max_brackets:
        return (f"has {brackets:,} '[' (at most {max_brackets:,}): Markdown reads each as a possible link, "
                "which would take minutes; write fewer, or \\[ for a bracket that is text")
    if unclosed > MAX_UNCLOSED:
        return (f"has {unclosed:,} '[' that never close (at most {MAX_UNCLOSED}): Markdown searches the rest of the "
                "text for each; close them, or write \\[ for a bracket that is text")
    return None


_KIND_WORDS = {
    "text": "a string or a mapping of language code to string",
    "markdown": "a string or a mapping of language code to string",
    "string": "a string",
    "slug": "a lowercase id ([a-z0-9][a-z0-9-]*)",
    "item_id": "an id (a letter, then letters, digits, _ or -)",
    "metric_id": "a metric id",
    "quarter": "a quarter like 2026-Q3",
    "kpi_period": "a period like 2026-Q3 or 2026-07",
    "number": "a number",
    "int": "a whole number",
    "date": "an ISO date like 2026-12-31",
    "bool": "true or false",
    "enum": "one of",
    "language_list": "a list of language codes",
    "language": "a language code",
    "list_of": "a list",
    "mapping": "a mapping",
    "id_list": "a list of ids",
    "metric_list": "a list of metric ids",
    "team_targets": "a mapping of team id to number",
    "string_map": "a mapping of strings",
}


def did_you_mean(name: str, choices) -> str:
    """` (did you mean 'csat'?)` when a close spelling exists, else ''."""
    import difflib

    by_lower = {c.lower(): c for c in choices}
    if name.lower() in by_lower:
        return f" (did you mean '{by_lower[name.lower()]}'?)"
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.75)
    return f" (did you mean '{by_lower[close[0]]}'?)" if close else ""


def describe(f: Field) -> str:
    """How a field's expected value reads in an error message."""
    if f.kind == "enum":
        return "one of " + ", ".join(f.choices)
    return _KIND_WORDS[f.kind]


class Checker:
    """Validates values of one file; every problem goes to `diags` with its line."""

    def __init__(self, path: Path, diags: Diagnostics, default_lang: str = "en",
                 languages: tuple[str, ...] | None = None) -> None:
        self.path = path
        self.diags = diags
        self.default_lang = default_lang
        self.languages = languages  # the project's; a text in another language is never shown
        self.rel = diags.relative(path)  # once per file: resolving paths per text value adds up

    def error(self, line: int, message: str) -> None:
        self.diags.error(self.path, line, message)

    def mapping(self, data, schema: Schema, line: int, where: str = "") -> dict | None:
        """Check `data` against `schema`; return {field: converted value} or None if unusable."""
        label = f"{where}: " if where else ""
        if not isinstance(data, LineDict):
            self.error(getattr(data, "line", line), f"{label}expected a mapping of keys to values, got {_kind_of(data)}")
            return None
        out: dict = {"__lines__": data.lines}  # so cross-checks can point at the exact key
        for key in data:
            if schema.field(str(key)) is None:
                known = ", ".join(f.name for f in schema.fields)
                hint = did_you_mean(str(key), [f.name for f in schema.fields])
                self.error(data.line_of(key), f"{label}unknown key '{key}'" + (hint or f" (expected one of: {known})"))
        for f in schema.fields:
            if f.name not in data or data[f.name] is None:
                if f.required:
                    self.error(data.line, f"{label}missing required field '{f.name}' ({describe(f)})")
                continue
            value = self.value(data[f.name], f, data.line_of(f.name), label)
            if value is not None:
                out[f.name] = value
        return out

    def value(self, v, f: Field, line: int, label: str = ""):
        """Convert one value of kind `f.kind`, or report it and return None."""
        bad = lambda: self.error(line, f"{label}'{f.name}' must be {describe(f)}, got {_show(v)}")  # noqa: E731
        k = f.kind
        if k == "markdown":
            got = self.text(v, line, f"{label}'{f.name}'")
            for lang, s in (got.values.items() if got is not None else ()):
                why = markdown_problem(s, MAX_SUMMARY_CHARS, MAX_SUMMARY_BRACKETS)
                if why:
                    where = v.line_of(lang) if isinstance(v, LineDict) else line
                    self.error(where, f"{label}'{f.name}'{'.' + lang if isinstance(v, LineDict) else ''} {why}")
                    got = None
            return got
        if k == "text":
            return self.text(v, line, f"{label}'{f.name}'")
        if k == "string":
            if isinstance(v, (str, int, float)) and not isinstance(v, bool):
                return str(v)
            return bad()
        if k in ("slug", "item_id", "metric_id"):
            pattern = {"slug": SLUG_RE, "item_id": ITEM_ID_RE, "metric_id": METRIC_ID_RE}[k]
            if isinstance(v, str) and pattern.match(v):
                return v
            return bad()
        if k in ("quarter", "kpi_period"):
            p = Period.parse(v) if isinstance(v, str) else None
            if p is None or (k == "quarter" and p.kind != "quarter"):
                return bad()
            return p
        if k in ("number", "int"):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or (k == "int" and not isinstance(v, int)):
                return bad()
            if not math.isfinite(v):  # YAML reads .nan and .inf as numbers
                return bad()
            if abs(v) > MAX_MAGNITUDE:
                self.error(line, f"{label}'{f.name}' {TOO_LARGE}, got {v:g}")
                return None
            if (f.low is not None and v < f.low) or (f.high is not None and v > f.high):
                rng = f"from {f.low:g} to {f.high:g}" if f.high is not None else f"at least {f.low:g}"
                self.error(line, f"{label}'{f.name}' must be {rng}, got {v}")
                return None
            return v
        if k == "date":
            if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                return v
            return bad()
        if k == "bool":
            return v if isinstance(v, bool) else bad()
        if k == "enum":
            return v if v in f.choices else bad()
        if k == "mapping":
            return self.mapping(v, f.children, line, f"{label}{f.name}")
        if k == "language":
            if known_language(v):
                return v
            self.error(line, f"{label}'{f.name}': {_unknown_language(v)}")
            return None
        if k in ("language_list", "id_list", "metric_list", "list_of"):
            if not isinstance(v, LineList):
                return bad()
            if len(v) < f.min_items:
                self.error(line, f"{label}'{f.name}' needs at least {f.min_items} entr{'y' if f.min_items == 1 else 'ies'}")
                return None
            if k == "list_of":
                checked = ((self.mapping(x, f.children, ln, _entry_label(f.name, i, x)), ln)
                           for i, (x, ln) in enumerate(zip(v, v.lines)))
                return [(x, ln) for x, ln in checked if x is not None]
            item_kind = {"language_list": "language", "id_list": "item_id", "metric_list": "metric_id"}[k]
            inner = Field(f.name, item_kind, choices=f.choices)
            out = [self.value(x, inner, ln, label) for x, ln in zip(v, v.lines)]
            return tuple(x for x in out if x is not None)
        if k in ("team_targets", "string_map"):
            if not isinstance(v, LineDict):
                return bad()
            out = {}
            for key, val in v.items():
                ok = (isinstance(val, (int, float)) and not isinstance(val, bool) and math.isfinite(val)) if k == "team_targets" else isinstance(val, (str, int))
                if not ok:
                    self.error(v.line_of(key), f"{label}'{f.name}.{key}' must be {'a number' if k == 'team_targets' else 'a string'}, got {_show(val)}")
                else:
                    out[str(key)] = val if k == "team_targets" else str(val)
            return out
        raise AssertionError(f"unknown field kind {k}")  # a bug in the schema, not user input

    def text(self, v, line: int, what: str) -> Text | None:
        """A string (default language) or {lang: string}."""
        rel = self.rel
        if isinstance(v, (str, int, float)) and not isinstance(v, bool):
            s = str(v).strip()
            if not s:
                self.error(line, f"{what} is empty")
                return None
            return Text({self.default_lang: s}, rel, line)
        if isinstance(v, LineDict):
            values = {}
            for lang, s in v.items():
                if not known_language(lang):
                    self.error(v.line_of(lang), f"{what}: {_unknown_language(lang)}")
                elif not isinstance(s, str) or not s.strip():
                    self.error(v.line_of(lang), f"{what}.{lang} must be a non-empty string, got {_show(s)}")
                else:
                    values[lang] = s.strip()
                    if self.languages is not None and lang not in self.languages:
                        self.diags.warning(self.path, v.line_of(lang),
                                           f"{what}.{lang}: '{lang}' is not in the languages of config/cssite.yml "
                                           f"({', '.join(self.languages)}), so this text is never shown")
            return Text(values, rel, line) if values else None
        self.error(line, f"{what} must be a string or a mapping of language code to string, got {_show(v)}")
        return None


def _unknown_language(code) -> str:
    return (f"unknown language {_show(code)} (a language code Babel knows, such as de, es or pt-BR; "
            f"cssite has its own words for {', '.join(SUPPORTED_LANGUAGES)})")


def _entry_label(list_name: str, index: int, entry) -> str:
    """`objectives G1` when the entry has a usable id, else `objectives[1]`."""
    entry_id = entry.get("id") if isinstance(entry, LineDict) else None
    if isinstance(entry_id, str) and (ITEM_ID_RE.match(entry_id) or SLUG_RE.match(entry_id)):
        return f"{list_name} {entry_id}"
    return f"{list_name}[{index + 1}]"


def _kind_of(v) -> str:
    if isinstance(v, LineList) or isinstance(v, list):
        return "a list"
    if v is None:
        return "nothing"
    if isinstance(v, str):
        return f"the string '{v}'"
    return f"{type(v).__name__} {v!r}"


def _show(v) -> str:
    if isinstance(v, (LineDict, dict)):
        return "a mapping"
    if isinstance(v, (LineList, list)):
        return "a list"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, dt.date):
        return v.isoformat()
    return f"'{v}'" if isinstance(v, str) else repr(v)
