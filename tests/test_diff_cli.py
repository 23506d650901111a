"""`cssite diff` end to end: small projects under tmp_path, real output in text and JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cssite.cli import cli

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CONFIG = """\
site_name: Test handbook
languages: [en]
teams:
  - {id: support-emea, name: Support EMEA}
  - {id: support-apac, name: Support APAC}
"""

Q2 = """\
team: support-emea
period: 2026-Q2
strengths:
  - id: S1
    text: Chat first response under two minutes
    metrics: [first_response_time]
    weight: 3
weaknesses:
  - id: W2
    text: Email backlog grows on Mondays
    weight: 2
  - id: W3
    text: Knowledge base is out of date
  - id: O2
    text: Self-service portal
opportunities: []
threats:
  - id: T1
    text: Budget freeze
objectives:
  - id: G1
    text: Lift first-contact resolution
    addresses: [W2]
    status: planned
  - id: G2
    text: Hire two agents
    addresses: [W2]
"""

Q3 = """\
team: support-emea
period: 2026-Q3
strengths:
  - id: S1
    text: Chat first response under two minutes
    metrics: [first_response_time]
    weight: 5
  - id: S4
    text: Macros cut handling time
weaknesses:
  - id: W1
    text: Knowledge base is out of date
  - id: W2
    text: Email backlog above 500 on Mondays
    weight: 2
opportunities:
  - id: O2
    text: Self-service portal
objectives:
  - id: G1
    text: Lift first-contact resolution
    addresses: [W2]
    status: in_progress
  - id: G3
    text: Pilot a chatbot
    addresses: [O2]
"""

APAC_Q3 = """\
team: support-apac
period: 2026-Q3
strengths:
  - id: S1
    text: Follow-the-sun coverage
"""

EXPECTED_EMEA = """\
support-emea 2026-Q2 → 2026-Q3
  ^ S1 reweighted: 3 → 5
  + S4 added (strengths): "Macros cut handling time"
  = W1 renamed from W3
  ~ W2 reworded: "Email backlog grows on Mondays" → "Email backlog above 500 on Mondays"
  > O2 moved: weaknesses → opportunities
  - T1 removed (threats): "Budget freeze"
  * G1 status: planned → in_progress
  - G2 removed (objectives): "Hire two agents"
  + G3 added (objectives): "Pilot a chatbot\""""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    write(root / "config/cssite.yml", CONFIG)
    write(root / "content/reviews/2026-Q2/support-emea.yml", Q2)
    write(root / "content/reviews/2026-Q3/support-emea.yml", Q3)
    return root


def run(*args: str):
    return CliRunner().invoke(cli, ["diff", *args], catch_exceptions=False, prog_name="cssite")


def test_text_lists_every_kind_of_change(project):
    result = run("--project", str(project))
    assert result.exit_code == 0, result.output
    assert result.output == EXPECTED_EMEA + "\n"


