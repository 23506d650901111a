"""The data-quality report: what was read, what was dropped and why, what could not be used.

One typed object, filled by the read and tickets stages and formatted here only:
`summary()` is what every `cssite kpi` run prints, `warnings()` the problems a user
should fix (each with its file and, where one applies, its line), `as_dict()` what
`--report` writes as JSON and the site's data-quality page shows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
MEANING_HINT = {"status": "solved|open|ignore", "outcome": "answered|abandoned|ignore"}
UNDECLARED_EFFECT = {"status": "counted as open", "outcome": "left out of asa, abandonment, service level and aht"}


@dataclass
class ValueProblem:
    """Values of one column that could not be used, for one reason (they are left out, never guessed)."""

    field: str
    column: str
    reason: str  # "unreadable", "not a calendar date", "not a finite number", "negative", "more than N, …"
    count: int
    examples: list[str]
    lines: list[int]  # the first few lines where it happens
    path: str = ""
    code: str = ""  # the reason for any language: unreadable, not_a_date, not_finite, too_large, negative

    def __post_init__(self) -> None:
        if not self.code:
            self.code = {"unreadable": "unreadable", "not a calendar date": "not_a_date", "negative": "negative",
                         "not a finite number": "not_finite"}.get(self.reason, "too_large")

    def message(self) -> str:
        ex = ", ".join(repr(x[:60]) for x in self.examples)
        more = f" (also line{_s(len(self.lines) - 1)} {', '.join(map(str, self.lines[1:]))})" if len(self.lines) > 1 \
            else ""
        return (f"{self.count} value{_s(self.count)} in column '{self.column}' ({self.field}) "
                f"{'could not be read' if self.reason == 'unreadable' else self.reason}"
                + (f", e.g. {ex}" if ex else "") + more + "; left out")


@dataclass
class FileReport:
    path: str
    encoding: str
    delimiter: str
    rows: int
    malformed_rows: int = 0
    malformed: list[dict] = field(default_factory=list)  # the first few: {line, text}
    columns: dict[str, str] = field(default_factory=dict)  # field -> header(s) it was read from
    date_formats: dict[str, str] = field(default_factory=dict)  # field -> format its column was read with


@dataclass
class EventLog:
    """How an event log (many rows per ticket) was reduced to one row per ticket."""

    rows_merged: int  # earlier rows of tickets, folded into their latest row
    order: str  # "newest first", "oldest first", or "unknown" when every change of a ticket ties
    evidence: int  # pairs of rows of a ticket, in file order, whose update times differ
    ties: int  # tickets whose latest update time is shared by several rows (file order decided)
    filled: int  # empty fields of latest rows that took the ticket's latest non-empty value


@dataclass
class QualityReport:
    preset: str
    unit: str = "tickets"  # what a kept row is: "tickets", "calls", or "responses" for a survey
    files: list[FileReport] = field(default_factory=list)
    tickets: int = 0
    event_log: EventLog | None = None
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> rows
    drops: list[dict] = field(default_factory=list)  # the same, as {code, count, field?, value?, by?} (the site
    # words them in each language: codes no_id, duplicate_id, ignored, created_unreadable, created_missing,
    # solved_before_created, first_reply_before_created, negative_first_reply_time, negative_resolution_time)
    placeholders: dict[str, int] = field(default_factory=dict)  # field -> placeholder dates treated as missing
    solved_dates_ignored: int = 0  # a solve date or time on a ticket whose status is not solved
    undeclared: dict[str, dict[str, int]] = field(default_factory=dict)  # field -> value -> tickets
    problems: list[ValueProblem] = field(default_factory=list)
    unmapped_teams: dict[str, int] = field(default_factory=dict)  # group value -> tickets
    unused_team_map: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    absent: dict[str, str] = field(default_factory=dict)  # metric -> why
    notes: list[dict] = field(default_factory=list)  # {path, line, message}
    settings: dict[str, float] = field(default_factory=dict)  # thresholds the call metrics used

    @property
    def rows_read(self) -> int:
        return sum(f.rows for f in self.files)

    def note(self, path: str, line: int, message: str) -> None:
        self.notes.append({"path": path, "line": line, "message": message})

    def as_dict(self) -> dict:
        d = asdict(self)
        d["rows_read"] = self.rows_read
        d["rows_dropped"] = sum(self.dropped.values())
        return d

    def warnings(self) -> list[tuple[str, int, str]]:
        """Problems a user should fix, as (path, line, message); the expected drops are in the summary."""
        first = self.files[0].path if self.files else ""
        out = [(n["path"], n["line"], n["message"]) for n in self.notes]
        for f in self.files:
            if f.malformed_rows:
                ex = f.malformed[0] if f.malformed else {"line": 0, "text": ""}
                lines = [m["line"] for m in f.malformed if m["line"]]
                out.append((f.path, ex["line"], f"{f.malformed_rows} row{_s(f.malformed_rows)} skipped: not the "
                            f"header's number of fields, or an unclosed quote (first: {ex['text'][:80]!r}"
                            + (f"; lines {', '.join(map(str, lines[:5]))}" if len(lines) > 1 else "") + ")"))
        for p in self.problems:
            out.append((p.path or first, p.lines[0] if p.lines else 0, p.message()))
        for f, values in self.undeclared.items():
            listed = ", ".join(f"'{v}' ({n:,})" for v, n in values.items())
            out.append((first, 0, f"{f} value{_s(len(values))} the preset does not declare: {listed}: "
                        f"{UNDECLARED_EFFECT.get(f, 'left out')}; declare each with "
                        f"--value \"{f}:VALUE={MEANING_HINT.get(f, 'ignore')}\""))
        if self.unmapped_teams:
            groups = ", ".join(f"'{g}' ({n})" for g, n in self.unmapped_teams.items())
            out.append((first, 0, f"unmapped team{_s(len(self.unmapped_teams))}: {groups}: counted in team 'all' "
                        "only; map each to a team id with --team-map \"VALUE=team-id\" (team_map: in the config)"))
        for k in self.unused_team_map:
            out.append((first, 0, f"team map entry '{k}' matches no team value in the export"))
        if self.event_log and self.event_log.order == "unknown" and self.event_log.ties:
            out.append((first, 0, f"event log: {self.event_log.ties} ticket{_s(self.event_log.ties)} have several "
                        "rows with the same latest update time and the file's order cannot be told (no ticket's "
                        "updates differ): the row further down was taken"))
        return out

    def summary(self) -> str:
        lines = []
        for f in self.files:
            lines.append(f"{f.path}: {f.rows:,} rows, {f.encoding}, {_DELIMITERS.get(f.delimiter, repr(f.delimiter))}"
                         "-separated")
            if f.date_formats:
                lines.append("  date formats: " + ", ".join(f"{k} {v}" for k, v in f.date_formats.items()))
        ev = self.event_log
        lines.append(f"  {self.unit}: {self.tickets:,} (preset {self.preset})"
                     + (f"; event log, {ev.rows_merged:,} earlier rows merged, file order {ev.order}"
                        + (f" (from {ev.evidence:,} changes)" if ev.order != "unknown" else "")
                        + (f", {ev.filled:,} empty fields filled from earlier rows" if ev.filled else "")
                        if ev else ""))
        dropped = sum(self.dropped.values())
        lines.append(f"  dropped: {dropped:,} row{_s(dropped)}"
                     + (": " + ", ".join(f"{n:,} {why}" for why, n in self.dropped.items()) if dropped else ""))
        if self.placeholders:
            lines.append("  placeholder dates (read as missing): "
                         + ", ".join(f"{n:,} {f}" for f, n in sorted(self.placeholders.items())))
        if self.solved_dates_ignored:
            lines.append(f"  solve times ignored on tickets whose status is not solved: {self.solved_dates_ignored:,}")
        for f, values in self.undeclared.items():
            lines.append(f"  undeclared {f} values: " + ", ".join(f"'{v}' ({n:,})" for v, n in values.items()))
        lines.append("  unmapped teams: " + (", ".join(f"'{g}' ({n:,})" for g, n in self.unmapped_teams.items())
                                            if self.unmapped_teams else "none"))
        if self.periods:
            span = self.periods[0] if len(self.periods) == 1 else f"{self.periods[0]} … {self.periods[-1]}"
            lines.append(f"  periods: {span} ({len(self.periods)})")
        lines.append(f"  metrics: {', '.join(self.metrics) if self.metrics else 'none'}")
        by_reason: dict[str, list[str]] = {}
        for m, why in self.absent.items():
            by_reason.setdefault(why, []).append(m)
        for why, ms in by_reason.items():
            lines.append(f"  absent ({why}): {', '.join(ms)}")
        return "\n".join(lines)


def _s(n: int) -> str:
    return "" if n == 1 else "s"
