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


# (an image and an id are legitimate in a guidance page: the payload's image has a script URL instead)
GUIDE_PAYLOAD = '<img src="javascript:alert(1)" onerror=alert(1)><script>alert("PWN")</script><x-pwn></x-pwn>'


@pytest.fixture(scope="module")
def guidance_site(tmp_path_factory) -> Path:
    """A project guidance page (full MkDocs Markdown) with raw HTML, attribute lists and script links."""
    root = tmp_path_factory.mktemp("guidance")
    write(root, "config/cssite.yml", """\
        site_name: Handbook
        languages: [en, fr]
        teams:
          - id: support-emea
            name: Support EMEA
        """)
    write(root, "content/reviews/2026-Q3/support-emea.yml", MINIMAL_REVIEW)
    write(root, "content/metrics/kpis.csv", MINIMAL_KPIS)
    page = f"""# Guide {GUIDE_PAYLOAD} <b>bold</b>

Intro {GUIDE_PAYLOAD} [js](javascript:alert(1)) [ok](https://example.com/ok) [data](data:text/html,x)
{{: onclick="alert(2)" }}

## Section {GUIDE_PAYLOAD} {{: onmouseover="alert(3)" }}

| left | right |
|:--|--:|
| <span onclick="alert(4)">c</span> | d |

!!! note "Note {GUIDE_PAYLOAD}"
    body <iframe src="https://example.com/frame"></iframe>

<div markdown style="position:fixed;top:0" onclick="alert(5)">
*inside* <a href="javascript:alert(6)">x</a> <a href="\\\\evil.example.com">y</a>
<form action="https://example.com/steal"><input name=p></form>
</div>

```html
<script>alert("PWN")</script>
```
"""
    write(root, "content/guidance/en/own-page.md", page)
    write(root, "content/guidance/fr/own-page.md", page)
    result = run("build", "--project", root)
    assert result.exit_code == 0, result.output
    return root / "site"


def test_a_project_guidance_page_keeps_its_markdown_and_loses_every_script(guidance_site: Path):
    for lang in ("en", "fr"):
        html = (guidance_site / lang / "guidance" / "own-page" / "index.html").read_text(encoding="utf-8")
        assert_nothing_from_payload(html, f"{lang} guidance")
        article = html[html.index("<article"):html.index("</article>")]  # the page's own content (no theme)
        p = assert_nothing_from_payload(article, f"{lang} guidance article")
        tags = {t for t, _ in p.elements}
        assert not tags & {"iframe", "form", "input"}, tags & {"iframe", "form", "input"}
        styles = [a["style"] for t, a in p.elements if a.get("style")]
        assert all(s.replace(" ", "").rstrip(";") in ("text-align:left", "text-align:right") for s in styles), styles
        # what the page's Markdown made is kept: the table with its alignment, the note, the code block, the link
        assert "table" in tags and ("a", {"href": "https://example.com/ok"}) in p.elements
        assert any(t == "div" and "admonition" in (a.get("class") or "") for t, a in p.elements)
        assert '<script>alert("PWN")</script>' in "".join(p.text)  # the code block shows it as text
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "<" not in title and "&lt;img" not in title and "Guide" in title


