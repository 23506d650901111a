"""The message catalogue: every word the tool itself writes, in every supported language.

One YAML file per language under cssite/data/messages/. A key missing in an
enabled language is an error, never a silent English fallback.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


class MissingMessage(KeyError):
    pass


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """{key: text} for `lang`, read once per process."""
    path = resources.files("cssite") / "data" / "messages" / f"{lang}.yml"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster, same data
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506 (a safe loader)


BUILTIN_CATALOGUES = ("en", "fr", "ru", "et", "zh")


def catalogue_language(lang: str) -> str:
    """The built-in catalogue a language's words come from: its own, or English for any other language."""
    return lang if lang in BUILTIN_CATALOGUES else "en"


class Messages:
    """Look up and fill in messages for one language: `t("status.met")`, `t("n_reviews", n=3)`."""

    def __init__(self, lang: str, table: dict[str, str] | None = None) -> None:
        """`table`: the project's catalogue for `lang` (messages/<lang>.yml), checked by the loader."""
        self.lang = lang
        self.table = table if table is not None else catalogue(lang)

    def __call__(self, key: str, **values) -> str:
        try:
            text = self.table[key]
        except KeyError:
            raise MissingMessage(f"message '{key}' is missing for language '{self.lang}'") from None
        return text.format(**values) if values else text
