"""The quarterly review pack: each review as a PDF in every language, read back with pypdf.

The example handbook is built with `--pdf` once (conftest). Without WeasyPrint these tests
skip, unless CSSITE_REQUIRE_PDF=1 (set by .ci/run), which makes a missing WeasyPrint a failure.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, has_weasyprint, run

LANGS = ("en", "fr", "ru", "et", "zh")


@pytest.fixture(scope="module", autouse=True)
def _need_weasyprint():
    if not has_weasyprint():
        if os.environ.get("CSSITE_REQUIRE_PDF") == "1":
            pytest.fail("CSSITE_REQUIRE_PDF=1 but WeasyPrint is not usable (pip install -e '.[test]', apt-get install "
                        "libpango-1.0-0 libpangoft2-1.0-0)")
        pytest.skip("WeasyPrint is not installed: pip install -e '.[test]'")


def pack(site: Path, lang: str, period: str = "2026-Q3", team: str = "support-emea") -> Path:
    return site / lang / "reviews" / period / team / f"{team}-{period}-{lang}.pdf"


def flat(s: str) -> str:
    """Text without any kind of space: PDF text extraction puts line breaks where lines wrapped."""
    return re.sub(r"[\s\u00a0\u202f\u200b]+", "", s)


def review_yaml(period: str, team: str) -> dict:
    return yaml.safe_load((REPO / "content" / "reviews" / period / f"{team}.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", LANGS)
def test_review_pack_text_has_team_period_kpi_and_objective(example_site: Path, lang: str):
    from pypdf import PdfReader

    from cssite.i18n import formats
    from cssite.model import Period

    reader = PdfReader(pack(example_site, lang))
    pages = [p.extract_text() for p in reader.pages]
    whole = flat("\n".join(pages))
    config = yaml.safe_load((REPO / "config" / "cssite.yml").read_text(encoding="utf-8"))
    team = next(t for t in config["teams"] if t["id"] == "support-emea")["name"][lang]
    period = formats.period(Period.parse("2026-Q3"), lang)
    review = review_yaml("2026-Q3", "support-emea")
    objective = next(o for o in review["objectives"] if o["id"] == "G2")["text"][lang]
    fcr = formats.kpi_value(75.1, "percent", lang)  # EMEA's first contact resolution in Q3 2026
    for needle in (team, period, objective, fcr, review["strengths"][0]["text"][lang]):
        assert flat(needle) in whole, (lang, needle)
    # The footer of every page: the team and period, and its page number in the language's words.
    assert len(pages) >= 3
    for i, page in enumerate(pages, 1):
        assert flat(f"{team} · {period}") in flat(page), (lang, i)
    from cssite.i18n.messages import Messages

    first = Messages(lang)("pdf.page", page=1, pages=len(pages))
    assert flat(first) in flat(pages[0]), (lang, first)


@pytest.mark.parametrize("lang", LANGS)
def test_review_pack_has_charts_plan_and_changes(example_site: Path, lang: str):
    from pypdf import PdfReader

    from cssite.i18n.messages import Messages

    t = Messages(lang)
    whole = flat("\n".join(p.extract_text() for p in PdfReader(pack(example_site, lang)).pages))
    for heading in ("pdf.kpis", "team.plan", "pdf.changes", "review.tows", "review.objectives"):
        assert flat(t(heading)) in whole, (lang, heading)
    # Charts are drawn (vector drawings of the SVGs: far more path operators than text alone needs).
    reader = PdfReader(pack(example_site, lang))
    drawn = sum(p.get_contents().get_data().count(b" c\n") + p.get_contents().get_data().count(b" l\n")
                for p in reader.pages)
    assert drawn > 500
    # A first review's pack says there is nothing to compare with.
    first = flat("\n".join(p.extract_text() for p in PdfReader(pack(example_site, lang, "2026-Q2")).pages))
    assert flat(t("changes.first_review")) in first


@pytest.mark.parametrize("lang", LANGS)
def test_review_pack_uses_only_its_own_fonts_and_no_missing_glyph(example_site: Path, lang: str):
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(pack(example_site, lang))
    for number, page in enumerate(reader.pages, 1):
        fonts = page["/Resources"]["/Font"]
        for name, ref in fonts.items():
            font = ref.get_object()
            base = str(font["/BaseFont"])
            assert "cssite-" in base, (lang, base)  # DejaVu Sans or Noto Sans CJK, never a system fallback
            assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H", base
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile2", "/FontFile3")), base  # embedded
        # With Identity-H every glyph is a 2-byte id; id 0 is .notdef, the box a missing letter prints as.
        current = None
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"Tf":
                current = operands[0]
            elif op in (b"Tj", b"TJ"):
                strings = operands[0] if op == b"TJ" else [operands[0]]
                for s in strings:
                    if isinstance(s, (bytes, str)) and not isinstance(s, (int, float)):
                        data = s if isinstance(s, bytes) else s.original_bytes
                        ids = [data[i] << 8 | data[i + 1] for i in range(0, len(data) - 1, 2)]
                        assert 0 not in ids, (lang, number, current)


@pytest.mark.parametrize("lang", LANGS)
def test_review_page_links_its_pack(example_site: Path, lang: str):
    page = example_site / lang / "reviews/2026-Q3/support-emea/index.html"
    hrefs = re.findall(r'<a href="([^"]+\.pdf)"', page.read_text(encoding="utf-8"))
    assert hrefs, lang
    assert all((page.parent / h).resolve() == pack(example_site, lang).resolve() for h in hrefs)


def test_missing_weasyprint_says_how_to_install_it(project: Path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` now fails as if not installed
    result = run("build", "--project", project, "--pdf")
    assert result.exit_code == 1
    assert "pip install 'cssite[pdf]'" in result.output and "libpango-1.0-0" in result.output
    assert not (project / "site").exists()


def test_pdf_true_in_config_builds_packs(project: Path, monkeypatch):
    """Run as a user runs it: from inside the project, with no --project (every path relative to the cwd)."""
    cfg = project / "config" / "cssite.yml"
    cfg.write_text(cfg.read_text() + "pdf: true\n")
    monkeypatch.chdir(project)
    result = run("build")
    assert result.exit_code == 0, result.output
    assert pack(project / "site", "en").is_file()


def test_pack_reads_nothing_but_its_fonts_and_charts(tmp_path: Path):
    """An image or stylesheet in the pack's text is not fetched: user text can't make the PDF read files."""
    from pypdf import PdfReader

    from cssite.publish.pdf import Pack, write_pdf

    secret = tmp_path / "secret.png"
    secret.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                                     "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"))
    text = f'# Title\n\n![x]({secret.as_uri()})\n\n<img src="{secret.as_uri()}">\n\n<link rel="stylesheet" href="{secret.as_uri()}">\n'
    data = write_pdf(Pack(lang="en", markdown=text, footer="Team · Q3 2026", page_words="Page {page} of {pages}",
                          title="t"), {})
    out = tmp_path / "p.pdf"
    out.write_bytes(data)
    page = PdfReader(out).pages[0]
    xobjects = page["/Resources"].get("/XObject", {})
    assert not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
    assert "Title" in page.extract_text()
