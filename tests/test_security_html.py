"""One escape path: a payload in every user text field never becomes an element, attribute or URL of the site.

The site is really built (MkDocs, Material) and every HTML page of every language is parsed with an HTML
parser, as is every title and text of the search index (Material's search shows them as HTML).
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cssite.commands.build import run_build
from cssite.render.markdown import safe_url, summary_html, text
from tests.conftest import write

# Every way a plain text field was seen to turn into markup: raw HTML, a </title> breakout written as
# character references, an attribute list, a script link, a table pipe, emphasis.
PAYLOAD = ('<img src=x onerror=alert(1)><script>alert("PWN")</script><x-pwn></x-pwn> '
           '&lt;/title&gt;&lt;script&gt;alert("PWN")&lt;/script&gt; </title><script>alert("PWN")</script> '
           '{: onclick="alert(1)" .pwn-class #pwn-id } [x](javascript:alert(1)) [[y]](javascript:alert(2)) '
           'Ann | Bob *lead* _under_ `tick` --8<-- "/etc/passwd"')

SUMMARY = """\
Plain **bold** text with [a good link](https://example.com/ok) and [mail](mailto:a@example.com).

[x](javascript:alert(1)) [[x]](javascript:alert(2)) [ref link][evil] ![img](javascript:alert(3))
[enc](jav&#x61;script:alert(4)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](VBScript:msgbox)
<https://example.com/auto> <a href="javascript:alert(5)" onclick="alert(6)">raw</a>
<script>alert("PWN")</script><img src=x onerror=alert(7)><x-pwn></x-pwn>
{: onclick="alert(8)" .pwn-class #pwn-id }

* a list item {: onmouseover="alert(9)" }

```
<script>alert("PWN")</script>

code with a blank line
```

[evil]: javascript:alert(10)
"""


def q(s: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(s, ensure_ascii=False)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    write(root, "config/cssite.yml", f"""\
site_name: {q("Site " + PAYLOAD)}
languages: [en, fr]
teams:
  - id: team-a
    name: {q("Team " + PAYLOAD)}
  - id: team-b
    name: {{en: {q("B " + PAYLOAD)}, fr: {q("B fr " + PAYLOAD)}}}
""")
    write(root, "config/metrics.yml", f"""\
pwn_rate:
  name: {q("Metric " + PAYLOAD)}
  unit: percent
  better: higher
  target: 80
  definition: {q("Definition " + PAYLOAD)}
csat:
  name: {q("CSAT " + PAYLOAD)}
""")
    for period, prev in (("2026-Q2", None), ("2026-Q3", "2026-Q2")):
        write(root, f"content/reviews/{period}/team-a.yml", f"""\
team: team-a
period: {period}
title: {q("Title " + PAYLOAD)}
summary: {q(SUMMARY + period)}
strengths:
  - id: S1
    text: {q("Strength " + period + PAYLOAD)}
    metrics: [pwn_rate, csat]
weaknesses:
  - id: W1
    text: {q("Weakness " + PAYLOAD)}
opportunities:
  - id: O1
    text: {q("Opportunity " + PAYLOAD)}
threats:
  - id: T1
    text: {q("Threat " + PAYLOAD)}
objectives:
  - id: G1
    text: {q("Objective " + period + PAYLOAD)}
    addresses: [S1, O1]
    metric: pwn_rate
    target: 90
    owner: {q("Ann | Bob *lead* " + PAYLOAD)}
    due: 2027-12-31
    status: {"planned" if prev is None else "in_progress"}
""")
    write(root, "content/metrics/kpis.csv", """\
period,team,metric,value,n
2026-Q2,team-a,pwn_rate,70,300
2026-Q3,team-a,pwn_rate,75,320
2026-Q2,team-b,csat,80,100
2026-Q3,team-b,csat,86.4,512
""")
    run_build(root, jobs=1, progress=lambda m: None)
    return root / "site"


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.cells: list[list[str]] = []  # each table row's cells' text
        self.text: list[str] = []
        self._script = False
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "script":
            self._script = True
            self.scripts.append("")
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.cells.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._script:
            self.scripts[-1] += data
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def assert_nothing_from_payload(html: str, where: str) -> Collector:
    p = Collector()
    p.feed(html)
    p.close()
    for tag, attrs in p.elements:
        assert tag not in ("x-pwn",), f"{where}: payload element <{tag}>"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{where}: event attribute {name}={value!r} on <{tag}>"
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                assert safe_url(value or "") or (value or "").startswith("#"), f"{where}: URL {value!r} on <{tag}>"
            if name == "class":
                assert "pwn-class" not in (value or ""), f"{where}: payload class on <{tag}>"
            if name == "id":
                assert value != "pwn-id", f"{where}: payload id on <{tag}>"
        if tag == "img":
            assert attrs.get("src") != "x", f"{where}: payload image"
    for script in p.scripts:
        assert "PWN" not in script, f"{where}: payload script {script[:80]!r}"
    return p


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_of_every_language_is_free_of_payload_markup(hostile_site):
    pages = html_pages(hostile_site)
    langs = {p.relative_to(hostile_site).parts[0] for p in pages if len(p.relative_to(hostile_site).parts) > 1}
    assert {"en", "fr"} <= langs
    assert len(pages) > 20
    for page in pages:
        assert_nothing_from_payload(page.read_text(encoding="utf-8"), str(page.relative_to(hostile_site)))


def test_search_index_is_free_of_payload_markup(hostile_site):
    for lang in ("en", "fr"):
        index = json.loads((hostile_site / lang / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert index["docs"]
        for doc in index["docs"]:
            assert_nothing_from_payload(doc["title"], f"{lang} search title {doc['location']}")
            assert_nothing_from_payload(doc["text"], f"{lang} search text {doc['location']}")


def test_plain_text_is_shown_as_typed(hostile_site):
    page = hostile_site / "en" / "reviews" / "2026-Q3" / "team-a" / "index.html"
    p = assert_nothing_from_payload(page.read_text(encoding="utf-8"), "review")
    shown = "".join(p.text)
    assert "Strength 2026-Q3" + PAYLOAD in shown  # every character as typed, markup characters included
    # The owner's pipe is no table cell and its stars no emphasis: the objectives row has its seven cells.
    rows = [r for r in p.cells if r and r[0].startswith("G1")]
    assert rows and all(len(r) == 7 for r in rows)
    assert any(cell.startswith("Ann | Bob *lead* <img") for r in rows for cell in r)
    assert "<em>lead</em>" not in page.read_text(encoding="utf-8")
    # The browser tab's title and the site name in the header are text, not elements.
    title = page.read_text(encoding="utf-8").split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "&lt;/title&gt;" in title


def test_summary_keeps_safe_markdown_and_drops_the_rest(hostile_site):
    page = hostile_site / "en" / "reviews" / "2026-Q3" / "team-a" / "index.html"
    p = assert_nothing_from_payload(page.read_text(encoding="utf-8"), "review")
    hrefs = [a.get("href") for tag, a in p.elements if tag == "a"]
    assert "https://example.com/ok" in hrefs and "mailto:a@example.com" in hrefs
    assert "https://example.com/auto" in hrefs
    assert any(tag == "strong" for tag, _ in p.elements)
    shown = "".join(p.text)
    assert "code with a blank line" in shown and "ref link" in shown
    assert '<script>alert("PWN")</script>' in shown  # raw HTML is shown as text, never run


def test_untranslated_summary_is_sanitized_too(hostile_site):
    page = hostile_site / "fr" / "reviews" / "2026-Q3" / "team-a" / "index.html"
    p = assert_nothing_from_payload(page.read_text(encoding="utf-8"), "fr review")
    assert any(tag == "div" and a.get("lang") == "en" and "cs-summary" in (a.get("class") or "")
               for tag, a in p.elements)


@pytest.mark.parametrize("url,ok", [
    ("https://example.com", True), ("mailto:a@b.c", True), ("../teams/a.md", True), ("#x", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), (" java\tscript:x", False),
    ("jav&#x61;script:x", False), ("data:text/html,x", False), ("vbscript:x", False), ("//evil.example", False),
])
def test_safe_url(url, ok):
    assert safe_url(url) is ok


def test_summary_html_and_text_units():
    out = summary_html('[x](javascript:alert(1)) [[y]](javascript:alert(2)) [r][e] ![i](data:x)\n\n[e]: javascript:x')
    assert "javascript" not in out and "<img" not in out and out.count("<a") == 0
    assert "x" in out and "[y]" in out
    assert str(text("a | b *c* {: #d } <e> 1. _f_ snake_case")) == (
        "a &#124; b &#42;c&#42; &#123;&#58; &#35;d &#125; &lt;e&gt; 1. &#95;f&#95; snake_case")
    assert str(text("1. first")).startswith("1&#46;") and str(text("- item")).startswith("&#45;")


def test_keep_site_for_inspection(hostile_site):
    import os, shutil
    if os.environ.get("SAFE_KEEP"):
        shutil.copytree(hostile_site, os.environ["SAFE_KEEP"], dirs_exist_ok=True)
