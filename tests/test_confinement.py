"""A project reads only files inside its folder: symlinks, `..` and absolute paths that leave it are refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_KPIS, MINIMAL_REVIEW, run, write

SECRET = "SECRET-CONTENT-7f3a"


@pytest.fixture
def outside(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("outside")
    write(folder, "review.yml", MINIMAL_REVIEW.replace("Q3 review", SECRET).replace("2026-Q3", "2026-Q2"))
    write(folder, "kpis.csv", MINIMAL_KPIS.replace("2026-Q2", "2026-Q1") + f"\n{SECRET},x,y,z\n")
    write(folder, "page.md", f"# {SECRET}\n")
    write(folder, "tickets.csv", f"{SECRET},{SECRET}\n1,2\n")
    write(folder, "home.md.j2", f"# {SECRET}\n")
    return folder


def refused(result, name: str) -> None:
    assert result.exit_code == 1, result.output
    assert SECRET not in result.output  # never a word of the other file
    lines = [ln for ln in result.output.splitlines() if ln.startswith(name)]
    assert lines and "outside the project folder" in lines[0], result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("link,target", [
    ("content/reviews/2026-Q2/support-emea.yml", "review.yml"),
    ("content/metrics/more.csv", "kpis.csv"),
    ("content/guidance/en/extra.md", "page.md"),
    ("templates/home.md.j2", "home.md.j2"),
])
def test_a_symlink_leaving_the_project_is_refused(project: Path, outside: Path, link: str, target: str):
    (project / link).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside / target, project / link)
    for command in ("validate", "build"):
        refused(run(command, "--project", project), link)
    assert not (project / "site").exists()


def test_a_symlinked_folder_leaving_the_project_is_refused(project: Path, outside: Path):
    os.symlink(outside, project / "content" / "reviews" / "2026-Q2")
    refused(run("validate", "--project", project), "content/reviews/2026-Q2")


@pytest.mark.parametrize("path", ["../outside/tickets.csv", "/proc/self/environ", "/etc/passwd",
                                  "content/../../x.csv", "x" * 300 + ".csv"])
def test_an_export_path_outside_is_refused_without_reading_it(project: Path, outside: Path, path: str):
    if path.startswith("../outside"):
        path = os.path.relpath(outside / "tickets.csv", project)
    config = (project / "config" / "cssite.yml").read_text()
    write(project, "config/cssite.yml", config + f"tickets:\n  - path: {path}\n    preset: zendesk\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = [ln for ln in result.output.splitlines() if ln.startswith("config/cssite.yml:9: error: tickets:")]
    assert len(errors) == 1, result.output
    if not path.startswith("x"):
        assert "outside the project folder" in errors[0]
    for value in os.environ.values():  # /proc/self/environ is never echoed
        if len(value) > 8:
            assert value not in result.output.replace(str(project), "")
    assert SECRET not in result.output


def test_allow_outside_lets_a_named_folder_be_read(project: Path, outside: Path):
    write(outside, "zendesk.csv", (Path(__file__).parent / "fixtures" / "exports" / "zendesk_small.csv").read_text())
    config = (project / "config" / "cssite.yml").read_text()
    rel = os.path.relpath(outside / "zendesk.csv", project)
    write(project, "config/cssite.yml", config + f"tickets:\n  - path: {rel}\n    preset: zendesk\n    "
                                                  "team_map: {EMEA Support: support-emea}\n")
    assert run("validate", "--project", project).exit_code == 1
    allowed = run("validate", "--project", project, "--allow-outside", outside)
    assert "outside the project folder" not in allowed.output, allowed.output


def test_a_symlink_inside_the_project_is_fine(project: Path):
    write(project, "data/more.csv", "period,team,metric,value,n\n2026-Q1,support-emea,csat,80,100\n")
    os.symlink(project / "data" / "more.csv", project / "content" / "metrics" / "more.csv")
    result = run("validate", "--project", project)
    assert result.exit_code == 0, result.output
