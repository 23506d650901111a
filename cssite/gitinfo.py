"""What git knows about the project's files. The only module that runs git.

Two questions: when and by whom was each file last changed (for review pages),
and what did the review files say at an earlier revision (for `cssite diff --rev`).
Each asks git once, whatever the number of files.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cssite.errors import InputError, OptionError

# Neither a user's pager, colours, signature display nor language may change what we parse.
_CONFIG = ("-c", "log.showSignature=false", "-c", "color.ui=false", "-c", "core.quotePath=false")
_FIELD, _RECORD = "\x1f", "\x01"


@dataclass(frozen=True)
class LastChange:
    """The latest commit that touched a file."""

    date: dt.date
    author: str
    commit: str  # short hash


class _GitMissing(Exception):
    pass


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "LC_ALL": "C", "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0"}
    try:
        return subprocess.run(["git", *_CONFIG, *args], cwd=root, input=stdin, capture_output=True, env=env,
                              check=False)
    except (FileNotFoundError, NotADirectoryError, PermissionError) as exc:
        raise _GitMissing(str(exc)) from exc


def head_commit(root: Path) -> str:
    """The commit checked out where `root` is ("" outside a repository or without git): what last_changes reads."""
    try:
        proc = _git(Path(root), "rev-parse", "--verify", "--quiet", "HEAD")
    except _GitMissing:
        return ""
    return proc.stdout.decode("ascii", errors="replace").strip() if proc.returncode == 0 else ""


def tracked(root: Path, path: str) -> bool:
    """True when git tracks any file under `path` (relative to `root`); False outside a repository or without git."""
    try:
        proc = _git(root, "ls-files", "-z", "--", path)
    except _GitMissing:
        return False
    return proc.returncode == 0 and bool(proc.stdout.strip(b"\0"))


def last_changes(root: Path, paths: list[str]) -> dict[str, LastChange]:
    """{path: its last commit} for `paths` (relative to `root`) that git has committed.

    Files never committed are left out; the result is {} when `root` is not in a
    git repository, the repository has no commits, or git is not installed.
    """
    root = Path(root)
    wanted = {Path(p).as_posix() for p in paths}
    if not wanted or not root.is_dir():
        return {}
    try:
        # One walk of the history for every path, newest commit first, so each path's first hit wins.
        # Their folders, not the paths, go on the command line: hundreds of paths overflow it on Windows.
        folders = sorted({Path(p).parent.as_posix() for p in wanted})
        proc = _git(root, "log", "-z", "--relative", "--name-only", "--no-renames",
                    f"--format={_RECORD}%h{_FIELD}%as{_FIELD}%an", "--", *folders)
    except _GitMissing:
        return {}
    if proc.returncode != 0:
        return {}
    out: dict[str, LastChange] = {}
    for record in proc.stdout.decode("utf-8", errors="replace").split(_RECORD):
        header, _, names = record.partition("\0")
        fields = header.split(_FIELD)
        if len(fields) != 3:
            continue
        commit, date, author = fields
        change = LastChange(dt.date.fromisoformat(date), author, commit)
        for name in names.split("\0"):
            name = name.strip("\n")
            if name in wanted and name not in out:
                out[name] = change
        if len(out) == len(wanted):
            break
    return out


def files_at_revision(root: Path, rev: str, folder: str = "content/reviews") -> dict[str, str]:
    """{path relative to root: text} of every *.yml / *.yaml under `folder` at git revision `rev`.

    Raises InputError when git is missing, `root` is not in a git repository, or
    `rev` is not there (saying so when the clone is shallow). A folder that did
    not exist at `rev` gives {}.
    """
    root = Path(root)
    folder = Path(folder).as_posix().strip("/")
    if not root.is_dir():
        raise InputError(f"{root} is not a folder")
    if not rev or rev.startswith("-"):
        raise InputError(f"--rev: '{rev}' is not a revision (give a tag, branch or commit)")
    try:
        prefix = _git(root, "rev-parse", "--show-prefix")
        if prefix.returncode != 0:
            raise InputError(f"{root} is not in a git repository, so there is no revision '{rev}' to compare with "
                             f"({_first_line(prefix.stderr)})")
        commit = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        if commit.returncode != 0:
            raise _missing_revision(root, rev)
        sha = commit.stdout.decode().strip()
        tree = f"{sha}:{prefix.stdout.decode('utf-8').strip()}{folder}"
        listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", tree)
        if listing.returncode != 0:
            return {}  # the folder did not exist then
        blobs: list[tuple[str, str]] = []
        for entry in listing.stdout.decode("utf-8", errors="surrogateescape").split("\0"):
            meta, _, name = entry.partition("\t")
            parts = meta.split()
            # Regular files only: symlinks (120000) and submodules are not review files.
            if len(parts) == 3 and parts[1] == "blob" and parts[0] != "120000" and name.endswith((".yml", ".yaml")):
                blobs.append((f"{folder}/{name}", parts[2]))
        if not blobs:
            return {}
        batch = _git(root, "cat-file", "--batch", stdin="".join(f"{b}\n" for _, b in blobs).encode())
    except _GitMissing as exc:
        raise InputError(f"--rev needs git, which could not be run ({exc})") from None
    if batch.returncode != 0:
        raise InputError(f"git could not read the files at '{rev}': {_first_line(batch.stderr)}")
    return dict(zip((p for p, _ in blobs), _split_batch(batch.stdout)))


def _split_batch(data: bytes) -> list[str]:
    """The contents in a `git cat-file --batch` answer: '<sha> <type> <size>\\n<bytes>\\n' each."""
    texts, pos = [], 0
    while pos < len(data):
        eol = data.index(b"\n", pos)
        size = int(data[pos:eol].split()[2])
        body = data[eol + 1: eol + 1 + size]
        texts.append(body.decode("utf-8-sig", errors="replace"))
        pos = eol + 1 + size + 1
    return texts


def _missing_revision(root: Path, rev: str) -> InputError:
    """Why `rev` isn't there: a shallow clone is the checkout's problem (exit 1), a wrong name the option's (exit 2)."""
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow.returncode == 0 and shallow.stdout.decode().strip() == "true":
        return InputError(f"revision '{rev}' is not in this repository: it is a shallow clone, so older history is "
                          "missing. Fetch it with `git fetch --unshallow` (and `git fetch --tags` for a tag), "
                          "or in CI check out with `fetch-depth: 0`")
    if _git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        return OptionError(f"--rev: unknown revision '{rev}': this git repository has no commits yet")
    return OptionError(f"--rev: unknown revision '{rev}': no tag, branch or commit of that name in this repository "
                       "(`git log --oneline` lists commits; fetch a remote branch or tag first)")


def _first_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", errors="replace").strip().splitlines()
    return lines[0].removeprefix("fatal: ") if lines else "git failed"
