"""One term per concept in each language, and the small conventions a native reader notices first.

The glossary covers everything the tool ships in a language: the message catalogue (UI, Reference,
scaffold texts), the metric catalogue, the guidance pages and the example handbook's reviews. Each entry names the term the language
uses and the variants that crept in before (calques, a second name for the same thing, a word that
means something else there); a variant anywhere fails with the file and key or line.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from conftest import REPO
from cssite.i18n import formats
from cssite.i18n.messages import catalogue

HAN = "\u3400-\u4dbf\u4e00-\u9fff"

# language → [(wrong variant, the term the language uses instead)]
GLOSSARY: dict[str, list[tuple[str, str]]] = {
    "fr": [
        (r"en dessous de la cible|inférieure? à la cible", "« proche » must hold for lower-is-better metrics too"),
        (r"\bagents?\b", "conseiller"),
    ],
    "ru": [
        (r"бэклог", "остаток нерешённых обращений"),
        (r"пресет", "профиль импорта"),
        (r"ниже цели|ниже целевого", "«почти достигнуто» holds for lower-is-better metrics too"),
        (r"\bагент\w*|\bоператор\w*", "сотрудник (one name for the person who answers)"),
    ],
    "et": [
        # A SWOT item is a "tegur" in the UI; "punkt" is kept for points (NPS, percentage points) and the chart dot.
        (r"\b(iga|igale|need|kavandatud|analüüsi) punkt\w*|\bpunktide\b|\bsõnastage punktid|\blisage punkte", "tegur"),
        (r"alla sihtväärtuse", "sihtväärtus on saavutamata (true for lower-is-better metrics too)"),
        (r"\blähedal\b", "peaaegu saavutatud (the 'near' status, as ru почти достигнуто)"),
    ],
    "zh": [
        (r"坐席", "客服"),
        (r"你们|你(?!们)", "您 (the catalogue addresses the reader formally)"),
        (r"评审", "回顾"),
        (r"首次联系解决率|首次接触解决率|一次解决率|一次性解决率", "首次解决率"),
        (r"低于目标", "未达到目标值 (true for lower-is-better metrics too)"),
    ],
    "en": [
        (r"below (the )?target", "short of the target (true for lower-is-better metrics too)"),
    ],
}


def shipped_texts(lang: str) -> dict[str, str]:
    """Where → text, for every text cssite ships in `lang` (code spans left out: they are not prose)."""
    texts = {f"messages/{lang}.yml:{k}": v for k, v in catalogue(lang).items() if k != "ref.layout"}
    for metric, entry in yaml.safe_load((REPO / "cssite/data/metrics.yml").read_text(encoding="utf-8")).items():
        for field in ("name", "definition"):
            value = entry.get(field)
            if isinstance(value, dict) and lang in value:
                texts[f"metrics.yml:{metric}.{field}"] = value[lang]
    def walk(where: str, node) -> None:  # the example's own reviews and config: what a reader sees first
        if isinstance(node, dict):
            if isinstance(node.get(lang), str):
                texts[where] = node[lang]
            for k, v in node.items():
                walk(f"{where}.{k}", v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(f"{where}[{i}]", v)

    for path in [*sorted((REPO / "config").glob("*.yml")), *sorted((REPO / "content/reviews").rglob("*.yml"))]:
        walk(str(path.relative_to(REPO)), yaml.safe_load(path.read_text(encoding="utf-8")))
    for page in sorted((REPO / "cssite/data/guidance" / lang).glob("*.md")):
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            # Heading ids and link targets are addresses, not words.
            texts[f"guidance/{lang}/{page.name}:{n}"] = re.sub(r"\{#[^}]*\}|\]\([^)]*\)", "]", line)
    return {k: re.sub(r"`[^`]*`", "", v) for k, v in texts.items()}


@pytest.mark.parametrize("lang", sorted(GLOSSARY))
def test_one_term_per_concept(lang: str):
    found = []
    for where, text in shipped_texts(lang).items():
        for wrong, right in GLOSSARY[lang]:
            for m in re.finditer(wrong, text, re.IGNORECASE):
                found.append(f"{where}: «{m.group(0)}» (use: {right})")
    assert found == [], "\n".join(found)


def test_the_glossary_check_catches_a_variant(monkeypatch):
    import test_lang_glossary as me

    monkeypatch.setattr(me, "shipped_texts", lambda lang: {"messages/zh.yml:x": "坐席首次响应时间"})
    with pytest.raises(AssertionError, match="坐席"):
        test_one_term_per_concept("zh")


def test_chinese_catalogue_has_no_space_beside_han_even_around_placeholders():
    """`第 {page} 页` prints `第 3 页`: the space is the catalogue's, so the built pages' check never sees it
    (the PDF footer is not a page). Operators (+, →, ×) keep their spaces."""
    near = re.compile(rf"[{HAN}] +[A-Za-z0-9{{]|[A-Za-z0-9}}%] +[{HAN}]|[{HAN}] +[{HAN}]")
    found = [f"{k}: {v!r}" for k, v in shipped_texts("zh").items() if near.search(v)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("count", [0, 1, 2, 21])
def test_tally_words_agree_with_any_count(count: int):
    """fr «1 proches», «0 non atteints»: a count before a plural word is wrong for 0 and 1. The tally writes
    the status word as a label (fr, ru, et: «proche : 1», «почти достигнуто: 1»), or a counter (zh 项)."""
    for lang in ("fr", "ru", "et"):
        for status in ("met", "near", "missed"):
            text = catalogue(lang)[f"home.tally.{status}"].format(count=count)
            assert re.search(rf"(:|\s){count}$", text), (lang, status, text)
            assert catalogue(lang)[f"status.{status}"] in text, (lang, status, text)  # the badge's own word


def test_french_writes_the_first_of_the_month_as_an_ordinal():
    assert formats.date(dt.date(2026, 12, 1), "fr") == "1er décembre 2026"
    assert formats.short_date(dt.date(2026, 12, 1), "fr").startswith("1er déc")
    assert formats.date(dt.date(2026, 12, 11), "fr") == "11 décembre 2026"
    assert formats.date(dt.date(2026, 12, 1), "ru").startswith("1 декабря 2026")
    assert formats.date(dt.date(2026, 12, 1), "et") == "1. detsember 2026"


@pytest.mark.parametrize("lang", ["en", "fr", "ru", "et", "zh"])
def test_a_ninetieth_percentile_is_what_nine_in_ten_stay_within(lang: str):
    """A p90 is not "the wait of the slowest tenth": each p90 definition says that 90% stayed within it
    (ru says it the other way round: only 10% waited longer)."""
    metrics = yaml.safe_load((REPO / "cssite/data/metrics.yml").read_text(encoding="utf-8"))
    say = {"en": "90%", "fr": "90\u00a0%", "ru": "10\u00a0%", "et": "90%", "zh": "90%"}[lang]
    reply_p90 = [m for m in metrics if m.endswith("_p90") and m.startswith("first_response")]
    assert reply_p90
    for m in reply_p90:
        assert say in metrics[m]["definition"][lang], (m, lang)


def _figures(text: str) -> list[str]:
    """The numbers a text states, whatever the locale's decimal and grouping signs (placeholders left out)."""
    text = re.sub(r"\{\w+\}", "", text).replace("\u202f", "").replace("\u00a0", "")
    return sorted(re.sub(r"[,.]", ".", n) for n in re.findall(r"\d+(?:[.,]\d+)?", text))


