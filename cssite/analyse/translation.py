"""Which user texts are translated into which enabled language."""

from __future__ import annotations

from dataclasses import dataclass

from cssite.model import Project, Text

BUILTIN_PREFIX = "cssite/data/"


@dataclass(frozen=True)
class UserText:
    path: str
    line: int
    field: str
    text: Text


def user_texts(project: Project) -> list[UserText]:
    """Every text a user wrote: config, project metrics (built-in ones ship translated), reviews."""
    out: list[UserText] = []

    def add(field: str, text: Text | None) -> None:
        if text is not None and text.path:
            out.append(UserText(text.path, text.line, field, text))

    add("site_name", project.config.site_name)
    for team in project.config.teams:
        add(f"teams.{team.id}.name", team.name)
    for m in project.metrics.values():
        if not m.name.path.startswith(BUILTIN_PREFIX):
            add(f"metrics.{m.id}.name", m.name)
            add(f"metrics.{m.id}.definition", m.definition)
    for r in project.reviews:
        add("title", r.title)
        add("summary", r.summary)
        for item in r.items:
            add(f"{item.quadrant}.{item.id}.text", item.text)
        for o in r.objectives:
            add(f"objectives.{o.id}.text", o.text)
    return out


@dataclass(frozen=True)
class LanguageCoverage:
    lang: str
    translated: int
    total: int
    missing: list[UserText]

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.translated / self.total


def guidance_texts(project: Project) -> list[UserText]:
    """Each guidance page as one text, translated into the languages that have a file of that name."""
    langs = project.config.languages
    # Only the project's own pages: the shipped ones are cssite's to translate, not the project's.
    own = lambda lang, name: not project.guidance_sources.get(lang, {}).get(name, "").startswith("cssite:")  # noqa: E731
    names = sorted({name for lang in langs for name in project.guidance.get(lang, {}) if own(lang, name)})
    out = []
    for name in names:
        have = [lang for lang in langs if name in project.guidance.get(lang, {}) and own(lang, name)]
        text = Text({lang: name for lang in have}, f"content/guidance/{have[0]}/{name}", 1)
        out.append(UserText(text.path, 1, "guidance page", text))
    return out


def coverage(project: Project) -> list[LanguageCoverage]:
    texts = user_texts(project) + guidance_texts(project)
    result = []
    for lang in project.config.languages:
        missing = [t for t in texts if not t.text.has(lang)]
        result.append(LanguageCoverage(lang, len(texts) - len(missing), len(texts), missing))
    return result
