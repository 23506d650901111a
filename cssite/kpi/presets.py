"""Presets: which column holds each ticket field, and what its values mean.

A preset is data (`cssite/data/presets/<name>.yml`), not code: a user copies one,
edits it and passes its path. `--map FIELD=COLUMN` overrides one field.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path

from cssite.errors import Diagnostics, OptionError
from cssite.kpi.errors import ExportError
from cssite.yamlio import LineDict, LineList, load_yaml

# The fields an export can provide, by the names `--map` and presets use.
FIELDS = (
    "id", "created_at", "updated_at", "first_reply_at", "first_reply_minutes", "solved_at",
    "resolution_minutes", "status", "team", "channel", "replies", "reopens", "sla_met",
    "csat_rating", "nps_score", "ces_score",
)
DATE_FIELDS = frozenset({"created_at", "updated_at", "first_reply_at", "solved_at"})
NUMBER_FIELDS = frozenset({"first_reply_minutes", "resolution_minutes", "replies", "reopens"})
# Few distinct values: read dictionary-encoded and interpreted value by value.
CODED_FIELDS = frozenset({"status", "team", "channel", "sla_met", "csat_rating", "nps_score", "ces_score"})

_KEYS = ("name", "description", "columns", "required", "statuses", "ratings", "sla", "dates", "event_log")


@dataclass(frozen=True)
class Ratings:
    """How csat_rating values read: words (compared lowercased) or numbers 1..scale."""

    good: frozenset[str] = frozenset()
    bad: frozenset[str] = frozenset()
    offered: frozenset[str] = frozenset()  # surveyed but not rated
    not_offered: frozenset[str] = frozenset()
    scale: int = 5
    good_from: int = 4


@dataclass(frozen=True)
class Preset:
    name: str
    columns: dict[str, tuple[str, ...]]  # field -> headers to try, in order
    required: frozenset[str] = frozenset()  # fields whose column must be present
    description: str = ""
    solved: frozenset[str] = frozenset()
    ignored: frozenset[str] = frozenset()
    ratings: Ratings = Ratings()
    sla_met: frozenset[str] = frozenset()
    sla_breached: frozenset[str] = frozenset()
    date_format: str | None = None
    day_first: bool = True
    event_log: bool = False
    origin: str = ""  # where it was loaded from, for messages
    mapped: dict[str, str] = field(default_factory=dict)  # --map overrides, for messages

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
    if not path.is_file():
        raise OptionError(f"preset file '{spec}' not found (built-in presets: {', '.join(builtin_names())})")
    return _parse(path, str(spec))


def with_mapping(preset: Preset, mapping: dict[str, str], where: str = "--map") -> Preset:
    """The preset with `mapping` (field -> column) applied; an empty column unmaps the field."""
    columns, required, mapped = dict(preset.columns), set(preset.required), dict(preset.mapped)
    for f, col in mapping.items():
        if f not in FIELDS:
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


def _parse(path: Path, label: str) -> Preset:
    diags = Diagnostics()
    data = load_yaml(path, diags)
    if diags.errors:
        d = diags.errors[0]
        raise ExportError(d.message, path, d.line)

    def fail(line: int, message: str):
        raise ExportError(message, path, line)

    if not isinstance(data, LineDict):
        fail(1, "a preset is a mapping with keys " + ", ".join(_KEYS))
    for k in data:
        if k not in _KEYS:
            fail(data.line_of(k), f"unknown key '{k}' (expected one of: {', '.join(_KEYS)})")

    def words(d: LineDict, key: str) -> frozenset[str]:
        v = d.get(key)
        if v is None:
            return frozenset()
        if not isinstance(v, LineList):
            fail(d.line_of(key), f"'{key}' must be a list of values")
        return frozenset(str(x).strip().lower() for x in v if x is not None)

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
        if f not in FIELDS:
            fail(cols.line_of(f), f"unknown field '{f}' (fields: {', '.join(FIELDS)})")
        names = list(v) if isinstance(v, LineList) else [v]
        if not names or not all(isinstance(n, (str, int)) and str(n).strip() for n in names):
            fail(cols.line_of(f), f"'{f}' must be a column header or a list of them")
        columns[f] = tuple(str(n).strip() for n in names)
    required = words(data, "required")
    for f in required:
        if f not in columns:
            fail(data.line_of("required"), f"required field '{f}' has no column under 'columns'")

    st, rt, sla, dates = section("statuses"), section("ratings"), section("sla"), section("dates")
    scale, good_from = rt.get("scale", 5), rt.get("good_from", 4)
    if not isinstance(scale, int) or not isinstance(good_from, int) or not 1 <= good_from <= scale:
        fail(rt.line_of("scale"), "ratings: 'scale' and 'good_from' must be whole numbers, 1 ≤ good_from ≤ scale")
    fmt = dates.get("format")
    if fmt is not None and not isinstance(fmt, str):
        fail(dates.line_of("format"), "dates: 'format' must be a strptime format such as \"%d-%m-%Y %H:%M\"")
    day_first = dates.get("day_first", True)
    event_log = data.get("event_log", False)
    if not isinstance(day_first, bool) or not isinstance(event_log, bool):
        fail(data.line, "'dates.day_first' and 'event_log' must be true or false")
    if event_log and "updated_at" not in columns:
        fail(data.line_of("event_log"), "an event log needs an 'updated_at' column to find each ticket's latest row")
    return Preset(
        name=str(data.get("name") or Path(label).stem), columns=columns, required=required,
        description=str(data.get("description") or ""),
        solved=words(st, "solved"), ignored=words(st, "ignored"),
        ratings=Ratings(words(rt, "good"), words(rt, "bad"), words(rt, "offered"), words(rt, "not_offered"),
                        scale, good_from),
        sla_met=words(sla, "met"), sla_breached=words(sla, "breached"),
        date_format=fmt or None, day_first=day_first, event_log=event_log, origin=label,
    )
