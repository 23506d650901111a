"""Every metric, computed by the real `cssite kpi` on small exports, against values worked out by hand.

Each fixture's expected values are derived in the comments beside them; medians and
90th percentiles interpolate linearly between ranks (p90 of [a0..ak] sits at 0.9·k).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from cssite.cli import cli

FIX = Path(__file__).parent / "fixtures" / "exports"


def kpi(*args: str) -> tuple[dict, str]:
    """Run `cssite kpi ARGS`; return {(period, team, metric): (value, n, ci_low, ci_high)} and stderr."""
    result = CliRunner().invoke(cli, ["kpi", *args])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["period", "team", "metric", "value", "n", "ci_low", "ci_high"]
    out = {}
    for r in rows:
        key = (r["period"], r["team"], r["metric"])
        assert key not in out, f"duplicate row {key}"
        out[key] = (r["value"], r["n"], r["ci_low"], r["ci_high"])
    return out, result.stderr


def metrics_of(table: dict, period: str, team: str) -> dict:
    return {m: v for (p, t, m), v in table.items() if p == period and t == team}


# ---------------------------------------------------------------- Zendesk, Good/Bad CSAT

@pytest.fixture(scope="module")
def zendesk():
    return kpi(str(FIX / "zendesk_small.csv"), "--preset", "zendesk", "--team-map", "EMEA Support=support-emea")


def test_zendesk_emea_q1(zendesk):
    table, _ = zendesk
    # Tickets 1–5 (11 is dropped: solved before created). Replied: 10, 20, 30, 50 minutes.
    # Solved (solved/closed): 4 h, 24 h, 2 h, 48 h. Ratings: Good, Bad, Good, (Not Offered), Offered.
    assert metrics_of(table, "2026-Q1", "support-emea") == {
        "ticket_volume": ("5", "5", "", ""),
        "first_response_time": ("25.0", "4", "", ""),        # (20 + 30) / 2
        "first_response_time_p90": ("44.0", "4", "", ""),    # 30 + 0.7 × (50 − 30)
        "unreplied": ("1", "5", "", ""),                     # ticket 4
        "resolution_time": ("14.0", "4", "", ""),            # (4 + 24) / 2
        "resolution_time_p90": ("40.8", "4", "", ""),        # 24 + 0.7 × 24
        "csat": ("66.7", "3", "20.8", "93.9"),               # 2 Good of 3 rated; Wilson 95 %
        "csat_response_rate": ("75.0", "4", "", ""),         # 3 rated of 4 surveyed (Offered counts)
        "fcr": ("50.0", "4", "", ""),                        # replies 1, 2, 1, 3: two one-touch
        "reopen_rate": ("25.0", "4", "", ""),                # ticket 3
        "sla_compliance": ("50.0", "4", "", ""),             # Achieved 1, 2; Breached 3, 5
    }


def test_zendesk_apac_q1_team_value_that_is_already_an_id(zendesk):
    table, _ = zendesk
    # "support-apac" needs no --team-map. Tickets 6, 7, 8 (8 pending). Replies at 40, 60, 15 min.
    assert metrics_of(table, "2026-Q1", "support-apac") == {
        "ticket_volume": ("3", "3", "", ""),
        "first_response_time": ("40.0", "3", "", ""),
        "first_response_time_p90": ("56.0", "3", "", ""),    # 40 + 0.8 × 20
        "unreplied": ("0", "3", "", ""),
        "resolution_time": ("15.0", "2", "", ""),            # 6 h and 24 h
        "resolution_time_p90": ("22.2", "2", "", ""),        # 6 + 0.9 × 18
        "csat": ("100.0", "1", "20.7", "100.0"),
        "csat_response_rate": ("50.0", "2", "", ""),
        "fcr": ("50.0", "2", "", ""),
        "reopen_rate": ("0.0", "2", "", ""),
        "sla_compliance": ("100.0", "2", "", ""),
    }


def test_zendesk_all_includes_unmapped_groups(zendesk):
    table, _ = zendesk
    # 'all' has tickets 1–10: the Billing ticket and the one without a group count here only.
    assert metrics_of(table, "2026-Q1", "all") == {
        "ticket_volume": ("10", "10", "", ""),
        "first_response_time": ("25.0", "9", "", ""),        # 5 10 15 20 [25] 30 40 50 60
        "first_response_time_p90": ("52.0", "9", "", ""),    # 50 + 0.2 × 10
        "unreplied": ("1", "10", "", ""),
        "resolution_time": ("5.0", "8", "", ""),             # 1 2 2 4 | 6 24 24 48
        "resolution_time_p90": ("31.2", "8", "", ""),        # 24 + 0.3 × 24
        "csat": ("66.7", "6", "30.0", "90.3"),               # 4 Good of 6
        "csat_response_rate": ("75.0", "8", "", ""),
        "fcr": ("62.5", "8", "", ""),
        "reopen_rate": ("12.5", "8", "", ""),
        "sla_compliance": ("71.4", "7", "", ""),             # 5 of 7 with an outcome
    }


def test_zendesk_second_quarter_and_backlog(zendesk):
    table, _ = zendesk
    # Ticket 13 (new, never replied, SLA breached) has no reply, solve or rating: those metrics are absent.
    assert metrics_of(table, "2026-Q2", "support-apac") == {
        "ticket_volume": ("1", "1", "", ""),
        "unreplied": ("1", "1", "", ""),
        "sla_compliance": ("0.0", "1", "", ""),
        "backlog": ("2", "4", "", ""),                       # tickets 8 and 13 are open, of 4
    }
    assert table[("2026-Q2", "support-emea", "backlog")] == ("1", "6", "", "")  # ticket 4
    assert table[("2026-Q2", "all", "backlog")] == ("3", "12", "", "")
    assert table[("2026-Q2", "all", "sla_compliance")] == ("50.0", "2", "", "")
    # The backlog is a stock at export time: reported for the last period only.
    assert not any(m == "backlog" for (p, _, m) in table if p == "2026-Q1")
    # No NPS or CES column: those metrics are absent, not zero.
    assert not any(m in ("nps", "ces") for (_, _, m) in table)


def test_zendesk_quality_summary(zendesk):
    table, err = zendesk
    assert "13 rows" in err
    assert "tickets: 12" in err
    assert "1 solved before created" in err
    assert "'Billing' (1)" in err and "'(empty)' (1)" in err
    assert "warning: unmapped teams" in err
    assert not any(t == "billing" or t == "Billing" for (_, t, _) in table)


def test_month_granularity(tmp_path):
    table, _ = kpi(str(FIX / "zendesk_small.csv"), "--preset", "zendesk", "--granularity", "month",
                   "--team-map", "EMEA Support=support-emea")
    # January: tickets 1, 2 (EMEA), 6 (APAC), 9 (Billing).
    assert table[("2026-01", "all", "ticket_volume")] == ("4", "4", "", "")
    assert table[("2026-01", "support-emea", "csat")][:2] == ("50.0", "2")
    assert table[("2026-04", "all", "backlog")] == ("3", "12", "", "")


# ---------------------------------------------------------------- JSM: 1–5 CSAT, Jira dates, BOM, tabs

def test_jsm_one_to_five_scale():
    table, err = kpi(str(FIX / "jsm_ratings.tsv"), "--preset", "jsm",
                     "--team-map", "Tier 1=support-emea", "--team-map", "Tier 2=support-apac")
    assert "UTF-8 with BOM, tab-separated" in err
    # Tier 1: ratings 5, 4, 3 → 4–5 count as good: 2 of 3. Times 8 h, 48 h, 2 h.
    # SLA "time left" 4:10 met, −2:30 breached, 1:00 met.
    assert metrics_of(table, "2026-Q1", "support-emea") == {
        "ticket_volume": ("3", "3", "", ""),
        "resolution_time": ("8.0", "3", "", ""),
        "resolution_time_p90": ("40.0", "3", "", ""),        # 8 + 0.8 × 40
        "csat": ("66.7", "3", "20.8", "93.9"),
        "sla_compliance": ("66.7", "3", "", ""),
        "backlog": ("0", "3", "", ""),
    }
    # Tier 2: ratings 1, 5 (SUP-5 unrated, in progress). Times 24 h, 2 h.
    assert metrics_of(table, "2026-Q1", "support-apac") == {
        "ticket_volume": ("3", "3", "", ""),
        "resolution_time": ("13.0", "2", "", ""),
        "resolution_time_p90": ("21.8", "2", "", ""),        # 2 + 0.9 × 22
        "csat": ("50.0", "2", "9.5", "90.5"),
        "sla_compliance": ("50.0", "2", "", ""),
        "backlog": ("1", "3", "", ""),
    }
    assert table[("2026-Q1", "all", "csat")] == ("60.0", "5", "23.1", "88.2")
    assert table[("2026-Q1", "all", "resolution_time_p90")] == ("38.4", "5", "", "")  # 24 + 0.6 × 24
    # A 1–5 rating column does not say who was surveyed: no response rate.
    assert not any(m == "csat_response_rate" for (_, _, m) in table)


# ---------------------------------------------------------------- ServiceNow event log

def test_servicenow_event_log_keeps_each_tickets_latest_row():
    table, err = kpi(str(FIX / "servicenow_events.csv"), "--preset", "servicenow",
                     "--team-map", "Group 1=support-emea", "--team-map", "Group 2=support-apac")
    # 11 rows, 6 incidents; INC004 is canceled (ignored), INC005 resolved before it was opened.
    assert "11 rows" in err and "tickets: 4" in err and "5 earlier rows merged" in err
    # INC001 rises 3 times down the file, INC006 once, INC002 falls once: oldest first, from 5 changes.
    assert "file order oldest first (from 5 changes)" in err
    assert "1 status 'Canceled'" in err and "1 solved before created" in err
    # INC001: latest row Closed (resolved after 6 h, no reopen, SLA made); INC003 still Active.
    assert metrics_of(table, "2026-Q1", "support-emea") == {
        "ticket_volume": ("2", "2", "", ""),
        "resolution_time": ("6.0", "1", "", ""),
        "resolution_time_p90": ("6.0", "1", "", ""),
        "reopen_rate": ("0.0", "1", "", ""),
        "sla_compliance": ("100.0", "2", "", ""),
    }
    # INC002: its latest row (13-02, listed first in the file) is Resolved, reopened once, SLA missed.
    assert metrics_of(table, "2026-Q1", "support-apac") == {
        "ticket_volume": ("1", "1", "", ""),
        "resolution_time": ("24.0", "1", "", ""),
        "resolution_time_p90": ("24.0", "1", "", ""),
        "reopen_rate": ("100.0", "1", "", ""),
        "sla_compliance": ("0.0", "1", "", ""),
    }
    assert table[("2026-Q1", "all", "resolution_time")] == ("15.0", "2", "", "")
    assert table[("2026-Q1", "all", "sla_compliance")] == ("66.7", "3", "", "")
    assert table[("2026-Q2", "all", "resolution_time")] == ("4.0", "1", "", "")   # INC006
    assert table[("2026-Q2", "support-emea", "backlog")] == ("1", "2", "", "")  # INC003
    assert table[("2026-Q2", "all", "backlog")] == ("1", "4", "", "")


# ---------------------------------------------------------------- Freshdesk, Latin-1, semicolons

def test_latin1_semicolon_file():
    table, err = kpi(str(FIX / "freshdesk_latin1.csv"), "--preset", "freshdesk",
                     "--team-map", "Équipe Paris=support-emea", "--team-map", "Support Montréal=support-americas")
    assert "warning: not UTF-8: read as Windows-1252" in err
    assert "semicolon-separated" in err
    # Replies at 30 and 120 min (from the timestamps); solved after 8 h and 24 h; Awesome / Not Good.
    assert metrics_of(table, "2026-Q1", "support-emea") == {
        "ticket_volume": ("2", "2", "", ""),
        "first_response_time": ("75.0", "2", "", ""),
        "first_response_time_p90": ("111.0", "2", "", ""),   # 30 + 0.9 × 90
        "unreplied": ("0", "2", "", ""),
        "resolution_time": ("16.0", "2", "", ""),
        "resolution_time_p90": ("22.4", "2", "", ""),
        "csat": ("50.0", "2", "9.5", "90.5"),
        "fcr": ("50.0", "2", "", ""),                        # 1 and 3 agent interactions
        "sla_compliance": ("50.0", "2", "", ""),
        "backlog": ("0", "2", "", ""),
    }
    # Ticket 3 is open with N/A, -, ? and NA as its missing values.
    assert metrics_of(table, "2026-Q1", "support-americas")["unreplied"] == ("1", "2", "", "")
    assert table[("2026-Q1", "all", "first_response_time")] == ("30.0", "3", "", "")
    assert table[("2026-Q1", "all", "csat")] == ("33.3", "3", "6.1", "79.2")
    assert table[("2026-Q1", "all", "fcr")] == ("66.7", "3", "", "")
    assert table[("2026-Q1", "all", "backlog")] == ("1", "4", "", "")


def test_forced_encoding_gives_no_warning():
    _, err = kpi(str(FIX / "freshdesk_latin1.csv"), "--preset", "freshdesk", "--encoding", "latin-1",
                 "--team-map", "Équipe Paris=support-emea", "--team-map", "Support Montréal=support-americas")
    assert "warning" not in err


# ---------------------------------------------------------------- survey wave: NPS, CES, --period

def test_survey_nps_and_ces_with_period():
    table, err = kpi(str(FIX / "survey_wave.csv"), "--preset", "survey", "--map", "nps_score=Recommend",
                     "--period", "2026-Q3")
    # EMEA: 10 9 8 6 10 → 3 promoters, 1 detractor of 5: NPS 40; Var = (0.6 + 0.2 − 0.4²)/5 = 0.128,
    # half-width 1.96 × 100 × √0.128 = 70.1 → [−30.1, 110.1], kept within ±100.
    assert table[("2026-Q3", "support-emea", "nps")] == ("40.0", "5", "-30.1", "100.0")
    # APAC: "10 - Extremely likely", 7, 0 (11 is out of range, N/A missing): 1 P, 1 D of 3.
    assert table[("2026-Q3", "support-apac", "nps")] == ("0.0", "3", "-92.4", "92.4")
    # All: 4 P, 2 D of 8: NPS 25; Var = (0.5 + 0.25 − 0.25²)/8; half-width 57.5.
    assert table[("2026-Q3", "all", "nps")] == ("25.0", "8", "-32.5", "82.5")
    # CES (1–7, the survey preset finds the Effort column): 7 6 5 4 7; 6 3 1 (8 is out of range).
    assert table[("2026-Q3", "support-emea", "ces")] == ("5.80", "5", "", "")
    assert table[("2026-Q3", "support-apac", "ces")] == ("3.33", "3", "", "")
    assert table[("2026-Q3", "all", "ces")] == ("4.88", "8", "", "")
    assert {m for (_, _, m) in table} == {"nps", "ces"}  # a survey has no tickets to count
    assert "responses: 10" in err
    assert "could not be read, e.g. '11'" in err and "e.g. '8'" in err


def test_period_selects_rows_of_a_dated_export():
    table, _ = kpi(str(FIX / "zendesk_small.csv"), "--preset", "zendesk", "--period", "2026-Q2",
                   "--team-map", "EMEA Support=support-emea")
    assert {p for (p, _, _) in table} == {"2026-Q2"}
    assert table[("2026-Q2", "all", "ticket_volume")] == ("2", "2", "", "")
    # The backlog still counts tickets opened before 2026-Q2 and still open at export time.
    assert table[("2026-Q2", "all", "backlog")] == ("3", "12", "", "")
    months, _ = kpi(str(FIX / "zendesk_small.csv"), "--preset", "zendesk", "--period", "2026-02")
    assert {p for (p, _, _) in months} == {"2026-02"}
    assert months[("2026-02", "all", "ticket_volume")] == ("3", "3", "", "")  # 3, 7, 10 (11 is dropped)