def test_json_lists_every_kind_of_change(project):
    result = run("--project", str(project), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["rev"] is None and doc["removed_reviews"] == []
    [emea] = doc["reviews"]
    assert (emea["team"], emea["from"], emea["to"]) == ("support-emea", "2026-Q2", "2026-Q3")
    assert emea["new_path"] == "content/reviews/2026-Q3/support-emea.yml"
    assert [(x["kind"], x["id"]) for x in emea["items"]] == [
        ("reweighted", "S1"), ("added", "S4"), ("renamed", "W1"), ("reworded", "W2"), ("moved", "O2"), ("removed", "T1")]
    renamed = emea["items"][2]
    assert renamed["old"]["id"] == "W3" and renamed["new"]["id"] == "W1"
    reworded = emea["items"][3]
    assert reworded["old"]["text"] == "Email backlog grows on Mondays"
    assert reworded["new"]["text"] == "Email backlog above 500 on Mondays"
    moved = emea["items"][4]
    assert (moved["old"]["quadrant"], moved["new"]["quadrant"]) == ("weaknesses", "opportunities")
    assert emea["items"][0]["old"]["weight"] == 3 and emea["items"][0]["new"]["weight"] == 5
    assert [(x["kind"], x["id"]) for x in emea["objectives"]] == [("status", "G1"), ("removed", "G2"), ("added", "G3")]
    assert emea["objectives"][0]["old"]["status"] == "planned"
    assert emea["objectives"][0]["new"]["status"] == "in_progress"


def test_teams_without_changes_or_history(project):
    write(project / "content/reviews/2026-Q3/support-apac.yml", APAC_Q3)
    result = run("-p", str(project))
    assert result.exit_code == 0, result.output
    blocks = result.output.rstrip("\n").split("\n\n")
    assert blocks[0] == EXPECTED_EMEA  # teams in config order
    assert blocks[1] == ('support-apac (no earlier review) → 2026-Q3\n'
                         '  + S1 added (strengths): "Follow-the-sun coverage"')

    same = Q3.replace("2026-Q3", "2026-Q4")
    write(project / "content/reviews/2026-Q4/support-emea.yml", same)
    result = run("-p", str(project), "--team", "support-emea")
    assert result.output == "support-emea 2026-Q3 → 2026-Q4\n  no changes\n"


def test_from_and_to_pick_the_periods(project):
    write(project / "content/reviews/2026-Q4/support-emea.yml", Q3.replace("2026-Q3", "2026-Q4"))
    result = run("-p", str(project), "--from", "2026-Q2", "--to", "2026-Q4", "--team", "support-emea")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "support-emea 2026-Q2 → 2026-Q4"
    assert "  = W1 renamed from W3" in result.output.splitlines()

    result = run("-p", str(project), "--to", "2026-Q3", "--format", "json")
    [emea] = json.loads(result.output)["reviews"]
    assert (emea["from"], emea["to"]) == ("2026-Q2", "2026-Q3")


@pytest.mark.parametrize("args, message", [
    (["--team", "nobody"], "Error: --team: unknown team 'nobody' (teams: support-emea, support-apac)"),
    (["--team", "support-emae"], "Error: --team: unknown team 'support-emae' (did you mean 'support-emea'?)"),
    (["--to", "2025-Q1"], "Error: --to 2025-Q1: there are no reviews for 2025-Q1 (periods with reviews: 2026-Q2, 2026-Q3)"),
    (["--from", "2024-Q4"], "Error: --from 2024-Q4: there are no reviews for 2024-Q4 (periods with reviews: 2026-Q2, 2026-Q3)"),
    (["--from", "2026-Q3", "--to", "2026-Q2"], "Error: --from 2026-Q3 must be earlier than --to 2026-Q2"),
    (["--to", "Q3"], "Error: --to must be a quarter like 2026-Q3, got 'Q3'"),
    (["--rev", "HEAD", "--from", "2026-Q2"], "Error: --from and --rev cannot be combined"),
])
def test_bad_option_values_are_usage_errors(project, args, message):
    result = run("-p", str(project), *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Usage: cssite diff" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output


def test_team_without_reviews_is_an_error(project):
    result = run("-p", str(project), "--team", "support-apac")
    assert result.exit_code == 1
    assert "error: there are no reviews for team 'support-apac' under content/reviews/" in result.output


def test_invalid_project_lists_its_errors(tmp_path, project):
    write(project / "content/reviews/2026-Q3/support-emea.yml", Q3.replace("team: support-emea", "team: support-mars"))
    result = run("-p", str(project))
    assert result.exit_code == 1
    assert "content/reviews/2026-Q3/support-emea.yml:1: error: unknown team 'support-mars'" in result.output
    result = run("-p", str(tmp_path / "elsewhere"))
    assert result.exit_code == 1
    assert "elsewhere does not exist: is this a cssite project?" in result.output


def test_through_the_cli_group(project):
    cli = pytest.importorskip("cssite.cli").cli
    result = CliRunner().invoke(cli, ["diff", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert result.output == EXPECTED_EMEA + "\n"


# --- --rev against a temporary git repository ------------------------------------------------

@pytest.fixture
def git_env(monkeypatch, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Test Bot")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "bot@example.com")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env=os.environ.copy()).stdout.strip()


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(git_env, project):
    """The project committed with the Q3 review as in Q2 (tag v1), then edited into Q3 in the working tree."""
    q3_path = project / "content/reviews/2026-Q3/support-emea.yml"
    write(q3_path, Q2.replace("2026-Q2", "2026-Q3"))
    git(project, "init", "-q", ".")
    commit(project, "Q3 draft")
    git(project, "tag", "v1")
    write(q3_path, Q3)
    return project


@needs_git
def test_rev_compares_the_files_now_with_the_same_files_at_rev(repo):
    result = run("-p", str(repo), "--rev", "v1")
    assert result.exit_code == 0, result.output
    expected = EXPECTED_EMEA.replace("support-emea 2026-Q2 → 2026-Q3", "support-emea 2026-Q3: v1 → now")
    # The Q2 review has not changed since v1: counted, not listed.
    assert result.output == expected + "\n\n1 other review unchanged since v1\n"


@needs_git
def test_rev_reports_new_and_removed_reviews_in_json(repo):
    (repo / "content/reviews/2026-Q2/support-emea.yml").unlink()
    write(repo / "content/reviews/2026-Q3/support-apac.yml", APAC_Q3)
    result = run("-p", str(repo), "--rev", "v1", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["rev"] == "v1"
    assert doc["removed_reviews"] == [
        {"team": "support-emea", "period": "2026-Q2", "path": "content/reviews/2026-Q2/support-emea.yml"}]
    emea, apac = doc["reviews"]
    assert (emea["team"], emea["from"], emea["to"]) == ("support-emea", "2026-Q3", "2026-Q3")
    assert ("renamed", "W1") in [(x["kind"], x["id"]) for x in emea["items"]]
    assert apac["from"] is None and [x["kind"] for x in apac["items"]] == ["added"]

    text = run("-p", str(repo), "--rev", "v1").output
    assert "support-apac 2026-Q3: new since v1\n  + S1 added (strengths): \"Follow-the-sun coverage\"" in text
    assert text.endswith("support-emea 2026-Q2: removed since v1\n")


@needs_git
def test_rev_with_nothing_changed(repo):
    commit(repo, "Q3 final")
    result = run("-p", str(repo), "--rev", "HEAD")
    assert result.exit_code == 0, result.output
    assert result.output == "no changes since HEAD (2 reviews compared)\n"


@needs_git
def test_rev_filters_by_team_and_period(repo):
    result = run("-p", str(repo), "--rev", "v1", "--team", "support-emea", "--to", "2026-Q2")
    assert result.output == "no changes since v1 (1 review compared)\n"


@needs_git
def test_rev_an_old_file_todays_loader_rejects_is_left_out_with_a_warning(repo):
    write(repo / "content/reviews/2026-Q2/support-emea.yml", Q2.replace("team: support-emea", "team: support-old"))
    commit(repo, "old team id")
    git(repo, "tag", "v2")
    write(repo / "content/reviews/2026-Q2/support-emea.yml", Q2)
    result = run("-p", str(repo), "--rev", "v2")
    assert result.exit_code == 0, result.output
    # Click < 8.2 mixes stderr into output by default, later versions also keep it apart: output has both.
    assert "v2:content/reviews/2026-Q2/support-emea.yml:1: warning: unknown team 'support-old'" in result.output
    assert "support-emea 2026-Q2: new since v2" in result.output


@needs_git
def test_rev_missing_revision_is_a_clear_error(repo):
    result = run("-p", str(repo), "--rev", "no-such-tag")
    assert result.exit_code == 2
    assert "Error: --rev: unknown revision 'no-such-tag'" in result.output
    assert "Traceback" not in result.output


@needs_git
def test_rev_in_a_shallow_clone_suggests_unshallow(repo, tmp_path):
    first = git(repo, "rev-parse", "v1")
    write(repo / "content/reviews/2026-Q3/support-emea.yml", Q3)
    commit(repo, "Q3 final")
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), "ci")
    result = run("-p", str(tmp_path / "ci"), "--rev", first)
    assert result.exit_code == 1
    assert "shallow clone" in result.output and "git fetch --unshallow" in result.output
    assert "fetch-depth: 0" in result.output


def test_rev_outside_git_is_a_clear_error(project, monkeypatch, tmp_path):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = run("-p", str(project), "--rev", "HEAD")
    assert result.exit_code == 1
    assert "is not in a git repository" in result.output
    assert "Traceback" not in result.output
