"""Benchmark: CPU per chart, today's drawing against the one it replaced, in the same run.

Usage: python bench/chart_bench.py [--limit N]

Renders the example handbook in every language to get its real chart specs (the
metric pages' charts: 66 per language), then draws each distinct spec twice in this
one process: with cssite.render.charts (light and dark files, one figure reused)
and with the previous drawing code kept below (a new figure per chart,
tight_layout, one file). Prints the per-chart CPU median of each and their ratio.
CPU time (time.process_time) is used because the 2-core machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def old_draw(spec) -> bytes:
    """The drawing before issue 13 (cssite 0.x, DRAWING_VERSION 3): kept here as the baseline only."""
    from cssite.render.charts import _setup_fonts

    _setup_fonts()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 2.6))
    ax = fig.add_subplot()
    xs = list(range(len(spec.values)))
    ax.plot(xs, spec.values, marker="o", color="#3f51b5", linewidth=1.8, markersize=6)
    for x, y, label in zip(xs, spec.values, spec.value_labels):
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    if spec.target is not None:
        ax.axhline(spec.target, color="#c62828", linestyle=(0, (5, 3)), linewidth=1.2)
        ax.annotate(spec.target_label, (1.0, spec.target), xycoords=("axes fraction", "data"),
                    textcoords="offset points", xytext=(-4, 4), ha="right", fontsize=8, color="#c62828")
    ax.set_xticks(xs, spec.x_labels)
    if sum(len(label) for label in spec.x_labels) > 8 * len(spec.x_labels):
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


def example_specs() -> tuple[list, int]:
    from cssite.analyse.analysed import analyse
    from cssite.commands.checked import load_checked
    from cssite.render.pages import LanguageRenderer, template_env

    project, _, index = load_checked(REPO)
    analysed = analyse(project, index, dt.date(2026, 12, 1))
    env = template_env(REPO)
    specs, uses = [], 0
    for lang in project.config.languages:
        rendered = LanguageRenderer(analysed, lang, env).render()
        specs += rendered.charts.values()
        uses += rendered.chart_uses
    return list({s.key: s for s in specs}.values()), uses


def cpu_ms(fn, specs) -> list[float]:
    out = []
    for spec in specs:
        start = time.process_time()
        fn(spec)
        out.append((time.process_time() - start) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="draw only the first N distinct charts")
    args = ap.parse_args()
    from cssite.render.charts import dark_variant, draw

    specs, uses = example_specs()
    if args.limit:
        specs = specs[:args.limit]

    def new(spec) -> None:  # what a build worker does per chart: the light file and the dark one
        dark_variant(draw(spec))

    new(specs[0]), old_draw(specs[0])  # fonts and imports are paid once per worker: not per chart
    t_new = cpu_ms(new, specs)
    t_old = cpu_ms(old_draw, specs)
    m_new, m_old = statistics.median(t_new), statistics.median(t_old)
    print(f"example charts: {uses} shown, {len(specs)} distinct drawings, drawn one after another in one process")
    print(f"previous drawing (new figure, tight_layout, light only): median {m_old:6.1f} ms CPU per chart (1.00x)")
    print(f"cssite.render.charts (one figure, fixed layout, light + dark): median {m_new:6.1f} ms CPU per chart "
          f"({m_new / m_old:.2f}x, {m_old / m_new:.1f} times faster)")
    print(f"totals: {sum(t_old) / 1000:.2f} s against {sum(t_new) / 1000:.2f} s CPU")


if __name__ == "__main__":
    main()
