"""The one escape path from user text to HTML.

Every string a user wrote reaches a page through one of three functions here:

- `text()`: plain text placed in a Markdown page (body, table cell, heading, list item). Everything that
  Markdown or HTML would read as markup (`<`, `&`, `*`, `_`, `[`, `{: …}`, `|`, a leading `#` or `1.` …)
  becomes a character reference, so the reader sees exactly what was typed and nothing takes effect.
- `html_text()`: plain text handed to MkDocs as a site name, navigation title or page title. MkDocs and the
  theme put those into the HTML as they are (they are meant to allow markup), so they are escaped for HTML.
- `summary_html()`: user Markdown (review summaries). A fixed subset of Markdown is rendered to HTML here,
  with links and images only to http, https, mailto or relative URLs, and the result passes nh3's allow-list
  sanitizer before it is placed in the page as one raw HTML block that MkDocs' Markdown does not touch.

Templates can't forget to call them: the Jinja environment's `finalize` sends every value that is not a
`markupsafe.Markup` through `text()`, and the helpers templates call return `Markup`.
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as etree
from functools import lru_cache
from urllib.parse import urlsplit

import markdown as _markdown
import nh3
from markupsafe import Markup

# Characters that are markup somewhere in Markdown, its extensions or HTML, anywhere in a line.
_ALWAYS = set('&<>"\\`*[]{}|~=^+$!#:')
# Control characters never reach a page (the YAML reader refuses them; a CSV or an export may still hold one).
# \x02 and \x03 in particular are Python-Markdown's placeholder delimiters.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# What starts a Markdown block at the beginning of a line: a list item, a numbered item, a rule, a quote …
_LEADING = re.compile(r"^(\s*)(\d+)([.)])(?=\s|$)|^(\s*)(-(?=[\s-]|$)|\?(?=\?))")


_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def _entity(ch: str) -> str:
    return _NAMED.get(ch) or f"&#{ord(ch)};"


_EMBEDDINGS = re.compile("[\u202a-\u202e]")  # LRE RLE PDF LRO RLO
_ISOLATES = re.compile("[\u2066-\u2068]")  # LRI RLI FSI


def _closed_bidi(s: str) -> str:
    """User text whose bidi overrides and isolates end with it: a U+202E can't reverse the words after it.

    The Unicode bidi algorithm ignores a terminator with nothing to close, so one per opener is always safe.
    """
    if max(s, default="\0") < "\u202a":  # (the common case: no character that high, nothing to look for)
        return s
    return s + "\u202c" * len(_EMBEDDINGS.findall(s)) + "\u2069" * len(_ISOLATES.findall(s))


def text(s) -> Markup:
    """Plain user text, safe anywhere in a Markdown page's running text; shown exactly as typed."""
    if isinstance(s, Markup):
        return s
    return _text(str(s))


@lru_cache(maxsize=1 << 16)
def _text(s: str) -> Markup:
    # Pure, and five languages' pages print the same names and numbers thousands of times: cached.
    s = _CONTROL.sub("", str(s)).replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    s = _closed_bidi(s)
    out = []
    n = len(s)
    for i, ch in enumerate(s):
        if ch in _ALWAYS:
            out.append(_entity(ch))
        elif ch == "_":  # inside a word (snake_case) it is no emphasis; at a word's edge it can be
            inner = 0 < i < n - 1 and s[i - 1].isalnum() and s[i + 1].isalnum()
            out.append("_" if inner else _entity(ch))
        else:
            out.append(ch)
    escaped = "".join(out)
    m = _LEADING.match(escaped)
    if m:
        if m.group(2) is not None:  # "2026. A year" would become a numbered list
            escaped = m.group(1) + m.group(2) + _entity(m.group(3)) + escaped[m.end():]
        else:
            escaped = m.group(4) + _entity(m.group(5)) + escaped[m.end():]
    return Markup(escaped)


def html_text(s) -> str:
    """Plain text for a place where MkDocs or the theme writes it into HTML as is (names, titles)."""
    if isinstance(s, Markup):
        return str(s)
    return html.escape(_closed_bidi(_CONTROL.sub("", str(s)).replace("\n", " ")), quote=True).replace("&#x27;", "'")


