"""Where an event is written in a calendar's text, found without parsing the whole file.

A 10 000-event calendar takes seconds to parse with a style-preserving parser, so the edit parses
only the *region* that defines the event: its ``[events.<id>]`` table up to the next table header,
or the ``[events]`` table (inline tables, dotted keys), or the part before the first header
(``events.<id>.title = ...`` at the root). A small lexer finds the headers: it knows strings (basic,
literal, multi-line), comments and brackets spanning lines, so a ``[`` inside a value or a string
is never taken for a header. Whatever it finds is checked afterwards: the edited file is parsed
whole and must differ from the original in the edited values only (``rewrite.check``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..core.toml_text import split_key


class Header(NamedTuple):
    """A table header: where its line starts, its dotted key, and ``[[...]]`` or not."""

    offset: int
    key: tuple[str, ...]
    array: bool


class Region(NamedTuple):
    """``text[start:end]`` defines the event (the region's own trailing comments left out)."""

    start: int
    end: int


def newline_of(text: str) -> str:
    """The file's line ending: that of its first line (``\\r\\n`` or ``\\n``)."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def headers(text: str, start: int = 0, first: bool = False) -> list[Header]:
    """Every table header of ``text`` from ``start`` (a line start), in order; only the first
    one with ``first``."""
    found: list[Header] = []
    i, n, depth = start, len(text), 0
    at_line_start = True
    while i < n:
        if at_line_start and depth == 0:
            j = i
            while j < n and text[j] in " \t":
                j += 1
            if j < n and text[j] == "[":
                end = _header_end(text, j)
                array = text.startswith("[[", j)
                inner = text[j + (2 if array else 1) : end]
                found.append(Header(i, split_key(inner), array))
                if first:
                    return found
                i = end
            at_line_start = False
            continue
        match = _INTERESTING.search(text, i)
        if match is None:
            break
        i = match.start()
        c = text[i]
        if c == "\n":
            at_line_start = True
            i += 1
        elif c == "#":
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
        elif c == '"' or c == "'":
            i = _string_end(text, i)
        elif c in "[{":
            depth += 1
            i += 1
        else:
            depth = max(0, depth - 1)
            i += 1
    return found


def event_region(text: str, event_id: str, exact: bool = False) -> Region:
    """The smallest region of ``text`` that defines ``event_id`` (see the module's docstring).

    By default the event's header is found by a pattern and only its region is lexed, which
    assumes that the header line is not inside a multi-line string; ``exact`` lexes the whole
    text (linear, but slow on a large file: the fallback when the edited file does not check).
    """
    if exact:
        table = headers(text)
        for key in (("events", event_id), ("events",)):
            for k, header in enumerate(table):
                if header.key == key and not header.array:
                    end = table[k + 1].offset if k + 1 < len(table) else len(text)
                    return Region(header.offset, _trim_end(text, header.offset, end))
        end = table[0].offset if table else len(text)
        return Region(0, _trim_end(text, 0, end))
    for pattern in (_table_pattern("events", event_id), _table_pattern("events")):
        match = pattern.search(text)
        if match:
            return Region(match.start(), _region_end(text, match.end()))
    return Region(0, _region_end(text, 0))


_INTERESTING = re.compile(r"[\n#\"'\[\]{}]")


def _table_pattern(*key: str) -> re.Pattern[str]:
    parts = r"[ \t]*\.[ \t]*".join(
        f"(?:{re.escape(k)}|\"{re.escape(k)}\"|'{re.escape(k)}')" for k in key
    )
    return re.compile(rf"^[ \t]*\[[ \t]*{parts}[ \t]*\][ \t]*(?:#[^\n]*)?$", re.MULTILINE)


def _region_end(text: str, after: int) -> int:
    """Where the region that goes on at ``after`` ends: the next header, trailing comments off."""
    line = text.find("\n", after)
    start = len(text) if line < 0 else line + 1
    following = headers(text, start, first=True)
    end = following[0].offset if following else len(text)
    return _trim_end(text, after, end)


def _trim_end(text: str, start: int, end: int) -> int:
    """``end`` moved back over blank and comment-only lines (they introduce what follows)."""
    lines = text[start:end].splitlines(keepends=True)
    while len(lines) > 1 and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        end -= len(lines.pop())
    return end


def _header_end(text: str, i: int) -> int:
    """The offset just after a header line's closing bracket(s) (quoted keys may hold ``]``)."""
    n = len(text)
    while i < n and text[i] != "\n":
        c = text[i]
        if c == '"' or c == "'":
            i = _string_end(text, i)
            continue
        if c == "]":
            return i + (2 if text.startswith("]]", i) else 1)
        i += 1
    return i


def _string_end(text: str, i: int) -> int:
    """The offset just after the string that opens at ``text[i]``."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        j = i + 3
        while True:
            k = text.find(quote * 3, j)
            if k < 0:
                return len(text)
            if quote == '"' and _escaped(text, k):
                j = k + 1
                continue
            k += 3
            while k < len(text) and text[k] == quote:  # up to two quotes end the content
                k += 1
            return k
    j = i + 1
    while j < len(text) and text[j] != "\n":
        if text[j] == "\\" and quote == '"':
            j += 2
            continue
        if text[j] == quote:
            return j + 1
        j += 1
    return j


def _escaped(text: str, k: int) -> bool:
    backslashes = 0
    while k - backslashes - 1 >= 0 and text[k - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1
