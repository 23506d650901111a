"""Hostile inputs get one located line and a meaningful exit code, never a traceback.

YAML: every explicit tag, oversized integers, deep nesting, NUL and control characters, aliases.
Messages: one line each, user values and file names quoted with control characters escaped.
Exit codes: 0 ok, 1 your files, 2 usage, 3 internal error (logged, not shown), 130 interrupted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_REVIEW, run, write

REVIEW = "content/reviews/2026-Q3/support-emea.yml"
LINE = re.compile(r"^(?P<path>[^\s:']+|'(?:[^'\\]|\\.)*'):(?P<line>\d+): error: (?P<message>.+)$")


def one_error(result, path: str, line: int | None = None) -> str:
    """The single error line naming `path` (the output must hold nothing that looks like a traceback)."""
    out = result.stderr if hasattr(result, "stderr") else result.output
    assert "Traceback" not in result.output and "Traceback" not in out
    lines = [ln for ln in out.splitlines() if ln.startswith(path) or ln.startswith(f"'{path}")]
    assert len(lines) == 1, out
    m = LINE.match(lines[0])
    assert m, lines[0]
    if line is not None:
        assert int(m["line"]) == line, lines[0]
    return m["message"]


@pytest.mark.parametrize("value", [
    "!!timestamp yesterday", "!!bool maybe", "!!float abc", "!!int xyz", "!!seq {a: 1}", "!!map [1, 2]",
    "!!binary aGVsbG8=", "!!python/object/apply:os.system [echo hi]", "!!python/name:os.system", "!custom x",
    "!!str plain", "! x",
])
def test_every_explicit_tag_is_refused_at_its_line(project: Path, value: str):
    write(project, REVIEW, MINIMAL_REVIEW.replace("title: Q3 review", f"title: {value}"))
    for command in ("validate", "build"):
        result = run(command, "--project", project)
        assert result.exit_code == 1, result.output
        assert one_error(result, REVIEW, 3).startswith("tags are not allowed")
    assert not (project / "site").exists()


@pytest.mark.parametrize("text,line,words", [
    ("team: support-emea\nperiod: 2026-Q3\ntitle: " + "9" * 5000 + "\n", 3, "digits"),
    ("team: support-emea\nperiod: 2026-Q3\ntitle: " + "[" * 900 + "]" * 900 + "\n", 3, "nesting"),
    ("team: support-emea\nperiod: 2026-Q3\ntitle: a\x00b\n", 3, "U+0000"),
    ("team: support-emea\nperiod: 2026-Q3\ntitle: a\x1b[31mred\n", 3, "U+001B"),
    ("team: support-emea\nperiod: 2026-Q3\ntitle: &a x\nsummary: *a\n", 3, "aliases"),
])
def test_yaml_limits_are_located_errors(project: Path, text: str, line: int, words: str):
    write(project, REVIEW, text)
    result = run("validate", "--project", project)
    assert result.exit_code == 1, result.output
    assert words in one_error(result, REVIEW, line)


def test_values_with_line_breaks_stay_on_one_line(project: Path):
    write(project, REVIEW, MINIMAL_REVIEW.replace("team: support-emea", 'team: "support-emea\\nsrc/x.yml:1: error: forged"'))
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert not any(ln.startswith("src/x.yml") for ln in result.output.splitlines())
    assert "\\n" in one_error(result, REVIEW, 1)


def test_file_names_cannot_forge_a_diagnostic(project: Path):
    forged = "content/reviews/x:99: error: forged.yml"
    write(project, forged, "team: [\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    for ln in result.output.splitlines():
        assert not ln.startswith("content/reviews/x:99"), ln
    assert any(ln.startswith("'content/reviews/x:99: error: forged.yml':") for ln in result.output.splitlines())


def test_usage_error_exits_2(project: Path):
    assert run("build", "--project", project, "--jobs", "0").exit_code == 2
    site = project / "elsewhere"
    site.mkdir()
    (site / "keep.txt").write_text("mine")
    result = run("build", "--project", project, "--site-dir", site)
    assert result.exit_code == 2 and (site / "keep.txt").exists()


def test_internal_error_exits_3_with_one_line_and_a_log(project: Path, monkeypatch):
    import cssite.load

    def broken(root, *a, **k):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cssite.load, "load_project", broken)
    import cssite.commands.checked as checked

    monkeypatch.setattr(checked, "load_project", broken)
    result = run("validate", "--project", project)
    assert result.exit_code == 3
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "internal error" in lines[0] and "report" in lines[0]
    assert "Traceback" not in result.output
    logs = list((project / ".cssite-cache" / "logs").glob("*.log"))
    assert len(logs) == 1 and "ZeroDivisionError: a bug" in logs[0].read_text() and "Traceback" in logs[0].read_text()
    assert str(logs[0].name) in lines[0]


def test_ctrl_c_exits_130(project: Path, monkeypatch):
    import cssite.commands.checked as checked

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(checked, "load_project", interrupted)
    result = run("build", "--project", project)
    assert result.exit_code == 130
    assert "Traceback" not in result.output
