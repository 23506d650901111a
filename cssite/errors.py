"""Diagnostics and the exception hierarchy the CLI maps to exit codes.

A user's mistake is a `Diagnostic` with a position; many are collected and
reported at once. Exceptions carry them up to the CLI, which prints them and
exits 1 without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one input file, printed GCC-style as `path:line: severity: message`."""

    path: str
    line: int
    severity: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


class Diagnostics:
    """A collector: loaders add to it instead of stopping at the first problem."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.items: list[Diagnostic] = []

    def relative(self, path: Path | str) -> str:
        p = Path(path)
        if self.root is not None:
            try:
                return p.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return p.as_posix()

    def error(self, path: Path | str, line: int, message: str) -> None:
        self.items.append(Diagnostic(self.relative(path), line, "error", message))

    def warning(self, path: Path | str, line: int, message: str) -> None:
        self.items.append(Diagnostic(self.relative(path), line, "warning", message))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        # Stable, file-then-line order reads like a compiler's output.
        seen: set[Diagnostic] = set()
        out = []
        for d in sorted(self.items, key=lambda d: (d.path, d.line)):
            if d not in seen:
                seen.add(d)
                out.append(d)
        return out


class CssiteError(click.ClickException):
    """Base for every error a user can cause; exit code 1, no traceback."""

    exit_code = 1

    def show(self, file=None) -> None:  # noqa: D102 - click API
        click.echo(self.format_message(), err=True)


class ValidationFailed(CssiteError):
    """The project's files have errors (or warnings, under --strict); `diagnostics` lists every one."""

    def __init__(self, diagnostics: list[Diagnostic], outcome: str = "") -> None:
        self.diagnostics = diagnostics
        errors = sum(1 for d in diagnostics if d.severity == "error")
        warnings = len(diagnostics) - errors
        if errors:
            summary = plural(errors, "error")
        else:
            summary = f"{plural(warnings, 'warning')}, which --strict treats as errors"
        lines = [str(d) for d in diagnostics]
        lines.append(summary + (f"; {outcome}" if outcome else ""))
        super().__init__("\n".join(lines))


def plural(n: int, word: str) -> str:
    """`1 review`, `3 reviews` (English: only the tool's own log lines use it)."""
    return f"{n} {word}{'' if n == 1 else 's'}"


class InputError(CssiteError):
    """A single input problem outside the project's files (an export, an option value).

    `detail`, `path` and `line` stay available, so a caller can report it as a Diagnostic instead.
    """

    def __init__(self, detail: str, path: str | None = None, line: int = 0) -> None:
        self.detail, self.path, self.line = detail, str(path) if path else None, line
        if self.path:
            message = f"{self.path}:{line}: error: {detail}" if line else f"{self.path}: error: {detail}"
        else:
            message = f"error: {detail}"
        super().__init__(message)


class OptionError(InputError):
    """A value that came from a command-line option or a config setting and cannot be used.

    On the command line it is a usage error (exit 2); from config/cssite.yml it is reported at its line.
    """


class BuildError(CssiteError):
    """The site generator failed after validation passed; the previous site is untouched."""

    def __init__(self, message: str) -> None:
        super().__init__(f"error: {message}")
