"""A project's `tickets:` exports: computed into the KPI table, cached by content, problems as diagnostics."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cssite.cache import ProjectCache

import cssite.load.exports as exports
from cssite.errors import Diagnostics
from cssite.load.exports import kpis_from_exports
from cssite.load import load_project
from cssite.load.config import load_catalogue, load_config
from cssite.model import KPI_COLUMNS, Period

FIX = Path(__file__).parent / "fixtures" / "exports"

CONFIG = """\
site_name: Test handbook
languages: [en]
teams:
  - id: support-emea
    name: Support EMEA
  - id: support-apac
    name: Support APAC
tickets:
  - path: content/exports/zendesk.csv
    preset: zendesk
    team_map: {EMEA Support: support-emea, Billing: support-emea}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "cssite.yml").write_text(CONFIG)
    (tmp_path / "content" / "exports").mkdir(parents=True)
    shutil.copy(FIX / "zendesk_small.csv", tmp_path / "content" / "exports" / "zendesk.csv")
    return tmp_path


def compute(root: Path, reports=None):
    setup = Diagnostics(root)  # the config and catalogue, as the build reads them
    config = load_config(root, setup)
    metrics = load_catalogue(root, config, setup)
    assert not setup.items, [str(d) for d in setup.items]
    d = Diagnostics(root)
    return kpis_from_exports(root, config, metrics, d, reports), d


def test_rows_in_the_shared_kpi_table(project):
    reports = {}
    df, diags = compute(project, reports)
    assert list(df.columns) == KPI_COLUMNS
    row = df[(df.team == "support-emea") & (df.metric == "csat") & (df.period == Period.parse("2026-Q1"))].iloc[0]
    # Billing is mapped to EMEA here: Good, Bad, Good (tickets 1–3) and Good (ticket 9).
    assert (row.value, row.n, row.ci_low, row.ci_high) == (75.0, 4.0, 30.1, 95.4)
    assert row.source == "content/exports/zendesk.csv" and row.line == 0
    assert isinstance(row.period, Period)
    assert set(df.team) == {"support-emea", "support-apac", "all"}
    assert df[df.metric == "ticket_volume"].n.dtype == "float64"
    assert [str(d) for d in diags.items] == [
        "content/exports/zendesk.csv: warning: unmapped team: '(empty)' (1): counted in team 'all' only; "
        "map each to a team id with --team-map \"VALUE=team-id\" (team_map: in the config)"]
    assert reports["content/exports/zendesk.csv"]["dropped"] == {"solved before created": 1}


def test_results_are_cached_by_content(project, monkeypatch):
    first, _ = compute(project)
    cache = list((ProjectCache(project).base / "kpi").iterdir())
    assert len(cache) == 1

    def boom(*a, **k):
        raise AssertionError("recomputed although nothing changed")

    monkeypatch.setattr(exports, "compute_kpis", boom)
    again, diags = compute(project)
    assert again.equals(first)
    assert len(diags.warnings) == 1  # warnings come back from the cache too

    monkeypatch.undo()
    export = project / "content" / "exports" / "zendesk.csv"
    export.write_text(export.read_text().replace("2026-04-02 21:00:00", "2026-04-02 23:00:00"))
    changed, _ = compute(project)
    assert not changed.equals(first)
    assert len(list((ProjectCache(project).base / "kpi").iterdir())) == 1  # the old entry is gone


def test_problems_become_diagnostics(project):
    cfg = project / "config" / "cssite.yml"
    cfg.write_text(CONFIG
                   + "  - path: content/exports/nowhere.csv\n"
                   + "    preset: zendesk\n"
                   + "  - path: content/exports/broken.csv\n"
                   + "    preset: zendesk\n"
                   + "  - path: content/exports/zendesk.csv\n"
                   + "    preset: zendesk\n"
                   + "    team_map: {APAC Support: support-asia}\n"
                   + "    granularity: month\n")
    shutil.copy(FIX / "zendesk_missing_column.csv", project / "content" / "exports" / "broken.csv")
    df, diags = compute(project)
    errors = [str(d) for d in diags.errors]
    assert "config/cssite.yml:12: error: tickets: export 'content/exports/nowhere.csv' not found" in errors
    assert any(e.startswith("content/exports/broken.csv: error: missing column 'Created at'") for e in errors)
    assert any(e.startswith("config/cssite.yml:16: error: tickets: team map 'APAC Support=support-asia'")
               for e in errors)
    assert len(df) and set(df.source) == {"content/exports/zendesk.csv"}  # the good entry still counts


def test_build_loader_merges_and_reports_duplicates(project):
    metrics = project / "content" / "metrics"
    metrics.mkdir()
    (metrics / "hand.csv").write_text("period,team,metric,value,n\n2026-Q1,support-emea,nps,31,220\n"
                                      "2026-Q1,all,ticket_volume,10,10\n")
    loaded, diags = load_project(project)
    assert loaded is None
    dup = [str(d) for d in diags.errors]
    assert len(dup) == 1 and "ticket_volume for all in 2026-Q1 is given twice" in dup[0]
    assert "content/metrics/hand.csv" in dup[0] and "content/exports/zendesk.csv" in dup[0]
