"""The shapes real exports come in, each reproduced by a small fixture, with values worked out by hand.

dd-mm-yy dates, an ambiguous day/month column, 1900-01-01 placeholders with status-first
solving, a newest-first change log with date-only ties and blank unchanged fields, a call
log (composite id, split date and time, test calls, short abandons) and a business-hours-only
export.
"""

from __future__ import annotations

import json
from pathlib import Path

from kpi_cli import run, table, write


def report_of(tmp_path: Path, *args: str) -> tuple[dict, object]:
    rep = tmp_path / "quality.json"
    r = run(*args, "--report", str(rep))
    assert r.exit_code == 0, r.output
    return json.loads(rep.read_text()), r


# ---------------------------------------------------------------- two-digit years

DMY = """Id,Group,Status,Created at,Solved at
1,support-emea,closed,22-04-15 10:00,22-04-15 14:00
2,support-emea,closed,03-05-15 09:00,04-05-15 09:00
3,support-emea,open,28-12-14 08:00,
"""


def test_dd_mm_yy_is_refused_as_ambiguous_then_read_in_the_right_century(tmp_path):
    path = write(tmp_path, "dmy.csv", DMY)
    r = run(path, "--preset", "zendesk")
    # 22-04-15 is 22 April 2015 or 15 April 2022: every value reads both ways.
    assert r.exit_code == 1
    assert "column 'Created at'" in r.stderr and "'%d-%m-%y' or '%y-%m-%d'" in r.stderr
    assert "--date-format" in r.stderr and "Traceback" not in r.output
    t = table(run(path, "--preset", "zendesk", "--date-format", "%d-%m-%y %H:%M"))
    assert sorted({p for (p, _, _) in t}) == ["2014-Q4", "2015-Q2"]  # never year 22 AD
    assert t[("2015-Q2", "support-emea", "resolution_time")] == ("14.0", "2")  # 4 h and 24 h
    assert t[("2015-Q2", "support-emea", "backlog")] == ("1", "3")


def test_a_value_that_only_one_reading_makes_a_date_settles_the_column(tmp_path):
    # 30-01-99: yy-mm-dd would be day 99. The column is dd-mm-yy, and 99 is 1999.
    text = DMY.replace("28-12-14 08:00", "30-01-99 08:00")
    r = run(write(tmp_path, "dmy.csv", text), "--preset", "zendesk", "--date-format", "solved_at=%d-%m-%y %H:%M")
    t = table(r)
    assert ("1999-Q1", "all", "ticket_volume") in t and ("2015-Q2", "all", "ticket_volume") in t
    assert "created_at %d-%m-%y %H:%M" in r.stderr


# ---------------------------------------------------------------- placeholders and status first

PLACEHOLDERS = """Id,Group,Status,Created at,Solved at,First reply time in minutes
1,support-emea,solved,2026-01-05 09:00:00,2026-01-05 13:00:00,30
2,support-emea,open,2026-01-06 09:00:00,1900-01-01 00:00:00,
3,support-emea,pending,2026-01-07 09:00:00,1900-01-01 00:00:00,60
4,support-emea,open,2026-01-08 09:00:00,2026-01-09 09:00:00,10
5,support-emea,solved,2026-01-09 09:00:00,2026-01-10 09:00:00,20
6,support-emea,new,2026-02-01 09:00:00,0000-00-00 00:00:00,
7,support-emea,hold,2026-02-02 09:00:00,9999-12-31 00:00:00,5
8,support-emea,open,0001-01-01 00:00:00,,
"""


def test_placeholder_dates_are_missing_and_status_decides_solved(tmp_path):
    rep, r = report_of(tmp_path, write(tmp_path, "p.csv", PLACEHOLDERS), "--preset", "zendesk")
    t = table(r)
    # Tickets 1–7 count (8's creation date is a placeholder); only 1 and 5 are solved (status first):
    # ticket 4 is open although it carries a solve date, so 2–4, 6, 7 are the backlog.
    assert t[("2026-Q1", "support-emea", "ticket_volume")] == ("7", "7")
    assert t[("2026-Q1", "support-emea", "backlog")] == ("5", "7")
    assert t[("2026-Q1", "support-emea", "resolution_time")] == ("14.0", "2")   # 4 h and 24 h
    assert t[("2026-Q1", "support-emea", "unreplied")] == ("2", "7")            # 2 and 6
    assert t[("2026-Q1", "support-emea", "first_response_time")] == ("20.0", "5")  # 5 10 [20] 30 60
    assert rep["dropped"] == {"creation date missing (or a placeholder)": 1}  # never "solved before created"
    assert rep["placeholders"] == {"solved_at": 4, "created_at": 1}  # 1900 ×2, 0000-00-00, 9999-12-31; 0001
    assert rep["solved_dates_ignored"] == 1  # ticket 4
    assert "placeholder dates (read as missing): 1 created_at, 4 solved_at" in r.stderr


