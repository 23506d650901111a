"""Presets: which column holds each ticket field, and what its values mean.

A preset is data (`cssite/data/presets/<name>.yml`), not code: a user copies one,
edits it and passes its path. `--map FIELD=COLUMN` overrides one field's column,
`--value FIELD:VALUE=MEANING` one value's meaning, `--date-format` the date layout.

The fields themselves are declared once, here (`FIELD_SPECS`): their kind, what
their values may mean, and the help text `cssite kpi --help` and the Reference show.
"""

from __future__ import annotations

import os

import json
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path

from cssite.errors import Diagnostics, InputError, OptionError
from cssite.yamlio import LineDict, LineList, load_yaml


@dataclass(frozen=True)
class FieldSpec:
    """One field an export can provide, by the name `--map` and presets use."""

    name: str
    kind: str  # "id" | "date" | "number" | "coded"
    help: str
    meanings: tuple[str, ...] = ()  # what `--value FIELD:VALUE=MEANING` may say a value means
    high: float | None = None  # numbers above this are absurd: dropped and counted


_IGNORE = ("ignore",)
_YEAR_MINUTES = 365 * 24 * 60
FIELD_SPECS = (
    FieldSpec("id", "id", "ticket or call id (one row per ticket, or many in an event log)"),
    FieldSpec("created_at", "date", "creation time: decides the period"),
    FieldSpec("updated_at", "date", "last update: with repeated ids, the latest row of each ticket wins"),
    FieldSpec("first_reply_at", "date", "time of the first public agent reply"),
    FieldSpec("first_reply_minutes", "number", "calendar minutes to the first reply", high=10 * _YEAR_MINUTES),
    FieldSpec("first_reply_business_minutes", "number", "business-hours minutes to the first reply",
              high=10 * _YEAR_MINUTES),
    FieldSpec("solved_at", "date", "time the ticket was solved (used only when its status is solved)"),
    FieldSpec("resolution_minutes", "number", "calendar minutes from creation to solved", high=10 * _YEAR_MINUTES),
    FieldSpec("resolution_business_minutes", "number", "business-hours minutes from creation to solved",
              high=10 * _YEAR_MINUTES),
    FieldSpec("status", "coded", "status at export time", ("solved", "open", "ignore")),
    FieldSpec("team", "coded", "group or queue, mapped to team ids with --team-map", _IGNORE),
    FieldSpec("channel", "coded", "channel (email, chat, phone …); read for checks, no metric uses it", _IGNORE),
    FieldSpec("replies", "number", "public agent replies (FCR proxy)", high=100_000),
    FieldSpec("reopens", "number", "times reopened", high=100_000),
    FieldSpec("sla_met", "coded", "SLA outcome", ("met", "breached", "ignore")),
    FieldSpec("csat_rating", "coded", "satisfaction rating (words or 1–5)",
              ("good", "bad", "offered", "not_offered", "ignore")),
    FieldSpec("nps_score", "coded", "0–10 likelihood to recommend", _IGNORE),
    FieldSpec("ces_score", "coded", "1–7 customer effort (CES 2.0)", _IGNORE),
    FieldSpec("queue_seconds", "number", "seconds a call waited in the queue", high=7 * 24 * 3600),
    FieldSpec("handle_seconds", "number", "talk + hold + after-call work of a call, seconds", high=7 * 24 * 3600),
    FieldSpec("outcome", "coded", "what became of a call", ("answered", "abandoned", "ignore")),
)
SPEC = {f.name: f for f in FIELD_SPECS}
FIELDS = tuple(SPEC)
DATE_FIELDS = frozenset(f.name for f in FIELD_SPECS if f.kind == "date")
NUMBER_FIELDS = frozenset(f.name for f in FIELD_SPECS if f.kind == "number")
# Few distinct values: read dictionary-encoded and interpreted value by value.
CODED_FIELDS = frozenset(f.name for f in FIELD_SPECS if f.kind == "coded")

_KEYS = ("name", "description", "rows", "columns", "required", "statuses", "ratings", "sla", "outcomes", "dates",
         "event_log")
# Preset sections: section -> (field, {key in the section: meaning}).
_SECTIONS = {
    "statuses": ("status", {"solved": "solved", "open": "open", "ignored": "ignore"}),
    "ratings": ("csat_rating", {"good": "good", "bad": "bad", "offered": "offered", "not_offered": "not_offered"}),
    "sla": ("sla_met", {"met": "met", "breached": "breached"}),
    "outcomes": ("outcome", {"answered": "answered", "abandoned": "abandoned", "ignored": "ignore"}),
}


