"""Diagnostics, the exception hierarchy, and the exit code each one means.

A user's mistake is a `Diagnostic` with a position; many are collected and
reported at once. Exceptions carry them up to the CLI (one place, cli.CssiteGroup),
which prints them and exits with the code of their class, never with a traceback:

    0  success
    1  a problem in your files or data (CssiteError and its subclasses)
    2  a usage error: a command-line option or argument that can't be used (OptionError, click's own)
    3  an internal error: a bug in cssite (any other exception; the traceback goes to a log file)
    130  interrupted (Ctrl-C)
    141  the reader of the output went away (`cssite kpi … | head`): nothing is printed, as for any Unix tool
         killed by SIGPIPE (128 + 13); it is no problem in your files

Every message is one line: user values and file names are printed through
`show_value` / `show_path`, which quote them and escape control characters, so
a value with a line break or a file named `x:99: error: forged.yml` can't split a
message or forge another one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import click

EXIT_OK, EXIT_USER, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 3, 130, 141

# Lone surrogates too: a file name that is not UTF-8 reaches Python as U+DC80–U+DCFF (surrogateescape), and
# would print its raw bytes (or fail to print at all).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# A file name printed as it is: letters (any script), digits and . _ - / + @ ~ ,  (no ':' or space).
_PLAIN_PATH = re.compile(r"[\w./+@~,-]+")


def _escape_controls(s: str) -> str:
    def one(m: re.Match) -> str:
        ch = m.group()
        if "\udc80" <= ch <= "\udcff":  # an undecodable byte of a file name: shown as the byte it was
            return f"\\x{ord(ch) - 0xDC00:02x}"
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\x{ord(ch):02x}" if ord(ch) < 0x100
                                                            else f"\\u{ord(ch):04x}")
    return _CONTROL.sub(one, s)


def one_line(s: str) -> str:
    """A message as one line: control characters (line breaks included) written as escapes."""
    return _escape_controls(str(s))


def show_value(v) -> str:
    """A user's value inside a message: quoted, control characters escaped, very long values shortened."""
    s = str(v)
    if len(s) > 120:
        s = s[:100] + f"… ({len(s):,} characters)"
    return "'" + _escape_controls(s.replace("\\", "\\\\").replace("'", "\\'")) + "'"


def show_path(p) -> str:
    """A file name as a message prints it: as it is when plain, else quoted like a value."""
    s = Path(p).as_posix() if not isinstance(p, str) else p
    return s if _PLAIN_PATH.fullmatch(s) else show_value(s)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one input file, printed GCC-style as `path:line: severity: message`."""

    path: str
    line: int
    severity: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        path = show_path(self.path)
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.severity}: {one_line(self.message)}"


class Diagnostics:
    """A collector: loaders add to it instead of stopping at the first problem."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.items: list[Diagnostic] = []

    def relative(self, path: Path | str) -> str:
        """The file as the project names it (a symlink is named by itself, never by where it points)."""
        import os

        p = Path(path)
        if self.root is not None:
            try:
                return Path(os.path.abspath(p)).relative_to(os.path.abspath(self.root)).as_posix()
            except ValueError:
                try:
                    return p.resolve().relative_to(self.root.resolve()).as_posix()
                except (ValueError, OSError):
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

    exit_code = EXIT_USER

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
            shown = show_path(self.path)
            message = f"{shown}:{line}: error: {one_line(detail)}" if line else f"{shown}: error: {one_line(detail)}"
        else:
            message = f"error: {one_line(detail)}"
        super().__init__(message)


class OptionError(InputError):
    """A value that came from a command-line option or a config setting and cannot be used.

    On the command line it is a usage error (exit 2); from config/cssite.yml it is reported at its line.
    """


class ExportError(InputError):
    """An export (or preset) that cannot be used as asked: printed `path[:line]: error: detail`, exit 1.

    `path`, `line` and `detail` stay available so a build can report it as a diagnostic.
    """

    def __init__(self, detail: str, path: Path | str, line: int = 0) -> None:
        super().__init__(detail, str(path), line)


class OutsideProject(InputError):
    """A file the project names resolves outside the project folder (a symlink, `..`, an absolute path)."""


class BuildBusy(CssiteError):
    """Another build holds the site's (or the cache's) lock."""


class BuildError(CssiteError):
    """The site generator failed after validation passed; the previous site is untouched."""

    def __init__(self, message: str) -> None:
        super().__init__(f"error: {message}")
