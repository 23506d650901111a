"""`cssite review new`: next quarter's review from the latest one, so the changes page shows only real edits."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from conftest import run, write

Q3 = """\
# Support EMEA's own note: reviewed in the September workshop.
team: support-emea
period: 2026-Q3  # the quarter this review covers
title: Q3 review
summary: A calm quarter.
strengths:
  # What customers mention first.
  - id: S1
    text: {en: Chat first response under two minutes, fr: Première réponse du chat en moins de deux minutes}
    metrics: [first_response_time]
    weight: 3  # raised after the survey
weaknesses:
  - id: W1
    text: Email backlog at month end
opportunities:
  - id: O1
    text: New help centre
threats:
  - id: T1
    text: Competitor offers 24/7 chat
objectives:
  - id: G1
    text: Clear the month-end backlog
    addresses: [W1, O1]
    status: in_progress
    due: 2026-12-31
  - id: G2
    text: Pilot a chatbot
    addresses: [O1]
  - id: G3
    text: Hire two agents
    addresses: [W1]
    status: done
  - id: G4
    text: Open a second site
    addresses: [T1]
    status: dropped
"""


def _project(project: Path) -> Path:
    write(project, "content/reviews/2026-Q3/support-emea.yml", Q3)
    return project


def test_review_new_carries_items_and_open_objectives(project: Path):
    _project(project)
    result = run("review", "new", "support-emea", "--project", project)
    assert result.exit_code == 0, result.output
    path = project / "content/reviews/2026-Q4/support-emea.yml"
    text = path.read_text()
    assert text.startswith("# support-emea for 2026-Q4, started by `cssite review new`")
    assert "Left out as finished: G3 (done), G4 (dropped)." in text
    new, old = yaml.safe_load(text), yaml.safe_load(Q3)
    assert new["period"] == "2026-Q4" and new["title"] == "Q4 review" and new["summary"] == old["summary"]
    for q in ("strengths", "weaknesses", "opportunities", "threats"):
        assert new[q] == old[q]
    assert [o["id"] for o in new["objectives"]] == ["G1", "G2"]
    assert new["objectives"][0] == old["objectives"][0]
    assert run("validate", "--project", project).exit_code == 0
    diff = run("diff", "--project", project, "--team", "support-emea")
    assert diff.output.splitlines()[1:] == ['  - G3 removed (objectives): "Hire two agents"',
                                            '  - G4 removed (objectives): "Open a second site"']


def test_review_new_keeps_the_teams_comments_and_layout(project: Path):
    """The team's file as they wrote it: comments, flow lists, key order, texts; only the quarter moves on."""
    _project(project)
    assert run("review", "new", "support-emea", "--project", project).exit_code == 0
    text = (project / "content/reviews/2026-Q4/support-emea.yml").read_text()
    header, body = text.split("\n\n", 1)
    assert all(line.startswith("#") for line in header.splitlines())
    # Line by line, the body is the source with the period and the title moved on and G3, G4 gone.
    expected = Q3.replace("period: 2026-Q3  #", "period: 2026-Q4  #").replace("title: Q3 review", "title: Q4 review")
    expected = expected[:expected.index("  - id: G3")]
    assert body == expected
    for kept in ("# Support EMEA's own note", "# the quarter this review covers", "  # What customers mention first.",
                 "weight: 3  # raised after the survey", "metrics: [first_response_time]",
                 "text: {en: Chat first response under two minutes, fr: Première réponse du chat en moins de deux "
                 "minutes}"):
        assert kept in body

    # A review started from one that `review new` wrote gets one header, not two.
    assert run("review", "new", "support-emea", "--project", project).exit_code == 0
    again = (project / "content/reviews/2027-Q1/support-emea.yml").read_text()
    assert again.count("started by `cssite review new`") == 1
    assert "# Support EMEA's own note" in again and yaml.safe_load(again)["title"] == "Q1 review"


