"""Publish stage: write each language's docs folder and config, run one MkDocs build per language.

Builds run in worker processes (MkDocs is single-threaded and the languages
are independent). The runner is one function, so MkDocs can be swapped for a
compatible runner without touching the rest.
"""

from __future__ import annotations

import contextlib
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from cssite.publish.unchanged import language_fingerprint
from cssite.render.markdown import html_text

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ru": "Русский", "et": "Eesti", "zh": "中文"}

# Per-language search settings (see the README's "Search" notes): Russian needs a stemmer in the
# pipeline, lunr has no Estonian (so: prefix search without an English stemmer), Chinese is split by jieba.
# Words the pages write in Latin letters (NPS, CSAT, SLA, team and people's names) must be found in every
# language too, so each non-Latin index is also an English one; lunr's trimmers would otherwise drop them.
_PUNCTUATION = r"[\s\u200b\u3000\-.,;:!?()\[\]\"'«»„“”、。，．？！；：（）【】]+"
SEARCH = {
    "en": {"lang": ["en"]},
    "fr": {"lang": ["fr"]},
    "ru": {"lang": ["ru", "en"], "pipeline": ["stemmer", "stopWordFilter", "trimmer"]},
    # No Estonian in lunr: no stemmer, and no trimmer either (the English one cuts õ, ä, ö, ü off word ends).
    "et": {"lang": ["en"], "pipeline": [], "separator": _PUNCTUATION},
    "zh": {"lang": ["zh", "en"], "separator": _PUNCTUATION},
}




def search_settings(lang: str) -> dict:
    """The five above; any other language gets lunr's stemmer for it when Material ships one (de, es, pt …),
    plus English for the Latin-letter words, and otherwise no stemmer at all (prefix search, like Estonian)."""
    if lang in SEARCH:
        return SEARCH[lang]
    from cssite.i18n.languages import lunr_stemmer

    stem = lunr_stemmer(lang)
    if stem is None:
        return {"lang": ["en"], "pipeline": [], "separator": _PUNCTUATION}
    return {"lang": [stem] if stem == "en" else [stem, "en"]}


def language_name(lang: str) -> str:
    from cssite.i18n.languages import display_name

    return LANGUAGE_NAMES.get(lang) or display_name(lang)


# cssite's query-stemming worker (data/assets/stemmed-search.js) wraps Material's search worker.
# Every index here may stem (English is part of each), so every language gets the query-stemming worker;
# so does any other language, unless it has no stemmer at all (nothing to stem in the query either).
STEMMED_SEARCH = set(SEARCH)


def stemmed_search(lang: str) -> bool:
    return search_settings(lang).get("pipeline") != []
SEARCH_WORKER = "assets/javascripts/workers/cssite-search.js"


def material_search_worker() -> str:
    """The file name of the installed Material's search worker (it carries a content hash)."""
    folder = resources.files("material") / "templates" / "assets" / "javascripts" / "workers"
    return next(p.name for p in folder.iterdir() if p.name.startswith("search.") and p.name.endswith(".min.js"))


def search_worker_file() -> bytes:
    template = (resources.files("cssite") / "data" / "assets" / "stemmed-search.js").read_text(encoding="utf-8")
    return template.replace("__MATERIAL_WORKER__", material_search_worker()).encode("utf-8")


@dataclass(frozen=True)
class LanguageJob:
    lang: str
    config_file: str
    site_dir: str
    fingerprint: str = ""  # everything the build reads, hashed (publish/unchanged.py)
    store: str = ""  # where converted pages, search entries and compiled templates are kept (publish/page_store.py)
    root: str = ""  # the project folder


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the content differs, so `mkdocs serve` on the folder doesn't loop."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def sync_docs(docs: Path, files: dict[str, bytes]) -> None:
    """Make `docs` hold exactly `files`: write changed ones, remove stale ones."""
    for rel, data in files.items():
        write_if_changed(docs / rel, data)
    if docs.exists():
        keep = {docs / rel for rel in files}
        for p in sorted(docs.rglob("*"), reverse=True):
            if p.is_file() and p not in keep:
                p.unlink()
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()


