"""Converted pages, search entries and compiled templates kept between `cssite build` runs.

A MkDocs build spends most of its time converting each page's Markdown to HTML, parsing the HTML again
for the search index and compiling Material's templates. cssite/warm.py reuses all three inside one long
process (`cssite serve`) under rules that make a reused result exactly what a new one would be: a page's
conversion is reused only when its Markdown, its place, the Markdown settings and the whole list of files
are the same; its search entries only when its HTML, title, table of contents, metadata and the search
settings are; templates are checked against their source by Jinja itself.

`PageStore` applies the same rules across builds: the results of a language whose MkDocs build succeeded
(in strict mode: without a single warning) are written to `.cssite-cache/v<version>/pages/`, and the next
build of that language reads them. On disk a result is kept with a digest of its inputs, not the inputs,
and the folder is named after the installed distributions (MkDocs, Markdown, its extensions, Material …),
so an upgrade starts afresh. Results are JSON (text, never code); compiled templates are Jinja's own
bytecode files, each checked against its template's source before use. A damaged entry is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import jinja2

from cssite.warm import WarmBuilds, _env_settings

STORE_VERSION = 1


def _digest(key: tuple) -> str:
    return hashlib.sha256(repr(key).encode("utf-8", errors="surrogatepass")).hexdigest()


def store_folder(area: Path) -> Path:
    """This installation's folder under the cache's pages area (another set of versions gets another one)."""
    from cssite.publish.unchanged import _distributions

    tag = hashlib.sha256(f"v{STORE_VERSION}\n{_distributions()}".encode()).hexdigest()[:16]
    return Path(area) / tag


class _FileBytecode(jinja2.FileSystemBytecodeCache):
    """Jinja's bytecode files, named by template and by the environment's settings (Jinja's own name omits them)."""

    def _get_cache_filename(self, bucket) -> str:
        settings = hashlib.sha256(repr(_env_settings(bucket.environment)).encode()).hexdigest()[:12]
        return os.path.join(self.directory, f"{bucket.key}-{settings}.cache")


def _toc_out(items) -> list:
    return [[t.title, t.id, t.level, _toc_out(t.children)] for t in items or ()]


def _toc_in(rows):
    from mkdocs.structure.toc import AnchorLink, TableOfContents

    def link(row):
        title, anchor, level, children = row
        out = AnchorLink(title, anchor, level)
        out.children = [link(c) for c in children]
        return out

    return TableOfContents([link(r) for r in rows])


class PageStore(WarmBuilds):
    """The results of one language's last successful build, read from and written to the cache."""

    # The theme's file listing (WarmBuilds keeps it only for theme folders outside the project, which do not
    # change while cssite runs) is one for every language: listed once per process, before the workers fork.
    _listings: dict = {}

    def __init__(self, root: Path, folder: Path, lang: str) -> None:
        super().__init__(root)
        self.listings = PageStore._listings
        self.folder, self.lang = Path(folder), lang
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "templates").mkdir(exist_ok=True)
        self.templates = _FileBytecode(str(self.folder / "templates"))
        self._read()

    @property
    def _file(self) -> Path:
        return self.folder / f"{self.lang}.json"

    def _kept_key(self, key: tuple) -> str:
        return _digest(key)

    def _same(self, kept, key: tuple) -> bool:
        return kept == _digest(key)

    def _read(self) -> None:
        try:
            data = json.loads(self._file.read_text(encoding="utf-8"))
            for uri, key, done in data["pages"]:
                self.pages[(self.lang, uri)] = (key, {
                    "content": done["content"], "toc": _toc_in(done["toc"]), "title": done["title"],
                    "anchors": set(done["anchors"]) if done["anchors"] is not None else None,
                    "links": done["links"]})
            for config, uri, url, key, entries in data["search"]:
                self.search[(config, uri, url)] = (key, entries)
        except (OSError, ValueError, KeyError, TypeError):
            self.pages, self.search = {}, {}  # nothing kept, or a damaged file: convert everything

    def save(self, docs: Path) -> None:
        """Write what this language's build used (after `kept()`): pages no longer in `docs` are left out."""
        exists = lambda uri: (Path(docs) / uri).is_file()  # noqa: E731
        pages = [[uri, key, {"content": d["content"], "toc": _toc_out(d["toc"]), "title": d["title"],
                             "anchors": sorted(d["anchors"]) if d["anchors"] is not None else None,
                             "links": d["links"]}]
                 for (lang, uri), (key, d) in sorted(self.pages.items()) if lang == self.lang and exists(uri)]
        search = [[config, uri, url, key, entries] for (config, uri, url), (key, entries) in sorted(self.search.items())
                  if exists(uri)]
        tmp = self._file.with_name(f".{self._file.name}.{os.getpid()}")
        tmp.write_text(json.dumps({"pages": pages, "search": search}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self._file)  # never a half-written store
