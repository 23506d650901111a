"""Guidance pages: the ones cssite ships (cssite/data/guidance/<lang>/*.md) and the project's own.

Every handbook gets the shipped pages by default. A project's content/guidance/<lang>/<page>.md
replaces the shipped page of that name or adds a page; `guidance: own` keeps only the project's
pages and `guidance: none` leaves the section out.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from cssite.errors import Diagnostics
from cssite.load.confine import Confinement, project_files
from cssite.load.fields import MAX_PAGE_BRACKETS, MAX_PAGE_CHARS, markdown_problem
from cssite.model import Config
from cssite.yamlio import read_text

GUIDANCE_DIR = Path("content") / "guidance"


def source_language(source: str) -> str | None:
    """The language a page was written in, from where it was read (`cssite:guidance/en/…`, `content/guidance/fr/…`)."""
    parts = source.replace("cssite:", "").split("/")
    return parts[-2] if len(parts) >= 2 else None


def builtin_guidance_dir():
    return resources.files("cssite") / "data" / "guidance"


def load_guidance(root: Path, config: Config, diags: Diagnostics,
                  sources: dict[str, dict[str, str]] | None = None,
                  confinement: Confinement | None = None) -> dict[str, dict[str, str]]:
    """{lang: {relative file name: markdown}} for each enabled language.

    `sources`, when given, is filled with {lang: {file name: where it was read from}}: a
    project-relative path for the project's own pages, `cssite:guidance/<lang>/<name>` for shipped ones.
    Only the project's pages that resolve inside it are read (load/confine.py).
    """
    out: dict[str, dict[str, str]] = {}
    if config.guidance == "none":
        return out
    shipped = builtin_guidance_dir()
    for lang in config.languages:
        pages: dict[str, str] = {}
        where: dict[str, str] = {}
        if config.guidance == "builtin":
            # A language cssite has no guidance in gets the English pages, shown as not translated.
            source = lang if (shipped / lang).is_dir() else "en"
            for entry in sorted((shipped / source).iterdir(), key=lambda e: e.name):
                if entry.name.endswith(".md"):
                    pages[entry.name] = entry.read_text(encoding="utf-8")
                    where[entry.name] = f"cssite:guidance/{source}/{entry.name}"
        folder = root / GUIDANCE_DIR / lang
        for path in project_files(folder, ("*.md",), confinement or Confinement(root), diags):
            text = read_text(path, diags)
            why = markdown_problem(text, MAX_PAGE_CHARS, MAX_PAGE_BRACKETS) if text is not None else None
            if why:  # MkDocs would take minutes over it
                diags.error(path, 1, f"this page {why}")
                text = None
            if text is not None:
                name = path.relative_to(folder).as_posix()
                pages[name] = text  # the project's page replaces the shipped one of that name
                where[name] = (GUIDANCE_DIR / lang / name).as_posix()
        out[lang] = pages
        if sources is not None:
            sources[lang] = where
    return out
