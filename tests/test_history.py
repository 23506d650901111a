"""Review diffs (cssite.analyse.history) and git facts (cssite.gitinfo)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cssite.analyse.history import diff_reviews, diff_to_dict, previous_reviews
from cssite.errors import InputError
from cssite.gitinfo import LastChange, files_at_revision, last_changes
from cssite.model import Item, Objective, Period, Review, Text

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def item(id, quadrant, text, weight=None, **texts):
    return Item(id, quadrant, Text({"en": text, **texts}), weight=weight)


def objective(id, text, status="planned", addresses=("W1",)):
    return Objective(id, Text.plain(text), tuple(addresses), status=status)


def review(period, items=(), objectives=(), team="support-emea"):
    return Review(team, Period.parse(period), f"content/reviews/{period}/{team}.yml", None, None,
                  tuple(items), tuple(objectives))


def kinds(d):
    return [(c.kind, c.item_id) for c in d.items]


# --- diff_reviews -----------------------------------------------------------------------------

def test_unchanged_review_is_empty():
    items = [item("S1", "strengths", "Fast chat"), item("W1", "weaknesses", "Slow email", 2)]
    d = diff_reviews(review("2026-Q2", items), review("2026-Q3", items), "en")
    assert d.empty and d.items == () and d.objectives == ()
    assert d.team == "support-emea"


def test_added_and_removed():
    old = review("2026-Q2", [item("S1", "strengths", "Fast chat"), item("T1", "threats", "Budget cut")])
    new = review("2026-Q3", [item("S1", "strengths", "Fast chat"), item("S4", "strengths", "New macros")])
    d = diff_reviews(old, new, "en")
    assert kinds(d) == [("added", "S4"), ("removed", "T1")]
    added, removed = d.items
    assert added.old is None and added.new.text.values["en"] == "New macros"
    assert removed.new is None and removed.old.quadrant == "threats"
    assert not d.empty


def test_reworded_moved_and_reweighted_are_all_reported():
    old = review("2026-Q2", [item("W2", "weaknesses", "Email backlog", 2)])
    new = review("2026-Q3", [item("W2", "opportunities", "Email backlog above 500", 4)])
    d = diff_reviews(old, new, "en")
    assert kinds(d) == [("moved", "W2"), ("reworded", "W2"), ("reweighted", "W2")]
    moved = d.items[0]
    assert (moved.old.quadrant, moved.new.quadrant) == ("weaknesses", "opportunities")


def test_whitespace_is_not_a_rewording_but_case_is():
    old = review("2026-Q2", [item("S1", "strengths", "Fast  chat\nreplies"), item("S2", "strengths", "kb")])
    new = review("2026-Q3", [item("S1", "strengths", "Fast chat replies"), item("S2", "strengths", "KB")])
    assert kinds(diff_reviews(old, new, "en")) == [("reworded", "S2")]


def test_rewording_is_judged_in_the_default_language():
    old = review("2026-Q2", [item("S1", "strengths", "Fast chat", fr="Chat rapide")])
    new = review("2026-Q3", [item("S1", "strengths", "Fast chat", fr="Le chat est rapide")])
    assert diff_reviews(old, new, "en").empty
    assert kinds(diff_reviews(old, new, "fr")) == [("reworded", "S1")]


def test_new_id_with_same_text_is_one_rename():
    old = review("2026-Q2", [item("W3", "weaknesses", "Email first reply is slow")])
    new = review("2026-Q3", [item("W1", "weaknesses", "  email first REPLY is slow ")])
    d = diff_reviews(old, new, "en")
    assert kinds(d) == [("renamed", "W1")]
    c = d.items[0]
    assert (c.old.id, c.new.id) == ("W3", "W1")


def test_renamed_and_moved_reports_both():
    old = review("2026-Q2", [item("W3", "weaknesses", "Self-service portal", 2)])
    new = review("2026-Q3", [item("O5", "opportunities", "Self-service portal", 3)])
    assert kinds(diff_reviews(old, new, "en")) == [("renamed", "O5"), ("moved", "O5"), ("reweighted", "O5")]


def test_rename_prefers_a_partner_in_the_same_quadrant():
    old = review("2026-Q2", [item("S9", "strengths", "Night shift"), item("W9", "weaknesses", "Night shift")])
    new = review("2026-Q3", [item("W1", "weaknesses", "Night shift")])
    d = diff_reviews(old, new, "en")
    assert kinds(d) == [("removed", "S9"), ("renamed", "W1")]
    assert d.items[1].old.id == "W9"


def test_order_is_quadrant_then_natural_id():
    new = review("2026-Q3", [item("T1", "threats", "a"), item("S10", "strengths", "b"), item("O1", "opportunities", "c"),
                             item("S2", "strengths", "d"), item("W1", "weaknesses", "e")])
    d = diff_reviews(review("2026-Q2"), new, "en")
    assert [c.item_id for c in d.items] == ["S2", "S10", "W1", "O1", "T1"]


def test_objectives_added_removed_status_reworded():
    old = review("2026-Q2", objectives=[objective("G1", "Lift FCR", "planned"), objective("G2", "Hire two agents"),
                                        objective("G3", "Macro audit", "done")])
    new = review("2026-Q3", objectives=[objective("G1", "Lift FCR", "in_progress"), objective("G3", "Audit all macros", "done"),
                                        objective("G4", "Chatbot pilot")])
    d = diff_reviews(old, new, "en")
    assert [(c.kind, c.objective_id) for c in d.objectives] == [
        ("status", "G1"), ("removed", "G2"), ("reworded", "G3"), ("added", "G4")]
    status = d.objectives[0]
    assert (status.old.status, status.new.status) == ("planned", "in_progress")


def test_first_review_has_everything_added():
    new = review("2026-Q3", [item("S1", "strengths", "Fast chat")], [objective("G1", "Lift FCR", addresses=("S1",))])
    d = diff_reviews(None, new, "en")
    assert d.old is None
    assert kinds(d) == [("added", "S1")] and [c.kind for c in d.objectives] == ["added"]


def test_previous_review_is_the_latest_earlier_of_the_same_team():
    q1, q2, q4 = review("2026-Q1"), review("2026-Q2"), review("2026-Q4")
    other = review("2026-Q3", team="support-apac")
    reviews = [q4, other, q1, q2]
    previous = previous_reviews(reviews)
    assert previous[id(q4)] is q2
    assert previous[id(q1)] is None
    assert previous[id(other)] is None


def test_diff_to_dict_is_json_ready():
    old = review("2026-Q2", [item("W2", "weaknesses", "Backlog", 2)], [objective("G1", "Lift FCR", "planned", ("W2",))])
    new = review("2026-Q3", [item("W2", "opportunities", "Backlog", 3)], [
        Objective("G1", Text.plain("Lift FCR"), ("W2",), "fcr", 80, "Jane", dt.date(2026, 12, 31), "done")])
    data = diff_to_dict(diff_reviews(old, new, "en"), "en")
    assert json.loads(json.dumps(data)) == data
    assert data["team"] == "support-emea" and data["from"] == "2026-Q2" and data["to"] == "2026-Q3"
    assert data["empty"] is False
    assert [(x["kind"], x["id"]) for x in data["items"]] == [("moved", "W2"), ("reweighted", "W2")]
    assert data["items"][0]["old"]["quadrant"] == "weaknesses" and data["items"][0]["new"]["quadrant"] == "opportunities"
    assert data["items"][1]["old"]["weight"] == 2 and data["items"][1]["new"]["weight"] == 3
    g1 = data["objectives"][0]
    assert g1["kind"] == "status" and g1["old"]["status"] == "planned" and g1["new"]["status"] == "done"
    assert g1["new"]["due"] == "2026-12-31"


# --- gitinfo --------------------------------------------------------------------------------

@pytest.fixture
def git_env(monkeypatch, tmp_path):
    """Isolate git from the user's configuration and give commits a fixed identity."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{who}_DATE", raising=False)
        monkeypatch.setenv(f"GIT_{who}_NAME", "Test Bot")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "bot@example.com")


