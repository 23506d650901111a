"""Locale-aware formatting of numbers, KPI values, dates and periods (Babel)."""

from __future__ import annotations

import decimal

import datetime as dt
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit

from cssite.model import Period

_UNIT_NAMES = {"minutes": "duration-minute", "hours": "duration-hour", "seconds": "duration-second"}

# Every function here is pure and the pages of five languages print the same few hundred values
# over and over, so results are cached, and Babel gets a parsed Locale rather than a code to parse.
_cached = lru_cache(maxsize=1 << 16)


@lru_cache(maxsize=None)
def _locale(lang: str) -> Locale:
    # Project codes are BCP 47 (`de-CH`, `pt-BR`); Babel parses `de_CH` (languages.locale converts).
    from cssite.i18n.languages import locale

    return locale(lang) or Locale.parse(lang)


@_cached
def number(value: float, lang: str, decimals: int = 1) -> str:
    """A plain number: `1 234,5` in fr, `1,234.5` in en."""
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
    # Decimal's default 28 digits can't hold a huge value's rounding (1e300 to one decimal): room for any float.
    with decimal.localcontext() as ctx:
        ctx.prec = 400
        return format_decimal(round(value, decimals), format=fmt, locale=_locale(lang))


@_cached
def percent(value: float, lang: str, decimals: int = 1) -> str:
    """`value` is 0–100. fr `86,4 %`, et `86,4%`, zh `86.4%`."""
    return format_percent(value / 100.0, format=_percent_pattern(lang, decimals), locale=_locale(lang))


@lru_cache(maxsize=None)
def _percent_pattern(lang: str, decimals: int) -> str:
    # Keep the locale's own pattern (fr puts a space before %, et does not); only widen its decimals.
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    return _locale(lang).percent_formats[None].pattern.replace("#,##0", digits, 1)


def signed(value: float, lang: str, decimals: int = 1) -> str:
    """A number with an explicit sign, for changes and NPS: `+3,2`, `−1,5`."""
    text = number(abs(value), lang, decimals)
    if round(value, decimals) == 0:
        return text
    return ("+" if value > 0 else "\u2212") + text


# One precision per unit, in tables, cards and charts alike, so a column never shows "310 min" beside
# "60,0 min". Durations keep one decimal because first response times in hours need it (85,6 h);
# seconds are never fractional in a helpdesk export; counts and NPS are whole by definition.
UNIT_DECIMALS = {"percent": 1, "points": 0, "score": 1, "seconds": 0, "minutes": 1, "hours": 1, "count": 0}


def unit_decimals(unit: str) -> int:
    """How many decimals every value of `unit` is written with (the one rule for tables and charts)."""
    return UNIT_DECIMALS.get(unit, 1)


# The values a unit can take at all: a chart's axis never runs past them (a share above 100 %, a negative
# wait). NPS is the one `points` metric and runs from -100 to +100; `score` scales are the metric's own.
UNIT_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "percent": (0.0, 100.0), "points": (-100.0, 100.0),
    "count": (0.0, None), "seconds": (0.0, None), "minutes": (0.0, None), "hours": (0.0, None), "days": (0.0, None),
}


def unit_bounds(unit: str) -> tuple[float | None, float | None]:
    """The lowest and highest value `unit` allows (None: no bound)."""
    return UNIT_BOUNDS.get(unit, (None, None))


@_cached
def kpi_value(value: float, unit: str, lang: str, decimals: int | None = None) -> str:
    """A KPI value in its unit, the way the language writes it.

    The precision is `unit_decimals(unit)`; `decimals` overrides it only for axis ticks, whose precision
    follows the tick step (every tick of an axis has the same).
    """
    if decimals is None:
        decimals = unit_decimals(unit)
    if unit == "percent":
        return percent(value, lang, decimals)
    if unit == "points":
        return signed(value, lang, decimals)
    if unit in _UNIT_NAMES:
        return format_unit(round(value, decimals), _UNIT_NAMES[unit], length="short", locale=_locale(lang),
                           format="#,##0" + ("." + "0" * decimals if decimals else ""))
    return number(value, lang, decimals)


@_cached
def kpi_change(delta: float, unit: str, lang: str) -> str:
    """A change between two values: percentage points for percentages, the unit otherwise."""
    decimals = unit_decimals(unit)  # a change is written like the values it lies between
    if unit in ("percent", "points", "score", "count"):
        return signed(delta, lang, decimals)
    shown = round(delta, decimals)
    sign = "+" if shown > 0 else ("\u2212" if shown < 0 else "")
    return sign + kpi_value(abs(delta), unit, lang)


@_cached
def _premier(text: str, value: dt.date, lang: str) -> str:
    """French writes the first of the month as an ordinal, `1er décembre 2026`; CLDR's pattern has no ordinal."""
    if value.day == 1 and lang.replace("-", "_").split("_")[0] == "fr" and text[:1] == "1" and not text[1:2].isdigit():
        return "1er" + text[1:]
    return text


def date(value: dt.date, lang: str) -> str:
    """A long date: `30 septembre 2026`, `1er décembre 2026`, `2026年9月30日`."""
    return _premier(format_date(value, "long", locale=_locale(lang)), value, lang)


def join(items, lang: str) -> str:
    """A list the way the language writes one: `A, B and C`, `A, B et C`, `A、B和C`."""
    items = [str(i) for i in items]
    return format_list(items, style="standard", locale=_locale(lang)) if items else ""


@_cached
def short_date(value: dt.date, lang: str) -> str:
    return _premier(format_date(value, "medium", locale=_locale(lang)), value, lang)


@_cached
def period(p: Period, lang: str) -> str:
    """A quarter or month as the language names it: `T3 2026`, `2026年第3季度`."""
    return format_skeleton("yQQQ" if p.kind == "quarter" else "yMMM", p.start, locale=_locale(lang))
