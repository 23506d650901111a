"""Property-based fuzzing: `validate` and `kpi` on mutated copies of the example never crash.

Whatever a mutation does to a review, the config, the metric catalogue, a KPI table or a helpdesk
export, the command ends with 0 (fine), 1 (a problem in the files, reported) or 2 (usage), and never
with a traceback or an internal error (3). Fixed seed and bounded example counts keep CI time small.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.conftest import REPO, run

# Text that tends to break parsers: YAML and CSV syntax, tags, anchors, control and odd Unicode characters.
NASTY = st.sampled_from([
    "!!timestamp x", "!!python/object:os.system", "&a", "*a", "{", "}", "[", "]", ": ", "- ", "? ", "|", ">",
    "#", "'", '"', "\t", "\n", "\r\n", "\x00", "\x1b", "\x85", "\u2028", "\ufeff", "%YAML 1.1\n", "---\n", "...\n",
    "9" * 400, "1e999", ".nan", "-.inf", "0x1F", "0o17", "2026-02-30", "2026-Q9", "yes", "~", "null",
    ",", ";", '""', '"a""b"', "\\", "é", "中文", "x" * 5000, "../../etc/passwd", "/proc/self/environ",
])
TEXT = st.one_of(NASTY, st.text(max_size=30))


@st.composite
def mutation(draw, text: str) -> str:
    """One edit of `text`: insert, delete, replace a span, duplicate or drop a line, or truncate."""
    kind = draw(st.sampled_from(["insert", "delete", "replace", "dup_line", "drop_line", "truncate"]))
    n = len(text)
    i = draw(st.integers(0, n))
    j = draw(st.integers(i, min(n, i + 40)))
    if kind == "insert":
        return text[:i] + draw(TEXT) + text[i:]
    if kind == "delete":
        return text[:i] + text[j:]
    if kind == "replace":
        return text[:i] + draw(TEXT) + text[j:]
    lines = text.splitlines(keepends=True)
    if not lines:
        return draw(TEXT)
    k = draw(st.integers(0, len(lines) - 1))
    if kind == "dup_line":
        return "".join(lines[: k + 1] + lines[k:])
    if kind == "drop_line":
        return "".join(lines[:k] + lines[k + 1:])
    return text[:i]


@pytest.fixture(scope="module")
def example_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    for name in ("config", "content"):
        shutil.copytree(REPO / name, root / name)
    # The 5,000-ticket export is fuzzed by the kpi test; here a short one keeps each validate fast.
    export = root / "content" / "exports" / "zendesk-tickets.csv"
    export.write_text("".join(export.read_text(encoding="utf-8").splitlines(keepends=True)[:150]), encoding="utf-8")
    assert run("validate", "--project", root).exit_code in (0, 1)
    return root


def project_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "config").rglob("*.yml")) + sorted((root / "content" / "reviews").rglob("*.yml")) \
        + sorted((root / "content" / "metrics").rglob("*.csv"))


def no_crash(result) -> None:
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output


@seed(20261201)
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_validate_never_crashes_on_a_mutated_example(example_copy: Path, data):
    files = project_files(example_copy)
    path = data.draw(st.sampled_from(files))
    original = path.read_bytes()
    try:
        text = original.decode("utf-8")
        for _ in range(data.draw(st.integers(1, 3))):
            text = data.draw(mutation(text))
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        no_crash(run("validate", "--project", example_copy))
    finally:
        path.write_bytes(original)


@pytest.fixture(scope="module")
def small_export(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("fuzz-kpi")
    lines = (REPO / "content" / "exports" / "zendesk-tickets.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    return folder, "".join(lines[:80])


@seed(20261201)
@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_kpi_never_crashes_on_a_mutated_export(small_export, data):
    folder, text = small_export
    for _ in range(data.draw(st.integers(1, 3))):
        text = data.draw(mutation(text))
    raw = text.encode("utf-8", "surrogatepass")
    if data.draw(st.booleans()):  # sometimes not UTF-8 at all
        raw = raw.replace(b"\xc3\xa9", b"\xe9")
    export = folder / "tickets.csv"
    export.write_bytes(raw)
    options = data.draw(st.sampled_from([[], ["--granularity", "month"], ["--period", "2025-Q2"],
                                         ["--team-map", "EMEA Support=support-emea"], ["--format", "json"],
                                         ["--map", "csat_rating="], ["--encoding", "cp1252"]]))
    no_crash(run("kpi", export, "--preset", "zendesk", *options))
