"""Trend charts as SVG, drawn by matplotlib.

A chart is described by a `ChartSpec` holding every string and number it
shows, already formatted for its language. Identical specs (in two languages,
or from the last build) are drawn once: the spec's hash names the file, and
the cache folder keeps drawings between builds. Drawing happens in worker
processes because one SVG costs about as much as a few MkDocs pages.

Speed: each worker keeps one figure and its artists and only changes their
data and text from chart to chart; the layout is computed once per chart from
the measured size of its labels (no tight_layout, which draws everything twice).
Every position is in points (the figure's dpi is 72, SVG's unit), so the label
boxes that keep value labels apart are the boxes that end up in the file.

Colour schemes: an <img> SVG can't see the page's CSS, so every chart is written
twice, for Material's light (`default`) and dark (`slate`) schemes. The dark file
is the light drawing with its palette swapped, so the second scheme costs a string
replacement, not a second drawing. Pages show both and Material's `#only-light` /
`#only-dark` image suffixes keep the one that matches the scheme. Both palettes
meet WCAG AA on their page background (4.5:1 text, 3:1 lines); tests/test_charts.py
checks it on a built page.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

# Part of every chart's cache key: bump it whenever draw() changes, or cached drawings go stale.
DRAWING_VERSION = 5

# Light scheme colour → dark scheme colour. Every colour a chart uses is here, and each one only once,
# so the dark file is the light one with these swapped. Backgrounds are Material's own (white, and
# slate's hsl(225, 15%, 14%)); the figure itself is transparent, so no chart is a white box at night.
PALETTE = {
    "text": ("#212121", "#e3e5ea"),     # labels: 16:1 on white, 13:1 on slate
    "axis": ("#4a4a4a", "#b4b8c2"),     # spines and tick marks
    "grid": ("#8e8e8e", "#6e7482"),     # 3.3:1 and 3.1:1: a guide you can see, dotted so it stays quiet
    "line": ("#3f51b5", "#8c9eff"),     # the series: 6.9:1 and 6.9:1
    "band": ("#7986cb", "#5c6bc0"),     # interval edges 3.6:1 and 3.2:1; the fill is a faint tint of these
    "target": ("#c62828", "#ef9a9a"),   # the target line and its label: 5.6:1 and 7.4:1
    "paper": ("#ffffff", "#1e2129"),    # boxes behind labels, so a label stays readable on the line
}
BACKGROUNDS = {"light": "#ffffff", "dark": "#1e2129"}  # Material default / slate page backgrounds

WIDTH, HEIGHT = 6.4 * 72, 2.6 * 72  # points
FONT_SIZE, LABEL_SIZE = 9.0, 8.0
PAD = 6.0          # free space at the figure's edges
TICK = 3.5         # tick mark length
TICK_PAD = 3.0     # between a tick mark and its label
MARKER = 6.0       # marker diameter
LABEL_GAP = 4.5    # between a point's marker edge and its value label
BOX_PAD = 0.15 * LABEL_SIZE  # the label box's padding, as in matplotlib's "round,pad=0.15"


@dataclass(frozen=True)
class ChartSpec:
    x_labels: tuple[str, ...]
    values: tuple[float, ...]
    value_labels: tuple[str, ...]  # printed beside each point, so colour is never needed
    y_ticks: tuple[float, ...]     # shared by every team's chart of a metric, so they compare by eye
    y_tick_labels: tuple[str, ...]
    target: float | None = None
    target_label: str = ""
    band_low: tuple[float | None, ...] = ()   # the metric's interval (e.g. CSAT's 95 % CI), drawn as a band
    band_high: tuple[float | None, ...] = ()

    @cached_property  # asked for by every page and file that shows the chart: hashed once per spec
    def key(self) -> str:
        blob = json.dumps([DRAWING_VERSION, asdict(self)], sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:20]


def y_axis(values: list[float], target: float | None = None, decimals: int = 1,
           bounds: tuple[float | None, float | None] = (None, None)) -> list[float]:
    """Nice tick positions covering the values and the target (no figure needed).

    `values` may gather every team of a metric (and their intervals): the metric page passes them all,
    so its charts share one range and one step. A unit written without decimals gets whole steps.
    The padding never takes the axis past what the unit allows (`bounds`: no "105 %", no negative wait);
    the bounds are round numbers, so the locator's ticks end on them.
    """
    from matplotlib.ticker import MaxNLocator

    lo, hi = min(values), max(values)
    if target is not None:
        lo, hi = min(lo, target), max(hi, target)
    pad = (hi - lo) * 0.15 or abs(hi) * 0.1 or 1.0
    low, high = lo - pad, hi + pad
    if bounds[0] is not None and lo >= bounds[0]:
        low = max(low, bounds[0])
    if bounds[1] is not None and hi <= bounds[1]:
        high = min(high, bounds[1])
    ticks = [float(t) for t in MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=decimals == 0)
             .tick_values(low, high)]  # round steps only: 1.5 or 0.8 are hard to read off
    # The locator may still add a step beyond a bound; drop it when the ticks left still cover the values.
    while len(ticks) > 2 and bounds[1] is not None and ticks[-1] > bounds[1] and ticks[-2] >= hi:
        ticks.pop()
    while len(ticks) > 2 and bounds[0] is not None and ticks[0] < bounds[0] and ticks[1] <= lo:
        ticks.pop(0)
    return [round(t, 9) + 0.0 for t in ticks]  # 0.6, not 0.6000000000000001


def tick_decimals(ticks: list[float], decimals: int) -> int:
    """Decimals the axis needs to write its step exactly, never more than the unit's own."""
    for d in range(decimals + 1):
        if all(abs(t * 10 ** d - round(t * 10 ** d)) < 1e-6 for t in ticks):
            return d
    return decimals


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
        "font.size": FONT_SIZE,
    })
    _FONTS_READY = True


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in points, y upwards


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _hits_segment(box: Box, p: tuple[float, float], q: tuple[float, float]) -> bool:
    """Whether the segment p–q passes through the box (Liang–Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for d, lo, hi in ((dx, box[0] - p[0], box[2] - p[0]), (dy, box[1] - p[1], box[3] - p[1])):
        if d == 0:
            if lo > 0 or hi < 0:
                return False
            continue
        a, b = lo / d, hi / d
        if a > b:
            a, b = b, a
        t0, t1 = max(t0, a), min(t1, b)
        if t0 > t1:
            return False
    return True


def _text_to_path_cache():
    """A matplotlib TextToPath that remembers every string it has laid out, for the life of the process.

    Text drawn as outlines costs a font lookup, a HarfBuzz layout and a glyph outline per string, and
    matplotlib does it afresh for every renderer, i.e. every file. Charts repeat most of their strings
    (quarters, ticks, "target …"), so the worker's renderers share this one instead.
    """
    from matplotlib.textpath import TextToPath

    class CachedTextToPath(TextToPath):
        def __init__(self) -> None:
            super().__init__()
            self._fonts: dict = {}
            self._sizes: dict = {}
            self._glyphs: dict = {}

        def _get_font(self, prop):
            key = hash(prop)
            font = self._fonts.get(key)
            if font is None:
                font = self._fonts[key] = super()._get_font(prop)
            return font

        def get_text_width_height_descent(self, s, prop, ismath):
            key = (s, hash(prop), ismath)
            got = self._sizes.get(key)
            if got is None:
                got = self._sizes[key] = super().get_text_width_height_descent(s, prop, ismath)
            return got

        def get_glyphs_with_font(self, font, s, glyph_map=None, return_new_glyphs_only=False, *,
                                 features=None, language=None):
            key = (id(font), s, features, language)
            got = self._glyphs.get(key)
            if got is None:
                info, paths, rects = super().get_glyphs_with_font(font, s, None, False, features=features,
                                                                  language=language)
                got = self._glyphs[key] = (info, paths, rects, font)  # the font is kept so its id stays unique
            info, paths, rects, _ = got
            if glyph_map is None:
                glyph_map = {}
            if return_new_glyphs_only:
                return info, {k: v for k, v in paths.items() if k not in glyph_map}, rects
            for k, v in paths.items():
                glyph_map.setdefault(k, v)
            return info, glyph_map, rects

    return CachedTextToPath()


class _Canvas:
    """One figure and its artists, reused for every chart a process draws."""

    def __init__(self) -> None:
        _setup_fonts()
        import io

        from matplotlib.backends.backend_svg import RendererSVG
        from matplotlib.collections import LineCollection, PolyCollection
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.text import Text
        from matplotlib.transforms import IdentityTransform

        self.Text = Text
        self.fig = fig = Figure(figsize=(WIDTH / 72, HEIGHT / 72), dpi=72)
        fig.patch.set_visible(False)  # transparent: the page's own background shows through
        self.ident = ident = IdentityTransform()  # dpi 72: display units are points, the SVG's unit
        # A renderer used only to measure text: the same metrics the SVG backend lays text out with.
        # It lives as long as the canvas, so matplotlib's text-metrics cache keeps working across charts.
        self.RendererSVG = RendererSVG
        self.text2path = _text_to_path_cache()
        self.heights: dict = {}
        self.measurer = self._renderer(io.StringIO())
        colour = {k: v[0] for k, v in PALETTE.items()}
        self.grid = LineCollection([], colors=colour["grid"], linewidths=0.6, linestyles=[(0, (1, 2.5))],
                                   transform=ident)
        self.ticks = LineCollection([], colors=colour["axis"], linewidths=0.8, transform=ident)
        self.spines = Line2D([], [], color=colour["axis"], linewidth=0.8, transform=ident, solid_capstyle="projecting")
        self.band = PolyCollection([], facecolors=colour["band"] + "2e", edgecolors="none", transform=ident)
        self.band_edges = LineCollection([], colors=colour["band"], linewidths=0.8, transform=ident)
        self.target = Line2D([], [], color=colour["target"], linestyle=(0, (5, 3)), linewidth=1.2, transform=ident)
        self.line = Line2D([], [], color=colour["line"], linewidth=1.8, marker="o", markersize=MARKER,
                           transform=ident)
        for z, artist in enumerate((self.grid, self.band, self.band_edges, self.target, self.ticks, self.spines,
                                    self.line)):
            artist.set_clip_on(False)
            artist.set_zorder(1 + z / 10)  # drawn in this order, under every text
            fig.add_artist(artist)
        for artist, gid in ((self.grid, "cs-grid"), (self.ticks, "cs-ticks"), (self.spines, "cs-axes"),
                            (self.band, "cs-band"), (self.band_edges, "cs-band-edges"), (self.target, "cs-target"),
                            (self.line, "cs-series")):
            artist.set_gid(gid)  # named groups in the SVG, for tests and for anyone styling a copy
        self.colour = colour
        self.y_texts: list = []
        self.x_texts: list = []
        self.value_texts: list = []
        self.target_text = self._text(LABEL_SIZE, colour["target"], box=True, gid="cs-target-label")
        self.target_text.set_zorder(3.3)

    def _renderer(self, out):
        renderer = self.RendererSVG(WIDTH, HEIGHT, out, image_dpi=72, metadata={"Date": None, "Creator": None})
        renderer._text2path = self.text2path  # the process-wide layout cache (see _text_to_path_cache)
        renderer._get_font_height_metrics = self._height_metrics  # Text asks it before reading font tables
        return renderer

    def _height_metrics(self, prop) -> tuple:
        """A font's ascent, descent and line gap at prop's size: what matplotlib's Text reads from the
        font's tables for every text it lays out, read once per font and size here."""
        key = hash(prop)
        got = self.heights.get(key)
        if got is None:
            from matplotlib.font_manager import fontManager, get_font

            font = get_font(fontManager._find_fonts_by_props(prop))
            got = (None, None, None)
            for table_name, gap, ascent, descent in (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                                     ("hhea", "lineGap", "ascent", "descent")):
                table = font.get_sfnt_table(table_name)
                if table is not None:
                    scale = prop.get_size_in_points() / font.get_sfnt_table("head")["unitsPerEm"]  # dpi is 72
                    got = (table[ascent] * scale, -table[descent] * scale, table[gap] * scale)
                    break
            self.heights[key] = got
        return got

    def _text(self, size: float, color: str, box: bool = False, gid: str | None = None):
        t = self.Text(0, 0, "", fontsize=size, color=color, transform=self.ident, clip_on=False)
        if box:
            t.set_bbox({"boxstyle": f"round,pad={BOX_PAD / size}", "facecolor": self.colour["paper"],
                        "edgecolor": "none", "alpha": 0.85})
        if gid:
            t.set_gid(gid)
        self.fig.add_artist(t)
        return t

    def _pool(self, pool: list, n: int, size: float, box: bool = False, prefix: str = "", layer: float = 3.0) -> list:
        while len(pool) < n:
            t = self._text(size, self.colour["text"], box, gid=f"{prefix}{len(pool)}" if prefix else None)
            # A fixed drawing order, whatever order the pool grew in: the same spec is the same file in any worker.
            t.set_zorder(layer + len(pool) * 1e-6)
            pool.append(t)
        for i, t in enumerate(pool):
            t.set_visible(i < n)
        return pool[:n]

    def size(self, text, s: str) -> tuple[float, float, float]:
        """(width, height, descent) of `s` in `text`'s font, in points, as matplotlib will lay it out."""
        text.set_text(s)
        text.set_rotation(0)
        text.set_position((0, 0))
        text.set_horizontalalignment("left")
        text.set_verticalalignment("baseline")
        bb = text.get_window_extent(self.measurer)
        return bb.width, bb.height, -bb.y0

    def draw(self, spec: ChartSpec) -> tuple[bytes, dict[str, list[Box]]]:
        n = len(spec.values)
        ticks, tick_labels = list(spec.y_ticks), list(spec.y_tick_labels)

        # --- layout from the labels' measured sizes ------------------------------------------
        y_texts = self._pool(self.y_texts, len(ticks), FONT_SIZE, prefix="cs-ytick-", layer=3.1)
        y_w = max((self.size(t, s)[0] for t, s in zip(y_texts, tick_labels)), default=0.0)
        x_texts = self._pool(self.x_texts, n, FONT_SIZE, prefix="cs-xtick-", layer=3.2)
        x_sizes = [self.size(t, s) for t, s in zip(x_texts, spec.x_labels)]
        left = PAD + y_w + TICK_PAD + TICK
        right = WIDTH - PAD - 4.0
        slot = (right - left) / max(n, 1)
        rotate = any(w > slot - 6 for w, _, _ in x_sizes)  # "3-й кв. 2026 г." would run into its neighbour
        angle = 30.0 if rotate else 0.0
        a = math.radians(angle)
        x_extent = max((w * math.sin(a) + h * math.cos(a) for w, h, _ in x_sizes), default=0.0)
        if rotate:  # a right-aligned, rotated first label reaches left of its tick: keep it on the figure
            left = max(left, PAD + max(w * math.cos(a) for w, _, _ in x_sizes[:1]) - slot / 2)
            slot = (right - left) / max(n, 1)
        bottom = PAD + x_extent + TICK_PAD + TICK
        top = HEIGHT - PAD
        lo, hi = ticks[0], ticks[-1]

        def px(i: float) -> float:
            return left + (i + 0.5) * slot

        def py(v: float) -> float:
            return bottom + (v - lo) / ((hi - lo) or 1.0) * (top - bottom)

        # --- axes ----------------------------------------------------------------------------
        self.spines.set_data([left, left, right], [top, bottom, bottom])
        self.grid.set_segments([[(left, py(v)), (right, py(v))] for v in ticks])
        self.ticks.set_segments([[(left - TICK, py(v)), (left, py(v))] for v in ticks]
                                + [[(px(i), bottom), (px(i), bottom - TICK)] for i in range(n)])
        for t, s, v in zip(y_texts, tick_labels, ticks):
            t.set_text(s)
            t.set_position((left - TICK - TICK_PAD, py(v)))
            t.set_horizontalalignment("right")
            t.set_verticalalignment("center_baseline")
        # A long series at a small width labels every k-th quarter (always the newest): rotated labels
        # stand slot·sin(angle) apart, and must not run into each other.
        label_h = max((h for _, h, _ in x_sizes), default=0.0)
        every = max(1, math.ceil((label_h + 2) / (slot * math.sin(a)))) if rotate else 1
        for i, (t, s) in enumerate(zip(x_texts, spec.x_labels)):
            t.set_visible((n - 1 - i) % every == 0)
            t.set_text(s)
            t.set_position((px(i), bottom - TICK - TICK_PAD))
            t.set_rotation(angle)
            t.set_rotation_mode("anchor" if rotate else "default")
            t.set_horizontalalignment("right" if rotate else "center")
            t.set_verticalalignment("top")

        # --- data ----------------------------------------------------------------------------
        pts = [(px(i), py(v)) for i, v in enumerate(spec.values)]
        self.line.set_data([p[0] for p in pts], [p[1] for p in pts])
        band = [(px(i), py(l), py(h)) for i, (l, h) in enumerate(zip(spec.band_low, spec.band_high))
                if l is not None and h is not None]
        if band:
            self.band.set_verts([[(x, l) for x, l, _ in band] + [(x, h) for x, _, h in reversed(band)]])
            self.band_edges.set_segments([[(x, l) for x, l, _ in band], [(x, h) for x, _, h in band]])
        else:
            self.band.set_verts([])
            self.band_edges.set_segments([])
        self.band.set_visible(bool(band))
        self.band_edges.set_visible(bool(band))

        segments = list(zip(pts, pts[1:]))
        r = MARKER / 2 + 0.5
        markers = [(x - r, y - r, x + r, y + r) for x, y in pts]
        frame = (left + 1, bottom + 1, right + 4, HEIGHT - 1)  # labels may use the top padding

        # --- the target line and its label ----------------------------------------------------
        blocked: list[Box] = []
        boxes: dict[str, list[Box]] = {"values": [], "target_label": [], "target_line": [], "markers": markers}
        self.target.set_visible(spec.target is not None)
        self.target_text.set_visible(spec.target is not None)
        if spec.target is not None:
            ty = py(spec.target)
            self.target.set_data([left, right], [ty, ty])
            line_box = (left, ty - 1.2, right, ty + 1.2)
            boxes["target_line"].append(line_box)
            blocked.append(line_box)
            w, h, d = self.size(self.target_text, spec.target_label)
            w, h = w + 2 * BOX_PAD, h + 2 * BOX_PAD  # with its box, which keeps it readable where the series crosses
            up, down, mid = ty + 2, ty - 2 - h, left + (right - left - w) / 2
            candidates = [(right - w, up), (right - w, down), (left + 2, up), (left + 2, down), (mid, up), (mid, down)]
            box, _ = self._place([(x, y, x + w, y + h) for x, y in candidates], markers, segments, [], frame)
            self.target_text.set_text(spec.target_label)
            self.target_text.set_position((box[0] + BOX_PAD, box[1] + BOX_PAD + d))  # baseline above the box's bottom
            boxes["target_label"].append(box)
            blocked.append(box)

        # --- value labels: above or below each point, never on another label or the target -----
        # The newest, the first, the highest and the lowest value are placed first; a label that has no free
        # place (a long, dense series) is left out rather than drawn over another: the table has every value.
        value_texts = self._pool(self.value_texts, n, LABEL_SIZE, box=True, prefix="cs-value-", layer=3.4)
        values = spec.values
        order = list(dict.fromkeys([n - 1, 0, values.index(max(values)), values.index(min(values)), *range(n)]))
        boxes["values"] = [None] * n
        for i in order:
            (x, y), t, s = pts[i], value_texts[i], spec.value_labels[i]
            w, h, d = self.size(t, s)
            w, h = w + 2 * BOX_PAD, h + 2 * BOX_PAD
            above, below = y + r + LABEL_GAP - BOX_PAD, y - r - LABEL_GAP + BOX_PAD - h
            valley = (i == 0 or values[i] < values[i - 1]) and (i + 1 == n or values[i] < values[i + 1]) and n > 1
            rows = [below, above] if valley else [above, below]  # the line runs above a valley's point
            # Close to the point first, shifted at most half a label sideways; one row further only straight
            # above or below it: a label further away would read as another point's.
            far = [above + h + 1, below - h - 1]
            candidates = [(x - w / 2 + dx, yy, x + w / 2 + dx, yy + h) for yy in rows for dx in (0.0, -w / 2, w / 2)]
            candidates += [(x - w / 2, yy, x + w / 2, yy + h) for yy in far]
            box, free = self._place(candidates, markers, segments, blocked, frame)
            t.set_visible(free)
            if not free:
                continue
            t.set_text(s)
            t.set_horizontalalignment("left")
            t.set_verticalalignment("baseline")
            t.set_position((box[0] + BOX_PAD, box[1] + BOX_PAD + d))
            boxes["values"][i] = box
            blocked.append(box)

        # What Figure.savefig(format="svg") does, with a renderer that shares the layout cache.
        import io

        out = io.StringIO()
        renderer = self._renderer(out)
        self.fig.draw(renderer)
        renderer.finalize()
        return out.getvalue().encode("utf-8"), boxes

    @staticmethod
    def _place(candidates: list[Box], markers: list[Box], segments, blocked: list[Box], frame: Box) -> tuple[Box, bool]:
        """The first candidate that overlaps nothing, else the one that crosses the fewest things; and
        whether it is clear of every hard obstacle.

        Labels, the target line and markers are hard obstacles, the series line a soft one (the label's
        box keeps it readable where the line passes behind it), leaving the frame the last resort.
        """
        best, best_cost = candidates[0], None
        for order, c in enumerate(candidates):
            hard = sum(_overlaps(c, b) for b in blocked) + sum(_overlaps(c, m) for m in markers)
            outside = c[0] < frame[0] or c[1] < frame[1] or c[2] > frame[2] or c[3] > frame[3]
            if hard == 0 and not outside and not any(_hits_segment(c, p, q) for p, q in segments):
                return c, True
            cost = (hard, outside, sum(_hits_segment(c, p, q) for p, q in segments), order)
            if best_cost is None or cost < best_cost:
                best, best_cost = c, cost
        return best, best_cost[0] == 0 and not best_cost[1]


