"""Workers that start warm: MkDocs, Material and jieba are imported once, before the language workers fork."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cssite.publish import mkdocs_build
from cssite.publish.mkdocs_build import LanguageJob

WARM = ("mkdocs.commands.build", "material", "material.plugins.search.plugin", "jieba", "pymdownx.superfences")


def _jieba_ready() -> bool:
    import jieba

    return bool(jieba.dt.initialized)


def probe(job: LanguageJob):
    """Stands in for a language build: reports what the worker had imported before it did anything."""
    return job.lang, True, [os.getpid(), os.getppid(), *[name in sys.modules for name in WARM], _jieba_ready()]


def check(folder: str) -> None:
    """Run in a fresh interpreter: nothing of MkDocs is imported until build_languages warms up."""
    tmp = Path(folder)
    config = tmp / "mkdocs.yml"
    config.write_text("site_name: t\ntheme: {name: material}\nplugins: [search]\n"
                      "markdown_extensions: [pymdownx.superfences]\n", encoding="utf-8")
    (tmp / "docs").mkdir()
    assert not any(name in sys.modules for name in WARM)
    jobs = [LanguageJob(lang, str(config), str(tmp / "site" / lang)) for lang in ("en", "fr", "zh")]
    mkdocs_build.run_mkdocs = probe  # the workers run the probe instead of a build
    results = mkdocs_build.build_languages(jobs, 2)
    assert sorted(r[0] for r in results) == ["en", "fr", "zh"]
    for _, _, (pid, parent, *imported) in results:
        assert pid != os.getpid() and parent == os.getpid()  # a worker process, forked from this one
        assert all(imported), dict(zip(WARM + ("jieba dictionary",), imported))  # ... MkDocs and jieba ready
    assert mkdocs_build._pool_context().get_start_method() == "fork"
    print("warm workers ok")


def test_language_workers_fork_from_a_process_that_imported_mkdocs(tmp_path: Path):
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import test_warm_workers as t; " \
           f"t.check({str(tmp_path)!r})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "warm workers ok" in done.stdout