def alt(s: str) -> str:
    """Image alt text inside `![…]`: Markdown takes it literally and Python-Markdown escapes it as an attribute."""
    s = _CONTROL.sub("", s).replace("\n", " ")
    return s.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def code(s) -> Markup:
    """A value shown as an inline code span (an id, an option name): nothing inside a code span is markup."""
    s = _CONTROL.sub("", str(s)).replace("\n", " ")
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return Markup(f"{fence}{pad}{s}{pad}{fence}")


# --- user Markdown ------------------------------------------------------------------------------------

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
# The subset a summary may use: paragraphs, emphasis, lists, quotes, code, sub-headings, links, images.
ALLOWED_TAGS = frozenset({"p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
                          "h3", "h4", "h5", "h6", "a", "img"})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


def safe_url(url: str) -> bool:
    """http, https, mailto or a relative URL (no scheme at all); anything else (javascript:, data:, …) is refused."""
    # Browsers ignore tabs, newlines and leading control characters and decode references inside a URL.
    # A backslash is a slash to them too (`\\host` and `/\\host` are `//host`).
    u = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url)).replace("\\", "/")
    try:
        scheme = urlsplit(u).scheme.lower()
    except ValueError:
        return False
    if scheme:
        return scheme in ALLOWED_SCHEMES
    return not u.startswith("//")  # no scheme-relative jump to another host


class _UrlFilter(_markdown.treeprocessors.Treeprocessor):
    """First wall: a link with a refused URL keeps its words and loses the link; such an image is dropped."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for i, el in reversed(list(enumerate(parent))):
                if el.tag == "a" and not safe_url(el.get("href", "")):
                    el.tag = "span"
                    el.attrib.clear()
                elif el.tag == "img" and not safe_url(el.get("src", "")):
                    tail = el.tail
                    parent.remove(el)
                    if tail:  # keep the text that followed the image
                        if i > 0:
                            parent[i - 1].tail = (parent[i - 1].tail or "") + tail
                        else:
                            parent.text = (parent.text or "") + tail


class _SafeSubset(_markdown.extensions.Extension):
    def extendMarkdown(self, md: _markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown API
        # No raw HTML: `<b>` is text. Python-Markdown has no safe mode, so the HTML readers are removed.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # After Markdown's own `unescape` (priority 0): before it, a backslash escape in a URL is still a
        # placeholder, and `[x](\\\\host)` would be judged as something else than the `\\host` it becomes.
        md.treeprocessors.register(_UrlFilter(md), "cssite_urls", -1)


@lru_cache(maxsize=1)
def _summary_md() -> _markdown.Markdown:
    # Fenced code only: no attribute lists, no md_in_html, nothing that turns text into attributes.
    return _markdown.Markdown(extensions=["fenced_code", _SafeSubset()], output_format="html")


def _second_look(tag: str, name: str, value: str) -> str | None:
    """nh3's attribute filter: every URL that survived it is judged once more by `safe_url` (same rule)."""
    if name in ("href", "src") and not safe_url(value):
        return None
    return value


def summary_html(s: str) -> Markup:
    """User Markdown → sanitized HTML (no blank lines, so a page's Markdown keeps it as one raw block)."""
    md = _summary_md()
    md.reset()
    rendered = md.convert(_CONTROL.sub("", s))
    clean = nh3.clean(rendered, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                      url_schemes=set(ALLOWED_SCHEMES), link_rel="noopener noreferrer", strip_comments=True,
                      attribute_filter=_second_look)
    # A blank line would end the raw HTML block early and let MkDocs read the rest as Markdown; inside <pre>
    # a newline is kept as a character reference instead, which shows the same.
    clean = re.sub(r"<pre>.*?</pre>", lambda m: m.group(0).replace("\n", "&#10;"), clean, flags=re.S)
    clean = re.sub(r"\n\s*\n", "\n", clean)
    return Markup(clean)


