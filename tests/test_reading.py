"""Pages a manager reads at a glance, on the built example: home cards, action-plan progress, navigation.

Everything here reads the real HTML of the example handbook, parsed (tinyhtml5, WHATWG parsing).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tinyhtml5

from conftest import run, write

LANGS = ("en", "fr", "ru", "et", "zh")
NS = "{http://www.w3.org/1999/xhtml}"


def parse(path: Path):
    return tinyhtml5.parse(path.read_text(encoding="utf-8"))


def by_class(root, cls: str, tag: str = "*"):
    want = NS + tag if tag != "*" else None
    return [e for e in root.iter() if (want is None or e.tag == want) and cls in (e.get("class") or "").split()]


def text(e) -> str:
    return re.sub(r"\s+", " ", "".join(e.itertext())).strip()


def content(root):
    """The page's article (the part cssite writes), without Material's header, menus and footer."""
    return by_class(root, "md-content")[0]


@pytest.mark.parametrize("lang", LANGS)
def test_home_has_a_card_per_team_with_headline_kpis_and_a_tally(example_site: Path, lang: str):
    root = parse(example_site / lang / "index.html")
    cards = by_class(root, "cs-card")
    assert len(cards) == 3  # one per team, in the config's order
    assert [c.find(f".//{NS}h3").get("id") for c in cards] == [
        "team-support-emea", "team-support-americas", "team-support-apac"]
    for card in cards:
        tiles = by_class(card, "cs-tile")
        names = [text(by_class(t, "cs-tile__name")[0]) for t in tiles]
        assert len(tiles) == 4, names  # the default headline KPIs: CSAT, NPS, first response time, FCR
        assert "CSAT" in names[0] and "NPS" in names[1] and "FCR" in names[3]
        for tile in tiles:
            assert re.search(r"\d", text(by_class(tile, "cs-tile__value")[0]))
            assert by_class(tile, "cs-status")  # a status badge
            spark = by_class(tile, "cs-spark")
            assert spark and spark[0].get("role") == "img" and len(spark[0].get("aria-label")) > 10
            assert any(e.tag.endswith("polyline") for e in spark[0].iter())
        tally = by_class(card, "cs-tally")
        assert len(tally) == 1
        counts = [int(re.sub(r"\D", "", text(s))) for s in by_class(tally[0], "cs-status")]
        assert len(counts) == 3 and sum(counts) >= 10  # met / near / missed over all the team's KPIs
    # Each tally agrees with the statuses of the team's full table (folded below the cards).
    tables = [d for d in content(root).iter(NS + "details")]
    for card, table in zip(cards, tables):
        tally = [int(re.sub(r"\D", "", text(s))) for s in by_class(by_class(card, "cs-tally")[0], "cs-status")]
        assert tally == [len(by_class(table, f"cs-status--{s}")) for s in ("met", "near", "missed")]
    assert [int(re.sub(r"\D", "", text(s))) for s in by_class(by_class(cards[0], "cs-tally")[0], "cs-status")][1] == 1


@pytest.mark.parametrize("lang", LANGS)
def test_home_full_tables_are_folded_and_every_marker_is_explained(example_site: Path, lang: str):
    root = parse(example_site / lang / "index.html")
    folded = [d for d in content(root).iter(NS + "details")]
    assert len(folded) == 3 and all(d.get("open") is None for d in folded)
    assert all(len(d.findall(f".//{NS}tr")) > 10 for d in folded)
    legend = by_class(root, "cs-legend")
    assert len(legend) == 1
    html = (example_site / lang / "index.html").read_text(encoding="utf-8")
    page_text = text(content(root))
    # Every marker a card or table shows appears in the legend.
    legend_text = text(legend[0])
    for mark in ("✔", "◐", "✘", "▲", "▼", "•"):
        if mark in page_text.replace(legend_text, ""):
            assert mark in legend_text, mark
    # A change within the noise is a muted value: the words are for screen readers only, not repeated.
    muted = [m for part in by_class(root, "cs-card") + folded for m in by_class(part, "cs-change--ns")]
    assert len(muted) > 10
    assert all(by_class(m, "cs-sr") for m in muted)
    assert "<small>(" not in html


def test_home_never_says_the_period_twice(example_site: Path):
    root = parse(example_site / "en" / "index.html")
    for card in by_class(root, "cs-card"):
        line = text(card.find(f".//{NS}p"))
        assert line.startswith("Latest review: Q3 review"), line
        assert "Q3 2026" not in line
    assert "Support EMEA · Q3 2026: Q3 review" not in text(root)


@pytest.mark.parametrize("lang", LANGS)
def test_example_action_plan_shows_progress_bars(example_site: Path, lang: str):
    root = parse(example_site / lang / "teams" / "support-emea" / "index.html")
    bars = [e for e in root.iter() if e.get("role") == "progressbar"]
    assert len(bars) == 2  # G2 (FCR) and G4 (CSAT response rate), both with values after Q3 2026
    # FCR: 75.1 % at the review, 76.8 % in November, target 78 %: (76.8 − 75.1) / (78 − 75.1) = 59 %
    fcr = bars[0]
    assert fcr.get("aria-valuemin") == "0" and fcr.get("aria-valuemax") == "100"
    assert fcr.get("aria-valuenow") == "59"
    assert fcr.get("aria-label") and fcr.get("aria-valuetext")
    figures = [text(f) for f in by_class(root, "cs-progress__figure")]
    assert len(figures) == 2 and "59" in figures[0] and "%" in figures[0]
    # Objective statuses are badges with their words.
    badges = by_class(root, "cs-ostatus")
    assert {b.get("class").split("--")[1] for b in badges} == {"at_risk", "in_progress"}
    assert all(len(text(b)) > 2 for b in badges)


def test_plan_without_newer_data_says_so_in_every_language(project: Path):
    write(project, "config/cssite.yml", f"""\
        site_name: Test handbook
        languages: [{", ".join(LANGS)}]
        teams:
          - id: support-emea
            name: Support EMEA
        """)
    out = project / "site"
    result = run("build", "--project", project, "--site-dir", out)
    assert result.exit_code == 0, result.output
    from cssite.i18n import formats
    from cssite.i18n.messages import Messages
    from cssite.model import Period

    for lang in LANGS:
        html = (out / lang / "teams" / "support-emea" / "index.html").read_text(encoding="utf-8")
        assert 'role="progressbar"' not in html  # the only value is from the review's own quarter
        expected = Messages(lang)("plan.no_newer", period=formats.period(Period.parse("2026-Q3"), lang))
        assert re.sub(r"\s+", " ", expected) in text(parse(out / lang / "teams" / "support-emea" / "index.html")), lang


def test_nav_lists_each_review_with_its_changes_page_beneath_in_one_order(example_site: Path):
    root = parse(example_site / "en" / "reviews" / "index.html")
    nav = by_class(root, "md-nav--primary")[0]
    links = [(text(a), a.get("href")) for a in nav.iter(NS + "a") if "/reviews/" in (a.get("href") or "") or
             (a.get("href") or "").startswith(("2026", "./2026", "../2026"))]
    labels = [label for label, _ in links if label]
    q3 = labels.index("Support EMEA")
    assert labels[q3:q3 + 6] == ["Support EMEA", "Support EMEA: changes", "Support Americas",
                                 "Support Americas: changes", "Support APAC", "Support APAC: changes"]
    # Q2 2026 is every team's first review: no changes pages beneath them.
    assert labels[q3 + 6:q3 + 9] == ["Support EMEA", "Support Americas", "Support APAC"]
    # The home page's cards and the Reviews index list the teams in the same order.
    home = [c.find(f".//{NS}h3").get("id")[len("team-"):] for c in by_class(parse(example_site / "en/index.html"),
                                                                           "cs-card")]
    index_rows = [text(tr.findall(f"{NS}td")[0]) for tr in content(root).iter(NS + "tr") if tr.findall(f"{NS}td")]
    assert home == ["support-emea", "support-americas", "support-apac"]
    assert index_rows[:3] == ["Support EMEA", "Support Americas", "Support APAC"]


@pytest.mark.parametrize("lang", LANGS)
def test_first_review_has_no_changes_page(example_site: Path, lang: str):
    from cssite.i18n.messages import Messages

    first = Messages(lang)("review.first_review")
    assert not (example_site / lang / "reviews/2026-Q2/support-emea/changes").exists()
    assert (example_site / lang / "reviews/2026-Q3/support-emea/changes/index.html").is_file()
    team = (example_site / lang / "teams/support-emea/index.html").read_text(encoding="utf-8")
    assert first in team and "2026-Q2/support-emea/changes" not in team
    article = content(parse(example_site / lang / "reviews/2026-Q2/support-emea/index.html"))
    assert first in text(article)
    assert not [a.get("href") for a in article.iter(NS + "a") if "changes" in (a.get("href") or "")]


def test_review_pages_have_a_table_of_contents(example_site: Path):
    root = parse(example_site / "en" / "reviews/2026-Q3/support-emea/index.html")
    toc = by_class(root, "md-nav--secondary")
    assert toc
    hrefs = [a.get("href") for a in toc[0].iter(NS + "a")]
    for anchor in ("#swot", "#data", "#objectives", "#tows"):
        assert anchor in hrefs


def test_home_kpis_come_from_the_config(project: Path):
    write(project, "config/cssite.yml", """\
        site_name: Test handbook
        languages: [en]
        teams:
          - id: support-emea
            name: Support EMEA
        home_kpis: [first_response_time, csat]
        """)
    out = project / "site"
    assert run("build", "--project", project, "--site-dir", out).exit_code == 0
    root = parse(out / "en" / "index.html")
    names = [text(e) for e in by_class(root, "cs-tile__name")]
    assert names == ["First response time", "Customer satisfaction (CSAT)"]


def test_unknown_home_kpi_is_an_error_at_its_line(project: Path):
    write(project, "config/cssite.yml", """\
        site_name: Test handbook
        languages: [en]
        teams:
          - id: support-emea
            name: Support EMEA
        home_kpis: [csat, nsp]
        """)
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert "config/cssite.yml:6: error: home_kpis: unknown metric 'nsp'" in result.output


def test_months_may_follow_the_last_quarter_but_not_overlap_it(project: Path):
    write(project, "content/metrics/months.csv", "period,team,metric,value,n\n2026-10,support-emea,csat,87.0,200\n")
    assert run("validate", "--project", project).exit_code == 0
    write(project, "content/metrics/months.csv", "period,team,metric,value,n\n2026-08,support-emea,csat,87.0,200\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and "one granularity per team and metric" in result.output
