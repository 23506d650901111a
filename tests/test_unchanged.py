"""Skip what didn't change: a rebuild with no changed input does nothing at all; otherwise unchanged languages
are carried into the new site, not built again; every input of the build invalidates; --docs-out."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cssite.publish import mkdocs_build, unchanged

from conftest import MINIMAL_CONFIG, run, write

FIX_EXPORTS = Path(__file__).parent / "fixtures" / "exports"
TWO = MINIMAL_CONFIG.replace("languages: [en]", "languages: [en, zh]")


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _site_state(site: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time: a site left alone keeps both."""
    return {p.relative_to(site).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def built(project: Path, monkeypatch) -> tuple[Path, list[list[str]]]:
    """A two-language project, built once; `calls` records the languages each later build hands to MkDocs."""
    write(project, "config/cssite.yml", TWO)
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


def _no_loading(monkeypatch) -> None:
    """Make loading the project fail: a build that still succeeds did not load, analyse or render anything."""
    import cssite.commands.checked as checked

    def refuse(*args, **kwargs):
        raise AssertionError("the project was loaded")

    monkeypatch.setattr(checked, "load_checked", refuse)


def test_unchanged_rebuild_does_nothing_and_leaves_the_site_as_published(built, monkeypatch):
    project, calls = built
    before = _site_state(project / "site")
    _no_loading(monkeypatch)
    again = run("build", "--project", project, "--jobs", "1")
    assert again.exit_code == 0, again.output
    assert calls == []  # not even asked: nothing was rendered, so there was nothing to compare
    assert "nothing changed since the last build" in again.stderr and "rendered" not in again.stderr
    assert _site_state(project / "site") == before  # the very same files, not rewritten


def test_unchanged_rebuild_imports_neither_pandas_nor_matplotlib(built):
    project, _ = built
    # The command as the CLI runs it, in a fresh interpreter, then the modules it ended up with.
    code = ("import sys; from cssite.cli import cli; "
            f"cli(['build', '--project', {str(project)!r}, '--jobs', '1'], standalone_mode=False); "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'mkdocs', 'jinja2') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr
    assert "nothing changed since the last build" in done.stderr
    assert done.stdout.strip() == "[]"


def test_warnings_are_said_again_when_nothing_changed(built):
    project, _ = built
    review = (project / "content/reviews/2026-Q3/support-emea.yml").read_text()
    write(project, "content/reviews/2026-Q3/support-emea.yml", review.replace("due: 2027-12-31", "due: 2020-01-31"))
    first = run("build", "--project", project, "--jobs", "1")
    assert first.exit_code == 0, first.output
    warnings = [line for line in first.stderr.splitlines() if ": warning: " in line]
    assert warnings
    again = run("build", "--project", project, "--jobs", "1")
    assert "nothing changed since the last build" in again.stderr
    assert [line for line in again.stderr.splitlines() if ": warning: " in line] == warnings
    strict = run("build", "--project", project, "--jobs", "1", "--strict")  # --strict is an input too
    assert strict.exit_code == 1 and warnings[0] in strict.output


def test_an_input_change_that_changes_no_page_carries_every_language(built):
    project, calls = built
    before = _site_files(project / "site")
    write(project, "config/cssite.yml", TWO + "# a comment changes the file, not the site\n")
    again = run("build", "--project", project, "--jobs", "1")
    assert again.exit_code == 0, again.output
    assert calls == [[]]  # rendered, compared, and MkDocs was given nothing to build
    assert "kept as published: en, zh" in again.stderr and "with MkDocs" not in again.stderr
    assert _site_files(project / "site") == before


def test_only_the_language_that_changed_is_built(built):
    project, calls = built
    en_before = _site_files(project / "site" / "en")
    # The APAC team's Chinese name shows on Chinese pages only.
    write(project, "config/cssite.yml", TWO.replace("亚太支持团队", "亚太客户支持"))
    result = run("build", "--project", project, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert calls == [["zh"]]
    assert "亚太客户支持" in (project / "site/zh/teams/support-apac/index.html").read_text(encoding="utf-8")
    assert _site_files(project / "site" / "en") == en_before


def test_a_published_folder_edited_by_hand_is_rebuilt(built):
    project, calls = built
    assert run("build", "--project", project, "--jobs", "1").exit_code == 0  # left as it is once first
    assert calls == []
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


# --- every input of the build invalidates the whole-build fingerprint -------------------------------------

def _fingerprint(root: Path, options: dict | None = None, extra: list[str] = (), allow=()) -> str:
    return unchanged.build_fingerprint(root, {"strict": False, "today": "2026-12-01", **(options or {})},
                                       list(extra), allow)


def _edit(root: Path, rel: str, text: str = "changed\n") -> None:
    write(root, rel, text)


INPUT_EDITS = {
    "config": lambda root: _edit(root, "config/cssite.yml", TWO + "# comment\n"),
    "metric catalogue": lambda root: _edit(root, "config/metrics.yml", "csat:\n  target: 90\n"),
    "review": lambda root: _edit(root, "content/reviews/2026-Q3/support-emea.yml", "team: x\n"),
    "new review file": lambda root: _edit(root, "content/reviews/2026-Q2/support-emea.yml", "team: x\n"),
    "removed review file": lambda root: (root / "content/reviews/2026-Q3/support-emea.yml").unlink(),
    "renamed file": lambda root: (root / "content/metrics/kpis.csv").rename(root / "content/metrics/kpi2.csv"),
    "KPI table": lambda root: _edit(root, "content/metrics/kpis.csv", "period,team,metric,value\n"),
    "export under content": lambda root: _edit(root, "content/exports/z.csv", "Id\n1\n"),
    "guidance page": lambda root: _edit(root, "content/guidance/en/swot.md", "# SWOT\n"),
    "project template": lambda root: _edit(root, "templates/home.md.j2", "# Home\n"),
    "project messages": lambda root: _edit(root, "messages/en.yml", "nav.home: Start\n"),
    "mkdocs.yml": lambda root: _edit(root, "mkdocs.yml", "site_name: x\ncopyright: Example Ltd\n"),
}


@pytest.mark.parametrize("what", sorted(INPUT_EDITS))
def test_every_project_input_changes_the_fingerprint(project: Path, what: str):
    write(project, "config/metrics.yml", "csat:\n  target: 80\n")
    write(project, "content/exports/z.csv", "Id\n0\n")
    write(project, "content/guidance/en/swot.md", "# SWOT, ours\n")
    write(project, "templates/home.md.j2", "# Ours\n")
    write(project, "messages/en.yml", "nav.home: Home\n")
    write(project, "mkdocs.yml", "site_name: x\n")
    before = _fingerprint(project)
    assert _fingerprint(project) == before  # stable while nothing changes
    INPUT_EDITS[what](project)
    assert _fingerprint(project) != before, what


def test_mkdocs_inherit_hooks_and_env_tags_change_the_fingerprint(project: Path, monkeypatch):
    write(project, "mkdocs.yml", "INHERIT: base.yml\nhooks: [hooks/extra.py]\n"
                                 "copyright: !ENV [CSSITE_TEST_COPYRIGHT, 'none']\n")
    write(project, "base.yml", "site_name: x\n")
    write(project, "hooks/extra.py", "def on_post_page(output, **kw):\n    return output\n")
    monkeypatch.setenv("CSSITE_TEST_COPYRIGHT", "Example Ltd")
    seen = {_fingerprint(project)}
    write(project, "base.yml", "site_name: y\n")
    seen.add(_fingerprint(project))
    write(project, "hooks/extra.py", "def on_post_page(output, **kw):\n    return output + '<!-- -->'\n")
    seen.add(_fingerprint(project))
    monkeypatch.setenv("CSSITE_TEST_COPYRIGHT", "Other Ltd")
    seen.add(_fingerprint(project))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # MkDocs dates the sitemap with it
    seen.add(_fingerprint(project))
    assert len(seen) == 5


def test_options_date_and_named_files_change_the_fingerprint(project: Path, tmp_path_factory):
    outside = tmp_path_factory.mktemp("exports")
    write(outside, "t.csv", "Id\n1\n")
    write(project, "data/t.csv", "Id\n1\n")
    base = _fingerprint(project, extra=["data/t.csv"])
    variants = [_fingerprint(project, {"strict": True}, ["data/t.csv"]),
                _fingerprint(project, {"pdf": True}, ["data/t.csv"]),
                _fingerprint(project, {"languages": ["en"]}, ["data/t.csv"]),
                _fingerprint(project, {"today": "2026-12-02"}, ["data/t.csv"]),
                _fingerprint(project, {"commands": [{"name": "build"}]}, ["data/t.csv"]),
                _fingerprint(project, {"allow_outside": [str(outside)]}, ["data/t.csv"], (outside,)),
                _fingerprint(project, extra=["data/t.csv", "data/u.csv"])]
    write(project, "data/t.csv", "Id\n2\n")  # an export the config names outside content/
    variants.append(_fingerprint(project, extra=["data/t.csv"]))
    assert len({base, *variants}) == len(variants) + 1
    # A file outside the project is hashed only when the user allowed its folder.
    named = [str(outside / "t.csv")]
    hidden = _fingerprint(project, extra=named)
    write(outside, "t.csv", "Id\n3\n")
    assert _fingerprint(project, extra=named) == hidden  # never read
    allowed = _fingerprint(project, extra=named, allow=(outside,))
    write(outside, "t.csv", "Id\n4\n")
    assert _fingerprint(project, extra=named, allow=(outside,)) != allowed


def test_cssite_package_theme_and_installed_versions_change_the_fingerprint(project: Path, tmp_path_factory,
                                                                           monkeypatch):
    from importlib import resources

    # What is hashed as cssite's own: its code, the theme and assets, the catalogues and the default templates.
    folders = unchanged.package_folders()
    shipped = [Path(str(resources.files("cssite") / "data" / "theme" / "main.html")),
               Path(str(resources.files("cssite") / "data" / "assets" / "cssite.css")),
               Path(str(resources.files("cssite") / "data" / "messages" / "zh.yml")),
               Path(str(resources.files("cssite.templates") / "home.md.j2")),
               Path(unchanged.__file__)]
    for path in shipped:
        assert any(folder in path.resolve().parents for folder in folders), path
    # A change to any file in those folders changes the fingerprint (on a copy: the package stays as it is).
    copy = tmp_path_factory.mktemp("pkg") / "cssite"
    shutil.copytree(folders[0], copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(unchanged, "package_folders", lambda: [copy])
    before = _fingerprint(project)
    main = copy / "data" / "theme" / "main.html"
    main.write_text(main.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    after_theme = _fingerprint(project)
    assert after_theme != before
    # Installed distributions and their versions: an upgrade of any of them (MkDocs, Material, cssite …).
    site = tmp_path_factory.mktemp("site-packages")
    (site / "mkdocs_material-9.8.2.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(site))
    with_dist = _fingerprint(project)
    (site / "mkdocs_material-9.8.2.dist-info").rename(site / "mkdocs_material-9.8.3.dist-info")
    assert len({after_theme, with_dist, _fingerprint(project)}) == 3


# --- and the build acts on it ---------------------------------------------------------------------------

def test_a_changed_review_is_rebuilt_after_a_rebuild_that_did_nothing(built):
    project, calls = built
    assert "nothing changed" in run("build", "--project", project, "--jobs", "1").stderr
    path = project / "content/reviews/2026-Q3/support-emea.yml"
    write(project, "content/reviews/2026-Q3/support-emea.yml",
          path.read_text().replace("Email backlog at month end", "Email backlog every Friday"))
    result = run("build", "--project", project, "--jobs", "1")
    assert result.exit_code == 0 and "nothing changed" not in result.stderr, result.output
    assert calls == [["en", "zh"]]
    page = (project / "site/en/reviews/2026-Q3/support-emea/index.html").read_text(encoding="utf-8")
    assert "Email backlog every Friday" in page and "Email backlog at month end" not in page


def test_an_export_named_by_the_config_outside_content_is_an_input(project: Path):
    shutil.copy(FIX_EXPORTS / "zendesk_small.csv", project / "data.csv")
    (project / "content/metrics/kpis.csv").unlink()  # the export gives these KPIs
    write(project, "config/cssite.yml", MINIMAL_CONFIG + "tickets:\n  - path: data.csv\n    preset: zendesk\n"
          "    team_map: {EMEA Support: support-emea, Billing: support-emea}\n")
    page = project / "site/en/data-quality/data/index.html"
    outputs = []
    for _ in range(3):  # the first build learns which files the config names, the second records their bytes
        result = run("build", "--project", project, "--jobs", "1")
        assert result.exit_code == 0, result.output
        outputs.append(result.stderr)
    assert "nothing changed" in outputs[2]
    before = page.read_text(encoding="utf-8")
    rows = (FIX_EXPORTS / "zendesk_small.csv").read_text(encoding="utf-8").splitlines()
    (project / "data.csv").write_text("\n".join(rows[:-1]) + "\n", encoding="utf-8")  # one ticket fewer
    result = run("build", "--project", project, "--jobs", "1")
    assert result.exit_code == 0 and "nothing changed" not in result.stderr, result.output
    assert page.read_text(encoding="utf-8") != before


def test_a_new_commit_is_an_input(built):
    project, calls = built
    if subprocess.run(["git", "--version"], capture_output=True).returncode != 0:
        pytest.skip("git is not installed")
    git = ["git", "-C", str(project), "-c", "user.email=a@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run([*git, "-c", "user.name=Ann Author", "add", "content"], check=True)
    subprocess.run([*git, "-c", "user.name=Ann Author", "commit", "-q", "-m", "reviews"], check=True)
    assert run("build", "--project", project, "--jobs", "1").exit_code == 0
    assert "nothing changed" in run("build", "--project", project, "--jobs", "1").stderr
    page = project / "site/en/reviews/2026-Q3/support-emea/index.html"
    assert "Ann Author" in page.read_text(encoding="utf-8")
    # The same files, committed again by someone else: the review page names the new last change.
    subprocess.run([*git, "-c", "user.name=Bo Builder", "commit", "-q", "--amend", "--reset-author", "-m", "again"],
                   check=True)
    result = run("build", "--project", project, "--jobs", "1")
    assert result.exit_code == 0 and "nothing changed" not in result.stderr, result.output
    assert "Bo Builder" in page.read_text(encoding="utf-8")


def _said(project: Path, **options) -> list[str]:
    from cssite.commands.build import run_build

    said: list[str] = []
    run_build(project, jobs=1, progress=said.append, **options)
    return said


def test_languages_and_date_are_inputs(built):
    project, calls = built
    today = dt.date.today()
    said = _said(project, languages=("en",), today=today)  # what `cssite serve --lang en` asks for
    assert not any("nothing changed" in m for m in said)
    assert (project / "site/en").is_dir() and not (project / "site/zh").exists()
    assert any("nothing changed" in m for m in _said(project, languages=("en",), today=today))
    assert not any("nothing changed" in m for m in _said(project, today=today))
    assert (project / "site/zh").is_dir()
    assert any("nothing changed" in m for m in _said(project, today=today))
    # Another day: an objective may now be overdue, and MkDocs dates its sitemap.
    assert not any("nothing changed" in m for m in _said(project, today=today + dt.timedelta(days=1)))


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
