"""Trend charts as SVG, drawn by matplotlib.

A chart is described by a `ChartSpec` holding every string and number it
shows, already formatted for its language. Identical specs (in two languages,
or from the last build) are drawn once: the spec's hash names the file, and
the cache folder keeps drawings between builds. Drawing happens in worker
processes because one SVG costs about as much as six MkDocs pages.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

# Part of every chart's cache key: bump it whenever draw() changes, or cached drawings go stale.
DRAWING_VERSION = 3


@dataclass(frozen=True)
class ChartSpec:
    x_labels: tuple[str, ...]
    values: tuple[float, ...]
    value_labels: tuple[str, ...]  # printed beside each point, so colour is never needed
    y_ticks: tuple[float, ...]
    y_tick_labels: tuple[str, ...]
    target: float | None = None
    target_label: str = ""

    @property
    def key(self) -> str:
        blob = json.dumps([DRAWING_VERSION, asdict(self)], sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:20]


def y_axis(values: list[float], target: float | None) -> list[float]:
    """Nice tick positions covering the values and the target (no figure needed)."""
    from matplotlib.ticker import MaxNLocator

    lo, hi = min(values), max(values)
    if target is not None:
        lo, hi = min(lo, target), max(hi, target)
    pad = (hi - lo) * 0.15 or abs(hi) * 0.1 or 1.0
    ticks = MaxNLocator(nbins=5).tick_values(lo - pad, hi + pad)
    return [float(t) for t in ticks]


_FONTS_READY = False


def _setup_fonts() -> None:
    """Register the bundled CJK font; DejaVu Sans first, because Noto CJK lacks U+202F and š/ž."""
    global _FONTS_READY
    if _FONTS_READY:
        return
    import matplotlib

    matplotlib.use("svg")
    import noto_cjk_sans_otc
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    matplotlib.rcParams.update({
        "font.family": ["DejaVu Sans", "Noto Sans CJK SC"],
        "svg.fonttype": "path",  # text as outlines: right in a browser with no CJK font
        "svg.hashsalt": "cssite",  # stable ids, so identical charts are identical files
        "font.size": 9,
    })
    _FONTS_READY = True


def draw(spec: ChartSpec) -> bytes:
    """The SVG for one spec."""
    import io

    _setup_fonts()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 2.6))
    ax = fig.add_subplot()
    xs = list(range(len(spec.values)))
    ax.plot(xs, spec.values, marker="o", color="#3f51b5", linewidth=1.8, markersize=6)
    for x, y, label in zip(xs, spec.values, spec.value_labels):
        # A light box behind each value keeps it readable where it meets the line or the target.
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    if spec.target is not None:
        ax.axhline(spec.target, color="#c62828", linestyle=(0, (5, 3)), linewidth=1.2)
        ax.annotate(spec.target_label, (1.0, spec.target), xycoords=("axes fraction", "data"),
                    textcoords="offset points", xytext=(-4, 4), ha="right", fontsize=8, color="#c62828")
    ax.set_xticks(xs, spec.x_labels)
    if sum(len(label) for label in spec.x_labels) > 8 * len(spec.x_labels):  # "3-й кв. 2026 г." would collide
        ax.tick_params(axis="x", labelrotation=30)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    ax.set_yticks(spec.y_ticks, spec.y_tick_labels)
    ax.set_ylim(spec.y_ticks[0], spec.y_ticks[-1])
    ax.set_xlim(-0.5, len(xs) - 0.5)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def _draw_to(args: tuple[ChartSpec, str]) -> str:
    spec, path = args
    data = draw(spec)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)  # a half-written chart never lands in the cache
    return path


def render_all(specs: list[ChartSpec], cache_dir: Path, jobs: int, progress=None, uses: int | None = None) -> dict[str, Path]:
    """Make sure every spec has an SVG in `cache_dir`; return {key: path}. Draws only what is missing."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    unique = {s.key: s for s in specs}
    paths = {k: cache_dir / f"{k}.svg" for k in unique}
    todo = [(s, str(paths[k])) for k, s in unique.items() if not paths[k].exists()]
    if progress:
        progress(f"charts: {len(unique)} distinct of {uses or len(specs)}, {len(todo)} to draw")
    if todo:
        if jobs > 1 and len(todo) > 4:
            with ProcessPoolExecutor(jobs) as pool:
                list(pool.map(_draw_to, todo, chunksize=max(1, len(todo) // (jobs * 4))))
        else:
            for item in todo:
                _draw_to(item)
    for old in cache_dir.glob("*.svg"):  # drawings no page uses any more: keep the cache the size of the site
        if old.stem not in unique:
            old.unlink()
    return paths
