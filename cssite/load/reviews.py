"""SWOT review files under content/reviews/."""

from __future__ import annotations

from pathlib import Path

from cssite.errors import Diagnostics
from cssite.load.confine import Confinement, project_files
from cssite.load.fields import Checker, did_you_mean
from cssite.model import Config, Item, Metric, Objective, Review
from cssite.schema import OBJECTIVE, QUADRANTS, REVIEW

REVIEWS_DIR = Path("content") / "reviews"


def load_reviews(root: Path, config: Config | None, metrics: dict[str, Metric], diags: Diagnostics,
                 confinement: Confinement | None = None) -> list[Review]:
    folder = root / REVIEWS_DIR
    reviews: list[Review] = []
    first_seen: dict[tuple, str] = {}
    for path in project_files(folder, ("*.yml", "*.yaml"), confinement or Confinement(root), diags):
        review = load_review(path, config, metrics, diags)
        if review is None:
            continue
        key = (review.team, review.period)
        if key in first_seen:
            diags.error(path, review.line, f"a second review for team '{review.team}' and period {review.period} "
                                 f"(the first is {first_seen[key]})")
            continue
        first_seen[key] = review.path
        reviews.append(review)
    return sorted(reviews, key=lambda r: (r.period, r.team))


def load_review(path: Path, config: Config | None, metrics: dict[str, Metric], diags: Diagnostics) -> Review | None:
    from cssite.yamlio import load_yaml

    before = len(diags.items)
    data = load_yaml(path, diags)
    if data is None:
        if len(diags.items) == before:  # only comments, or an empty `---` document: no review, and no silence
            diags.error(path, 1, "the file holds no review (only comments or an empty document); "
                                 "write the review's keys or remove the file")
        return None
    check = Checker(path, diags, config.default_language if config else "en", config.languages if config else None)
    v = check.mapping(data, REVIEW, 1)
    if v is None:
        return None
    ok = True
    if "team" in v and config is not None and not config.knows_team(v["team"]):
        ids = [t.id for t in config.teams]
        hint = did_you_mean(v["team"], ids) or f" (teams in config/cssite.yml: {', '.join(ids)})"
        diags.error(path, data.line_of("team"), f"unknown team '{v['team']}'{hint}")
        ok = False
    if "team" not in v or "period" not in v:
        return None

    items: list[Item] = []
    ids: dict[str, int] = {}

    def claim(item_id: str, line: int) -> bool:
        if item_id in ids:
            diags.error(path, line, f"duplicate id '{item_id}' (first at line {ids[item_id]}); ids are unique across the whole review")
            return False
        ids[item_id] = line
        return True

    def known_metric(mid: str, line: int) -> bool:
        if mid in metrics:
            return True
        hint = did_you_mean(mid, metrics) or " (see the metric catalogue in the Reference, or add it to config/metrics.yml)"
        diags.error(path, line, f"unknown metric '{mid}'{hint}")
        return False

    for q in QUADRANTS:
        for entry, line in v.get(q, []):
            if "id" not in entry or "text" not in entry:
                continue
            if not claim(entry["id"], line):
                ok = False
            for mid in entry.get("metrics", ()):
                ok &= known_metric(mid, entry["__lines__"].get("metrics", line))
            items.append(Item(entry["id"], q, entry["text"], tuple(entry.get("metrics", ())),
                              entry.get("weight"), entry.get("rating"), line))
    item_ids = {i.id for i in items}
    objectives: list[Objective] = []
    for entry, line in v.get("objectives", []):
        if "id" not in entry or "text" not in entry or "addresses" not in entry:
            continue
        if not claim(entry["id"], line):
            ok = False
        for ref in entry["addresses"]:
            if ref not in item_ids:
                diags.error(path, entry["__lines__"].get("addresses", line), f"objective '{entry['id']}' addresses '{ref}', which is not an item of this review")
                ok = False
        if "metric" in entry:
            ok &= known_metric(entry["metric"], entry["__lines__"].get("metric", line))
            m = metrics.get(entry["metric"])
            target = entry.get("target")
            if m and m.unit == "percent" and target is not None and 0 < target <= 1 and (m.target or 0) >= 10:
                diags.warning(path, entry["__lines__"].get("target", line),
                              f"objective {entry['id']}: target {target:g} looks like a fraction; percentages are "
                              f"written from 0 to 100 ({target * 100:g}, not {target:g})")
        objectives.append(Objective(entry["id"], entry["text"], tuple(entry["addresses"]), entry.get("metric"),
                                    entry.get("target"), entry.get("owner"), entry.get("due"),
                                    entry.get("status", OBJECTIVE.default("status")), line))
    if not ok:
        return None
    return Review(v["team"], v["period"], diags.relative(path), v.get("title"), v.get("summary"), tuple(items),
                  tuple(objectives), data.line_of("period"))
