"""TOML text -> plain Python values, or a ``TomlError`` saying where the text went wrong.

The parser is ``toml-rs`` (the Rust ``toml`` crate behind a ``tomllib``-shaped API), held to
TOML 1.0.0: a calendar cica accepts is one that every TOML 1.0 reader accepts (the standard
library's ``tomllib``, editors, linters). It gives the same values as ``tomllib``, with standard
``datetime.timezone`` offsets, and parses a 5 MB calendar in 0.05 s where ``tomllib`` (or its
compiled twin ``tomli``) takes 0.3-0.9 s: on a large calendar that was most of a first run.

Its parser recurses once per level of arrays and inline tables nested in each other, on the
calling thread's stack, and a hostile file nested 10 000 levels deep overflowed the 8 MB main
stack (a segmentation fault, exit 139). Every level needs a ``[`` or ``{``, so their count bounds
the depth: a text with few of them is parsed here, any other on a thread whose stack has room
for that many levels (a text with so many that even that stack would be too large is scanned for
its depth first). A structure nested that deep is never a valid calendar, so the loader, when it
finds problems, asks ``too_deep`` and reports arrays and inline tables nested more than
``MAX_NESTING`` levels as the TOML error it is, with line and column.
"""

from __future__ import annotations

import re
from typing import Any, Final

from toml_rs import TOMLDecodeError
from toml_rs import loads as _loads

TOML_VERSION: Final = "1.0.0"
#: Arrays and inline tables inside each other, at most (a calendar needs two).
MAX_NESTING: Final = 100
#: Up to this many brackets, the text is parsed on the calling thread (any stack has room).
_FEW_BRACKETS = 400
#: Stack per level of nesting for the parser (it needs about 1.6 kB) and the largest stack.
_STACK_PER_LEVEL = 4096
_MAX_STACK = 1 << 30

_WHERE = re.compile(r"at line (\d+), column (\d+)")
_EXCERPT = re.compile(r"^\s*\d*\s*\|")  # `  |` and `3 | remind = [` around the caret


class TomlError(ValueError):
    """Text that is not TOML 1.0: ``line`` and ``column`` (1-based, or None) and what is wrong."""

    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def parse(text: str) -> dict[str, Any]:
    """The tables and values of ``text``: dicts, lists, str, int, float, bool, date and time."""
    brackets = text.count("[") + text.count("{")
    if brackets <= _FEW_BRACKETS:
        return _parse(text)
    stack = max(brackets * _STACK_PER_LEVEL, 16 << 20) + (8 << 20)
    if stack > _MAX_STACK:  # a huge file: find out how deep it really is before parsing
        deep = too_deep(text)
        if deep is not None:
            raise deep
        return _parse(text)
    return _on_thread(text, stack)


def _parse(text: str) -> dict[str, Any]:
    try:
        return _loads(text, toml_version=TOML_VERSION)
    except TOMLDecodeError as err:
        raise _error(str(err)) from None


def _on_thread(text: str, stack: int) -> dict[str, Any]:
    """``_parse(text)`` on a thread with ``stack`` bytes of stack."""
    import threading

    outcome: list[Any] = []

    def work() -> None:
        try:
            outcome.append(_parse(text))
        except TomlError as err:
            outcome.append(err)

    previous = threading.stack_size(stack)
    try:
        worker = threading.Thread(target=work, name="toml", daemon=True)
        worker.start()
    finally:
        threading.stack_size(previous)
    worker.join()
    if not outcome:  # the thread died of something else: parse here, as before
        return _parse(text)
    if isinstance(outcome[0], TomlError):
        raise outcome[0]
    result: dict[str, Any] = outcome[0]
    return result


_TOKEN = re.compile(r"[\[\]{}\"'#]")


def too_deep(text: str) -> TomlError | None:
    """The error at the first bracket nested more than ``MAX_NESTING`` deep, or None.

    Brackets inside strings and comments do not count. A string left open ends the scan (the
    parser reports it). A Python loop: called for huge files, or when a calendar has problems
    (a structure nested that deep is always one), to name the real one.
    """
    depth, pos, end = 0, 0, len(text)
    while (match := _TOKEN.search(text, pos)) is not None:
        char, at = match.group(), match.start()
        pos = at + 1
        if char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, at) + 1
                column = at - (text.rfind("\n", 0, at) + 1) + 1
                return TomlError(
                    f"arrays and inline tables nested more than {MAX_NESTING} levels deep",
                    line,
                    column,
                )
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char == "#":
            newline = text.find("\n", at)
            pos = end if newline < 0 else newline + 1
        elif text.startswith(char * 3, at):
            close = _closing(text, char * 3, at + 3)
            if close < 0:
                return None
            pos = close + 3
            while pos < end and text[pos] == char and pos < close + 5:
                pos += 1  # up to two quotes more belong to the string
        else:
            close = _closing(text, char, at + 1)
            newline = text.find("\n", at)
            if close < 0 or 0 <= newline < close:
                return None
            pos = close + 1
    return None


def _closing(text: str, quotes: str, start: int) -> int:
    """Where ``quotes`` close a string that began before ``start`` (-1: never). In basic strings
    (``"``) a quote after an odd number of backslashes is part of the text."""
    while (at := text.find(quotes, start)) >= 0:
        if quotes[0] == "'":
            return at
        before = at
        while before > start and text[before - 1] == "\\":
            before -= 1
        if (at - before) % 2 == 0:
            return at
        start = at + 1
    return -1


def _error(report: str) -> TomlError:
    """``TOML parse error at line 3, column 12`` / excerpt with a caret / ``what is wrong``."""
    lines = [line for line in report.splitlines() if line.strip()]
    where = _WHERE.search(lines[0]) if lines else None
    excerpt = [i for i, line in enumerate(lines) if _EXCERPT.match(line)]
    rest = lines[excerpt[-1] + 1 :] if excerpt else lines[1:] if where else lines
    message = " ".join(line.strip() for line in rest) or "invalid TOML"
    if where is None:
        return TomlError(message, None, None)
    return TomlError(message, int(where.group(1)), int(where.group(2)))


#: One part of a dotted key: bare, "basic" (with escapes) or 'literal'.
KEY_PART: Final = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_KEY_PARTS = re.compile(KEY_PART)
_BARE_DOTTED = re.compile(r"[A-Za-z0-9_\-\s]+(?:\.[A-Za-z0-9_\-\s]+)*")
_BARE_DOTTED_TIGHT = re.compile(r"[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*")  # no spaces to strip


def split_key(text: str) -> tuple[str, ...]:
    """The parts of a dotted key as written: ``events."soc.2024" . title`` gives
    ``("events", "soc.2024", "title")``; a basic string's escapes are decoded."""
    if text.isascii() and text.isalpha():  # `title`
        return (text,)
    if _BARE_DOTTED_TIGHT.fullmatch(text):  # `events.soc`: the common case
        return tuple(text.split("."))
    if _BARE_DOTTED.fullmatch(text):  # `events . soc`: without a match per part
        return tuple(part.strip() for part in text.split("."))
    parts = []
    for part in _KEY_PARTS.findall(text):
        if part.startswith('"'):
            import json  # TOML's escapes in keys are JSON's, plus \UXXXXXXXX (rare in a key)

            try:
                parts.append(str(json.loads(part)))
            except ValueError:
                parts.append(part[1:-1])
        elif part.startswith("'"):
            parts.append(part[1:-1])
        else:
            parts.append(part)
    return tuple(parts)
