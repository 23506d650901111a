"""Skip what didn't change: a language whose inputs are byte-identical to the last published build is not rebuilt.

A language's MkDocs build is a pure function of its docs folder (pages, charts,
assets), its configuration (with the base mkdocs.yml it inherits), the theme
overrides and the versions of cssite, MkDocs and Material. The fingerprint
hashes all of them. When it matches the one recorded for the published site,
and the published folder is still exactly what that build wrote (same files,
sizes and modification times), the folder is carried into the new site instead
of being built again. Anything else, including a site someone edited by hand,
is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
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