def base_config(root: Path) -> Path:
    own = root / "mkdocs.yml"
    return own if own.is_file() else Path(str(resources.files("cssite") / "data" / "mkdocs-base.yml"))


def read_base_config(root: Path) -> tuple[dict, bool]:
    """The base mkdocs.yml as plain data, and whether it was read completely.

    mkdocs.yml may hold !!python/name and !ENV tags that only MkDocs can resolve;
    they read as None here, and the second value is then False so nobody copies
    the half-read parts back into a language's config.
    """
    tags: list[str] = []

    class Lenient(yaml.SafeLoader):
        pass

    def unknown(loader, suffix, node):
        tags.append(suffix)

    Lenient.add_multi_constructor("", unknown)
    try:
        data = yaml.load(base_config(root).read_text(encoding="utf-8"), Loader=Lenient)  # noqa: S506
    except yaml.YAMLError:
        return {}, False  # MkDocs itself will report the broken file
    return (data if isinstance(data, dict) else {}), not tags


def base_site_url(root: Path, base: dict | None = None) -> str | None:
    """`site_url` from the base mkdocs.yml (read now unless given), if the project publishes to a known address."""
    url = (read_base_config(root)[0] if base is None else base).get("site_url")
    return url if isinstance(url, str) and url.strip() else None


def translated_theme(base: dict, complete: bool, labels: dict[str, str]) -> dict:
    """The parts of the base theme and Markdown settings that carry English words, in the page's language.

    Material names the light/dark toggle from `palette`, and Markdown's toc
    extension titles heading links "Permanent link": both come from mkdocs.yml.
    """
    out: dict = {}
    palette = (base.get("theme") or {}).get("palette") if isinstance(base.get("theme"), dict) else None
    if isinstance(palette, list) and all(isinstance(p, dict) for p in palette):
        out["palette"] = [
            # Material writes the toggle's name into two attributes as it is: escaped here (a project's catalogue
            # is user text). The permalink title needs nothing: Markdown's toc sets it as an attribute itself.
            {**p, "toggle": {**p["toggle"],
                             "name": html_text(labels["to_light" if p.get("scheme") == "slate" else "to_dark"])}}
            if isinstance(p.get("toggle"), dict) else p for p in palette]
    extensions = base.get("markdown_extensions")
    if complete and isinstance(extensions, list):
        updated = []
        for ext in extensions:
            if ext == "toc" or (isinstance(ext, dict) and "toc" in ext):
                options = dict(ext["toc"] or {}) if isinstance(ext, dict) else {}
                if options.get("permalink"):
                    options["permalink_title"] = labels["permalink"]
                ext = {"toc": options}
            updated.append(ext)
        out["markdown_extensions"] = updated
    return out


def escaped_nav(nav):
    """A MkDocs `nav` with every title escaped for HTML (page paths are cssite's own and stay as they are)."""
    if isinstance(nav, list):
        return [escaped_nav(entry) for entry in nav]
    if isinstance(nav, dict):
        return {html_text(title): escaped_nav(value) for title, value in nav.items()}
    return nav


def _stems(lang: str) -> bool:
    return lang in STEMMED_SEARCH or (lang not in SEARCH and stemmed_search(lang))


def theme_language(lang: str) -> str:
    from cssite.i18n.languages import theme_language as material_language

    return material_language(lang)