def fields_help() -> str:
    """`--help` text listing every field with what it holds."""
    return "; ".join(f"{f.name} ({f.help})" for f in FIELD_SPECS)


@dataclass(frozen=True)
class Preset:
    name: str
    columns: dict[str, tuple[str, ...]]  # field -> headers to try, in order ("A+B" joins two columns)
    required: frozenset[str] = frozenset()  # fields whose column must be present
    description: str = ""
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> {value lowercased: meaning}
    scale: int = 5  # csat ratings given as numbers 1..scale …
    good_from: int = 4  # … are good from this one up
    date_format: str | None = None
    day_first: bool | None = None  # None: an ambiguous dd/mm or mm/dd column is refused
    origin: str = ""  # where it was loaded from, for messages
    mapped: dict[str, str] = field(default_factory=dict)  # --map overrides, for messages
    declared: frozenset[tuple[str, str]] = frozenset()  # (field, value) set by --value, for messages
    # "responses": each row is a survey answer, even with an id column (the id only finds re-exported
    # duplicates; no ticket volume or backlog). "": tickets, or calls when there is an outcome column.
    rows: str = ""

    def meaning(self, field_name: str, value: str) -> str | None:
        return self.values.get(field_name, {}).get(value.strip().casefold())

    def fingerprint(self) -> str:
        """A stable text of everything that changes results (for the cache key)."""
        d = asdict(self)
        d.pop("origin")
        return json.dumps(d, sort_keys=True, default=sorted)


def builtin_names() -> list[str]:
    return sorted(p.name[:-4] for p in resources.files("cssite").joinpath("data", "presets").iterdir()
                  if p.name.endswith(".yml"))


def load_preset(spec: str, base: Path | None = None) -> Preset:
    """A built-in preset by name (`zendesk`), or a preset file by path (relative to `base`)."""
    looks_like_path = "/" in spec or "\\" in spec or spec.endswith((".yml", ".yaml"))
    if not looks_like_path:
        if spec not in builtin_names():
            raise OptionError(f"unknown preset '{spec}' (built-in: {', '.join(builtin_names())}; "
                              "or the path of a preset .yml file)")
        with resources.as_file(resources.files("cssite").joinpath("data", "presets", f"{spec}.yml")) as p:
            return _parse(Path(p), spec)
    path = Path(spec) if base is None else Path(base) / spec
    if not os.path.isfile(path):  # (False, not an exception, for a name too long to look up)
        raise OptionError(f"preset file '{spec}' not found (built-in presets: {', '.join(builtin_names())})")
    return _parse(path, str(spec))


def with_mapping(preset: Preset, mapping: dict[str, str], where: str = "--map") -> Preset:
    """The preset with `mapping` (field -> column, or COL1+COL2) applied; an empty column unmaps the field."""
    columns, required, mapped = dict(preset.columns), set(preset.required), dict(preset.mapped)
    for f, col in mapping.items():
        if f not in SPEC:
            raise OptionError(f"unknown field '{f}' in {where} (fields: {', '.join(FIELDS)})")
        col = str(col).strip()
        if col:
            columns[f] = (col,)
            required.add(f)  # a column the user named must be there
            mapped[f] = col
        else:
            columns.pop(f, None)
            required.discard(f)
    return replace(preset, columns=columns, required=frozenset(required), mapped=mapped)


def with_values(preset: Preset, values: dict[tuple[str, str], str], where: str = "--value") -> Preset:
    """The preset with `values` ((field, value) -> meaning) applied: `--value "status:Done=solved"`."""
    if not values:
        return preset
    out = {f: dict(v) for f, v in preset.values.items()}
    declared = set(preset.declared)
    for (f, value), meaning in values.items():
        spec = SPEC.get(f)
        if spec is None:
            raise OptionError(f"unknown field '{f}' in {where} '{f}:{value}={meaning}' (fields: {', '.join(FIELDS)})")
        if not spec.meanings:
            raise OptionError(f"{where} '{f}:{value}={meaning}': field {f} holds {spec.kind}s, not coded values "
                              "(--value applies to: " + ", ".join(sorted(CODED_FIELDS)) + ")")
        meaning = normalise_meaning(meaning)
        if meaning not in spec.meanings:
            raise OptionError(f"{where} '{f}:{value}={meaning}': a {f} value can mean "
                              f"{', '.join(spec.meanings)}")
        out.setdefault(f, {})[value.strip().casefold()] = meaning
        declared.add((f, value.strip().casefold()))
    return replace(preset, values=out, declared=frozenset(declared))


