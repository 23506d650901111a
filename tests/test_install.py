"""cssite as a new user gets it: a wheel built from a clean copy of the checkout, installed away from the repository.

The wheel is built by pip exactly as `pip install ./cssite` or `pipx install git+…` builds it (an isolated
build of the sources git tracks), so a data file missing from the package configuration, or code that only
works from inside the repository, fails here and not on a user's machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

# Where each tracked source folder lands inside the wheel (pyproject.toml, [tool.setuptools] package-dir).
PACKAGE_DIRS = {"cssite/": "cssite/", "templates/": "cssite/templates/", "config/": "cssite/example_config/",
                "content/": "cssite/example_content/"}


def _tracked() -> list[str]:
    result = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True)
    if result.returncode != 0:
        pytest.skip("not a git checkout: the wheel is built from the files git tracks")
    return [p for p in result.stdout.decode().split("\0") if p and (REPO / p).is_file()]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, list[str], list[str]]:
    """(site-packages folder holding only cssite, the wheel's file names, the tracked files)."""
    tracked = _tracked()
    base = tmp_path_factory.mktemp("install")
    source = base / "checkout"
    for rel in tracked:  # a clean copy: no .venv, no build/ or egg-info left by an editable install
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, source / rel)
    dist = base / "dist"
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist),
                             str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    (wheel,) = dist.glob("cssite-*.whl")
    target = base / "site-packages"
    with zipfile.ZipFile(wheel) as zf:  # cssite is pure Python: unpacking the wheel is installing it
        names = zf.namelist()
        zf.extractall(target)
    return target, names, tracked


def _run(args: list[str], cwd: Path, site_packages: Path) -> subprocess.CompletedProcess:
    # Only the unpacked wheel and the dependencies of this interpreter: never the repository's own sources.
    env = {**os.environ, "PYTHONPATH": str(site_packages), "PYTHONSAFEPATH": "1"}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_the_wheel_carries_every_tracked_file_of_the_package(installed):
    _, names, tracked = installed
    expected = set()
    for rel in tracked:
        for folder, inside in PACKAGE_DIRS.items():
            if rel.startswith(folder):
                expected.add(inside + rel[len(folder):])
    missing = sorted(expected - set(names))
    assert not missing, f"not in the wheel: {missing[:20]}"
    # The kinds of data a build needs, each present (a folder renamed later must still be shipped).
    for prefix in ("cssite/data/guidance/en/", "cssite/data/guidance/et/", "cssite/data/guidance/fr/",
                   "cssite/data/guidance/ru/", "cssite/data/guidance/zh/", "cssite/data/messages/",
                   "cssite/data/presets/", "cssite/data/scaffold/", "cssite/data/theme/", "cssite/data/assets/",
                   "cssite/templates/", "cssite/example_content/reviews/"):
        assert any(n.startswith(prefix) and not n.endswith("/") for n in names), prefix
    entry = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert entry


def test_installed_cssite_inits_and_builds_a_project_from_its_own_folder(installed, tmp_path: Path):
    site_packages = installed[0]
    where = _run(["-c", "import cssite; print(cssite.__file__)"], tmp_path, site_packages)
    assert Path(where.stdout.strip()).is_relative_to(site_packages), where.stdout + where.stderr

    made = _run(["-m", "cssite", "init", "handbook", "--languages", "et,en", "--team", "support-emea=EMEA tugi"],
                tmp_path, site_packages)
    assert made.returncode == 0, made.stderr
    project = tmp_path / "handbook"
    # As the project README says: from inside the project, with no --project.
    for args in (["validate", "--strict"], ["i18n", "status", "--fail-under", "90"], ["build"]):
        result = _run(["-m", "cssite", *args], project, site_packages)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    for lang in ("et", "en"):
        home = (project / "site" / lang / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in home
        assert (project / "site" / lang / "guidance/swot/index.html").is_file()
    review = next((project / "site/et/reviews").glob("*/support-emea/index.html")).read_text(encoding="utf-8")
    assert "Näidistugevus" in review and "EMEA tugi" in review
    assert not (project / ".cssite-cache/staging").exists() or not any((project / ".cssite-cache/staging").iterdir())

    example = _run(["-m", "cssite", "init", "--example", "example"], tmp_path, site_packages)
    assert example.returncode == 0, example.stderr
    checked = _run(["-m", "cssite", "validate"], tmp_path / "example", site_packages)
    assert checked.returncode == 0, checked.stdout + checked.stderr
