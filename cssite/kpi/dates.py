"""Dates: one format per column, inferred from all its values, or a refusal that says which option settles it.

Parsing row by row guesses: `22-04-15` read alone is 15 April of the year 22, and
`03/04/2026` is March or April by coin toss. A column is read as a whole instead:

1. Its distinct *date parts* (the text before the time) are few even in a million
   rows, so every one of them is checked against every known layout.
2. The layout that reads the most of them as real calendar days wins. When two layouts fit equally well
   and read the values differently, the column is ambiguous: InputError names it,
   shows values and the layouts that fit, and asks for `--date-format`.
3. The whole column is then converted by Arrow with that one explicit format.

Two-digit years follow Python's `%y` (00–68 → 20xx, 69–99 → 19xx). A value that
has the layout's shape but is no calendar date (`2025-02-30`) is an error counted
per column; `0000-00-00` and dates before 1990 are placeholders (missing), as are
dates far beyond the export's last one (applied by the caller, which knows it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cssite.errors import InputError


EARLIEST = dt.datetime(1990, 1, 1)
EARLIEST_S = float((EARLIEST - dt.datetime(1970, 1, 1)).total_seconds())

# Layouts tried for the date part, in the order a tie between equal readings is settled.
DATE_LAYOUTS = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
    "%d-%m-%Y", "%m-%d-%Y", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y",
    "%d-%m-%y", "%m-%d-%y", "%y-%m-%d", "%d/%m/%y", "%m/%d/%y", "%y/%m/%d", "%d.%m.%y", "%y%m%d",
    "%d/%b/%y", "%d/%b/%Y", "%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%b %d %Y",
)
TIME_LAYOUTS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%I:%M:%S%p", "%I:%M%p", "%H:%M:%S%z", "%H:%M%z",
                "%H%M%S")
_TIME_RE = {  # the shape of each time layout, to order them by use without parsing row by row
    "%H:%M:%S": r"\d{1,2}:\d{2}:\d{2}", "%H:%M": r"\d{1,2}:\d{2}", "%I:%M:%S %p": r"\d{1,2}:\d{2}:\d{2} [AaPp][Mm]",
    "%I:%M %p": r"\d{1,2}:\d{2} [AaPp][Mm]", "%I:%M:%S%p": r"\d{1,2}:\d{2}:\d{2}[AaPp][Mm]",
    "%I:%M%p": r"\d{1,2}:\d{2}[AaPp][Mm]", "%H:%M:%S%z": r"\d{1,2}:\d{2}:\d{2}[+-]\d{2}:?\d{2}",
    "%H:%M%z": r"\d{1,2}:\d{2}[+-]\d{2}:?\d{2}", "%H%M%S": r"\d{6}",
}
_TIME_RE = {k: re.compile(v) for k, v in _TIME_RE.items()}
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}
_TOKEN = {"%Y": r"(?P<Y>\d{4})", "%y": r"(?P<y>\d{2})", "%m": r"(?P<m>\d{1,2})", "%d": r"(?P<d>\d{1,2})",
          "%b": r"(?P<b>[A-Za-z]{3})"}
_COMPACT = {"%m": r"(?P<m>\d{2})", "%d": r"(?P<d>\d{2})"}
# The date part of a value: up to the first space, or a T between digits (ISO 8601). Month-name layouts have spaces.
_PART_RE = re.compile(r"^\s*(\d{1,2} [A-Za-z]{3} \d{4}|[A-Za-z]{3} \d{1,2},? \d{4}|\S+?)(?=$|\s|(?<=\d)T\d)")
_SLICE = 14  # characters enough to hold any date part above


@dataclass
class DateColumn:
    """A parsed column: epoch seconds (NaN = missing), and what could not be used, by row."""

    seconds: np.ndarray
    layout: str | None  # the format used, e.g. "%d-%m-%y %H:%M"; None when nothing could be read
    unreadable: np.ndarray  # bool per row: a value no layout reads
    impossible: np.ndarray  # bool per row: the layout's shape, but no such day (2025-02-30)
    placeholder: np.ndarray  # bool per row: 0000-00-00 or before 1990 (treated as missing)
    notes: list[str] = field(default_factory=list)
    # The clock time as written (the UTC offset dropped), when values carry offsets: `seconds` are the
    # instants (durations between two zoned times are right across offsets and DST), `local` says which
    # day, month and quarter the export's own clock put the event in (as the helpdesk's reports do).
    local: np.ndarray | None = None


@dataclass(frozen=True)
class _Layout:
    fmt: str
    rx: re.Pattern

    def read(self, part: str) -> tuple[int, int, int] | None:
        """(year, month, day) if `part` has this layout's shape (the day may still not exist), else None."""
        m = self.rx.fullmatch(part.replace(",", ""))
        if m is None:
            return None
        g = m.groupdict()
        if "b" in g:
            month = _MONTHS.get(g["b"].casefold())
            if month is None:
                return None
        else:
            month = int(g["m"])
        year = int(g["Y"]) if "Y" in g else (2000 + int(g["y"]) if int(g["y"]) < 69 else 1900 + int(g["y"]))
        return year, month, int(g["d"])