def language_config(root: Path, lang: str, languages: tuple[str, ...], site_name: str, nav: list,
                    site_dir: Path, not_in_nav: list[str] = (), labels: dict[str, str] | None = None,
                    user_pages: list[str] = ()) -> dict:
    from cssite.i18n.languages import borrowed_direction

    theme_dir = Path(str(resources.files("cssite") / "data" / "theme"))
    direction = borrowed_direction(lang)
    base, complete = read_base_config(root)
    site_url = base_site_url(root, base)
    local = translated_theme(base, complete, labels) if labels else {}
    return {
        "INHERIT": str(base_config(root).resolve()),
        # MkDocs and the theme write the site name and navigation titles into the HTML as they are.
        "site_name": html_text(site_name),
        "docs_dir": "docs",
        "site_dir": str(site_dir / lang),
        "use_directory_urls": True,
        # Each language lives one folder down; its 404 page and sitemap need that in their URLs.
        **({"site_url": site_url.rstrip("/") + f"/{lang}/"} if site_url else {}),
        "theme": {"name": "material", "language": theme_language(lang), "custom_dir": str(theme_dir),
                  **({"palette": local["palette"]} if "palette" in local else {}),
                  **({"direction": direction} if direction else {})},
        **({"markdown_extensions": local["markdown_extensions"]} if "markdown_extensions" in local else {}),
        "nav": escaped_nav(nav),
        "not_in_nav": "\n".join(f"/{page}" for page in not_in_nav),
        "extra_css": ["assets/cssite.css"],
        "plugins": [{"search": search_settings(lang)}],
        "extra": {
            "alternate": [{"name": language_name(l), "link": f"../{l}/", "lang": l} for l in languages],
            "cssite_search_worker": SEARCH_WORKER.rsplit("/", 1)[1] if _stems(lang) else False,
            # <html lang>: the project's own code, also where Material's strings are borrowed (theme/partials).
            "cssite_lang": lang,
            # The pages whose Markdown the project wrote: run_mkdocs sanitizes their HTML (UserPages).
            "cssite_user_pages": sorted(user_pages),
        },
    }


def write_language(work: Path, root: Path, lang: str, languages, site_name: str, nav: list,
                   files: dict[str, bytes], site_dir: Path, not_in_nav: list[str] = (),
                   labels: dict[str, str] | None = None, store: Path | None = None,
                   user_pages: list[str] = ()) -> LanguageJob:
    """Lay out one language's MkDocs project under `work/lang/`."""
    folder = work / lang
    css = (resources.files("cssite") / "data" / "assets" / "cssite.css").read_bytes()
    assets = {"assets/cssite.css": css}
    if _stems(lang):
        assets[SEARCH_WORKER] = search_worker_file()
    sync_docs(folder / "docs", {**files, **assets})
    cfg = language_config(root, lang, languages, site_name, nav, site_dir, not_in_nav, labels, user_pages)
    config_file = folder / "mkdocs.yml"
    write_if_changed(config_file, yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False).encode())
    fingerprint = language_fingerprint({**files, **assets}, cfg, base_inputs(root))
    return LanguageJob(lang, str(config_file), str(site_dir / lang), fingerprint, str(store or ""), str(root))


def base_inputs(root: Path) -> bytes:
    """The bytes of the base mkdocs.yml and of the hook modules it names (both change what MkDocs does)."""
    path = base_config(root)
    out = path.read_bytes()
    hooks = read_base_config(root)[0].get("hooks")
    for hook in hooks if isinstance(hooks, list) else []:
        p = path.parent / str(hook)
        out += b"\0" + (p.read_bytes() if p.is_file() else b"")
    return out


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _quiet_mkdocs() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


class UserPages:
    """A MkDocs plugin of cssite's own (registered in run_mkdocs): the project's guidance pages are Markdown
    MkDocs renders with every extension mkdocs.yml enables (raw HTML, attribute lists, any link), so their
    HTML passes the allow-list sanitizer before the theme, the search index or the table of contents see it."""

    def on_page_content(self, html: str, page, config, files):  # noqa: ARG002 - MkDocs' event signature
        from cssite.render.markdown import html_text, user_page_html

        if page.file.src_uri not in (config.get("extra") or {}).get("cssite_user_pages", ()):
            return html
        # The title MkDocs took from the first heading reaches <title>, the navigation and the search index as
        # it is: plain text, escaped once.
        if page.title:
            page.title = html_text(_plain_title(page.title))
        stack = list(page.toc or [])
        while stack:  # the table of contents and the search index's sections: the headings' words, as text
            item = stack.pop()
            item.title = html_text(_plain_title(item.title))
            stack.extend(item.children)
        return user_page_html(html)


