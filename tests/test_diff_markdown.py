"""`cssite diff --format markdown`: the changes as Markdown for a merge-request comment or a CI job summary."""

from __future__ import annotations

import re

import pytest

from test_diff_cli import Q2, Q3, commit, git, git_env, needs_git, project, run, write  # noqa: F401 - fixtures

EXPECTED = """\
## Review changes since the previous quarter

### Support EMEA (2026-Q2 → 2026-Q3)

| Change | Id | Before | After |
|---|---|---|---|
| re-weighted | **S1** | 3 | 5 |
| added | **S4** | — | Strengths: Macros cut handling time |
| renamed | **W1** | **W3** | Knowledge base is out of date |
| reworded | **W2** | Email backlog grows on Mondays | Email backlog above 500 on Mondays |
| moved | **O2** | Weaknesses | Opportunities |
| removed | **T1** | Threats: Budget freeze | — |
| status changed | **G1** | planned | in progress |
| removed | **G2** | Objective: Hire two agents | — |
| added | **G3** | — | Objective: Pilot a chatbot |
"""


def _table_rows(md: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in md.splitlines()
            if line.startswith("| ") and not line.startswith("| Change")]


def test_markdown_lists_every_change_in_one_table(project):  # noqa: F811
    result = run("--project", str(project), "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.output == EXPECTED
    # A well-formed GFM table: every row has the header's four cells.
    assert all(len(row) == 4 for row in _table_rows(result.output))


def test_markdown_escapes_user_text(project):  # noqa: F811
    hostile = "<script>alert(1)</script> | @everyone ~~gone~~ **bold** [x](javascript:alert(1)) #1"
    q3 = project / "content/reviews/2026-Q3/support-emea.yml"
    q3.write_text(q3.read_text().replace("Macros cut handling time", f"'{hostile}'"), encoding="utf-8")
    out = run("--project", str(project), "--format", "markdown").output
    row = next(r for r in _table_rows(out) if r[1] == "**S4**")
    assert len(row) == 4, row  # the | in the text did not split the cell
    cell = row[3]
    for raw in ("<script>", "@everyone", "~~", "**", "[x]", " #1", "|"):
        assert raw not in cell, (raw, cell)
    assert "&lt;script&gt;" in cell and "&#64;everyone" in cell and "&#35;1" in cell


def test_markdown_first_review_and_no_changes(project):  # noqa: F811
    (project / "content/reviews/2026-Q2/support-emea.yml").unlink()
    out = run("--project", str(project), "--format", "markdown").output
    assert "### Support EMEA (2026-Q3)" in out
    assert "The team's first review (SWOT items: 5, objectives: 2)." in out
    assert "| Change |" not in out


@needs_git
def test_markdown_since_a_revision(git_env, project):  # noqa: F811
    q3 = project / "content/reviews/2026-Q3/support-emea.yml"
    write(q3, Q2.replace("2026-Q2", "2026-Q3"))
    git(project, "init", "-q", ".")
    commit(project, "Q3 draft")
    git(project, "tag", "v1")
    out = run("-p", str(project), "--rev", "v1", "--format", "markdown").output
    assert out == "## Review changes since v1\n\nNo changes since v1 (reviews compared: 2).\n"
    write(q3, Q3)
    out = run("-p", str(project), "--rev", "v1", "--format", "markdown").output
    assert out.startswith("## Review changes since v1\n\n### Support EMEA (2026-Q3, v1 → now)\n")
    assert "| reworded | **W2** |" in out and out.rstrip().endswith("Other reviews unchanged: 1.")
    assert re.search(r"\| added \| \*\*G3\*\* \| — \| Objective: Pilot a chatbot \|", out)


def test_markdown_is_in_the_handbooks_default_language(project):  # noqa: F811
    """The job summary speaks the site's first language: labels, quadrants and statuses from its catalogue."""
    config = project / "config/cssite.yml"
    config.write_text(config.read_text().replace("languages: [en]", "languages: [et, en]"), encoding="utf-8")
    out = run("--project", str(project), "--format", "markdown").output
    assert out.startswith("## Analüüside muudatused alates eelmisest kvartalist\n"), out
    assert "| Muudatus | ID | Enne | Pärast |" in out
    assert "| lisatud | **S4** | — | Tugevused: Macros cut handling time |" in out
    assert "| seis muutunud | **G1** | kavas | töös |" in out
    (project / "content/reviews/2026-Q2/support-emea.yml").unlink()
    out = run("--project", str(project), "--format", "markdown").output
    assert "Meeskonna esimene analüüs (SWOT-tegureid: 5, eesmärke: 2)." in out


def test_markdown_with_a_project_catalogue_escapes_its_words(project):  # noqa: F811
    """A project's messages/<lang>.yml is user text: its words reach the summary as text, never as markup."""
    from cssite.scaffold import catalogue_yaml

    config = project / "config/cssite.yml"
    config.write_text(config.read_text().replace("languages: [en]", "languages: [de, en]"), encoding="utf-8")
    text = catalogue_yaml("de")
    assert 'diffmd.no_changes: "No changes."' in text and 'col.change: "Change"' in text
    text = text.replace('diffmd.no_changes: "No changes."', 'diffmd.no_changes: "Keine <b>Änderungen</b> @all"')
    write(project / "messages/de.yml", text.replace('col.change: "Change"', 'col.change: "Änderung"'))
    q3 = project / "content/reviews/2026-Q3/support-emea.yml"
    write(q3, Q2.replace("2026-Q2", "2026-Q3"))
    out = run("--project", str(project), "--format", "markdown").output
    assert "Keine &lt;b&gt;Änderungen&lt;/b&gt; &#64;all" in out and "<b>" not in out, out
    write(q3, Q3)
    out = run("--project", str(project), "--format", "markdown").output
    assert "| Änderung | Id | Before | After |" in out
