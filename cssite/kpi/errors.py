"""The one error type of the KPI engine: an input it cannot use, with its place."""

from __future__ import annotations

from pathlib import Path

from cssite.errors import InputError


class ExportError(InputError):
    """An export (or preset) that cannot be used as asked: printed `path[:line]: error: detail`, exit 1.

    `path`, `line` and `detail` stay available so a build can report it as a diagnostic.
    """

    def __init__(self, detail: str, path: Path | str, line: int = 0) -> None:
        super().__init__(detail, str(path), line)