_CANVAS: _Canvas | None = None


def _forget_canvas() -> None:
    # A forked worker must not use the parent's open fonts: FreeType reads glyphs lazily from a file whose
    # offset parent and children would share, and garbles them ("too many hints"). matplotlib clears its
    # own font cache at fork for the same reason; the canvas holds fonts too, so it goes with it.
    global _CANVAS
    _CANVAS = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_canvas)


def draw_with_boxes(spec: ChartSpec) -> tuple[bytes, dict[str, list[Box]]]:
    """The light-scheme SVG for one spec, and the boxes (in points, y upwards) its labels were given."""
    global _CANVAS
    if _CANVAS is None:
        _CANVAS = _Canvas()
    return _CANVAS.draw(spec)


def draw(spec: ChartSpec) -> bytes:
    """The light-scheme SVG for one spec."""
    return draw_with_boxes(spec)[0]


_TO_DARK = {light: dark for light, dark in PALETTE.values()}
_HEX = re.compile(r"#[0-9a-f]{6}")


def dark_variant(svg: bytes) -> bytes:
    """The same drawing in the dark scheme's palette (a colour swap: drawing it again would cost 50× more)."""
    return _HEX.sub(lambda m: _TO_DARK.get(m.group(0), m.group(0)), svg.decode()).encode()


