"""Every kind of bad input: exit 1, a `path:line: error:` message, and the previous site untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL_REVIEW, run, write

REVIEW = "content/reviews/2026-Q3/support-emea.yml"
KPIS = "content/metrics/kpis.csv"


def _bad_review(text: str):
    return lambda root: write(root, REVIEW, text)


CASES = {
    "malformed yaml": (_bad_review("team: support-emea\nperiod: 2026-Q3\nstrengths:\n  - id: S1\n    text: [unclosed\n"),
                       f"{REVIEW}:6: error: malformed YAML"),
    "duplicate key": (_bad_review("team: support-emea\nperiod: 2026-Q3\nteam: support-apac\n"),
                      f"{REVIEW}:3: error: duplicate key 'team' (first at line 1)"),
    "missing required field": (_bad_review("team: support-emea\ntitle: no period\n"),
                               f"{REVIEW}:1: error: missing required field 'period'"),
    "wrong type": (_bad_review(MINIMAL_REVIEW.replace("strengths:\n  - id: S1", "strengths:\n  - id: S1\n    weight: heavy")),
                   f"{REVIEW}:6: error: strengths S1: 'weight' must be a whole number, got 'heavy'"),
    "unknown team": (_bad_review(MINIMAL_REVIEW.replace("team: support-emea", "team: support-mars")),
                     f"{REVIEW}:1: error: unknown team 'support-mars'"),
    "unknown metric": (_bad_review(MINIMAL_REVIEW.replace("metrics: [first_response_time]", "metrics: [happiness]")),
                       f"{REVIEW}:7: error: unknown metric 'happiness'"),
    "bad period": (_bad_review(MINIMAL_REVIEW.replace("period: 2026-Q3", "period: 2026-Q5")),
                   f"{REVIEW}:2: error: 'period' must be a quarter like 2026-Q3, got '2026-Q5'"),
    "duplicate item id": (_bad_review(MINIMAL_REVIEW.replace("  - id: W1", "  - id: S1")),
                          f"{REVIEW}:9: error: duplicate id 'S1' (first at line 5)"),
    "objective addresses unknown item": (_bad_review(MINIMAL_REVIEW.replace("addresses: [W1, O1]", "addresses: [W9]")),
                                         f"{REVIEW}:20: error: objective 'G1' addresses 'W9', which is not an item of this review"),
    "two reviews for one team and period": (
        lambda root: write(root, "content/reviews/extra/emea-copy.yml", MINIMAL_REVIEW),
        "content/reviews/extra/emea-copy.yml:2: error: a second review for team 'support-emea' and period 2026-Q3"),
    "csv missing column": (lambda root: write(root, KPIS, "period,team,value\n2026-Q3,support-emea,3\n"),
                           f"{KPIS}:1: error: missing column metric"),
    "csv non-numeric value": (lambda root: write(root, KPIS, "period,team,metric,value\n2026-Q3,support-emea,csat,86.4\n"
                                                             "2026-Q2,support-emea,csat,high\n"),
                              f"{KPIS}:3: error: value 'high' is not a number"),
    "empty file": (_bad_review(""), f"{REVIEW}:1: error: file is empty"),
    "not utf-8": (lambda root: write(root, KPIS, "period,team,metric,value\n2026-Q3,support-emea,csat,86\n# caf\xe9\n".encode("latin-1")),
                  f"{KPIS}:3: error: file is not valid UTF-8; save it as UTF-8"),
    "impossible date": (_bad_review(MINIMAL_REVIEW.replace("due: 2027-12-31", "due: 2026-02-30")),
                        f"{REVIEW}:24: error: '2026-02-30' is not a real date"),
    "tab indentation": (_bad_review("team: support-emea\nperiod: 2026-Q3\nstrengths:\n\t- id: S1\n"),
                        f"{REVIEW}:4: error: this line is indented with a tab"),
    "list as a key": (_bad_review("team: support-emea\n? [a, b]\n: 1\n"),
                      f"{REVIEW}:2: error: a key must be a plain value"),
    "not a number target": (lambda root: write(root, "config/metrics.yml", "csat:\n  target: .nan\n"),
                            "config/metrics.yml:2: error: csat: 'target' must be a number, got nan"),
    "year out of range": (lambda root: write(root, KPIS, "period,team,metric,value\n0001-Q1,support-emea,csat,80\n"),
                          f"{KPIS}:2: error: period '0001-Q1' must be YYYY-Qn"),
    "semicolon separated csv": (lambda root: write(root, KPIS, "period;team;metric;value\n2026-Q3;support-emea;csat;80\n"),
                                f"{KPIS}:1: error: columns are separated by ';'"),
    "percent sign in a value": (lambda root: write(root, KPIS, "period,team,metric,value\n2026-Q3,support-emea,csat,86%\n"),
                                f"{KPIS}:2: error: value '86%' is not a number (write it without the % sign"),
    "team id that is a path": (lambda root: write(root, "config/cssite.yml",
                                                  "site_name: X\nteams:\n  - id: ../x\n    name: Evil\n"),
                               "config/cssite.yml:3: error: teams[1]: 'id' must be a lowercase id"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_and_site_untouched(project: Path, case: str):
    make_bad, expected = CASES[case]
    site = project / "site"
    write(site, "index.html", "previous site")
    make_bad(project)

    validate = run("validate", "--project", project)
    assert validate.exit_code == 1
    assert expected in validate.stderr, validate.stderr
    assert "Traceback" not in validate.output

    build = run("build", "--project", project)
    assert build.exit_code == 1
    assert expected in build.stderr
    assert "nothing was built" in build.stderr
    assert (site / "index.html").read_text() == "previous site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]


def test_every_problem_reported_at_once(project: Path):
    write(project, REVIEW, MINIMAL_REVIEW.replace("team: support-emea", "team: nobody")
          .replace("metrics: [first_response_time]", "metrics: [happiness]"))
    write(project, KPIS, "period,team,metric,value\n2026-13,support-emea,csat,x\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    lines = [l for l in result.stderr.splitlines() if ": error: " in l]
    assert len(lines) >= 4, result.stderr
    assert f"{REVIEW}:1: error: unknown team 'nobody'" in result.stderr
    assert f"{KPIS}:2: error: period '2026-13'" in result.stderr
    assert f"{KPIS}:2: error: value 'x' is not a number" in result.stderr


def test_valid_project_validates(project: Path):
    result = run("validate", "--project", project)
    assert result.exit_code == 0, result.output
    assert "ok: 1 review, 3 KPI values, 2 teams, 0 warnings" in result.stderr


def test_warning_fails_only_under_strict(project: Path):
    # csat has a target in the catalogue; a metric without one only warns.
    write(project, KPIS, "period,team,metric,value\n2026-Q3,support-emea,churn_rate,2.5\n")
    ok = run("validate", "--project", project)
    assert ok.exit_code == 0
    assert f"{KPIS}:2: warning: churn_rate has no target for support-emea" in ok.stderr
    strict = run("validate", "--project", project, "--strict")
    assert strict.exit_code == 1


def test_not_a_project(tmp_path: Path):
    result = run("validate", "--project", tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path.resolve()} has no config/cssite.yml: is this a cssite project?" in result.stderr


def test_usage_error_exits_2(project: Path):
    assert run("build", "--no-such-option").exit_code == 2


def test_same_kpi_twice_names_both_sources(project: Path):
    write(project, "content/metrics/more.csv", "period,team,metric,value\n2026-Q3,support-emea,csat,80\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert "content/metrics/more.csv:2: error: csat for support-emea in 2026-Q3 is given twice (also at content/metrics/kpis.csv:4)" in result.stderr


def test_reference_examples_pass_the_validator(tmp_path: Path):
    """The Reference's examples are generated from the schema; the validator must accept them."""
    from cssite.render.reference import example_csv, example_yaml
    from cssite.schema import CONFIG, KPI_CSV, REVIEW

    write(tmp_path, "config/cssite.yml", example_yaml(CONFIG).replace("content/exports/zendesk-2026.csv", "x.csv") + "\n")
    # The config example lists a raw export; give it a file so only the formats are under test.
    write(tmp_path, "x.csv", "Id,Group,Created at,Status,Satisfaction\n1,Tier 1 EMEA,2026-07-01 10:00,open,Offered\n")
    write(tmp_path, "content/reviews/example.yml", example_yaml(REVIEW) + "\n")
    write(tmp_path, "content/metrics/example.csv", example_csv(KPI_CSV) + "\n")
    result = run("validate", "--project", tmp_path)
    assert ": error: " not in result.stderr, result.stderr
    assert result.exit_code == 0


