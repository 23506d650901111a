"""The declared shape of every input file.

One schema per file kind. The loader validates against it and the Reference
pages are rendered from it, so the documentation cannot drift from what the
validator accepts. Field descriptions are message-catalogue keys
(`ref.<schema>.<field>`), so the Reference reads in every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUPPORTED_LANGUAGES = ("en", "fr", "ru", "et", "zh")
QUADRANTS = ("strengths", "weaknesses", "opportunities", "threats")
STATUSES = ("planned", "in_progress", "at_risk", "done", "dropped")
UNITS = ("percent", "points", "score", "minutes", "hours", "seconds", "count")
DIRECTIONS = ("higher", "lower", "neither")
# builtin: the pages cssite ships plus the project's own; own: only the project's; none: no Guidance section.
GUIDANCE_CHOICES = ("builtin", "own", "none")

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ITEM_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
METRIC_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Field:
    """One key of a YAML mapping (or one column of a CSV).

    kind is one of: text (string or {lang: string}), markdown (text, rendered
    as Markdown), string, slug, item_id, metric_id, quarter, kpi_period,
    number, int, date, bool, enum, language_list, list_of (children),
    id_list, metric_list, team_targets.
    """

    name: str
    kind: str
    required: bool = False
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    min_items: int = 0
    children: "Schema | None" = None
    example: str = ""
    # The value an absent key means. The loader, the model's defaults, the Reference's Default column,
    # `cssite init`'s commented config and the --help texts all read it from here.
    default: object = None
    # One line of plain English for `cssite init`'s config comments and --help; the Reference shows the
    # longer, translated `ref.<schema>.<field>` message instead.
    description: str = ""

    def default_yaml(self) -> str:
        """The default as it would be written in YAML ('' when the key has none)."""
        return yaml_scalar(self.default)


def yaml_scalar(value) -> str:
    """A default written the way a user would type it in the YAML file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Schema:
    name: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def default(self, name: str):
        """The declared default of field `name` (KeyError for a field the schema does not have)."""
        f = self.field(name)
        if f is None:
            raise KeyError(f"{self.name} has no field '{name}'")
        return f.default


TEAM = Schema("team", (
    Field("id", "slug", required=True, example="support-emea",
          description="Stable team id used in reviews, KPI files and page addresses"),
    Field("name", "text", required=True, example="Support EMEA", description="Display name"),
))

TICKET_SOURCE = Schema("ticket_source", (
    Field("path", "string", required=True, example="content/exports/zendesk-2026.csv",
          description="The export file, relative to the project folder"),
    Field("preset", "string", required=True, example="zendesk",
          description="zendesk, freshdesk, jsm, servicenow, survey, calls, or your own preset file"),
    Field("map", "string_map", example="{csat_rating: Satisfaction}", description="Column overrides: field: column"),
    Field("team_map", "string_map", example="{Tier 1 EMEA: support-emea}",
          description="The export's group names mapped to team ids"),
    Field("granularity", "enum", choices=("quarter", "month"), example="quarter", default="quarter",
          description="Periods to compute"),
    Field("period", "quarter", example="2026-Q3", description="The period of a file without dates (a survey wave)"),
    Field("encoding", "string", example="cp1252", description="Force the file's encoding instead of detecting it"),
    Field("date_format", "string", example='"%Y-%m-%d %H:%M"',
          description="strptime format of every date column, instead of inferring it"),
    Field("date_formats", "string_map", example='{created_at: "%Y-%m-%d %H:%M"}',
          description="strptime format of one date field: field: format"),
    Field("values", "string_map", example='{"status:Done": solved, "status:Spam": ignore}',
          description="What a value means, over the preset: FIELD:VALUE: meaning"),
    Field("short_abandon_seconds", "number", low=0, high=86400, example="5", default=5.0,
          description="Calls: a hang-up after less queueing is not offered"),
    Field("service_level_seconds", "number", low=0, high=86400, example="20", default=20.0,
          description="Calls: the wait within which an answer counts for the service level"),
    Field("metrics", "metric_list", example="[ticket_volume, csat, backlog]",
          description="Only these metrics from this export (empty: all)"),
    Field("decimal", "enum", choices=(",", "."), example='","',
          description="The decimal mark of number columns, when no value shows it (1,234)"),
))

