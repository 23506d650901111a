"""Read stage: a messy export file → one typed column per mapped field.

Real exports come in several encodings and separators, with headers in any
capitalisation, several spellings of "missing" and several date layouts. This
module finds out which (from the first megabyte), then lets Arrow's streaming
CSV reader convert only the columns the preset maps. Dates are read as text and
parsed a whole column at a time (`cssite.kpi.dates`); numbers that Arrow cannot
convert are read again as text and parsed leniently. Whatever cannot be used is
counted, with its rows, never guessed.
"""

from __future__ import annotations

import codecs
import csv
import io
import mmap
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cssite.errors import InputError, OptionError
from cssite.kpi import dates
from cssite.kpi.presets import SPEC, Preset
from cssite.kpi.quality import ValueProblem

NA_VALUES = ["", "NA", "N/A", "n/a", "?", "-"]
SAMPLE_BYTES = 1 << 20
CANDIDATE_DELIMITERS = [",", ";", "\t", "|"]
FIELD_LIMIT = 1 << 28  # Python's csv module stops at 128 KiB per field; a long ticket description is still data
MAX_BLOCK = 1 << 28
csv.field_size_limit(FIELD_LIMIT)


@dataclass
class Layout:
    """What sniffing found out about a file."""

    encoding: str  # Python codec name
    encoding_label: str  # for people: "UTF-8", "UTF-8 with BOM", "Windows-1252" …
    guessed: bool  # not UTF-8 and not forced: a warning says which encoding was used
    delimiter: str
    skip_rows: int  # rows before the data: the header, and Excel's "sep=" line if any
    headers: list[str]  # as written, trimmed
    quoted_newlines: bool = False


@dataclass
class Column:
    """One field's values. Times are epoch seconds (float, NaN when missing); coded
    fields are indices into `labels` (-1 when missing)."""

    kind: str  # "date" | "number" | "coded" | "id"
    values: np.ndarray
    labels: list[str] = field(default_factory=list)
    distinct: bool = False  # id: no value repeats
    arrow: pa.Array | None = None  # id: the values themselves, to number several files together
    unknown: np.ndarray | None = None  # bool per row: a value was there but could not be read (≠ empty)
    local: np.ndarray | None = None  # date: the clock time as written, when values carry UTC offsets


@dataclass
class RawExport:
    path: str
    layout: Layout
    rows: int
    columns: dict[str, Column]
    used: dict[str, str]  # field -> header(s) it came from ("Date + Time" for a joined column)
    lines: "LineMap"
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of rows skipped
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line or 0, warning) worth showing
    problems: list[ValueProblem] = field(default_factory=list)
    placeholders: dict[str, int] = field(default_factory=dict)  # field -> placeholder dates treated as missing
    date_formats: dict[str, str] = field(default_factory=dict)  # field -> the format its column was read with


@dataclass
class LineMap:
    """Data row index → the line of the file it starts on.

    Without line breaks inside quoted values, it is arithmetic: the header and the skipped
    malformed rows accounted for. When a value may hold a line break (the sniffed sample had one,
    or a malformed row made the reader allow them), the lines are counted by one csv pass over
    the file, the first time a line is asked for: a warning's line is the one an editor shows.
    """

    first: int  # line of the first data row
    skipped: list[tuple[int, int]] = field(default_factory=list)  # (line, lines it spans) of skipped rows
    exact: np.ndarray | None = None  # the start line of every data row, once counted
    count: object = None  # () -> that array, or None when the csv pass disagrees with the table

    def line(self, row: int) -> int:
        if self.exact is None and self.count is not None:
            self.exact, self.count = self.count(), None
        if self.exact is not None and 0 <= int(row) < len(self.exact):
            return int(self.exact[int(row)])
        line = self.first + int(row)
        for at, span in self.skipped:
            if at <= line:
                line += span
            else:
                break
        return line


def normalise_header(h: str) -> str:
    """Headers match ignoring case, a BOM, and spaces around and inside."""
    return " ".join(h.replace("\ufeff", "").split()).casefold()


