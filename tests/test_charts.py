"""Charts and the numbers they share with tables: precision, shared axes, bands, labels, colour schemes."""

from __future__ import annotations

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
