"""Charts in Material's light and dark (slate) schemes, in a real headless Chromium.

An <img> SVG can't be checked by axe (its inside is not in the page), so the colours each visible chart
file uses are read from the file and measured against the page background the browser reports.
Skips like tests/test_browser.py when Chromium or Playwright is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contrast import ratio
from test_browser import base_url, page  # noqa: F401  (the same server and browser fixtures)

TEXT_GROUPS = re.compile(r'<g id="cs-(?:ytick|xtick|value|target-label)[^"]*">(.*?)\n  </g>', re.S)


def _style_colours(svg: str, prop: str) -> set[str]:
    """Colours of `prop` (fill or stroke) in style attributes that are drawn fully opaque."""
    found = set()
    for style in re.findall(r'style="([^"]*)"', svg):
        m = re.search(rf"(?:^|;)\s*{prop}:\s*(#[0-9a-f]{{6}})", style)
        if m and "opacity" not in style:
            found.add(m.group(1))
    return found


def _scheme(page, scheme: str) -> str:  # noqa: F811
    page.evaluate(f"() => document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    return page.evaluate("() => getComputedStyle(document.body).backgroundColor")


@pytest.mark.parametrize("lang", ["en", "ru", "zh"])
def test_metric_page_charts_follow_the_scheme_with_aa_contrast(page, base_url, example_site: Path, lang):  # noqa: F811
    page.goto(f"{base_url}{lang}/metrics/csat/")
    teams = page.locator("h3[id^=trend-]").count()
    assert teams >= 2
    for scheme in ("default", "slate"):
        background = _scheme(page, scheme)
        shown = page.evaluate("() => [...document.querySelectorAll('img.cs-chart')]"
                              ".filter(e => getComputedStyle(e).display !== 'none').map(e => e.getAttribute('src'))")
        assert len(shown) == teams, (scheme, shown)  # one chart per team, in this scheme's colours
        for src in shown:
            assert src.endswith("-dark.svg#only-dark" if scheme == "slate" else ".svg#only-light"), src
            assert not src.endswith("-dark.svg#only-light")
            svg = (example_site / lang / "metrics/csat" / src.split("#")[0]).resolve().read_text()
            if scheme == "slate":
                assert "#ffffff" not in svg  # no white box, no white label boxes
            texts = "".join(TEXT_GROUPS.findall(svg))
            text_colours = _style_colours(texts, "fill")
            assert len(text_colours) >= 2  # labels and the target's label
            for colour in text_colours:
                assert ratio(colour, background) >= 4.5, (lang, scheme, colour, background)
            graphics = (_style_colours(TEXT_GROUPS.sub("", svg), "stroke")
                        | _style_colours(TEXT_GROUPS.sub("", svg), "fill"))
            assert len(graphics) >= 4  # series, target, axes, grid, band edges
            for colour in graphics:
                assert ratio(colour, background) >= 3.0, (lang, scheme, colour, background)


def test_change_colours_keep_aa_contrast_in_both_schemes(page, base_url):  # noqa: F811
    page.goto(f"{base_url}en/")
    for scheme in ("default", "slate"):
        background = _scheme(page, scheme)
        colours = page.evaluate("() => [...document.querySelectorAll('.cs-change--better, .cs-change--worse')]"
                                ".map(e => getComputedStyle(e).color)")
        assert colours, "the example's home page shows significant changes"
        for colour in set(colours):
            assert ratio(colour, background) >= 4.5, (scheme, colour, background)
