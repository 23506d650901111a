"""`cssite build`: validate → analyse → render → publish, with progress on stderr."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from pathlib import Path

import click

from cssite.errors import BuildError, plural


DOCS_MARKER = ".cssite-docs"


def _progress(message: str) -> None:
    click.echo(f"cssite: {message}", err=True)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def run_build(root: Path, site_dir: Path | None = None, strict: bool = False, jobs: int | None = None,
              today: dt.date | None = None, progress=_progress, commands: list[dict] | None = None,
              docs_out: Path | None = None, languages: tuple[str, ...] | None = None,
              allow_outside: tuple[Path, ...] = (), pdf: bool = False, wait: float = 0,
              swapped=None) -> Path:
    """Build the whole site and publish it atomically; return the site folder.

    `pdf` (or `pdf: true` in the config) also prints each review as a PDF pack in every language.

    `commands` describe the CLI for the Reference pages ({name, usage, options}; see cli.command_table).
    `docs_out`: also write each language's generated pages and charts to `docs_out/<lang>/`.
    `languages`: build only these of the project's languages (`cssite serve --lang`); the site then links
    only to them. `swapped()`: called as soon as the new site is in place (serve reloads the open pages).
    `wait`: when another build holds a lock, wait up to this many seconds for it before giving up (BuildBusy).
    When no input changed since the build that published `site_dir`, nothing is loaded or built and the
    site stays as it is (publish/unchanged.py); otherwise a language whose pages, charts, theme and
    configuration are byte-identical to the published site's is not built again: its folder is carried
    into the new site.
    The build holds the project cache's and the site folder's locks from start to end (publish/swap.py),
    and first removes what dead builds left in the cache.
    """
    from cssite.cache import ProjectCache
    from cssite.errors import OptionError
    from cssite.publish.swap import build_lock, check_site_dir, remove_stale_staging

    started = time.perf_counter()
    root = Path(root)
    site_dir = Path(site_dir) if site_dir else root / "site"
    cache = ProjectCache(root)
    try:
        check_site_dir(root, site_dir)  # before anything is made beside it (its lock file)
    except OptionError as exc:  # reported after the project's own problems, like before
        with build_lock(root, None, cache, wait, progress):
            _build(root, site_dir, strict, jobs, today, progress, commands, docs_out, allow_outside, cache, languages,
                   exc, pdf)
        raise
    with build_lock(root, site_dir, cache, wait, progress):
        remove_stale_staging(cache, site_dir)
        cache.prune_versions()
        today = today or dt.date.today()
        inputs = None
        record = cache.area("published")  # None when the cache can't be used: then everything is built
        if record:
            from cssite.publish.unchanged import build_fingerprint, last_build, nothing_changed

            options = dict(strict=strict, languages=list(languages) if languages is not None else None, pdf=pdf,
                           today=today.isoformat(), commands=commands,
                           allow_outside=[os.path.realpath(p) for p in allow_outside])
            extra = last_build(record, site_dir).get("extra_files") or []
            inputs = (build_fingerprint(root, options, extra, allow_outside), extra)
            said = nothing_changed(record, site_dir, inputs[0]) if docs_out is None else None
            if said is not None:  # not one input changed: the published site is this build's result already
                for line in said:
                    click.echo(line, err=True)
                progress(f"nothing changed since the last build: {site_dir} kept as published "
                         f"in {time.perf_counter() - started:.1f} s")
                return site_dir
        return _build(root, site_dir, strict, jobs, today, progress, commands, docs_out, allow_outside, cache,
                      languages, pdf=pdf, inputs=inputs, swapped=swapped)


def _build(root: Path, site_dir: Path, strict: bool, jobs: int | None, today: dt.date | None, progress,
           commands: list[dict] | None, docs_out: Path | None, allow_outside: tuple[Path, ...], cache,
           languages: tuple[str, ...] | None = None, site_problem: Exception | None = None, pdf: bool = False,
           inputs: tuple[str, list[str]] | None = None, swapped=None) -> Path:
    from cssite.commands.checked import echo_diagnostics, load_checked
    from cssite.gitinfo import last_changes
    from cssite.publish.mkdocs_build import base_site_url, build_languages, write_language
    from cssite.publish.swap import staged_site, work_dir, write_root_pages
    from cssite.publish.unchanged import carry_language, save_build, save_published, unchanged_languages
    from cssite.render.charts import dark_name, render_all
    from cssite.analyse.analysed import analyse
    from cssite.render.pages import LanguageRenderer, template_env

    started = time.perf_counter()
    jobs = jobs or default_jobs()
    today = today or dt.date.today()

    project, diags, index = load_checked(root, strict, today, outcome="nothing was built or changed.",
                                         allow_outside=allow_outside)
    echo_diagnostics(diags)
    if site_problem is not None:
        raise site_problem
    if docs_out is not None:
        check_docs_out(root, site_dir, Path(docs_out))
    if pdf and not project.config.pdf:
        project.config = dataclasses.replace(project.config, pdf=True)
    cfg = project.config
    langs = cfg.languages
    if languages is not None:
        from cssite.errors import OptionError

        unknown = [lang for lang in languages if lang not in cfg.languages]
        if unknown:
            raise OptionError(f"--lang {unknown[0]}: the project builds {', '.join(cfg.languages)} "
                              "(config/cssite.yml, languages)")
        langs = tuple(lang for lang in cfg.languages if lang in languages)
    if cfg.pdf:
        from cssite.publish.pdf import require_weasyprint

        require_weasyprint()  # say so now, before minutes of rendering, if the optional extra is missing
    for source, r in project.export_reports.items():
        dropped = ", ".join(f"{n} {why}" for why, n in r.get("dropped", {}).items())
        progress(f"KPIs from {source}: {r.get('rows_read', 0):,} rows, {r.get('tickets', 0):,} {r.get('unit', 'tickets')}, "
                 f"{len(r.get('metrics', []))} metrics" + (f"; dropped {dropped}" if dropped else ""))
    progress(f"loaded {plural(len(project.reviews), 'review')}, {plural(len(project.kpis), 'KPI value')}, "
             f"{plural(len(cfg.languages), 'language')}")

    env = template_env(root)
    git = last_changes(root, [r.path for r in project.reviews])
    analysed = analyse(project, index, today, git)  # once, for every language
    rendered = [LanguageRenderer(analysed, lang, env, commands).render() for lang in langs]
    progress(f"rendered {sum(len(r.pages) for r in rendered)} pages")

    specs = [spec for r in rendered for spec in r.charts.values()]
    chart_files = render_all(specs, cache.area("charts") or cache.scratch("charts"), jobs, progress,
                             uses=sum(r.chart_uses for r in rendered))
    packs = {}
    if cfg.pdf:
        from cssite.publish.pdf import print_packs

        packs = print_packs(rendered, chart_files, jobs)
        progress(f"printed {plural(sum(len(p) for p in packs.values()), 'review pack')} (PDF)")
    files_of = {}
    for r in rendered:
        files = {path: text.encode("utf-8") for path, text in r.pages.items()}
        for path, spec in r.charts.items():
            files[path] = chart_files[spec.key].read_bytes()
            files[dark_name(path)] = Path(dark_name(chart_files[spec.key])).read_bytes()  # the slate scheme's
        files.update(packs.get(r.lang, {}))
        files_of[r.lang] = files
    if docs_out is not None:
        write_docs_out(Path(docs_out), files_of)
        progress(f"wrote the generated pages and charts to {docs_out}")

    with staged_site(site_dir, cache, swapped) as stage:
        work = work_dir(stage)  # this build's own MkDocs projects, never shared with another build
        jobs_list = []
        pages_area = cache.area("pages")  # converted pages kept between builds (None: the cache can't be used)
        store = None
        if pages_area is not None:
            from cssite.publish.page_store import store_folder

            store = store_folder(pages_area)
        for r in rendered:
            site_name = project.config.site_name.resolve(r.lang, cfg.default_language)[0]
            jobs_list.append(write_language(work, root, r.lang, langs, site_name, r.nav, files_of[r.lang],
                                            stage, r.not_in_nav, r.theme_labels, store, r.user_pages))
        fingerprints = {j.lang: j.fingerprint for j in jobs_list}
        record = cache.area("published")  # None when the cache can't be used: then every language is built
        same = unchanged_languages(record, site_dir, fingerprints) if record else set()
        for lang in sorted(same):
            carry_language(site_dir, stage, lang)
        to_build = [j for j in jobs_list if j.lang not in same]
        if same:
            progress(f"unchanged since the last build, kept as published: {', '.join(sorted(same))}")
        if to_build:
            progress(f"building {plural(len(to_build), 'language')} with MkDocs "
                     f"({min(jobs, len(to_build))} at a time)")
        results = build_languages(to_build, jobs)
        failed = [(lang, msgs) for lang, ok, msgs in results if not ok]
        if failed:
            detail = "\n".join(f"  [{lang}] {m}" for lang, msgs in failed for m in msgs[:20])
            raise BuildError(f"MkDocs build failed; the previous site is unchanged.\n{detail}")
        first = cfg.default_language if cfg.default_language in langs else langs[0]
        opening = next(r for r in rendered if r.lang == first)
        write_root_pages(stage, first, [(r.lang, *r.not_found) for r in rendered],
                         has_site_url=base_site_url(root) is not None, redirect=opening.redirect)
    if record:
        try:
            save_published(record, site_dir, fingerprints)
            if inputs is not None:
                fingerprint, hashed = inputs
                named = named_files(project)
                save_build(record, site_dir, fingerprint if set(named) == set(hashed) else None, named,
                           [str(d) for d in diags.sorted()])
        except OSError as exc:
            cache.disable(exc)
    progress(f"published {site_dir} in {time.perf_counter() - started:.1f} s")
    return site_dir


def named_files(project) -> list[str]:
    """Files the config names outside the project's own folders: exports and preset files (`tickets:`).

    A preset named like `zendesk` is built in; counting a file of that name too costs nothing and is never stale.
    """
    return sorted({str(p) for src in project.config.tickets for p in (src.path, src.options.preset) if p})


def check_docs_out(root: Path, site_dir: Path, folder: Path) -> None:
    """Refuse a --docs-out folder whose language folders would overwrite the user's work or the site."""
    from cssite.errors import OptionError

    root, site, out = root.resolve(), site_dir.resolve(), folder.resolve()
    if out == root or out in root.parents:
        raise OptionError(f"--docs-out {folder} holds the project itself; choose a folder of its own")
    if out == site or site in out.parents or out in site.parents:
        raise OptionError(f"--docs-out {folder} overlaps the site folder {site_dir}; choose a folder of its own")
    if out.is_dir() and any(out.iterdir()) and not (out / DOCS_MARKER).exists():
        raise OptionError(f"--docs-out {folder} is not empty and was not made by cssite; "
                          "choose an empty or new folder (cssite replaces its language folders on every build)")


def write_docs_out(folder: Path, files_of: dict[str, dict[str, bytes]]) -> None:
    """`--docs-out`: each language's generated Markdown pages and charts in `folder/<lang>/`, exactly.

    Files a previous run left in a language folder are removed, so the folder is
    only ever written where cssite wrote before (or where nothing was).
    """
    from cssite.publish.mkdocs_build import sync_docs

    marker = folder / DOCS_MARKER
    folder.mkdir(parents=True, exist_ok=True)
    marker.write_text("Generated Markdown pages and charts, written by cssite build --docs-out.\n")
    for lang, files in files_of.items():
        sync_docs(folder / lang, files)