def test_impossible_calendar_dates_are_errors_counted_per_column(tmp_path):
    text = PLACEHOLDERS.replace("2026-01-10 09:00:00", "2026-02-30 09:00:00")
    rep, r = report_of(tmp_path, write(tmp_path, "p.csv", text), "--preset", "zendesk")
    assert [(p["field"], p["reason"], p["count"], p["examples"], p["lines"]) for p in rep["problems"]] == [
        ("solved_at", "not a calendar date", 1, ["2026-02-30 09:00:00"], [6])]
    assert "p.csv:6: warning: 1 value in column 'Solved at' (solved_at) not a calendar date" in r.stderr
    # Ticket 5 stays solved (its status says so) but its resolution time is unknown.
    assert table(r)[("2026-Q1", "support-emea", "resolution_time")] == ("4.0", "1")


def test_declared_and_undeclared_statuses(tmp_path):
    text = PLACEHOLDERS.replace("4,support-emea,open", "4,support-emea,Done").replace(
        "3,support-emea,pending", "3,support-emea,Pending publication")
    path = write(tmp_path, "s.csv", text)
    r = run(path, "--preset", "zendesk")
    t = table(r)
    # Done and Pending publication are not Zendesk statuses: both count as open, and are listed.
    assert t[("2026-Q1", "support-emea", "backlog")] == ("5", "7")
    assert "status values the preset does not declare: 'Done' (1), 'Pending publication' (1): counted as open; " \
           "declare each with --value \"status:VALUE=solved|open|ignore\"" in r.stderr
    r = run(path, "--preset", "zendesk", "--value", "status:Done=solved", "--value", "status:pending publication=open")
    t = table(r)
    assert t[("2026-Q1", "support-emea", "backlog")] == ("4", "7")
    assert t[("2026-Q1", "support-emea", "resolution_time")] == ("24.0", "3")  # 4 h, 24 h (ticket 4), 24 h
    assert "does not declare" not in r.stderr
    r = run(path, "--preset", "zendesk", "--value", "status:Done=ignore")
    assert table(r)[("2026-Q1", "support-emea", "ticket_volume")] == ("6", "6")
    assert "1 status 'Done' (ignored by --value)" in r.stderr


def test_bad_value_options_are_usage_errors(tmp_path):
    path = write(tmp_path, "p.csv", PLACEHOLDERS)
    for args, message in ((["--value", "status=solved"], "must look like FIELD:VALUE=MEANING"),
                          (["--value", "status:Done=finished"], "a status value can mean solved, open, ignore"),
                          (["--value", "created_at:x=ignore"], "holds dates, not coded values"),
                          (["--date-format", "created=%Y"], "created is not a date field"),
                          (["--date-format", "yyyy-mm-dd"], "is not a strptime format")):
        r = run(path, "--preset", "zendesk", *args)
        assert r.exit_code == 2, (args, r.output)
        assert message in r.stderr, (message, r.stderr)


# ---------------------------------------------------------------- event logs

CHANGE_LOG = """Issue key,Summary,Status,Created,Updated,Resolved,Team
SUP-1,,Done,2026-01-05,2026-01-09,2026-01-09,
SUP-1,,In Progress,2026-01-05,2026-01-09,,support-emea
SUP-1,Login fails,To Do,2026-01-05,2026-01-05,,support-emea
SUP-2,,Pending publication,2026-01-06,2026-01-08,,
SUP-2,Refund,In Progress,2026-01-06,2026-01-07,,support-apac
SUP-3,Bug,Done,2026-02-01,2026-02-03,2026-02-03,support-apac
"""


def test_newest_first_change_log_with_date_only_ties_and_blank_fields(tmp_path):
    rep, r = report_of(tmp_path, write(tmp_path, "jira.csv", CHANGE_LOG), "--preset", "jsm")
    t = table(r)
    # SUP-1's two rows of 9 January tie; the file runs newest first (SUP-1 and SUP-2 step back in
    # time going down), so the upper row (Done) is the latest. Its blank team comes from the row below.
    assert rep["event_log"] == {"rows_merged": 3, "order": "newest first", "evidence": 2, "ties": 1, "filled": 2}
    assert rep["tickets"] == 3
    assert t[("2026-Q1", "support-emea", "resolution_time")] == ("96.0", "1")  # 5 → 9 January
    assert t[("2026-Q1", "support-emea", "backlog")] == ("0", "1")
    assert t[("2026-Q1", "support-apac", "backlog")] == ("1", "2")  # SUP-2, team filled from its older row
    assert t[("2026-Q1", "support-apac", "resolution_time")] == ("48.0", "1")
    assert "event log, 3 earlier rows merged, file order newest first (from 2 changes)" in r.stderr
    assert "'Pending publication' (1): counted as open" in r.stderr


