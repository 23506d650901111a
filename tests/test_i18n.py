"""Languages: the message catalogue, locale formatting, chart glyphs, translation status."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import pytest

from conftest import MINIMAL_REVIEW, run, write
from cssite.i18n import formats
from cssite.i18n.messages import catalogue
from cssite.model import Period
from cssite.render.charts import ChartSpec, draw
from cssite.schema import SUPPORTED_LANGUAGES

PLACEHOLDER = re.compile(r"{(\w+)}")


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_catalogue_has_every_message_with_its_placeholders(lang: str):
    english, other = catalogue("en"), catalogue(lang)
    assert sorted(set(english) - set(other)) == [], f"missing in {lang}"
    assert sorted(set(other) - set(english)) == [], f"unknown keys in {lang}"
    for key, text in english.items():
        assert isinstance(other[key], str) and other[key].strip(), key
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(other[key])), key


def test_numbers_dates_and_periods_follow_the_locale():
    assert formats.percent(86.4, "fr") == "86,4\u202f%" or formats.percent(86.4, "fr") == "86,4\xa0%"
    assert formats.percent(86.4, "et") == "86,4%"
    assert formats.percent(86.4, "zh") == "86.4%"
    assert formats.number(1234, "fr", 0) in ("1\u202f234", "1\xa0234")
    assert formats.number(1234, "ru", 0) == "1\xa0234"
    assert formats.number(1234, "en", 0) == "1,234"
    assert formats.date(dt.date(2026, 9, 30), "zh") == "2026年9月30日"
    assert formats.date(dt.date(2026, 9, 30), "fr") == "30 septembre 2026"
    assert formats.date(dt.date(2026, 9, 30), "et") == "30. september 2026"
    q3 = Period.parse("2026-Q3")
    assert formats.period(q3, "zh") == "2026年第3季度"
    assert formats.period(q3, "fr") == "T3 2026"
    assert formats.kpi_value(42.5, "minutes", "ru") == "42,5 мин"
    assert formats.kpi_change(-2.5, "percent", "en") == "\u22122.5"


@pytest.mark.parametrize("label", ["客户满意度 第3季度", "Удовлетворённость клиентов", "Kliendi rahulolu šžõäöü", "1\u202f234,5\u00a0%"])
def test_chart_text_has_every_glyph(label: str):
    spec = ChartSpec(x_labels=(label, "2026年第3季度"), values=(1.0, 2.0), value_labels=(label, "2"),
                     y_ticks=(0.0, 3.0), y_tick_labels=("0", label), target=2.5, target_label=label)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        svg = draw(spec).decode()
    assert svg.startswith("<?xml") and "<path" in svg
    assert "<text" not in svg  # text is drawn as outlines, so no font is needed to view it


def test_i18n_status_lists_missing_translations(project: Path):
    write(project, "config/cssite.yml", """\
        site_name: {en: Handbook, fr: Manuel}
        languages: [en, fr, zh]
        teams:
          - id: support-emea
            name: {en: Support EMEA, fr: Support EMEA, zh: EMEA 支持}
          - id: support-apac
            name: Support APAC
        """)
    result = run("i18n", "status", "--project", project)
    assert result.exit_code == 0, result.output
    assert "fr: 2/" in result.stdout
    assert "config/cssite.yml:7: zh: teams.support-apac.name" in result.stdout
    assert "content/reviews/2026-Q3/support-emea.yml:6: fr: strengths.S1.text" in result.stdout
    failing = run("i18n", "status", "--project", project, "--fail-under", "50")
    assert failing.exit_code == 1
    assert "translation below 50 %" in failing.stderr


def test_untranslated_text_is_marked_in_the_page(project: Path):
    write(project, "config/cssite.yml", """\
        site_name: {en: Handbook, fr: Manuel}
        languages: [fr, en]
        teams:
          - id: support-emea
            name: {en: Support EMEA, fr: Support EMEA}
          - id: support-apac
            name: Support APAC
        """)
    # Review text written as plain strings is in the default language (fr here) ...
    write(project, "content/reviews/2026-Q3/support-emea.yml",
          MINIMAL_REVIEW.replace("text: New help centre", "text: {fr: Nouveau centre d'aide}")
          .replace("title: Q3 review", "title: {en: Q3 review}"))
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    html = (project / "site/fr/reviews/2026-Q3/support-emea/index.html").read_text()
    assert "Nouveau centre d'aide" in html
    assert '<span lang="en">Q3 review</span>' in html
    assert "non traduit" in html
    en = (project / "site/en/reviews/2026-Q3/support-emea/index.html").read_text()
    assert '<span lang="fr">Nouveau centre' in en and "not translated" in en


def test_i18n_status_counts_guidance_pages(project: Path):
    write(project, "config/cssite.yml", "site_name: {en: H, fr: M}\nlanguages: [en, fr]\nteams:\n"
          "  - id: support-emea\n    name: {en: E, fr: E}\n  - id: support-apac\n    name: {en: A, fr: A}\n")
    write(project, "content/guidance/en/swot.md", "# SWOT\n")
    write(project, "content/guidance/fr/accueil.md", "# Accueil\n")
    result = run("i18n", "status", "--project", project)
    assert "content/guidance/en/swot.md:1: fr: guidance page" in result.stdout
    assert "content/guidance/fr/accueil.md:1: en: guidance page" in result.stdout
