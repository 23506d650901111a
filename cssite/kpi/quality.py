"""The data-quality report: what was read, what was dropped and why, what could not be used.

Every `cssite kpi` run prints its summary; `--report` writes `as_dict()` as JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass
class FileReport:
    path: str
    encoding: str
    delimiter: str
    rows: int
    malformed_rows: int = 0
    malformed_examples: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header it was read from


@dataclass
class QualityReport:
    preset: str
    unit: str = "tickets"  # what a kept row is: "tickets", or "responses" for a survey
    files: list[FileReport] = field(default_factory=list)
    superseded: int = 0  # earlier rows of a ticket in an event log
    tickets: int = 0
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> rows
    unmapped_teams: dict[str, int] = field(default_factory=dict)  # group value -> tickets
    unused_team_map: list[str] = field(default_factory=list)
    invalid_values: dict[str, dict] = field(default_factory=dict)  # field -> {count, examples}
    periods: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    absent: dict[str, str] = field(default_factory=dict)  # metric -> why
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(f.rows for f in self.files)

    def invalid(self, field_name: str, count: int, examples: list[str]) -> None:
        e = self.invalid_values.setdefault(field_name, {"count": 0, "examples": []})
        e["count"] += count
        e["examples"] = (e["examples"] + [x for x in examples if x not in e["examples"]])[:3]

    def as_dict(self) -> dict:
        d = asdict(self)
        d["rows_read"] = self.rows_read
        d["rows_dropped"] = sum(self.dropped.values())
        return d

    def warnings(self) -> list[str]:
        """Problems a user should fix (not the expected drops, which the summary lists)."""
        out = list(self.notes)
        for f in self.files:
            if f.malformed_rows:
                out.append(f"{f.malformed_rows} row{_s(f.malformed_rows)} skipped: not the header's number of fields "
                           f"(first: {f.malformed_examples[0][:80]!r})")
        for name, e in self.invalid_values.items():
            col = next((f.columns[name] for f in self.files if name in f.columns), name)
            ex = ", ".join(repr(x) for x in e["examples"])
            out.append(f"{e['count']} value{_s(e['count'])} in column '{col}' ({name}) could not be read"
                       + (f", e.g. {ex}" if ex else "") + "; left out")
        if self.unmapped_teams:
            groups = ", ".join(f"'{g}' ({n})" for g, n in self.unmapped_teams.items())
            out.append(f"unmapped team{_s(len(self.unmapped_teams))}: {groups}: counted in team 'all' only; "
                       "map each to a team id with --team-map \"VALUE=team-id\" (team_map: in the config)")
        for k in self.unused_team_map:
            out.append(f"team map entry '{k}' matches no team value in the export")
        return out

    def summary(self) -> str:
        lines = []
        for f in self.files:
            lines.append(f"{f.path}: {f.rows:,} rows, {f.encoding}, {_DELIMITERS.get(f.delimiter, repr(f.delimiter))}"
                         "-separated")
        lines.append(f"  {self.unit}: {self.tickets:,} (preset {self.preset})"
                     + (f"; {self.superseded:,} earlier event-log rows merged" if self.superseded else ""))
        dropped = sum(self.dropped.values())
        lines.append(f"  dropped: {dropped:,} row{_s(dropped)}"
                     + (": " + ", ".join(f"{n:,} {why}" for why, n in self.dropped.items()) if dropped else ""))
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