# Where a language words a figure its own way: fr «24 h sur 24» for "around the clock"; fr and ru say
# "the slowest 10 %" where the English says "the slowest tenth".
# ru words the p90 from the other side ("only 10 % wait longer"). The figures each of these states:
_OWN_WORDING = {("messages", "init.threat", "fr"): ["24", "24"],
                ("metrics", "first_response_time_p90.definition", "fr"): ["10", "90", "90"],
                ("metrics", "first_response_time_p90.definition", "ru"): ["10", "90"],
                ("metrics", "first_response_time_business_p90.definition", "fr"): ["10", "90", "90"],
                ("metrics", "first_response_time_business_p90.definition", "ru"): ["10", "90"]}


def test_every_catalogue_text_states_the_same_figures_in_every_language():
    """Nothing is said in one language that the others lack: every message and metric text carries the same
    numbers (thresholds, scales, examples) in all five languages, allowing for locale formatting."""
    english = catalogue("en")
    metrics = yaml.safe_load((REPO / "cssite/data/metrics.yml").read_text(encoding="utf-8"))
    texts = {("messages", k): {lang: catalogue(lang)[k] for lang in ("en", "fr", "ru", "et", "zh")}
             for k in english if k != "ref.layout"}
    for m, entry in metrics.items():
        for field in ("name", "definition"):
            if isinstance(entry.get(field), dict):
                texts[("metrics", f"{m}.{field}")] = entry[field]
    found = []
    for (where, key), by_lang in texts.items():
        want = _figures(by_lang["en"])
        for lang in ("fr", "ru", "et", "zh"):
            got = _figures(by_lang.get(lang, ""))
            if got != _OWN_WORDING.get((where, key, lang), want):
                found.append(f"{where}:{key} [{lang}]: English says {want}, {lang} says {got}")
    assert found == [], "\n".join(found)


def test_figures_are_read_through_locale_formatting_and_a_dropped_one_shows():
    assert _figures("(comme `1,234`, qui peut valoir 1,234 ou 1\u202f234)") == _figures("(`1,234`: 1.234 or 1234)")
    assert _figures("80\u00a0% en moins de 20 secondes") == _figures("80% within 20 seconds") == ["20", "80"]
    assert _figures("(comme `1,234`)") != _figures("(`1,234`: 1.234 or 1234)")
