"""Load stage: project files → model, collecting every problem with its position."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cssite.errors import Diagnostics, ValidationFailed
from cssite.load.config import load_catalogue, load_config
from cssite.load.guidance import load_guidance
from cssite.load.kpis import check_duplicates, load_kpi_csvs
from cssite.load.reviews import load_reviews
from cssite.model import Project


def load_project(root: Path, extra_kpis=None) -> tuple[Project | None, Diagnostics]:
    """Read a whole project. Returns the project (None if unusable) and every diagnostic.

    `extra_kpis(root, config, metrics, diags)` may return more KPI rows (computed from
    raw exports); they are merged with the hand-written CSVs and checked for
    duplicates together.
    """
    root = Path(root)
    diags = Diagnostics(root)
    config = load_config(root, diags)
    metrics = load_catalogue(root, config, diags)
    reviews = load_reviews(root, config, metrics, diags)
    kpis = load_kpi_csvs(root, config, metrics, diags)
    if extra_kpis is not None and config is not None:
        more = extra_kpis(root, config, metrics, diags)
        if more is not None and len(more):
            kpis = pd.concat([kpis, more], ignore_index=True)
    kpis = check_duplicates(kpis, diags, root)
    guidance = load_guidance(root, config, diags) if config else {}
    if config is None or diags.errors:
        return None, diags
    return Project(str(root), config, metrics, reviews, kpis, guidance), diags


def load_or_fail(root: Path, strict: bool = False, extra_kpis=None) -> tuple[Project, Diagnostics]:
    """Load, and raise ValidationFailed (every diagnostic) if there is an error (or a warning under strict)."""
    project, diags = load_project(root, extra_kpis)
    if project is None or (strict and diags.warnings):
        raise ValidationFailed(diags.sorted())
    return project, diags
