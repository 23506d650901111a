"""The build on small projects: template overrides, chart sharing, repeat builds, progress output."""

from __future__ import annotations

from pathlib import Path

from conftest import run, write


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
    second = run("build", "--project", project)
    assert second.exit_code == 0
    assert ", 0 to draw" in second.stderr


def test_identical_charts_are_drawn_once_across_languages(project: Path):
    # en and zh write these numbers the same way, and the period labels are the only other text.
    write(project, "config/cssite.yml", """\
        site_name: T
        languages: [en, fr]
        teams:
          - id: support-emea
            name: EMEA
          - id: support-apac
            name: APAC
        """)
    write(project, "content/metrics/kpis.csv", "period,team,metric,value\n2026-Q2,support-emea,backlog,5\n2026-Q3,support-emea,backlog,7\n")
    write(project, "config/metrics.yml", "backlog:\n  target: 6\n")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    svgs_en = sorted(p.name for p in (project / "site/en/assets/charts").glob("*.svg"))
    svgs_fr = sorted(p.name for p in (project / "site/fr/assets/charts").glob("*.svg"))
    assert len(svgs_en) == 1 and len(svgs_fr) == 1
    # fr writes quarters as T2/T3, so its chart differs; each drawing is cached once by content.
    assert len(list((project / ".cssite-cache/charts").glob("*.svg"))) == len(set(svgs_en) | set(svgs_fr))


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
