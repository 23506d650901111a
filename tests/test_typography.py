"""Each language's own punctuation, spacing and range signs, on the built example and in the catalogue.

Lists are joined by Babel, brackets and separators come from the catalogue, and each language keeps
one convention everywhere the tool writes (catalogue, metric catalogue, example data, guidance):
zh writes no space between Han characters and Latin letters or digits and uses ～ for ranges; et
writes an unspaced – for ranges; every language writes percentages the way Babel prints them.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from babel.lists import format_list

from conftest import REPO
from cssite.i18n import formats
from cssite.i18n.messages import catalogue

LANGS = ("en", "fr", "ru", "et", "zh")
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
SPACES = " \u00a0\u202f"


class _Text(HTMLParser):
    """The text nodes of a page's article, outside code, one string per node."""

    SKIP = {"code", "pre", "script", "style", "svg", "kbd"}
    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.nodes: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data) -> None:
        if "article" in self.stack and not self.SKIP & set(self.stack) and data.strip():
            self.nodes.append(data)


def text_nodes(page: Path) -> list[str]:
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.nodes


def pages(site: Path, lang: str) -> list[Path]:
    found = sorted((site / lang).rglob("index.html"))
    assert len(found) > 30, lang
    return found


def violations(site: Path, lang: str, pattern: re.Pattern, wrong=lambda m: True) -> list[str]:
    """Every match of `pattern` (for which `wrong(match)` holds) in the language's pages, with its context."""
    out = []
    for page in pages(site, lang):
        for node in text_nodes(page):
            for m in pattern.finditer(node):
                if wrong(m):
                    out.append(f"{page.relative_to(site)}: …{node[max(0, m.start() - 20):m.end() + 20]}…")
    return out


