"""What the numbers say about a review: TOWS classes, data-backed suggestions, weighted scores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cssite.analyse.targets import MET, MISSED, progress, status_reached
from cssite.analyse.trends import KpiIndex, KpiState, Point
from cssite.model import Objective, Review

INTERNAL = ("strengths", "weaknesses")
EXTERNAL = ("opportunities", "threats")
OPEN_STATUSES = ("planned", "in_progress", "at_risk")


def tows_class(review: Review, objective: Objective) -> str:
    """SO / ST / WO / WT from the items addressed; S, W, SW, O, T or OT when only one side is addressed.

    When an objective spans both strengths and weaknesses (or both kinds of
    external item), the weakness and the threat win: they are what it must fix.
    """
    quadrants = {i.quadrant for ref in objective.addresses if (i := review.item(ref))}
    inside = "W" if "weaknesses" in quadrants else ("S" if "strengths" in quadrants else "")
    outside = "T" if "threats" in quadrants else ("O" if "opportunities" in quadrants else "")
    if not inside and {"opportunities", "threats"} <= quadrants:
        return "OT"  # one side only, but both of its kinds
    if not outside and {"strengths", "weaknesses"} <= quadrants:
        return "SW"
    return inside + outside


def tows_matrix(review: Review) -> dict[str, list[Objective]]:
    """{'SO': [...], 'ST': [...], 'WO': [...], 'WT': [...], 'S': …} for the review's objectives."""
    out: dict[str, list[Objective]] = {k: [] for k in ("SO", "ST", "WO", "WT")}
    for o in review.objectives:
        out.setdefault(tows_class(review, o), []).append(o)
    return out


@dataclass(frozen=True)
class Suggestion:
    quadrants: tuple[str, ...]  # one or more of strengths, weaknesses, threats
    state: KpiState


def suggestions(index: KpiIndex, review: Review) -> list[Suggestion]:
    """Candidate items the data supports at the review's period, for the people writing the review.

    A metric the review already cites in a suggested quadrant is not suggested there again.
    """
    cited = {(item.quadrant, m) for item in review.items for m in item.metrics}
    out = []
    for mid in index.metrics_of(review.team):
        s = index.state(review.team, mid, at=review.period)
        if s is None or not s.latest.period.within(review.period):
            continue
        quadrants = []
        if s.status == MET and s.previous and s.previous.significant and s.previous.direction == "better":
            quadrants.append("strengths")
        elif s.status == MISSED:
            quadrants.append("weaknesses")
        if s.year_ago and s.year_ago.significant and s.year_ago.direction == "worse":
            quadrants.append("threats")
        quadrants = [q for q in quadrants if (q, mid) not in cited]
        if quadrants:
            out.append(Suggestion(tuple(quadrants), s))
    return out


@dataclass(frozen=True)
class WeightedScore:
    kind: str  # "IFE" (strengths + weaknesses) | "EFE" (opportunities + threats)
    total: float  # 1–4
    items: int


def weighted_scores(review: Review) -> list[WeightedScore]:
    """IFE/EFE-style totals: weights normalised to sum to 1, times ratings 1–4."""
    out = []
    for kind, quads in (("IFE", INTERNAL), ("EFE", EXTERNAL)):
        rated = [i for i in review.items if i.quadrant in quads and i.weight and i.rating]
        if rated:
            total_weight = sum(i.weight for i in rated)
            out.append(WeightedScore(kind, sum(i.weight * i.rating for i in rated) / total_weight, len(rated)))
    return out


@dataclass(frozen=True)
class PlanEntry:
    review: Review
    objective: Objective
    tows: str
    overdue: bool
    start: float | None  # the metric's value at the review's period
    current: KpiState | None
    progress: float | None  # 0–1 towards the target
    newer: bool = False  # the metric has a value from after the review's period


def current_objectives(reviews: list[Review], team: str | None = None) -> list[tuple[Review, Objective]]:
    """The objectives each team's latest review states.

    A review restates every objective that is still live, so one a later review
    leaves out is closed (done or dropped), not forgotten and overdue.
    """
    latest: dict[str, Review] = {}
    for r in reviews:
        if (team is None or r.team == team) and (r.team not in latest or latest[r.team].period < r.period):
            latest[r.team] = r
    return [(r, o) for r in latest.values() for o in r.objectives]


def action_plan(index: KpiIndex, reviews: list[Review], team: str, today: dt.date) -> list[PlanEntry]:
    """Open objectives of a team across its reviews, overdue first, then by due date."""
    entries = []
    for r, o in current_objectives(reviews, team):
        if o.status not in OPEN_STATUSES:
            continue
        current = start = prog = None
        newer = False
        if o.metric:
            current = index.state(team, o.metric)
            at_review = index.state(team, o.metric, at=r.period)
            start = at_review.latest.value if at_review else None
            newer = current is not None and (at_review is None or current.latest.period > at_review.latest.period)
            if current is not None and o.target is not None and (
                    newer or status_reached(current.metric, current.latest.value, o.target)):
                # No value since the review: progress is unknown, not zero (a reached target is still 100 %).
                prog = progress(current.metric, start, current.latest.value, o.target)
        overdue = o.due is not None and o.due < today
        entries.append(PlanEntry(r, o, tows_class(r, o), overdue, start, current, prog, bool(o.metric and newer)))
    far = dt.date.max
    return sorted(entries, key=lambda e: (not e.overdue, e.objective.due or far, str(e.review.period), e.objective.id))



SPARK_POINTS = 6  # how many of the latest values a home-page sparkline draws


@dataclass(frozen=True)
class Headline:
    """One headline KPI of a team's home-page card."""

    metric: str
    state: KpiState | None  # None: the team reports no value for it
    recent: tuple[Point, ...]  # the last values, oldest first, for the sparkline


@dataclass(frozen=True)
class TeamCard:
    team: str
    review: Review | None  # the team's latest review
    headlines: tuple[Headline, ...]
    tally: dict[str, int]  # met / near / missed over every KPI of the team that has a target


def team_cards(index: KpiIndex, reviews: list[Review], teams: list[str], headline_ids: tuple[str, ...]) -> list[TeamCard]:
    """The home page's answer to "how are we doing?": per team, its headline KPIs and a status tally."""
    latest: dict[str, Review] = {}
    for r in reviews:
        if r.team not in latest or latest[r.team].period < r.period:
            latest[r.team] = r
    headline_ids = tuple(m for m in headline_ids if index.teams_of(m))  # a metric nobody reports is no headline
    cards = []
    for team in teams:
        tally = {"met": 0, "near": 0, "missed": 0}
        for mid in index.metrics_of(team):
            s = index.state(team, mid)
            if s is not None and s.status in tally:
                tally[s.status] += 1
        heads = tuple(Headline(mid, index.state(team, mid), tuple(index.points(team, mid)[-SPARK_POINTS:]))
                      for mid in headline_ids)
        cards.append(TeamCard(team, latest.get(team), heads, tally))
    return cards
