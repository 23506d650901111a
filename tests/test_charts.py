"""Charts and the numbers they share with tables: precision, shared axes, bands, labels, colour schemes."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from conftest import run, write
from cssite.i18n import formats


@pytest.mark.parametrize("unit", ["percent", "points", "score", "seconds", "minutes", "hours", "count"])
def test_one_precision_per_unit_whatever_the_size(unit: str):
    decimals = {len(re.sub(r"\D", "", s.split(".")[1])) if "." in s else 0
                for s in (formats.kpi_value(v, unit, "en") for v in (0.4, 7, 60, 310, 1234.56))}
    assert decimals == {formats.unit_decimals(unit)}, unit
    changes = {len(re.sub(r"\D", "", s.split(".")[1])) if "." in s else 0
               for s in (formats.kpi_change(v, unit, "en") for v in (-0.4, 2.34, -60, 310.5))}
    assert changes == {formats.unit_decimals(unit)}, unit  # a change is written like its values


def test_metric_table_column_has_one_precision(project: Path):
    # 310 and 60 minutes used to be written "310 min" and "60.0 min" in one column.
    write(project, "content/metrics/kpis.csv", "period,team,metric,value,n\n"
          "2026-Q1,support-emea,first_response_time,310,300\n2026-Q2,support-emea,first_response_time,60,300\n"
          "2026-Q3,support-emea,first_response_time,42.4,320\n")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    html = (project / "site/en/metrics/first_response_time/index.html").read_text()
    table = html[html.index('id="values-support-emea"'):]
    rows = re.findall(r"<tr>(.*?)</tr>", table[:table.index("</table>")], re.S)[1:]
    values = [re.findall(r"<td[^>]*>(.*?)</td>", row)[1] for row in rows]  # newest first
    assert values == ["42.4 min", "60.0 min", "310.0 min"], values


# --- drawings -------------------------------------------------------------------------------------

from cssite.render import charts  # noqa: E402
from cssite.render.charts import ChartSpec  # noqa: E402

TEXT_GROUP = re.compile(r'<g id="(cs-[a-z]+)-(\d+)">(?:\s*<g id="patch_\d+">.*?</g>)?\s*<!-- (.*?) -->', re.S)


def svg_texts(svg: str, kind: str) -> list[str]:
    """The strings of one kind of label (`ytick`, `xtick`, `value`), in order, read back from the SVG."""
    return [text for name, _, text in TEXT_GROUP.findall(svg) if name == f"cs-{kind}"]


def metric_svgs(site: Path, lang: str, metric: str) -> list[str]:
    html = (site / lang / "metrics" / metric / "index.html").read_text()
    srcs = re.findall(r'src="([^"#]+\.svg)#only-light"', html)
    return [(site / lang / "metrics" / metric / src).resolve().read_text() for src in srcs]


def test_teams_of_one_metric_share_the_y_range_and_step(project: Path):
    write(project, "content/metrics/kpis.csv", "period,team,metric,value,n\n"
          "2026-Q2,support-emea,csat,95.0,300\n2026-Q3,support-emea,csat,95.4,300\n"
          "2026-Q2,support-apac,csat,81.5,300\n2026-Q3,support-apac,csat,88.0,300\n")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    svgs = metric_svgs(project / "site", "en", "csat")
    assert len(svgs) == 2
    ticks = [svg_texts(svg, "ytick") for svg in svgs]
    assert ticks[0] == ticks[1] and len(ticks[0]) >= 3, ticks
    # One precision along the axis and the step of the whole page: "93 %" never beside "95.0 %".
    assert len({len(t.split(".")[-1]) if "." in t else 0 for t in ticks[0]}) == 1, ticks[0]
    assert [float(t.rstrip("%")) for t in ticks[0]][0] <= 81.5 and float(ticks[0][-1].rstrip("%")) >= 95.4


def test_axis_stays_within_what_the_unit_allows_and_steps_roundly(example_site: Path):
    """No "105 %" above a share, no negative wait under a duration; steps of 1, 2, 2.5 or 5 times a power of ten."""
    for metric, low, high in (("csat", 0, 100), ("fcr", 0, 100), ("nps", -100, 100), ("first_response_time", 0, None),
                              ("ticket_volume", 0, None)):
        for svg in metric_svgs(example_site, "en", metric):
            ticks = [float(re.sub(r"[^\d.\-−+]", "", t).replace("−", "-")) for t in svg_texts(svg, "ytick")]
            assert ticks and ticks[0] >= low and (high is None or ticks[-1] <= high), (metric, ticks)
            step = ticks[1] - ticks[0]
            mantissa = step / 10 ** math.floor(math.log10(step))
            assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5)), (metric, ticks)


def test_interval_band_drawn_where_the_metric_has_one(example_site: Path):
    for svg in metric_svgs(example_site, "en", "csat") + metric_svgs(example_site, "zh", "nps"):
        assert '<g id="cs-band">' in svg and '<g id="cs-band-edges">' in svg
    for svg in metric_svgs(example_site, "en", "first_response_time"):  # no interval: no band
        assert 'id="cs-band' not in svg
    html = (example_site / "en/metrics/csat/index.html").read_text()
    assert "shaded band" in html and "shaded band" not in (example_site / "en/metrics/asa/index.html").read_text()


def _spec(values, target, labels=None, x=None):
    ticks = charts.y_axis(list(values), target, 1)
    return ChartSpec(x_labels=tuple(x or (f"Q{i % 4 + 1} {2024 + i // 4}" for i in range(len(values)))),
                     values=tuple(values), value_labels=tuple(labels or (f"{v:.1f} h" for v in values)),
                     y_ticks=tuple(ticks), y_tick_labels=tuple(f"{t:.0f} h" for t in ticks),
                     target=target, target_label=f"cible {target:.1f} h" if target is not None else "")


HARD_CASES = [
    _spec([96.0, 95.8, 96.2, 96.0, 95.9, 85.6], 96.0),            # points on the target, the last one by its label
    _spec([80, 81, 80, 81, 80, 81, 80, 81, 80, 81, 80, 81], 80.5),  # twelve close points around the target
    _spec([10, 50, 10, 50, 10, 50], 30.0),                        # zig-zag across the target
    _spec([1234.5, 1234.4, 1234.6, 1234.5], 1234.5, labels=["1 234,5 min"] * 4),
    _spec([42.0, 41.0, 43.0, 40.0, 44.0, 39.0, 45.0, 38.0], None,
          x=["3-й кв. 2024 г.", "4-й кв. 2024 г.", "1-й кв. 2025 г.", "2-й кв. 2025 г.", "3-й кв. 2025 г.",
             "4-й кв. 2025 г.", "1-й кв. 2026 г.", "2-й кв. 2026 г."]),
    _spec([50 + 10 * math.sin(i / 3) for i in range(40)], 52.0),  # ten years of quarters
]


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 0.01 and b[0] < a[2] - 0.01 and a[1] < b[3] - 0.01 and b[1] < a[3] - 0.01


@pytest.mark.parametrize("spec", HARD_CASES, ids=["on-target", "twelve", "zigzag", "wide", "no-target", "forty"])
def test_value_labels_never_overlap_each_other_the_target_or_its_label(spec: ChartSpec):
    svg, boxes = charts.draw_with_boxes(spec)
    # The boxes are read back from the drawn label artists themselves, not from the placement's arithmetic.
    canvas = charts._CANVAS
    shown = [i for i, t in enumerate(canvas.value_texts[:len(spec.values)]) if t.get_visible()]
    drawn = [tuple(canvas.value_texts[i].get_bbox_patch().get_window_extent(canvas.measurer).extents) for i in shown]
    assert [i for i, b in enumerate(boxes["values"]) if b is not None] == shown
    for i, real in zip(shown, drawn):
        assert all(abs(a - b) < 0.6 for a, b in zip(boxes["values"][i], real)), (boxes["values"][i], real)
    if spec.target is not None:
        real = canvas.target_text.get_bbox_patch().get_window_extent(canvas.measurer).extents
        assert all(abs(a - b) < 0.6 for a, b in zip(boxes["target_label"][0], real))
    assert len(shown) >= min(len(spec.values), 6)  # at least the newest, first, highest and lowest
    assert len(spec.values) - 1 in shown and 0 in shown
    for k, a in enumerate(drawn):
        for b in drawn[k + 1:]:
            assert not _overlap(a, b), (a, b)
        for b in boxes["target_line"] + boxes["target_label"]:
            assert not _overlap(a, b), (a, b)
        for m in boxes["markers"]:
            assert not _overlap(a, m)
    assert svg_texts(svg.decode(), "value") == [spec.value_labels[i] for i in shown]
    # The quarters under the axis don't run into each other either (rotated ones are thinned out).
    ticks = [t for t in canvas.x_texts[:len(spec.values)] if t.get_visible()]
    extents = [t.get_window_extent(canvas.measurer) for t in ticks]
    for a, b in zip(extents, extents[1:]):
        assert a.x1 <= b.x0 + 0.5 or ticks[0].get_rotation() != 0, (a, b)
    assert ticks[-1].get_text() == spec.x_labels[-1]


def test_example_charts_have_no_overlapping_labels():
    # The example's specs, made the way the build makes them.
    import datetime as dt

    from conftest import REPO
    from cssite.analyse.analysed import analyse
    from cssite.commands.checked import load_checked
    from cssite.render.pages import LanguageRenderer, template_env

    project, _, index = load_checked(REPO)
    analysed = analyse(project, index, dt.date(2026, 12, 1))
    for lang in ("fr", "zh"):
        rendered = LanguageRenderer(analysed, lang, template_env(REPO)).render()
        for spec in rendered.charts.values():
            _, boxes = charts.draw_with_boxes(spec)
            placed = [b for b in boxes["values"] if b is not None] + boxes["target_label"]
            for i, a in enumerate(placed):
                for b in placed[i + 1:] + boxes["target_line"]:
                    assert not _overlap(a, b), (lang, spec.value_labels, a, b)


def test_spec_shared_by_two_languages_is_drawn_once(tmp_path: Path):
    # Two languages that write a chart alike hand the build equal specs (made separately, equal by value):
    # one drawing, in one light and one dark file, serves both.
    make = lambda: _spec([5.0, 7.0, 6.0], 6.0, labels=["5", "7", "6"], x=["2026-Q1", "2026-Q2", "2026-Q3"])  # noqa: E731
    other = _spec([1.0, 2.0], None)
    messages: list[str] = []
    paths = charts.render_all([make(), other, make()], tmp_path, jobs=1, progress=messages.append, uses=3)
    assert messages == ["charts: 2 distinct of 3, 2 to draw"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{make().key}.svg", f"{make().key}-dark.svg", f"{other.key}.svg", f"{other.key}-dark.svg"])
    assert set(paths) == {make().key, other.key}
    charts.render_all([make(), make()], tmp_path, jobs=1, progress=messages.append)
    assert messages[-1] == "charts: 1 distinct of 2, 0 to draw"
    assert not (tmp_path / f"{other.key}.svg").exists()  # a drawing no page uses leaves the cache


def test_reused_figure_draws_each_chart_as_a_fresh_one_would(tmp_path: Path):
    # The worker's one figure must not carry anything over: a chart drawn after others is byte-identical
    # to the same chart drawn first in a new process.
    import subprocess
    import sys

    first = charts.draw(HARD_CASES[0])
    for spec in HARD_CASES[1:]:
        charts.draw(spec)
    again = charts.draw(HARD_CASES[0])
    assert again == first
    code = ("import sys, pickle; from cssite.render import charts; "
            "sys.stdout.buffer.write(charts.draw(pickle.loads(sys.stdin.buffer.read())))")
    import pickle

    fresh = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(HARD_CASES[0]), capture_output=True, check=True)
    assert fresh.stdout == first
