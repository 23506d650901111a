"""The quarterly review pack: each review as a PDF in every language (`pdf: true` or `cssite build --pdf`).

The renderer writes each pack as Markdown (the review, its KPIs with charts, the
action plan, the changes since the last review); this module turns it into HTML
with the same Markdown extensions the site uses and prints it with WeasyPrint, an
optional extra (`pip install 'cssite[pdf]'`) that needs Pango from the system.

Fonts are files the installation already has, never the machine's: DejaVu Sans
from matplotlib (Latin, Cyrillic, Estonian letters, the French narrow no-break
space) first, then Noto Sans CJK from the `noto-cjk-sans-otc` wheel for Chinese.
WeasyPrint may read only those files and the build's chart drawings: a link or
image in user text never makes it open anything else, on disk or on the network.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from cssite.errors import BuildError

MISSING = ("PDF review packs need WeasyPrint: pip install 'cssite[pdf]' (on Debian or Ubuntu also "
           "apt-get install libpango-1.0-0 libpangoft2-1.0-0); or build without --pdf / pdf: true")

MARKDOWN_EXTENSIONS = ["attr_list", "md_in_html", "tables", "admonition", "toc", "pymdownx.details",
                       "pymdownx.superfences"]


def require_weasyprint():
    """The weasyprint module, or a BuildError that says how to install it (before anything is built)."""
    try:
        import weasyprint
    except ImportError as exc:
        raise BuildError(f"{MISSING} ({exc})") from None
    except OSError as exc:  # installed, but Pango or its friends are missing from the system
        raise BuildError(f"{MISSING} (WeasyPrint could not load a system library: {exc})") from None
    return weasyprint


def font_files() -> dict[str, Path]:
    """The font files the packs embed: DejaVu Sans (regular, bold) from matplotlib, Noto Sans CJK."""
    import noto_cjk_sans_otc

    mpl = Path(importlib.util.find_spec("matplotlib").origin).parent / "mpl-data" / "fonts" / "ttf"
    return {"regular": mpl / "DejaVuSans.ttf", "bold": mpl / "DejaVuSans-Bold.ttf",
            "mono": mpl / "DejaVuSansMono.ttf", "cjk": Path(noto_cjk_sans_otc.FONT_PATH)}


@dataclass(frozen=True)
class Pack:
    """One review pack to print: its Markdown and the words of its page footer."""

    lang: str
    markdown: str
    footer: str  # "Support EMEA · Q3 2026"
    page_words: str  # "Page {page} of {pages}" in the pack's language
    title: str


def css_string(text: str) -> str:
    """`text` as a CSS string literal: user words in the footer stay words."""
    out = []
    for ch in text:
        if ch in '"\\' or ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def page_counter(words: str) -> str:
    """"Page {page} of {pages}" as a CSS `content` value with the page counters in place."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", words):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def stylesheet(fonts: dict[str, Path], pack: Pack) -> str:
    sans = '"cssite DejaVu Sans", "cssite Noto Sans CJK"'
    return f"""
@font-face {{ font-family: "cssite DejaVu Sans"; src: url("{fonts['regular'].as_uri()}"); font-weight: normal; }}
@font-face {{ font-family: "cssite DejaVu Sans"; src: url("{fonts['bold'].as_uri()}"); font-weight: bold; }}
@font-face {{ font-family: "cssite DejaVu Sans Mono"; src: url("{fonts['mono'].as_uri()}"); }}
@font-face {{ font-family: "cssite Noto Sans CJK"; src: url("{fonts['cjk'].as_uri()}"); }}
@page {{
  size: A4; margin: 18mm 16mm 20mm;
  @bottom-left {{ content: {css_string(pack.footer)}; font: 8pt {sans}; color: #444; }}
  @bottom-right {{ content: {page_counter(pack.page_words)}; font: 8pt {sans}; color: #444; }}
}}
html {{ font-family: {sans}; font-size: 9.5pt; line-height: 1.4; color: #111; }}
code, pre {{ font-family: "cssite DejaVu Sans Mono", "cssite Noto Sans CJK"; font-size: .9em; }}
h1 {{ font-size: 17pt; margin: 0 0 .3em; }}
h1.cs-pack-part {{ font-size: 14pt; break-before: page; border-bottom: 1px solid #999; }}
h2 {{ font-size: 12.5pt; margin: 1.1em 0 .4em; break-after: avoid; }}
h3 {{ font-size: 10.5pt; margin: .9em 0 .3em; break-after: avoid; }}
a {{ color: inherit; text-decoration: none; }}
table {{ border-collapse: collapse; width: 100%; margin: .5em 0; font-size: 8.5pt; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 3px 5px; text-align: left; vertical-align: top; }}
th {{ background: #f0f0f0; }}
tr, img, .cs-quadrant, .cs-pack-kpi, .admonition {{ break-inside: avoid; }}
img {{ max-width: 100%; width: 15cm; }}
.cs-swot {{ display: block; }}
.cs-quadrant {{ border: 1px solid #bbb; border-top: 3px solid #777; padding: 0 .6em; margin: .4em 0; }}
.cs-quadrant--strengths {{ border-top-color: #2e7d32; }} .cs-quadrant--weaknesses {{ border-top-color: #c62828; }}
.cs-quadrant--opportunities {{ border-top-color: #1565c0; }} .cs-quadrant--threats {{ border-top-color: #ef6c00; }}
.admonition {{ border-left: 3px solid #1565c0; background: #f3f6fb; padding: .2em .8em; margin: .6em 0; }}
.admonition-title {{ font-weight: bold; margin: .3em 0; }}
.cs-status--met, .cs-change--better, .cs-ostatus--done {{ color: #1b5e20; }}
.cs-status--near, .cs-ostatus--at_risk {{ color: #7a4700; }}
.cs-status--missed, .cs-change--worse, .cs-overdue {{ color: #b71c1c; }}
.cs-status--none, .cs-change--ns, .cs-meta, .cs-muted, small {{ color: #555; }}
.cs-status, .cs-ostatus, .cs-change {{ white-space: nowrap; }}
.cs-ostatus {{ border: 1px solid currentColor; border-radius: 6pt; padding: 0 4pt; font-size: .9em; }}
.cs-weight {{ border: 1px solid #888; border-radius: 2pt; padding: 0 2pt; font-size: .8em; }}
.cs-sr {{ display: none; }}
.cs-progress {{ display: inline-block; width: 40pt; height: 6pt; border: 1px solid #666; background: #eee; vertical-align: middle; }}
.cs-progress__bar {{ display: block; height: 100%; background: #3949ab; }}
.cs-progress__detail {{ display: block; }}
.headerlink, .cs-page-links {{ display: none; }}
"""