def git(cwd: Path, *args: str, **env: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, **env}).stdout.strip()


def commit(repo: Path, message: str, author: str = "Test Bot", date: str = "2026-04-02T10:00:00+00:00") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, GIT_AUTHOR_NAME=author, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return git(repo, "rev-parse", "--short", "HEAD")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@needs_git
def test_last_changes_gives_author_date_and_commit(git_env, tmp_path):
    repo = tmp_path / "repo"
    project = repo / "handbook"  # the project need not be the repository's top folder
    write(project / "content/reviews/a.yml", "a: 1\n")
    write(project / "content/reviews/2026-Q3/b c.yml", "b: 1\n")
    git(repo.parent, "init", "-q", str(repo))
    first = commit(repo, "first", "Ann Example", "2026-04-02T10:00:00+00:00")
    write(project / "content/reviews/a.yml", "a: 2\n")
    second = commit(repo, "second", "Bob Exämple", "2026-07-15T09:30:00+00:00")
    write(project / "content/reviews/new.yml", "c: 1\n")  # never committed

    got = last_changes(project, ["content/reviews/a.yml", "content/reviews/2026-Q3/b c.yml", "content/reviews/new.yml"])
    assert got == {
        "content/reviews/a.yml": LastChange(dt.date(2026, 7, 15), "Bob Exämple", second),
        "content/reviews/2026-Q3/b c.yml": LastChange(dt.date(2026, 4, 2), "Ann Example", first),
    }


