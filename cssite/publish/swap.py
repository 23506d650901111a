"""Atomic publishing: a new site replaces the old one only when it is complete."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path


@contextlib.contextmanager
def staged_site(site_dir: Path):
    """Yield a fresh staging folder beside `site_dir`; on success swap it in, on any failure remove it.

    The staging folder is a sibling, so the final renames stay on one file
    system and the old site is replaced in two renames, not a slow copy.
    """
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = site_dir.with_name(f".{site_dir.name}.new-{os.getpid()}")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
    if site_dir.exists():
        os.replace(site_dir, old)
    try:
        os.replace(stage, site_dir)
    except BaseException:
        if old.exists():
            os.replace(old, site_dir)  # put the previous site back
        raise
    shutil.rmtree(old, ignore_errors=True)


def redirect_page(default_lang: str) -> str:
    """site/index.html: send the reader to the default language."""
    return f"""<!doctype html>
<html lang="{default_lang}"><head><meta charset="utf-8">
<title>Redirecting…</title>
<meta http-equiv="refresh" content="0; url={default_lang}/">
<link rel="canonical" href="{default_lang}/">
</head><body><p><a href="{default_lang}/">{default_lang}/</a></p></body></html>
"""
