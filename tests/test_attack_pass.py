"""A second attack pass: payloads in the places the first pass did not reach.

A project's own message catalogue (messages/<lang>.yml) is user text, and so are the words it gives the
theme (the light/dark toggle); a backslash-escaped URL in a summary must be judged as the browser reads it.
Every built page is parsed, not grepped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from cssite.render.markdown import safe_url, summary_html, user_message_template
from tests.conftest import MINIMAL_KPIS, MINIMAL_REVIEW, run, write
from tests.test_security_html import Collector, assert_nothing_from_payload

# No braces: in a catalogue they are placeholders, which the loader checks against English.
MSG_PAYLOAD = ('<img src=x onerror=alert(1)><script>alert("PWN")</script><x-pwn></x-pwn> </title> '
               '[x](javascript:alert(1)) [e](&#106;avascript:alert(2)) <javascript:alert(3)> a | b *em* '
               '`code <b>` "quoted"')


@pytest.fixture(scope="module")
def catalogue_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("catalogue")
    write(root, "config/cssite.yml", """\
        site_name: {de: Handbuch, en: Handbook}
        languages: [de, en]
        teams:
          - id: support-emea
            name: Support EMEA
        """)
    write(root, "content/reviews/2026-Q3/support-emea.yml", MINIMAL_REVIEW)
    write(root, "content/metrics/kpis.csv", MINIMAL_KPIS)
    assert run("i18n", "init", "de", "--project", root).exit_code == 0
    path = root / "messages/de.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({k: f"{v} {MSG_PAYLOAD}" for k, v in data.items()}, allow_unicode=True,
                                   width=10 ** 6), encoding="utf-8")
    result = run("build", "--project", root)
    assert result.exit_code == 0, result.output
    return root / "site"


def test_a_project_catalogue_is_plain_text_on_every_page(catalogue_site: Path):
    pages = sorted((catalogue_site / "de").rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        p = assert_nothing_from_payload(html, str(page.relative_to(catalogue_site)))
        for tag, attrs in p.elements:
            # the theme's light/dark toggle carries catalogue words in two attributes
            for name, value in attrs.items():
                assert "<img" not in (value or "") or "&lt;" in html, (page, tag, name)
    home = Collector()
    home.feed((catalogue_site / "de" / "index.html").read_text(encoding="utf-8"))
    shown = "".join(home.text)
    assert "[x](javascript:alert(1))" in shown and "a | b *em*" in shown  # shown exactly as typed
    assert ("code", {}) in home.elements  # a code span in a translation stays one


def test_the_theme_toggle_words_are_escaped(catalogue_site: Path):
    html = (catalogue_site / "de" / "index.html").read_text(encoding="utf-8")
    p = Collector()
    p.feed(html)
    labels = [a.get("aria-label") or a.get("title") for t, a in p.elements if t in ("input", "label")
              and "__palette" in (a.get("name", "") + a.get("for", ""))]
    assert labels and all(MSG_PAYLOAD.split(" </title>")[0] in (label or "") for label in labels)


def test_the_english_pages_of_the_same_project_keep_cssite_words(catalogue_site: Path):
    p = Collector()
    p.feed((catalogue_site / "en" / "index.html").read_text(encoding="utf-8"))
    assert "javascript" not in "".join(p.text)


def test_user_message_template_keeps_placeholders_and_code_spans():
    template = user_message_template("Run `cssite build` for {team} <b>{n}</b> [x](javascript:1) {{literal}}")
    filled = template.format(team="T", n="3")
    assert "`cssite build`" in filled and "T" in filled and "&lt;b&gt;3" in filled
    assert "[x]" not in filled and "&#91;x&#93;" in filled and "literal" in filled
    assert "{" not in filled and "}" not in filled


@pytest.mark.parametrize("url", ["\\\\evil.example.com/x", "/\\evil.example.com", "\\/evil.example.com",
                                 "//evil.example.com", " javascript:alert(1)", "java\tscript:alert(1)",
                                 "&#x6A;avascript:alert(1)", "data:text/html,x", "JaVaScRiPt:alert(1)"])
def test_urls_browsers_read_as_another_host_or_script_are_refused(url):
    assert not safe_url(url)


@pytest.mark.parametrize("markdown", [r"[bs](\\\\evil.example.com/x)", r"[bs](/\\evil.example.com)",
                                      r"![i](\\\\evil.example.com/x.png)", r"[c](javascript\:alert(1))",
                                      "[r][x]\n\n[x]: \\\\\\\\evil.example.com"])
def test_a_backslash_escaped_url_in_a_summary_is_judged_as_the_browser_reads_it(markdown):
    html = summary_html(markdown)
    for href in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert safe_url(href), (markdown, html)
        assert not href.replace("\\", "/").startswith("//"), (markdown, html)
