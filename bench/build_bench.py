"""Benchmark: the five-language build of the example against mkdocs-static-i18n, and a no-change rebuild.

Usage: python bench/build_bench.py [--repeat 3]      (needs the bench extra: pip install -e '.[bench]')

In one run, on a copy of the example handbook:
- cssite cold: no cache at all (charts drawn, every language built);
- cssite warm, charts only: charts cached, every page converted again (the kept pages removed first),
  every language built (a new site folder, so nothing is carried over);
- cssite warm: charts and the kept pages (converted Markdown, search entries, compiled templates; see
  cssite/publish/page_store.py) from the previous build, every language built into a new site folder;
- cssite no-change: the same build again into the same site (no input changed: nothing is done);
- static-i18n: MkDocs with mkdocs-static-i18n building the very pages cssite generated
  (`cssite build --docs-out`, charts included) for the five languages in one process,
  with the same base mkdocs.yml (theme, features, Markdown extensions).
Runs are interleaved and the median of `--repeat` rounds is kept; the ratios are the
figures to read (the machine is shared and noisy). CPU is the processes' user+system time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "fr", "ru", "et", "zh")
NAMES = {"en": "English", "fr": "Français", "ru": "Русский", "et": "Eesti", "zh": "中文"}


def copy_example(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("config", "content", "templates", "mkdocs.yml"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy(src, dest / name)
    return dest


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{done.stdout}\n{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cssite(project: Path, site: Path, *extra: str) -> tuple[float, float]:
    return timed([sys.executable, "-m", "cssite", "build", "--project", str(project), "--site-dir", str(site), *extra])


def static_i18n_project(dest: Path, project: Path, docs_out: Path) -> Path:
    """One MkDocs project holding the five languages' generated pages, built by mkdocs-static-i18n."""
    shutil.copytree(docs_out, dest / "docs", ignore=shutil.ignore_patterns(".cssite-docs"))
    base = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    cfg = {
        "site_name": "Example handbook",
        "docs_dir": "docs",
        "site_dir": str(dest / "site"),
        "theme": base["theme"],
        "markdown_extensions": base.get("markdown_extensions", []),
        "extra": base.get("extra", {}),
        "plugins": ["search", {"i18n": {"docs_structure": "folder", "languages": [
            {"locale": lang, "name": NAMES[lang], "default": lang == "en", "build": True} for lang in LANGUAGES]}}],
    }
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest / "mkdocs.yml"


def static_i18n(config: Path) -> tuple[float, float]:
    shutil.rmtree(config.parent / "site", ignore_errors=True)
    env_cmd = [sys.executable, "-c", "import os, sys; os.environ['NO_MKDOCS_2_WARNING'] = '1'; "
               "from mkdocs.__main__ import cli; sys.argv = ['mkdocs', 'build', '-q', '-f', sys.argv[1]]; cli()",
               str(config)]
    return timed(env_cmd)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="rounds; the median of each measurement is kept")
    args = ap.parse_args()
    try:
        import mkdocs_static_i18n  # noqa: F401
    except ImportError:
        sys.exit("mkdocs-static-i18n is missing: pip install -e '.[bench]'")
    rows: dict[str, list[tuple[float, float]]] = {k: [] for k in ("cold", "charts", "warm", "nochange", "static")}
    with tempfile.TemporaryDirectory(prefix="cssite-bench-") as tmp:
        tmp = Path(tmp)
        project = copy_example(tmp / "project")
        docs_out = tmp / "docs-out"
        cssite(project, tmp / "site-prime", "--docs-out", str(docs_out))  # the pages static-i18n builds
        config = static_i18n_project(tmp / "static", project, docs_out)
        for i in range(args.repeat):
            shutil.rmtree(project / ".cssite-cache", ignore_errors=True)
            site = tmp / f"site-{i}"
            rows["cold"].append(cssite(project, site))
            rows["static"].append(static_i18n(config))
            shutil.rmtree(site)  # charts stay cached; nothing published to carry over
            for kept in (project / ".cssite-cache").glob("v*/pages"):
                shutil.rmtree(kept)  # every page converted again
            rows["charts"].append(cssite(project, site))
            shutil.rmtree(site)
            rows["warm"].append(cssite(project, site))  # with the pages the previous build kept
            rows["nochange"].append(cssite(project, site))
            shutil.rmtree(site)
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in rows.items()}
    s_wall, s_cpu = med["static"]
    print(f"example handbook, 5 languages, {os.cpu_count()} CPUs, median of {args.repeat} rounds")
    print(f"{'':44s} {'wall':>8s} {'CPU':>8s}   {'vs static-i18n: wall':>20s} {'CPU':>6s}")
    for key, label in (("static", "mkdocs-static-i18n, same pages (baseline)"), ("cold", "cssite build, cold"),
                       ("charts", "cssite build, warm (charts cached only)"),
                       ("warm", "cssite build, warm (charts and pages kept)"), ("nochange", "cssite build, no change")):
        wall, cpu = med[key]
        print(f"{label:44s} {wall:7.2f}s {cpu:7.2f}s   {wall / s_wall:19.2f}x {cpu / s_cpu:5.2f}x")
    (c_wall, c_cpu), (w_wall, w_cpu), (n_wall, n_cpu) = med["cold"], med["warm"], med["nochange"]
    h_wall, h_cpu = med["charts"]
    print(f"warm build: {s_wall / w_wall:.2f}x faster than static-i18n (target >= 1.5x); CPU {s_cpu / w_cpu:.2f}x less")
    print(f"warm build, charts cached only: {s_wall / h_wall:.2f}x faster; CPU {s_cpu / h_cpu:.2f}x less")
    print(f"cold build: {c_wall / s_wall:.2f}x static-i18n's time (target <= 1.6x); CPU {c_cpu / s_cpu:.2f}x")
    print(f"no-change rebuild: {n_wall / c_wall:.2f}x a cold build (target <= 0.1x); CPU {n_cpu / c_cpu:.2f}x")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (wall ratios are only fair on an idle machine)")

if __name__ == "__main__":
    main()
