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


@dataclass(frozen=True)
class Schema:
    name: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


TEAM = Schema("team", (
    Field("id", "slug", required=True, example="support-emea"),
    Field("name", "text", required=True, example="Support EMEA"),
))

TICKET_SOURCE = Schema("ticket_source", (
    Field("path", "string", required=True, example="content/exports/zendesk-2026.csv"),
    Field("preset", "string", required=True, example="zendesk"),
    Field("map", "string_map", example="{csat_rating: Satisfaction}"),
    Field("team_map", "string_map", example="{Tier 1 EMEA: support-emea}"),
    Field("granularity", "enum", choices=("quarter", "month"), example="quarter"),
    Field("period", "quarter", example="2026-Q3"),
    Field("encoding", "string", example="cp1252"),
))

ANALYSIS = Schema("analysis", (
    Field("min_n", "int", low=1, example="30"),
    Field("change_threshold", "number", low=0, example="2"),
    Field("tolerance", "number", low=0, example="5"),
))

CONFIG = Schema("config", (
    Field("site_name", "text", required=True, example="Example Co. service quality handbook"),
    Field("languages", "language_list", choices=SUPPORTED_LANGUAGES, min_items=1, example="[en, fr, ru, et, zh]"),
    Field("teams", "list_of", required=True, min_items=1, children=TEAM),
    Field("tickets", "list_of", children=TICKET_SOURCE),
    Field("analysis", "mapping", children=ANALYSIS),
    Field("guidance", "enum", choices=GUIDANCE_CHOICES, example="builtin"),
    Field("reference", "bool", example="true"),
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
    Field("status", "enum", choices=STATUSES, example="in_progress"),
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
    Field("proxy", "bool", example="false"),
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
