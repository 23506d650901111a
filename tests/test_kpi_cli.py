"""The `cssite kpi` command itself: output formats, the report, help, and the example export."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cssite.cli import cli

REPO = Path(__file__).resolve().parent.parent
FIX = Path(__file__).parent / "fixtures" / "exports"
EXAMPLE = REPO / "content" / "exports" / "zendesk-tickets.csv"
TEAM_MAP = ["--team-map", "EMEA Support=support-emea", "--team-map", "Americas Support=support-americas",
            "--team-map", "APAC Support=support-apac"]


def test_json_output_and_report_file(tmp_path):
    out, rep = tmp_path / "k.json", tmp_path / "quality.json"
    r = CliRunner().invoke(cli, ["kpi", str(FIX / "zendesk_small.csv"), "--preset", "zendesk",
                                 "--team-map", "EMEA Support=support-emea", "--format", "json",
                                 "-o", str(out), "--report", str(rep)])
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    rows = json.loads(out.read_text())
    csat = next(x for x in rows if (x["period"], x["team"], x["metric"]) == ("2026-Q1", "support-emea", "csat"))
    assert csat == {"period": "2026-Q1", "team": "support-emea", "metric": "csat", "value": 66.7, "n": 3,
                    "ci_low": 20.8, "ci_high": 93.9}
    volume = next(x for x in rows if (x["team"], x["metric"]) == ("all", "ticket_volume"))
    assert volume["value"] == 10 and volume["ci_low"] is None
    report = json.loads(rep.read_text())
    assert report["rows_read"] == 13 and report["tickets"] == 12
    assert report["dropped"] == {"solved before created": 1}
    assert report["unmapped_teams"] == {"(empty)": 1, "Billing": 1}
    assert report["files"][0]["columns"]["csat_rating"] == "Satisfaction Score"
    assert report["absent"] == {
        "first_response_time_business": "no business-hours first reply column",
        "first_response_time_business_p90": "no business-hours first reply column",
        "resolution_time_business": "no business-hours resolution column",
        "resolution_time_business_p90": "no business-hours resolution column",
        "nps": "no nps_score column", "ces": "no ces_score column",
        **{m: "no outcome column" for m in ("asa", "abandonment_rate", "service_level", "aht")}}
    assert report["warnings"][0].startswith("unmapped teams: '(empty)' (1), 'Billing' (1)")
    assert f"wrote {len(rows)} KPI rows to {out}" in r.stderr


def test_csv_to_a_file_matches_stdout(tmp_path):
    args = ["kpi", str(FIX / "jsm_ratings.tsv"), "--preset", "jsm"]
    to_stdout = CliRunner().invoke(cli, args)
    to_file = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "k.csv")])
    assert to_stdout.exit_code == to_file.exit_code == 0
    assert (tmp_path / "k.csv").read_text() == to_stdout.stdout
    # Without --team-map, "Tier 1" is not a team id: reported, and counted in 'all' only.
    assert {r["team"] for r in csv.DictReader(io.StringIO(to_stdout.stdout))} == {"all"}
    assert "unmapped teams: 'Tier 1' (3), 'Tier 2' (3)" in to_stdout.stderr


def test_help_explains_the_options():
    r = CliRunner().invoke(cli, ["kpi", "--help"])
    assert r.exit_code == 0
    for text in ("--preset NAME|FILE", "zendesk, freshdesk, jsm, servicenow, survey or calls", "--map FIELD=COLUMN",
                 "csat_rating", "--team-map VALUE=TEAM", "--granularity [quarter|month]", "--period PERIOD",
                 "--encoding ENC", "--format [csv|json]", "--report", "period,team,metric,value,n,ci_low,ci_high"):
        assert text in " ".join(r.output.split()), text


def test_example_export_is_the_seeded_generators_output(tmp_path):
    out = tmp_path / "again.csv"
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_example_export.py"), "-o", str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == EXAMPLE.read_bytes()
    assert 1_000_000 <= EXAMPLE.stat().st_size <= 1_500_000


def test_example_export_shows_the_intended_trends():
    r = CliRunner().invoke(cli, ["kpi", str(EXAMPLE), "--preset", "zendesk", *TEAM_MAP])
    assert r.exit_code == 0, r.output
    v = {(x["period"], x["team"], x["metric"]): float(x["value"]) for x in csv.DictReader(io.StringIO(r.stdout))}
    quarters = ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert {p for (p, _, _) in v} == set(quarters)
    emea_frt = [v[(q, "support-emea", "first_response_time")] for q in quarters]
    assert emea_frt[-1] < 0.6 * emea_frt[0]                        # EMEA replies faster
    apac_csat = [v[(q, "support-apac", "csat")] for q in quarters]
    assert apac_csat[-1] < apac_csat[1] - 6                          # APAC CSAT falls over the year
    americas = [v[(q, "support-americas", "csat")] for q in quarters]
    assert max(americas) - min(americas) < 5                         # Americas steady
    assert v[("2026-Q3", "all", "backlog")] > 0                      # some tickets still open
    assert "3 solved before created" in r.stderr                     # the impossible rows, dropped
    assert "unmapped teams: none" in r.stderr


def test_example_call_log_is_the_seeded_generators_output_and_the_build_computes_it(tmp_path):
    out = tmp_path / "calls.csv"
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_example_calls.py"), "-o", str(out)],
                   check=True, capture_output=True)
    calls = REPO / "content" / "exports" / "calls.csv"
    assert out.read_bytes() == calls.read_bytes()
    # The telephony figures are computed, not typed: no hand-made KPI table carries them any more.
    typed = "".join(p.read_text() for p in (REPO / "content" / "metrics").glob("*.csv"))
    assert not any(f",{m}," in typed for m in ("asa", "abandonment_rate", "service_level", "aht"))
    from cssite.errors import Diagnostics
    from cssite.load.config import load_catalogue, load_config
    from cssite.load.exports import kpis_from_exports

    d = Diagnostics(REPO)
    config = load_config(REPO, d)
    entry = next(s for s in config.tickets if s.path == "content/exports/calls.csv")
    assert entry.options.date_formats == {"*": "%y%m%d %H:%M:%S"}
    assert entry.options.mapping["id"] == "vru_line+call_id"
    df = kpis_from_exports(REPO, config, load_catalogue(REPO, config, d), d)
    assert not d.errors, [str(x) for x in d.errors]
    mine = df[df.source == "content/exports/calls.csv"]
    assert set(mine.metric) == {"asa", "abandonment_rate", "service_level", "aht"}
    assert len(mine) == 4 * 6 * 4  # four metrics, six quarters, three teams and 'all'
    apac = mine[(mine.team == "support-apac") & (mine.metric == "service_level")].sort_values("period")
    assert apac.value.iloc[-1] < apac.value.iloc[0]  # APAC's queue grows with its volume
