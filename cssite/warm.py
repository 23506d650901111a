"""What a long-lived process (`cssite serve`) keeps in memory from one build to the next.

A build in a fresh process compiles every Jinja template (cssite's page templates and Material's theme),
lists the theme's files, converts every page's Markdown to HTML and parses every page for the search
index. Between two saves in `cssite serve` almost all of that is the same, so while a `WarmBuilds` is
active (serve wraps each build in it) these are reused:

- compiled templates, in Jinja's bytecode cache: keyed by template file and environment settings and
  checked against the source's checksum by Jinja itself, so an edited template is compiled again;
- MkDocs' listing of the theme's files, when every theme folder lies outside the project (an installed
  package does not change while serve runs; a project's own theme folder is listed again each build);
- a page's Markdown → HTML conversion, when its Markdown after the plugins, its place, the Markdown
  settings and the whole list of files (links are resolved and checked against it) are all the same;
- a page's search entries, when its HTML, title, table of contents, metadata and the search settings are;
- a page's finished HTML from the theme, when the page (HTML, title, table of contents, metadata, address),
  the whole nav (every title and address, so the previous/next links and the open section too), the list
  of pages and the MkDocs configuration (the language's mkdocs.yml without its folders, and the project's
  mkdocs.yml it inherits) are all the same; only with the search plugin alone and no hooks, whose effects
  on a page cannot be told from its inputs.

A page's results are kept only from a build that succeeded, which in strict mode means one with no
warning at all, so a reused page never hides a broken link. Everything else (loading, checking, KPIs,
pages, nav, the config, the HTML of every page) is done as in any build: the same code with the same
rules, only quicker. tests/test_warm.py checks it: after each kind of edit, a warm site equals a fresh one. Nothing here is written to disk or shared with another process, and without an
active `WarmBuilds` (`cssite build`, the tests) nothing changes at all.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
from pathlib import Path

import jinja2

_active: "WarmBuilds | None" = None


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """The compiled-template cache for a new Jinja environment: the active one, or None (compile as usual)."""
    return _active.templates if _active is not None else None


def _env_settings(env: jinja2.Environment) -> tuple:
    """What the compiled code of a template depends on besides its source (Jinja's own key omits it)."""
    def name(x):
        return x if isinstance(x, (bool, type(None))) else f"{getattr(x, '__module__', '')}.{getattr(x, '__qualname__', x)}"

    return (env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
            env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
            env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized,
            env.is_async, name(env.autoescape), name(env.finalize), tuple(sorted(env.extensions)))


class _MemoryBytecode(jinja2.BytecodeCache):
    """Jinja's bytecode cache, in memory: the code object itself, not a marshalled copy."""

    def __init__(self) -> None:
        self.codes: dict[tuple, tuple[str, object]] = {}

    def load_bytecode(self, bucket) -> None:
        hit = self.codes.get((bucket.key, _env_settings(bucket.environment)))
        if hit is not None and hit[0] == bucket.checksum:
            bucket.code = hit[1]

    def dump_bytecode(self, bucket) -> None:
        if bucket.code is not None:
            self.codes[(bucket.key, _env_settings(bucket.environment))] = (bucket.checksum, bucket.code)


def _fingerprint(key) -> str:
    """A short stand-in for a key that is the same for every page of a build (the file list, the nav, the
    config): taken once per build, so each page's key stays small and comparing or hashing it no longer costs
    a pass over the whole site (which made a warm build grow with the square of its pages)."""
    return hashlib.sha256(repr(key).encode("utf-8", errors="surrogatepass")).hexdigest()


def _toc_key(toc) -> tuple:
    return tuple((t.title, t.id, t.level, _toc_key(t.children)) for t in toc or ())


def _files_key(files) -> str:
    """Every file of this build with where it goes: what link resolution and checking read. Once per build."""
    key = getattr(files, "_cssite_warm_key", None)
    if key is None:
        key = _fingerprint(tuple(sorted((f.src_uri, f.dest_uri, f.url, str(f.inclusion)) for f in files)))
        files._cssite_warm_key = key
    return key


def _markdown_key(page, config, files) -> tuple:
    return (page.markdown, page.file.src_uri, page.file.dest_uri, page.file.url, repr(config["markdown_extensions"]),
            repr(config["mdx_configs"]), config.use_directory_urls, repr(config.validation), config.site_url,
            _files_key(files))


# Markdown extensions that read other files while converting a page: a page using one is converted every time.
_READS_FILES = ("snippets", "include")


def _language(config) -> str:
    """The language a page belongs to: each build lays out docs/ and mkdocs.yml in a fresh work/<lang>/ folder."""
    return Path(config.docs_dir).parent.name


def _nav_key(items) -> tuple:
    return tuple((type(i).__name__, i.title, getattr(i, "url", None),
                  getattr(getattr(i, "file", None), "src_uri", None), _nav_key(getattr(i, "children", None)))
                 for i in items or ())


# cssite-user-pages (publish/mkdocs_build.py) only rewrites a page's content, title and toc before the theme
# renders it, and all three are in the key below.
_PLAIN_PLUGINS = {"search", "material/search", "cssite-user-pages"}


def _config_key(config) -> tuple | None:
    """The language's configuration as a key (its folders left out: each build has new ones), or None when a
    plugin or hook could change a page in ways its inputs don't show."""
    import yaml

    if set(config.plugins) - _PLAIN_PLUGINS or config.hooks:
        return None
    own = yaml.safe_load(Path(config.config_file_path).read_text(encoding="utf-8"))
    inherited = own.pop("INHERIT", None)
    for folder in ("site_dir", "docs_dir"):
        own.pop(folder, None)
    base = Path(config.config_file_path).parent / inherited if inherited else None
    return (repr(own), base.read_bytes() if base is not None and base.is_file() else b"",
            tuple(str(d) for d in config.theme.dirs))


def _config_fingerprint(config) -> str | None:
    key = _config_key(config)
    return None if key is None else _fingerprint(key)


class _WarmTemplate(jinja2.Template):
    """A theme template that hands back a page's HTML from the last good build when all it reads is the same."""

    def render(self, *args, **kwargs) -> str:
        warm = _active
        context = args[0] if len(args) == 1 and isinstance(args[0], dict) and not kwargs else None
        page = context.get("page") if context is not None else None
        if warm is None or page is None or context.get("nav") is None or context.get("config") is None:
            return super().render(*args, **kwargs)
        config = context["config"]
        config_key = warm.per_build(config, _config_fingerprint)
        if config_key is None:
            return super().render(*args, **kwargs)
        nav = warm.per_build(context["nav"], lambda nav: _fingerprint(_nav_key(nav.items)))
        pages = warm.per_build(context["pages"], lambda pages: _fingerprint(tuple((f.src_uri, f.url) for f in pages)))
        key = (self.name, config_key, nav, pages,
               page.url, page.file.src_uri, page.title, page.content, _toc_key(page.toc), repr(page.meta),
               page.canonical_url, page.edit_url, page.update_date, page.is_homepage, context.get("base_url"),
               repr(context.get("extra_css")), repr(context.get("extra_javascript")))
        slot = (_language(config), page.url, self.name)
        hit = warm.html.get(slot)
        if hit is not None and warm._same(hit[0], key):
            warm.reused["html"] += 1
            return hit[1]
        out = super().render(*args, **kwargs)
        warm._pending_html[slot] = (warm._kept_key(key), out)
        return out


class WarmBuilds:
    """The caches of one serve session. `with warm.active(): run_build(...)`; then `kept()` or `dropped()`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.templates = _MemoryBytecode()
        self.listings: dict[tuple, list[str]] = {}
        self.pages: dict[tuple, tuple[tuple, dict]] = {}  # (config file, page) → (inputs, results)
        self.search: dict[tuple, tuple[tuple, list]] = {}
        self.html: dict[tuple, tuple[tuple, str]] = {}
        self._pending_pages: dict = {}
        self._pending_search: dict = {}
        self._pending_html: dict = {}
        self._build_keys: dict[int, tuple] = {}
        self.reused = {"pages": 0, "search": 0, "html": 0}

    def per_build(self, obj, make):
        """`make(obj)`, computed once per build for this object (which the entry keeps alive, so its id is its own)."""
        hit = self._build_keys.get(id(obj))
        if hit is None or hit[0] is not obj:
            hit = self._build_keys[id(obj)] = (obj, make(obj))
        return hit[1]

    @contextlib.contextmanager
    def active(self):
        """Make this session's caches the ones every build in this process uses, until the block ends."""
        global _active
        from material.plugins.search.plugin import SearchIndex
        from mkdocs.structure.pages import Page
        from mkdocs.theme import Theme

        patched = [(Theme, "get_env", self._get_env(Theme.get_env)), (Page, "render", self._render(Page.render)),
                   (SearchIndex, "add_entry_from_context", self._index(SearchIndex.add_entry_from_context))]
        saved = [(owner, name, owner.__dict__[name]) for owner, name, _ in patched]
        self._pending_pages, self._pending_search, self._pending_html, self._build_keys = {}, {}, {}, {}
        self.reused = {"pages": 0, "search": 0, "html": 0}
        _active = self
        for owner, name, fn in patched:
            setattr(owner, name, fn)
        try:
            yield self
        finally:
            for owner, name, fn in saved:
                setattr(owner, name, fn)
            self._build_keys = {}
            _active = None

    def kept(self) -> None:
        """The build succeeded: its pages' results may be reused by the next one."""
        self.pages.update(self._pending_pages)
        self.search.update(self._pending_search)
        self.html.update(self._pending_html)
        self._pending_pages, self._pending_search, self._pending_html = {}, {}, {}

    def dropped(self) -> None:
        """The build failed: nothing it computed is kept (a failed page must be converted again, and say why)."""
        self._pending_pages, self._pending_search, self._pending_html = {}, {}, {}

    # What a result is kept with, and whether it matches: the inputs themselves here (in memory); a store
    # that outlives the process (publish/page_store.py) keeps a digest of them instead.
    def _kept_key(self, key: tuple):
        return key

    def _same(self, kept, key: tuple) -> bool:
        return kept == key

    # --- the three places MkDocs and Material are asked to reuse --------------------------------------

    def _get_env(self, original):
        warm = self

        def get_env(theme):
            env = original(theme)
            env.bytecode_cache = warm.templates
            env.template_class = _WarmTemplate
            dirs = tuple(str(Path(d).resolve()) for d in theme.dirs)
            if not any(Path(d).is_relative_to(warm.root) for d in dirs):
                listing = env.list_templates

                def list_templates(extensions=None, filter_func=None):
                    key = (dirs, tuple(extensions or ()), getattr(filter_func, "__code__", filter_func))
                    if key not in warm.listings:
                        warm.listings[key] = listing(extensions, filter_func)
                    return list(warm.listings[key])

                env.list_templates = list_templates
            return env

        return get_env

    def _render(self, original):
        warm = self

        def render(page, config, files):
            if any(word in str(ext) for ext in config["markdown_extensions"] for word in _READS_FILES):
                return original(page, config, files)
            slot = (_language(config), page.file.src_uri)
            key = _markdown_key(page, config, files)
            hit = warm.pages.get(slot)
            if hit is not None and warm._same(hit[0], key):
                done = copy.deepcopy(hit[1])
                by_uri = {f.src_uri: f for f in files}
                page.content, page.toc = done["content"], done["toc"]
                page._title_from_render = done["title"]
                page.present_anchor_ids = done["anchors"]
                if done["links"] is not None:
                    page.links_to_anchors = {by_uri[uri]: links for uri, links in done["links"].items()}
                warm.reused["pages"] += 1
                return
            original(page, config, files)
            links = getattr(page, "links_to_anchors", None)
            warm._pending_pages[slot] = (warm._kept_key(key), copy.deepcopy({
                "content": page.content, "toc": page.toc, "title": page._title_from_render,
                "anchors": page.present_anchor_ids,
                "links": None if links is None else {f.src_uri: dict(v) for f, v in links.items()}}))

        return render

    def _index(self, original):
        warm = self

        def add_entry_from_context(index, page):
            slot = (repr(sorted(index.config.items())), page.file.src_uri, page.url)
            key = (repr(sorted(index.config.items())), page.content, page.title, repr(page.meta), _toc_key(page.toc),
                   page.url)
            hit = warm.search.get(slot)
            if hit is not None and warm._same(hit[0], key):
                index.entries.extend(copy.deepcopy(hit[1]))
                warm.reused["search"] += 1
                return
            before = len(index.entries)
            original(index, page)
            warm._pending_search[slot] = (warm._kept_key(key), copy.deepcopy(index.entries[before:]))

        return add_entry_from_context