def dark_name(path: str | Path) -> str:
    """`…/key.svg` → `…/key-dark.svg`: where the dark-scheme file of a chart goes."""
    p = str(path)
    return p[:-4] + "-dark.svg"


def _draw_to(args: tuple[ChartSpec, str]) -> str:
    spec, path = args
    light = draw(spec)
    for target, data in ((dark_name(path), dark_variant(light)), (path, light)):  # light last: it marks "done"
        tmp = f"{target}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)  # a half-written chart never lands in the cache
    return path


def render_all(specs: list[ChartSpec], cache_dir: Path, jobs: int, progress=None, uses: int | None = None) -> dict[str, Path]:
    """Make sure every spec has its SVGs in `cache_dir`; return {key: light path} (`dark_name` gives the dark one).

    Draws only what is missing: a spec shared by languages or teams is one drawing.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    unique = {s.key: s for s in specs}
    paths = {k: cache_dir / f"{k}.svg" for k in unique}
    todo = [(s, str(paths[k])) for k, s in unique.items()
            if not (paths[k].exists() and Path(dark_name(paths[k])).exists())]
    if progress:
        progress(f"charts: {len(unique)} distinct of {uses or len(specs)}, {len(todo)} to draw")
    if todo:
        if jobs > 1 and len(todo) > 8:
            # Each worker keeps its figure for all the charts it is given, so hand them out in a few big chunks.
            with ProcessPoolExecutor(jobs) as pool:
                list(pool.map(_draw_to, todo, chunksize=max(1, math.ceil(len(todo) / (jobs * 2)))))
        else:
            for item in todo:
                _draw_to(item)
    keep = set(unique) | {f"{k}-dark" for k in unique}
    for old in cache_dir.glob("*.svg"):  # drawings no page uses any more: keep the cache the size of the site
        if old.stem not in keep:
            old.unlink()
    return paths