class _Unlink:
    """Markdown treeprocessor: links become plain text in print (their targets are pages of the site)."""

    @staticmethod
    def make():
        from markdown.extensions import Extension
        from markdown.treeprocessors import Treeprocessor

        class Strip(Treeprocessor):
            def run(self, root: ElementTree.Element) -> None:
                for a in root.iter("a"):
                    a.attrib.pop("href", None)

        class Ext(Extension):
            def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
                md.treeprocessors.register(Strip(md), "cssite-unlink", 0)

        return Ext()


def html_of(pack: Pack, charts: dict[str, Path], fonts: dict[str, Path]) -> str:
    """The pack as one HTML document; chart images point at their drawn files."""
    import markdown
    from markupsafe import escape

    body = markdown.markdown(pack.markdown, extensions=[*MARKDOWN_EXTENSIONS, _Unlink.make()])

    def chart(m: re.Match) -> str:
        path = charts.get(m.group(1))
        return f'src="{path.resolve().as_uri()}"' if path else 'src=""'  # the cache may be relative to the cwd

    body = re.sub(r'src="assets/charts/([0-9A-Za-z_-]+)\.svg"', chart, body)
    return (f'<!DOCTYPE html><html lang="{pack.lang}"><head><meta charset="utf-8">'
            f"<title>{escape(pack.title)}</title><style>{stylesheet(fonts, pack)}</style></head>"
            f"<body>{body}</body></html>")


def write_pdf(pack: Pack, charts: dict[str, Path]) -> bytes:
    """Print one pack; WeasyPrint may open only the fonts and this build's charts."""
    weasyprint = require_weasyprint()
    fonts = font_files()
    allowed = {p.resolve() for p in fonts.values()} | {p.resolve() for p in charts.values()}

    class Confined(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file://"):
                from urllib.parse import unquote, urlparse

                if Path(unquote(urlparse(url).path)).resolve() in allowed:
                    return super().fetch(url, headers)
            raise ValueError(f"not fetched: {url[:80]}")  # user text may not make the PDF read anything else

    html = html_of(pack, charts, fonts)
    doc = weasyprint.HTML(string=html, base_url=None, url_fetcher=Confined(allowed_protocols=("file",)))
    return doc.write_pdf(pdf_identifier=False, uncompressed_pdf=False)


def _print_one(job: tuple[str, str, dict, dict[str, Path]]) -> tuple[str, str, bytes]:
    lang, path, text, charts = job
    return lang, path, write_pdf(Pack(lang=lang, **text), charts)


def print_packs(rendered, chart_files: dict[str, Path], jobs: int) -> dict[str, dict[str, bytes]]:
    """Every language's review packs as {lang: {path under docs/: PDF bytes}}, printed in parallel."""
    from concurrent.futures import ProcessPoolExecutor

    todo = []
    for r in rendered:
        keys = {spec.key for spec in r.charts.values()}
        charts = {k: chart_files[k] for k in keys}
        todo.extend((r.lang, path, text, charts) for path, text in r.packs.items())
    out: dict[str, dict[str, bytes]] = {r.lang: {} for r in rendered}
    if not todo:
        return out
    if jobs <= 1 or len(todo) == 1:
        results = [_print_one(job) for job in todo]
    else:  # WeasyPrint is single-threaded: one process per core, like the charts and the MkDocs builds
        with ProcessPoolExecutor(min(jobs, len(todo))) as pool:
            results = list(pool.map(_print_one, todo))
    for lang, path, data in results:
        out[lang][path] = data
    return out
