"""Raw helpdesk exports listed under `tickets:` in config/cssite.yml, turned into KPI rows by the KPI engine.

Results are cached (cssite/cache.py, area `kpi`), keyed by the export's content
and every option that changes the result, so a build recomputes an export only
when the file, its preset or its mapping changed. The cache is the only place
that remembers between runs. Exports and preset files must be inside the project
(or a folder allowed with --allow-outside): see load/confine.py.
"""

from __future__ import annotations

import os

import re
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from cssite.cache import ProjectCache
from cssite.errors import Diagnostics, InputError, OptionError, show_value
from cssite.kpi import compute_kpis, resolve_preset
from cssite.load.config import CONFIG_FILE
from cssite.load.confine import Confinement, is_file, not_regular
from cssite.load.kpis import kpi_frame
from cssite.model import Config, KpiOptions, Metric, Period

CACHE_AREA = "kpi"
ENGINE_VERSION = "4"  # bump when a definition changes, so old cached results are not reused


def kpis_from_exports(root: Path, config: Config, metrics: dict[str, Metric], diags: Diagnostics,
                      reports: dict[str, dict] | None = None, confinement: Confinement | None = None,
                      cache: ProjectCache | None = None) -> pd.DataFrame:
    """KPI rows of every `tickets:` export (KPI_COLUMNS; `period` holds Period objects).

    `source` is the export's path relative to the project root and `line` is 0.
    Problems go to `diags`: an option or preset problem at the config entry's line,
    a problem with the file itself under the export's path. If `reports` is given,
    it receives each export's data-quality report (source -> report as a dict).
    """
    root = Path(root)
    confinement = confinement or Confinement(root)
    cache = cache or ProjectCache(root)
    known = frozenset(t.id for t in config.teams)
    rows: list[dict] = []
    for src in config.tickets:
        where = root / CONFIG_FILE
        path = root / src.path
        # Confinement first: a path outside the project is never opened, so nothing of it reaches a message.
        if not confinement.check(path, diags, where, src.line, "tickets: export "):
            continue
        if not is_file(path):
            why = not_regular(path) if os.path.lexists(path) else None
            diags.error(where, src.line, f"tickets: export {show_value(src.path)} " + (why or "not found"))
            continue
        options = src.options
        spec = options.preset
        if spec.endswith((".yml", ".yaml")) or "/" in spec or "\\" in spec:  # a preset file
            if not confinement.check(root / spec, diags, where, src.line, "tickets: preset "):
                continue
        try:
            preset = resolve_preset(options, root)
            key = ProjectCache.key(CACHE_AREA, ENGINE_VERSION, asdict(options), preset.fingerprint(), sorted(known),
                                   files=(path,))
            slug = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(src.path).as_posix())
            entry = f"{slug}.{key}.json"
            result = cache.read_json(CACHE_AREA, entry)
            if result is None:
                local = Diagnostics(root)
                computed = compute_kpis([path], options, local, known_teams=known, preset_base=root)
                result = {"rows": [asdict(r) for r in computed.rows],
                          "warnings": [[d.line, d.message] for d in local.warnings],
                          "report": computed.report.as_dict()}
                # The entry replaces the one of an earlier version of the same export.
                cache.write_json(CACHE_AREA, entry, result, replaces=re.escape(slug) + r"\.[0-9a-f]{40}\.json")
        except OptionError as e:  # an option in the config entry
            diags.error(where, src.line, f"tickets: {e.detail}")
            continue
        except InputError as e:  # the file, or a preset file, cannot be used
            diags.error(e.path, e.line, e.detail)
            continue
        for line, message in result["warnings"]:
            diags.warning(path, line, message)
        if reports is not None:
            reports[src.path] = result["report"]
        source = Path(src.path).as_posix()
        for r in result["rows"]:
            if r["metric"] not in metrics:  # a project may not know a metric the engine computes
                continue
            if options.metrics and r["metric"] not in options.metrics:  # another source provides it
                continue
            rows.append({**r, "period": Period.parse(r["period"]), "source": source, "line": 0})
    return kpi_frame(rows)
