"""In a real headless Chromium: dates stay on one line in narrow tables; Russian search reads ё as е.

Skips like test_browser.py when Chromium or Playwright is missing (fails with CSSITE_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import run, write
from test_browser import CHROMIUM, _need_browser, _search


def _serve(folder: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def example_url(example_site: Path):
    server, url = _serve(example_site)
    yield url
    server.shutdown()


@pytest.mark.parametrize("lang", ["zh", "et", "ru"])
def test_dates_never_wrap_inside_themselves(browser, example_url, lang):
    """At phone width every due date and quarter on the action plan is one line (zh «2026年9月30日» has no spaces)."""
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(example_url + f"{lang}/teams/support-emea/")
    units = ".cs-date, .cs-plan td:nth-child(2) a"  # due dates, and the quarter of each objective's review
    lines = page.locator(units).evaluate_all("els => els.map(e => e.getClientRects().length)")
    texts = page.locator(units).all_inner_texts()
    page.close()
    assert len(lines) >= 4, texts  # at least two objectives, each with a date and a quarter
    assert all(n == 1 for n in lines), list(zip(texts, lines))


YO_CONFIG = """\
site_name: Справочник
languages: [ru]
guidance: own
teams:
  - id: support-emea
    name: Поддержка EMEA
"""


@pytest.fixture(scope="module")
def yo_site(tmp_path_factory):
    """A Russian handbook whose two pages spell the same word with ё and with е."""
    root = tmp_path_factory.mktemp("yo")
    write(root, "config/cssite.yml", YO_CONFIG)
    write(root, "content/reviews/2026-Q3/support-emea.yml", """\
        team: support-emea
        period: 2026-Q3
        strengths:
          - id: S1
            text: Быстрые ответы в чате
        """)
    write(root, "content/metrics/kpis.csv", "period,team,metric,value,n\n2026-Q3,support-emea,csat,86.4,512\n")
    write(root, "content/guidance/ru/index.md", "# Руководство\n\nДва способа писать одно слово.\n")
    write(root, "content/guidance/ru/swot.md", "# Опрос с ё\n\nКлиентская удовлетворённость растёт.\n")
    write(root, "content/guidance/ru/indicators.md", "# Опрос с е\n\nКлиентская удовлетворенность растет.\n")
    result = run("build", "--project", root)
    assert result.exit_code == 0, result.output
    site = root / "site"
    # The index keeps the page's own spelling (the result snippets show it); only matching folds ё.
    index = json.loads((site / "ru/search/search_index.json").read_text(encoding="utf-8"))
    text = " ".join(d["text"] for d in index["docs"])
    assert "удовлетворённость" in text and "удовлетворенность" in text
    server, url = _serve(site)
    yield url
    server.shutdown()


@pytest.mark.parametrize("query", ["удовлетворенность", "удовлетворённость", "Удовлетворённость", "растет", "растёт"])
def test_russian_yo_and_ye_find_each_other(browser, yo_site, query):
    page = browser.new_page()
    try:
        hits = _search(page, yo_site, "ru", query)
    finally:
        page.close()
    found = {urlsplit(h).path.split("/ru/", 1)[1] for h in hits}
    assert {"guidance/swot/", "guidance/indicators/"} <= found, (query, hits)