def layout(fmt: str) -> _Layout | None:
    """A layout for a strftime date format made of %Y %y %m %d %b and literals; None for anything else."""
    compact = not re.search(r"[^%A-Za-z]", fmt.replace("%", ""))  # %Y%m%d: fixed widths
    out, i = "", 0
    while i < len(fmt):
        tok = fmt[i:i + 2]
        if tok.startswith("%"):
            if tok not in _TOKEN:
                return None
            out += _COMPACT.get(tok, _TOKEN[tok]) if compact else _TOKEN[tok]
            i += 2
        else:
            out += r"\s+" if fmt[i] == " " else re.escape(fmt[i])
            i += 1
    return _Layout(fmt, re.compile(out, re.IGNORECASE))


_LAYOUTS = tuple(layout(f) for f in DATE_LAYOUTS)


def _in_range(ymd: tuple[int, int, int] | None) -> bool:
    return ymd is not None and 1 <= ymd[1] <= 12 and 1 <= ymd[2] <= 31


def _real(ymd: tuple[int, int, int]) -> bool:
    try:
        dt.date(*ymd)
    except ValueError:
        return False
    return True


def _is_zero(part: str) -> bool:
    return bool(re.fullmatch(r"[0\W_]+", part)) and "0" in part


_LATEST_YEAR = dt.date.today().year + 2  # beyond this, a date that no other layout reads is a placeholder


def _placeholder_elsewhere(part: str, chosen: _Layout) -> bool:
    """A value the column's layout does not read, that another layout reads as a placeholder year."""
    if chosen.read(part) is not None:
        return False
    for lay in _LAYOUTS:
        ymd = lay.read(part)
        if ymd is not None and _in_range(ymd) and _real(ymd) and not EARLIEST.year <= ymd[0] <= _LATEST_YEAR:
            return True
    return False


def split_format(fmt: str) -> tuple[str, str]:
    """A full format's date part and time part: "%y%m%d %H:%M:%S" → ("%y%m%d", "%H:%M:%S")."""
    for name in ("%d %b %Y", "%b %d %Y"):
        if fmt.startswith(name):
            return name, fmt[len(name):].strip()
    date, _, time = fmt.partition(" ")
    if "T" in date and not date.endswith("T"):
        date, _, time = date.partition("T")
    return date, time.strip()


class Ambiguous(Exception):
    def __init__(self, formats: list[str], examples: list[str]) -> None:
        self.formats, self.examples = formats, examples


def choose_layout(parts: list[str], preferred: str | None = None, day_first: bool | None = None) -> str | None:
    """The date layout that reads the most of `parts`; raises Ambiguous when two read them differently.

    `preferred` (a preset's or the user's date part) wins whenever it reads as many as the best.
    `day_first` settles a tie between a day-first and a month-first layout.
    """
    parts = [p for p in parts if not _is_zero(p)]
    if not parts:
        return preferred
    readings = {}
    for lay in _LAYOUTS + ((layout(preferred),) if preferred and layout(preferred) else ()):
        r = {p: ymd for p in parts if _in_range(ymd := lay.read(p)) and _real(ymd)}
        readings[lay.fmt] = r
    best = max(len(r) for r in readings.values())
    if best == 0:
        return None
    tops = [f for f, r in readings.items() if len(r) == best]
    if preferred in tops:
        return preferred
    distinct: list[str] = []  # one layout per different reading of the values
    for f in tops:
        if not any(readings[f] == readings[g] for g in distinct):
            distinct.append(f)
    if len(distinct) == 1:
        return distinct[0]
    if day_first is not None:
        keep = [f for f in distinct if (f.index("%d") < f.index("%m") if "%m" in f else True) == day_first]
        if len(keep) == 1:
            return keep[0]
    a, b = readings[distinct[0]], readings[distinct[1]]
    examples = [p for p in parts if a.get(p) != b.get(p)][:3] or parts[:3]
    raise Ambiguous(distinct, examples)


