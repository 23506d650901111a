"""The Reference pages' content, derived from the schemas the validator uses and the CLI itself."""

from __future__ import annotations

from markupsafe import Markup

from cssite.i18n import formats
from cssite.model import Project
from cssite.schema import (
    ANALYSIS,
    CONFIG,
    ITEM,
    KPI_CSV,
    METRIC,
    OBJECTIVE,
    REVIEW,
    TEAM,
    TICKET_SOURCE,
    Schema,
)


def field_rows(schema: Schema, t) -> list[dict]:
    """One row per field: name, expected value (translated), required, example, description."""
    rows = []
    for f in schema.fields:
        if f.kind == "enum":
            kind = t("kind.enum", choices=Markup(formats.join([f"`{c}`" for c in f.choices], t.lang)))
        elif f.kind == "language_list":
            kind = t("kind.language_list", choices=Markup(formats.join([f"`{c}`" for c in f.choices], t.lang)))
        else:
            kind = t(f"kind.{f.kind}")
        if f.low is not None and f.high is not None:
            kind += t("punct.parens", text=t("range", low=_bound(f.low, t.lang), high=_bound(f.high, t.lang)))
        rows.append(dict(name=f.name, kind=kind, required=f.required, example=f.example,
                         default=f.default_yaml(), doc=t(f"ref.{schema.name}.{f.name}")))
    return rows


def _bound(v: float, lang: str) -> str:
    return formats.number(v, lang, 0 if float(v).is_integer() else 1)


def example_yaml(schema: Schema, indent: int = 0, list_item: bool = False) -> Markup:
    """A YAML example built from the schema's own examples."""
    lines = []
    pad = " " * indent
    for i, f in enumerate(schema.fields):
        prefix = (pad[:-2] + "- ") if (list_item and i == 0) else pad
        if f.kind == "list_of" and f.example:
            lines.append(f"{prefix}{f.name}:")
            lines.append(f"{pad}  {f.example}")
        elif f.kind == "list_of":
            lines.append(f"{prefix}{f.name}:")
            lines.append(example_yaml(f.children, indent + 4, list_item=True))
        elif f.kind == "mapping":
            lines.append(f"{prefix}{f.name}:")
            lines.append(example_yaml(f.children, indent + 2))
        elif f.example:
            lines.append(f"{prefix}{f.name}: {f.example}")
    # Shown inside a fenced code block, where nothing is markup: the tool's own text, as it is.
    return Markup("\n".join(lines))


def example_csv(schema: Schema) -> Markup:
    cols = [f for f in schema.fields]
    return Markup(",".join(f.name for f in cols) + "\n" + ",".join(f.example for f in cols))


def reference_context(project: Project, t, commands: list[dict]) -> dict:
    """What the reference templates show. `commands` come from the CLI ({name, usage, options})."""
    return dict(
        schemas=dict(config=CONFIG, team=TEAM, tickets=TICKET_SOURCE, analysis=ANALYSIS, review=REVIEW,
                     item=ITEM, objective=OBJECTIVE, metric=METRIC, kpi_csv=KPI_CSV),
        field_rows=lambda s: field_rows(s, t),
        example_yaml=example_yaml, example_csv=example_csv,
        # The CLI's own names and usage lines are shown in code spans and blocks, where nothing is markup.
        commands=[{**c, "name": Markup(c["name"]), "usage": Markup(c["usage"]),
                   "options": [{k: Markup(v) if isinstance(v, str) else v for k, v in o.items()}
                               for o in c.get("options", ())],
                   "doc": t("ref.cmd." + c["name"].replace(" ", "_"))} for c in commands],
        catalogue=[(m, project.builtin_metrics.get(m.id)) for m in project.metrics.values()],  # (metric, shipped)
    )