def catalogue_texts(lang: str) -> dict[str, str]:
    """Every text the tool itself ships in `lang`: messages, built-in metrics, the example's own files."""
    texts = {f"messages/{lang}.yml:{k}": v for k, v in catalogue(lang).items() if k != "ref.layout"}

    def walk(where: str, node) -> None:
        if isinstance(node, dict):
            if lang in node and isinstance(node[lang], str):
                texts[where] = node[lang]
            for k, v in node.items():
                walk(f"{where}.{k}", v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(f"{where}[{i}]", v)

    for path in [REPO / "cssite/data/metrics.yml", *sorted((REPO / "config").glob("*.yml")),
                 *sorted((REPO / "content/reviews").rglob("*.yml"))]:
        walk(str(path.relative_to(REPO)), yaml.safe_load(path.read_text(encoding="utf-8")))
    # Code spans are not prose: `--help`, `config/`, `true` keep their own spelling.
    return {k: re.sub(r"`[^`]*`", "", v) for k, v in texts.items()}


# --- lists, brackets, separators -------------------------------------------------------------------

def _objective_with_two_addresses() -> tuple[str, list[str]]:
    for path in sorted((REPO / "content/reviews").rglob("*.yml")):
        review = yaml.safe_load(path.read_text(encoding="utf-8"))
        for o in review.get("objectives", []):
            if len(o["addresses"]) >= 2:
                return f"reviews/{review['period']}/{review['team']}/index.html", o["addresses"]
    raise AssertionError("the example has no objective that addresses two items")


@pytest.mark.parametrize("lang", LANGS)
def test_lists_are_joined_the_languages_way(example_site: Path, lang: str):
    page, ids = _objective_with_two_addresses()
    cells = [html.unescape(c) for c in re.findall(r"<td>([^<]*)</td>", (example_site / lang / page).read_text())]
    expected = format_list(ids, locale=lang)  # en "W1 and O1", zh "W1和O1"
    assert expected in cells, (lang, expected, cells[:12])
    if lang == "zh":
        assert "和" in expected and not any(", ".join(ids) in c for c in cells)


def test_chinese_pages_use_full_width_brackets_from_the_catalogue(example_site: Path):
    html_text = (example_site / "zh/reviews/2026-Q3/support-emea/index.html").read_text()
    assert "（不显著）" in html_text
    assert "(不显著)" not in html_text and "( 不显著" not in html_text
    en = (example_site / "en/reviews/2026-Q3/support-emea/index.html").read_text()
    assert " (not significant)" in en


@pytest.mark.parametrize("lang", LANGS)
def test_tab_titles_use_the_catalogue_separator(example_site: Path, lang: str):
    title = re.search(r"<title>([^<]*)</title>", (example_site / lang / "reviews/2026-Q3/support-emea/index.html").read_text())
    assert catalogue(lang)["punct.separator"] in html.unescape(title.group(1)), title.group(1)


# Words and the marks between them: a list comma, a separator, brackets around a word, a case change.
# (Markdown's own `](` of a link is not a bracket around words.)
_PUNCT_LITERAL = re.compile(r"^\s*[,;]\s+$|^\s*[、·]\s*$|\s·\s|(?<!\])\($|[（）]|[—←→]")  # a dash or an arrow means words: the catalogue's
_PUNCT_FSTRING = re.compile(r"\s·\s|(?<!\])\(\{")
_CASE_FILTERS = {"lower", "upper", "capitalize", "title"}


def test_no_punctuation_is_hard_coded_in_templates_or_render_code():
    """Commas, brackets around words, separators and case changes come from the catalogue or from Babel."""
    import io
    import tokenize

    import jinja2

    from cssite.render.pages import template_env

    found = []
    env: jinja2.Environment = template_env(REPO)
    for path in sorted((REPO / "templates").glob("*.j2")):
        tokens = list(env.lex(path.read_text(encoding="utf-8")))
        for (_, _, before), (line, kind, value), (_, next_kind, next_value) in zip(
                [(0, "", "")] + tokens, tokens, tokens[1:] + [(0, "", "")]):
            if kind == "data" and _PUNCT_LITERAL.search(value.replace("\n", " ")):
                found.append(f"{path.name}:{line}: {value!r}")
            if kind == "string" and _PUNCT_LITERAL.search(value):
                found.append(f"{path.name}:{line}: string {value!r}")
            if kind == "operator" and value == "|" and next_kind == "name" and next_value in _CASE_FILTERS:
                found.append(f"{path.name}:{line}: | {next_value} (a translation's case is the catalogue's)")
            if kind == "name" and value == "join" and before == "|":
                found.append(f"{path.name}:{line}: join (use c.join: Babel's list patterns)")
    for path in sorted((REPO / "cssite/render").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type != tokenize.STRING or tok.string.lstrip("rbuRBUfF")[:3] in ('"""', "'''"):
                continue  # docstrings are for the reader of the code
            text = tok.string.lstrip("rbuRBUfF")[1:-1].strip("\"'")
            if _PUNCT_LITERAL.search(text) or (tok.string[:1] in "fF" and _PUNCT_FSTRING.search(text)):
                found.append(f"{path.relative_to(REPO)}:{tok.start[0]}: {tok.string}")
    assert found == [], "\n".join(found)


def test_root_page_is_in_the_default_language(example_site: Path):
    page = (example_site / "index.html").read_text(encoding="utf-8")
    assert "Redirecting" not in page
    assert f"<title>{catalogue('en')['redirect.title']}</title>" in page
    assert catalogue("en")["redirect.link"] in page


# --- one spacing and range convention per language -------------------------------------------------

ZH_SPACE = re.compile(rf"[{HAN}][{SPACES}]+(?:[A-Za-z0-9]|[+−]\d)|[A-Za-z0-9%][{SPACES}]+[{HAN}]")
ZH_RANGE = re.compile(r"\d%?\s*(?:[-–—~]|至|到)\s*[+−]?\d")
ET_RANGE = re.compile(rf"\d%?(?:[{SPACES}]+[-–—][{SPACES}]*|[{SPACES}]*[-—][{SPACES}]*|[{SPACES}]*–[{SPACES}]+)[+−]?\d")


def test_chinese_writes_no_space_between_han_and_latin_or_digits(example_site: Path):
    assert violations(example_site, "zh", ZH_SPACE) == []
    assert [f"{k}: {v}" for k, v in catalogue_texts("zh").items() if ZH_SPACE.search(v)] == []


def test_chinese_ranges_use_one_sign(example_site: Path):
    assert violations(example_site, "zh", ZH_RANGE) == []
    assert [f"{k}: {v}" for k, v in catalogue_texts("zh").items() if ZH_RANGE.search(v)] == []
    assert "～" in catalogue("zh")["interval"] and "～" in catalogue("zh")["range"]


def test_estonian_ranges_use_an_unspaced_en_dash(example_site: Path):
    assert violations(example_site, "et", ET_RANGE) == []
    assert [f"{k}: {v}" for k, v in catalogue_texts("et").items() if ET_RANGE.search(v)] == []


PERCENT = re.compile(rf"\d([{SPACES}]*)%")


@pytest.mark.parametrize("lang", ("fr", "ru", "et", "zh"))
def test_percentages_are_written_as_babel_prints_them(example_site: Path, lang: str):
    """et and zh "86,4%" / "86.4%", fr and ru "86,4 %" with a no-break space: in pages and catalogues alike.

    CLDR versions differ on which no-break space French takes (U+00A0 or the narrow U+202F), so where
    Babel puts one, either is accepted; an ordinary space (which can wrap) or none at all is not.
    """
    gap = formats.percent(50, lang, 0)[len("50"):-1]
    allowed = {gap, "\u00a0", "\u202f"} if gap in ("\u00a0", "\u202f") else {gap}
    assert violations(example_site, lang, PERCENT, lambda m: m.group(1) not in allowed) == []
    assert [f"{k}: {v}" for k, v in catalogue_texts(lang).items()
            if any(m.group(1) not in allowed for m in PERCENT.finditer(v))] == []


# --- dates ---------------------------------------------------------------------------------------

def test_dates_in_tables_are_one_unbreakable_unit(example_site: Path):
    page = (example_site / "zh/teams/support-emea/index.html").read_text(encoding="utf-8")
    dates = re.findall(r'<span class="cs-date">([^<]+)</span>', page)
    assert dates and all(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", d) for d in dates), dates
    css = (example_site / "zh/assets/cssite.css").read_text()
    assert re.search(r"\.cs-date\s*\{[^}]*white-space:\s*nowrap", css)