# A project's guidance pages are full MkDocs Markdown (tables, admonitions, details, code, headings with ids):
# what that makes is kept, with classes and ids; scripts, event attributes, styles (but text-align), frames,
# forms and every URL but http, https, mailto and relative ones are not.
USER_PAGE_TAGS = frozenset(nh3.ALLOWED_TAGS | {"tfoot"})
USER_PAGE_ATTRIBUTES = {
    "*": {"class", "id", "lang", "dir", "title", "style"},
    "a": {"href", "hreflang"}, "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"}, "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "type"}, "details": {"open"}, "time": {"datetime"}, "abbr": set(),
}


def user_page_html(s: str) -> str:
    """The HTML MkDocs made from a project's own Markdown page, through nh3's allow-list (and `safe_url`)."""
    return nh3.clean(s, tags=set(USER_PAGE_TAGS), attributes={k: set(v) for k, v in USER_PAGE_ATTRIBUTES.items()},
                     url_schemes=set(ALLOWED_SCHEMES), link_rel=None, strip_comments=True,
                     attribute_filter=_second_look, filter_style_properties={"text-align"})


def summary_block(s: str, lang: str | None = None) -> Markup:
    """A summary as a raw HTML block of its own, optionally marked as written in another language."""
    lang_attr = f' lang="{html.escape(lang)}"' if lang else ""
    return Markup(f'<div class="cs-summary"{lang_attr}>\n{summary_html(s)}\n</div>')


# --- tool text in templates ------------------------------------------------------------------------------

class TemplateMessages:
    """The message catalogue as templates see it: values filled in are escaped unless already Markup.

    cssite's own catalogue texts are trusted Markdown. A project's catalogue (messages/<lang>.yml: a language
    cssite has no words in, or an override of one it has) is user text like any other: its words are plain
    text (escaped by `text()`), only its `code spans` and `{placeholders}` keep their meaning.
    """

    def __init__(self, messages, builtin: dict[str, str] | None = None) -> None:
        """`builtin`: cssite's own texts for this language; a text that differs from them is the project's."""
        self.messages = messages
        self.lang = messages.lang
        self._builtin = builtin or {}
        self._own: dict[str, str] = {}

    def __call__(self, key: str, **values) -> Markup:
        filled = {k: text(v) for k, v in values.items()}
        raw = getattr(self.messages, "table", {}).get(key)
        if raw is None or raw == self._builtin.get(key):
            return Markup(self.messages(key, **filled))
        template = self._own.get(key)
        if template is None:
            template = self._own[key] = user_message_template(raw)
        return Markup(template.format(**filled) if filled else template.replace("{{", "{").replace("}}", "}"))


_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def user_message_template(raw: str) -> str:
    """A project catalogue text as a format string whose literal words are escaped plain text.

    `{placeholders}` stay fields (their values are escaped when filled in); a `code span` stays one (nothing
    inside a code span is markup); everything else goes through `text()`, so `[x](javascript:…)`, `<b>` or
    `{: onclick=… }` in a translation shows as typed.
    """
    import string

    def literal(piece: str) -> str:
        out, last = [], 0
        for m in _CODE_SPAN.finditer(piece):
            out.append(str(text(piece[last:m.start()])) if piece[last:m.start()] else "")
            out.append(str(code(m.group(2).strip())))
            last = m.end()
        rest = piece[last:]
        out.append(str(text(rest)) if rest else "")
        return "".join(out).replace("{", "{{").replace("}", "}}")

    parts = []
    try:
        parsed = list(string.Formatter().parse(raw))
    except ValueError:  # an unpaired brace (the loader refuses it; never markup either way)
        return literal(raw)
    for lit, name, spec, conv in parsed:
        parts.append(literal(lit))
        if name is not None:
            parts.append("{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}")
    return "".join(parts)


def relative(target: str, current: str) -> str:
    """A Markdown link from page `current` to page `target`, both relative to docs/."""
    return posixpath.relpath(target, posixpath.dirname(current) or ".")


def attr(s: str) -> Markup:
    """A value inside a double-quoted HTML attribute of cssite's own markup."""
    return Markup(html.escape(str(s), quote=True))


def finalize(value):
    """Jinja's `finalize`: whatever a template prints goes through `text()` unless it is Markup."""
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return value
    return text(value)
