"""Raw helpdesk exports listed under `tickets:` in config/cssite.yml, turned into KPI rows by the KPI engine.

Results are cached under `<root>/.cssite-cache/kpi/`, keyed by the export's
content and every option that changes the result, so a build recomputes an
export only when the file, its preset or its mapping changed. The cache is the
only place that remembers between runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from cssite.errors import Diagnostics, InputError, OptionError
from cssite.kpi import compute_kpis, resolve_preset
from cssite.load.config import CONFIG_FILE
from cssite.load.kpis import kpi_frame
from cssite.model import Config, KpiOptions, Metric, Period

CACHE_DIR = Path(".cssite-cache") / "kpi"
ENGINE_VERSION = "3"  # bump when a definition changes, so old cached results are not reused


def kpis_from_exports(root: Path, config: Config, metrics: dict[str, Metric], diags: Diagnostics,
                      reports: dict[str, dict] | None = None) -> pd.DataFrame:
    """KPI rows of every `tickets:` export (KPI_COLUMNS; `period` holds Period objects).

    `source` is the export's path relative to the project root and `line` is 0.
    Problems go to `diags`: an option or preset problem at the config entry's line,
    a problem with the file itself under the export's path. If `reports` is given,
    it receives each export's data-quality report (source -> report as a dict).
    """
    root = Path(root)
    known = frozenset(t.id for t in config.teams)
    rows: list[dict] = []
    for src in config.tickets:
        where = root / CONFIG_FILE
        path = root / src.path
        if not path.is_file():
            diags.error(where, src.line, f"tickets: export '{src.path}' not found")
            continue
        options = src.options
        try:
            preset = resolve_preset(options, root)
            key = _cache_key(path, options, preset.fingerprint(), known)
            result = _load(root, src.path, key)
            if result is None:
                local = Diagnostics(root)
                computed = compute_kpis([path], options, local, known_teams=known, preset_base=root)
                result = {"rows": [asdict(r) for r in computed.rows],
                          "warnings": [[d.line, d.message] for d in local.warnings],
                          "report": computed.report.as_dict()}
                _save(root, src.path, key, result)
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


def _cache_key(path: Path, options: KpiOptions, preset: str, known: frozenset[str]) -> str:
    h = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    h.update(json.dumps([ENGINE_VERSION, asdict(options), preset, sorted(known)], sort_keys=True).encode())
    return h.hexdigest()


def _entry(root: Path, source: str, key: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(source).as_posix())
    return root / CACHE_DIR / f"{slug}.{key}.json"


def _load(root: Path, source: str, key: str) -> dict | None:
    try:
        return json.loads(_entry(root, source, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # absent or damaged: compute again


def _save(root: Path, source: str, key: str, result: dict) -> None:
    target = _entry(root, source, key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        same_export = re.compile(re.escape(target.name[: -len(key) - 5]) + r"[0-9a-f]{40}\.json")
        for old in target.parent.iterdir():
            if old != target and same_export.fullmatch(old.name):
                old.unlink(missing_ok=True)  # an earlier version of the same export
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        pass  # a read-only checkout still builds; it just computes every time