# ---------------------------------------------------------------- sniffing

_ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "cp1252": "Windows-1252",
                    "latin-1": "Latin-1 (ISO 8859-1)"}


def sniff(path: Path, encoding: str | None = None) -> Layout:
    """Encoding, separator and header of `path`, from its first megabyte."""
    try:
        with open(path, "rb") as f:
            raw = f.read(SAMPLE_BYTES)
            complete = len(raw) < SAMPLE_BYTES or not f.read(1)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path) from None
    if not raw.strip():
        raise InputError("the file is empty", path)
    guessed = False
    if encoding:
        try:
            info = codecs.lookup(encoding)
        except LookupError:
            info = None
        if info is None or not getattr(info, "_is_text_encoding", True):  # rot13, base64…: not for text files
            raise OptionError(f"unknown encoding '{encoding}' (try utf-8, cp1252 or latin-1)") from None
        enc = info.name
        text = _decode(raw, enc, complete)
        if text is None:
            raise InputError(f"the file is not valid {encoding} (drop --encoding to detect it)", path)
    elif raw.startswith(codecs.BOM_UTF8):
        enc, text = "utf-8-sig", _decode(raw, "utf-8-sig", complete)
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc, text = "utf-16", _decode(raw, "utf-16", complete)
    elif (text := _decode(raw, "utf-8", complete)) is not None:
        enc = "utf-8"
    else:
        # Windows-1252 is what Excel writes in Western Europe; Latin-1 reads every byte.
        enc = "cp1252" if _decode(raw, "cp1252", complete) is not None else "latin-1"
        text, guessed = _decode(raw, enc, complete), True
    if text is None:
        raise InputError(f"the file is not valid {_ENCODING_LABELS.get(enc, enc)}", path)

    skip = 0
    if m := re.match(r"\ufeff?sep=(.)\s*?\r?\n", text):  # Excel's hint line
        delimiter, text, skip = m[1], text[m.end():], 1
    else:
        delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise InputError("no header row", path) from None
    headers = [" ".join(h.replace("\ufeff", "").split()) for h in header]
    if not any(headers):
        raise InputError("the first row (the header) is empty", path)
    try:
        quoted_newlines = any("\n" in c or "\r" in c for _, row in zip(range(2000), reader) for c in row)
    except csv.Error:  # an unclosed quote: Arrow counts the row it spoils
        quoted_newlines = True
    label = _ENCODING_LABELS.get(enc, enc)
    return Layout(enc, label, guessed, delimiter, skip + 1, headers, quoted_newlines)