def test_reserved_ids_are_refused(project: Path):
    write(project, "config/cssite.yml", "site_name: X\nteams:\n  - id: index\n    name: I\n  - id: support-emea\n    name: E\n")
    write(project, "config/metrics.yml", "index:\n  name: I\n  unit: count\n  better: lower\n  definition: d\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert "config/cssite.yml:3: error: team id 'index' is reserved" in result.stderr
    assert "config/metrics.yml:1: error: metric id 'index' is reserved" in result.stderr


def test_new_metric_errors_point_at_the_bad_key(project: Path):
    write(project, "config/metrics.yml", "csat_v2:\n  name: CSAT v2\n  unit: percentage\n  better: up\n"
          "  definition: d\nvolume_x:\n  name: X\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert "config/metrics.yml:3: error: csat_v2: 'unit' must be one of percent" in result.stderr
    assert "config/metrics.yml:4: error: csat_v2: 'better' must be one of higher, lower, neither" in result.stderr
    assert "csat_v2' needs" not in result.stderr
    assert "config/metrics.yml:6: error: new metric 'volume_x' needs unit, better, definition" in result.stderr


@pytest.mark.parametrize("row, message", [
    ("2026-Q3,support-emea,csat,0.864,,", "csat 0.864 looks like a fraction: percentages are written from 0 to 100 (86.4, not 0.864)"),
    ("2026-Q3,support-emea,abandonment_rate,0.052,,", "abandonment_rate 0.052 looks like a fraction"),
    ("2026-Q3,support-emea,asa,-25,,", "asa cannot be negative (got -25)"),
    ("2026-Q3,support-emea,csat,86,90,80", "ci_low 90 is above ci_high 80"),
])
def test_implausible_kpi_values(project: Path, row: str, message: str):
    write(project, KPIS, f"period,team,metric,value,ci_low,ci_high\n{row}\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert f"{KPIS}:2: error: {message}" in result.stderr


def test_small_real_percentages_are_fine(project: Path):
    write(project, KPIS, "period,team,metric,value\n2026-Q3,support-emea,churn_rate,0.8\n")
    write(project, "config/metrics.yml", "churn_rate:\n  target: 2\n")
    assert run("validate", "--project", project).exit_code == 0


def test_unknown_key_suggests_the_right_one(project: Path):
    write(project, REVIEW, MINIMAL_REVIEW.replace("    weight: 3", "").replace("    text: Chat first response under two minutes",
                                                     "    text: Chat first response under two minutes\n    ratting: 3"))
    result = run("validate", "--project", project)
    assert "error: strengths S1: unknown key 'ratting' (did you mean 'rating'?)" in result.stderr


def test_text_in_a_language_the_site_does_not_build_is_a_warning(project: Path):
    write(project, REVIEW, MINIMAL_REVIEW.replace("text: New help centre", "text: {en: New help centre, ru: Новый центр}"))
    result = run("validate", "--project", project)
    assert result.exit_code == 0
    assert "warning: opportunities O1: 'text'.ru: 'ru' is not in the languages of config/cssite.yml (en), so this text is never shown" in result.stderr


@pytest.mark.parametrize("text, message", [
    ("team: support-emea\nperiod: 2026-Q3\nstrengths:\n  - id: S1\n    text: Note: fast\n",
     f"{REVIEW}:5: error: malformed YAML: mapping values are not allowed in this context (a ': ' inside a value: "
     "put the whole value in quotes)"),
    ("team: support-emea\nperiod: 2026-Q3\nstrengths:\n  - id: S1\n      text: x\n",
     f"{REVIEW}:5: error: malformed YAML: mapping values are not allowed in this context (check this line's "
     "indentation against the line above)"),
])
def test_yaml_mistakes_say_what_to_fix(project: Path, text: str, message: str):
    write(project, REVIEW, text)
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