def parse_column(text: pa.Array, name: str, path, forced: str | None = None, preset_format: str | None = None,
                 day_first: bool | None = None) -> DateColumn:
    """Parse a string column (nulls = missing) with one format for the whole column.

    `forced` is the user's --date-format for this field; `preset_format` the preset's.
    Raises InputError when the column is ambiguous.
    """
    n = len(text)
    nothing = np.zeros(n, dtype=bool)
    present = text.is_valid().to_numpy(zero_copy_only=False) if text.null_count else np.ones(n, dtype=bool)
    if not present.any():
        return DateColumn(np.full(n, np.nan), None, nothing, nothing.copy(), nothing.copy())
    slices = pc.utf8_slice_codeunits(text, 0, _SLICE)
    uniq = pc.unique(slices).drop_null().to_pylist()
    part_of = {}
    for u in uniq:
        m = _PART_RE.match(u)
        part_of[u] = m[1] if m else u.strip()
    parts = sorted(set(part_of.values()))

    hint = forced or preset_format
    hint_date = split_format(hint)[0] if hint else None
    if hint_date is not None and layout(hint_date) is None:
        # A format the layouts cannot model (%j, %U …): Arrow reads it strictly, as given.
        secs = _strptime(text, [forced or preset_format])
        return _finish(secs, text, present, forced or preset_format, nothing.copy(), nothing.copy())
    try:
        if forced:
            date_fmt = hint_date
        else:
            date_fmt = choose_layout(parts, hint_date, day_first)
    except Ambiguous as amb:
        fits = " or ".join(f"'{f}'" for f in amb.formats)
        ex = ", ".join(repr(e) for e in amb.examples)
        raise InputError(
            f"column '{name}': dates such as {ex} fit {fits} equally well, and they read differently. "
            f"Say which with --date-format \"{amb.formats[0]}\" (every date field) or "
            f"--date-format \"FIELD={amb.formats[0]}\" (one field), or dates.format in a preset", path) from None
    if date_fmt is None:
        unreadable = present.copy()
        return DateColumn(np.full(n, np.nan), None, unreadable, nothing.copy(), nothing.copy())

    lay = layout(date_fmt)
    zero, bad_shape, not_real = set(), set(), set()
    for p in parts:
        if _is_zero(p) or _placeholder_elsewhere(p, lay):
            # 0000-00-00, or `1900-01-01 00:00:00` / `9999-12-31` in a dd-mm-yyyy column: the helpdesk's
            # "not yet", written in its own shape. Missing, counted as a placeholder (never "unreadable").
            zero.add(p)
        elif (ymd := lay.read(p)) is None:
            bad_shape.add(p)
        elif not (_in_range(ymd) and _real(ymd)):
            not_real.add(p)

    # Time layouts in the order the values use them most, and the separator they use (ISO's T or a space).
    sample = pc.drop_null(text).slice(0, 2000).to_pylist()
    zoned = any(_OFFSET.search(v) for v in sample)  # UTC offsets: the clock time as written is kept too
    if forced and split_format(forced)[1]:
        full = [forced] + [date_fmt + " " + t for t in TIME_LAYOUTS if date_fmt + " " + t != forced]
    else:
        rests: dict[str, None] = {}
        seps = [0, 0]
        for v in sample:
            m = _PART_RE.match(v)
            rest = v.strip()[len(m[1].strip()):] if m else ""
            if rest[:1] == "T":
                seps[1] += 1
            elif rest:
                seps[0] += 1
            rests[rest.strip().lstrip("T")] = None
        counts = {t: sum(1 for rest in list(rests)[:300] if _TIME_RE[t].fullmatch(rest)) for t in TIME_LAYOUTS}
        sep = "T" if seps[1] > seps[0] else " "
        full = [date_fmt + sep + t for t in sorted((t for t in TIME_LAYOUTS if counts[t]), key=lambda t: -counts[t])]
        full.append(date_fmt)
    secs = _strptime(text, full)

    def rows_of(values: set[str]) -> np.ndarray:
        keys = [u for u in uniq if part_of[u] in values]
        if not keys:
            return nothing.copy()
        return pc.is_in(slices, value_set=pa.array(keys, pa.string())).to_numpy(zero_copy_only=False)

    impossible, zeros, shapeless = rows_of(not_real), rows_of(zero), rows_of(bad_shape)
    secs[impossible | zeros | shapeless] = np.nan
    # Values with the right date whose time the layouts did not read: normalise and try again, few in number.
    shown = full[0]  # the format the summary names
    retry = present & np.isnan(secs) & ~impossible & ~zeros & ~shapeless
    if retry.any():
        idx = np.flatnonzero(retry)
        values = pc.take(text, pa.array(idx))
        zoned = zoned or pc.any(pc.match_substring_regex(values, _OFFSET.pattern)).as_py()
        fixed = _normalise(values)
        formats = [date_fmt + " " + t for t in TIME_LAYOUTS] + [date_fmt]
        again = _strptime(fixed, formats)
        secs[idx] = again
        if (~np.isnan(again)).sum() * 2 > present.sum():  # most values were read this way: say so
            first = pc.take(fixed, pa.array([int(np.flatnonzero(~np.isnan(again))[0])]))
            shown = next((f for f in formats if not np.isnan(_strptime(first, [f])[0])), shown)
    col = _finish(secs, text, present, shown, impossible, zeros)
    col.unreadable |= shapeless & present
    if zoned:
        wall = pc.replace_substring_regex(pc.utf8_trim_whitespace(text), r"\s*(?:[+-]\d{2}:?\d{2}|Z|UTC|GMT)$", "")
        local = _strptime(_normalise(wall), [date_fmt + " " + t for t in TIME_LAYOUTS if "%z" not in t] + [date_fmt])
        col.local = np.where(np.isnan(col.seconds), np.nan, local)
    return col


