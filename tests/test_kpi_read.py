"""Messy real files: encodings, separators, headers, missing values, dates, broken rows — read or refused clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kpi_cli import run, table, write

FIX = Path(__file__).parent / "fixtures" / "exports"
HEADER = "Id,Group,Status,Created at,Solved at,First reply time in minutes,Replies,Reopens,Satisfaction Score\n"


# ---------------------------------------------------------------- refusing clearly

def test_missing_column_names_file_column_and_present_columns():
    r = run(str(FIX / "zendesk_missing_column.csv"), "--preset", "zendesk")
    assert r.exit_code == 1
    assert "internal error" not in r.output and "Traceback" not in r.output
    msg = r.stderr
    assert "zendesk_missing_column.csv: error: missing column 'Created at'" in msg
    assert "created_at" in msg and "preset zendesk" in msg
    assert "the file has: 'Id', 'Group', 'Status', 'Created'" in msg
    assert "Traceback" not in r.output


def test_mapped_column_that_is_not_there(tmp_path):
    path = write(tmp_path, "t.csv", HEADER + "1,A,solved,2026-01-05 09:00:00,,,1,0,Good\n")
    r = run(path, "--preset", "zendesk", "--map", "nps_score=Recommend")
    assert r.exit_code == 1
    assert "missing column 'Recommend' (--map nps_score=Recommend)" in r.stderr


@pytest.mark.parametrize("args, message", [
    (["--preset", "zendsk"], "unknown preset 'zendsk' (built-in: calls, freshdesk, jsm, servicenow, survey, zendesk"),
    (["--preset", "zendesk", "--map", "csat=Score"], "unknown field 'csat' in --map"),
    (["--preset", "zendesk", "--map", "csat_rating"], "--map 'csat_rating' must look like FIELD=COLUMN"),
    (["--preset", "zendesk", "--team-map", "EMEA=Support EMEA"], "'Support EMEA' is not a team id"),
    (["--preset", "zendesk", "--period", "2026Q3"], "period '2026Q3' must be YYYY-Qn"),
    (["--preset", "zendesk", "--encoding", "klingon"], "unknown encoding 'klingon'"),
    (["--preset", "zendesk", "--encoding", "rot13"], "unknown encoding 'rot13'"),
    (["--preset", "missing/preset.yml"], "preset file 'missing/preset.yml' not found"),
])
def test_bad_option_values_are_usage_errors(args, message):
    r = run(str(FIX / "zendesk_small.csv"), *args)
    assert r.exit_code == 2, r.output
    assert message in r.stderr and "Usage: " in r.stderr
    assert "internal error" not in r.output and "Traceback" not in r.output


def test_missing_and_empty_files(tmp_path):
    r = run(str(tmp_path / "nope.csv"), "--preset", "zendesk")
    assert r.exit_code == 1 and "nope.csv: error: no such file" in r.stderr
    r = run(write(tmp_path, "empty.csv", ""), "--preset", "zendesk")
    assert r.exit_code == 1 and "empty.csv: error: the file is empty" in r.stderr
    r = run(write(tmp_path, "header.csv", HEADER), "--preset", "zendesk")
    assert r.exit_code == 1 and "no data rows" in r.stderr


def test_nothing_to_compute_says_what_the_preset_looks_for(tmp_path):
    r = run(write(tmp_path, "s.csv", "Respondent,Score\nr1,9\n"), "--preset", "survey", "--period", "2026-Q3")
    assert r.exit_code == 1
    assert "nothing to compute" in r.stderr and "'Recommend'" in r.stderr and "'Score'" in r.stderr
    assert "--map" in r.stderr


# ---------------------------------------------------------------- headers, separators, encodings, missing values

def test_headers_match_ignoring_case_and_spaces_and_excel_sep_line(tmp_path):
    text = ("sep=;\n ID ;group;  STATUS;created   at;Solved At;first reply time in minutes;REPLIES;reopens;"
            "satisfaction score\n"
            "1;support-emea;solved;2026-01-05 09:00;2026-01-05 10:00;12;1;0;good\n")
    t = table(run(write(tmp_path, "t.csv", text), "--preset", "zendesk"))
    assert t[("2026-Q1", "support-emea", "first_response_time")] == ("12.0", "1")
    assert t[("2026-Q1", "support-emea", "csat")] == ("100.0", "1")


def test_missing_value_spellings(tmp_path):
    rows = "".join(f"{i},support-emea,solved,2026-01-0{i} 09:00:00,2026-01-0{i} 10:00:00,{v},1,0,{v}\n"
                   for i, v in enumerate(["", "NA", "N/A", "?", "-"], start=1))
    r = run(write(tmp_path, "t.csv", HEADER + rows + "6,support-emea,solved,2026-01-06 09:00:00,,7,1,0,Good\n"),
            "--preset", "zendesk")
    t = table(r)
    assert t[("2026-Q1", "support-emea", "unreplied")] == ("5", "6")
    assert t[("2026-Q1", "support-emea", "csat")] == ("100.0", "1")
    assert "could not be read" not in r.stderr


def test_non_utf8_byte_after_the_first_megabyte(tmp_path):
    filler = "".join(f"{i},support-emea,solved,2026-01-05 09:00:00,2026-01-05 10:00:00,5,1,0,Good\n"
                     for i in range(1, 16000))
    last = "99999,Équipe Paris,solved,2026-01-05 09:00:00,2026-01-05 10:00:00,5,1,0,Good\n"
    path = write(tmp_path, "big.csv", HEADER + filler + last, encoding="cp1252")
    assert Path(path).stat().st_size > 1 << 20
    r = run(path, "--preset", "zendesk", "--report", str(tmp_path / "q.json"))
    t = table(r)
    # Line 16001: the header, 15 999 rows, then the row with the Windows-1252 É.
    assert "big.csv:16001: warning: not UTF-8 throughout (byte 0xc9): read as Windows-1252" in r.stderr
    assert t[("2026-Q1", "all", "ticket_volume")] == ("16000", "16000")
    report = json.loads((tmp_path / "q.json").read_text())
    assert report["unmapped_teams"] == {"Équipe Paris": 1}


def test_utf16_and_tab(tmp_path):
    text = HEADER.replace(",", "\t") + "1\tsupport-apac\tclosed\t2026-04-01 09:00:00\t2026-04-01 11:00:00\t30\t1\t0\tBad\n"
    p = tmp_path / "u16.csv"
    p.write_bytes(text.encode("utf-16"))
    t = table(run(str(p), "--preset", "zendesk"))
    assert t[("2026-Q2", "support-apac", "resolution_time")] == ("2.0", "1")
    assert t[("2026-Q2", "support-apac", "csat")] == ("0.0", "1")


def test_quoted_values_with_commas_and_line_breaks(tmp_path):
    text = ("Id,Subject,Group,Status,Created at,Solved at\n"
            '1,"Refund, please",support-emea,solved,2026-01-05 09:00:00,2026-01-05 10:00:00\n'
            '2,"Two\nlines",support-emea,solved,2026-01-06 09:00:00,2026-01-06 13:00:00\n')
    t = table(run(write(tmp_path, "t.csv", text), "--preset", "zendesk"))
    assert t[("2026-Q1", "support-emea", "resolution_time")] == ("2.5", "2")


def test_rows_with_the_wrong_number_of_fields_are_skipped_and_reported(tmp_path):
    text = HEADER + ("1,support-emea,solved,2026-01-05 09:00:00,2026-01-05 10:00:00,5,1,0,Good\n"
                     "2,support-emea,solved,2026-01-05 09:00:00\n"
                     "3,support-emea,solved,2026-01-06 09:00:00,2026-01-06 10:00:00,5,1,0,Bad\n")
    r = run(write(tmp_path, "t.csv", text), "--preset", "zendesk", "--report", str(tmp_path / "q.json"))
    assert table(r)[("2026-Q1", "all", "ticket_volume")] == ("2", "2")
    assert "1 row skipped: not the header's number of fields" in r.stderr
    assert json.loads((tmp_path / "q.json").read_text())["files"][0]["malformed_rows"] == 1


def test_decimal_comma_and_hh_mm_ss_durations(tmp_path):
    text = ("Id;Group;Status;Created at;First reply time in minutes\n"
            "1;support-emea;open;2026-01-05 09:00;12,5\n"
            "2;support-emea;open;2026-01-05 09:00;1:30:00\n"
            "3;support-emea;open;2026-01-05 09:00;soon\n")
    r = run(write(tmp_path, "t.csv", text), "--preset", "zendesk")
    t = table(r)
    assert t[("2026-Q1", "support-emea", "first_response_time")] == ("51.2", "2")  # (12.5 + 90) / 2 = 51.25
    assert "1 value in column 'First reply time in minutes' (first_reply_minutes) could not be read, " \
           "e.g. 'soon'" in r.stderr


def test_duplicate_ticket_ids_keep_the_last_row(tmp_path):
    text = HEADER + ("1,support-emea,open,2026-01-05 09:00:00,,,0,0,\n"
                     "2,support-emea,solved,2026-01-05 09:00:00,2026-01-05 10:00:00,5,1,0,Good\n"
                     "1,support-emea,solved,2026-01-05 09:00:00,2026-01-05 11:00:00,5,1,0,Good\n")
    r = run(write(tmp_path, "t.csv", text), "--preset", "zendesk")
    t = table(r)
    assert t[("2026-Q1", "support-emea", "ticket_volume")] == ("2", "2")
    assert t[("2026-Q1", "support-emea", "resolution_time")] == ("1.5", "2")
    assert "1 duplicate ticket id (the last row is kept)" in r.stderr


# ---------------------------------------------------------------- dates

def test_iso_dates_with_zones_fractions_and_t(tmp_path):
    text = ("Id,Group,Status,Created at,Solved at\n"
            "1,support-emea,solved,2026-03-31T23:30:00-02:00,2026-04-01T03:30:00Z\n"     # 01:30Z → 2 h
            "2,support-emea,solved,2026-01-10T10:00:00.250+01:00,2026-01-10T12:00:00+01:00\n"  # 2 h
            "3,support-emea,solved,2026-01-11,2026-01-11 06:00\n")                       # 6 h
    t = table(run(write(tmp_path, "t.csv", text), "--preset", "zendesk"))
    # Durations between zoned times are between instants (ticket 1: 01:30Z → 03:30Z, 2 h); the period is
    # the one the export's clock wrote: ticket 1 was created on 31 March at 23:30 (-02:00), so in Q1,
    # as the helpdesk's own reports would count it, though it was already 1 April in UTC.
    assert t[("2026-Q1", "support-emea", "resolution_time")] == ("2.0", "3")  # 2, 2, 6 h
    assert ("2026-Q2", "support-emea", "resolution_time") not in t


def test_day_and_month_that_no_value_settles_are_refused_then_read_as_told(tmp_path):
    text = ("Id,Group,Status,Created at,Solved at\n"
            "1,support-emea,solved,05-01-2026 09:00,05-01-2026 9:30:00\n"
            "2,support-emea,solved,1-2-2026 9:00,2-2-2026 09:00\n")
    path = write(tmp_path, "t.csv", text)
    r = run(path, "--preset", "zendesk", "--granularity", "month")
    assert r.exit_code == 1
    assert "t.csv: error: column 'Created at': dates such as '05-01-2026', '1-2-2026' fit '%d-%m-%Y' or " \
           "'%m-%d-%Y' equally well" in r.stderr
    assert '--date-format "%d-%m-%Y"' in r.stderr
    t = table(run(path, "--preset", "zendesk", "--granularity", "month", "--date-format", "%d-%m-%Y %H:%M"))
    assert t[("2026-01", "support-emea", "resolution_time")] == ("0.5", "1")
    assert t[("2026-02", "support-emea", "resolution_time")] == ("24.0", "1")
    # The same file month first: 5 January becomes 1 May.
    t = table(run(path, "--preset", "zendesk", "--granularity", "month", "--date-format", "%m-%d-%Y"))
    assert t[("2026-05", "support-emea", "resolution_time")] == ("0.5", "1")
    assert t[("2026-01", "support-emea", "resolution_time")] == ("744.0", "1")  # 2 Jan → 2 Feb: 31 days


def test_slash_dates_month_first_when_a_value_settles_it(tmp_path):
    us = ("Id,Group,Status,Created at,Solved at\n"
          "1,support-emea,solved,01/05/2026 09:00,01/05/2026 10:00\n"
          "2,support-emea,solved,01/20/2026 09:00,01/21/2026 09:00\n")  # 20 can only be a day
    r = run(write(tmp_path, "us.csv", us), "--preset", "zendesk", "--granularity", "month")
    assert set(p for (p, _, _) in table(r)) == {"2026-01"}
    assert "%m/%d/%Y" in r.stderr  # the summary names the format used

    amb = us.replace("01/20/2026 09:00,01/21/2026", "03/04/2026 09:00,03/04/2026")
    r = run(write(tmp_path, "amb.csv", amb), "--preset", "zendesk", "--granularity", "month")
    assert r.exit_code == 1
    assert "'01/05/2026', '03/04/2026' fit '%d/%m/%Y' or '%m/%d/%Y'" in r.stderr
    r = run(str(tmp_path / "amb.csv"), "--preset", "zendesk", "--granularity", "month", "--date-format",
            "created_at=%d/%m/%Y %H:%M", "--date-format", "solved_at=%d/%m/%Y %H:%M")
    assert set(p for (p, _, _) in table(r)) == {"2026-05", "2026-04"}


def test_preset_can_say_month_first(tmp_path):
    preset = (Path(__file__).parent.parent / "cssite" / "data" / "presets" / "zendesk.yml").read_text()
    custom = tmp_path / "us-zendesk.yml"
    assert "  day_first:  " in preset
    custom.write_text(preset.replace("  day_first:  ", "  day_first: false  "))
    text = "Id,Group,Status,Created at\n1,support-emea,open,03/04/2026 09:00\n"
    t = table(run(write(tmp_path, "t.csv", text), "--preset", str(custom), "--granularity", "month"))
    assert ("2026-03", "support-emea", "ticket_volume") in t


def test_values_the_presets_date_format_does_not_fit_are_still_read(tmp_path):
    text = (FIX / "servicenow_events.csv").read_text().replace("05-01-2026 15:00,?", "05-01-2026 15:00:00,?")
    assert "15:00:00" in text
    r = run(write(tmp_path, "sn.csv", text), "--preset", "servicenow")
    assert table(r)[("2026-Q1", "all", "resolution_time")] == ("15.0", "2")


def test_unreadable_and_impossible_dates_are_dropped_and_counted(tmp_path):
    text = HEADER + ("1,support-emea,solved,2026-01-05 09:00:00,2026-01-05 10:00:00,5,1,0,Good\n"
                     "2,support-emea,solved,yesterday,2026-01-05 10:00:00,5,1,0,Good\n"
                     "3,support-emea,solved,2026-01-07 09:00:00,2026-01-06 10:00:00,5,1,0,Good\n"
                     "4,support-emea,solved,2026-01-08 09:00:00,2026-01-08 10:00:00,-5,1,0,Good\n")
    r = run(write(tmp_path, "t.csv", text), "--preset", "zendesk", "--report", str(tmp_path / "q.json"))
    assert table(r)[("2026-Q1", "all", "ticket_volume")] == ("1", "1")
    report = json.loads((tmp_path / "q.json").read_text())
    assert report["rows_read"] == 4 and report["tickets"] == 1 and report["rows_dropped"] == 3
    assert report["dropped"] == {"creation date unreadable": 1, "solved before created": 1,
                                 "negative first reply time": 1}
    assert [(p["field"], p["reason"], p["count"], p["examples"], p["lines"]) for p in report["problems"]] == [
        ("created_at", "unreadable", 1, ["yesterday"], [3])]
    assert "t.csv:3: warning: 1 value in column 'Created at' (created_at) could not be read, e.g. 'yesterday'" \
        in r.stderr


def test_several_files_are_pooled(tmp_path):
    lines = (FIX / "zendesk_small.csv").read_text().splitlines(keepends=True)
    a = write(tmp_path, "a.csv", "".join(lines[:7]))
    b = write(tmp_path, "b.csv", lines[0] + "".join(lines[7:]))
    args = ["--preset", "zendesk", "--team-map", "EMEA Support=support-emea"]
    assert table(run(a, b, *args)) == table(run(str(FIX / "zendesk_small.csv"), *args))