def _plain_title(title: str) -> str:
    import html as _html
    import re as _re

    return _html.unescape(_re.sub(r"<[^>]*>", "", str(title)))


def run_mkdocs(job: LanguageJob) -> tuple[str, bool, list[str]]:
    """Build one language. Returns (lang, ok, warnings and errors)."""
    _quiet_mkdocs()
    import jieba  # Material's search splits Chinese with it; its start-up chatter is not the user's business
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    jieba.setLogLevel(logging.WARNING)
    handler = _Collect()
    log = logging.getLogger("mkdocs")
    log.addHandler(handler)
    log.propagate = False
    store = _page_store(job)
    try:
        cfg = load_config(config_file=job.config_file, strict=True)
        cfg.plugins["cssite-user-pages"] = UserPages()
        with store.active() if store is not None else contextlib.nullcontext():
            build(cfg)
        ok = True
    except (Abort, MkDocsException, OSError) as exc:
        handler.messages.append(str(exc))
        ok = False
    finally:
        log.removeHandler(handler)
    if store is not None and ok and not handler.messages:  # only a build without a warning is kept
        store.kept()
        try:
            store.save(Path(job.config_file).parent / "docs")
        except OSError:
            pass  # the next build converts these pages again; the site is right either way
    # MkDocs' strict mode turns link and anchor warnings into a failed build.
    return job.lang, ok and not handler.messages, handler.messages


def _page_store(job: LanguageJob):
    """The language's kept pages (publish/page_store.py), unless `cssite serve` keeps its own in memory."""
    from cssite import warm

    if not job.store or warm._active is not None:
        return None
    from cssite.publish.page_store import PageStore

    try:
        return PageStore(Path(job.root), Path(job.store), job.lang)
    except OSError:
        return None


def warm_up(job: LanguageJob) -> None:
    """Import what every language build needs, once, in this process (before the workers fork).

    Loading one language's configuration imports MkDocs, the Material theme, its
    search plugin and every Markdown extension mkdocs.yml names. jieba's dictionary
    is loaded too: Material's search splits any Chinese text with it in *every*
    language (the Reference's examples hold some), so each worker would otherwise
    load it again.
    """
    _quiet_mkdocs()
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    from mkdocs.commands.build import build  # noqa: F401
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    log = logging.getLogger("mkdocs")
    handler, propagate = _Collect(), log.propagate
    log.addHandler(handler)
    log.propagate = False
    try:
        cfg = load_config(config_file=job.config_file, strict=True)
        store = _page_store(job)
        if store is not None:  # list the theme's files once, here: every worker forked from this process reuses it
            from mkdocs.structure.files import Files

            with store.active():
                Files([]).add_files_from_theme(cfg.theme.get_env(), cfg)
    except (Abort, MkDocsException, OSError):
        pass  # the real build reports it, with the language it belongs to
    finally:
        log.removeHandler(handler)
        log.propagate = propagate


def _pool_context():
    """Workers forked from this (warm) process where the platform can fork; fresh interpreters elsewhere."""
    import multiprocessing

    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")


def build_languages(jobs_list: list[LanguageJob], workers: int) -> list[tuple[str, bool, list[str]]]:
    """Run every language build; the slowest (zh, with jieba) starts first.

    With several workers, MkDocs and its plugins are imported once here and the
    workers fork from this process, so each language pays only for its own pages.
    """
    ordered = sorted(jobs_list, key=lambda j: j.lang != "zh")
    if not ordered:
        return []
    if workers <= 1 or len(ordered) == 1:
        return [run_mkdocs(j) for j in ordered]
    warm_up(ordered[-1])
    with ProcessPoolExecutor(min(workers, len(ordered)), mp_context=_pool_context()) as pool:
        return list(pool.map(run_mkdocs, ordered))
