"""`cssite build`: validate → analyse → render → publish, with progress on stderr."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import click

from cssite.errors import BuildError, plural


def _progress(message: str) -> None:
    click.echo(f"cssite: {message}", err=True)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def run_build(root: Path, site_dir: Path | None = None, strict: bool = False, jobs: int | None = None,
              today: dt.date | None = None, progress=_progress, commands: list[dict] | None = None) -> Path:
    """Build the whole site and publish it atomically; return the site folder.

    `commands` describe the CLI for the Reference pages ({name, usage, options}; see cli.command_table).
    """
    from cssite.commands.checked import echo_diagnostics, load_checked
    from cssite.gitinfo import last_changes
    from cssite.publish.mkdocs_build import base_site_url, build_languages, write_language
    from cssite.publish.swap import check_site_dir, staged_site, write_root_pages
    from cssite.render.charts import render_all
    from cssite.analyse.analysed import analyse
    from cssite.render.pages import LanguageRenderer, template_env

    started = time.perf_counter()
    root = Path(root)
    site_dir = Path(site_dir) if site_dir else root / "site"
    jobs = jobs or default_jobs()
    today = today or dt.date.today()

    project, diags, index = load_checked(root, strict, today, outcome="nothing was built or changed.")
    echo_diagnostics(diags)
    check_site_dir(root, site_dir)
    cfg = project.config
    for source, r in project.export_reports.items():
        dropped = ", ".join(f"{n} {why}" for why, n in r.get("dropped", {}).items())
        progress(f"KPIs from {source}: {r.get('rows_read', 0):,} rows, {r.get('tickets', 0):,} {r.get('unit', 'tickets')}, "
                 f"{len(r.get('metrics', []))} metrics" + (f"; dropped {dropped}" if dropped else ""))
    progress(f"loaded {plural(len(project.reviews), 'review')}, {plural(len(project.kpis), 'KPI value')}, "
             f"{plural(len(cfg.languages), 'language')}")

    env = template_env(root)
    git = last_changes(root, [r.path for r in project.reviews])
    analysed = analyse(project, index, today, git)  # once, for every language
    rendered = [LanguageRenderer(analysed, lang, env, commands).render() for lang in cfg.languages]
    progress(f"rendered {sum(len(r.pages) for r in rendered)} pages")

    cache = root / ".cssite-cache"
    specs = [spec for r in rendered for spec in r.charts.values()]
    chart_files = render_all(specs, cache / "charts", jobs, progress, uses=sum(r.chart_uses for r in rendered))

    work = cache / "build"
    with staged_site(site_dir) as stage:
        jobs_list = []
        for r in rendered:
            files = {path: text.encode("utf-8") for path, text in r.pages.items()}
            for path, spec in r.charts.items():
                files[path] = chart_files[spec.key].read_bytes()
            site_name = project.config.site_name.resolve(r.lang, cfg.default_language)[0]
            jobs_list.append(write_language(work, root, r.lang, cfg.languages, site_name, r.nav, files, stage,
                                            r.not_in_nav, r.theme_labels))
        progress(f"building {plural(len(jobs_list), 'language')} with MkDocs "
                 f"({min(jobs, len(jobs_list))} at a time)")
        results = build_languages(jobs_list, jobs)
        failed = [(lang, msgs) for lang, ok, msgs in results if not ok]
        if failed:
            detail = "\n".join(f"  [{lang}] {m}" for lang, msgs in failed for m in msgs[:20])
            raise BuildError(f"MkDocs build failed; the previous site is unchanged.\n{detail}")
        write_root_pages(stage, cfg.default_language, [(r.lang, *r.not_found) for r in rendered],
                         has_site_url=base_site_url(root) is not None)
    progress(f"published {site_dir} in {time.perf_counter() - started:.1f} s")
    return site_dir
