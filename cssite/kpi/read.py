"""Read stage: a messy export file → one typed column per mapped field.

Real exports come in several encodings and separators, with headers in any
capitalisation, several spellings of "missing" and several date layouts. This
module finds out which (from the first megabyte), then lets Arrow's streaming
CSV reader convert only the columns a preset maps. When the fast typed read
meets a value it cannot convert, that column is read again as text and parsed
leniently, and what could not be read is counted, never guessed.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cssite.errors import OptionError
from cssite.kpi.errors import ExportError
from cssite.kpi.presets import CODED_FIELDS, DATE_FIELDS, NUMBER_FIELDS, Preset

NA_VALUES = ["", "NA", "N/A", "n/a", "?", "-"]
SAMPLE_BYTES = 1 << 20
CANDIDATE_DELIMITERS = [",", ";", "\t", "|"]


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
    unreadable: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class RawExport:
    path: str
    layout: Layout
    rows: int
    columns: dict[str, Column]
    used: dict[str, str]  # field -> header it came from
    malformed: int = 0
    malformed_examples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings worth showing


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
        raise ExportError(f"cannot read the file: {exc.strerror}", path) from None
    if not raw.strip():
        raise ExportError("the file is empty", path)
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
            raise ExportError(f"the file is not valid {encoding} (drop --encoding to detect it)", path)
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
        raise ExportError(f"the file is not valid {_ENCODING_LABELS.get(enc, enc)}", path)

    skip = 0
    if m := re.match(r"\ufeff?sep=(.)\s*?\r?\n", text):  # Excel's hint line
        delimiter, text, skip = m[1], text[m.end():], 1
    else:
        delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ExportError("no header row", path) from None
    headers = [" ".join(h.replace("\ufeff", "").split()) for h in header]
    if not any(headers):
        raise ExportError("the first row (the header) is empty", path)
    quoted_newlines = any("\n" in c or "\r" in c for _, row in zip(range(2000), reader) for c in row)
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

def resolve_columns(path: Path, layout: Layout, preset: Preset) -> dict[str, int]:
    """field -> column index; exit with the missing columns and the present ones if a needed one is absent."""
    index: dict[str, int] = {}
    for i, h in enumerate(layout.headers):
        index.setdefault(normalise_header(h), i)
    found: dict[str, int] = {}
    missing = []
    for f, names in preset.columns.items():
        i = next((index[normalise_header(n)] for n in names if normalise_header(n) in index), None)
        if i is not None:
            found[f] = i
        elif f in preset.required:
            how = f"--map {f}={preset.mapped[f]}" if f in preset.mapped else f"field {f}, needed by preset {preset.name}"
            missing.append(f"'{names[0]}'" + (f" (or {', '.join(repr(n) for n in names[1:])})" if len(names) > 1 else "")
                           + f" ({how})")
    present = ", ".join(repr(h) for h in layout.headers)
    if missing:
        raise ExportError(f"missing column{'s' if len(missing) > 1 else ''} {'; '.join(missing)}; "
                          f"the file has: {present}", path)
    if not set(found) - {"created_at", "updated_at", "team", "channel"}:
        wanted = "; ".join(f"{f}: {', '.join(repr(n) for n in names)}" for f, names in preset.columns.items()
                           if f not in ("created_at", "updated_at", "team", "channel"))
        raise ExportError(f"nothing to compute: none of the columns preset {preset.name} reads is here "
                          f"({wanted}); the file has: {present}. Name yours with --map FIELD=COLUMN", path)
    return found


# ---------------------------------------------------------------- dates

_FAMILY_RE = {
    "iso": re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"),
    "dash": re.compile(r"^\d{1,2}-\d{1,2}-\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$"),
    "slash": re.compile(r"^(\d{1,2})/(\d{1,2})/\d{4}( \d{1,2}:\d{2}(:\d{2})?( ?[AaPp][Mm])?)?$"),
    "dot": re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$"),
    "ymd-slash": re.compile(r"^\d{4}/\d{1,2}/\d{1,2}( \d{1,2}:\d{2}(:\d{2})?)?$"),
    "jira": re.compile(r"^\d{1,2}/[A-Za-z]{3}/\d{2,4}( \d{1,2}:\d{2}( ?[AaPp][Mm])?)?$"),
}
_TIMES = (" %H:%M:%S", " %H:%M", " %I:%M:%S %p", " %I:%M %p", "")


def _formats(family: str) -> list:
    if family == "iso":
        return ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M%z"]
    day = {"dash": "%d-%m-%Y", "dmy": "%d/%m/%Y", "mdy": "%m/%d/%Y", "dot": "%d.%m.%Y", "ymd-slash": "%Y/%m/%d"}
    if family == "jira":
        return [d + t for d in ("%d/%b/%y", "%d/%b/%Y") for t in _TIMES]
    return [day[family] + t for t in _TIMES]


@dataclass
class _DatePlan:
    family: str | None  # None: not known from the sample
    fast: bool  # the reader can convert it itself


def _plan_dates(values: list[str], preset: Preset) -> _DatePlan:
    if preset.date_format:
        return _DatePlan("configured", True)
    values = [v.strip() for v in values if v.strip() not in NA_VALUES][:500]
    if not values:
        return _DatePlan(None, False)
    for fam, rx in _FAMILY_RE.items():
        if all(rx.match(v) for v in values):
            break
    else:
        return _DatePlan(None, False)
    if fam == "iso":
        plain = not any(("." in v[10:]) or re.search(r"(Z|[+-]\d{2}:?\d{2})$", v) for v in values)
        return _DatePlan("iso", plain)
    if fam == "slash":
        return _DatePlan(None, False)  # day/month order is decided on the whole column
    return _DatePlan(fam, True)


def _fast_parsers(plans: dict[str, _DatePlan], preset: Preset) -> list:
    if preset.date_format:
        return [preset.date_format]
    out: list = []
    for p in plans.values():
        if p.fast:
            for f in ([pacsv.ISO8601] if p.family == "iso" else _formats(p.family)):
                if f not in out:
                    out.append(f)
    return out


def parse_dates(arr: pa.Array, preset: Preset) -> tuple[pa.Array, str | None]:
    """Text to timestamp[s] by the layout the values show; unreadable values become null.

    A preset's `dates.format` is tried first. Day/month order of slash dates comes
    from the whole column: mm/dd/yyyy only when some value can only be read that way
    and none only the other way, or when the preset says `day_first: false`.
    """
    s = pc.utf8_trim_whitespace(arr)
    if preset.date_format:
        # The preset's format first; values it does not fit are still read if their layout is clear.
        configured = _strptime(s, [preset.date_format])
        if configured.null_count == s.null_count:
            return configured, None
        detected, note = _detect_and_parse(s, preset)
        return pc.coalesce(configured, detected), note
    return _detect_and_parse(s, preset)


def _detect_and_parse(s: pa.Array, preset: Preset) -> tuple[pa.Array, str | None]:
    sample = [v for v in pc.drop_null(s).slice(0, 500).to_pylist() if v not in NA_VALUES]
    fam = next((f for f, rx in _FAMILY_RE.items() if sample and all(rx.match(v) for v in sample)), None)
    if fam is None:
        fam = next((f for f, rx in _FAMILY_RE.items() if any(rx.match(v) for v in sample)), "iso")
    note = None
    if fam == "iso":
        s = pc.replace_substring_regex(s, r"^(\d{4}-\d{1,2}-\d{1,2})T", r"\1 ")
        s = pc.replace_substring_regex(s, r"(\d:\d{2})\.\d+", r"\1")
        s = pc.replace_substring_regex(s, r"\s*([+-]\d{2}):?(\d{2})$", r"\1\2")
        s = pc.replace_substring_regex(s, r"\s*Z$", "+0000")
    elif fam == "slash":
        dmy, mdy = _strptime(s, _formats("dmy")), _strptime(s, _formats("mdy"))
        if preset.day_first is False:
            return mdy, None
        dmy_ok, mdy_ok = pc.is_valid(dmy), pc.is_valid(mdy)
        only_mdy = pc.sum(pc.and_(mdy_ok, pc.invert(dmy_ok))).as_py() or 0
        only_dmy = pc.sum(pc.and_(dmy_ok, pc.invert(mdy_ok))).as_py() or 0
        if only_mdy and not only_dmy:  # some value is a valid date only month first: not ambiguous
            return mdy, None
        if not only_mdy and not only_dmy and len(s) > s.null_count:
            note = ("dates such as 03/04/2025 could be day or month first: read as dd/mm/yyyy "
                    "(set dates.day_first: false in a preset for mm/dd/yyyy)")
        return dmy, note
    return _strptime(s, _formats(fam)), note


def _strptime(s: pa.Array, formats: list[str]) -> pa.Array:
    out = None
    for f in formats:
        t = pc.strptime(s, format=f, unit="s", error_is_null=True)
        if t.type.tz is not None:
            t = t.cast(pa.timestamp("s"))  # zoned times become UTC
        out = t if out is None else pc.coalesce(out, t)
        if out.null_count == s.null_count:
            break
    return out


# ---------------------------------------------------------------- numbers and codes

_DURATION_RE = re.compile(r"^(-)?(\d+):(\d{2})(?::(\d{2}))?$")


def parse_number(v: str, minutes: bool = False) -> float | None:
    """Lenient: decimal comma, and H:MM[:SS] durations for minute fields; None when unreadable."""
    v = v.strip()
    if minutes and (m := _DURATION_RE.match(v)):
        x = int(m[2]) * 60 + int(m[3]) + int(m[4] or 0) / 60
        return -x if m[1] else x
    if re.fullmatch(r"-?\d+,\d+", v):
        v = v.replace(",", ".")
    try:
        x = float(v)
    except ValueError:
        return None
    return x if np.isfinite(x) else None


def _numbers_from_text(arr: pa.Array, minutes: bool) -> Column:
    enc = pc.dictionary_encode(arr)
    labels = enc.dictionary.to_pylist()
    parsed = [parse_number(v, minutes) if v not in NA_VALUES else np.nan for v in labels]
    lookup = np.array([np.nan if x is None else x for x in parsed] + [np.nan], dtype="float64")
    is_bad = np.array([x is None for x in parsed] + [False])
    idx = enc.indices.fill_null(len(labels)).to_numpy()
    examples = [v for v, x in zip(labels, parsed) if x is None][:3]
    return Column("number", lookup[idx], unreadable=int(is_bad[idx].sum()), examples=examples)


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


# ---------------------------------------------------------------- reading

def read_export(path: Path, preset: Preset, encoding: str | None = None, fields: set[str] | None = None) -> RawExport:
    """Read the columns `preset` maps (limited to `fields` if given) from one export file."""
    path = Path(path)
    layout = sniff(path, encoding)
    found = resolve_columns(path, layout, preset)
    if fields is not None:
        found = {f: i for f, i in found.items() if f in fields}
    notes: list[str] = []
    if layout.guessed:
        notes.append(f"not UTF-8: read as {layout.encoding_label} (use --encoding, or encoding: in the config, "
                     "to choose another)")

    # Types for the fast read, from the sample; a column that fails is read again as text.
    sample = _sample_rows(path, layout)
    types: dict[str, pa.DataType] = {}
    plans: dict[str, _DatePlan] = {}
    for f, i in found.items():
        name = f"c{i}"
        if f in DATE_FIELDS:
            plans[f] = _plan_dates([r[i] for r in sample if i < len(r)], preset)
            types[name] = pa.timestamp("s") if plans[f].fast else pa.string()
        elif f in NUMBER_FIELDS:
            types[name] = pa.float64()
        elif f in CODED_FIELDS:
            types[name] = pa.dictionary(pa.int32(), pa.string())
        else:  # the id: whole numbers when the sample says so (cheaper to read and compare)
            ints = [r[i].strip() for r in sample if i < len(r) and r[i].strip() not in NA_VALUES]
            types[name] = pa.int64() if ints and all(re.fullmatch(r"\d{1,18}", v) for v in ints) else pa.string()
    if len({p.family for p in plans.values() if p.fast}) > 1 and not preset.date_format:
        # Several date layouts in one file: let each column be parsed on its own.
        for f, p in plans.items():
            types[f"c{found[f]}"] = pa.string()
            p.fast = False

    enc = layout.encoding
    newlines = layout.quoted_newlines
    for _attempt in range(len(found) + 3):
        malformed: list[str] = []

        def on_invalid(row, malformed=malformed):
            malformed.append(row.text)
            return "skip"

        try:
            table = _read_table(path, layout, enc, found, types, _fast_parsers(
                {f: p for f, p in plans.items() if pa.types.is_timestamp(types[f"c{found[f]}"])}, preset),
                newlines, on_invalid)
        except pa.ArrowInvalid as exc:
            msg = str(exc)
            m = re.match(r"In CSV column #(\d+): CSV conversion error to ([^:]+): (.*)", msg)
            if m and "invalid UTF8" in m[3] and encoding is None and enc in ("utf-8", "utf-8-sig"):
                enc = "cp1252"  # bytes past the sniffed first megabyte are not UTF-8
                layout.encoding, layout.encoding_label, layout.guessed = enc, _ENCODING_LABELS[enc], True
                notes.append("not UTF-8 throughout: read as Windows-1252 (use --encoding, or encoding: in the "
                             "config, to choose another)")
                continue
            if m and f"c{m[1]}" in types and types[f"c{m[1]}"] != pa.string():
                types[f"c{m[1]}"] = pa.string()
                continue
            raise ExportError(f"cannot read the file: {_arrow_message(msg, layout)}", path) from None
        except (UnicodeDecodeError, LookupError) as exc:
            raise ExportError(f"cannot read the file as {layout.encoding_label}: {exc}", path) from None
        if malformed and not newlines:
            newlines = True  # a quoted value with a line break past the sample: try once with them allowed
            continue
        break
    rows = table.num_rows
    if malformed and len(malformed) > max(rows, 1):
        raise ExportError(f"most rows do not have the header's {len(layout.headers)} fields "
                          f"(separator {layout.delimiter!r}); for example: {malformed[0][:120]!r}", path)
    if rows == 0:
        raise ExportError("no data rows under the header", path)

    table = table.unify_dictionaries()  # each block of the file had its own dictionary
    columns: dict[str, Column] = {}
    for f, i in found.items():
        arr = table.column(f"c{i}")
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
        if f in DATE_FIELDS:
            col, note = _dates_column(arr, preset)
            if note:
                notes.append(f"{layout.headers[i]}: {note}")
        elif f in NUMBER_FIELDS:
            if pa.types.is_floating(arr.type) or pa.types.is_integer(arr.type):
                col = Column("number", arr.cast(pa.float64()).to_numpy(zero_copy_only=False))  # nulls: NaN
            else:
                col = _numbers_from_text(arr, minutes=f.endswith("_minutes"))
        elif f == "id":
            col = id_column(arr, need_codes=preset.event_log)
        else:
            col = _coded(arr)
        columns[f] = col
    return RawExport(str(path), layout, rows, columns, {f: layout.headers[i] for f, i in found.items()},
                     len(malformed), malformed[:3], notes)


def _dates_column(arr: pa.Array, preset: Preset) -> tuple[Column, str | None]:
    note = None
    if not pa.types.is_timestamp(arr.type):
        text = arr
        arr, note = parse_dates(arr, preset)
        bad_mask = pc.and_(pc.is_null(arr), pc.invert(pc.is_null(text)))
        bad = pc.filter(text, bad_mask)
        bad = pc.filter(bad, pc.invert(pc.is_in(bad, pa.array(NA_VALUES))))
        unreadable, examples = len(bad), pc.unique(bad).slice(0, 3).to_pylist()
    else:
        unreadable, examples = 0, []
    secs = arr.cast(pa.int64()).to_numpy(zero_copy_only=False).astype("float64")  # nulls become NaN
    return Column("date", secs, unreadable=unreadable, examples=examples), note


def _read_table(path, layout, enc, found, types, parsers, newlines, on_invalid) -> pa.Table:
    names = [f"c{i}" for i in range(len(layout.headers))]
    ropts = pacsv.ReadOptions(column_names=names, skip_rows=layout.skip_rows, encoding=enc)
    popts = pacsv.ParseOptions(delimiter=layout.delimiter, newlines_in_values=newlines, invalid_row_handler=on_invalid)
    copts = pacsv.ConvertOptions(include_columns=[f"c{i}" for i in found.values()], column_types=types,
                                 null_values=NA_VALUES, strings_can_be_null=True, quoted_strings_can_be_null=True,
                                 timestamp_parsers=parsers or None)
    # The streaming reader keeps memory near the size of the columns kept, not of the file.
    with pacsv.open_csv(path, read_options=ropts, parse_options=popts, convert_options=copts) as reader:
        return reader.read_all()


def _sample_rows(path: Path, layout: Layout, limit: int = 500) -> list[list[str]]:
    with open(path, "rb") as f:
        raw = f.read(SAMPLE_BYTES)
    text = codecs.getincrementaldecoder(layout.encoding)(errors="replace").decode(raw)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter)
    rows = []
    for n, row in enumerate(reader):
        if n >= layout.skip_rows:
            rows.append(row)
        if len(rows) >= limit:
            break
    return rows[:-1] if len(rows) > 1 else rows  # the last may be cut at the sample's end


def _arrow_message(msg: str, layout: Layout) -> str:
    m = re.match(r"In CSV column #(\d+): (.*)", msg)
    if m and int(m[1]) < len(layout.headers):
        return f"column '{layout.headers[int(m[1])]}': {m[2]}"
    return msg
