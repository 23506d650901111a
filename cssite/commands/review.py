"""`cssite review new`: start next quarter's review of a team from its latest one."""

from __future__ import annotations

from pathlib import Path

import click

from cssite.errors import InputError, OptionError
from cssite.load.fields import did_you_mean
from cssite.load.reviews import REVIEWS_DIR
from cssite.model import Period


def run_review_new(root: Path, team: str, period: str | None, allow_outside: tuple[Path, ...] = ()) -> Path:
    """Write content/reviews/PERIOD/TEAM.yml and return its path; never overwrite anything.

    `allow_outside` lets the project be read from those folders too; the new review is written only
    inside the project (a symlinked period folder that leaves it is refused).
    """
    from cssite import scaffold
    from cssite.commands.checked import load_checked
    from cssite.load.confine import OUTSIDE_HINT, Confinement

    project, _, _ = load_checked(Path(root), outcome="no review was written.", allow_outside=allow_outside)
    if project.config.team(team) is None:
        ids = [t.id for t in project.config.teams]
        raise OptionError(f"unknown team '{team}'" + (did_you_mean(team, ids) or f" (teams: {', '.join(ids)})"))
    reviews = [r for r in project.reviews if r.team == team]
    if not reviews:
        raise InputError(f"team '{team}' has no review yet to start from; `cssite init` writes a starter review "
                         f"(or copy one under {REVIEWS_DIR.as_posix()}/)")
    latest = reviews[-1]  # reviews are sorted by period
    if period is None:
        target = scaffold.next_quarter(latest.period)
    else:
        target = Period.parse(period)
        if target is None or target.kind != "quarter":
            raise OptionError(f"PERIOD must be a quarter like 2026-Q4, got '{period}'")
    rel = REVIEWS_DIR / target.code / f"{team}.yml"
    path = Path(root) / rel
    existing = next((r for r in reviews if r.period == target), None)
    if existing is not None or path.exists():
        where = existing.path if existing is not None else rel.as_posix()
        raise InputError(f"a review for {team} and {target} already exists; nothing was written", where)
    if target <= latest.period:
        raise OptionError(f"PERIOD {target} is not after {team}'s latest review ({latest.period}, {latest.path})")
    if not Confinement(Path(root)).inside(path):
        raise InputError(f"this is outside the project folder; {OUTSIDE_HINT.split(' (')[0]}, and writes only there",
                         rel.as_posix())
    source = Path(root) / latest.path
    text, left_out = scaffold.next_review_yaml(source.read_text(encoding="utf-8-sig"), latest.path, target)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as f:  # "x": fails rather than overwrite, even in a race
        f.write(text)
    carried = sum(1 for _ in latest.objectives) - len(left_out)
    click.echo(f"cssite: wrote {rel.as_posix()} from {latest.path}: {len(latest.items)} items, "
               f"{carried} open objectives carried over" + (f", {', '.join(left_out)} left out (finished)"
                                                            if left_out else ""), err=True)
    return path
