"""Plain data: what the loaders produce and the analysis and renderers read. No I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from cssite.schema import ANALYSIS, CONFIG, METRIC, MONTH_RE, OBJECTIVE, QUARTER_RE, TICKET_SOURCE


@dataclass(frozen=True)
class Text:
    """User text in one or more languages, with the place it was written for `i18n status`."""

    values: dict[str, str]
    path: str = ""
    line: int = 0

    def resolve(self, lang: str, default: str) -> tuple[str, str]:
        """The text for `lang` and the language it is really in (the default when untranslated)."""
        if lang in self.values:
            return self.values[lang], lang
        if default in self.values:
            return self.values[default], default
        first = next(iter(self.values))
        return self.values[first], first

    def has(self, lang: str) -> bool:
        return lang in self.values

    @classmethod
    def plain(cls, s: str, lang: str = "en") -> "Text":
        return cls({lang: s})


YEARS = (1900, 2999)  # keeps date arithmetic (a year earlier, a quarter later) inside datetime's range


@dataclass(frozen=True, order=True)
class Period:
    """A quarter (`2026-Q3`) or a month (`2026-07`); ordered by start date."""

    start: dt.date
    kind: str  # "quarter" | "month"

    @classmethod
    def parse(cls, s: str) -> "Period | None":
        """A Period, or None when `s` is not one (or its year is not a plausible reporting year)."""
        s = str(s).strip()
        m = QUARTER_RE.match(s) or MONTH_RE.match(s)
        if m is None or not YEARS[0] <= int(m[1]) <= YEARS[1]:
            return None
        if m.re is QUARTER_RE:
            return cls(dt.date(int(m[1]), 3 * int(m[2]) - 2, 1), "quarter")
        return cls(dt.date(int(m[1]), int(m[2]), 1), "month")

    @property
    def code(self) -> str:
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def end(self) -> dt.date:
        months = 3 if self.kind == "quarter" else 1
        y, m = divmod(self.start.month - 1 + months, 12)
        return dt.date(self.start.year + y, m + 1, 1) - dt.timedelta(days=1)

    def within(self, other: "Period") -> bool:
        """True when this period lies inside `other` (a month inside its quarter, or the same period)."""
        return other.start <= self.start and self.end <= other.end

    def year_earlier(self) -> "Period":
        return Period(self.start.replace(year=self.start.year - 1), self.kind)

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Team:
    id: str
    name: Text


@dataclass(frozen=True)
class Metric:
    """A catalogue entry: what a KPI means and which way is better."""

    id: str
    name: Text
    unit: str
    better: str
    definition: Text
    target: float | None = None
    tolerance: float | None = None
    targets: dict[str, float] = field(default_factory=dict)
    proxy: bool = METRIC.default("proxy")

    def target_for(self, team: str) -> float | None:
        return self.targets.get(team, self.target)


@dataclass(frozen=True)
class Item:
    """One SWOT entry; `id` is stable from quarter to quarter."""

    id: str
    quadrant: str
    text: Text
    metrics: tuple[str, ...] = ()
    weight: int | None = None
    rating: int | None = None
    line: int = 0


@dataclass(frozen=True)
class Objective:
    id: str
    text: Text
    addresses: tuple[str, ...]
    metric: str | None = None
    target: float | None = None
    owner: str | None = None
    due: dt.date | None = None
    status: str = OBJECTIVE.default("status")
    line: int = 0


@dataclass(frozen=True)
class Review:
    team: str
    period: Period
    path: str
    title: Text | None
    summary: Text | None
    items: tuple[Item, ...]
    objectives: tuple[Objective, ...]
    line: int = 1  # where the period is written, for "two reviews for one period"

    def quadrant(self, name: str) -> list[Item]:
        return [i for i in self.items if i.quadrant == name]

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

@dataclass(frozen=True)
class KpiOptions:
    """How to compute KPIs from raw exports: the options of `cssite kpi`, and the keys of a `tickets:` entry."""

    preset: str  # a built-in name (zendesk, freshdesk, jsm, servicenow, survey, calls) or a preset file's path
    mapping: dict[str, str] = field(default_factory=dict)  # field -> column (or COL1+COL2); overrides the preset
    team_map: dict[str, str] = field(default_factory=dict)  # team value in the export -> team id
    granularity: str = TICKET_SOURCE.default("granularity")  # or "month"
    period: str | None = None  # 2026-Q3 or 2026-07: the period of an undated file, or a filter
    encoding: str | None = None  # None: detect
    date_formats: dict[str, str] = field(default_factory=dict)  # date field (or "*" for all) -> strptime format
    values: dict[str, str] = field(default_factory=dict)  # "FIELD:VALUE" -> meaning; overrides the preset
    short_abandon_seconds: float = TICKET_SOURCE.default("short_abandon_seconds")
    service_level_seconds: float = TICKET_SOURCE.default("service_level_seconds")
    metrics: tuple[str, ...] = ()  # in a build: only these metrics from this export (empty: all)
    decimal: str | None = None  # "," or ".": the decimal mark of number columns (None: from each column's values)


@dataclass(frozen=True)
class TicketSource:
    """A `tickets:` entry of the config: an export the build computes KPIs from."""

    path: str
    options: KpiOptions
    line: int = 0


@dataclass(frozen=True)
class AnalysisSettings:
    # Defaults are declared once, in cssite.schema.ANALYSIS.
    min_n: int = ANALYSIS.default("min_n")
    change_threshold: float = ANALYSIS.default("change_threshold")  # % of the earlier value, metrics without an interval
    tolerance: float = ANALYSIS.default("tolerance")  # percent of the target, when a metric sets none


@dataclass(frozen=True)
class Config:
    site_name: Text
    languages: tuple[str, ...]
    teams: tuple[Team, ...]
    tickets: tuple[TicketSource, ...] = ()
    analysis: AnalysisSettings = AnalysisSettings()
    guidance: str = CONFIG.default("guidance")
    reference: bool = CONFIG.default("reference")
    complete: bool = True  # False when the config file had errors: other files aren't checked against its teams
    home_kpis: tuple[str, ...] = CONFIG.default("home_kpis")  # the headline KPIs of each team's home-page card
    home_kpis_line: int = 0
    pdf: bool = CONFIG.default("pdf")  # also print each review as a PDF (the quarterly review pack)

    def knows_team(self, team_id: str) -> bool:
        """True for a configured team, and for anything while the config itself is broken (no cascades)."""
        return not self.complete or self.team(team_id) is not None

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def team(self, team_id: str) -> Team | None:
        return next((t for t in self.teams if t.id == team_id), None)


# Columns of the KPI table every stage shares.
KPI_COLUMNS = ["period", "team", "metric", "value", "n", "ci_low", "ci_high", "source", "line"]


@dataclass
class Project:
    """Everything loaded from one project folder."""

    root: str
    config: Config
    metrics: dict[str, Metric]
    reviews: list[Review]
    kpis: pd.DataFrame  # KPI_COLUMNS; `period` holds Period objects
    guidance: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> {file name: markdown}
    export_reports: dict[str, dict] = field(default_factory=dict)  # raw export path -> its data-quality report
    builtin_metrics: dict[str, Metric] = field(default_factory=dict)  # the catalogue as shipped, for the Reference
    # lang -> {guidance file name: where it came from}: `content/guidance/…` or `cssite:guidance/…` (shipped)
    guidance_sources: dict[str, dict[str, str]] = field(default_factory=dict)
    # lang -> {key: text} from the project's messages/<lang>.yml (complete: the loader checked every key)
    messages: dict[str, dict[str, str]] = field(default_factory=dict)