def test_the_search_index_and_navigation_of_a_guidance_page_are_text(guidance_site: Path):
    import json

    index = json.loads((guidance_site / "en" / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = [d for d in index["docs"] if d["location"].startswith("guidance/own-page")]
    assert docs
    for doc in docs:
        assert_nothing_from_payload(doc["title"], "search title")
        assert_nothing_from_payload(doc["text"], "search text")
    home = (guidance_site / "en" / "index.html").read_text(encoding="utf-8")
    assert_nothing_from_payload(home, "home navigation")


# --- paths that are not files ------------------------------------------------------------------------------

@pytest.mark.parametrize("rel", ["content/reviews/2026-Q2/support-emea.yml", "content/metrics/more.csv",
                                 "content/guidance/en/extra.md", "templates/home.md.j2", "config/metrics.yml",
                                 "messages/en.yml", "mkdocs.yml", "config/cssite.yml"])
def test_a_fifo_is_reported_never_opened(project: Path, rel: str):
    import os

    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.mkfifo(path)  # opening it would wait for a writer forever: the command returning at all is the test
    result = run("validate", "--project", project)
    assert result.exit_code == 1, result.output
    assert f"{rel}: error: this is a named pipe (FIFO), not a file" in result.output.splitlines()[0]


def test_a_link_to_nothing_is_reported_and_an_editor_lock_file_is_not(project: Path):
    import os

    folder = project / "content/reviews/2026-Q3"
    os.symlink("ann@host.1234", folder / ".#support-emea.yml")  # what Emacs leaves while a file is edited
    assert run("validate", "--project", project).exit_code == 0
    os.symlink("gone.yml", folder / "support-apac.yml")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert result.output.startswith("content/reviews/2026-Q3/support-apac.yml: error: this is a link to nothing")


def test_a_device_is_refused_as_an_export_and_as_a_project_file(project: Path):
    import os

    result = run("kpi", "/dev/null", "--preset", "zendesk")
    assert result.exit_code == 1 and result.output.startswith("/dev/null: error: this is a device, not a file")
    os.symlink("/dev/zero", project / "content/metrics/zero.csv")
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and "content/metrics/zero.csv: error:" in result.output
    assert "outside the project folder" in result.output


@pytest.mark.parametrize("rel,words", [("content/reviews/2026-Q3/support-emea.yml", "holds no review"),
                                       ("config/cssite.yml", "holds no settings")])
@pytest.mark.parametrize("text", ["# only a comment\n", "---\n...\n", "%YAML 1.1\n---\n"])
def test_a_file_with_no_data_is_an_error_at_line_1(project: Path, rel: str, words: str, text: str):
    write(project, rel, text)
    result = run("validate", "--project", project)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0].startswith(f"{rel}:1: error: the file {words}")


# --- the cache is cssite's own output, never input from the repository --------------------------------------

@pytest.fixture
def victim(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("victim")
    write(folder, "keep/file.txt", "precious")
    write(folder, "bashrc", "precious rc")
    return folder


def _intact(victim: Path) -> None:
    assert (victim / "keep/file.txt").read_text() == "precious"
    assert (victim / "bashrc").read_text() == "precious rc"


@pytest.mark.parametrize("link,target", [("staging", "."), ("lock", "bashrc"), ("logs", "keep"), ("v0", "keep"),
                                         ("kpi", "keep")])
def test_a_link_planted_in_the_cache_is_never_followed(project: Path, victim: Path, link: str, target: str):
    import os

    (project / ".cssite-cache").mkdir()
    os.symlink(victim / target, project / ".cssite-cache" / link)
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    assert "the cache" in result.output and "holds a link, .cssite-cache/" + link in result.output
    _intact(victim)
    assert (project / "site/en/index.html").is_file()


def test_a_cache_that_is_a_link_is_not_used(project: Path, victim: Path):
    import os

    os.symlink(victim, project / ".cssite-cache")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    assert "it is a link" in result.output
    _intact(victim)
    assert sorted(p.name for p in victim.iterdir()) == ["bashrc", "keep"]


def test_a_cache_committed_to_git_is_not_trusted(project: Path):
    import json
    import subprocess

    from cssite.cache import ProjectCache

    assert run("build", "--project", project).exit_code == 0
    cache = ProjectCache(project)
    assert cache.trusted()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-f", ".cssite-cache", "config"], cwd=project, check=True)
    forged = ProjectCache(project)
    assert not forged.trusted() and "git tracks files in it" in forged.reason
    assert forged.read_json("kpi", "anything.json") is None and forged.area("charts") is None
    result = run("build", "--project", project)
    assert result.exit_code == 0 and "git rm -r --cached .cssite-cache" in result.output
    json.loads((project / "site/en/search/search_index.json").read_text())  # built all the same


def test_a_file_name_can_not_forge_a_line_of_i18n_status(project: Path):
    import os

    write(project, "config/cssite.yml", (project / "config/cssite.yml").read_text().replace("[en]", "[en, fr]"))
    src = project / "content/reviews/2026-Q3/support-emea.yml"
    forged = os.path.join(os.fsencode(src.parent), b"\xff\nx:9: error: forged.yml")
    os.rename(src, forged)
    result = run("i18n", "status", "--project", project)
    assert result.exit_code == 0, result.output
    missing = [ln for ln in result.output.splitlines() if ": fr: " in ln and not ln.startswith("config/")]
    assert missing and all(ln.startswith("'content/reviews/2026-Q3/\\xff\\nx:9: error: forged.yml':") for ln in missing)
    assert not any(ln.startswith("x:9") for ln in result.output.splitlines())


# --- numbers no KPI ever has ----------------------------------------------------------------------------------

@pytest.mark.parametrize("row,words", [
    ("2026-Q3,support-emea,csat,50,99999999999999999999999999999", "n is too large"),
    ("2026-Q3,support-emea,ticket_volume,1e300,10", "value is too large"),
    ("2026-Q3,support-emea,ticket_volume,-1e300,10", "value is too large"),
])
def test_a_huge_number_in_a_kpi_table_is_a_located_error_not_a_crash(project: Path, row: str, words: str):
    write(project, "content/metrics/more.csv", f"period,team,metric,value,n\n{row}\n")
    for command in ("validate", "build"):
        result = run(command, "--project", project)
        assert result.exit_code == 1, result.output
        assert result.output.splitlines()[0].startswith(f"content/metrics/more.csv:2: error: {words}")


def test_a_huge_target_is_a_located_error(project: Path):
    write(project, "config/metrics.yml", "csat:\n  target: 1.0e+300\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert result.output.startswith("config/metrics.yml:2: error: csat: 'target' is too large")


def test_a_kpi_column_given_twice_is_refused_not_guessed(project: Path):
    write(project, "content/metrics/more.csv", "period,team,metric,value,n,value\n2026-Q3,support-emea,csat,50,10,60\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert result.output.startswith("content/metrics/more.csv:1: error: column value appears more than once")


def test_a_huge_number_still_formats_in_every_language():
    from cssite.i18n.formats import number

    for lang in ("en", "fr", "ru", "et", "zh", "de"):
        assert number(1e300, lang).replace("\u202f", " ").replace("\xa0", " ").count("0") >= 300


# --- Markdown that would take Python-Markdown minutes -----------------------------------------------------------

@pytest.mark.parametrize("summary,words", [
    ("[" * 20000, "has 20,000 '[' (at most 200)"),
    (("[" + "word " * 10) * 100, "has 100 '[' that never close"),
    ("x" * 20001, "is 20,001 characters long"),
])
def test_a_summary_markdown_cannot_keep_a_build_busy_for_minutes(project: Path, summary: str, words: str):
    import json

    review = project / "content/reviews/2026-Q3/support-emea.yml"
    review.write_text(review.read_text().replace("title: Q3 review", f"title: Q3 review\nsummary: {json.dumps(summary)}"))
    result = run("validate", "--project", project)
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"content/reviews/2026-Q3/support-emea.yml:4: error: 'summary' {words}")


def test_a_guidance_page_with_thousands_of_open_brackets_is_refused(project: Path):
    write(project, "content/guidance/en/x.md", "# X\n\n" + ("[" + "w " * 5) * 1000)
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert result.output.startswith("content/guidance/en/x.md:1: error: this page has 1,000 '[' that never close")


def test_ordinary_links_and_escaped_brackets_are_fine():
    from cssite.load.fields import markdown_problem

    text = " ".join(f"[link {i}](https://example.com/{i}) \\[not a link" for i in range(150))
    assert markdown_problem(text, 20_000, 200) is None


def test_a_huge_yaml_file_is_refused_before_it_is_parsed(project: Path):
    from cssite.yamlio import MAX_YAML_BYTES

    review = project / "content/reviews/2026-Q3/support-emea.yml"
    with review.open("a", encoding="utf-8") as f:
        f.write("# " + "x" * (MAX_YAML_BYTES + 10) + "\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert result.output.startswith("content/reviews/2026-Q3/support-emea.yml: error: the file is 10 MB")
