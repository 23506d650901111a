"""The built example shows how each computed export was read: a data-quality page per export and language."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest

LANGS = ["en", "fr", "ru", "et", "zh"]
CALLS = "data-quality/content-exports-calls/index.html"
TICKETS = "data-quality/content-exports-zendesk-tickets/index.html"


def text(site: Path, lang: str, page: str) -> str:
    html = (site / lang / page).read_text(encoding="utf-8")
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("lang", LANGS)
def test_a_data_quality_page_per_export_in_every_language(example_site: Path, lang: str):
    calls, tickets = text(example_site, lang, CALLS), text(example_site, lang, TICKETS)
    # The call log: 13 020 rows read, the seeded test calls (PHANTOM) dropped, one joined date format.
    assert "PHANTOM" in calls and "%y%m%d %H:%M:%S" in calls and "date + vru_entry" in calls
    assert re.search(r"13[ ,.\u00a0\u202f]?020", calls), calls[:400]
    # The ticket export: its three impossible rows, and both ISO date columns.
    assert "%Y-%m-%d %H:%M:%S" in tickets and "Created at" in tickets
    assert re.search(r"5[ ,.\u00a0\u202f]?200", tickets)
    if lang != "en":  # the page's words are the language's own
        for english in ("Rows read", "Rows dropped", "Date formats used", "Event log"):
            assert english not in calls, (lang, english)


def test_metric_pages_link_the_exports_they_come_from(example_site: Path):
    page = (example_site / "en" / "metrics" / "asa" / "index.html").read_text(encoding="utf-8")
    asa = page.split('id="data-quality"', 1)[1].split("</article>", 1)[0]  # the section, not the navigation
    assert 'href="../../data-quality/content-exports-calls/"' in asa
    assert "content-exports-zendesk-tickets" not in asa  # the ticket export does not feed ASA
    frt = (example_site / "fr" / "metrics" / "first_response_time_business" / "index.html").read_text(encoding="utf-8")
    assert "Qualité des données" in frt and "content-exports-zendesk-tickets" in frt
    # The call metrics state their rules.
    sl = text(example_site, "en", "metrics/service_level/index.html")
    assert "20 seconds" in sl and "Abandoned calls count as failures" in sl
