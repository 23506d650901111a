"""The build on small projects: template overrides, chart sharing, repeat builds, progress output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG, run, write


def test_project_template_overrides_default_by_name(project: Path):
    write(project, "templates/home.md.j2", "# {{ c.text(project.config.site_name) }}\n\nOur own front page.\n")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    home = (project / "site/en/index.html").read_text()
    assert "Our own front page." in home
    # Templates the project does not override still come from the package.
    assert 'class="cs-swot"' in (project / "site/en/reviews/2026-Q3/support-emea/index.html").read_text()


def test_rebuild_reuses_charts_and_reports_progress(project: Path):
    first = run("build", "--project", project)
    assert first.exit_code == 0
    assert "to draw" in first.stderr and "published" in first.stderr
    # A changed input (any one: here a comment in the config) runs the build again, with every chart cached.
    config = project / "config/cssite.yml"
    config.write_text(config.read_text() + "# reviewed\n")
    second = run("build", "--project", project)
    assert second.exit_code == 0
    assert ", 0 to draw" in second.stderr


def test_identical_charts_are_drawn_once(project: Path):
    # Two teams with the same numbers and target draw the same chart; so do two languages that write
    # the numbers and quarters alike. The drawing is made once and copied where it is used.
    write(project, "content/metrics/kpis.csv", "period,team,metric,value\n"
          "2026-Q2,support-emea,backlog,5\n2026-Q3,support-emea,backlog,7\n"
          "2026-Q2,support-apac,backlog,5\n2026-Q3,support-apac,backlog,7\n")
    write(project, "config/metrics.yml", "backlog:\n  target: 6\n")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    assert "charts: 1 distinct of 2, 1 to draw" in result.stderr
    html = (project / "site/en/metrics/backlog/index.html").read_text()
    srcs = set(re.findall(r'src="([^"#]+\.svg)#only-light"', html))
    assert len(srcs) == 1 and html.count(next(iter(srcs))) == 2
    dark = set(re.findall(r'src="([^"#]+-dark\.svg)#only-dark"', html))
    assert len(dark) == 1 and html.count(next(iter(dark))) == 2


def test_a_chart_two_languages_write_alike_is_drawn_once(project: Path, monkeypatch):
    # A British English edition writes quarters and percentages as English does, and `i18n init` starts its
    # catalogue from the English words (the target's label too): its CSAT chart is the English one, drawn
    # once for both languages, and both editions' pages show that one file. Minutes it writes "mins", so
    # that chart is its own.
    from cssite.render import charts

    write(project, "config/cssite.yml", MINIMAL_CONFIG.replace("languages: [en]", "languages: [en, en-GB]"))
    assert run("i18n", "init", "en-GB", "--project", project).exit_code == 0
    drawn: list[str] = []
    real = charts.draw
    monkeypatch.setattr(charts, "draw", lambda spec: drawn.append(spec.key) or real(spec))
    result = run("build", "--project", project, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "charts: 3 distinct of 4, 3 to draw" in result.stderr
    assert len(drawn) == 3 == len(set(drawn))

    def shown_on(lang: str, metric: str) -> set[str]:
        html = (project / f"site/{lang}/metrics/{metric}/index.html").read_text(encoding="utf-8")
        return set(re.findall(r'src="[^"]*/([0-9a-f]{20})\.svg#only-light"', html))

    assert len(shown_on("en", "csat")) == 1 and shown_on("en", "csat") == shown_on("en-GB", "csat")
    assert shown_on("en", "first_response_time").isdisjoint(shown_on("en-GB", "first_response_time"))
    assert "35.0 mins" in (project / "site/en-GB/metrics/first_response_time/index.html").read_text(encoding="utf-8")


def test_site_dir_option(project: Path, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "public"
    result = run("build", "--project", project, "--site-dir", out)
    assert result.exit_code == 0, result.output
    assert (out / "en/index.html").exists() and (out / "index.html").exists()


def test_version_and_help():
    assert run("--version").output.startswith("cssite, version ")
    for cmd, option in (("build", "--project"), ("validate", "--strict"), ("kpi", "--preset"), ("diff", "--rev")):
        result = run(cmd, "--help")
        assert result.exit_code == 0 and option in result.output, cmd


def test_site_url_gives_each_language_its_own_address(project: Path):
    write(project, "mkdocs.yml", "site_url: https://intranet.example/handbook/\ntheme:\n  name: material\n"
          "markdown_extensions: [attr_list, md_in_html, tables, admonition]\n")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    assert "https://intranet.example/handbook/en/reviews/2026-Q3/support-emea/" in (project / "site/en/sitemap.xml").read_text()
    assert 'href="/handbook/en/assets/' in (project / "site/en/404.html").read_text()


def test_site_dir_that_would_delete_work_is_refused(project: Path, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("someone-elses")
    write(elsewhere, "notes.txt", "keep me")
    for target, words in ((project, "holds the project itself"), (project / "content", "inside the project's content/"),
                          (project.parent, "holds the project itself"), (elsewhere, "was not made by cssite")):
        result = run("build", "--project", project, "--site-dir", target)
        assert result.exit_code == 2, target  # a usage error: the option's value can't be used
        assert words in result.stderr and "Traceback" not in result.output
    assert (project / "config/cssite.yml").exists() and (project / "content/metrics/kpis.csv").exists()
    assert (elsewhere / "notes.txt").read_text() == "keep me"
    # A folder cssite published before may be replaced.
    assert run("build", "--project", project).exit_code == 0
    assert run("build", "--project", project).exit_code == 0


@pytest.mark.parametrize("template, message", [
    ("# {{ t('home.title') \n", "templates/home.md.j2:1: error: "),
    ("# Home\n\n{{ c.no_such_helper() }}\n", "templates/home.md.j2:3: error: "),
    ("# Home\n\n{{ t('no.such.key') }}\n", "templates/home.md.j2:3: error: message 'no.such.key' is missing"),
])
def test_broken_project_template_is_a_located_error(project: Path, template: str, message: str):
    write(project, "templates/home.md.j2", template)
    result = run("build", "--project", project)
    assert result.exit_code == 1
    assert message in result.stderr, result.stderr
    # A crash would be exit 3 with a one-line 'internal error'; a located user error is exit 1.
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_navigation_lists_only_metrics_in_use(project: Path):
    assert run("build", "--project", project).exit_code == 0
    csat = (project / "site/en/metrics/csat/index.html").read_text()
    assert 'href="../first_response_time/"' in csat  # cited by a review and reported
    assert 'href="../aht/"' not in csat               # in the catalogue only
    assert (project / "site/en/metrics/aht/index.html").exists()
    # The Metrics section lists only what this project measures; the Reference's catalogue links the rest.
    assert 'href="aht/"' not in (project / "site/en/metrics/index.html").read_text()
    assert 'href="../../metrics/aht/"' in (project / "site/en/reference/metrics/index.html").read_text()