def test_the_same_log_oldest_first_gives_the_same_tickets(tmp_path):
    lines = CHANGE_LOG.splitlines(keepends=True)
    flipped = lines[0] + "".join(reversed(lines[1:]))
    rep, r = report_of(tmp_path, write(tmp_path, "jira.csv", flipped), "--preset", "jsm")
    assert rep["event_log"]["order"] == "oldest first"
    assert table(r)[("2026-Q1", "support-emea", "resolution_time")] == ("96.0", "1")  # still Done


def test_map_updated_at_makes_any_preset_read_an_event_log(tmp_path):
    text = CHANGE_LOG.replace("Updated", "Last change")
    r = run(write(tmp_path, "jira.csv", text), "--preset", "jsm")
    # Without an update column a repeated id keeps its last row (SUP-1 To Do: open).
    assert table(r)[("2026-Q1", "support-emea", "backlog")] == ("1", "1")
    assert "duplicate ticket id (the last row is kept)" in r.stderr
    r = run(str(tmp_path / "jira.csv"), "--preset", "jsm", "--map", "updated_at=Last change")
    assert table(r)[("2026-Q1", "support-emea", "backlog")] == ("0", "1")
    assert "file order newest first" in r.stderr


# ---------------------------------------------------------------- call logs

CALLS = """vru_line,call_id,customer_id,date,q_start,q_time,ser_time,outcome,queue
AA0101,1,c1,260105,10:00:00,0,120,AGENT,Billing
AA0101,2,c2,260105,10:05:00,15,300,AGENT,Billing
AA0102,1,c3,260105,10:06:00,40,180,AGENT,Billing
AA0102,2,c4,260106,11:00:00,3,0,HANG,Billing
AA0103,1,c5,260106,11:10:00,0,0,HANG,Billing
AA0103,2,c6,260106,11:20:00,30,0,HANG,Billing
AA0103,3,c0,260107,09:00:00,0,0,PHANTOM,Billing
AA0102,3,c7,260108,14:00:00,5,240,AGENT,Billing
AA0104,1,c8,260108,14:30:00,5,0,HANG,Billing
AA0104,2,c9,260109,15:00:00,10,60,TRANSFER,Billing
"""
CALL_ARGS = ["--preset", "calls", "--map", "id=vru_line+call_id", "--map", "created_at=date+q_start",
             "--team-map", "Billing=support-emea"]


def test_call_log_metrics(tmp_path):
    path = write(tmp_path, "calls.csv", CALLS)
    rep, r = report_of(tmp_path, path, *CALL_ARGS, "--date-format", "%y%m%d %H:%M:%S")
    t = table(r)
    # 9 calls (the PHANTOM test call is dropped). Answered: waits 0, 15, 40, 5 → ASA 60 / 4 = 15 s.
    # Offered: the 4 answered + 2 abandons after ≥ 5 s (30 s, 5 s); the 3 s hang-up and the one in the
    # voice menu (0 s) never reached the queue. Abandonment 2 / 6; within 20 s: 0, 15, 5 → 3 / 6.
    # AHT: (120 + 300 + 180 + 240) / 4 = 210 s = 3.5 min. TRANSFER is undeclared: volume only.
    assert {m: v for (p, team, m), v in t.items() if team == "support-emea"} == {
        "ticket_volume": ("9", "9"), "asa": ("15.0", "4"), "abandonment_rate": ("33.3", "6"),
        "service_level": ("50.0", "6"), "aht": ("3.5", "4")}
    assert {p for (p, _, _) in t} == {"2026-Q1"}
    assert rep["unit"] == "calls" and rep["dropped"] == {"outcome 'PHANTOM' (ignored by the preset)": 1}
    assert rep["undeclared"] == {"outcome": {"TRANSFER": 1}}
    assert rep["files"][0]["columns"]["id"] == "vru_line + call_id"  # AA0101 1 and AA0102 1 are two calls
    assert rep["settings"] == {"short_abandon_seconds": 5.0, "service_level_seconds": 20.0}
    assert "calls: 9 (preset calls)" in r.stderr
    # Inferred without --date-format: 260105 can only be yymmdd.
    assert table(run(path, *CALL_ARGS)) == t


