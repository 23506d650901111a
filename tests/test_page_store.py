"""Converted pages and search entries kept between builds (publish/page_store.py): reused only when a new
conversion would give the same, and the site is byte-identical to one built without them."""

from __future__ import annotations

import shutil
from pathlib import Path

import markdown
import pytest

from cssite.cache import ProjectCache

from conftest import run, write


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def converted(monkeypatch) -> list[str]:
    """The first words of every Markdown text converted in this process (--jobs 1 builds in-process)."""
    seen: list[str] = []
    real = markdown.Markdown.convert

    def convert(self, source):
        seen.append(source[:60])
        return real(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", convert)
    return seen


def _build(project: Path, site: Path):
    result = run("build", "--project", project, "--jobs", "1", "--site-dir", site)
    assert result.exit_code == 0, result.output
    return result


def test_a_second_build_converts_no_unchanged_page_and_publishes_the_same_site(project: Path, tmp_path_factory,
                                                                               converted):
    out = tmp_path_factory.mktemp("sites")
    _build(project, out / "a")
    pages = len(converted)
    assert pages > 20
    converted.clear()
    _build(project, out / "b")  # a new site folder: every language is built again, from the kept pages
    assert converted == []
    assert _site_files(out / "b") == _site_files(out / "a")
    # And the same as a build that keeps nothing at all (no cache).
    shutil.rmtree(ProjectCache(project).root)
    _build(project, out / "c")
    assert len(converted) == pages
    assert _site_files(out / "c") == _site_files(out / "a")


def test_a_changed_page_is_converted_again_and_shows_its_new_text(project: Path, tmp_path_factory, converted):
    out = tmp_path_factory.mktemp("sites")
    _build(project, out / "a")
    review = project / "content/reviews/2026-Q3/support-emea.yml"
    write(project, "content/reviews/2026-Q3/support-emea.yml",
          review.read_text().replace("Email backlog at month end", "Email backlog every Friday"))
    converted.clear()
    _build(project, out / "b")
    assert converted and len(converted) < 10  # the pages that print the item, not the whole site
    page = (out / "b/en/reviews/2026-Q3/support-emea/index.html").read_text(encoding="utf-8")
    assert "Email backlog every Friday" in page and "Email backlog at month end" not in page
    index = (out / "b/en/search/search_index.json").read_text(encoding="utf-8")
    assert "Email backlog every Friday" in index and "Email backlog at month end" not in index


def test_a_new_page_means_every_link_is_checked_again(project: Path, tmp_path_factory, converted):
    out = tmp_path_factory.mktemp("sites")
    _build(project, out / "a")
    write(project, "content/guidance/en/our-rules.md", "# Our rules\n\nSee the [SWOT page](swot.md).\n")
    converted.clear()
    _build(project, out / "b")  # the list of files changed: links may resolve differently, so all are converted
    assert len(converted) > 20
    assert "Our rules" in (out / "b/en/guidance/our-rules/index.html").read_text(encoding="utf-8")


def test_a_damaged_store_is_ignored(project: Path, tmp_path_factory, converted):
    out = tmp_path_factory.mktemp("sites")
    _build(project, out / "a")
    stores = list((ProjectCache(project).base / "pages").glob("*/en.json"))
    assert len(stores) == 1
    stores[0].write_text('{"pages": [["index.md", "x", {"content": 1}]]')
    converted.clear()
    _build(project, out / "b")
    assert len(converted) > 20
    assert _site_files(out / "b") == _site_files(out / "a")


def test_a_build_with_a_warning_keeps_nothing(project: Path, tmp_path_factory):
    out = tmp_path_factory.mktemp("sites")
    write(project, "content/guidance/en/broken.md", "# Broken\n\nSee [nowhere](missing.md).\n")
    result = run("build", "--project", project, "--jobs", "1", "--site-dir", out / "a")
    assert result.exit_code == 1 and "missing.md" in result.output
    assert not list((ProjectCache(project).base / "pages").glob("*/en.json"))
