"""End to end: build the example handbook with `cssite build` and read the real HTML and SVG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

LANGS = ("en", "fr", "ru", "et", "zh")
REVIEW = "reviews/2026-Q3/support-emea/index.html"

# Words each language must show on its pages: the catalogue's words, not English fallbacks.
WORDS = {
    "en": ("Strengths", "Objectives", "met"),
    "fr": ("Forces", "Objectifs"),
    "ru": ("Сильные стороны", "Цели"),
    "et": ("Tugevused", "Eesmärgid"),
    "zh": ("优势", "目标"),
}


def read(site: Path, lang: str, page: str) -> str:
    return (site / lang / page).read_text(encoding="utf-8")


def test_root_redirects_to_default_language(example_site: Path):
    assert 'url=en/' in (example_site / "index.html").read_text()


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_kind_exists_in_every_language(example_site: Path, lang: str):
    for page in ("index.html", REVIEW, "metrics/csat/index.html", "guidance/swot/index.html",
                 "reference/reviews/index.html", "teams/support-emea/index.html",
                 "reviews/2026-Q3/support-emea/changes/index.html"):
        html = read(example_site, lang, page)
        assert f'<html lang="{lang}"' in html, page


@pytest.mark.parametrize("lang", LANGS)
def test_review_page_shows_quadrants_objectives_and_evidence(example_site: Path, lang: str):
    html = read(example_site, lang, REVIEW)
    for word in WORDS[lang]:
        assert word in html, (lang, word)
    assert 'class="cs-swot"' in html
    assert html.count('class="cs-quadrant cs-quadrant--') == 4
    for item in ("S1", "W2", "O1", "T1", "G4"):
        assert f"<strong>{item}</strong>" in html
    assert 'id="tows"' in html and 'id="data"' in html and 'id="objectives"' in html
    assert re.search(r'cs-status cs-status--(met|near|missed)', html)


def test_metric_page_has_chart_table_and_stable_anchors(example_site: Path):
    for lang in LANGS:
        html = read(example_site, lang, "metrics/nps/index.html")
        for anchor in ("definition", "trend", "values", "trend-support-emea"):
            assert f'id="{anchor}"' in html, (lang, anchor)
        charts = re.findall(r'<img alt="([^"]+)"[^>]*src="([^"#]+\.svg)#only-light"', html)
        assert charts, lang
        alt, src = charts[0]
        assert len(alt) > 20
        svg = (example_site / lang / "metrics/nps" / src).resolve()
        assert svg.read_text().startswith("<?xml")
        assert "<table>" in html


def test_french_numbers_use_french_separators(example_site: Path):
    html = read(example_site, "fr", "metrics/service_level/index.html")
    assert re.search(r"\d,\d[\u202f\xa0]%", html)
    zh = read(example_site, "zh", "metrics/nps/index.html")
    assert "季度" in zh


def test_user_html_is_escaped(tmp_path: Path):
    from conftest import MINIMAL_REVIEW, run, write

    write(tmp_path, "config/cssite.yml", "site_name: T\nteams:\n  - id: support-emea\n    name: EMEA\n  - id: support-apac\n    name: APAC\n")
    write(tmp_path, "content/reviews/2026-Q3/support-emea.yml",
          MINIMAL_REVIEW.replace("text: Email backlog at month end", "text: <script>alert(1)</script> backlog")
          .replace("title: Q3 review", "title: Q3 review\nsummary: '**Bold** <img src=x onerror=alert(2)> [x](javascript:alert(3))'"))
    result = run("build", "--project", tmp_path)
    assert result.exit_code == 0, result.output
    html = (tmp_path / "site/en/reviews/2026-Q3/support-emea/index.html").read_text()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "<strong>Bold</strong>" in html
    assert "javascript:" not in html


def test_no_request_leaves_the_machine(example_site: Path):
    for page in example_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page
        # Links a reader may follow are fine; anything the browser loads by itself must be local.
        for url in re.findall(r'(?:<script[^>]*src|<img[^>]*src|<link[^>]*href)="(https?://[^"]+)"', html):
            pytest.fail(f"{page}: external resource {url}")


def test_failed_build_keeps_previous_site(project: Path):
    from conftest import run, write

    assert run("build", "--project", project).exit_code == 0
    before = sorted(p.relative_to(project / "site") for p in (project / "site").rglob("*"))
    # A broken link in a guidance page passes validation but fails MkDocs' strict link check.
    write(project, "content/guidance/en/index.md", "# Guide\n\nSee [nowhere](missing.md).\n")
    result = run("build", "--project", project)
    assert result.exit_code == 1
    assert "missing.md" in result.stderr and "previous site is unchanged" in result.stderr
    after = sorted(p.relative_to(project / "site") for p in (project / "site").rglob("*"))
    assert before == after
    assert not list(project.glob(".site.new-*"))


def test_example_reviews_agree_with_their_data(example_site: Path):
    """The example is what users copy: its items and objectives must not contradict its own KPIs."""
    from conftest import run

    result = run("validate", "--project", example_site.parent)
    assert result.exit_code == 0, result.output
    assert " cites " not in result.stderr and "already meets" not in result.stderr, result.stderr
    assert "has no target" not in result.stderr, result.stderr


def test_reference_lists_every_command_from_the_cli(example_site: Path):
    html = read(example_site, "fr", "reference/commands/index.html")
    for usage in ("cssite build [OPTIONS]", "cssite validate [OPTIONS]", "cssite diff [OPTIONS]",
                  "cssite i18n status [OPTIONS]", "cssite kpi [OPTIONS] EXPORT.csv"):
        assert usage in html, usage
    assert "--fail-under" in html and "--rev" in html


@pytest.mark.parametrize("lang", ["fr", "ru", "et", "zh"])
def test_theme_labels_are_translated(example_site: Path, lang: str):
    html = read(example_site, lang, REVIEW)
    for english in ("Permanent link", "Switch to dark mode", "Switch to light mode", "Made with"):
        assert english not in html, (lang, english)
