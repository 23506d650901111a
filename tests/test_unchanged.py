"""Skip what didn't change: unchanged languages are carried into the new site, not built again; --docs-out."""

from __future__ import annotations

from pathlib import Path

import pytest

from cssite.publish import mkdocs_build

from conftest import MINIMAL_CONFIG, run, write


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def built(project: Path, monkeypatch) -> tuple[Path, list[list[str]]]:
    """A two-language project, built once; `calls` records the languages each later build hands to MkDocs."""
    write(project, "config/cssite.yml", MINIMAL_CONFIG.replace("languages: [en]", "languages: [en, zh]"))
    calls: list[list[str]] = []
    real = mkdocs_build.build_languages

    def recording(jobs_list, workers):
        calls.append(sorted(j.lang for j in jobs_list))
        return real(jobs_list, workers)

    monkeypatch.setattr(mkdocs_build, "build_languages", recording)
    first = run("build", "--project", project, "--jobs", "1")
    assert first.exit_code == 0, first.output
    assert calls == [["en", "zh"]]
    calls.clear()
    return project, calls


def test_unchanged_rebuild_builds_no_language_and_publishes_an_identical_site(built):
    project, calls = built
    before = _site_files(project / "site")
    again = run("build", "--project", project, "--jobs", "1")
    assert again.exit_code == 0, again.output
    assert calls == [[]]  # MkDocs was given nothing to build
    assert "kept as published: en, zh" in again.stderr and "with MkDocs" not in again.stderr
    assert _site_files(project / "site") == before


def test_only_the_language_that_changed_is_built(built):
    project, calls = built
    en_before = _site_files(project / "site" / "en")
    # The APAC team's Chinese name shows on Chinese pages only.
    write(project, "config/cssite.yml", MINIMAL_CONFIG.replace("languages: [en]", "languages: [en, zh]")
          .replace("亚太支持团队", "亚太客户支持"))
    result = run("build", "--project", project, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert calls == [["zh"]]
    assert "亚太客户支持" in (project / "site/zh/teams/support-apac/index.html").read_text(encoding="utf-8")
    assert _site_files(project / "site" / "en") == en_before


def test_a_published_folder_edited_by_hand_is_rebuilt(built):
    project, calls = built
    assert run("build", "--project", project, "--jobs", "1").exit_code == 0  # carried over once first
    assert calls == [[]]
    calls.clear()
    page = project / "site/en/index.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"</body>", b"<script>tampered()</script></body>"))
    result = run("build", "--project", project, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert calls == [["en"]]
    assert page.read_bytes() == original


def test_another_site_folder_is_built_in_full(built, tmp_path_factory):
    project, calls = built
    out = tmp_path_factory.mktemp("other") / "public"
    result = run("build", "--project", project, "--jobs", "1", "--site-dir", out)
    assert result.exit_code == 0, result.output
    assert calls == [["en", "zh"]]
    assert _site_files(out) == _site_files(project / "site")


def test_a_theme_setting_changes_every_language(built):
    project, calls = built
    base = mkdocs_build.base_config(project).read_text(encoding="utf-8")
    write(project, "mkdocs.yml", base + "\ncopyright: Example Ltd\n")
    result = run("build", "--project", project, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert calls == [["en", "zh"]]
    assert "Example Ltd" in (project / "site/zh/index.html").read_text(encoding="utf-8")


def test_docs_out_holds_each_languages_pages_and_charts(project: Path, tmp_path_factory):
    write(project, "config/cssite.yml", MINIMAL_CONFIG.replace("languages: [en]", "languages: [en, zh]"))
    out = tmp_path_factory.mktemp("docs") / "generated"
    result = run("build", "--project", project, "--docs-out", out)
    assert result.exit_code == 0, result.output
    for lang in ("en", "zh"):
        assert (out / lang / "index.md").read_text(encoding="utf-8").startswith("---")
        charts = list((out / lang / "assets/charts").glob("*.svg"))
        assert charts and all(c.read_bytes().lstrip().startswith(b"<?xml") for c in charts)
        assert (out / lang / "reviews/2026-Q3/support-emea.md").is_file()
    assert "Support EMEA" in (out / "en/teams/index.md").read_text(encoding="utf-8")
    assert "亚太支持团队" in (out / "zh/teams/index.md").read_text(encoding="utf-8")
    # A page that is no longer generated disappears from the folder on the next run.
    stale = out / "en" / "old-page.md"
    stale.write_text("# gone\n")
    assert run("build", "--project", project, "--docs-out", out).exit_code == 0
    assert not stale.exists()


def test_docs_out_never_writes_into_a_folder_it_did_not_make(project: Path, tmp_path_factory):
    mine = tmp_path_factory.mktemp("mine")
    (mine / "notes.md").write_text("keep me\n")
    result = run("build", "--project", project, "--docs-out", mine)
    assert result.exit_code == 2
    assert "not empty and was not made by cssite" in result.output
    assert (mine / "notes.md").read_text() == "keep me\n" and not (mine / "en").exists()
    assert not (project / "site").exists()  # refused before anything was built
    result = run("build", "--project", project, "--docs-out", project)
    assert result.exit_code == 2 and "holds the project itself" in result.output
