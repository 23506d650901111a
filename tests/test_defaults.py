"""Defaults are declared once, in cssite.schema: the loader, the model, the Reference and --help read them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from conftest import REPO, run
from cssite.load import load_project
from cssite.model import AnalysisSettings, Config, Objective
from cssite.schema import ANALYSIS, CONFIG, METRIC, OBJECTIVE, TICKET_SOURCE


def test_model_defaults_are_the_schema_defaults():
    a = AnalysisSettings()
    assert (a.min_n, a.change_threshold, a.tolerance) == tuple(f.default for f in ANALYSIS.fields)
    assert Objective("G1", None, ("W1",)).status == OBJECTIVE.default("status")
    c = Config(None, ("en",), ())
    assert (c.guidance, c.reference) == (CONFIG.default("guidance"), CONFIG.default("reference"))


def test_loader_applies_schema_defaults_for_absent_keys(project: Path):
    loaded, diags = load_project(project)
    assert loaded is not None, diags.items
    assert loaded.config.analysis == AnalysisSettings()
    assert loaded.config.languages == ("en",)


def test_every_config_key_has_a_description():
    def walk(schema):
        for f in schema.fields:
            assert f.description, f"{schema.name}.{f.name} has no description"
            if f.children is not None:
                walk(f.children)
    walk(CONFIG)


def test_catalogues_leave_defaults_to_the_schema():
    # A default written as prose in a catalogue would drift from the schema; the Reference shows the column.
    for lang in ("en", "fr", "ru", "et", "zh"):
        table = yaml.safe_load((REPO / "cssite/data/messages" / f"{lang}.yml").read_text(encoding="utf-8"))
        for schema in (CONFIG, ANALYSIS, TICKET_SOURCE, OBJECTIVE, METRIC):
            for f in schema.fields:
                if f.default is not None:
                    doc = table[f"ref.{schema.name}.{f.name}"]
                    assert f.default_yaml() not in re.sub(r"\b(quarter|month|builtin|own|none|true)\b", "", doc) \
                        or f.default_yaml() in ("true", "false"), (lang, f.name, doc)


def test_reference_and_help_show_the_declared_defaults(project: Path):
    assert run("build", "--project", project).exit_code == 0
    html = (project / "site/en/reference/config/index.html").read_text()
    row = re.search(r"<tr>\s*<td><code>min_n</code></td>(.*?)</tr>", html, re.S)
    assert row and f"<code>{ANALYSIS.default('min_n')}</code>" in row[1], row
    row = re.search(r"<tr>\s*<td><code>guidance</code></td>(.*?)</tr>", html, re.S)
    assert row and "<code>builtin</code>" in row[1]
    row = re.search(r"<tr>\s*<td><code>languages</code></td>(.*?)</tr>", html, re.S)
    assert row and "<code>[en]</code>" in row[1], row
    result = run("kpi", "--help")
    assert f"[default: {TICKET_SOURCE.default('granularity')}]" in result.output
