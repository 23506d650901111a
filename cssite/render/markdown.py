"""Putting user text and tool text safely into Markdown pages."""

from __future__ import annotations

import html
import re
import posixpath

from markupsafe import Markup


def escape_inline(s: str) -> str:
    """User text in running Markdown or a table cell: no HTML tags, no table breaks."""
    s = html.escape(s, quote=True)
    return s.replace("|", "&#124;").replace("\n", " ").replace("[", "&#91;").replace("]", "&#93;") \
            .replace("*", "&#42;").replace("_", "&#95;").replace("`", "&#96;")


_UNSAFE_LINK = re.compile(r"\[([^\]]*)\]\(\s*(?:javascript|vbscript|data)\s*:[^)]*\)", re.IGNORECASE)


def escape_block(s: str) -> str:
    """User Markdown (summaries): Markdown stays, raw HTML becomes visible text, script links go nowhere."""
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _UNSAFE_LINK.sub(r"\1", s)  # keep the link's words, drop the script


def escape_alt(s: str) -> str:
    """Image alt text inside ![…]."""
    return s.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("\n", " ")


def relative(target: str, current: str) -> str:
    """A Markdown link from page `current` to page `target`, both relative to docs/."""
    return posixpath.relpath(target, posixpath.dirname(current) or ".")


def attr(s: str) -> Markup:
    return Markup(html.escape(s, quote=True))