def normalise_meaning(meaning: str) -> str:
    m = "_".join(meaning.strip().casefold().replace("-", " ").split())
    return {"ignored": "ignore", "notoffered": "not_offered", "unoffered": "not_offered"}.get(m, m)


def _parse(path: Path, label: str) -> Preset:
    diags = Diagnostics()
    data = load_yaml(path, diags)
    if diags.errors:
        d = diags.errors[0]
        raise InputError(d.message, path, d.line)

    def fail(line: int, message: str):
        raise InputError(message, path, line)

    if not isinstance(data, LineDict):
        fail(1, "a preset is a mapping with keys " + ", ".join(_KEYS))
    for k in data:
        if k not in _KEYS:
            fail(data.line_of(k), f"unknown key '{k}' (expected one of: {', '.join(_KEYS)})")

    def words(d: LineDict, key: str) -> list[str]:
        v = d.get(key)
        if v is None:
            return []
        if not isinstance(v, LineList):
            fail(d.line_of(key), f"'{key}' must be a list of values")
        return [str(x).strip().casefold() for x in v if x is not None]

    def section(key: str) -> LineDict:
        v = data.get(key)
        if v is None:
            return LineDict()
        if not isinstance(v, LineDict):
            fail(data.line_of(key), f"'{key}' must be a mapping")
        return v

    cols = data.get("columns")
    if not isinstance(cols, LineDict) or not cols:
        fail(data.line_of("columns"), "'columns' must map fields to column headers")
    columns: dict[str, tuple[str, ...]] = {}
    for f, v in cols.items():
        if f not in SPEC:
            fail(cols.line_of(f), f"unknown field '{f}' (fields: {', '.join(FIELDS)})")
        names = list(v) if isinstance(v, LineList) else [v]
        if not names or not all(isinstance(n, (str, int)) and str(n).strip() for n in names):
            fail(cols.line_of(f), f"'{f}' must be a column header or a list of them")
        columns[f] = tuple(str(n).strip() for n in names)
    required = frozenset(words(data, "required"))
    for f in required:
        if f not in columns:
            fail(data.line_of("required"), f"required field '{f}' has no column under 'columns'")

    values: dict[str, dict[str, str]] = {}
    for key, (f, meanings) in _SECTIONS.items():
        sec = section(key)
        for k in sec:
            if k not in meanings and not (key == "ratings" and k in ("scale", "good_from")):
                fail(sec.line_of(k), f"{key}: unknown key '{k}' (expected one of: {', '.join(meanings)})")
        for k, meaning in meanings.items():
            for w in words(sec, k):
                values.setdefault(f, {})[w] = meaning
    rt, dates = section("ratings"), section("dates")
    scale, good_from = rt.get("scale", 5), rt.get("good_from", 4)
    if not isinstance(scale, int) or not isinstance(good_from, int) or not 1 <= good_from <= scale:
        fail(rt.line_of("scale"), "ratings: 'scale' and 'good_from' must be whole numbers, 1 ≤ good_from ≤ scale")
    fmt = dates.get("format")
    if fmt is not None and not (isinstance(fmt, str) and "%" in fmt):
        fail(dates.line_of("format"), "dates: 'format' must be a strptime format such as \"%d-%m-%Y %H:%M\"")
    day_first = dates.get("day_first")
    event_log = data.get("event_log", False)
    if day_first not in (None, True, False) or not isinstance(event_log, bool):
        fail(data.line, "'dates.day_first' must be true, false or empty, and 'event_log' true or false")
    rows = data.get("rows") or ""
    if rows not in ("", "tickets", "calls", "responses"):
        fail(data.line_of("rows"), "'rows' must be tickets, calls or responses")
    if event_log and "updated_at" not in columns:
        fail(data.line_of("event_log"), "an event log needs an 'updated_at' column to find each ticket's latest row")
    return Preset(
        name=str(data.get("name") or Path(label).stem), columns=columns, required=required,
        description=str(data.get("description") or ""), values=values, scale=scale, good_from=good_from,
        date_format=fmt or None, day_first=day_first, origin=label, rows="" if rows == "tickets" else rows,
    )
