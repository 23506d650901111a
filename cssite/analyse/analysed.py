"""The analysed project: every figure the pages show, computed once for all languages.

The build analyses a project once and hands the result to each language's
renderer, which only formats and prints it. Nothing here depends on a language
(texts are compared in the default language), so five languages cost one
analysis, and the renderer cannot disagree with itself across languages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cssite.analyse import insight
from cssite.analyse.history import ReviewDiff, diff_reviews, previous_reviews
from cssite.analyse.targets import status as target_status
from cssite.analyse.trends import KpiIndex, KpiState, Point
from cssite.model import Metric, Objective, Period, Project, Review, Team


@dataclass(frozen=True)
class ReviewFacts:
    """One review with everything its page and its changes page show."""

    review: Review
    previous: Review | None
    evidence: dict[tuple[str, str], KpiState | None]  # (item id, metric id) → state at the review's period
    suggestions: list[insight.Suggestion]
    matrix: dict[str, list[Objective]]  # TOWS class → objectives
    objectives: list[tuple[Objective, str, KpiState | None, Metric | None]]  # objective, TOWS class, state, metric
    scores: list[insight.WeightedScore]
    prev_scores: dict[str, insight.WeightedScore]
    diff: ReviewDiff
    git: object | None = None  # gitinfo.LastChange of the review's file, when git knows it
    # For the review pack (PDF): each metric the review cites, with its state at the review's period
    # (catalogue order), and the action plan as this review set it, with progress since.
    cited: list[tuple[str, KpiState | None]] = field(default_factory=list)
    plan: list[insight.PlanEntry] = field(default_factory=list)


@dataclass(frozen=True)
class TeamSeries:
    """One team's series of one metric: points oldest first, table rows newest first."""

    team: str
    points: list[Point]
    rows: list[tuple[Point, str | None]]  # (point, status against the target), newest first
    target: float | None


@dataclass(frozen=True)
class TeamFacts:
    team: Team
    reviews: list[Review]  # oldest first
    open_objectives: int
    plan: list[insight.PlanEntry]
    kpis: list[KpiState]  # latest state of every metric with data, catalogue order
    newest: Period | None  # the newest period among `kpis`


@dataclass(frozen=True)
class AnalysedProject:
    project: Project
    today: dt.date
    latest: list[Review]  # each team's latest review, in team order
    periods: list[tuple[Period, list[Review]]]  # newest period first
    reviews: list[ReviewFacts]  # in the project's review order
    teams: list[TeamFacts]  # in config order
    series: dict[str, list[TeamSeries]]  # metric id → one series per team with data
    nav_metrics: list[Metric] = field(default_factory=list)  # metrics in use (data, cited, the project's own)
    hidden_metrics: list[Metric] = field(default_factory=list)  # the rest of the catalogue
    cards: list[insight.TeamCard] = field(default_factory=list)  # the home page's team cards, in config order


def analyse(project: Project, index: KpiIndex, today: dt.date, git: dict | None = None) -> AnalysedProject:
    """Everything the site shows, for every language at once."""
    git = git or {}
    previous = previous_reviews(project.reviews)
    reviews = [_review_facts(project, index, r, previous[id(r)], git.get(r.path), today) for r in project.reviews]

    by_team: dict[str, Review] = {}
    for r in project.reviews:
        by_team[r.team] = r  # reviews are sorted by period
    latest = [by_team[t.id] for t in project.config.teams if t.id in by_team]
    # Newest period first, teams in the config's order: one order for the home page, the menu and the index.
    order = {t.id: i for i, t in enumerate(project.config.teams)}
    groups: dict[Period, list[Review]] = {}
    for r in sorted(project.reviews, key=lambda r: order.get(r.team, len(order))):
        groups.setdefault(r.period, []).append(r)

    current = insight.current_objectives(project.reviews)
    teams = []
    for team in project.config.teams:
        states = [index.state(team.id, m) for m in index.metrics_of(team.id)]
        teams.append(TeamFacts(
            team=team,
            reviews=[r for r in project.reviews if r.team == team.id],
            open_objectives=sum(1 for r, o in current if r.team == team.id and o.status in insight.OPEN_STATUSES),
            plan=insight.action_plan(index, project.reviews, team.id, today),
            kpis=states,
            newest=max((s.latest.period for s in states), default=None),
        ))

    series = {}
    for m in project.metrics.values():
        series[m.id] = []
        for team in index.teams_of(m.id):
            pts = index.points(team, m.id)
            target = m.target_for(team)
            rows = [(pt, target_status(m, pt.value, target, project.config.analysis)) for pt in reversed(pts)]
            series[m.id].append(TeamSeries(team, pts, rows, target))

    # The Metrics section and the navigation list metrics a team reports, a review cites, or the project's
    # config/metrics.yml defines or targets; the rest of the catalogue is in the Reference, so a small
    # project's menu isn't twenty empty pages.
    used = {m for r in project.reviews for i in r.items for m in i.metrics} | {
        o.metric for r in project.reviews for o in r.objectives if o.metric}
    own = {mid for mid, m in project.metrics.items() if project.builtin_metrics.get(mid) != m}
    shown = [m for m in project.metrics.values() if m.id in used or m.id in own or series[m.id]]
    hidden = [m for m in project.metrics.values() if m not in shown]
    cards = insight.team_cards(index, project.reviews, [t.id for t in project.config.teams],
                               project.config.home_kpis)
    return AnalysedProject(project, today, latest, sorted(groups.items(), key=lambda g: g[0], reverse=True),
                           reviews, teams, series, shown, hidden, cards)


def _review_facts(project: Project, index: KpiIndex, r: Review, prev: Review | None, git,
                  today: dt.date) -> ReviewFacts:
    evidence = {(item.id, mid): index.state(r.team, mid, at=r.period) for item in r.items for mid in item.metrics}
    cited = {m for item in r.items for m in item.metrics} | {o.metric for o in r.objectives if o.metric}
    objectives = [(o, insight.tows_class(r, o),
                   index.state(r.team, o.metric, at=r.period) if o.metric else None,
                   project.metrics.get(o.metric) if o.metric else None) for o in r.objectives]
    return ReviewFacts(
        review=r, previous=prev, evidence=evidence, suggestions=insight.suggestions(index, r),
        matrix=insight.tows_matrix(r), objectives=objectives, scores=insight.weighted_scores(r),
        prev_scores={s.kind: s for s in insight.weighted_scores(prev)} if prev else {},
        diff=diff_reviews(prev, r, project.config.default_language), git=git,
        cited=[(m, index.state(r.team, m, at=r.period)) for m in project.metrics if m in cited],
        plan=insight.action_plan(index, [x for x in project.reviews if x.period <= r.period], r.team, today),
    )
