"""The project's cache folder, `.cssite-cache/`: the one module that knows its layout, keys and failure policy.

Layout (everything a build may delete and recompute):

    .cssite-cache/
      v<version>/<area>/…     cached results (kpi/, charts/): one folder per cssite version, so a new
                              version never reads an old one's results; other versions' folders are pruned
      staging/<pid>-<token>/  one build's own work: MkDocs docs folders and the new site, never shared
      logs/                   internal-error logs (the traceback the terminal does not show)
      lock                    held for a whole build (see publish/swap.py)

Keys: `key(...)` hashes cssite's version, the area and every value that changes a result, plus the
content of the files named. Policy: a damaged or read-only cache is never an error. A build warns once
and goes on without it (computing everything, keeping nothing); an unreadable entry is computed again.

Trust: the cache is cssite's own output on this machine, never input from the repository. A cache that
git tracks (someone committed it: its KPI results and charts could be forged), that is a link, or that
holds a link anywhere inside (a committed `staging -> ~` would have the stale-staging cleanup empty a home
folder; a `lock -> ~/.bashrc` would be truncated by the lock) is not used at all: not read, not written,
not cleaned. The warning says how to repair it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import traceback
from pathlib import Path

from cssite import __version__

CACHE_NAME = ".cssite-cache"
STAGING = "staging"
_VERSION_DIR = "v" + re.sub(r"[^A-Za-z0-9.]+", "_", __version__)
_GITIGNORE = "# Made by cssite: everything here is recomputed when missing.\n*\n"


def cache_dir(root: Path) -> Path:
    return Path(root) / CACHE_NAME


class ProjectCache:
    """`.cssite-cache/` of one project. `warn(message)` is told once when the cache can't be used."""

    def __init__(self, root: Path, warn=None) -> None:
        self.root = cache_dir(root)
        self.base = self.root / _VERSION_DIR
        # On standard error, not as a diagnostic: a cache problem is no problem in the user's files
        # (and must not fail a --strict build).
        self._warn = warn or (lambda message: print(f"cssite: {message}", file=sys.stderr))
        self.usable = True
        self.reason = ""
        self._trusted: bool | None = None

    # --- the policy ---------------------------------------------------------------------------------
    def disable(self, exc: BaseException | str) -> None:
        """Stop using the cache for this run (it is read-only, full or damaged) and say so once."""
        if self.usable:
            self.usable = False
            self.reason = exc if isinstance(exc, str) else (getattr(exc, "strerror", None) or str(exc))
            if self._warn:
                self._warn(f"warning: the cache {self.root} can't be used ({self.reason}); "
                           "building without it, so nothing is reused or kept")

    def trusted(self) -> bool:
        """False (and the cache disabled, with a warning) when the cache is not cssite's own: see the module."""
        if self._trusted is None:
            problem = untrusted_cache(self.root)
            self._trusted = problem is None
            if problem:
                self.disable(problem)
        return self._trusted and self.usable

    def ensure(self) -> bool:
        """Make the cache folder (ignored by git); False, with a warning, when that is impossible."""
        if not self.usable or not self.trusted():
            return False
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            ignore = self.root / ".gitignore"
            if not ignore.is_file():
                ignore.write_text(_GITIGNORE, encoding="utf-8")
            return True
        except OSError as exc:
            self.disable(exc)
            return False

    # --- keys and entries -----------------------------------------------------------------------------
    @staticmethod
    def key(area: str, *parts, files: tuple[Path, ...] = ()) -> str:
        """The one key scheme: cssite's version, the area, the JSON of `parts`, the bytes of `files`."""
        h = hashlib.blake2b(digest_size=20)
        h.update(json.dumps([__version__, area, parts], sort_keys=True, default=str).encode())
        for path in files:
            with open(path, "rb") as f:
                while chunk := f.read(1 << 20):
                    h.update(chunk)
        return h.hexdigest()

    def area(self, name: str) -> Path | None:
        """The folder of one kind of cached result, made if missing; None when the cache can't be used."""
        if not self.ensure():
            return None
        folder = self.base / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.disable(exc)
            return None
        return folder

    def read_json(self, area: str, name: str):
        """A cached JSON value, or None when absent or damaged (then it is computed again)."""
        if not self.usable or not self.trusted():
            return None
        try:
            return json.loads((self.base / area / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write_json(self, area: str, name: str, value, replaces: str | None = None) -> None:
        """Store a JSON value atomically; `replaces` (a regular expression) names older entries it supersedes."""
        folder = self.area(area)
        if folder is None:
            return
        target = folder / name
        try:
            if replaces:
                pattern = re.compile(replaces)
                for old in folder.iterdir():
                    if old.name != name and pattern.fullmatch(old.name):
                        old.unlink(missing_ok=True)
            tmp = folder / f".{name}.{os.getpid()}.tmp"
            tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, target)
        except OSError as exc:
            self.disable(exc)

    def prune(self, area: str, keep: set[str], suffix: str = "") -> None:
        """Remove the entries of `area` (ending in `suffix`) that are not in `keep`."""
        folder = self.base / area
        if not self.usable or not folder.is_dir() or not self.trusted():
            return
        try:
            for entry in folder.iterdir():
                if entry.name.endswith(suffix) and entry.name not in keep:
                    entry.unlink(missing_ok=True)
        except OSError as exc:
            self.disable(exc)

    def prune_versions(self) -> None:
        """Remove what other cssite versions (and the layout before versioned folders) left behind."""
        if not self.usable or not self.root.is_dir() or not self.trusted():
            return
        try:
            for entry in self.root.iterdir():
                old_version = entry.name.startswith("v") and entry.name != _VERSION_DIR and entry.is_dir()
                old_layout = entry.name in ("kpi", "charts", "build")
                if old_version or old_layout:
                    shutil.rmtree(entry, ignore_errors=True)
        except OSError as exc:
            self.disable(exc)

    def scratch(self, name: str) -> Path:
        """A private temporary folder standing in for an area when the cache can't be used (removed at exit)."""
        import atexit
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix=f"cssite-{name}-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        return folder

    # --- staging -------------------------------------------------------------------------------------
    @property
    def staging_root(self) -> Path:
        return self.root / STAGING


def untrusted_cache(folder: Path) -> str | None:
    """Why the cache folder can't be cssite's own (a link, a link inside it, tracked by git), or None."""
    if os.path.islink(folder):
        return f"it is a link (to {os.readlink(folder)}); remove the link, cssite makes the folder itself"
    if not folder.is_dir():
        return None
    for current, dirs, files in os.walk(folder):  # followlinks=False: a link is seen, never entered
        for name in dirs + files:
            path = os.path.join(current, name)
            if os.path.islink(path):
                return (f"it holds a link, {os.path.relpath(path, folder.parent)}, which cssite never makes; "
                        f"remove the folder {folder.name}/ (everything in it is recomputed)")
    from cssite.gitinfo import tracked

    if tracked(folder.parent, folder.name):
        return (f"git tracks files in it, so they came from the repository, not from a build; "
                f"run git rm -r --cached {folder.name} and commit")
    return None


def write_crash_log(root: Path, exc: BaseException) -> Path | None:
    """Write an internal error's traceback to `.cssite-cache/logs/` (or the system's temp folder); its path."""
    text = "".join(traceback.format_exception(exc))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    body = f"cssite {__version__} internal error, {dt.datetime.now().isoformat(timespec='seconds')}\n\n{text}"
    import tempfile

    # Never through a link someone put in the cache (the log would be written wherever it points).
    candidates = [] if untrusted_cache(cache_dir(root)) else [cache_dir(root) / "logs"]

    candidates.append(Path(tempfile.gettempdir()))
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"cssite-crash-{stamp}-{os.getpid()}.log"
            path.write_text(body, encoding="utf-8")
            return path
        except OSError:
            continue
    return None
