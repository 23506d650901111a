"""Guidance parity: every language's guidance page has the English sections and the English figures.

The example handbook's own guidance is checked in every language listed in CHECKED; the fixtures
below show that the check fails on a page that drops a section or changes a figure, and that it
reads each language's own number formatting.

Conventions for translators (see cssite/i18n/parity.py): every heading carries the English page's
`{#id}`; every figure that is a fact (a percentage, a threshold, a year, a count from a study, a
formula's constant) is written in digits, in the language's own number format; structural counts
("three reasons", "eight areas") are written as words (zh: 三、八) in every language; ordered-list
numbers, link targets and `{#ids}` are ignored.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cssite.i18n.parity import INTRO, compare, numbers, outline

REPO = Path(__file__).resolve().parent.parent

# Languages whose guidance has been rewritten from the English outline: all five.
CHECKED = ["en", "fr", "ru", "et", "zh"]


def _guidance_root() -> Path:
    """Where the example's guidance lives (shipped in the package, or the project's content/)."""
    for candidate in (REPO / "cssite" / "data" / "guidance", REPO / "content" / "guidance"):
        if (candidate / "en").is_dir():
            return candidate
    raise AssertionError("no guidance folder with an en/ subfolder in cssite/data/guidance or content/guidance")


def _read(root: Path, langs: list[str]) -> dict[str, dict[str, str]]:
    return {lang: {p.relative_to(root / lang).as_posix(): p.read_text(encoding="utf-8")
                   for p in sorted((root / lang).rglob("*.md"))} for lang in langs}


def test_example_guidance_has_same_sections_and_figures_in_every_checked_language():
    root = _guidance_root()
    pages = _read(root, CHECKED)
    assert len(pages["en"]) >= 6, sorted(pages["en"])
    problems = compare(pages, "en", CHECKED)
    assert not problems, "\n".join(map(str, problems))


def test_every_english_guidance_heading_has_an_explicit_id_and_figures_are_found():
    root = _guidance_root()
    for name, text in _read(root, ["en"])["en"].items():
        sections, own = outline(text, "en")
        assert not own, (name, own)
        assert len(sections) >= 3, name  # the intro and at least two headed sections
    indicators, _ = outline((root / "en" / "indicators.md").read_text(encoding="utf-8"), "en")
    reading = next(s for s in indicators if s.id == "reading-the-numbers")
    # The NPS worked example and the interval constant are seen as figures.
    assert {Decimal(200), Decimal(50), Decimal(20), Decimal(30), Decimal(11), Decimal("1.96")} <= reading.numbers


EN = """\
# Indicators

Lead paragraph with 3 figures: 24 hours.

## Reading the numbers {#reading}

With 200 responses, 50 % promoters and 20 % detractors, NPS is 30 ± 11; z = 1.96.
A churn of 5 % a month is about 46 % a year. Volume: 12,500 tickets, CSAT 86.4 %.

## Cadence {#cadence}

