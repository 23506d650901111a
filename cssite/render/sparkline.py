"""Sparklines: a KPI's last values as a tiny inline SVG for the home page's team cards.

Hand-drawn SVG rather than matplotlib: a sparkline is a dozen coordinates, and drawing
it inline (no file, no request) keeps the card readable in both colour schemes,
because the line takes the text colour (`currentColor`) of the page around it.
"""

from __future__ import annotations

from markupsafe import Markup

from cssite.render.markdown import text as markdown_text

WIDTH, HEIGHT, PAD = 96, 28, 3


def sparkline(values: list[float], label: str, target: float | None = None, decorative: bool = False) -> Markup:
    """An `<svg role="img">` of `values` (oldest first) with `label` as its accessible name.

    The last point is marked; the target, when it lies within the drawn range, is a dotted line.
    Fewer than two values draw nothing: a single point is no trend.
    """
    if len(values) < 2:
        return Markup("")
    low, high = min(values), max(values)
    span = (high - low) or abs(high) or 1.0
    if high == low:  # a flat series sits in the middle
        low, high = low - span / 2, high + span / 2
        span = high - low

    def y(v: float) -> float:
        return round(HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD), 1)

    step = (WIDTH - 2 * PAD) / (len(values) - 1)
    points = [(round(PAD + i * step, 1), y(v)) for i, v in enumerate(values)]
    path = " ".join(f"{x},{yy}" for x, yy in points)
    # The SVG sits in the page's Markdown, which reads inline HTML loosely: the label takes Markdown's
    # escaping too (entities, quotes included), so a metric name like "[x](javascript:…)" stays words.
    name = 'aria-hidden="true"' if decorative else f'role="img" aria-label="{markdown_text(label)}"'
    parts = [f'<svg class="cs-spark" {name} viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
             'xmlns="http://www.w3.org/2000/svg">']
    if not decorative:
        parts.append(f"<title>{markdown_text(label)}</title>")
    if target is not None and low <= target <= high:
        ty = y(target)
        parts.append(f'<line class="cs-spark__target" x1="{PAD}" y1="{ty}" x2="{WIDTH - PAD}" y2="{ty}"/>')
    parts.append(f'<polyline class="cs-spark__line" points="{path}"/>')
    lx, ly = points[-1]
    parts.append(f'<circle class="cs-spark__last" cx="{lx}" cy="{ly}" r="2.5"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