@needs_git
def test_last_changes_runs_git_once(git_env, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    for i in range(20):
        write(repo / f"content/reviews/r{i}.yml", f"n: {i}\n")
    git(tmp_path, "init", "-q", str(repo))
    commit(repo, "all")
    calls = []
    real = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a) or real(*a, **k))
    got = last_changes(repo, [f"content/reviews/r{i}.yml" for i in range(20)])
    assert len(got) == 20 and len(calls) == 1


def test_last_changes_outside_git_is_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    write(tmp_path / "content/reviews/a.yml", "a: 1\n")
    assert last_changes(tmp_path, ["content/reviews/a.yml"]) == {}


@needs_git
def test_last_changes_without_git_is_empty(git_env, tmp_path, monkeypatch):
    # A real repository with a commit, so only the missing git program can explain an empty answer.
    git(tmp_path, "init", "-q", ".")
    write(tmp_path / "content/reviews/a.yml", "a: 1\n")
    commit(tmp_path, "first")
    assert last_changes(tmp_path, ["content/reviews/a.yml"])  # found while git is on PATH
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert last_changes(tmp_path, ["content/reviews/a.yml"]) == {}


@needs_git
def test_last_changes_in_a_repository_without_commits_is_empty(git_env, tmp_path):
    git(tmp_path, "init", "-q", ".")
    write(tmp_path / "content/reviews/a.yml", "a: 1\n")
    assert last_changes(tmp_path, ["content/reviews/a.yml"]) == {}


@needs_git
def test_files_at_revision_reads_old_texts(git_env, tmp_path):
    repo = tmp_path / "repo"
    write(repo / "content/reviews/2026-Q3/emea.yml", "old: 1\n")
    write(repo / "content/reviews/notes.md", "not a review\n")
    git(tmp_path, "init", "-q", str(repo))
    commit(repo, "one")
    git(repo, "tag", "v1")
    write(repo / "content/reviews/2026-Q3/emea.yml", "new: 1\n")
    write(repo / "content/reviews/apac.yaml", "apac: é\n")
    commit(repo, "two")
    assert files_at_revision(repo, "v1") == {"content/reviews/2026-Q3/emea.yml": "old: 1\n"}
    assert files_at_revision(repo, "HEAD") == {"content/reviews/2026-Q3/emea.yml": "new: 1\n",
                                               "content/reviews/apac.yaml": "apac: é\n"}
    assert files_at_revision(repo, "HEAD", folder="content/nothing-here") == {}


@needs_git
def test_files_at_revision_unknown_revision(git_env, tmp_path):
    write(tmp_path / "content/reviews/a.yml", "a: 1\n")
    git(tmp_path, "init", "-q", ".")
    commit(tmp_path, "one")
    with pytest.raises(InputError, match="unknown revision 'v9'"):
        files_at_revision(tmp_path, "v9")
    with pytest.raises(InputError, match="not a revision"):
        files_at_revision(tmp_path, "--output=x")


@needs_git
def test_files_at_revision_in_a_shallow_clone_says_so(git_env, tmp_path):
    origin = tmp_path / "origin"
    write(origin / "content/reviews/a.yml", "a: 1\n")
    git(tmp_path, "init", "-q", str(origin))
    first = commit(origin, "one")
    write(origin / "content/reviews/a.yml", "a: 2\n")
    commit(origin, "two")
    git(tmp_path, "clone", "-q", "--depth", "1", origin.as_uri(), "shallow")
    with pytest.raises(InputError) as exc:
        files_at_revision(tmp_path / "shallow", first)
    message = exc.value.format_message()
    assert "shallow clone" in message and "git fetch --unshallow" in message and "fetch-depth: 0" in message


def test_files_at_revision_outside_git(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    with pytest.raises(InputError, match="not in a git repository"):
        files_at_revision(tmp_path, "HEAD")


@needs_git
def test_files_at_revision_before_the_first_commit(git_env, tmp_path):
    git(tmp_path, "init", "-q", ".")
    with pytest.raises(InputError, match="has no commits yet"):
        files_at_revision(tmp_path, "HEAD")


def test_rating_and_cited_metrics_changes_are_reported():
    from dataclasses import replace

    old_item = replace(item("W1", "weaknesses", "Queues at lunchtime"), rating=1, metrics=("asa",))
    new_item = replace(old_item, rating=3, metrics=("asa", "abandonment_rate"))
    d = diff_reviews(review("2026-Q2", [old_item]), review("2026-Q3", [new_item]), "en")
    assert kinds(d) == [("rerated", "W1"), ("relinked", "W1")]
    same_metrics_other_order = replace(new_item, metrics=("abandonment_rate", "asa"))
    assert kinds(diff_reviews(review("2026-Q2", [new_item]), review("2026-Q3", [same_metrics_other_order]), "en")) == []
