"""Any language Babel knows: a project catalogue (messages/<lang>.yml) gives the site's words, Babel the
number formats, Material the theme strings, lunr the nearest stemmer or none."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from conftest import MINIMAL_KPIS, MINIMAL_REVIEW, run, write
from cssite.i18n.messages import catalogue

CONFIG_DE = """\
site_name: {de: Handbuch Servicequalität, en: Service quality handbook}
languages: [de, en]
teams:
  - id: support-emea
    name: {de: Support EMEA, en: Support EMEA}
"""

# A German translation of the words a reader sees most; the rest of the file keeps the English texts.
GERMAN = {
    "nav.home": "Startseite",
    "nav.reviews": "Bewertungen",
    "nav.metrics": "Kennzahlen",
    "quadrant.strengths": "Stärken",
    "quadrant.weaknesses": "Schwächen",
    "quadrant.opportunities": "Chancen",
    "quadrant.threats": "Risiken",
}


def _german_project(root: Path) -> Path:
    write(root, "config/cssite.yml", CONFIG_DE)
    write(root, "content/reviews/2026-Q3/support-emea.yml", MINIMAL_REVIEW)
    write(root, "content/metrics/kpis.csv", MINIMAL_KPIS + "2026-Q3,support-emea,ticket_volume,12345,\n")
    result = run("i18n", "init", "de", "--project", root)
    assert result.exit_code == 0, result.output
    path = root / "messages/de.yml"
    text = path.read_text()
    for key, german in GERMAN.items():
        text = re.sub(rf"^{re.escape(key)}: .*$", f"{key}: {json.dumps(german, ensure_ascii=False)}", text, flags=re.M)
    path.write_text(text)
    return root


def test_i18n_init_writes_every_key_with_the_english_text(tmp_path: Path):
    write(tmp_path, "config/cssite.yml", CONFIG_DE)
    assert run("i18n", "init", "de", "--project", tmp_path).exit_code == 0
    written = yaml.safe_load((tmp_path / "messages/de.yml").read_text())
    assert written == catalogue("en")  # every key, in English, for the translator
    again = run("i18n", "init", "de", "--project", tmp_path)
    assert again.exit_code == 1 and "messages/de.yml: error: already exists" in again.output
    bad = run("i18n", "init", "xx-nowhere", "--project", tmp_path)
    assert bad.exit_code == 2 and "Babel knows" in bad.output


def test_german_project_builds_with_german_labels_and_number_formats(tmp_path: Path):
    root = _german_project(tmp_path)
    result = run("build", "--project", root)
    assert result.exit_code == 0, result.output
    home = (root / "site/de/index.html").read_text()
    assert '<html lang="de"' in home
    assert "Startseite" in home and "Kennzahlen" in home
    review = (root / "site/de/reviews/2026-Q3/support-emea/index.html").read_text()
    for word in ("Stärken", "Schwächen", "Chancen", "Risiken"):
        assert word in review, word
    # German number format: decimal comma, thousands with a dot (Babel's de locale).
    assert "86,4" in (root / "site/de/metrics/csat/index.html").read_text()
    assert "12.345" in (root / "site/de/metrics/ticket_volume/index.html").read_text()
    assert "12,345" in (root / "site/en/metrics/ticket_volume/index.html").read_text()
    assert "86.4" in (root / "site/en/metrics/csat/index.html").read_text()
    # The language switcher names the language in itself; search uses lunr's German stemmer.
    assert "Deutsch" in home
    # (each build's MkDocs config lives in its own staging folder, removed after the build: read the result)
    index = json.loads((root / "site/de/search/search_index.json").read_text())
    assert index["config"]["lang"] == ["de", "en"]
    # The shipped guidance is there in English, marked as not translated, in the German site.
    swot = (root / "site/de/guidance/swot/index.html").read_text()
    assert 'lang="en"' in swot


def test_a_missing_key_in_a_project_catalogue_is_an_error_at_its_line(tmp_path: Path):
    root = _german_project(tmp_path)
    path = root / "messages/de.yml"
    lines = path.read_text().splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("nav.metrics:"))
    del lines[at]
    lines.append('nav.hme: "Start"')
    broken = next(i for i, ln in enumerate(lines) if ln.startswith("quadrant.threats:"))
    lines[broken] = 'quadrant.threats: "Risiken für {team}"'
    path.write_text("\n".join(lines) + "\n")
    result = run("validate", "--project", root)
    assert result.exit_code == 1
    out = result.output
    assert f"messages/de.yml:{at + 1}: error: missing message 'nav.metrics'" in out, out
    assert f"messages/de.yml:{broken + 1}: error: 'quadrant.threats' must use the placeholders" in out
    assert f"messages/de.yml:{len(lines)}: warning: unknown message key 'nav.hme' (did you mean 'nav.home'?)" in out


def test_a_language_without_a_catalogue_says_how_to_get_one(tmp_path: Path):
    write(tmp_path, "config/cssite.yml", CONFIG_DE)
    result = run("validate", "--project", tmp_path)
    assert result.exit_code == 1
    assert "config/cssite.yml:2: error: language 'de' needs the site's words" in result.output
    assert "cssite i18n init de" in result.output
    write(tmp_path, "config/cssite.yml", CONFIG_DE.replace("[de, en]", "[xx, en]"))
    result = run("validate", "--project", tmp_path)
    assert "config/cssite.yml:2: error: 'languages': unknown language 'xx'" in result.output


def test_init_with_another_language_writes_its_catalogue_and_builds(tmp_path: Path):
    result = run("init", tmp_path / "h", "--languages", "es,en")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((tmp_path / "h/messages/es.yml").read_text()) == catalogue("en")
    assert run("validate", "--strict", "--project", tmp_path / "h").exit_code == 0


def test_html_lang_is_the_projects_code_where_material_has_no_strings(tmp_path: Path):
    """Material has no Central Kurdish (ckb, written right to left) and no de-CH: the pages borrow English and
    German theme strings, but <html lang> names the project's language and ckb pages run right to left."""
    write(tmp_path, "config/cssite.yml", CONFIG_DE.replace("[de, en]", "[ckb, de-CH, en]"))
    write(tmp_path, "content/reviews/2026-Q3/support-emea.yml", MINIMAL_REVIEW)
    write(tmp_path, "content/metrics/kpis.csv", MINIMAL_KPIS)
    for lang in ("ckb", "de-CH"):
        assert run("i18n", "init", lang, "--project", tmp_path).exit_code == 0
    result = run("build", "--project", tmp_path)
    assert result.exit_code == 0, result.output
    for lang, direction in (("ckb", "rtl"), ("de-CH", "ltr"), ("en", "ltr")):
        home = (tmp_path / f"site/{lang}/index.html").read_text()
        assert f'<html lang="{lang}" ' in home, lang
        assert re.search(rf'<body dir="{direction}"', home), lang
        # the language switcher's links name each language by its own code
        assert 'hreflang="ckb"' in home and 'hreflang="de-CH"' in home
    # de-CH borrows Material's German strings (the language button's label), ckb Material's English ones.
    assert 'aria-label="Sprache wechseln"' in (tmp_path / "site/de-CH/index.html").read_text()
    assert 'aria-label="Select language"' in (tmp_path / "site/ckb/index.html").read_text()
    # Swiss German numbers, from Babel's de_CH (a region code must reach Babel as one it parses).
    assert "86.4" in (tmp_path / "site/de-CH/metrics/csat/index.html").read_text()
