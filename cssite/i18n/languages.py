"""Which languages a handbook may use, and what each needs from Babel, Material and lunr.

Any language Babel knows may be listed. cssite ships its own words for five of them
(cssite/data/messages/); any other takes them from the project's messages/<lang>.yml
(`cssite i18n init LANG` writes one). Numbers and dates come from Babel; the theme's own
strings from Material (English for a language Material has no strings for); search from
lunr's stemmer for the language, or none.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from babel import Locale, UnknownLocaleError

from cssite.i18n.messages import BUILTIN_CATALOGUES

CODE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


@lru_cache(maxsize=None)
def locale(code: str) -> Locale | None:
    """Babel's locale for `de`, `pt-BR`, `zh-Hant`; None when Babel does not know the code."""
    if not isinstance(code, str) or not CODE_RE.match(code):
        return None
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def known(code) -> bool:
    return locale(code) is not None


def has_builtin_catalogue(code: str) -> bool:
    return code in BUILTIN_CATALOGUES


@lru_cache(maxsize=None)
def display_name(code: str) -> str:
    """The language's name in itself, for the language switcher: Deutsch, Español, Português (Brasil)."""
    loc = locale(code)
    name = loc.get_display_name(loc) if loc else code
    return name[:1].upper() + name[1:] if name else code


@lru_cache(maxsize=None)
def _material_languages() -> frozenset[str]:
    folder = resources.files("material") / "templates" / "partials" / "languages"
    return frozenset(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".html"))


def theme_language(code: str) -> str:
    """The Material theme language: the code itself, its base language, or English."""
    langs = _material_languages()
    for candidate in (code, code.split("-")[0]):
        if candidate in langs:
            return candidate
    return "en"


def borrowed_direction(code: str) -> str | None:
    """For a language whose theme strings are borrowed from English (Material has none of its own), the
    writing direction Babel gives it (`rtl` for ckb, ps, yi …); None when Material knows the language."""
    if theme_language(code) != "en" or code.split("-")[0] == "en":
        return None
    loc = locale(code)
    return "rtl" if loc is not None and loc.character_order == "right-to-left" else "ltr"


@lru_cache(maxsize=None)
def lunr_stemmer(code: str) -> str | None:
    """The lunr language whose stemmer Material ships for this language, if any."""
    base = code.split("-")[0]
    if base == "en":
        return "en"
    folder = resources.files("material") / "templates" / "assets" / "javascripts" / "lunr" / "min"
    return base if (folder / f"lunr.{base}.min.js").is_file() else None