# A time followed by a UTC offset or zone letter: 2026-03-31T23:30:00-05:00, 10:00Z, 10:00 UTC.
_OFFSET = re.compile(r"\d:\d{2}(?::\d{2})?(?:[.,]\d+)?\s*(?:[+-]\d{2}:?\d{2}|Z|UTC|GMT)\s*$")


def _finish(secs: np.ndarray, text: pa.Array, present: np.ndarray, fmt: str, impossible: np.ndarray,
            zeros: np.ndarray) -> DateColumn:
    with np.errstate(invalid="ignore"):
        early = secs < EARLIEST_S
    secs[early] = np.nan
    placeholder = zeros | early
    unreadable = present & np.isnan(secs) & ~impossible & ~placeholder
    return DateColumn(secs, fmt, unreadable, impossible, placeholder)


def _normalise(values: pa.Array) -> pa.Array:
    s = pc.utf8_trim_whitespace(values)
    s = pc.replace_substring_regex(s, r"^(\S+?\d)T(\d)", r"\1 \2")
    s = pc.replace_substring_regex(s, r"(\d:\d{2})[.,]\d+", r"\1")
    s = pc.replace_substring_regex(s, r"\s*([+-]\d{2}):?(\d{2})$", r"\1\2")
    s = pc.replace_substring_regex(s, r"\s*(Z|UTC|GMT)$", "+0000")
    return pc.replace_substring_regex(s, r"\s+", " ")


def _strptime(s: pa.Array, formats: list[str]) -> np.ndarray:
    """Epoch seconds (NaN where no format reads the value), trying `formats` in order."""
    out = None
    want = len(s) - s.null_count
    for f in formats:
        t = pc.strptime(s if out is None else pc.if_else(out.is_null(), s, pa.nulls(len(s), pa.string())),
                        format=f, unit="s", error_is_null=True)
        if t.type.tz is not None:
            t = t.cast(pa.timestamp("s"))  # zoned times become UTC
        out = t if out is None else pc.coalesce(out, t)
        if len(s) - out.null_count == want:
            break
    return out.cast(pa.int64()).to_numpy(zero_copy_only=False).astype("float64")
