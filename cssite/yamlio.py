"""YAML reading that remembers where each value came from, and refuses what a review file never needs.

PyYAML's safe loader is extended so that mappings and lists carry the line of
every key and element; duplicate keys become errors instead of silently
overwriting (PyYAML's default).

User files are read as plain data only: strings, numbers, booleans, null, dates,
lists and mappings. Before anything is constructed, one pass over the parser's
events refuses every explicit tag (`!!timestamp x`, `!!python/…`, `!custom`: PyYAML's
safe loader would still honour the standard ones, and some raise plain Python errors
on bad content), anchors and aliases, and nesting deeper than MAX_DEPTH; control
characters and oversized integers are refused too, each as one located error.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from cssite.errors import Diagnostics, show_value


class LineDict(dict):
    """A mapping from YAML with `line` (its own) and `lines[key]` (each value's line)."""

    line: int = 0
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    """A sequence from YAML with `line` and `lines[i]` for each element."""

    line: int = 0
    lines: list


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


# libyaml's parser is several times faster on projects with hundreds of reviews, and keeps marks.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


MAX_DEPTH = 50  # a review is four levels deep; a 900-deep `[[[…]]]` would exhaust Python's stack
MAX_INT_DIGITS = 30  # far beyond any count, target or weight; Python refuses above 4,300 digits anyway
# YAML's printable set: tab, line breaks and everything else except C0/C1 controls, DEL and the non-characters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


class RefusedYAML(yaml.MarkedYAMLError):
    """Valid YAML that a cssite file may not use (a tag, an alias, too deep); reported as it is."""


def _check_events(text: str) -> None:
    """Refuse tags, aliases and deep nesting, reading the parser's events only (nothing is constructed)."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag
            raise RefusedYAML(None, None, f"tags are not allowed (found {show_value(shown)}); write the plain value",
                              event.start_mark)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise RefusedYAML(None, None, "anchors and aliases (& and *) are not allowed; write the value out "
                                          "(or put a value starting with & or * in quotes)", event.start_mark)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise RefusedYAML(None, None, f"nesting is deeper than {MAX_DEPTH} levels", event.start_mark)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _construct_int(loader: _Loader, node: yaml.ScalarNode):
    if sum(ch.isdigit() for ch in node.value) > MAX_INT_DIGITS:
        raise RefusedYAML(None, None, f"number with more than {MAX_INT_DIGITS} digits; "
                                      "put it in quotes if it is text", node.start_mark)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "a key must be a plain value, not a list or mapping",
                                                    key_node.start_mark) from None
        if key in out:
            raise DuplicateKeyError(
                None, None, f"duplicate key {show_value(key)} (first at line {out.lines[key]})", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:  # 2026-02-30, 2026-31-12: shaped like a date, but not one
        raise yaml.constructor.ConstructorError(None, None, f"{show_value(node.value)} is not a real date ({exc})",
                                                node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


# What usually causes PyYAML's terser complaints, in words a reviewer can act on.
_HINTS = (
    ("mapping values are not allowed", "a ': ' inside a value: put the whole value in quotes"),
    ("did not find expected key", "check this line's indentation: keys of one entry line up under each other"),
    ("did not find expected '-' indicator", "check the indentation: list entries start with '- ' at one depth"),
    ("could not find expected ':'", "a key needs ': ' after it, or a value spanning lines needs quotes"),
    ("found undefined alias", "a value starting with '*' must be in quotes"),
    ("found character '@'", "a value starting with '@' or '`' must be in quotes"),
)


def read_text(path: Path, diags: Diagnostics) -> str | None:
    """Read a UTF-8 file (a BOM is accepted); report a non-UTF-8 or empty file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        diags.error(path, 0, f"cannot read file: {exc.strerror}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        diags.error(path, line, "file is not valid UTF-8; save it as UTF-8 and try again")
        return None
    if not text.strip():
        diags.error(path, 1, "file is empty")
        return None
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        diags.error(path, line, f"control character U+{ord(bad.group()):04X} is not allowed in a text file "
                                "(remove it; it is invisible in most editors)")
        return None
    return text


MAX_YAML_BYTES = 10 * 1024 * 1024  # a year of reviews is a few hundred kB; far beyond, parsing takes minutes


def load_yaml(path: Path, diags: Diagnostics):
    """Parse one YAML file into LineDict/LineList values, or report why not and return None."""
    try:
        size = path.stat().st_size
    except (OSError, ValueError):
        size = 0  # read_text reports what is wrong with it
    if size > MAX_YAML_BYTES:
        diags.error(path, 0, f"the file is {size / 1024 / 1024:.0f} MB; a cssite YAML file may be at most "
                             f"{MAX_YAML_BYTES // 1024 // 1024} MB")
        return None
    text = read_text(path, diags)
    if text is None:
        return None
    try:
        _check_events(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or "invalid YAML"
        lines = text.splitlines()
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        if isinstance(exc, (DuplicateKeyError, RefusedYAML, yaml.constructor.ConstructorError)):
            diags.error(path, line, problem)
        elif "\t" in source[: len(source) - len(source.lstrip())]:
            diags.error(path, line, "this line is indented with a tab: YAML is indented with spaces only")
        else:
            hint = next((h for pattern, h in _HINTS if pattern in problem), "")
            if "mapping values" in problem and source.count(":") < 2:  # no second ':' on the line: indentation
                hint = "check this line's indentation against the line above"
            if exc.context:
                problem = f"{exc.context}: {problem}"
            diags.error(path, line, f"malformed YAML: {problem}" + (f" ({hint})" if hint else ""))
        return None
    except yaml.YAMLError as exc:  # a reader error: the message is PyYAML's, on one line
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        position = getattr(exc, "position", None)
        line = mark.line + 1 if mark else (text.count("\n", 0, position) + 1 if position is not None else 0)
        diags.error(path, line, f"malformed YAML: {reason}")
        return None
    except RecursionError:  # cannot happen below MAX_DEPTH; kept so that no input ever gives a traceback
        diags.error(path, 0, f"nesting is deeper than {MAX_DEPTH} levels")
        return None
