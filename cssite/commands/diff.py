"""`cssite diff`: what changed in the SWOT reviews since the last period, or since a git revision."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import click

from cssite.analyse.history import (
    ReviewDiff,
    diff_reviews,
    diff_to_dict,
    previous_reviews,
)
from cssite.commands.checked import load_checked
from cssite.errors import Diagnostics, InputError, OptionError, one_line, plural, show_path
from cssite.gitinfo import files_at_revision
from cssite.load.fields import did_you_mean
from cssite.load.reviews import REVIEWS_DIR, load_reviews
from cssite.model import Period, Project, Review


@dataclass
class Comparison:
    """The diffs to show, with what they were computed against."""

    diffs: list[ReviewDiff]
    default_lang: str
    from_period: Period | None = None  # --from, when given
    to_period: Period | None = None
    rev: str | None = None
    removed: list[Review] = field(default_factory=list)  # reviews at `rev` that no longer exist
    warnings: list[str] = field(default_factory=list)


def compare_periods(project: Project, team: str | None, from_: str | None, to: str | None) -> Comparison:
    """Each team's review in `to` (default: the latest period) against its review in `from_`
    (default: the team's previous review)."""
    reviews = [r for r in project.reviews if team is None or r.team == team]
    whose = f" for team '{team}'" if team else ""
    if not reviews:
        raise InputError(f"there are no reviews{whose} under {REVIEWS_DIR.as_posix()}/")
    periods = sorted({r.period for r in reviews})
    known = ", ".join(p.code for p in periods)
    to_p = _period("--to", to) if to else periods[-1]
    if to_p not in periods:
        raise OptionError(f"--to {to_p}: there are no reviews{whose} for {to_p} (periods with reviews: {known})")
    from_p = _period("--from", from_) if from_ else None
    if from_p is not None:
        if from_p not in periods:
            raise OptionError(f"--from {from_p}: there are no reviews{whose} for {from_p} (periods with reviews: {known})")
        if from_p >= to_p:
            raise OptionError(f"--from {from_p} must be earlier than --to {to_p}")
    by_key = {(r.team, r.period): r for r in project.reviews}
    lang = project.config.default_language
    diffs = []
    previous = previous_reviews(project.reviews)
    for new in _team_order(project, [r for r in reviews if r.period == to_p]):
        old = by_key.get((new.team, from_p)) if from_p else previous[id(new)]
        diffs.append(diff_reviews(old, new, lang))
    return Comparison(diffs, lang, from_p, to_p)


def compare_with_rev(project: Project, rev: str, team: str | None, to: str | None) -> Comparison:
    """Every review as it is now (optionally one team, one period) against the same review at git `rev`."""
    root = Path(project.root)
    to_p = _period("--to", to) if to else None
    texts = files_at_revision(root, rev, REVIEWS_DIR.as_posix())
    old_reviews, warnings = _reviews_from_texts(texts, project, rev)

    def wanted(r: Review) -> bool:
        return (team is None or r.team == team) and (to_p is None or r.period == to_p)

    current = [r for r in project.reviews if wanted(r)]
    old_by_key = {(r.team, r.period): r for r in old_reviews if wanted(r)}
    if not current and not old_by_key:
        scope = " ".join(s for s in (f"team '{team}'" if team else "", f"period {to_p}" if to_p else "") if s)
        raise InputError(f"there are no reviews{' for ' + scope if scope else ''}, now or at '{rev}'")
    lang = project.config.default_language
    diffs = [diff_reviews(old_by_key.get((r.team, r.period)), r, lang) for r in _team_order(project, current)]
    now = {(r.team, r.period) for r in current}
    removed = _team_order(project, [r for k, r in old_by_key.items() if k not in now])
    return Comparison(diffs, lang, None, to_p, rev, removed, warnings)


def _reviews_from_texts(texts: dict[str, str], project: Project, rev: str) -> tuple[list[Review], list[str]]:
    """Parse review files' old texts with the normal loader, against today's config and metrics."""
    with tempfile.TemporaryDirectory(prefix="cssite-rev-") as tmp:
        base = Path(tmp)
        for rel, text in texts.items():
            path = base / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        diags = Diagnostics(base)
        reviews = load_reviews(base, project.config, project.metrics, diags)
    # An old file today's loader rejects (say, a team since renamed) is left out, not fatal.
    # Printed by the one rule for file names and messages (errors.py): one line, whatever a name holds.
    warnings = [f"{one_line(rev)}:{show_path(d.path)}{f':{d.line}' if d.line else ''}: warning: {one_line(d.message)} "
                f"(this file at {rev} is left out of the comparison)" for d in diags.sorted() if d.severity == "error"]
    return reviews, warnings


def _period(option: str, value: str) -> Period:
    p = Period.parse(value)
    if p is None or p.kind != "quarter":
        raise OptionError(f"{option} must be a quarter like 2026-Q3, got '{value}'")
    return p


def _team_order(project: Project, reviews: list[Review]) -> list[Review]:
    order = {t.id: i for i, t in enumerate(project.config.teams)}
    return sorted(reviews, key=lambda r: (order.get(r.team, len(order)), r.team, r.period))


def to_json(c: Comparison) -> dict:
    """The comparison as a JSON document."""
    return {
        "from": c.from_period.code if c.from_period else None,
        "to": c.to_period.code if c.to_period else None,
        "rev": c.rev,
        "reviews": [diff_to_dict(d, c.default_lang) for d in c.diffs],
        "removed_reviews": [{"team": r.team, "period": r.period.code, "path": r.path} for r in c.removed],
    }


def to_text(c: Comparison) -> str:
    """One block per review, grouped by team; one line per change."""
    blocks = []
    shown = [d for d in c.diffs if not (c.rev and d.empty)]  # against a revision, unchanged reviews are only counted
    for d, data in ((d, diff_to_dict(d, c.default_lang)) for d in shown):
        lines = [_header(d, c)]
        lines += [_item_line(x) for x in data["items"]]
        lines += [_objective_line(x) for x in data["objectives"]]
        if d.empty:
            lines.append("  no changes")
        blocks.append("\n".join(lines))
    for r in c.removed:
        blocks.append(f"{r.team} {r.period}: removed since {c.rev}")
    if c.rev:
        unchanged = len(c.diffs) - len(shown)
        if not blocks:
            blocks.append(f"no changes since {c.rev} ({unchanged} review{'s' if unchanged != 1 else ''} compared)")
        elif unchanged:
            blocks.append(f"{unchanged} other review{'s' if unchanged != 1 else ''} unchanged since {c.rev}")
    return "\n\n".join(blocks)


def _header(d: ReviewDiff, c: Comparison) -> str:
    if c.rev:
        return f"{d.team} {d.new.period}: {c.rev} → now" if d.old else f"{d.team} {d.new.period}: new since {c.rev}"
    if d.old:
        return f"{d.team} {d.old.period} → {d.new.period}"
    missing = f"no review in {c.from_period}" if c.from_period else "no earlier review"
    return f"{d.team} ({missing}) → {d.new.period}"


def _item_line(x: dict) -> str:
    old, new, kind, i = x["old"], x["new"], x["kind"], x["id"]
    if kind == "added":
        return f'  + {i} added ({new["quadrant"]}): "{new["text"]}"'
    if kind == "removed":
        return f'  - {i} removed ({old["quadrant"]}): "{old["text"]}"'
    if kind == "reworded":
        return f'  ~ {i} reworded: "{old["text"]}" → "{new["text"]}"'
    if kind == "moved":
        return f"  > {i} moved: {old['quadrant']} → {new['quadrant']}"
    if kind == "reweighted":
        return f"  ^ {i} reweighted: {_weight(old['weight'])} → {_weight(new['weight'])}"
    if kind == "rerated":
        return f"  ^ {i} rerated: {_weight(old['rating'])} → {_weight(new['rating'])}"
    if kind == "relinked":
        return f"  # {i} metrics: [{', '.join(old['metrics'])}] → [{', '.join(new['metrics'])}]"
    if kind == "renamed":
        return f"  = {i} renamed from {old['id']}"
    raise AssertionError(f"unknown item change {kind}")


def _objective_line(x: dict) -> str:
    old, new, kind, i = x["old"], x["new"], x["kind"], x["id"]
    if kind == "added":
        return f'  + {i} added (objectives): "{new["text"]}"'
    if kind == "removed":
        return f'  - {i} removed (objectives): "{old["text"]}"'
    if kind == "status":
        return f"  * {i} status: {old['status']} → {new['status']}"
    if kind == "reworded":
        return f'  ~ {i} reworded: "{old["text"]}" → "{new["text"]}"'
    raise AssertionError(f"unknown objective change {kind}")


def _weight(w) -> str:
    return "none" if w is None else str(w)


def _md(s) -> str:
    """User text in a Markdown table cell of a job summary or merge-request comment: no HTML, no table
    breaks, no formatting, no @mentions (a review text must not notify anybody)."""
    from cssite.render.markdown import text

    return str(text(str(s))).replace("@", "&#64;") or "—"


def to_markdown(c: Comparison, project: Project) -> str:
    """The comparison as GitHub/GitLab-flavoured Markdown, one table of changes per review, in the handbook's
    default language (the job summary is read by the same people as the site's first language)."""
    from cssite.i18n import formats
    from cssite.i18n.messages import Messages

    lang = c.default_lang
    own = project.messages.get(lang)  # a project's messages/<lang>.yml is user text, like its reviews
    tr = Messages(lang, own)

    def t(key: str, **values) -> str:
        """The message with its values; every user text in it escaped exactly once."""
        if own is not None:
            return _md(tr(key, **values))
        return tr(key, **{k: _md(v) for k, v in values.items()})

    def team_name(team_id: str) -> str:
        team = project.config.team(team_id)
        return _md(team.name.resolve(lang, lang)[0]) if team else _md(team_id)

    def counts(review: Review) -> dict:
        return dict(items=formats.number(len(review.items), lang, 0),
                    objectives=formats.number(len(review.objectives), lang, 0))

    since = c.rev if c.rev else (c.from_period.code if c.from_period else tr("diffmd.previous"))
    out = [f"## {t('diffmd.title', since=since)}", ""]
    shown = [d for d in c.diffs if not (c.rev and d.empty)]
    for d in shown:
        data = diff_to_dict(d, lang)
        if c.rev:
            span = tr("diffmd.span_rev" if d.old else "diffmd.span_new", period=d.new.period.code, rev=c.rev)
        else:
            span = f"{d.old.period} → {d.new.period}" if d.old else f"{d.new.period}"
        out += [f"### {team_name(d.team)}{t('punct.parens', text=span)}", ""]
        if d.old is None and not c.rev:
            out += [t("diffmd.no_review_in", period=c.from_period.code, **counts(d.new)) if c.from_period
                    else t("diffmd.first", **counts(d.new)), ""]
            continue
        if d.empty:
            out += [t("diffmd.no_changes"), ""]
            continue
        out += [f"| {t('col.change')} | {t('col.id')} | {t('col.before')} | {t('col.after')} |", "|---|---|---|---|"]
        out += [_md_item_row(x, t) for x in data["items"]]
        out += [_md_objective_row(x, t) for x in data["objectives"]]
        out.append("")
    for r in c.removed:
        out += [f"### {team_name(r.team)}{t('punct.parens', text=r.period.code)}", "",
                t("diffmd.removed", rev=c.rev), ""]
    if c.rev:
        unchanged = formats.number(len(c.diffs) - len(shown), lang, 0)
        if not shown and not c.removed:
            out += [t("diffmd.none_since", rev=c.rev, n=unchanged), ""]
        elif len(c.diffs) > len(shown):
            out += [t("diffmd.others_unchanged", n=unchanged), ""]
    return "\n".join(out).rstrip() + "\n"


def _cell(v) -> str:
    return "—" if v is None else _md(v)


def _placed(t, where: str, text: str) -> str:
    """`Strengths: the item's text`, as the site's changes page shows an item with its quadrant."""
    return f"{where}{t('punct.colon')}{_md(text)}"


def _md_item_row(x: dict, t) -> str:
    old, new, kind, i = x["old"], x["new"], x["kind"], x["id"]
    before = after = "—"
    quadrant = lambda v: t("quadrant." + v["quadrant"])  # noqa: E731
    if kind == "added":
        after = _placed(t, quadrant(new), new["text"])
    elif kind == "removed":
        before = _placed(t, quadrant(old), old["text"])
    elif kind == "reworded":
        before, after = _md(old["text"]), _md(new["text"])
    elif kind == "moved":
        before, after = quadrant(old), quadrant(new)
    elif kind == "reweighted":
        before, after = _cell(old["weight"]), _cell(new["weight"])
    elif kind == "rerated":
        before, after = _cell(old["rating"]), _cell(new["rating"])
    elif kind == "relinked":
        before, after = (", ".join(f"`{m}`" for m in v["metrics"]) or "—" for v in (old, new))
    elif kind == "renamed":
        before, after = f"**{_md(old['id'])}**", _md(new["text"])
    else:
        raise AssertionError(f"unknown item change {kind}")
    return f"| {t('change_kind.' + kind)} | **{_md(i)}** | {before} | {after} |"


def _md_objective_row(x: dict, t) -> str:
    old, new, kind, i = x["old"], x["new"], x["kind"], x["id"]
    before = after = "—"
    if kind == "added":
        after = _placed(t, t("diffmd.objective"), new["text"])
    elif kind == "removed":
        before = _placed(t, t("diffmd.objective"), old["text"])
    elif kind == "status":
        before, after = t("objective_status." + old["status"]), t("objective_status." + new["status"])
    elif kind == "reworded":
        before, after = _md(old["text"]), _md(new["text"])
    else:
        raise AssertionError(f"unknown objective change {kind}")
    return f"| {t('change_kind.objective_' + kind)} | **{_md(i)}** | {before} | {after} |"



def run_diff(root: Path, team: str | None = None, from_: str | None = None, to: str | None = None,
             rev: str | None = None, fmt: str = "text", allow_outside: tuple[Path, ...] = ()) -> None:
    """Print what changed between reviews (or since git `rev`) as text, JSON or Markdown."""
    project, _, _ = load_checked(root, allow_outside=allow_outside)
    if team is not None and project.config.team(team) is None:
        ids = [t.id for t in project.config.teams]
        raise OptionError(f"--team: unknown team '{team}'" + (did_you_mean(team, ids) or f" (teams: {', '.join(ids)})"))
    if rev is not None:
        if from_ is not None:
            raise OptionError("--from and --rev cannot be combined: --rev compares each review with the same file at REV")
        result = compare_with_rev(project, rev, team, to)
    else:
        result = compare_periods(project, team, from_, to)
    for w in result.warnings:
        click.echo(w, err=True)
    if fmt == "json":
        click.echo(json.dumps(to_json(result), ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(to_markdown(result, project), nl=False)
    else:
        click.echo(to_text(result))
