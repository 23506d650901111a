"""What changed between two versions of a team's SWOT review. Pure functions, no I/O.

The old review is usually the team's previous period (`previous_reviews`), or the
same file at an earlier git revision (`cssite diff --rev`); either way it is a
plain `Review`, so the comparison does not care where it came from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cssite.model import Item, Objective, Review, Text
from cssite.schema import QUADRANTS

_ITEM_KINDS = ("renamed", "added", "removed", "moved", "reworded", "reweighted", "rerated", "relinked")
_OBJECTIVE_KINDS = ("added", "removed", "status", "reworded")


@dataclass(frozen=True)
class ItemChange:
    """One change to one SWOT item. `item_id` is the new id (the old one for "removed")."""

    kind: str  # "added" | "removed" | "reworded" | "moved" | "reweighted" | "rerated" | "relinked" | "renamed"
    item_id: str
    old: Item | None
    new: Item | None


@dataclass(frozen=True)
class ObjectiveChange:
    """One change to one objective: added, removed, status (old → new) or reworded."""

    kind: str  # "added" | "removed" | "status" | "reworded"
    objective_id: str
    old: Objective | None
    new: Objective | None


@dataclass(frozen=True)
class ReviewDiff:
    """Every change from `old` to `new` (one team); `old` is None for a team's first review."""

    team: str
    old: Review | None
    new: Review
    items: tuple[ItemChange, ...]
    objectives: tuple[ObjectiveChange, ...]

    @property
    def empty(self) -> bool:
        return not self.items and not self.objectives


def previous_reviews(reviews: list[Review]) -> dict[int, Review | None]:
    """{id(review): the same team's previous review} for every review, in one pass."""
    out: dict[int, Review | None] = {}
    last: dict[str, Review] = {}
    for r in sorted(reviews, key=lambda r: r.period):
        out[id(r)] = last.get(r.team)
        last[r.team] = r
    return out


def diff_reviews(old: Review | None, new: Review, default_lang: str) -> ReviewDiff:
    """Compare two reviews of one team; texts are compared in `default_lang`.

    With no old review every item and objective is "added".
    """
    return ReviewDiff(
        team=new.team,
        old=old,
        new=new,
        items=_item_changes(old.items if old else (), new.items, default_lang),
        objectives=_objective_changes(old.objectives if old else (), new.objectives, default_lang),
    )


def _item_changes(old_items, new_items, lang: str) -> tuple[ItemChange, ...]:
    old = {i.id: i for i in old_items}
    new = {i.id: i for i in new_items}
    changes: list[ItemChange] = []
    # Same id on both sides: compare fields.
    pairs = [(old[k], new[k], True) for k in new if k in old]
    # An id only in old and one only in new with the same text is one item, renamed.
    unmatched_old = [i for i in old_items if i.id not in new]
    only_new = [i for i in new_items if i.id not in old]
    for n in sorted(only_new, key=_item_order):
        key = _match_key(n.text, lang)
        candidates = [o for o in unmatched_old if _match_key(o.text, lang) == key]
        if not candidates:
            changes.append(ItemChange("added", n.id, None, n))
            continue
        # Prefer a partner from the same quadrant, then the first in review order.
        o = min(candidates, key=lambda o: (o.quadrant != n.quadrant, _item_order(o)))
        unmatched_old.remove(o)
        changes.append(ItemChange("renamed", n.id, o, n))
        pairs.append((o, n, False))  # same text by construction: a case change is not a rewording here
    changes += [ItemChange("removed", o.id, o, None) for o in unmatched_old]
    for o, n, same_id in pairs:
        if o.quadrant != n.quadrant:
            changes.append(ItemChange("moved", n.id, o, n))
        if same_id and _display(o.text, lang) != _display(n.text, lang):
            changes.append(ItemChange("reworded", n.id, o, n))
        if o.weight != n.weight:
            changes.append(ItemChange("reweighted", n.id, o, n))
        if o.rating != n.rating:
            changes.append(ItemChange("rerated", n.id, o, n))
        if set(o.metrics) != set(n.metrics):  # the evidence the item cites
            changes.append(ItemChange("relinked", n.id, o, n))

    def order(c: ItemChange):
        item = c.new or c.old
        return (*_item_order(item), _ITEM_KINDS.index(c.kind))

    return tuple(sorted(changes, key=order))


def _objective_changes(old_objs, new_objs, lang: str) -> tuple[ObjectiveChange, ...]:
    old = {o.id: o for o in old_objs}
    new = {o.id: o for o in new_objs}
    changes: list[ObjectiveChange] = []
    for k, n in new.items():
        o = old.get(k)
        if o is None:
            changes.append(ObjectiveChange("added", k, None, n))
            continue
        if o.status != n.status:
            changes.append(ObjectiveChange("status", k, o, n))
        if _display(o.text, lang) != _display(n.text, lang):
            changes.append(ObjectiveChange("reworded", k, o, n))
    changes += [ObjectiveChange("removed", k, o, None) for k, o in old.items() if k not in new]
    return tuple(sorted(changes, key=lambda c: (_natural(c.objective_id), _OBJECTIVE_KINDS.index(c.kind))))


def _item_order(item: Item) -> tuple:
    q = QUADRANTS.index(item.quadrant) if item.quadrant in QUADRANTS else len(QUADRANTS)
    return (q, _natural(item.id))


def _natural(s: str) -> tuple:
    # W2 before W10: compare runs of digits as numbers.
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", s) if p)


def _display(text: Text | None, lang: str) -> str:
    """The text in `lang` with runs of whitespace collapsed (YAML line folding is not a rewording)."""
    if text is None:
        return ""
    return " ".join(text.resolve(lang, lang)[0].split())


def _match_key(text: Text | None, lang: str) -> str:
    return _display(text, lang).casefold()


def diff_to_dict(d: ReviewDiff, default_lang: str) -> dict:
    """The diff as plain JSON-ready data; texts are in `default_lang`."""
    return {
        "team": d.team,
        "from": d.old.period.code if d.old else None,
        "to": d.new.period.code,
        "old_path": d.old.path if d.old else None,
        "new_path": d.new.path,
        "empty": d.empty,
        "items": [
            {"kind": c.kind, "id": c.item_id,
             "old": _item_dict(c.old, default_lang), "new": _item_dict(c.new, default_lang)}
            for c in d.items
        ],
        "objectives": [
            {"kind": c.kind, "id": c.objective_id,
             "old": _objective_dict(c.old, default_lang), "new": _objective_dict(c.new, default_lang)}
            for c in d.objectives
        ],
    }


def _item_dict(i: Item | None, lang: str) -> dict | None:
    if i is None:
        return None
    return {"id": i.id, "quadrant": i.quadrant, "text": _display(i.text, lang), "metrics": list(i.metrics),
            "weight": i.weight, "rating": i.rating}


def _objective_dict(o: Objective | None, lang: str) -> dict | None:
    if o is None:
        return None
    due = o.due.isoformat() if isinstance(o.due, dt.date) else o.due
    return {"id": o.id, "text": _display(o.text, lang), "status": o.status, "addresses": list(o.addresses),
            "metric": o.metric, "target": o.target, "owner": o.owner, "due": due}
