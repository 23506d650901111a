"""Confinement: a project reads only files inside its own folder.

Every file a project names or holds (config, reviews, KPI tables, guidance pages, templates, the
mkdocs.yml it builds with, exports and preset files under `tickets:`) must resolve, after following
symlinks and `..`, to a place inside the project folder, or inside a folder the user allowed with
`--allow-outside PATH`. Anything else is an error naming the file as the project names it; the file is
never opened, so its content can't end up in a message or on a page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from cssite.errors import Diagnostics, show_path

OUTSIDE_HINT = "cssite reads only files inside the project folder (pass --allow-outside PATH to allow another folder)"


@dataclass
class Confinement:
    """The folders a project may read from: its own, plus the ones allowed on the command line."""

    root: Path
    allowed: tuple[Path, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self._bases = [Path(os.path.realpath(self.root))] + [Path(os.path.realpath(p)) for p in self.allowed]

    def inside(self, path: Path) -> bool:
        """True when `path`, symlinks and `..` followed, is inside the project or an allowed folder."""
        try:
            real = Path(os.path.realpath(path))
        except (OSError, ValueError):
            return False
        return any(real == base or base in real.parents for base in self._bases)

    def problem(self, path: Path) -> str | None:
        """Why `path` may not be read, or None when it may (it need not exist)."""
        p = Path(path)
        if not self.inside(p):
            if os.path.islink(p):  # (os.path: False, not an exception, for a name too long to look up)
                return f"this is a link to a place outside the project folder; {OUTSIDE_HINT}"
            return f"this is outside the project folder; {OUTSIDE_HINT}"
        return None

    def check(self, path: Path, diags: Diagnostics, where: Path | None = None, line: int = 0,
              label: str = "") -> bool:
        """Report `path` (at `where:line` when the project names it there, else at the file) if it may not be read."""
        why = self.problem(path)
        if why is None:
            return True
        if where is None:
            diags.error(path, 0, why)
        else:
            diags.error(where, line, f"{label}{show_path(str(path))}: {why}")
        return False


def is_file(path: Path) -> bool:
    """Path.is_file that says False (instead of raising) for a name the system can't even look up."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def project_files(folder: Path, patterns: tuple[str, ...], confinement: Confinement, diags: Diagnostics) -> list[Path]:
    """The files of `folder` matching `patterns`, sorted per pattern; whatever resolves outside is reported, not read.

    A symlinked folder is followed when it stays inside the project, and is one error when it leaves it.
    """
    import fnmatch

    if not folder.is_dir():
        return []
    found: list[Path] = []
    seen: set[str] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        real = os.path.realpath(current)
        if real in seen:  # a link back into a folder already read: read it once
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            diags.error(current, 0, f"cannot read this folder: {exc.strerror}")
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # follows a symlink
            except OSError:
                is_dir = False
            if is_dir:
                if entry.is_symlink() and not confinement.check(path, diags):
                    continue
                stack.append(path)
            elif any(fnmatch.fnmatch(entry.name, p) for p in patterns):
                found.append(path)
    out: list[Path] = []
    for pattern in patterns:  # the order rglob gave: per pattern, sorted
        for path in sorted(p for p in found if fnmatch.fnmatch(p.name, pattern)):
            if path in out or not confinement.check(path, diags):
                continue
            why = not_regular(path)
            if why and path.name.startswith(".") and os.path.islink(path) and not os.path.exists(path):
                continue  # an editor's lock file (Emacs' `.#review.yml` is a link to nothing): not the user's file
            if why:
                diags.error(path, 0, why)
            else:
                out.append(path)
    return out


def not_regular(path: Path) -> str | None:
    """Why `path` can't be read as a file (a dangling link, a FIFO, a device, a socket), or None when it can.

    Checked before anything opens it: reading a FIFO would wait forever for a writer, a device never ends.
    """
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "this is a link to nothing (its target does not exist)" if os.path.islink(path) else "no such file"
    except (OSError, ValueError) as exc:
        return f"cannot read this file: {getattr(exc, 'strerror', None) or exc}"
    if stat.S_ISREG(mode):
        return None
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    return f"this is {kind}, not a file; cssite reads only regular files"
