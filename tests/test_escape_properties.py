"""Property tests of the one escape path: for ANY string, the escaped form renders as exactly that text.

The pages are Markdown rendered by MkDocs with the extensions the base mkdocs.yml enables (attribute lists,
Markdown in HTML, tables, admonitions, toc, details, superfences): `text()` output is run through the same
Markdown here and parsed. Fixed seed (derandomize) and bounded example counts: the same cases on every run.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cssite.render.markdown import (ALLOWED_ATTRIBUTES, ALLOWED_TAGS, html_text, safe_url, summary_html, text,
                                    user_message_template)

EXTENSIONS = ["attr_list", "md_in_html", "tables", "admonition", "toc", "pymdownx.details", "pymdownx.superfences"]
# Pieces of markup of every kind the pages' Markdown, its extensions and HTML know, mixed with any text.
MARKUP = st.sampled_from([
    "<", ">", "&", "&amp;", "&#106;", "&lt;", '"', "'", "`", "``", "*", "**", "_", "__", "[", "]", "(", ")", "![",
    "{", "}", "{:", "{: onclick=x }", "{#id}", "|", "\\", "#", "# ", "## ", "-", "- ", "+ ", "1. ", "1) ", "> ",
    "---", "***", "===", "~~~", "```", "!!! note", "???", "<!--", "-->", "<script>", "</title>", "<img src=x onerror=1>",
    "javascript:", "[x](javascript:1)", "<http://a>", "[r]: javascript:1", "[r]", "*[HTML]: x", "[^1]", ":", "=",
    "^", "$", "~", "  ", "\t", "\n", "\n\n", "\r", "\u2028", "\u202e", "\u200b", "\x00", "\x02", "\x03", "\x1b", "é",
    "中", "{{ 7*7 }}", "{% raw %}", "%", "@", "a", "b", " ",
])
ANY = st.lists(st.one_of(MARKUP, st.text(max_size=6)), max_size=14).map("".join)
SETTINGS = settings(max_examples=200, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


class Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.data.append(data)


def parse(html: str) -> Parsed:
    p = Parsed()
    p.feed(html)
    p.close()
    return p


def as_shown(s: str) -> str:
    """What a reader sees of `s`: control characters gone, line breaks as spaces, runs of spaces as one."""
    # (the bidi terminators cssite adds after an override are invisible: see test_a_bidi_override_ends_with_its_text)
    s = re.sub(r"[\x00-\x08\x0b-\x1f\x7f\u202c\u2069]", "", s).replace("\r\n", " ")
    return re.sub(r"\s+", " ", re.sub(r"[\n\r\t]", " ", s)).strip()


def render(md_text: str) -> str:
    return markdown.markdown(md_text, extensions=EXTENSIONS)


@SETTINGS
@given(ANY)
def test_plain_text_is_one_paragraph_of_exactly_that_text(s):
    html = render(f"Before {text(s)} after")
    p = parse(html)
    assert [t for t, _ in p.tags] == ["p"], html
    assert all(not attrs for _, attrs in p.tags), html
    assert as_shown("".join(p.data)) == as_shown(f"Before {s} after"), html


@SETTINGS
@given(ANY, ANY)
def test_plain_text_in_a_table_cell_stays_in_its_cell(a, b):
    html = render(f"| h1 | h2 |\n|---|---|\n| {text(a)} | {text(b)} |\n")
    p = parse(html)
    cells = [t for t, _ in p.tags if t == "td"]
    assert len(cells) == 2, html
    assert {t for t, _ in p.tags} <= {"table", "thead", "tbody", "tr", "th", "td"}, html


@SETTINGS
@given(ANY)
def test_plain_text_as_a_heading_is_that_heading(s):
    html = render(f"## Title {text(s)}")
    p = parse(html)
    assert [t for t, _ in p.tags] == ["h2"] and set(p.tags[0][1]) <= {"id"}, html


@SETTINGS
@given(ANY)
def test_a_name_handed_to_the_theme_is_text(s):
    p = parse(f"<title>{html_text(s)}</title><a title=\"{html_text(s)}\">x</a>")
    assert [t for t, _ in p.tags] == ["title", "a"]
    assert as_shown(p.tags[1][1]["title"]) == as_shown(s)


@SETTINGS
@given(ANY)
def test_a_summary_holds_only_the_allowed_subset(s):
    html = str(summary_html(s))
    p = parse(html)
    for tag, attrs in p.tags:
        assert tag in ALLOWED_TAGS, (s, html)
        for name, value in attrs.items():
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) or (tag == "a" and name == "rel"), (s, html)
            if name in ("href", "src"):
                assert safe_url(value or ""), (s, html)
    assert "\n\n" not in html  # one raw HTML block: a blank line would hand the rest back to Markdown


@SETTINGS
@given(ANY, ANY)
def test_a_project_catalogue_text_is_text_with_its_placeholders_filled(before, after):
    raw = before.replace("{", "(").replace("}", ")") + " {team} " + after.replace("{", "(").replace("}", ")")
    raw = raw.replace("`", "'")  # (code spans are kept as code: tested on their own)
    filled = user_message_template(raw).format(team=text("<b>T</b>"))
    html = render(f"Start {filled}")
    p = parse(html)
    assert [t for t, _ in p.tags] == ["p"], html
    assert "<b>T</b>" in "".join(p.data)


@SETTINGS
@given(ANY, st.sampled_from(["\u202e", "\u202d", "\u202b", "\u2067", "\u2068", "\u202e\u2066"]))
def test_a_bidi_override_ends_with_its_text(s, override):
    """A right-to-left override in a name can't reverse the words cssite writes after it."""
    shown = str(text(s + override))
    opened = sum(shown.count(c) for c in "\u202a\u202b\u202d\u202e")
    closed = shown.count("\u202c")
    assert closed >= opened
    assert shown.count("\u2069") >= sum(shown.count(c) for c in "\u2066\u2067\u2068")
    assert html_text(override).endswith(("\u202c", "\u2069"))
