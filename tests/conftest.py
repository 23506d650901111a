"""Shared fixtures: small real projects on disk, and the example handbook built once per test run."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from cssite.cli import cli

REPO = Path(__file__).resolve().parent.parent

MINIMAL_CONFIG = """\
site_name: Test handbook
languages: [en]
teams:
  - id: support-emea
    name: Support EMEA
  - id: support-apac
    name: {en: Support APAC, zh: 亚太支持团队}
"""

MINIMAL_REVIEW = """\
team: support-emea
period: 2026-Q3
title: Q3 review
strengths:
  - id: S1
    text: Chat first response under two minutes
    metrics: [first_response_time]
weaknesses:
  - id: W1
    text: Email backlog at month end
opportunities:
  - id: O1
    text: New help centre
threats:
  - id: T1
    text: Competitor offers 24/7 chat
objectives:
  - id: G1
    text: Clear the month-end backlog
    addresses: [W1, O1]
    metric: first_response_time
    target: 30
    owner: Jane Doe
    due: 2027-12-31
    status: in_progress
"""

MINIMAL_KPIS = """\
period,team,metric,value,n
2026-Q2,support-emea,first_response_time,42,300
2026-Q3,support-emea,first_response_time,35,320
2026-Q3,support-emea,csat,86.4,512
"""


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small valid project: one review, one KPI file, English only."""
    write(tmp_path, "config/cssite.yml", MINIMAL_CONFIG)
    write(tmp_path, "content/reviews/2026-Q3/support-emea.yml", MINIMAL_REVIEW)
    write(tmp_path, "content/metrics/kpis.csv", MINIMAL_KPIS)
    return tmp_path


def run(*args: str):
    """Run the real CLI in-process; returns click's Result (exit_code, output, stderr)."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The repository's example handbook, copied and built once with `cssite build`."""
    root = tmp_path_factory.mktemp("example")
    for name in ("config", "content", "templates", "mkdocs.yml"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        elif src.exists():
            shutil.copy(src, root / name)
    # The review packs (PDF) are built too when WeasyPrint is installed (the test extra has it).
    result = run("build", "--project", root, *(["--pdf"] if has_weasyprint() else []))
    assert result.exit_code == 0, result.output
    return root / "site"


def has_weasyprint() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: Pango is missing from the system
        return False
    return True
