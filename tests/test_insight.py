"""Targets, significance, TOWS and contradiction warnings, on hand-made data with known answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL_REVIEW, run, write
from cssite.analyse.insight import tows_class, weighted_scores
from cssite.analyse.targets import status
from cssite.analyse.trends import Point, significant
from cssite.load import load_project
from cssite.model import AnalysisSettings, Item, Metric, Objective, Period, Review, Text

SETTINGS = AnalysisSettings(min_n=30, change_threshold=5.0, tolerance=5.0)
CSAT = Metric("csat", Text.plain("CSAT"), "percent", "higher", Text.plain("d"), target=85, tolerance=3)
FRT = Metric("first_response_time", Text.plain("FRT"), "minutes", "lower", Text.plain("d"), target=60)


@pytest.mark.parametrize("metric,value,expected", [
    (CSAT, 85, "met"), (CSAT, 90, "met"), (CSAT, 82, "near"), (CSAT, 81.9, "missed"),
    (FRT, 60, "met"), (FRT, 40, "met"), (FRT, 63, "near"), (FRT, 63.1, "missed"),  # 5 % of 60 = 3 minutes
])
def test_status_bands_know_which_way_is_better(metric, value, expected):
    assert status(metric, value, metric.target, SETTINGS) == expected


def test_no_status_without_target_or_direction():
    volume = Metric("ticket_volume", Text.plain("v"), "count", "neither", Text.plain("d"), target=100)
    assert status(volume, 50, 100, SETTINGS) is None
    assert status(CSAT, 50, None, SETTINGS) is None


Q2, Q3 = Period.parse("2026-Q2"), Period.parse("2026-Q3")


def test_interval_metrics_need_non_overlapping_intervals():
    small = (Point(Q2, 80, 40, 66, 90), Point(Q3, 88, 40, 75, 95))  # overlapping: noise
    large = (Point(Q2, 80, 4000, 78.7, 81.2), Point(Q3, 83, 4000, 81.8, 84.1))
    assert not significant(*small, SETTINGS)
    assert significant(*large, SETTINGS)


def test_small_samples_are_never_significant():
    assert not significant(Point(Q2, 100, 10), Point(Q3, 200, 10), SETTINGS)
    assert significant(Point(Q2, 100, 300), Point(Q3, 106, 300), SETTINGS)
    assert not significant(Point(Q2, 100, 300), Point(Q3, 104, 300), SETTINGS)  # under 5 %


def _review(*items, objectives=()):
    return Review("t", Q3, "r.yml", None, None, tuple(items), tuple(objectives))


@pytest.mark.parametrize("addresses,expected", [
    (("S1", "O1"), "SO"), (("S1", "T1"), "ST"), (("W1", "O1"), "WO"), (("W1", "T1"), "WT"),
    (("W1",), "W"), (("O1",), "O"), (("S1", "W1", "T1"), "WT"),
])
def test_tows_classification(addresses, expected):
    items = [Item(i, q, Text.plain(i)) for i, q in
             (("S1", "strengths"), ("W1", "weaknesses"), ("O1", "opportunities"), ("T1", "threats"))]
    o = Objective("G1", Text.plain("g"), addresses)
    assert tows_class(_review(*items, objectives=[o]), o) == expected


def test_weighted_scores():
    r = _review(Item("S1", "strengths", Text.plain("s"), weight=3, rating=4),
                Item("W1", "weaknesses", Text.plain("w"), weight=1, rating=1),
                Item("O1", "opportunities", Text.plain("o"), weight=2, rating=3))
    scores = {s.kind: s.total for s in weighted_scores(r)}
    assert scores == {"IFE": pytest.approx((3 * 4 + 1 * 1) / 4), "EFE": 3.0}


def test_contradictions_are_warnings(project: Path):
    write(project, "content/metrics/kpis.csv", "period,team,metric,value,n\n"
          "2026-Q3,support-emea,first_response_time,95,300\n"   # missed (target 60)
          "2026-Q3,support-emea,csat,90,300\n")                 # met (target 85)
    review = (MINIMAL_REVIEW
              .replace("text: Email backlog at month end", "text: Email backlog\n    metrics: [csat]")
              .replace("target: 30", "target: 99")
              .replace("metric: first_response_time", "metric: csat")
              .replace("due: 2027-12-31", "due: 2020-01-31"))
    write(project, "content/reviews/2026-Q3/support-emea.yml", review)
    result = run("validate", "--project", project)
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "warning: strength S1 cites first_response_time, which missed its target in 2026-Q3" in err
    assert "warning: weakness W1 cites csat, which met its target in 2026-Q3" in err
    assert "warning: objective G1 was due 2020-01-31 and is still in_progress" in err
    write(project, "content/reviews/2026-Q3/support-emea.yml", review.replace("target: 99", "target: 88"))
    assert "warning: objective G1: csat already meets the target 88" in run("validate", "--project", project).stderr


def test_example_review_pages_show_insight(example_site: Path):
    html = (example_site / "en/reviews/2026-Q3/support-emea/index.html").read_text()
    assert "What the data says" in html and "TOWS matrix" in html and "Weighted scores" in html
    changes = (example_site / "en/reviews/2026-Q3/support-emea/changes/index.html").read_text()
    assert "renamed" in changes and "reworded" in changes
    plan = (example_site / "en/teams/support-emea/index.html").read_text()
    assert "G2" in plan and "G4" in plan


@pytest.mark.parametrize("start,current,expected", [
    (70, 75, 0.5), (70, 80, 1.0), (70, 90, 1.0), (70, 65, 0.0), (None, 75, None), (None, 85, 1.0),
])
def test_progress_towards_a_target(start, current, expected):
    from cssite.analyse.targets import progress

    assert progress(CSAT, start, current, 80) == (pytest.approx(expected) if expected is not None else None)
    # Lower is better: from 120 minutes towards 60.
    assert progress(FRT, 120, 90, 60) == pytest.approx(0.5)
    assert progress(FRT, 120, 40, 60) == 1.0


def test_monthly_values_count_inside_their_quarter(project: Path):
    write(project, "content/metrics/kpis.csv", "period,team,metric,value,n\n"
          "2026-07,support-emea,first_response_time,20,300\n"
          "2026-08,support-emea,first_response_time,50,300\n"
          "2026-09,support-emea,first_response_time,95,300\n")   # September: missed (target 60)
    result = run("validate", "--project", project)
    assert "strength S1 cites first_response_time, which missed its target in 2026-09" in result.stderr
    loaded, _ = load_project(project)
    from cssite.analyse.insight import suggestions
    from cssite.analyse.trends import KpiIndex

    found = suggestions(KpiIndex(loaded), loaded.reviews[0])
    assert [(s.quadrants, s.state.metric.id, s.state.latest.period.code) for s in found] == \
        [(("weaknesses",), "first_response_time", "2026-09")]


def test_mixing_months_and_quarters_in_one_series_is_an_error(project: Path):
    write(project, "content/metrics/more.csv", "period,team,metric,value\n2026-08,support-emea,csat,80\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert ("content/metrics/more.csv:2: error: csat for support-emea is given by month here but by quarter "
            "at content/metrics/kpis.csv:4") in result.stderr


def test_action_plan_lists_overdue_objectives_first(project: Path):
    review = MINIMAL_REVIEW.replace("objectives:\n", "objectives:\n  - id: G0\n    text: Later one\n"
                                    "    addresses: [S1]\n    due: 2030-01-01\n    status: planned\n")
    write(project, "content/reviews/2026-Q3/support-emea.yml", review.replace("due: 2027-12-31", "due: 2020-01-31"))
    write(project, "content/reviews/2026-Q2/support-emea.yml", MINIMAL_REVIEW.replace("2026-Q3", "2026-Q2")
          .replace("  - id: G1", "  - id: G9"))  # G9 is left out of the Q3 review: closed, not overdue
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    plan = (project / "site/en/teams/support-emea/index.html").read_text()
    assert plan.index("<strong>G1</strong>") < plan.index("<strong>G0</strong>")
    assert "overdue" in plan and "<strong>G9</strong>" not in plan


def test_suggestions_need_a_significant_improvement(project: Path):
    from cssite.analyse.insight import suggestions
    from cssite.analyse.trends import KpiIndex

    write(project, "content/metrics/kpis.csv", "period,team,metric,value,n,ci_low,ci_high\n"
          "2026-Q2,support-emea,csat,86,200,80.5,90.1\n2026-Q3,support-emea,csat,87,200,81.6,91.0\n"  # noise
          "2026-Q2,support-emea,sla_compliance,91,900,,\n2026-Q3,support-emea,sla_compliance,97,900,,\n"
          "2025-Q3,support-emea,fcr,80,500,,\n2026-Q3,support-emea,fcr,60,500,,\n")
    loaded, diags = load_project(project)
    assert loaded is not None, diags.items
    found = {(s.quadrants, s.state.metric.id) for s in suggestions(KpiIndex(loaded), loaded.reviews[0])}
    assert found == {(("strengths",), "sla_compliance"), (("weaknesses", "threats"), "fcr")}


def test_suggestions_skip_what_the_review_already_says(project: Path):
    from cssite.analyse.insight import suggestions
    from cssite.analyse.trends import KpiIndex

    # S1 cites first_response_time; a significant improvement to 20 minutes is no news to this review.
    write(project, "content/metrics/kpis.csv", "period,team,metric,value,n\n"
          "2026-Q2,support-emea,first_response_time,42,300\n2026-Q3,support-emea,first_response_time,20,300\n")
    loaded, _ = load_project(project)
    assert suggestions(KpiIndex(loaded), loaded.reviews[0]) == []


def test_tows_one_sided_with_both_kinds():
    items = [Item(i, q, Text.plain(i)) for i, q in
             (("S1", "strengths"), ("W1", "weaknesses"), ("O1", "opportunities"), ("T1", "threats"))]
    for addresses, expected in ((("O1", "T1"), "OT"), (("S1", "W1"), "SW")):
        o = Objective("G1", Text.plain("g"), addresses)
        assert tows_class(_review(*items, objectives=[o]), o) == expected
