"""`cssite serve`'s warm rebuilds (cssite/warm.py) publish exactly what a fresh build of the same files does.

One project goes through the edits a writer makes while serve runs: a review's text, a new review (a new
file and a new nav entry), a Markdown setting in mkdocs.yml, a project template, a broken file and its fix, a
deleted review. After each, the site built inside the warm session is compared byte for byte with a site
built from scratch in a fresh process (`cssite build`), and the warm session must really have reused pages,
so the comparison is not between two cold builds.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from conftest import run
from cssite.cli import command_table
from cssite.commands.build import run_build
from cssite.errors import CssiteError
from cssite.warm import WarmBuilds


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _cold(root: Path, site: Path) -> dict[str, bytes]:
    """A build in a fresh interpreter, into a fresh folder: nothing warm anywhere."""
    shutil.rmtree(site, ignore_errors=True)
    done = subprocess.run([sys.executable, "-m", "cssite", "build", "--project", str(root), "--site-dir", str(site)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return _files(site)


class Session:
    def __init__(self, root: Path, site: Path) -> None:
        self.root, self.site, self.warm = root, site, WarmBuilds(root)

    def build(self) -> dict[str, bytes]:
        with self.warm.active():
            run_build(self.root, self.site, progress=lambda _m: None, commands=command_table())
        self.warm.kept()
        return _files(self.site)

    def fails(self) -> str:
        with self.warm.active():
            with pytest.raises(CssiteError) as caught:
                run_build(self.root, self.site, progress=lambda _m: None, commands=command_table())
        self.warm.dropped()
        return caught.value.format_message()


def _same(warm: dict[str, bytes], cold: dict[str, bytes]) -> None:
    assert sorted(warm) == sorted(cold)
    different = [name for name in warm if warm[name] != cold[name]]
    assert not different, different[:10]


def test_warm_rebuilds_match_a_fresh_build_after_every_kind_of_edit(tmp_path: Path):
    root = tmp_path / "handbook"
    assert run("init", root, "--languages", "en").exit_code == 0
    [review] = sorted((root / "content/reviews").glob("*/support.yml"))
    session = Session(root, tmp_path / "warm-site")
    cold_site = tmp_path / "cold-site"
    first = session.build()
    _same(first, _cold(root, cold_site))

    # 1. A review's text: only its pages change; the rest is reused.
    text = review.read_text(encoding="utf-8")
    [word] = [w for w in ("chat", "Chat", "customers", "reply") if w in text][:1]
    review.write_text(text.replace(word, word + " warmword", 1), encoding="utf-8")
    after = session.build()
    assert min(session.warm.reused.values()) > 0, session.warm.reused  # pages, search entries and HTML reused
    assert any(b"warmword" in data for data in after.values())
    _same(after, _cold(root, cold_site))

    # 2. A new file: next quarter's review (a new page in the nav of every page).
    assert run("review", "new", "support", "--project", root).exit_code == 0
    [new] = [p for p in (root / "content/reviews").glob("*/support.yml") if p != review]
    grown = session.build()
    assert len(grown) > len(after)
    _same(grown, _cold(root, cold_site))

    # 3. A Markdown setting in mkdocs.yml: every page is converted again.
    mkdocs = root / "mkdocs.yml"
    assert "permalink: true" in mkdocs.read_text(encoding="utf-8")
    mkdocs.write_text(mkdocs.read_text(encoding="utf-8").replace("permalink: true", "permalink: false"),
                      encoding="utf-8")
    changed = session.build()
    assert changed != grown
    _same(changed, _cold(root, cold_site))

    # 4. A project template that replaces a shipped one (a new file under templates/).
    shipped = (resources.files("cssite.templates") / "team.md.j2").read_text(encoding="utf-8")
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/team.md.j2").write_text(shipped + "\nOwn template line.\n", encoding="utf-8")
    own = session.build()
    assert any(b"Own template line." in data for data in own.values())
    _same(own, _cold(root, cold_site))

    # 5. A broken file fails like any build and keeps nothing; the fixed file builds as before.
    good = review.read_text(encoding="utf-8")
    review.write_text(good + "rating: [\n", encoding="utf-8")
    assert "support.yml" in session.fails()
    review.write_text(good, encoding="utf-8")
    _same(session.build(), _cold(root, cold_site))

    # 6. A deleted file: the new review's pages and nav entries are gone.
    new.unlink()
    shrunk = session.build()
    assert len(shrunk) < len(own)
    _same(shrunk, _cold(root, cold_site))


def test_without_a_warm_session_nothing_is_patched(project: Path):
    from mkdocs.structure.pages import Page
    from mkdocs.theme import Theme

    from cssite import warm

    render, get_env = Page.render, Theme.get_env
    session = WarmBuilds(project)
    with session.active():
        assert warm.bytecode_cache() is session.templates and Page.render is not render
    assert warm.bytecode_cache() is None and Page.render is render and Theme.get_env is get_env