ANALYSIS = Schema("analysis", (
    Field("min_n", "int", low=1, example="30", default=30,
          description="Smallest sample size for a change to count as significant"),
    Field("change_threshold", "number", low=0, example="2", default=5.0,
          description="Smallest significant change, in % of the earlier value (metrics without an interval)"),
    Field("tolerance", "number", low=0, example="5", default=5.0,
          description="Width of the 'near' band, in % of the target (metrics that set none)"),
))

CONFIG = Schema("config", (
    Field("site_name", "text", required=True, example="Example Co. service quality handbook",
          description="The site's title"),
    Field("languages", "language_list", choices=SUPPORTED_LANGUAGES, min_items=1, example="[en, fr, ru, et, zh]",
          default=("en",), description="Languages to build; the first is the default"),
    Field("teams", "list_of", required=True, min_items=1, children=TEAM,
          description="The teams, in the order the site lists them"),
    Field("tickets", "list_of", children=TICKET_SOURCE, description="Raw exports to compute KPIs from during the build"),
    Field("analysis", "mapping", children=ANALYSIS, description="Thresholds for status and significance"),
    Field("guidance", "enum", choices=GUIDANCE_CHOICES, example="builtin", default="builtin",
          description="builtin: the shipped guidance pages plus yours; own: only yours; none: no Guidance section"),
    Field("reference", "bool", example="true", default=True,
          description="Whether the site has the Reference section"),
    Field("home_kpis", "metric_list", min_items=1, example="[csat, nps, first_response_time, fcr]",
          default=("csat", "nps", "first_response_time", "fcr"),
          description="The headline KPIs on each team's card on the home page, in this order"),
    Field("pdf", "bool", example="true", default=False,
          description="Also print each review as a PDF in every language (needs pip install 'cssite[pdf]')"),
))

ITEM = Schema("item", (
    Field("id", "item_id", required=True, example="S1"),
    Field("text", "text", required=True, example="Chat first response under two minutes"),
    Field("metrics", "metric_list", example="[first_response_time]"),
    Field("weight", "int", low=1, high=5, example="3"),
    Field("rating", "int", low=1, high=4, example="3"),
))

OBJECTIVE = Schema("objective", (
    Field("id", "item_id", required=True, example="G1"),
    Field("text", "text", required=True, example="Lift first-contact resolution with a shared knowledge base"),
    Field("addresses", "id_list", required=True, min_items=1, example="[W1, O1]"),
    Field("metric", "metric_id", example="fcr"),
    Field("target", "number", example="80"),
    Field("owner", "string", example="Jane Doe"),
    Field("due", "date", example="2026-12-31"),
    Field("status", "enum", choices=STATUSES, example="in_progress", default="planned",
          description="Where the objective stands"),
))

REVIEW = Schema("review", (
    Field("team", "slug", required=True, example="support-emea"),
    Field("period", "quarter", required=True, example="2026-Q3"),
    Field("title", "text", example="Q3 review"),
    Field("summary", "markdown", example="Chat is fast; email resolution lags."),
    # Strengths show every item key in the Reference example; the other quadrants a short item each.
    Field("strengths", "list_of", children=ITEM),
    Field("weaknesses", "list_of", children=ITEM,
          example="- {id: W1, text: E-mail backlog grows at month end, metrics: [first_response_time_p90]}"),
    Field("opportunities", "list_of", children=ITEM, example="- {id: O1, text: The new help centre can answer billing questions}"),
    Field("threats", "list_of", children=ITEM, example="- {id: T1, text: A competitor offers round-the-clock chat}"),
    Field("objectives", "list_of", children=OBJECTIVE),
))

METRIC = Schema("metric", (
    Field("name", "text", example="Customer satisfaction (CSAT)"),
    Field("unit", "enum", choices=UNITS, example="percent"),
    Field("better", "enum", choices=DIRECTIONS, example="higher"),
    Field("target", "number", example="85"),
    Field("tolerance", "number", low=0, example="3"),
    Field("targets", "team_targets", example="{support-apac: 80}"),
    Field("definition", "text", example="Good ÷ (Good + Bad) × 100"),
    Field("proxy", "bool", example="false", default=False,
          description="The value only approximates the definition"),
))

# The KPI CSV has one schema too: its columns.
KPI_CSV = Schema("kpi_csv", (
    Field("period", "kpi_period", required=True, example="2026-Q3"),
    Field("team", "slug", required=True, example="support-emea"),
    Field("metric", "metric_id", required=True, example="csat"),
    Field("value", "number", required=True, example="86.4"),
    Field("n", "int", low=0, example="512"),
    Field("ci_low", "number", example="83.1"),
    Field("ci_high", "number", example="89.2"),
))
