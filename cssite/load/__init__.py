"""Load stage: project files → model, collecting every problem with its position."""

from __future__ import annotations

import os

from pathlib import Path

import pandas as pd

from cssite.errors import Diagnostics
from cssite.load.confine import Confinement, not_regular
from cssite.load.config import check_home_kpis, load_builtin_catalogue, load_catalogue, load_config
from cssite.load.guidance import load_guidance
from cssite.load.messages import load_project_messages
from cssite.load.kpis import check_duplicates, check_granularity, load_kpi_csvs
from cssite.load.reviews import load_reviews
from cssite.model import Project


def load_project(root: Path, allow_outside: tuple[Path, ...] = ()) -> tuple[Project | None, Diagnostics]:
    """Read a whole project: config, metric catalogue, reviews, KPI files and raw exports.

    Returns the project (None when it can't be used) and every diagnostic found. Only files inside
    `root` (or inside a folder of `allow_outside`) are read; see load/confine.py.
    """
    root = Path(root)
    diags = Diagnostics(root)
    confinement = Confinement(root, tuple(Path(p) for p in allow_outside))
    config = load_config(root, diags, confinement)
    builtin = load_builtin_catalogue()
    metrics = load_catalogue(root, config, diags, builtin, confinement)
    if config is not None:
        check_home_kpis(config, metrics, diags, root)
    reviews = load_reviews(root, config, metrics, diags, confinement)
    kpis = load_kpi_csvs(root, config, metrics, diags, confinement)
    reports: dict[str, dict] = {}
    if config is not None and config.tickets:
        from cssite.load.exports import (
            kpis_from_exports,  # the KPI engine (pyarrow) loads only when needed
        )

        computed = kpis_from_exports(root, config, metrics, diags, reports, confinement)
        if len(computed):
            kpis = pd.concat([kpis, computed], ignore_index=True)
    kpis = check_duplicates(kpis, diags, root)
    check_granularity(kpis, diags, root)
    sources: dict[str, dict[str, str]] = {}
    guidance = load_guidance(root, config, diags, sources, confinement) if config else {}
    messages = load_project_messages(root, config, diags, confinement) if config else {}
    for own in (root / "mkdocs.yml", *sorted((root / "templates").glob("*.j2")), *sorted((root / "messages").glob("*.yml"))):  # read later, by render and MkDocs
        if os.path.lexists(own) and confinement.check(own, diags) and not_regular(own):
            diags.error(own, 0, not_regular(own))  # a FIFO would hang the template loader or MkDocs
    if config is None or diags.errors:
        return None, diags
    return Project(str(root), config, metrics, reviews, kpis, guidance, reports, builtin, sources, messages), diags
