"""Skip what didn't change: nothing at all when no input changed, else every language whose inputs did not.

Two levels, both checked against a record of the site now published:

- **The whole build.** Before anything is loaded, one hash is taken over every input the build reads:
  the project's config/, content/, templates/ and messages/ folders (names and bytes), its mkdocs.yml with
  the file it INHERITs, its hooks and the environment variables it names, the exports and preset files
  the config names, cssite's own package (code, templates, theme, catalogues), the installed distributions
  and their versions, the git commit (review pages print each file's last commit), the date (overdue
  objectives, MkDocs' sitemap), and the build's options. When it matches the record and the published
  folder is still what that build wrote, the build ends there: nothing is loaded, analysed, rendered or
  drawn, no MkDocs runs, and neither pandas nor matplotlib is imported.
- **Each language**, when the whole build ran. A language's MkDocs build is a pure function of its docs
  folder (pages, charts, assets), its configuration (with the base mkdocs.yml it inherits), the theme
  overrides and the versions of cssite, MkDocs and Material. The fingerprint hashes all of them. When it
  matches the one recorded for the published site, and the published folder is still exactly what that
  build wrote (same files, sizes and modification times), the folder is carried into the new site instead
  of being built again.

Anything else, including a site someone edited by hand, is rebuilt. A fingerprint is taken before the
files are read, so a file saved during a build makes the next build run again rather than be skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from importlib import metadata, resources
from pathlib import Path

# Bump when what a fingerprint covers changes, so older records never match.
FINGERPRINT_VERSION = 1
RECORD = "published.json"


def _versions() -> str:
    out = []
    for dist in ("cssite", "mkdocs", "mkdocs-material", "jieba"):
        try:
            out.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            out.append(f"{dist}=?")
    return ",".join(out)


def _theme_digest() -> str:
    """The theme overrides and assets shipped with cssite (an edited partial changes every language)."""
    h = hashlib.sha256()
    for folder in ("theme", "assets"):
        base = Path(str(resources.files("cssite") / "data" / folder))
        for p in sorted(base.rglob("*")):
            if p.is_file():
                h.update(p.relative_to(base).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def language_fingerprint(files: dict[str, bytes], config: dict, base_config: bytes) -> str:
    """One hash over everything a language's MkDocs build reads.

    `config` is the language's generated mkdocs.yml without its site_dir (that names the
    per-build staging folder, which differs every time); `base_config` the bytes of the
    mkdocs.yml it inherits.
    """
    h = hashlib.sha256(f"v{FINGERPRINT_VERSION}|{_versions()}|{_theme_digest()}".encode())
    h.update(hashlib.sha256(base_config).digest())
    h.update(json.dumps({k: v for k, v in config.items() if k != "site_dir"}, sort_keys=True,
                        ensure_ascii=False, default=str).encode())
    for rel in sorted(files):
        h.update(rel.encode() + b"\0" + hashlib.sha256(files[rel]).digest())
    return h.hexdigest()


def folder_listing(folder: Path) -> str:
    """A digest of a published folder's files, sizes and modification times (cheap: no file is read)."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            st = p.stat()
            h.update(f"{p.relative_to(folder).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _record_path(cache: Path) -> Path:
    return cache / RECORD


def load_published(cache: Path, site_dir: Path) -> dict[str, dict[str, str]]:
    """{lang: {"fingerprint", "listing"}} recorded for the site now published at `site_dir`."""
    try:
        data = json.loads(_record_path(cache).read_text(encoding="utf-8"))
        entry = data.get(str(site_dir.resolve()), {})
        return entry if isinstance(entry, dict) else {}
    except (OSError, ValueError):
        return {}  # no record or a damaged one: everything is rebuilt


# Listings of folders carried over in this process: a carried folder keeps every file's size and
# modification time (hard links or copy2), so save_published need not walk it a second time.
_carried: dict[tuple[str, str], str] = {}


def unchanged_languages(cache: Path, site_dir: Path, fingerprints: dict[str, str]) -> set[str]:
    """The languages whose published folder can be carried over as it is."""
    site_dir = site_dir.resolve()
    record = load_published(cache, site_dir)
    for key in [k for k in _carried if k[0] == str(site_dir)]:
        del _carried[key]  # what an earlier, failed build in this process carried over
    same = set()
    for lang, fp in fingerprints.items():
        entry = record.get(lang)
        folder = site_dir / lang
        if (isinstance(entry, dict) and entry.get("fingerprint") == fp and folder.is_dir()
                and entry.get("listing") == folder_listing(folder)):
            same.add(lang)
            _carried[(str(site_dir), lang)] = entry["listing"]
    return same


def carry_language(site_dir: Path, stage: Path, lang: str) -> None:
    """Put the published `lang` folder into the new site: hard links where possible, else copies.

    The published site is only read, so a build that fails later leaves it as it was.
    """
    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(site_dir.resolve() / lang, stage / lang, copy_function=link)


def save_published(cache: Path, site_dir: Path, fingerprints: dict[str, str]) -> None:
    """Record what the site now published at `site_dir` was built from (call after the swap)."""
    site_dir = site_dir.resolve()
    path = _record_path(cache)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data[str(site_dir)] = {lang: {"fingerprint": fp,
                                  "listing": _carried.pop((str(site_dir), lang), None) or folder_listing(site_dir / lang)}
                           for lang, fp in fingerprints.items() if (site_dir / lang).is_dir()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)  # never a half-written record


# --- the whole build ------------------------------------------------------------------------------------
BUILD_RECORD = "build.json"
PROJECT_FOLDERS = ("config", "content", "templates", "messages")  # everything load/ and render/ read from
_ENV_TAG = re.compile(r"!ENV\s*(\[[^\]]*\]|\S+)")


def _hash_tree(h, folder: Path, bases: list[str]) -> None:
    """Names and bytes of every file under `folder`, links followed while they stay inside `bases`."""
    seen: set[str] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        real = os.path.realpath(current)
        if real in seen:
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            h.update(f"unreadable folder {current}: {exc.strerror}\n".encode())
            continue
        for entry in entries:
            if entry.name == "__pycache__":
                continue
            path = entry.path
            target = os.path.realpath(path)
            if not any(target == b or target.startswith(b + os.sep) for b in bases):
                # Never read: the build itself refuses it (load/confine.py); only its name and target count.
                h.update(f"outside {path} -> {target}\n".encode())
                continue
            try:
                if entry.is_dir():
                    stack.append(Path(path))
                    h.update(f"dir {path}\n".encode())
                    continue
                with open(path, "rb") as f:
                    digest = hashlib.file_digest(f, "sha256").hexdigest()
            except OSError as exc:
                digest = f"unreadable: {exc.strerror}"
            h.update(f"file {path} {digest}\n".encode())


def _hash_file(h, path: Path) -> None:
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    h.update(f"{path} ".encode() + (hashlib.sha256(data).hexdigest().encode() if data is not None else b"missing")
             + b"\n")


def _distributions() -> str:
    """Every installed distribution and its version, from the names of their metadata folders.

    One listing per folder of sys.path (metadata.version() for each would cost ~20 ms apiece): any
    upgrade of MkDocs, Material, Markdown, Babel, matplotlib or anything else changes it.
    """
    names = []
    for entry in sys.path:
        if not os.path.isabs(entry):  # "" is the working folder: where cssite is started from changes nothing
            continue
        try:
            names += [n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
    return "\n".join(sorted(names))


def _mkdocs_inputs(h, root: Path) -> None:
    """The base mkdocs.yml, the file it INHERITs, its hooks, and the environment variables its !ENV tags read."""
    from cssite.publish.mkdocs_build import base_config, read_base_config

    path = base_config(root)
    _hash_file(h, path)
    data = read_base_config(root)[0]
    named = data.get("hooks") if isinstance(data.get("hooks"), list) else []
    if isinstance(data.get("INHERIT"), str):
        named = [*named, data["INHERIT"]]
    for name in named:
        _hash_file(h, path.parent / str(name))
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for tag in _ENV_TAG.findall(text):
        for var in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", tag):
            h.update(f"env {var}={os.environ.get(var)!r}\n".encode())


def package_folders() -> list[Path]:
    """cssite's code and everything it ships: theme, assets, catalogues, guidance, presets, default templates."""
    import cssite

    return [Path(cssite.__file__).resolve().parent, Path(str(resources.files("cssite.templates"))).resolve()]


def build_fingerprint(root: Path, options: dict, extra_files: list[str], allow_outside: tuple[Path, ...] = ()) -> str:
    """One hash over every input of a whole build (see the module's docstring).

    `options` are the build's options that change its output (JSON-able); `extra_files` the files outside
    the project folders that the config names (exports, preset files), as the last build recorded them:
    the config is hashed too, so when it is unchanged the list is too.
    """
    from cssite.gitinfo import head_commit

    root = Path(root).resolve()
    bases = [os.path.realpath(root)] + [os.path.realpath(p) for p in allow_outside]
    h = hashlib.sha256(f"whole build v{FINGERPRINT_VERSION}\n".encode())
    h.update(json.dumps(options, sort_keys=True, ensure_ascii=False, default=str).encode() + b"\n")
    h.update(f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH')!r}\ngit {head_commit(root)}\n".encode())
    h.update(_distributions().encode() + b"\n")
    for folder in package_folders():
        _hash_tree(h, folder, [os.path.realpath(folder)])
    for name in PROJECT_FOLDERS:
        _hash_tree(h, root / name, bases)
    _mkdocs_inputs(h, root)
    for rel in sorted(set(extra_files)):
        path = root / rel
        real = os.path.realpath(path)
        if any(real == b or real.startswith(b + os.sep) for b in bases):
            _hash_file(h, path)
        else:
            h.update(f"outside {rel}\n".encode())
    return h.hexdigest()


def _build_records(cache: Path) -> dict:
    try:
        data = json.loads((cache / BUILD_RECORD).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def last_build(cache: Path, site_dir: Path) -> dict:
    """What the build that published `site_dir` recorded: {fingerprint, extra_files, listing, diagnostics}."""
    entry = _build_records(cache).get(str(Path(site_dir).resolve()))
    return entry if isinstance(entry, dict) else {}


def nothing_changed(cache: Path, site_dir: Path, fingerprint: str) -> list[str] | None:
    """The published build's diagnostics (to say again) when its inputs were exactly these; else None.

    The published folder must also still be exactly what that build wrote: a site edited by hand is rebuilt.
    """
    entry = last_build(cache, site_dir)
    if not fingerprint or entry.get("fingerprint") != fingerprint or not Path(site_dir).is_dir():
        return None
    if entry.get("listing") != folder_listing(Path(site_dir).resolve()):
        return None
    diagnostics = entry.get("diagnostics")
    return [str(d) for d in diagnostics] if isinstance(diagnostics, list) else []


def save_build(cache: Path, site_dir: Path, fingerprint: str | None, extra_files: list[str],
               diagnostics: list[str]) -> None:
    """Record the whole build that just published `site_dir` (after the swap).

    `fingerprint` None: this build's inputs were not all hashed before it read them (the config named
    other exports than the last build's), so the next build runs in full and records them properly.
    """
    site_dir = Path(site_dir).resolve()
    data = _build_records(cache)
    data[str(site_dir)] = {"fingerprint": fingerprint, "extra_files": sorted(set(extra_files)),
                           "listing": folder_listing(site_dir), "diagnostics": diagnostics}
    path = cache / BUILD_RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)

