"""The gaps closed after the first safety pass: --allow-outside on every command that reads the project,
waiting for a running build, one lock per site folder whichever project builds into it, a reader that
leaves the pipe early."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cssite.commands.build import run_build
from cssite.errors import BuildBusy
from cssite.publish.swap import build_lock, site_lock_path
from tests.conftest import MINIMAL_CONFIG, MINIMAL_KPIS, MINIMAL_REVIEW, REPO, run, write

SECRET = "SECRET-CONTENT-51c2"


@pytest.fixture
def linked(project: Path, tmp_path_factory) -> tuple[Path, Path]:
    """A project whose 2026-Q2 review is a symlink to a file in a folder outside it."""
    outside = tmp_path_factory.mktemp("outside")
    write(outside, "review.yml", MINIMAL_REVIEW.replace("Q3 review", SECRET).replace("2026-Q3", "2026-Q2"))
    (project / "content/reviews/2026-Q2").mkdir(parents=True)
    os.symlink(outside / "review.yml", project / "content/reviews/2026-Q2/support-emea.yml")
    return project, outside


@pytest.mark.parametrize("command", [["diff"], ["i18n", "status"], ["validate"], ["review", "new", "support-emea"]])
def test_every_command_reading_the_project_refuses_outside_and_takes_allow_outside(linked, command):
    project, outside = linked
    refused = run(*command, "--project", project)
    assert refused.exit_code == 1, refused.output
    assert SECRET not in refused.output and "Traceback" not in refused.output
    first = refused.output.splitlines()[0]
    assert first.startswith("content/reviews/2026-Q2/support-emea.yml: error:") and "outside the project" in first
    allowed = run(*command, "--project", project, "--allow-outside", outside)
    assert allowed.exit_code == 0, allowed.output
    if command == ["diff"]:
        assert "2026-Q2 → 2026-Q3" in allowed.output  # the outside review was read as the previous one


def test_serve_and_build_take_allow_outside_too():
    from cssite.cli import cli

    for name in ("serve", "build", "diff", "validate"):
        assert "--allow-outside" in [o for p in cli.commands[name].params for o in p.opts], name
    assert "--allow-outside" in [o for p in cli.commands["i18n"].commands["status"].params for o in p.opts]


def test_review_new_never_writes_through_a_link_that_leaves_the_project(project: Path, tmp_path_factory):
    outside = tmp_path_factory.mktemp("target")
    os.symlink(outside, project / "content/reviews/2026-Q4")
    assert run("review", "new", "support-emea", "--project", project).exit_code == 1  # not even read
    # Allowed for reading, the folder is still no place to write a review into.
    result = run("review", "new", "support-emea", "--project", project, "--allow-outside", outside)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("content/reviews/2026-Q4/support-emea.yml: error:")
    assert "outside the project" in result.output
    assert list(outside.iterdir()) == []


def test_a_held_lock_stops_a_build_at_once_and_wait_waits_for_it(project: Path):
    site = project / "site"
    holder = build_lock(project, site)
    holder.__enter__()
    result = run("build", "--project", project)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("error: another build is running (pid ")
    assert "--wait" in result.output and not site.exists()
    released = []

    def progress(message: str) -> None:
        # The waiting build says so once; the other build then finishes (its locks are released here).
        if message.startswith("another build is running") and not released:
            released.append(message)
            holder.__exit__(None, None, None)

    run_build(project, jobs=1, progress=progress, wait=600)
    assert released and f"(pid {os.getpid()})" in released[0]
    assert (site / "en" / "index.html").is_file()


def test_wait_gives_up_with_the_same_one_line_error(project: Path):
    with build_lock(project, project / "site"):
        with pytest.raises(BuildBusy) as caught:
            run_build(project, jobs=1, progress=lambda m: None, wait=0.3)
    message = caught.value.format_message()
    assert "\n" not in message and "another build is running" in message and "after waiting 0.3 s" in message


def test_a_second_project_publishing_into_the_first_ones_site_takes_the_same_lock(project: Path, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    write(other, "config/cssite.yml", MINIMAL_CONFIG)
    write(other, "content/reviews/2026-Q3/support-emea.yml", MINIMAL_REVIEW)
    write(other, "content/metrics/kpis.csv", MINIMAL_KPIS)
    site = project / "site"
    assert site_lock_path(site) == site_lock_path(Path(os.path.relpath(site)))
    assert site_lock_path(site).parent == project / ".cssite-cache"
    with build_lock(project, site):  # project A is building its own site ...
        result = run("build", "--project", other, "--site-dir", site)  # ... while B publishes into it
    assert result.exit_code == 1, result.output
    assert "another build is running" in result.output
    assert not site.exists()


def _with_closed_reader(*args: str) -> subprocess.CompletedProcess:
    """Run cssite with its standard output a pipe nobody reads any more (every write is EPIPE)."""
    read, write_end = os.pipe()
    os.close(read)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    try:
        return subprocess.run([sys.executable, "-m", "cssite", *args], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, env=env, timeout=300)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [["diff", "--project", str(REPO)], ["--help"],
                                  ["i18n", "status", "--project", str(REPO)]])
def test_a_reader_that_left_is_no_error_in_your_files(args):
    done = _with_closed_reader(*args)
    assert done.returncode == 141, done.stderr
    assert "Traceback" not in done.stderr and "error" not in done.stderr.lower(), done.stderr
