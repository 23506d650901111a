"""Which sections a handbook has: shipped guidance (replaceable, removable), the Reference, used metrics only."""

from __future__ import annotations

from pathlib import Path

from conftest import run, write


def _build(project: Path) -> Path:
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    return project / "site" / "en"


def test_shipped_guidance_appears_and_a_project_page_replaces_or_adds(project: Path):
    # (A replacing page keeps any heading id the other pages link to; the index is linked without one.)
    write(project, "content/guidance/en/index.md", "# Our own guide\n\nStart with [SWOT](swot.md).\n")
    write(project, "content/guidance/en/escalation.md", "# Escalation ladder\n\nCall the duty manager.\n")
    site = _build(project)
    assert "Our own guide" in (site / "guidance/index.html").read_text()
    assert "Call the duty manager" in (site / "guidance/escalation/index.html").read_text()
    # The shipped pages the project did not replace are there, with their own content.
    swot = (site / "guidance/swot/index.html").read_text()
    assert "<h1" in swot and "Our own" not in swot
    assert 'href="guidance/"' in (site / "index.html").read_text()  # the section is in the navigation
    assert "management-analysis/" in (site / "guidance/index.html").read_text()


def test_guidance_none_and_reference_false_leave_the_sections_out(project: Path):
    cfg = project / "config/cssite.yml"
    cfg.write_text(cfg.read_text() + "guidance: none\nreference: false\n")
    site = _build(project)
    assert not (site / "guidance").exists()
    assert not (site / "reference").exists()
    home = (site / "index.html").read_text()
    assert "guidance/" not in home and "reference/" not in home


def test_guidance_own_keeps_only_the_projects_pages(project: Path):
    cfg = project / "config/cssite.yml"
    cfg.write_text(cfg.read_text() + "guidance: own\n")
    write(project, "content/guidance/en/index.md", "# Our guide\n\nOnly this.\n")
    site = _build(project)
    assert (site / "guidance/index.html").exists()
    assert not (site / "guidance/swot").exists()


def test_bad_guidance_value_is_a_located_error(project: Path):
    cfg = project / "config/cssite.yml"
    cfg.write_text(cfg.read_text() + "guidance: shipped\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert "config/cssite.yml:8: error: 'guidance' must be one of builtin, own, none" in result.output


def test_metrics_section_lists_only_metrics_with_data_or_targets(project: Path):
    write(project, "config/metrics.yml", "aht:\n  target: 400\n")
    site = _build(project)
    index = (site / "metrics/index.html").read_text()
    for used in ("first_response_time", "csat", "aht"):
        assert f'href="{used}/"' in index, used
    assert 'href="nps/"' not in index  # in the catalogue, but this project has no data for it
    # The Reference still lists the full catalogue, and its links work.
    catalogue = (site / "reference/metrics/index.html").read_text()
    assert "nps" in catalogue and (site / "metrics/nps/index.html").exists()
