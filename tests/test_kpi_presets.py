"""Presets are data files: the built-in ones load, a copied and edited one works, a broken one says where."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cssite.kpi.presets import FIELDS, builtin_names, load_preset, with_mapping
from cssite.errors import InputError

PRESETS = Path(__file__).parent.parent / "cssite" / "data" / "presets"


def test_builtin_presets():
    assert builtin_names() == ["calls", "freshdesk", "jsm", "servicenow", "survey", "zendesk"]
    for name in builtin_names():
        p = load_preset(name)
        assert p.name == name
        assert set(p.columns) <= set(FIELDS)
        assert p.required <= set(p.columns)
    z = load_preset("zendesk")
    assert z.columns["csat_rating"][0] == "Satisfaction Score"
    assert {v for v, m in z.values["status"].items() if m == "solved"} == {"solved", "closed"}
    assert z.meaning("status", "Pending") == "open" and z.meaning("status", "Deleted") == "ignore"
    assert z.meaning("csat_rating", "GOOD") == "good" and z.meaning("csat_rating", "Offered") == "offered"
    assert z.columns["first_reply_business_minutes"] == ("First reply time in minutes within business hours",)
    assert z.day_first is None  # an ambiguous column is refused, not read day first
    assert load_preset("servicenow").date_format == "%d-%m-%Y %H:%M"
    c = load_preset("calls")
    assert c.meaning("outcome", "AGENT") == "answered" and c.meaning("outcome", "HANG") == "abandoned"
    assert c.meaning("outcome", "PHANTOM") == "ignore"


def test_map_overrides_and_unmaps():
    p = with_mapping(load_preset("survey"), {"nps_score": "Recommend", "csat_rating": ""})
    assert p.columns["nps_score"] == ("Recommend",) and "nps_score" in p.required
    assert "csat_rating" not in p.columns
    with pytest.raises(InputError, match="unknown field 'score'"):
        with_mapping(p, {"score": "x"})


def test_a_copied_preset_file(tmp_path):
    mine = tmp_path / "my-desk.yml"
    text = (PRESETS / "zendesk.yml").read_text().replace("team: Group", "team: Queue")
    mine.write_text(text)
    p = load_preset(str(mine))
    assert p.columns["team"] == ("Queue",)
    assert load_preset("my-desk.yml", base=tmp_path).columns["team"] == ("Queue",)


@pytest.mark.parametrize("edit, message, marker", [
    (("event_log: false", "event_log: false\ncolour: blue"), "unknown key 'colour'", "colour:"),
    (("  id: Id\n", "  ticket: Id\n"), "unknown field 'ticket'", "  ticket:"),
    (("scale: 5", "scale: five"), "'scale' and 'good_from' must be whole numbers", "  scale:"),
    (("required: [id, created_at]", "required: [id, nps_score]"), "required field 'nps_score' has no column",
     "required:"),
])
def test_broken_preset_files_say_where(tmp_path, edit, message, marker):
    bad = tmp_path / "bad.yml"
    text = (PRESETS / "zendesk.yml").read_text()
    assert edit[0] in text
    text = text.replace(edit[0], edit[1], 1)
    bad.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), start=1) if t.startswith(marker))
    with pytest.raises(InputError) as e:
        load_preset(str(bad))
    assert message in e.value.detail
    assert e.value.path == str(bad)
    assert e.value.line == line
    assert str(e.value.format_message()).startswith(f"{bad}:{line}: error: ")


def test_event_log_needs_an_update_time(tmp_path):
    bad = tmp_path / "sn.yml"
    shutil.copy(PRESETS / "servicenow.yml", bad)
    bad.write_text(bad.read_text().replace("  updated_at: sys_updated_at\n", "")
                   .replace("required: [id, created_at, updated_at]", "required: [id, created_at]"))
    with pytest.raises(InputError, match="an event log needs an 'updated_at' column"):
        load_preset(str(bad))