Monthly or quarterly. See [the trend](../metrics/nps.md#trend-2026).
"""

FR = """\
# Indicateurs

Paragraphe d’introduction avec 3 chiffres : 24 heures.

## Lire les chiffres {#reading}

Avec 200 réponses, 50\u202f% de promoteurs et 20\u00a0% de détracteurs, le NPS vaut 30 ± 11 ; z = 1,96.
Un attrition de 5 % par mois donne environ 46 % par an. Volume : 12\u202f500 tickets, CSAT 86,4\u202f%.

## Rythme {#cadence}

Mensuel ou trimestriel. Voir [la tendance](../metrics/nps.md#trend-2026).
"""

RU = """\
# Показатели

Вступление, 3 цифры: 24 часа.

## Как читать цифры {#reading}

При 200 ответах, 50 % промоутеров и 20 % критиков NPS равен 30 ± 11; z = 1,96.
Отток 5 % в месяц — около 46 % в год. Объём: 12\u00a0500 обращений, CSAT 86,4 %.

## Периодичность {#cadence}

Ежемесячно или ежеквартально.
"""

ZH = """\
# 指标

导言：3 个数字，24小时。

## 如何解读数据 {#reading}

200 份回答中推荐者占50%、贬损者占20%，NPS 为30±11；z = 1.96。
每月流失5%，一年约为46%。工单量12,500张，CSAT 86.4%。

## 复盘频率 {#cadence}

按月或按季度。
"""


def _pages(**by_lang: str) -> dict[str, dict[str, str]]:
    return {lang: {"indicators.md": text} for lang, text in by_lang.items()}


def test_locale_formatting_is_read_as_the_same_numbers():
    assert compare(_pages(en=EN, fr=FR, ru=RU, zh=ZH)) == []
    assert numbers("12,6\u202f% et 0,5 ; 1\u00a0234,5", "fr") == {Decimal("12.6"), Decimal("0.5"), Decimal("1234.5")}
    assert numbers("0,5 и 1 000", "ru") == {Decimal("0.5"), Decimal(1000)}
    assert numbers("1,234.5 and 0.5", "en") == {Decimal("1234.5"), Decimal("0.5")}
    assert numbers("提升1.3个单位，约5倍", "zh") == {Decimal("1.3"), Decimal(5)}
    # Ranges, signs, p90 and version names.
    assert numbers("from −100 to +100, 9–10, p90, CES 2.0", "en") == {Decimal(100), Decimal(9), Decimal(10),
                                                                       Decimal(90), Decimal(2)}
    # Link targets, attribute lists and ordered-list markers are not figures.
    assert numbers("[see](../metrics/q3-2026.md) {#step-2}", "en") == set()
    assert numbers("3. **Train** agents", "en") == set()
    assert numbers("1. Within 24 hours.", "en") == {Decimal(24)}


def test_fails_on_a_page_that_drops_a_section_naming_page_section_and_language():
    dropped = FR.split("## Rythme")[0]
    problems = compare(_pages(en=EN, fr=dropped))
    assert [(p.page, p.section, p.lang) for p in problems] == [("indicators.md", "cadence", "fr")]
    assert "section is missing" in str(problems[0])
    assert str(problems[0]).startswith("indicators.md § cadence: fr: ")


def test_fails_on_a_page_that_changes_a_figure():
    changed = RU.replace("30 ± 11", "30 ± 12")
    problems = compare(_pages(en=EN, ru=changed))
    assert [(p.page, p.section, p.lang) for p in problems] == [("indicators.md", "reading", "ru")]
    assert "missing 11" in problems[0].message and "12" in problems[0].message
    # A figure written with the wrong decimal mark for the language is a changed figure too.
    dotted = FR.replace("1,96", "1.96").replace("86,4\u202f%", "86.4 %").replace("12\u202f500", "12,500")
    problems = compare(_pages(en=EN, fr=dotted))
    assert [(p.section, p.lang) for p in problems] == [("reading", "fr")]
    assert "missing 12500" in problems[0].message


def test_fails_on_a_dropped_figure_in_the_intro_and_on_an_extra_section():
    no_intro_figure = ZH.replace("24小时", "一天")
    problems = compare(_pages(en=EN, zh=no_intro_figure))
    assert [(p.section, p.lang) for p in problems] == [(INTRO, "zh")]
    extra = RU + "\n## Лишний раздел {#extra}\n\nТекст.\n"
    problems = compare(_pages(en=EN, ru=extra))
    assert [(p.section, p.lang) for p in problems] == [("extra", "ru")]


def test_fails_on_a_heading_without_id_a_duplicate_id_and_a_missing_page():
    no_id = FR.replace("## Rythme {#cadence}", "## Rythme")
    problems = [str(p) for p in compare(_pages(en=EN, fr=no_id))]
    assert any("fr: line" in p and "no explicit id" in p for p in problems), problems
    assert any("§ cadence: fr: section is missing" in p for p in problems), problems
    dup = EN.replace("{#cadence}", "{#reading}")
    assert any("used twice" in str(p) for p in compare(_pages(en=dup)))
    problems = compare({"en": {"indicators.md": EN, "swot.md": EN}, "fr": {"indicators.md": FR}})
    assert [(p.page, p.lang, p.message) for p in problems] == [("swot.md", "fr", "page is missing")]


def test_headings_inside_code_blocks_are_not_sections():
    text = EN + "\n```\n## not a heading\n```\n"
    sections, own = outline(text, "en")
    assert own == [] and [s.id for s in sections] == [INTRO, "reading", "cadence"]


@pytest.mark.parametrize("lang", ["fr", "ru", "et", "zh"])
def test_every_language_has_every_english_page(lang):
    root = _guidance_root()
    assert sorted(_read(root, ["en"])["en"]) == sorted(_read(root, [lang])[lang])
