"""Publishing is exclusive and atomic: locked builds, own staging, an exchange that never leaves no site."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cssite.cache import ProjectCache
from cssite.publish.swap import MARKER, MARKER_TEXT, build_lock, swap_in
from tests.conftest import MINIMAL_CONFIG, run, write

LANGS = ("en", "fr")


@pytest.fixture
def two_language_project(project: Path) -> Path:
    write(project, "config/cssite.yml", MINIMAL_CONFIG.replace("languages: [en]", "languages: [en, fr]"))
    return project


def cssite(*args, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen([sys.executable, "-m", "cssite", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kwargs)


def assert_complete_site(site: Path) -> None:
    """Every language with its home page (parsed: a real <html> document), the search index and the root pages."""
    assert (site / "index.html").is_file() and (site / MARKER).read_text() == MARKER_TEXT
    for lang in LANGS:
        home = site / lang / "index.html"
        parser = HTMLParser()
        tags = []
        parser.handle_starttag = lambda tag, attrs: tags.append(tag)
        parser.feed(home.read_text(encoding="utf-8"))
        assert "html" in tags and "main" in tags or "article" in tags, home
        assert (site / lang / "search" / "search_index.json").is_file()
        assert (site / lang / "reviews" / "2026-Q3" / "support-emea" / "index.html").is_file()


def test_a_second_build_stops_while_one_holds_the_lock(two_language_project: Path):
    site = two_language_project / "site"
    with build_lock(two_language_project, site):
        result = run("build", "--project", two_language_project)
    assert result.exit_code == 1
    assert f"another build is running (pid {os.getpid()})" in result.output
    assert not site.exists()
    assert run("build", "--project", two_language_project).exit_code == 0  # the lock went with its holder
    assert_complete_site(site)


def test_two_builds_at_once_end_with_one_complete_site(two_language_project: Path):
    first = cssite("build", "--project", two_language_project, "--jobs", "1")
    second = cssite("build", "--project", two_language_project, "--jobs", "1")
    outs = [p.communicate(timeout=600) for p in (first, second)]
    codes = [first.returncode, second.returncode]
    assert 0 in codes, outs
    for code, (_, err) in zip(codes, outs):
        assert code in (0, 1) and "Traceback" not in err, err
        if code == 1:
            assert "another build is running (pid " in err, err
    assert_complete_site(two_language_project / "site")
    staging = ProjectCache(two_language_project).staging_root
    assert not staging.exists() or not any(staging.iterdir())


def test_a_killed_build_leaves_the_old_site_and_its_staging_is_removed_next_time(two_language_project: Path):
    site = two_language_project / "site"
    assert run("build", "--project", two_language_project).exit_code == 0
    before = (site / "en" / "index.html").read_bytes()
    write(two_language_project, "content/metrics/more.csv", "period,team,metric,value,n\n2026-Q1,support-emea,csat,80,100\n")
    staging = ProjectCache(two_language_project).staging_root
    proc = cssite("build", "--project", two_language_project, "--jobs", "1", start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # kill it once it is writing its own staging folder
        if staging.is_dir() and any((d / "work").exists() for d in staging.iterdir()):
            break
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("the build never started staging")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (site / "en" / "index.html").read_bytes() == before  # the published site is the old one, whole
    assert_complete_site(site)
    leftovers = list(staging.iterdir())
    assert leftovers
    assert run("build", "--project", two_language_project).exit_code == 0
    assert not any(p.exists() for p in leftovers)
    assert_complete_site(site)


def test_swap_exchanges_whole_folders(tmp_path: Path):
    site, stage = tmp_path / "site", tmp_path / "stage"
    write(site, "old.txt", "old")
    write(stage, "new.txt", "new")
    swap_in(stage, site)
    assert (site / "new.txt").read_text() == "new" and not (site / "old.txt").exists()
    assert (stage / "old.txt").read_text() == "old"  # the previous site, for the caller to remove


@pytest.mark.parametrize("marker", ["empty file", "folder", "other text", "symlink"])
def test_site_dir_with_a_hand_made_marker_is_not_replaced(project: Path, tmp_path_factory, marker: str):
    home = tmp_path_factory.mktemp("home")
    write(home, ".ssh/id_ed25519", "key")
    write(home, ".bashrc", "rc")
    if marker == "empty file":
        (home / MARKER).write_text("")
    elif marker == "folder":
        (home / MARKER).mkdir()
    elif marker == "other text":
        (home / MARKER).write_text("made by hand\n")
    else:
        write(home, "real-marker", MARKER_TEXT)
        os.symlink(home / "real-marker", home / MARKER)
    result = run("build", "--project", project, "--site-dir", home)
    assert result.exit_code == 2, result.output
    assert (home / ".ssh" / "id_ed25519").read_text() == "key" and (home / ".bashrc").exists()


def test_site_dir_made_by_cssite_is_replaced(project: Path, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "site"
    assert run("build", "--project", project, "--site-dir", out).exit_code == 0
    assert (out / MARKER).read_text() == MARKER_TEXT
    assert run("build", "--project", project, "--site-dir", out).exit_code == 0
    assert (out / "en" / "index.html").is_file()


def test_cache_and_staging_are_ignored_by_git(project: Path):
    if subprocess.run(["git", "--version"], capture_output=True).returncode != 0:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    assert run("build", "--project", project).exit_code == 0
    status = subprocess.run(["git", "-C", str(project), "status", "--porcelain", "--ignored=no"],
                            capture_output=True, text=True, check=True).stdout
    assert ".cssite-cache" not in status and "staging" not in status and ".cssite-lock" not in status, status


def test_a_damaged_cache_is_skipped_with_a_warning(project: Path):
    (project / ".cssite-cache").write_text("not a folder")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    assert "can't be used" in result.output and "building without it" in result.output
    assert (project / "site" / "en" / "index.html").is_file()


def test_cache_entries_are_keyed_by_version(project: Path):
    assert run("build", "--project", project).exit_code == 0
    cache = ProjectCache(project)
    assert cache.base.name.startswith("v") and (cache.base / "charts").is_dir()
    old = cache.root / "v0.0.0-old"
    write(old, "charts/x.svg", "<svg/>")
    assert run("build", "--project", project).exit_code == 0
    assert not old.exists()  # other versions' results are pruned


def test_a_build_run_inside_the_project_publishes_every_language(two_language_project: Path):
    """`cd project && cssite build` (the project given as '.', the way `make site` runs it): the staging path is
    relative then, and MkDocs would read a relative site_dir against its own config's folder."""
    proc = cssite("build", "--jobs", "1", cwd=two_language_project)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert_complete_site(two_language_project / "site")
