"""Targets and status bands: met / near / missed, aware of which direction is better."""

from __future__ import annotations

from cssite.model import AnalysisSettings, Metric

MET, NEAR, MISSED = "met", "near", "missed"


def tolerance(metric: Metric, target: float, settings: AnalysisSettings) -> float:
    """The width of the 'near' band: the metric's own, else a share of the target."""
    if metric.tolerance is not None:
        return metric.tolerance
    return abs(target) * settings.tolerance / 100.0


def status(metric: Metric, value: float, target: float | None, settings: AnalysisSettings) -> str | None:
    """met / near / missed, or None when the metric has no target or no better direction."""
    if target is None or metric.better == "neither":
        return None
    gap = value - target if metric.better == "higher" else target - value  # >= 0 means on the good side
    if gap >= 0:
        return MET
    if -gap <= tolerance(metric, target, settings):
        return NEAR
    return MISSED


def progress(metric: Metric, start: float | None, current: float, target: float) -> float | None:
    """Share of the way from `start` to `target` that `current` has covered (0–1), or None if unknown."""
    if status_reached(metric, current, target):
        return 1.0
    if start is None or start == target:
        return None
    return max(0.0, min(1.0, (current - start) / (target - start)))


def status_reached(metric: Metric, value: float, target: float) -> bool:
    """Is `value` on the good side of `target`? Never, for a metric with no better direction."""
    if metric.better == "neither":
        return False
    return value >= target if metric.better == "higher" else value <= target
