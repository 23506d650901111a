"""A real headless Chromium on the built example: language switching and search in every script.

Skips when Chromium or Playwright is missing, unless CSSITE_REQUIRE_BROWSER=1 (set by .ci/run).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _need_browser():
    required = os.environ.get("CSSITE_REQUIRE_BROWSER") == "1"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("CSSITE_REQUIRE_BROWSER=1 but playwright is not installed")
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM:
        if required:
            pytest.fail("CSSITE_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
        pytest.skip("no chromium on PATH: apt-get install chromium to run browser tests")


@pytest.fixture(scope="module")
def base_url(example_site: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(example_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def page(base_url):
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        pg = browser.new_page()
        yield pg
        browser.close()


def test_language_switch_keeps_the_page(page, base_url):
    page.goto(base_url + "en/reviews/2026-Q3/support-emea/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".md-header__option .md-select button").hover()
    page.locator('a.md-select__link[hreflang="fr"]').click()
    page.wait_for_url("**/fr/reviews/2026-Q3/support-emea/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Forces" in page.content()
    page.locator(".md-header__option .md-select button").hover()
    page.locator('a.md-select__link[hreflang="zh"]').click()
    page.wait_for_url("**/zh/reviews/2026-Q3/support-emea/")
    assert "优势" in page.content()


def _search(page, base_url, lang: str, query: str) -> list[str]:
    page.goto(base_url + f"{lang}/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box, meta = page.locator("input.md-search__input"), page.locator(".md-search-result__meta")
    placeholder = meta.inner_text()
    # The search worker loads its index after the page; a query typed before it is ready is dropped.
    for _ in range(40):
        box.fill(query)
        box.press("End")
        page.wait_for_timeout(250)
        if meta.inner_text() != placeholder:
            break
    return page.locator(".md-search-result__item a").evaluate_all("els => els.map(e => e.href)")


def test_chinese_word_finds_its_page(page, base_url):
    hits = _search(page, base_url, "zh", "细分")
    assert hits and "/zh/guidance/management-analysis/" in hits[0], hits
    assert all("/zh/" in h for h in hits)


def test_estonian_word_finds_its_page_in_estonian_only(page, base_url):
    hits = _search(page, base_url, "et", "lojaalsus")
    assert hits and "/et/guidance/" in hits[0], hits
    assert all("/et/" in h for h in hits)


def test_russian_inflected_word_finds_its_page(page, base_url):
    # The page says «сегментацию» (accusative); the reader types the nominative in full.
    hits = _search(page, base_url, "ru", "сегментация")
    assert hits and "/ru/guidance/management-analysis/" in hits[0], hits
    assert all("/ru/" in h for h in hits)
    # Stemming works both ways: «лояльность» finds pages that say «лояльности».
    assert any("/ru/guidance/service-excellence/" in h for h in _search(page, base_url, "ru", "лояльность"))


@pytest.mark.parametrize("lang", ["ru", "zh", "et"])
def test_latin_abbreviations_are_found_in_every_language(page, base_url, lang):
    hits = _search(page, base_url, lang, "NPS")
    assert hits and f"/{lang}/metrics/nps/" in hits[0], hits


def test_tables_fit_a_laptop_screen(page, base_url):
    """At 1280 px no table on a review, plan or home page needs sideways scrolling, in any language."""
    page.set_viewport_size({"width": 1280, "height": 900})
    overflowing = []
    for lang in ("en", "fr", "ru", "et", "zh"):
        for path in ("", "reviews/2026-Q3/support-apac/", "reviews/2026-Q3/support-emea/", "teams/support-apac/"):
            page.goto(f"{base_url}{lang}/{path}")
            n = page.evaluate("() => [...document.querySelectorAll('.md-typeset__scrollwrap')]"
                              ".filter(e => e.scrollWidth > e.clientWidth + 2).length")
            if n:
                overflowing.append(f"{lang}/{path}")
    assert overflowing == []


# --- pages a manager reads at a glance (issue 12): accessibility in both colour schemes, Reference layout ---

A11Y_PAGES = ("", "reviews/2026-Q3/support-emea/", "teams/support-emea/", "metrics/csat/")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_in_cssite_content(page, base_url, scheme):
    """axe-core on the home, a review, an action plan and a metric page, in Material's light and dark schemes.

    Only what cssite writes is checked (the article, without Material's heading permalinks); the theme's own
    chrome is Material's business.
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    # A fresh context per scheme: Material remembers the last palette in localStorage.
    context = page.context.browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    found = []
    try:
        for lang in ("en", "zh"):
            for path in A11Y_PAGES:
                tab.goto(f"{base_url}{lang}/{path}")
                tab.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
                expected = "slate" if scheme == "dark" else "default"
                assert tab.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == expected
                result = axe.run(tab, context={"include": [[".md-content"]], "exclude": [[".headerlink"]]})
                for v in result.response["violations"]:
                    if v["impact"] in ("serious", "critical"):
                        found.append((lang, path, v["id"], [n["target"] for n in v["nodes"]][:3]))
    finally:
        context.close()
    assert found == []


def test_reference_keys_never_break_and_examples_scroll(page, base_url):
    """A key name stays on one line at any width; a long YAML example scrolls inside its box."""
    page.set_viewport_size({"width": 420, "height": 900})
    broken, overflowing = [], []
    try:
        for lang in ("en", "fr", "ru", "et", "zh"):
            for ref in ("config", "reviews", "kpi-csv", "metrics"):
                page.goto(f"{base_url}{lang}/reference/{ref}/")
                broken += [f"{lang}/{ref}: {k}" for k in page.evaluate(
                    "() => [...document.querySelectorAll('.md-typeset td code')]"
                    ".filter(c => c.getClientRects().length > 1).map(c => c.textContent)")]
                overflowing += [f"{lang}/{ref}" for _ in range(page.evaluate(
                    "() => { const a = document.querySelector('.md-content').getBoundingClientRect();"
                    " return [...document.querySelectorAll('.md-typeset pre')].filter(p => {"
                    "  const r = p.getBoundingClientRect(); return r.right > a.right + 1 ||"
                    "  getComputedStyle(p.querySelector('code')).overflowX === 'visible'; }).length; }"))]
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    assert broken == [] and overflowing == []


def test_review_page_prints_without_navigation(page, base_url):
    """The print stylesheet: a printed review shows its content only, with charts and quadrants kept whole."""
    page.emulate_media(media="print")
    try:
        page.goto(f"{base_url}en/reviews/2026-Q3/support-emea/")
        hidden = page.evaluate("() => ['.md-header', '.md-tabs', '.md-sidebar--primary', '.md-sidebar--secondary',"
                               " '.md-footer'].map(s => document.querySelector(s))"
                               ".filter(e => e && getComputedStyle(e).display !== 'none').map(e => e.className)")
        kept = page.evaluate("() => getComputedStyle(document.querySelector('.cs-quadrant')).breakInside")
        text = page.evaluate("() => document.querySelector('.md-content').innerText")
    finally:
        page.emulate_media(media="screen")
    assert hidden == []
    assert kept == "avoid"
    assert "Strengths" in text and "TOWS" in text