def test_review_new_moves_titles_on_in_each_language(project: Path):
    write(project, "config/cssite.yml", "site_name: T\nlanguages: [en, fr, ru, et, zh]\nteams:\n"
                                        "  - {id: support-emea, name: Support EMEA}\n")
    write(project, "content/reviews/2026-Q4/support-emea.yml", Q3.replace("2026-Q3", "2026-Q4").replace(
        "title: Q3 review", "title:\n  en: Q4 2026 review\n  fr: Revue du T4 2026\n  ru: Обзор за IV квартал\n"
        "  et: IV kvartali analüüs\n  zh: 第四季度回顾"))
    (project / "content/reviews/2026-Q3/support-emea.yml").unlink()
    assert run("review", "new", "support-emea", "--project", project).exit_code == 0
    text = (project / "content/reviews/2027-Q1/support-emea.yml").read_text()
    assert yaml.safe_load(text)["title"] == {"en": "Q1 2027 review", "fr": "Revue du T1 2027", "ru": "Обзор за I квартал",
                                             "et": "I kvartali analüüs", "zh": "第一季度回顾"}
    assert "the title now names 2027-Q1" in text
    # A title that names no quarter is kept as written, and the header says to check it.
    path = project / "content/reviews/2027-Q1/support-emea.yml"
    path.write_text(text.replace("Q1 2027 review", "Our busiest season"))
    assert run("review", "new", "support-emea", "--project", project).exit_code == 0
    later = (project / "content/reviews/2027-Q2/support-emea.yml").read_text()
    assert yaml.safe_load(later)["title"]["en"] == "Our busiest season"
    assert "the title (en) names no quarter cssite recognises: check it still fits 2027-Q2" in later


def test_review_new_never_overwrites_and_checks_its_arguments(project: Path):
    _project(project)
    existing = write(project, "content/reviews/2026-Q4/support-emea.yml", "team: support-emea\nperiod: 2026-Q4\n")
    result = run("review", "new", "support-emea", "2026-Q4", "--project", project)
    assert result.exit_code == 1
    assert "content/reviews/2026-Q4/support-emea.yml: error: a review for support-emea and 2026-Q4 already " \
           "exists" in result.output
    assert existing.read_text() == "team: support-emea\nperiod: 2026-Q4\n"
    result = run("review", "new", "support-emea", "--project", project)  # the quarter after the latest (Q4)
    assert result.exit_code == 0, result.output
    assert (project / "content/reviews/2027-Q1/support-emea.yml").is_file()
    for args, message in ((["support-emea", "2026-Q1"], "is not after"), (["support-emea", "2026-13"], "a quarter"),
                          (["support-emae"], "did you mean 'support-emea'"), (["support-apac"], "has no review yet")):
        result = run("review", "new", *args, "--project", project)
        assert result.exit_code in (1, 2) and message in result.output, (args, result.output)


def test_from_init_to_next_quarter_the_changes_page_shows_only_the_edit(tmp_path: Path):
    target = tmp_path / "handbook"
    assert run("init", target, "--languages", "en,fr").exit_code == 0
    [first] = sorted((target / "content/reviews").glob("*/support.yml"))
    result = run("review", "new", "support", "--project", target)
    assert result.exit_code == 0, result.output
    [second] = [p for p in (target / "content/reviews").glob("*/support.yml") if p != first]
    data = yaml.safe_load(second.read_text())
    old_text = data["weaknesses"][0]["text"]["en"]
    edited = second.read_text().replace(old_text, "E-mail tickets now wait only at quarter end")
    assert edited != second.read_text()
    second.write_text(edited)
    result = run("build", "--project", target)
    assert result.exit_code == 0, result.output
    page = (target / f"site/en/reviews/{data['period']}/support/changes/index.html").read_text()
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]  # the items table; the header row is first
    body = [r for r in rows if "<th" not in r]
    assert len(body) == 1, body
    assert "W1" in body[0] and "E-mail tickets now wait only at quarter end" in body[0]
    assert "No objective changed." in page
    assert page.count("<table") == 1  # nothing changed in the objectives: no second table