def _decode(raw: bytes, enc: str, complete: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(enc)().decode(raw, final=complete)
    except UnicodeError:  # also UTF-16 without a BOM
        return None


def _sniff_delimiter(text: str) -> str:
    """The candidate that splits the header and the next rows into the same, largest number of fields."""
    lines = text.splitlines()[:50]
    best, best_score = ",", (0, 0)
    for d in CANDIDATE_DELIMITERS:
        try:
            rows = list(csv.reader(lines, delimiter=d))
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        agree = sum(1 for r in rows[1:] if len(r) == width)
        score = (agree, width)
        if score > best_score:
            best, best_score = d, score
    return best


# ---------------------------------------------------------------- column mapping

def resolve_columns(path: Path, layout: Layout, preset: Preset) -> dict[str, tuple[int, ...]]:
    """field -> column indices (several when a spec joins columns: `Date+Time`); exit naming what is missing."""
    index: dict[str, int] = {}
    for i, h in enumerate(layout.headers):
        index.setdefault(normalise_header(h), i)
    found: dict[str, tuple[int, ...]] = {}
    missing = []
    for f, names in preset.columns.items():
        cols = next((c for n in names if (c := _resolve(n, index)) is not None), None)
        if cols is not None:
            found[f] = cols
        elif f in preset.required:
            how = f"--map {f}={preset.mapped[f]}" if f in preset.mapped else f"field {f}, needed by preset {preset.name}"
            missing.append(f"'{names[0]}'" + (f" (or {', '.join(repr(n) for n in names[1:])})" if len(names) > 1 else "")
                           + f" ({how})")
    present = ", ".join(repr(h) for h in layout.headers)
    if missing:
        raise InputError(f"missing column{'s' if len(missing) > 1 else ''} {'; '.join(missing)}; "
                          f"the file has: {present}", path)
    context = {"created_at", "updated_at", "team", "channel"}
    if not set(found) - context:
        wanted = "; ".join(f"{f}: {', '.join(repr(n) for n in names)}" for f, names in preset.columns.items()
                           if f not in context)
        raise InputError(f"nothing to compute: none of the columns preset {preset.name} reads is here "
                          f"({wanted}); the file has: {present}. Name yours with --map FIELD=COLUMN", path)
    return found


def _resolve(spec: str, index: dict[str, int]) -> tuple[int, ...] | None:
    """A header, or headers joined by '+'; a '+' that belongs to a header's name stays part of it."""
    if (i := index.get(normalise_header(spec))) is not None:
        return (i,)
    parts = spec.split("+")
    if len(parts) < 2:
        return None

    def segment(start: int) -> tuple[int, ...] | None:
        if start == len(parts):
            return ()
        for end in range(len(parts), start, -1):  # the longest header first
            i = index.get(normalise_header("+".join(parts[start:end])))
            if i is not None and (rest := segment(end)) is not None:
                return (i, *rest)
        return None

    return segment(0)


# ---------------------------------------------------------------- numbers and codes

_DURATION_RE = re.compile(r"^(-)?(\d+):(\d{2})(?::(\d{2}))?$")


_COMMA3 = re.compile(r"-?\d{1,3},\d{3}")  # 1,234: a thousands comma, or a decimal comma with three decimals
_COMMA_DECIMAL = re.compile(r"-?(?:\d+,\d{1,2}|\d+,\d{4,}|0,\d+|\d{1,3}(?:\.\d{3})+,\d+)")  # 600,5 · 1.234,5
_THOUSANDS = re.compile(r"-?\d{1,3}(?:,\d{3})+\.\d+|-?\d{1,3}(?:,\d{3}){2,}|-?\d*\.\d+")  # 1,234.5 · 1,234,567 · 12.5


class AmbiguousDecimal(Exception):
    def __init__(self, examples: list[str]) -> None:
        self.examples = examples


def decimal_mark(labels: list[str], forced: str | None = None) -> str | None:
    """The column's decimal mark, from all its distinct values: None when no value has a comma.

    `1,234` alone is 1.234 in Europe and 1234 in Excel's US format: only another value of the
    column (`600,5`, `0,25`, `1,234.5`, `12.5`), or the user (`--decimal`), can say which.
    """
    if forced:
        return forced
    comma3 = [v for v in labels if _COMMA3.fullmatch(v)]
    if not comma3:
        return None
    if any(_COMMA_DECIMAL.fullmatch(v) for v in labels):
        return ","
    if any(_THOUSANDS.fullmatch(v) for v in labels):
        return "."
    raise AmbiguousDecimal(comma3[:3])


def parse_number(v: str, minutes: bool = False, decimal: str | None = None) -> float | None:
    """Lenient: a decimal comma, grouped thousands when `decimal` says which mark is which, and
    H:MM[:SS] durations for minute fields; None when unreadable."""
    v = v.strip()
    if minutes and (m := _DURATION_RE.match(v)):
        x = int(m[2]) * 60 + int(m[3]) + int(m[4] or 0) / 60
        return -x if m[1] else x
    if decimal == "." and re.fullmatch(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?", v):
        v = v.replace(",", "")
    elif decimal == "," and re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?", v):
        v = v.replace(".", "").replace(",", ".")
    elif decimal != "." and re.fullmatch(r"-?\d+,\d+", v):
        v = v.replace(",", ".")
    try:
        return float(v)  # inf and nan too: the caller counts them as not finite
    except ValueError:
        return None


def _numbers(arr: pa.Array, name: str, decimal: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Values (NaN when missing or unreadable) and the mask of unreadable ones (AmbiguousDecimal when
    the column's values do not say which mark is the decimal one)."""
    if pa.types.is_floating(arr.type) or pa.types.is_integer(arr.type):
        values = arr.cast(pa.float64()).to_numpy(zero_copy_only=False, writable=True)  # nulls: NaN
        return values, np.zeros(len(values), dtype=bool)
    enc = pc.dictionary_encode(pc.utf8_trim_whitespace(arr.cast(pa.string())))
    labels = enc.dictionary.to_pylist()
    mark = decimal_mark([v for v in labels if v not in NA_VALUES], decimal)
    parsed = [np.nan if v in NA_VALUES else parse_number(v, name.endswith("_minutes"), mark) for v in labels]
    lookup = np.array([np.nan if x is None else x for x in parsed] + [np.nan], dtype="float64")
    is_bad = np.array([x is None for x in parsed] + [False])
    idx = enc.indices.fill_null(len(labels)).to_numpy()
    return lookup[idx], is_bad[idx]


def id_column(arr: pa.Array, need_codes: bool) -> Column:
    """Ticket ids as integer codes (equal ids, equal codes; -1 when missing)."""
    n, valid = len(arr), len(arr) - arr.null_count
    if pa.types.is_integer(arr.type) and not arr.null_count:
        ids = arr.to_numpy()
        # Exports usually list tickets in id order: then the ids are their own codes.
        if n < 2 or bool((ids[1:] > ids[:-1]).all()):
            return Column("id", ids.astype("int64") - int(ids.min()), distinct=True, arrow=arr)
    if not need_codes and pc.count_distinct(arr, mode="only_valid").as_py() == valid:
        codes = np.arange(n, dtype="int64")  # every id differs: any distinct numbering will do
        if arr.null_count:
            codes[arr.is_null().to_numpy(zero_copy_only=False)] = -1
        return Column("id", codes, distinct=True, arrow=arr)
    enc = pc.dictionary_encode(arr)
    codes = enc.indices.fill_null(-1).to_numpy().astype("int64")
    return Column("id", codes, distinct=len(enc.dictionary) == valid, arrow=arr)


def _coded(arr: pa.Array) -> Column:
    if not pa.types.is_dictionary(arr.type):
        arr = pc.dictionary_encode(arr.cast(pa.string()))
    labels = [str(x).strip() for x in arr.dictionary.to_pylist()]
    codes = arr.indices.fill_null(-1).to_numpy().astype("int32")
    return Column("coded", codes, labels)


def _joined(arrays: list[pa.Array]) -> pa.Array:
    """Several text columns joined with a space (an id from line + call number, a date and a time)."""
    if len(arrays) == 1:
        return arrays[0]
    parts = [a.cast(pa.string()) for a in arrays]
    out = pc.utf8_trim_whitespace(pc.binary_join_element_wise(*parts, " ", null_handling="replace",
                                                              null_replacement=""))
    return pc.if_else(pc.equal(out, ""), pa.scalar(None, pa.string()), out)


# ---------------------------------------------------------------- reading

@dataclass(frozen=True)
class ReadOptions:
    """What the caller decides about reading: the encoding, and date formats by field ('*' for all)."""

    encoding: str | None = None
    date_formats: dict[str, str] = field(default_factory=dict)
    decimal: str | None = None  # "," or "."; None: decided per column from its values


def read_export(path: Path, preset: Preset, options: ReadOptions | None = None,
                fields: set[str] | None = None, defer_updates: bool = True) -> RawExport:
    """Read the columns `preset` maps (limited to `fields` if given) from one export file.

    With `defer_updates`, `updated_at` is read only when the ids repeat (pass False when
    several files are pooled: their ids may repeat across files).
    """
    options = options or ReadOptions()
    path = Path(path)
    layout = sniff(path, options.encoding)
    found = resolve_columns(path, layout, preset)
    if fields is not None:
        found = {f: c for f, c in found.items() if f in fields}
    notes: list[tuple[int, str]] = []
    if layout.guessed:
        notes.append((0, f"not UTF-8: read as {layout.encoding_label} (use --encoding, or encoding: in the config, "
                         "to choose another)"))
    # The update time matters only when ids repeat (an event log): read it then, in a second pass.
    deferred = {f: c for f, c in found.items() if f == "updated_at" and defer_updates}
    found = {f: c for f, c in found.items() if f not in deferred}
    types = _column_types(found, _sample_rows(path, layout))
    table, malformed = _read_table(path, layout, found, types, options.encoding is not None, notes)
    rows = table.num_rows
    if malformed and len(malformed) > max(rows, 1):
        raise InputError(f"most rows do not have the header's {len(layout.headers)} fields "
                          f"(separator {layout.delimiter!r}); for example: {malformed[0][:120]!r}", path)
    if rows == 0:
        raise InputError("no data rows under the header", path)
    lines, located = _line_map(path, layout, rows, malformed)
    raw = RawExport(str(path), layout, rows, {}, {f: " + ".join(layout.headers[i] for i in c) for f, c in found.items()},
                    lines, located, notes)

    table = table.unify_dictionaries()  # each block of the file had its own dictionary
    for f, cols in found.items():
        arrays = []
        for i in cols:
            arr = table.column(f"c{i}")
            arrays.append(arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0))
        raw.columns[f] = _convert(raw, f, _joined(arrays), preset, options)
    idc = raw.columns.get("id")
    if deferred and idc is not None and not idc.distinct:
        cols = deferred["updated_at"]
        again, _ = _read_table(path, layout, deferred, {f"c{i}": pa.string() for i in cols}, True, [])
        if again.num_rows == rows:
            raw.used["updated_at"] = " + ".join(layout.headers[i] for i in cols)
            arrays = [again.column(f"c{i}").combine_chunks() for i in cols]
            raw.columns["updated_at"] = _convert(raw, "updated_at", _joined(arrays), preset, options)
    elif deferred and "updated_at" in preset.mapped:
        raw.notes.append((0, f"--map updated_at={preset.mapped['updated_at']}: every id appears once, so the file "
                             "has one row per ticket and the update time is not needed"))
    _placeholders_after_the_end(raw)
    return raw


def _column_types(found: dict[str, tuple[int, ...]], sample: list[list[str]]) -> dict[str, pa.DataType]:
    """Arrow types for the fast read; dates and joined columns stay text (they are parsed whole, later)."""
    types: dict[str, pa.DataType] = {}
    for f, cols in found.items():
        kind = SPEC[f].kind
        if kind == "date" or len(cols) > 1:
            want = pa.string()
        elif kind == "number":
            want = pa.float64()
        elif kind == "coded":
            want = pa.dictionary(pa.int32(), pa.string())
        else:  # the id: whole numbers when the sample says so (cheaper to read and compare)
            i = cols[0]
            ints = [r[i].strip() for r in sample if i < len(r) and r[i].strip() not in NA_VALUES]
            want = pa.int64() if ints and all(re.fullmatch(r"\d{1,18}", v) for v in ints) else pa.string()
        for i in cols:
            name = f"c{i}"
            types[name] = want if types.get(name, want) == want else pa.string()  # used twice: as text
    return types


def _convert(raw: RawExport, f: str, arr: pa.Array, preset: Preset, options: ReadOptions) -> Column:
    spec, header = SPEC[f], raw.used[f]
    if spec.kind == "date":
        forced = options.date_formats.get(f) or options.date_formats.get("*")
        d = dates.parse_column(arr, header, raw.path, forced, preset.date_format, preset.day_first)
        if d.layout:
            raw.date_formats[f] = d.layout
        for mask, reason in ((d.unreadable, "unreadable"), (d.impossible, "not a calendar date")):
            _problem(raw, f, mask, arr, reason)
        if d.placeholder.any():
            raw.placeholders[f] = raw.placeholders.get(f, 0) + int(d.placeholder.sum())
        return Column("date", d.seconds, unknown=d.unreadable | d.impossible, local=d.local)
    if spec.kind == "number":
        try:
            values, unknown = _numbers(arr, f, options.decimal)
        except AmbiguousDecimal as amb:
            ex = ", ".join(repr(e) for e in amb.examples)
            raise InputError(f"column '{header}' ({f}): numbers such as {ex} are thousands with a comma (1234) or "
                             "decimals with a comma (1.234), and no value of the column says which; say so with "
                             "--decimal . (1,234 is 1234) or --decimal , (1,234 is 1.234), or decimal: in the "
                             "config", raw.path) from None
        _problem(raw, f, unknown, arr, "unreadable")
        with np.errstate(invalid="ignore"):
            checks = [(~np.isfinite(values) & ~np.isnan(values), "not a finite number")]
            if spec.high is not None:
                too_big = np.isfinite(values) & (values > spec.high)
                checks.append((too_big, f"more than {spec.high:,.0f}, not plausible"))
            if not f.endswith("_minutes"):  # a negative minute count drops its row (counted under its reason)
                checks.append((values < 0, "negative"))
        for mask, reason in checks:
            if mask.any():
                _problem(raw, f, mask, arr, reason)
                values[mask] = np.nan
                unknown = unknown | mask
        return Column("number", values, unknown=unknown)
    if spec.kind == "coded":
        return _coded(arr)
    return id_column(arr, need_codes=True)


def _problem(raw: RawExport, f: str, mask: np.ndarray, arr: pa.Array, reason: str) -> None:
    count = int(mask.sum())
    if not count:
        return
    rows = np.flatnonzero(mask)
    examples = []
    for r in rows[:50]:
        v = arr[int(r)].as_py()
        v = v if isinstance(v, str) else repr(v)
        if v not in examples:
            examples.append(v)
        if len(examples) == 3:
            break
    raw.problems.append(ValueProblem(f, raw.used[f], reason, count, examples,
                                     [raw.lines.line(r) for r in rows[:3]], raw.path))


def _placeholders_after_the_end(raw: RawExport) -> None:
    """A date more than a year after the export's latest real one ("9999-12-31") means "not yet": missing."""
    import time

    horizon = time.time() + 366 * 86400  # nothing real is dated beyond a year from now
    cols = [raw.columns[f] for f in ("created_at",) if f in raw.columns] or \
        [c for c in raw.columns.values() if c.kind == "date"]
    latest = None
    for c in cols:
        with np.errstate(invalid="ignore"):
            ok = c.values[c.values <= horizon]
        if ok.size:
            latest = ok.max() if latest is None else max(latest, ok.max())
    if latest is None:
        return
    limit = latest + 365 * 86400
    for f, c in raw.columns.items():
        if c.kind != "date":
            continue
        with np.errstate(invalid="ignore"):
            late = c.values > limit
        if late.any():
            c.values[late] = np.nan
            raw.placeholders[f] = raw.placeholders.get(f, 0) + int(late.sum())


_ARROW_NATIVE = {"utf-8", "utf-8-sig"}  # Arrow reads these itself; others go through Python's codecs


def _read_table(path: Path, layout: Layout, found, types, forced_encoding: bool,
                notes: list[tuple[int, str]]) -> tuple[pa.Table, list[str]]:
    """The table of the columns needed, retrying with what a failed attempt taught; malformed rows' texts."""
    newlines, block = layout.quoted_newlines, 1 << 20
    include = sorted({f"c{i}" for cols in found.values() for i in cols}, key=lambda c: int(c[1:]))
    for _attempt in range(len(include) + 8):
        malformed: list[str] = []

        def on_invalid(row, malformed=malformed):
            malformed.append(row.text)
            return "skip"

        enc = "utf8" if layout.encoding in _ARROW_NATIVE else layout.encoding
        names = [f"c{i}" for i in range(len(layout.headers))]
        ropts = pacsv.ReadOptions(column_names=names, skip_rows=layout.skip_rows, encoding=enc, block_size=block)
        popts = pacsv.ParseOptions(delimiter=layout.delimiter, newlines_in_values=newlines,
                                   invalid_row_handler=on_invalid)
        copts = pacsv.ConvertOptions(include_columns=include, column_types=types, null_values=NA_VALUES,
                                     strings_can_be_null=True, quoted_strings_can_be_null=True)
        try:
            with _quiet_unraisable():
                # The streaming reader keeps memory near the size of the columns kept, not of the file.
                with pacsv.open_csv(path, read_options=ropts, parse_options=popts, convert_options=copts) as reader:
                    table = reader.read_all()
        except pa.ArrowInvalid as exc:
            msg = str(exc)
            m = re.match(r"In CSV column #(\d+): (?:Row #\d+: )?CSV conversion error to ([^:]+): (.*)", msg)
            if (m and "invalid UTF8" in m[3]) or "invalid UTF8" in msg or "UTF8" in msg and "invalid" in msg:
                _bad_encoding(path, layout, forced_encoding, notes)
                continue
            if m and f"c{m[1]}" in types and types[f"c{m[1]}"] != pa.string():
                types[f"c{m[1]}"] = pa.string()
                continue
            if "straddling" in msg or "block size" in msg:
                if block < MAX_BLOCK:
                    block *= 8
                    continue
                raise InputError(f"a row longer than {MAX_BLOCK >> 20} MB (an unclosed quote?)", path) from None
            raise InputError(f"cannot read the file: {_arrow_message(msg, layout)}", path) from None
        except (UnicodeError, LookupError):
            _bad_encoding(path, layout, forced_encoding, notes)
            continue
        if malformed and not newlines:
            newlines = True  # a quoted value with a line break past the sample: try once with them allowed
            continue
        layout.quoted_newlines = newlines  # rows may span lines: line numbers are counted, not added up
        return table, malformed
    raise InputError("cannot read the file: it keeps changing shape between attempts", path)


def _bad_encoding(path: Path, layout: Layout, forced: bool, notes: list[tuple[int, str]]) -> None:
    """Bytes past the sniffed first megabyte that the encoding cannot read: fall back, or say where."""
    where = _first_bad_byte(path, layout.encoding)
    line, byte = where if where else (0, None)
    at = f" (byte 0x{byte:02x})" if byte is not None else ""
    if forced or layout.encoding not in ("utf-8", "utf-8-sig", "cp1252"):
        raise InputError(f"not valid {layout.encoding_label}{at}: pass the file's encoding with --encoding "
                          "(utf-8, cp1252, latin-1 …)", path, line)
    new = "cp1252" if layout.encoding != "cp1252" else "latin-1"
    if new == "cp1252" and _first_bad_byte(path, "cp1252") is not None:
        new = "latin-1"
    layout.encoding, layout.encoding_label, layout.guessed = new, _ENCODING_LABELS[new], True
    notes.append((line, f"not UTF-8 throughout{at}: read as {layout.encoding_label} (use --encoding, or "
                        "encoding: in the config, to choose another)"))


def _first_bad_byte(path: Path, encoding: str) -> tuple[int, int] | None:
    """(line, byte) of the first byte `encoding` cannot decode, or None."""
    enc = "utf-8" if encoding == "utf-8-sig" else encoding  # a BOM decodes as U+FEFF: offsets stay true
    newlines, carry = 0, b""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 22)
            data, final = carry + chunk, not chunk
            try:
                data.decode(enc)
                used, carry = len(data), b""
            except UnicodeDecodeError as exc:
                if not final and exc.reason == "unexpected end of data":  # a character cut by the chunk
                    used, carry = exc.start, data[exc.start:]
                else:
                    return newlines + data.count(b"\n", 0, exc.start) + 1, data[exc.start]
            newlines += data.count(b"\n", 0, used)
            if final:
                return None


@contextmanager
def _quiet_unraisable():
    """Arrow decodes non-UTF-8 files with Python codecs in a thread; an error there would print
    "Exception ignored … Traceback". It is reported by the caller as `path:line: error:` instead."""
    old = sys.unraisablehook
    sys.unraisablehook = lambda *_: None
    try:
        yield
    finally:
        sys.unraisablehook = old


def _line_map(path: Path, layout: Layout, rows: int, malformed: list[str]) -> tuple[LineMap, list[tuple[int, str]]]:
    """Where each data row and each skipped row starts; the skipped rows with their lines."""
    first = layout.skip_rows + 1
    if not layout.quoted_newlines and not malformed:
        return LineMap(first), []
    if malformed:  # reported now, all of them with their true lines: count every row's line at once
        counted = _count_lines(path, layout, rows, len(malformed))
        if counted is not None:
            starts, bad = counted
            return LineMap(first, exact=starts), list(zip(bad, malformed))
        located = _locate(path, layout, malformed)
        return LineMap(first, [(line, text.count("\n") + 1) for line, text in located if line]), located

    def later() -> np.ndarray | None:
        counted = _count_lines(path, layout, rows, 0)
        return None if counted is None else counted[0]

    return LineMap(first, count=later), []


def _count_lines(path: Path, layout: Layout, rows: int, skipped: int) -> tuple[np.ndarray, list[int]] | None:
    """(start line of each row the table kept, start line of each row it skipped), by one csv pass.

    A row is skipped when its field count is not the header's (an unclosed quote swallows the rest of
    the file into one such row), as Arrow does; empty lines are no rows. None when the pass does not
    find the table's own counts (then the caller falls back to searching the skipped rows' text).
    """
    width = len(layout.headers)
    starts: list[int] = []
    bad: list[int] = []
    try:
        with open(path, encoding=layout.encoding, errors="replace", newline="") as f:
            reader = csv.reader(f, delimiter=layout.delimiter)
            before, head = 0, 0
            for row in reader:
                start, before = before + 1, reader.line_num
                if not row:
                    continue
                if head < layout.skip_rows:
                    head += 1
                elif len(row) == width:
                    starts.append(start)
                else:
                    bad.append(start)
    except (OSError, csv.Error, UnicodeError, LookupError):
        return None
    if len(starts) != rows or len(bad) != skipped:
        return None
    return np.asarray(starts, dtype=np.int64), bad


def _locate(path: Path, layout: Layout, texts: list[str]) -> list[tuple[int, str]]:
    """The line each skipped row starts on, searched as text in the file (0 when not found).

    Only a fallback for files the csv pass of `_count_lines` reads differently from Arrow.
    """
    if not texts:
        return []
    out = []
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            pos, line = 0, 1
            for t in texts:
                try:
                    needle = t.encode(layout.encoding if layout.encoding != "utf-8-sig" else "utf-8")
                except UnicodeError:
                    needle = b""
                at = mm.find(needle, pos) if needle else -1
                if at < 0:
                    out.append((0, t))
                    continue
                line += mm[pos:at].count(b"\n")
                pos = at
                out.append((line, t))
    except (OSError, ValueError):
        return [(0, t) for t in texts]
    return out


def _sample_rows(path: Path, layout: Layout, limit: int = 500) -> list[list[str]]:
    with open(path, "rb") as f:
        raw = f.read(SAMPLE_BYTES)
    text = codecs.getincrementaldecoder(layout.encoding)(errors="replace").decode(raw)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter)
    rows = []
    try:
        for n, row in enumerate(reader):
            if n >= layout.skip_rows:
                rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass  # an unclosed quote in the sample: the rows before it are sample enough
    return rows[:-1] if len(rows) > 1 else rows  # the last may be cut at the sample's end


def _arrow_message(msg: str, layout: Layout) -> str:
    m = re.match(r"In CSV column #(\d+): (.*)", msg)
    if m and int(m[1]) < len(layout.headers):
        return f"column '{layout.headers[int(m[1])]}': {m[2]}"
    return msg
