"""WCAG 2 contrast, for tests that check colours a browser or an SVG file reports (no dependencies)."""

from __future__ import annotations

import re


def rgb(colour: str) -> tuple[float, float, float]:
    """`#1e2129`, `#abc` or a computed `rgb(30, 33, 41)` / `rgba(…, 1)` → channels 0–255."""
    colour = colour.strip()
    if colour.startswith("#"):
        h = colour[1:]
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]
    nums = [float(x) for x in re.findall(r"[\d.]+", colour)[:3]]
    return nums[0], nums[1], nums[2]


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