def test_call_thresholds_and_declared_outcomes(tmp_path):
    path = write(tmp_path, "calls.csv", CALLS)
    t = table(run(path, *CALL_ARGS, "--short-abandon-seconds", "3", "--service-level-seconds", "40"))
    # The 3 s hang-up now counts as offered: 3 abandoned of 7; within 40 s: all 4 answered.
    assert t[("2026-Q1", "all", "abandonment_rate")] == ("42.9", "7")
    assert t[("2026-Q1", "all", "service_level")] == ("57.1", "7")
    t = table(run(path, *CALL_ARGS, "--value", "outcome:TRANSFER=answered", "--value", "outcome:HANG=abandoned"))
    # TRANSFER answered after 10 s with 60 s handling: ASA 70 / 5, AHT 900 / 5 s = 3 min.
    assert t[("2026-Q1", "all", "asa")] == ("14.0", "5")
    assert t[("2026-Q1", "all", "aht")] == ("3.0", "5")
    assert t[("2026-Q1", "all", "abandonment_rate")] == ("28.6", "7")
    assert t[("2026-Q1", "all", "service_level")] == ("57.1", "7")


def test_a_plus_that_belongs_to_a_header_stays_in_the_name(tmp_path):
    text = CALLS.replace("q_time", "wait+hold").replace("vru_line,call_id", "line,call")
    t = table(run(write(tmp_path, "c.csv", text), "--preset", "calls", "--map", "queue_seconds=wait+hold",
                  "--map", "id=line+call", "--map", "created_at=date+q_start"))
    assert t[("2026-Q1", "all", "asa")] == ("15.0", "4")
    r = run(str(tmp_path / "c.csv"), "--preset", "calls", "--map", "queue_seconds=wait+nothing")
    assert r.exit_code == 1 and "missing column 'wait+nothing' (--map queue_seconds=wait+nothing)" in r.stderr


# ---------------------------------------------------------------- business hours

BUSINESS = """Id,Group,Status,Created at,First reply time in minutes within business hours,Full resolution time in minutes within business hours
1,support-emea,solved,2026-01-05 09:00:00,30,240
2,support-emea,solved,2026-01-06 09:00:00,90,600
3,support-emea,open,2026-01-07 09:00:00,,
4,support-emea,solved,2026-01-08 09:00:00,15,120
5,support-emea,open,2026-01-09 09:00:00,soon,
"""


def test_business_hours_only_export(tmp_path):
    r = run(write(tmp_path, "b.csv", BUSINESS), "--preset", "zendesk")
    t = table(r)
    emea = {m: v for (p, team, m), v in t.items() if team == "support-emea"}
    assert emea == {
        "ticket_volume": ("5", "5"),
        "first_response_time_business": ("30.0", "3"),       # 15 [30] 90
        "first_response_time_business_p90": ("78.0", "3"),   # 30 + 0.8 × 60
        "unreplied": ("1", "4"),                             # ticket 3; ticket 5's 'soon' is unknown, not unreplied
        "resolution_time_business": ("4.0", "3"),            # 2 h [4 h] 10 h
        "resolution_time_business_p90": ("8.8", "3"),        # 4 + 0.8 × 6
        "backlog": ("2", "5"),
    }
    assert "first_response_time " not in r.stdout and ",first_response_time," not in r.stdout


def test_a_mapping_is_never_silently_ignored(tmp_path):
    text = "Id,Group,Status,Created at,Via,Updated\n1,support-emea,open,2026-01-05 09:00:00,Mail,2026-01-05 09:00:00\n"
    path = write(tmp_path, "t.csv", text)
    r = run(path, "--preset", "zendesk", "--map", "channel=Via", "--map", "updated_at=Updated")
    assert r.exit_code == 0, r.output
    assert "--map channel=Via: read, but no metric uses the channel" in r.stderr
    assert "--map updated_at=Updated: every id appears once, so the file has one row per ticket" in r.stderr


def test_a_change_log_split_over_two_files_is_still_one_event_log(tmp_path):
    lines = CHANGE_LOG.splitlines(keepends=True)
    a = write(tmp_path, "a.csv", "".join(lines[:3]))
    b = write(tmp_path, "b.csv", lines[0] + "".join(lines[3:]))
    rep = tmp_path / "q.json"
    r = run(a, b, "--preset", "jsm", "--report", str(rep))
    t = table(r)
    assert t[("2026-Q1", "support-emea", "resolution_time")] == ("96.0", "1")
    assert json.loads(rep.read_text())["tickets"] == 3
