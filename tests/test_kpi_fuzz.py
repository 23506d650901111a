"""Hostile inputs found by fuzzing: each is read honestly or refused as `path:line: error:`, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kpi_cli import run, table, write

HEADER = "Id,Group,Status,Created at,Solved at,First reply time in minutes\n"
ROWS = ("1,support-emea,solved,2026-01-05 09:00:00,2026-01-05 10:00:00,10\n"
        "2,support-emea,solved,2026-01-06 09:00:00,2026-01-06 11:00:00,20\n"
        "3,support-emea,solved,2026-01-07 09:00:00,2026-01-07 12:00:00,30\n")


def no_traceback(r) -> None:
    assert "Traceback" not in r.output and "Exception ignored" not in r.output
    assert r.exit_code in (0, 1, 2) and "internal error" not in r.output, r.output


def test_non_finite_and_absurd_durations_are_dropped_and_counted(tmp_path):
    text = HEADER + ROWS + ("4,support-emea,solved,2026-01-08 09:00:00,2026-01-08 10:00:00,1e309\n"
                            "5,support-emea,solved,2026-01-09 09:00:00,2026-01-09 10:00:00,inf\n"
                            "6,support-emea,solved,2026-01-10 09:00:00,2026-01-10 10:00:00,99999999999\n")
    rep = tmp_path / "q.json"
    r = run(write(tmp_path, "t.csv", text), "--preset", "zendesk", "--report", str(rep))
    t = table(r)
    # The median stays that of 10, 20, 30; the three other values are unknown, not unreplied.
    assert t[("2026-Q1", "support-emea", "first_response_time")] == ("20.0", "3")
    assert t[("2026-Q1", "support-emea", "unreplied")] == ("0", "3")
    problems = {p["reason"]: (p["count"], p["lines"]) for p in json.loads(rep.read_text())["problems"]}
    assert problems == {"not a finite number": (2, [5, 6]), "more than 5,256,000, not plausible": (1, [7])}
    assert "t.csv:5: warning: 2 values in column 'First reply time in minutes' (first_reply_minutes) " \
           "not a finite number" in r.stderr


def test_a_row_with_an_unclosed_quote_is_counted_with_its_line(tmp_path):
    text = HEADER + ROWS + '4,"support-emea,solved,2026-01-08 09:00:00,2026-01-08 10:00:00,5\n'
    rep = tmp_path / "q.json"
    r = run(write(tmp_path, "t.csv", text), "--preset", "zendesk", "--report", str(rep))
    assert table(r)[("2026-Q1", "all", "ticket_volume")] == ("3", "3")
    f = json.loads(rep.read_text())["files"][0]
    assert f["malformed_rows"] == 1 and f["malformed"][0]["line"] == 5
    assert "t.csv:5: warning: 1 row skipped: not the header's number of fields, or an unclosed quote" in r.stderr


def test_wrong_field_counts_are_counted_with_their_lines(tmp_path):
    rows = ROWS.splitlines(keepends=True)
    text = HEADER + rows[0] + "9,support-emea\n" + rows[1] + rows[2] + "10,a,b,c,d,e,f,g\n"
    r = run(write(tmp_path, "t.csv", text), "--preset", "zendesk")
    assert table(r)[("2026-Q1", "all", "ticket_volume")] == ("3", "3")
    assert "2 rows skipped" in r.stderr and "lines 3, 6" in r.stderr
    assert "t.csv:3: warning:" in r.stderr


def test_impossible_and_ancient_dates(tmp_path):
    text = HEADER + ROWS + ("4,support-emea,solved,2025-02-30 09:00:00,2025-03-01 10:00:00,5\n"
                            "5,support-emea,solved,0001-01-01 09:00:00,2026-01-08 10:00:00,5\n")
    rep = tmp_path / "q.json"
    r = run(write(tmp_path, "t.csv", text), "--preset", "zendesk", "--report", str(rep))
    assert table(r)[("2026-Q1", "all", "ticket_volume")] == ("3", "3")
    assert not any(p.startswith(("0001", "2025")) for (p, _, _) in table(r))
    report = json.loads(rep.read_text())
    assert report["dropped"] == {"creation date unreadable": 1, "creation date missing (or a placeholder)": 1}
    assert [(p["field"], p["reason"], p["lines"]) for p in report["problems"]] == [
        ("created_at", "not a calendar date", [5])]
    assert report["placeholders"] == {"created_at": 1}


def test_output_naming_an_input_is_a_usage_error_and_the_export_survives(tmp_path):
    path = write(tmp_path, "t.csv", HEADER + ROWS)
    before = Path(path).read_bytes()
    for args in (["-o", path], ["--report", path], ["-o", str(tmp_path / "x.csv"), "--report", str(tmp_path / "x.csv")]):
        r = run(path, "--preset", "zendesk", *args)
        assert r.exit_code == 2, r.output
        assert "Usage:" in r.stderr
    assert "is one of the exports being read" in run(path, "--preset", "zendesk", "-o", path).stderr
    assert Path(path).read_bytes() == before


def test_a_200000_character_field(tmp_path):
    text = "Id,Subject,Group,Status,Created at,Solved at\n" + \
           f'1,"{"x" * 200_000}",support-emea,solved,2026-01-05 09:00:00,2026-01-05 10:00:00\n' + \
           "2,short,support-emea,solved,2026-01-06 09:00:00,2026-01-06 12:00:00\n"
    r = run(write(tmp_path, "t.csv", text), "--preset", "zendesk")
    no_traceback(r)
    assert table(r)[("2026-Q1", "support-emea", "resolution_time")] == ("2.0", "2")


def test_invalid_utf8_after_the_first_mebibyte_forced_or_with_a_bom(tmp_path):
    filler = "".join(f"{i},support-emea,solved,2026-01-05 09:00:00,2026-01-05 10:00:00,5\n" for i in range(4, 20000))
    data = (HEADER + ROWS + filler).encode() + b"99999,\xff\xfe bad,solved,2026-01-05 09:00:00,,5\n"
    assert len(data) > 1 << 20
    line = 3 + 1 + 19996 + 1
    path = write(tmp_path, "t.csv", data)
    r = run(path, "--preset", "zendesk", "--encoding", "utf-8")
    no_traceback(r)
    assert r.exit_code == 1
    assert f"t.csv:{line}: error: not valid UTF-8 (byte 0xff)" in r.stderr
    bom = write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + data)
    r = run(bom, "--preset", "zendesk")
    no_traceback(r)
    assert r.exit_code == 0 and f"bom.csv:{line}: warning: not UTF-8 throughout (byte 0xff)" in r.stderr


def test_undecodable_cp1252_falls_back_to_latin1_without_noise(tmp_path):
    # 0x81 is not a Windows-1252 character: the file is read as Latin-1, which reads every byte.
    data = (HEADER + ROWS).encode() + b"4,\xe9quipe \x81,solved,2026-01-08 09:00:00,,5\n"
    r = subprocess.run([sys.executable, "-m", "cssite", "kpi", write(tmp_path, "t.csv", data), "--preset", "zendesk"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr
    assert "Latin-1" in r.stderr


def test_no_kpi_at_all_exits_1_with_the_reasons(tmp_path):
    text = "Id,Group,Status,Created at\n1,support-emea,deleted,2026-01-05 09:00:00\n"
    r = run(write(tmp_path, "t.csv", text), "--preset", "zendesk")
    no_traceback(r)
    assert r.exit_code == 1
    assert "t.csv: error: no KPI could be computed (" in r.stderr and "ticket_volume: no tickets" in r.stderr
    assert r.stdout == ""


def test_an_unreadable_reply_time_is_unknown_not_unreplied(tmp_path):
    text = ("Id,Group,Status,Created at,Initial response time\n"
            "1,support-emea,Open,2026-01-05 09:00:00,2026-01-05 09:30:00\n"
            "2,support-emea,Open,2026-01-05 09:00:00,not yet known\n"
            "3,support-emea,Open,2026-01-05 09:00:00,\n")
    r = run(write(tmp_path, "t.csv", text), "--preset", "freshdesk", "--map", "id=Id", "--map", "created_at=Created at",
            "--map", "team=Group", "--map", "status=Status")
    t = table(r)
    assert t[("2026-Q1", "support-emea", "unreplied")] == ("1", "2")  # ticket 3 of the two whose state is known
    assert "t.csv:3: warning: 1 value in column 'Initial response time' (first_reply_at) could not be read" in r.stderr


# ---------------------------------------------------------------- generated hostile files

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NASTY = ["", "NA", "?", "-", "inf", "-inf", "nan", "1e309", "-5", "0", "12,5", "1:30:00", "\"", "\"\"", "a\"b",
         "2025-02-30 09:00:00", "0001-01-01", "1900-01-01 00:00:00", "9999-12-31", "0000-00-00", "03/04/2026",
         "22-04-15", "2026-01-05T10:00:00Z", "solved", "open", "Good", "Bad", "Offered", "x" * 300, "é", "\u202e",
         "support-emea", "EMEA Support", ",", ";", "\t"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.sampled_from(NASTY), min_size=4, max_size=8), min_size=1, max_size=12),
       sep=st.sampled_from([",", ";"]))
def test_generated_hostile_exports_never_crash(tmp_path, rows, sep):
    header = sep.join(["Id", "Group", "Status", "Created at", "Solved at", "First reply time in minutes"])
    body = "".join(sep.join(f'"{c}"' if sep in c else c for c in r) + "\n" for r in rows)
    r = run(write(tmp_path, "h.csv", header + "\n" + body), "--preset", "zendesk")
    no_traceback(r)
    assert r.exit_code in (0, 1), r.output
    if r.exit_code == 1:
        assert ": error: " in r.stderr
