"""Five real export shapes, run as the README documents, every value worked out by hand.

Each fixture copies the columns and the quirks of a public export: a Zendesk ticket CSV
(BOM, semicolons, CRLF, decimal commas, a quoted line break, dd-mm-yyyy dates, a
1900-01-01 placeholder, an open ticket with a solve date, a deleted ticket, a malformed
row), a consumer-complaints log shaped like the CFPB's (mm/dd/yy, a status vocabulary no
preset knows), a Jira change log (newest first, date-only ties, blank unchanged fields), a
bank call-centre log shaped like the Technion one (`vru+line` + call id, yymmdd + clock
time, PHANTOM test calls, short abandons, voice-menu hang-ups) and a post-purchase survey
(Excel's `sep=` line, Windows-1252, ISO times with UTC offsets, blank answers, a
re-exported duplicate). The expected numbers are in the comments beside them.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from kpi_cli import run, table, write


def kpis(result) -> dict:
    """{(period, team, metric): (value, n)} as floats and ints."""
    return {k: (float(v), int(n)) for k, (v, n) in table(result).items()}


# ---------------------------------------------------------------- Zendesk

ZD_HEADER = ["Id", "Requester", "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Via", "Ticket type",
             "Created at", "Updated at", "Assigned at", "Solved at", "Resolution time", "Satisfaction Score",
             "Reopens", "Replies", "First reply time in minutes", "First reply time in minutes within business hours",
             "First resolution time in minutes", "First resolution time in minutes within business hours",
             "Full resolution time in minutes", "Full resolution time in minutes within business hours"]
# id, group, subject, status, created, solved at, satisfaction, reopens, replies,
# first reply (calendar, business), full resolution (calendar, business), in minutes
ZD_TICKETS = [
    (101, "EMEA Support", "Login", "solved", "05-01-2026 09:00", "05-01-2026 13:30", "Good", 0, 1, "30", "30", "270", "270"),
    (102, "EMEA Support", "Invoice", "closed", "12-01-2026 22:00", "14-01-2026 10:00", "Bad", 1, 3, "600,5", "60", "2160", "480"),
    (103, "EMEA Support", "Password", "open", "20-02-2026 08:15", "1900-01-01 00:00:00", "Offered", 0, 1, "45", "45", "", ""),
    (104, "Billing", "Card", "pending", "28-02-2026 17:00", "", "Not Offered", 0, 0, "", "", "", ""),
    (105, "Billing", "Refund", "open", "03-03-2026 10:00", "04-03-2026 10:00", "Good", 0, 1, "10", "10", "1440", "480"),
    (106, "Billing", 'Refund\r\nplease, "urgent"', "solved", "15-03-2026 11:00", "15-03-2026 12:00", "Good", 0, 1, "5", "5", "60", "60"),
    (107, "Billing", "Late", "solved", "31-03-2026 23:30", "01-04-2026 01:30", "Bad", 0, 2, "20", "0", "120", "0"),
    (108, "EMEA Support", "Hello", "solved", "02-04-2026 09:00", "02-04-2026 09:45", "Good", 0, 1, "15", "15", "45", "45"),
    (109, "EMEA Support", "On hold", "hold", "10-04-2026 14:00", "", "Offered", 0, 1, "120", "100", "", ""),
    (110, "Billing", "Escalated", "escalated", "11-04-2026 10:00", "", "", 0, 1, "30", "30", "", ""),
    (111, "Billing", "Spam", "deleted", "20-04-2026 08:00", "", "", 0, 0, "", "", "", ""),
    (112, "Sales", "Quote", "solved", "21-04-2026 08:00", "21-04-2026 20:00", "Good", 2, 1, "600", "90", "720", "180"),
]


def zendesk_bytes(tickets=ZD_TICKETS) -> bytes:
    def q(v):
        v = str(v)
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ';"\r\n') else v

    lines = [";".join(ZD_HEADER)]
    for (i, g, s, st, c, so, sat, ro, rp, f, fb, fr, frb) in tickets:
        row = [i, "Ann", "Bob", g, s, "tag", st, "normal", "email", "question", c, c, c, so, "", sat, ro, rp, f, fb,
               "", "", fr, frb]
        lines.append(";".join(q(x) for x in row))
        if i == 106:
            lines.append("999;broken row;only three")  # line 9: the header's 24 fields it has not
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


ZD_ARGS = ("--preset", "zendesk", "--team-map", "EMEA Support=support-emea", "--team-map", "Billing=billing")

# Kept: 101–110 and 112 (111 is deleted; the line-9 row is malformed). Solved by status: 101, 102, 106, 107,
# 108, 112; open: 103, 104, 105 (its solve date is ignored), 109, and 110 ('escalated', undeclared).
# Quarters by creation: Q1 = 101–107, Q2 = 108–110, 112 (Sales: team 'all' only).
ZD_EXPECTED = {
    ("2026-Q1", "support-emea", "ticket_volume"): (3, 3),
    ("2026-Q1", "billing", "ticket_volume"): (4, 4),
    ("2026-Q1", "all", "ticket_volume"): (7, 7),
    ("2026-Q2", "support-emea", "ticket_volume"): (2, 2),
    ("2026-Q2", "billing", "ticket_volume"): (1, 1),
    ("2026-Q2", "all", "ticket_volume"): (4, 4),
    # calendar first reply: emea 30, 600.5, 45 → median 45, p90 45 + 0.8·555.5 = 489.4
    ("2026-Q1", "support-emea", "first_response_time"): (45.0, 3),
    ("2026-Q1", "support-emea", "first_response_time_p90"): (489.4, 3),
    ("2026-Q1", "billing", "first_response_time"): (10.0, 3),  # 5, 10, 20 (104 unreplied)
    ("2026-Q1", "billing", "first_response_time_p90"): (18.0, 3),
    ("2026-Q1", "all", "first_response_time"): (25.0, 6),  # 5 10 20 30 45 600.5
    ("2026-Q1", "all", "first_response_time_p90"): (322.8, 6),  # 45 + 0.5·555.5 = 322.75
    ("2026-Q2", "support-emea", "first_response_time"): (67.5, 2),
    ("2026-Q2", "support-emea", "first_response_time_p90"): (109.5, 2),
    ("2026-Q2", "all", "first_response_time"): (75.0, 4),  # 15 30 120 600
    ("2026-Q2", "all", "first_response_time_p90"): (456.0, 4),
    # business-hours first reply, from its own column: emea 30 60 45; billing 10 5 0
    ("2026-Q1", "support-emea", "first_response_time_business"): (45.0, 3),
    ("2026-Q1", "support-emea", "first_response_time_business_p90"): (57.0, 3),
    ("2026-Q1", "billing", "first_response_time_business"): (5.0, 3),
    ("2026-Q1", "billing", "first_response_time_business_p90"): (9.0, 3),
    ("2026-Q1", "all", "first_response_time_business"): (20.0, 6),
    ("2026-Q1", "all", "first_response_time_business_p90"): (52.5, 6),
    ("2026-Q2", "all", "first_response_time_business"): (60.0, 4),  # 15 30 90 100
    ("2026-Q2", "all", "first_response_time_business_p90"): (97.0, 4),
    ("2026-Q1", "billing", "unreplied"): (1, 4),
    ("2026-Q1", "all", "unreplied"): (1, 7),
    ("2026-Q2", "all", "unreplied"): (0, 4),
    # resolution (solved only), hours: 101 4.5, 102 36, 106 1, 107 2, 108 0.75, 112 12
    ("2026-Q1", "support-emea", "resolution_time"): (20.2, 2),  # 20.25, rounded half to even
    ("2026-Q1", "support-emea", "resolution_time_p90"): (32.9, 2),
    ("2026-Q1", "billing", "resolution_time"): (1.5, 2),
    ("2026-Q1", "all", "resolution_time"): (3.2, 4),  # 3.25
    ("2026-Q1", "all", "resolution_time_p90"): (26.6, 4),  # 4.5 + 0.7·31.5 = 26.55
    ("2026-Q2", "all", "resolution_time"): (6.4, 2),  # 6.375
    ("2026-Q2", "all", "resolution_time_p90"): (10.9, 2),  # 0.75 + 0.9·11.25
    # business-hours resolution, from its column: 4.5, 8 | 1, 0 | 0.75, 3 hours
    ("2026-Q1", "support-emea", "resolution_time_business"): (6.2, 2),  # 6.25
    ("2026-Q1", "billing", "resolution_time_business"): (0.5, 2),
    ("2026-Q1", "all", "resolution_time_business"): (2.8, 4),  # 2.75
    ("2026-Q1", "all", "resolution_time_business_p90"): (7.0, 4),  # 6.95
    ("2026-Q2", "all", "resolution_time_business"): (1.9, 2),  # 1.875
    # CSAT: Good ÷ (Good + Bad); response rate rated ÷ (rated + Offered); Not Offered and blanks out
    ("2026-Q1", "support-emea", "csat"): (50.0, 2),
    ("2026-Q1", "support-emea", "csat_response_rate"): (66.7, 3),
    ("2026-Q1", "billing", "csat"): (66.7, 3),
    ("2026-Q1", "billing", "csat_response_rate"): (100.0, 3),
    ("2026-Q1", "all", "csat"): (60.0, 5),
    ("2026-Q1", "all", "csat_response_rate"): (83.3, 6),
    ("2026-Q2", "all", "csat"): (100.0, 2),
    ("2026-Q2", "all", "csat_response_rate"): (66.7, 3),
    # FCR proxy (solved with < 2 replies ÷ solved) and reopens (> 0 ÷ solved)
    ("2026-Q1", "support-emea", "fcr"): (50.0, 2),
    ("2026-Q1", "all", "fcr"): (50.0, 4),
    ("2026-Q2", "all", "fcr"): (100.0, 2),
    ("2026-Q1", "support-emea", "reopen_rate"): (50.0, 2),
    ("2026-Q1", "all", "reopen_rate"): (25.0, 4),
    ("2026-Q2", "all", "reopen_rate"): (50.0, 2),
    # backlog at export time, in the last period: 103 109 | 104 105 110; n = the team's tickets
    ("2026-Q2", "support-emea", "backlog"): (2, 5),
    ("2026-Q2", "billing", "backlog"): (3, 5),
    ("2026-Q2", "all", "backlog"): (5, 11),
}


def test_zendesk_export_every_value(tmp_path):
    path = write(tmp_path, "zendesk.csv", zendesk_bytes())
    rep = tmp_path / "q.json"
    r = run(path, *ZD_ARGS, "--report", str(rep))
    got = kpis(r)
    for key, want in ZD_EXPECTED.items():
        assert got.get(key) == want, key
    assert not [k for k in got if k[2] in ("nps", "ces", "sla_compliance", "asa", "aht")]
    assert ("2026-Q1", "all", "backlog") not in got  # a stock: the last period only
    q = json.loads(rep.read_text())
    assert q["tickets"] == 11 and q["dropped"] == {"status 'deleted' (ignored by the preset)": 1}
    assert q["placeholders"] == {"solved_at": 1}  # 1900-01-01 00:00:00 in a dd-mm-yyyy column: not "unreadable"
    assert q["solved_dates_ignored"] == 1  # 105: open, with a solve date
    assert q["undeclared"] == {"status": {"escalated": 1}}
    assert q["files"][0]["malformed_rows"] == 1 and q["files"][0]["malformed"][0]["line"] == 9
    assert "could not be read" not in r.stderr


def test_a_warning_after_a_quoted_line_break_names_the_true_line(tmp_path):
    # 108's solve date is 31 February; 106's subject spans lines 7–8 and line 9 is malformed, so 108 is
    # on line 11 (the 10th data row).
    tickets = [t if t[0] != 108 else t[:5] + ("31-02-2026 09:45",) + t[6:] for t in ZD_TICKETS]
    path = write(tmp_path, "zendesk.csv", zendesk_bytes(tickets))
    r = run(path, *ZD_ARGS)
    assert r.exit_code == 0, r.output
    assert "zendesk.csv:11: warning: 1 value in column 'Solved at' (solved_at) not a calendar date" in r.stderr
    assert "zendesk.csv:9: warning: 1 row skipped" in r.stderr


def test_malformed_rows_far_down_keep_their_lines(tmp_path):
    rows = ["Id,Group,Status,Created at,Solved at,Subject"]
    for i in range(1, 3001):
        subject = '"two\nlines"' if i % 100 == 0 else "x"
        rows.append(f"{i},support-emea,solved,2026-01-05 09:00,2026-01-05 10:00,{subject}")
        if i % 1000 == 0:
            rows.append(f"{i}b,broken")
    path = write(tmp_path, "t.csv", "\n".join(rows) + "\n")
    rep = tmp_path / "q.json"
    r = run(path, "--preset", "zendesk", "--report", str(rep))
    assert r.exit_code == 0, r.output
    text = "\n".join(rows)
    want = [i + 1 + sum(line.count("\n") for line in rows[:i]) for i, line in enumerate(rows) if "broken" in line]
    assert want == [text[:text.index(f"{k}b,broken")].count("\n") + 1 for k in (1000, 2000, 3000)]
    q = json.loads(rep.read_text())
    assert [m["line"] for m in q["files"][0]["malformed"]] == want
    assert f"t.csv:{want[0]}: warning: 3 rows skipped" in r.stderr


# ---------------------------------------------------------------- consumer complaints (CFPB shape)

CFPB_HEADER = ["Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative",
               "Company public response", "Company", "State", "ZIP code", "Tags", "Consumer consent provided?",
               "Submitted via", "Date sent to company", "Company response to consumer", "Timely response?",
               "Consumer disputed?", "Complaint ID"]
CFPB_ROWS = [
    ["01/05/26", "Mortgage", "Conventional", "Trouble", "", "I called\nthree times, nobody answered.", "", "BANK A",
     "CA", "90210", "", "Consent provided", "Web", "01/05/26", "Closed with explanation", "Yes", "N/A", "7000001"],
    ["02/11/26", "Mortgage", "FHA", "Trouble", "", "", "", "BANK A", "CA", "90210", "Older American", "", "Phone",
     "02/12/26", "Closed with monetary relief", "Yes", "N/A", "7000002"],
    ["03/02/26", "Credit card", "General", "Fees", "", "", "", "BANK A", "NY", "10001", "", "", "Web", "03/02/26",
     "In progress", "Yes", "N/A", "7000003"],
    ["03/30/26", "Credit card", "General", "Fees", "", "", "", "BANK A", "NY", "10001", "", "", "Web", "04/03/26",
     "Closed with explanation", "No", "N/A", "7000004"],
    ["04/01/26", "Mortgage", "FHA", "Trouble", "", "", "", "BANK A", "TX", "73301", "", "", "Referral", "04/02/26",
     "Untimely response", "No", "N/A", "7000005"],
    ["04/13/26", "Credit card", "Store card", "Fees", "", "", "", "BANK A", "TX", "73301", "", "", "Web", "04/13/26",
     "Closed with non-monetary relief", "Yes", "N/A", "7000006"],
]
CFPB_ARGS = ("--preset", "zendesk", "--map", "id=Complaint ID", "--map", "created_at=Date received",
             "--map", "status=Company response to consumer", "--map", "team=Product",
             "--map", "sla_met=Timely response?", "--team-map", "Mortgage=mortgage", "--team-map", "Credit card=cards")


def _csv(header, rows, terminator="\r\n") -> str:
    s = io.StringIO()
    w = csv.writer(s, lineterminator=terminator)
    w.writerow(header)
    w.writerows(rows)
    return s.getvalue()


def test_complaints_log_with_an_unknown_status_vocabulary_is_said_loudly_then_counted(tmp_path):
    path = write(tmp_path, "complaints.csv", _csv(CFPB_HEADER, CFPB_ROWS))
    r = run(path, *CFPB_ARGS)
    # Undeclared statuses count as open (the rule), so all 6 complaints are backlog: the warning
    # says that none of the column's values is declared, and which option settles it.
    assert kpis(r)[("2026-Q2", "all", "backlog")] == (6, 6)
    assert ("complaints.csv: warning: column 'Company response to consumer' (status): none of its values is a "
            "status preset zendesk declares, so every ticket counts as open") in r.stderr
    assert "--value \"status:Closed with explanation=solved\"" in r.stderr
    closed = [f"status:{v}=solved" for v in ("Closed with explanation", "Closed with monetary relief",
                                             "Closed with non-monetary relief", "Untimely response")]
    args = [a for v in closed + ["status:In progress=open"] for a in ("--value", v)]
    got = kpis(run(path, *CFPB_ARGS, *args))
    # mm/dd/yy (03/30/26 settles it); Q1 = 7000001–4, Q2 = 7000005–6. Timely: Yes ÷ (Yes + No).
    assert got == {
        ("2026-Q1", "mortgage", "ticket_volume"): (2, 2), ("2026-Q1", "cards", "ticket_volume"): (2, 2),
        ("2026-Q1", "all", "ticket_volume"): (4, 4),
        ("2026-Q1", "mortgage", "sla_compliance"): (100.0, 2), ("2026-Q1", "cards", "sla_compliance"): (50.0, 2),
        ("2026-Q1", "all", "sla_compliance"): (75.0, 4),
        ("2026-Q2", "mortgage", "ticket_volume"): (1, 1), ("2026-Q2", "cards", "ticket_volume"): (1, 1),
        ("2026-Q2", "all", "ticket_volume"): (2, 2),
        ("2026-Q2", "mortgage", "sla_compliance"): (0.0, 1), ("2026-Q2", "cards", "sla_compliance"): (100.0, 1),
        ("2026-Q2", "all", "sla_compliance"): (50.0, 2),
        # only 7000003 is in progress
        ("2026-Q2", "mortgage", "backlog"): (0, 3), ("2026-Q2", "cards", "backlog"): (1, 3),
        ("2026-Q2", "all", "backlog"): (1, 6),
    }


def test_complaint_dates_that_never_settle_day_and_month_are_refused(tmp_path):
    rows = [r for r in CFPB_ROWS if r[0] not in ("03/30/26", "04/13/26")]
    path = write(tmp_path, "complaints.csv", _csv(CFPB_HEADER, rows))
    r = run(path, *CFPB_ARGS, "--value", "status:In progress=open")
    assert r.exit_code == 1
    assert "column 'Date received'" in r.stderr and "--date-format" in r.stderr
    got = kpis(run(path, *CFPB_ARGS, "--value", "status:In progress=open", "--date-format", "%m/%d/%y"))
    assert got[("2026-Q1", "all", "ticket_volume")] == (3, 3)  # 5 Jan, 11 Feb, 2 Mar
    assert got[("2026-Q2", "all", "ticket_volume")] == (1, 1)  # 1 Apr


# ---------------------------------------------------------------- Jira change log

JIRA_HEADER = ["Issue key", "Summary", "Status", "Priority", "Resolution", "Assignee", "Created", "Updated",
               "Resolved", "Satisfaction rating", "Custom field (Team)"]
JIRA_ROWS = [  # newest first; Updated is a date only, so rows of one day tie
    ["SD-5", "Export", "Done", "Medium", "Done", "Kai", "03/Apr/26 1:00 PM", "2026-04-03", "03/Apr/26 3:30 PM", "4", ""],
    ["SD-5", "Export", "In Progress", "Medium", "", "Kai", "03/Apr/26 1:00 PM", "2026-04-03", "", "", ""],
    ["SD-5", "Export", "To Do", "Medium", "", "", "03/Apr/26 1:00 PM", "2026-04-03", "", "", "Tier 1"],
    ["SD-3", "VPN", "Done", "High", "Done", "Mari", "20/Mar/26 4:45 PM", "2026-04-02", "02/Apr/26 10:45 AM", "2", ""],
    ["SD-4", "Laptop", "In Progress", "Low", "", "Kai", "01/Apr/26 8:00 AM", "2026-04-01", "", "", "Tier 2"],
    ["SD-3", "VPN", "To Do", "High", "", "", "20/Mar/26 4:45 PM", "2026-03-20", "", "", "Tier 1"],
    ["SD-2", "Mail", "Pending publication", "Low", "", "Mari", "10/Feb/26 11:30 AM", "2026-02-12", "", "", ""],
    ["SD-2", "Mail", "In Progress", "Low", "", "Mari", "10/Feb/26 11:30 AM", "2026-02-11", "", "", "Tier 2"],
    ["SD-2", "Mail\nmultiline", "To Do", "Low", "", "", "10/Feb/26 11:30 AM", "2026-02-11", "", "", "Tier 2"],
    ["SD-1", "Login", "Done", "Medium", "Done", "Kai", "05/Feb/26 9:00 AM", "2026-02-06", "06/Feb/26 3:00 PM", "5", ""],
    ["SD-1", "Login", "In Progress", "Medium", "", "Kai", "05/Feb/26 9:00 AM", "2026-02-06", "", "", ""],
    ["SD-1", "Login", "To Do", "Medium", "", "", "05/Feb/26 9:00 AM", "2026-02-05", "", "", "Tier 1"],
]


def test_jira_change_log_newest_first_with_ties_and_blank_fields(tmp_path):
    path = write(tmp_path, "changes.csv", _csv(JIRA_HEADER, JIRA_ROWS, "\n"))
    rep = tmp_path / "q.json"
    r = run(path, "--preset", "jsm", "--team-map", "Tier 1=tier-1", "--team-map", "Tier 2=tier-2",
            "--value", "status:Pending publication=open", "--report", str(rep))
    got = kpis(r)
    # Latest rows: SD-1 Done (30 h, 5★), SD-2 Pending publication (open), SD-3 Done (306 h, 2★), SD-4 open,
    # SD-5 Done (all three rows tie on 3 April: the first in this newest-first file wins; 2.5 h, 4★).
    # Blank teams come from each issue's latest non-empty value (Tier 1 for SD-1, SD-3, SD-5).
    assert got == {
        ("2026-Q1", "tier-1", "ticket_volume"): (2, 2), ("2026-Q1", "tier-2", "ticket_volume"): (1, 1),
        ("2026-Q1", "all", "ticket_volume"): (3, 3),
        ("2026-Q1", "tier-1", "resolution_time"): (168.0, 2), ("2026-Q1", "tier-1", "resolution_time_p90"): (278.4, 2),
        ("2026-Q1", "all", "resolution_time"): (168.0, 2), ("2026-Q1", "all", "resolution_time_p90"): (278.4, 2),
        ("2026-Q1", "tier-1", "csat"): (50.0, 2), ("2026-Q1", "all", "csat"): (50.0, 2),
        ("2026-Q2", "tier-1", "ticket_volume"): (1, 1), ("2026-Q2", "tier-2", "ticket_volume"): (1, 1),
        ("2026-Q2", "all", "ticket_volume"): (2, 2),
        ("2026-Q2", "tier-1", "resolution_time"): (2.5, 1), ("2026-Q2", "tier-1", "resolution_time_p90"): (2.5, 1),
        ("2026-Q2", "all", "resolution_time"): (2.5, 1), ("2026-Q2", "all", "resolution_time_p90"): (2.5, 1),
        ("2026-Q2", "tier-1", "csat"): (100.0, 1), ("2026-Q2", "all", "csat"): (100.0, 1),
        ("2026-Q2", "tier-1", "backlog"): (0, 3), ("2026-Q2", "tier-2", "backlog"): (2, 2),
        ("2026-Q2", "all", "backlog"): (2, 5),
    }
    q = json.loads(rep.read_text())
    assert q["event_log"]["order"] == "newest first" and q["event_log"]["rows_merged"] == 7
    assert "undeclared" not in q or not q["undeclared"]


# ---------------------------------------------------------------- bank call-centre log (Technion shape)

CALLS = """vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver
AA0101\t33116\t9664491\t2\tPS\t990331\t23:59:50\t0:00:01\t11\t0:00:01\t0:00:05\t4\tAGENT\t0:00:05\t0:02:11\t126\tMICHAL
AA0101\t33117\t23167\t2\tPS\t990401\t0:00:10\t0:00:17\t7\t0:00:17\t0:00:56\t39\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER
AA0102\t33116\t0\t0\tPS\t990401\t0:01:00\t0:01:08\t8\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER
AA0102\t33118\t1224\t2\tNW\t990401\t0:02:00\t0:02:05\t5\t0:02:05\t0:02:09\t4\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER
AA0103\t33119\t7777\t1\tNW\t990401\t9:15:00\t9:15:06\t6\t9:15:06\t9:15:06\t0\tAGENT\t9:15:06\t9:20:06\t300\tDORIT
AA0103\t33120\t0\t0\tPS\t990401\t9:20:00\t9:20:02\t2\t0:00:00\t0:00:00\t0\tPHANTOM\t0:00:00\t0:00:00\t0\tNO_SERVER
AA0104\t33121\t555\t2\tPS\t990402\t10:00:00\t10:00:05\t5\t10:00:05\t10:00:30\t25\tAGENT\t10:00:30\t10:04:30\t240\tAVI
AA0104\t33122\t556\t2\tNW\t990402\t10:05:00\t10:05:05\t5\t10:05:05\t10:05:25\t20\tAGENT\t10:05:25\t10:06:25\t60\tAVI
AA0104\t33123\t557\t2\tNW\t990402\t10:10:00\t10:10:05\t5\t10:10:05\t10:10:10\t5\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER
AA0105\t33124\t558\t2\tPS\t990402\t11:00:00\t11:00:05\t5\t11:00:05\t\t\tAGENT\t11:01:05\t11:03:05\t120\tAVI
AA0105\t33125\t559\t2\tPS\t990630\t11:00:00\t11:00:05\t5\t11:00:05\t11:00:15\t10\tAGENT\t11:00:15\t11:01:15\t\tAVI
"""
CALL_ARGS = ("--preset", "calls", "--map", "id=vru+line+call_id", "--map", "created_at=date+vru_entry",
             "--date-format", "%y%m%d %H:%M:%S", "--map", "queue_seconds=q_time", "--map", "handle_seconds=ser_time",
             "--map", "team=type", "--team-map", "PS=private", "--team-map", "NW=new")


def test_bank_call_log_every_value(tmp_path):
    path = write(tmp_path, "calls.tsv", CALLS)
    got = kpis(run(path, *CALL_ARGS))
    # Q1 1999: one PS call (entered 31 March 23:59:50). Q2: the PHANTOM test call is dropped; 9 calls.
    # PS: 33117 HANG after 39 s (offered), AA0102-33116 voice-menu hang-up (q 0: never offered), 33121 AGENT
    #     after 25 s, 33124 AGENT without a queue time (in no queue metric), 33125 AGENT 10 s without a handle time.
    # NW: 33118 HANG after 4 s (short: not offered), 33119 AGENT 0 s, 33122 AGENT 20 s, 33123 HANG at 5 s (offered).
    assert got == {
        ("1999-Q1", "private", "ticket_volume"): (1, 1), ("1999-Q1", "all", "ticket_volume"): (1, 1),
        ("1999-Q1", "private", "asa"): (4.0, 1), ("1999-Q1", "all", "asa"): (4.0, 1),
        ("1999-Q1", "private", "abandonment_rate"): (0.0, 1), ("1999-Q1", "all", "abandonment_rate"): (0.0, 1),
        ("1999-Q1", "private", "service_level"): (100.0, 1), ("1999-Q1", "all", "service_level"): (100.0, 1),
        ("1999-Q1", "private", "aht"): (2.1, 1), ("1999-Q1", "all", "aht"): (2.1, 1),  # 126 s
        ("1999-Q2", "private", "ticket_volume"): (5, 5), ("1999-Q2", "new", "ticket_volume"): (4, 4),
        ("1999-Q2", "all", "ticket_volume"): (9, 9),
        ("1999-Q2", "private", "asa"): (17.5, 2),  # (25 + 10) / 2
        ("1999-Q2", "new", "asa"): (10.0, 2),  # (0 + 20) / 2: a zero wait counts
        ("1999-Q2", "all", "asa"): (13.8, 4),  # 55 / 4 = 13.75
        ("1999-Q2", "private", "abandonment_rate"): (33.3, 3),  # 1 ÷ (2 answered + 1)
        ("1999-Q2", "new", "abandonment_rate"): (33.3, 3),
        ("1999-Q2", "all", "abandonment_rate"): (33.3, 6),
        ("1999-Q2", "private", "service_level"): (33.3, 3),  # only 33125 (10 s) within 20 s
        ("1999-Q2", "new", "service_level"): (66.7, 3),  # 0 s and 20 s
        ("1999-Q2", "all", "service_level"): (50.0, 6),
        ("1999-Q2", "private", "aht"): (3.0, 2),  # 240 and 120 s
        ("1999-Q2", "new", "aht"): (3.0, 2),  # 300 and 60 s
        ("1999-Q2", "all", "aht"): (3.0, 4),
    }


def test_call_ids_that_repeat_across_lines_need_the_line(tmp_path):
    # call_id alone repeats (33116 on two VRU lines): read alone, one call would be merged away.
    path = write(tmp_path, "calls.tsv", CALLS)
    r = run(path, *CALL_ARGS[:2], *CALL_ARGS[4:])  # without --map id=vru+line+call_id: the preset reads call_id
    assert r.exit_code == 0, r.output
    assert "calls.tsv:2: warning: 1 row repeats an id of column 'call_id'" in r.stderr  # said, not silent
    assert "--map \"id=COLUMN+call_id\"" in r.stderr
    assert kpis(run(path, *CALL_ARGS))[("1999-Q2", "all", "ticket_volume")] == (9, 9)


# ---------------------------------------------------------------- post-purchase survey

SURVEY_HEADER = ["Response ID", "Submitted at", "Order ID", "Team", "How satisfied were you with your purchase? (1-5)",
                 "How likely are you to recommend us to a friend? (0-10)", "Comment"]
SURVEY_ROWS = [
    ["R1", "2026-01-10T10:00:00+01:00", "O1", "web", "5", "10", "Très satisfait"],
    ["R2", "2026-01-11T12:00:00+01:00", "O2", "web", "4", "9", ""],
    ["R3", "2026-02-01T09:00:00+01:00", "O3", "store", "3", "7", "Livraison\nlente"],
    ["R4", "2026-02-15T18:00:00+01:00", "O4", "store", "", "0", "Déçu; très déçu"],
    ["R5", "2026-03-01T08:00:00+01:00", "O5", "web", "1", "", ""],
    ["R6", "2026-03-31T23:30:00-05:00", "O6", "web", "2", "6", "à revoir"],
    ["R6", "2026-03-31T23:30:00-05:00", "O6", "web", "2", "6", "à revoir"],  # exported twice
    ["R7", "2026-04-02T10:00:00+02:00", "O7", "store", "5", "10", ""],
    ["R8", "2026-04-03T10:00:00+02:00", "O8", "web", "4", "8", "ok"],
]
SURVEY_ARGS = ("--preset", "survey", "--map", "csat_rating=How satisfied were you with your purchase? (1-5)",
               "--map", "nps_score=How likely are you to recommend us to a friend? (0-10)")


def survey_bytes() -> bytes:
    def q(v):
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ';"\n') else v

    text = "sep=;\r\n" + "\r\n".join(";".join(q(x) for x in r) for r in [SURVEY_HEADER] + SURVEY_ROWS) + "\r\n"
    return text.encode("cp1252")


def test_post_purchase_survey_every_value(tmp_path):
    path = write(tmp_path, "survey.csv", survey_bytes())
    rep = tmp_path / "q.json"
    r = run(path, *SURVEY_ARGS, "--report", str(rep))
    got = kpis(r)
    # R6 counts once, in Q1: 23:30 on 31 March by the survey's own clock (04:30 on 1 April in UTC).
    # CSAT = 4–5 ÷ answered (blank R4 out): Q1 web 5 4 1 2 → 2/4; store 3 → 0/1; all 2/5.
    # NPS = %9–10 − %0–6 of answered (blank R5 out): Q1 web 10 9 6 → 33.3; store 7 0 → −50; all 0 (2 − 2 of 5).
    assert got == {
        ("2026-Q1", "web", "csat"): (50.0, 4), ("2026-Q1", "store", "csat"): (0.0, 1),
        ("2026-Q1", "all", "csat"): (40.0, 5),
        ("2026-Q1", "web", "nps"): (33.3, 3), ("2026-Q1", "store", "nps"): (-50.0, 2),
        ("2026-Q1", "all", "nps"): (0.0, 5),
        ("2026-Q2", "web", "csat"): (100.0, 1), ("2026-Q2", "store", "csat"): (100.0, 1),
        ("2026-Q2", "all", "csat"): (100.0, 2),
        ("2026-Q2", "web", "nps"): (0.0, 1), ("2026-Q2", "store", "nps"): (100.0, 1),
        ("2026-Q2", "all", "nps"): (50.0, 2),
    }
    q = json.loads(rep.read_text())
    assert q["unit"] == "responses" and q["tickets"] == 8
    assert q["dropped"] == {"duplicate ticket id (the last row is kept)": 1}
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    nps_all_q1 = next(x for x in rows if (x["period"], x["team"], x["metric"]) == ("2026-Q1", "all", "nps"))
    # p = d = 0.4, n = 5: half-width 1.96·100·sqrt(0.8/5) = 78.4
    assert (nps_all_q1["ci_low"], nps_all_q1["ci_high"]) == ("-78.4", "78.4")


@pytest.mark.parametrize("offset, quarter", [("-05:00", "2026-Q1"), ("+14:00", "2026-Q1"), ("Z", "2026-Q1")])
def test_the_clock_written_decides_the_quarter_and_instants_the_duration(tmp_path, offset, quarter):
    text = ("Id,Group,Status,Created at,Solved at\n"
            f"1,support-emea,solved,2026-03-31T23:30:00{offset},2026-04-01T01:30:00{offset}\n")
    got = kpis(run(write(tmp_path, "t.csv", text), "--preset", "zendesk"))
    assert got[(quarter, "support-emea", "resolution_time")] == (2.0, 1)
    assert got[(quarter, "support-emea", "ticket_volume")] == (1, 1)


# ---------------------------------------------------------------- options and definitions

def test_metrics_option_keeps_only_the_named_metrics(tmp_path):
    path = write(tmp_path, "zendesk.csv", zendesk_bytes())
    got = kpis(run(path, *ZD_ARGS, "--metrics", "csat,backlog", "--metrics", "fcr"))
    assert {k[2] for k in got} == {"csat", "backlog", "fcr"}
    assert got[("2026-Q1", "all", "csat")] == ZD_EXPECTED[("2026-Q1", "all", "csat")]
    r = run(path, *ZD_ARGS, "--metrics", "csatt")
    assert r.exit_code == 2 and "'csatt' is not a metric" in r.output
    r = run(path, *ZD_ARGS, "--metrics", "nps")
    assert r.exit_code == 1 and "no KPI could be computed (nps: no nps_score column)" in r.stderr


def test_every_call_metric_says_which_calls_it_leaves_out_in_every_language():
    from importlib import resources

    from cssite.errors import Diagnostics
    from cssite.yamlio import load_yaml

    with resources.as_file(resources.files("cssite").joinpath("data", "metrics.yml")) as p:
        catalogue = load_yaml(p, Diagnostics())
    missing = {"en": "is missing", "fr": "connu", "ru": "без известного", "et": "pole teada", "zh": "没有"}
    for metric in ("asa", "abandonment_rate", "service_level", "aht"):
        for lang, words in missing.items():
            assert words in catalogue[metric]["definition"][lang], (metric, lang)


def test_ratings_on_another_scale_are_refused_not_trimmed(tmp_path):
    # 0–10 satisfaction read on the survey preset's 1–5 scale: keeping the 4 alone would give CSAT 100 %.
    text = "Response ID,Submitted at,CSAT\nR1,2026-01-05,10\nR2,2026-01-06,4\nR3,2026-01-07,0\nR4,2026-01-07,\n"
    path = write(tmp_path, "s.csv", text)
    r = run(path, "--preset", "survey")
    assert r.exit_code == 1
    assert "s.csv:2: error: column 'CSAT' (csat_rating): 2 ratings (0, 10) outside preset survey's 1–5 scale" \
        in r.stderr
    from importlib import resources

    survey = resources.files("cssite").joinpath("data", "presets", "survey.yml").read_text(encoding="utf-8")
    own = survey.replace("scale: 5 ", "scale: 10").replace("good_from: 4", "good_from: 9")
    assert own != survey
    preset = write(tmp_path, "ten.yml", own)
    got = kpis(run(path, "--preset", preset))
    assert got == {("2026-Q1", "all", "csat"): (33.3, 3)}  # 10 good; 4 and 0 not; the blank is no rating
    # One stray 6 among twenty 1–5 ratings is a typo: left out, counted, named with its line.
    rows = "".join(f"R{i},2026-01-05,{5 if i % 2 else 2}\n" for i in range(20)) + "R99,2026-01-05,6\n"
    r = run(write(tmp_path, "t.csv", "Response ID,Submitted at,CSAT\n" + rows), "--preset", "survey")
    assert kpis(r) == {("2026-Q1", "all", "csat"): (50.0, 20)}
    assert "t.csv:22: warning: 1 value in column 'CSAT' (csat_rating) could not be read, e.g. '6'" in r.stderr


def test_a_comma_that_could_be_thousands_or_decimals_is_refused_until_said(tmp_path):
    head = "Id;Status;Created at;First reply time in minutes\n"
    path = write(tmp_path, "t.csv", head + "1;open;2026-01-05;1,234\n2;open;2026-01-05;12\n")
    r = run(path, "--preset", "zendesk")
    assert r.exit_code == 1
    assert "t.csv: error: column 'First reply time in minutes' (first_reply_minutes): numbers such as '1,234'" \
        in r.stderr and "--decimal ." in r.stderr
    assert kpis(run(path, "--preset", "zendesk", "--decimal", "."))[("2026-Q1", "all", "first_response_time")] \
        == (623.0, 2)  # 1234 and 12
    assert kpis(run(path, "--preset", "zendesk", "--decimal", ","))[("2026-Q1", "all", "first_response_time")] \
        == (6.6, 2)  # 1.234 and 12 → 6.617
    # Another value of the column settles it: 600,5 (a decimal comma) or 2,500.5 (a thousands comma).
    eu = write(tmp_path, "eu.csv", head + "1;open;2026-01-05;1,234\n2;open;2026-01-05;600,5\n")
    assert kpis(run(eu, "--preset", "zendesk"))[("2026-Q1", "all", "first_response_time")] == (300.9, 2)
    us = write(tmp_path, "us.csv", 'Id,Status,Created at,First reply time in minutes\n1,open,2026-01-05,"1,234"\n'
               '2,open,2026-01-05,"2,500.5"\n')
    assert kpis(run(us, "--preset", "zendesk"))[("2026-Q1", "all", "first_response_time")] == (1867.2, 2)


def test_a_change_log_whose_tickets_each_change_on_one_day_takes_its_order_from_the_whole_file(tmp_path):
    # Every issue's rows tie (one day each), so no issue shows the order; the file as a whole runs newest first.
    text = ("Issue key,Status,Created,Updated,Resolved\n"
            "SD-2,Done,02/Feb/26 9:00 AM,2026-02-02,02/Feb/26 5:00 PM\n"
            "SD-2,In Progress,02/Feb/26 9:00 AM,2026-02-02,\n"
            "SD-1,In Progress,01/Feb/26 9:00 AM,2026-02-01,\n"
            "SD-1,To Do,01/Feb/26 9:00 AM,2026-02-01,\n")
    rep = tmp_path / "q.json"
    got = kpis(run(write(tmp_path, "c.csv", text), "--preset", "jsm", "--report", str(rep)))
    assert got[("2026-Q1", "all", "backlog")] == (1, 2)  # SD-1 in progress; SD-2 done in 8 h
    assert got[("2026-Q1", "all", "resolution_time")] == (8.0, 1)
    assert json.loads(rep.read_text())["event_log"]["order"] == "newest first"


def test_answers_that_all_fit_a_1_to_5_scale_are_questioned_on_the_nps_and_ces_columns(tmp_path):
    rows = "".join(f"R{i},2026-01-05,{1 + i % 5},{1 + i % 5}\n" for i in range(20))
    r = run(write(tmp_path, "s.csv", "Response ID,Submitted at,NPS,CES\n" + rows), "--preset", "survey")
    got = kpis(r)
    assert got[("2026-Q1", "all", "nps")] == (-100.0, 20)  # computed as the definition says …
    assert got[("2026-Q1", "all", "ces")] == (3.0, 20)
    # … and said: a 1–5 question read as NPS, or the original (reversed) CES.
    assert "s.csv: warning: column 'NPS' (nps_score): all 20 answers are 0–5" in r.stderr
    assert "s.csv: warning: column 'CES' (ces_score): all 20 answers are 1–5" in r.stderr


def test_offsets_written_after_a_space_are_read_and_named(tmp_path):
    text = ("Id,Status,Created at,Solved at\n"
            "1,solved,2026-03-31 23:30:00 -0800,2026-04-01 01:30:00 -0800\n"   # 2 h, created 31 March by its clock
            "2,solved,2026-03-31T22:00:00Z,2026-04-01T00:00:00Z\n"             # 2 h
            "3,solved,2026-03-31 21:00 UTC,2026-04-01 00:00 UTC\n"             # 3 h
            "4,solved,2026-03-31T23:00:00.123+05:30,2026-04-01T03:00:00+05:30\n")  # 4 h
    rep = tmp_path / "q.json"
    got = kpis(run(write(tmp_path, "t.csv", text), "--preset", "zendesk", "--report", str(rep)))
    assert got[("2026-Q1", "all", "resolution_time")] == (2.5, 4)
    assert got[("2026-Q1", "all", "resolution_time_p90")] == (3.7, 4)  # 3 + 0.7 · 1
    assert json.loads(rep.read_text())["files"][0]["date_formats"]["created_at"] == "%Y-%m-%d %H:%M:%S%z"
