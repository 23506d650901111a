"""Hand-written guidance pages: content/guidance/<lang>/*.md."""

from __future__ import annotations

from pathlib import Path

from cssite.errors import Diagnostics
from cssite.model import Config
from cssite.yamlio import read_text

GUIDANCE_DIR = Path("content") / "guidance"


def load_guidance(root: Path, config: Config, diags: Diagnostics) -> dict[str, dict[str, str]]:
    """{lang: {relative file name: markdown}} for each enabled language that has a folder."""
    out: dict[str, dict[str, str]] = {}
    for lang in config.languages:
        folder = root / GUIDANCE_DIR / lang
        pages = {}
        for path in sorted(folder.rglob("*.md")):
            text = read_text(path, diags)
            if text is not None:
                pages[path.relative_to(folder).as_posix()] = text
        out[lang] = pages
    return out
