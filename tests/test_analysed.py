"""Analysis once: every language's pages come from one analysed project, and the renderer never analyses."""

from __future__ import annotations

import datetime as dt
import inspect
import re

import pytest

from cssite.analyse import analysed as analysed_module
from cssite.analyse import history, insight, targets, trends
from cssite.analyse.analysed import analyse
from cssite.commands.checked import load_checked
from cssite.render import pages, reference
from cssite.render.pages import LanguageRenderer, template_env

from conftest import REPO

TODAY = dt.date(2026, 11, 1)
ANALYSIS_MODULES = (insight, history, targets, trends, analysed_module)


def _render_all(analysed) -> dict[str, dict[str, str]]:
    env = template_env(analysed.project.root)
    return {lang: LanguageRenderer(analysed, lang, env).render().pages for lang in analysed.project.config.languages}


def _forbid_analysis(monkeypatch) -> list[str]:
    """Replace every analysis function (and KpiIndex method) with one that records the call and fails."""
    calls: list[str] = []

    def forbidden(name):
        def call(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"the renderer called the analysis: {name}")
        return call

    for module in ANALYSIS_MODULES:
        for name, obj in list(vars(module).items()):
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                monkeypatch.setattr(module, name, forbidden(f"{module.__name__}.{name}"))
    for name, obj in list(vars(trends.KpiIndex).items()):
        if inspect.isfunction(obj):
            monkeypatch.setattr(trends.KpiIndex, name, forbidden(f"KpiIndex.{name}"))
    return calls


def test_renderer_never_calls_the_analysis(monkeypatch):
    project, _, index = load_checked(REPO, today=TODAY)
    analysed = analyse(project, index, TODAY)
    expected = _render_all(analysed)
    assert len(expected) == 5 and all(len(p) > 40 for p in expected.values())

    calls = _forbid_analysis(monkeypatch)
    with pytest.raises(AssertionError):  # the trap works: analysing now fails
        analyse(project, index, TODAY)
    calls.clear()
    assert _render_all(analysed) == expected  # the analysed object is all the renderer needs
    assert calls == []


@pytest.mark.parametrize("module", [pages, reference])
def test_render_modules_import_no_analysis_code(module):
    """Nothing from cssite.analyse is bound in the render modules (types are imported for checkers only)."""
    bound = [name for name, obj in vars(module).items()
             if getattr(obj, "__module__", "").startswith("cssite.analyse") or
             getattr(obj, "__name__", "").startswith("cssite.analyse")]
    assert bound == []


COMPUTING = re.compile(r"c\.r\.|\|\s*(length|count|max|min|sum|map|select|reject|groupby|sort)\b|\.(get|quadrant|item)\(")


def test_templates_print_values_and_never_query():
    """Templates print values they are given: no reaching into the index or project through `c.r`,
    no counting, sorting or picking the newest in Jinja, no lookups on model objects."""
    offenders = [(p.name, m.group(0)) for p in sorted((REPO / "templates").glob("*.j2"))
                 for m in COMPUTING.finditer(p.read_text(encoding="utf-8"))]
    assert offenders == []
