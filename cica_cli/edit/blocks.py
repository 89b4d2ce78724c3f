"""Where an event is written in a calendar's text, found without parsing the whole file.

A 10 000-event calendar takes seconds to parse with a style-preserving parser, so the edit parses
only the *region* that defines the event: its ``[events.<id>]`` table up to the next table header,
or the ``[events]`` table (inline tables, dotted keys), or the part before the first header
(``events.<id>.title = ...`` at the root). A small lexer finds the headers: it knows strings (basic,
literal, multi-line), comments and brackets spanning lines, so a ``[`` inside a value or a string
is never taken for a header.

On a large file even that lexer is slow, so the quick way finds the event's header by its name
and asks only whether that line is inside a multi-line string (``MultilineStrings``: in valid
TOML, the one way a line that reads as a header is not one). Whatever it finds is checked
afterwards (``replaced_table``, or the edited file parsed whole).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from ..core.toml_text import TomlError, parse, split_key


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

    By default the event's header is found by its name, as the first line that reads as the
    header outside a multi-line string, and only its region is lexed; ``exact`` lexes the whole
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
    strings = MultilineStrings(text)
    match = _table_header(text, event_id, strings) or _events_header(text, strings)
    if match:
        return Region(match.start(), _region_end(text, match.end()))
    return Region(0, _region_end(text, 0))


def replaced_table(before: str, after: str, event_id: str) -> dict[str, Any] | None:
    """The ``[events.<id>]`` table of ``after``, if ``after`` is ``before`` with the text of that
    table (its region) replaced and nothing else; None if that cannot be shown this way.

    Shown without parsing either file whole (seconds for 100 000 events): the header of the
    table in ``before`` is a real one (not inside a multi-line string); the text before and after
    the region is the same in both files; the old and the new region each parse on their own to
    that one table, which leaves the parser where it was at the region's start, outside any
    string or bracket; and the region starts with the header and is followed by a header, so no
    line around it changes table. Nothing else can define the event's values: a calendar that
    loads holds no sub-table in an event, and TOML forbids defining a table twice. So the whole
    of ``after`` reads as ``before`` but for this table, which is returned as parsed.
    """
    strings = MultilineStrings(before)
    header = _table_header(before, event_id, strings)
    if header is None:
        return None
    start = header.start()
    end = _region_end(before, header.end())
    tail = len(before) - end
    if len(after) < start + tail or not after.startswith(before[:start]):
        return None
    if not after.endswith(before[end:]):
        return None
    old_piece, new_piece = before[start:end], after[start : len(after) - tail]
    if tail and not (old_piece.endswith("\n") and new_piece.endswith("\n")):
        return None
    if not _table_pattern("events", event_id).match(new_piece) or not _header_next(before, end):
        return None
    if _sole_table(old_piece, event_id) is None:
        return None
    return _sole_table(new_piece, event_id)


def appended_table(before: str, after: str, event_id: str) -> dict[str, Any] | None:
    """The ``[events.<id>]`` table of ``after``, if ``after`` is ``before`` with that table
    appended and nothing else; None if that cannot be shown this way. ``event_id`` must not be an
    event of ``before``, a calendar that loads.

    Shown without parsing ``before``: ``after`` starts with it, and what follows starts (after
    blank and comment lines) with the table's header, on a line of its own, and parses on its
    own to that one table and nothing else. ``before`` is a whole TOML document, so it ends
    outside any string or bracket; a key ahead of the header would belong to its last table.
    What could still make the joined text read otherwise is an ``events`` table that a header
    cannot extend: one written inline (``events = {...}``) or by dotted keys
    (``events.a.title = ...``); a file with a line that may do that (``_EVENTS_KEY``, even
    inside a string) is left to the whole parse.
    """
    if not after.startswith(before) or _defines_events_by_key(before):
        return None
    added = after[len(before) :]
    if before and not before.endswith("\n") and not added.startswith(("\n", "\r\n")):
        return None
    for line in _lines_from(added, 0):  # the header first: a key would join the last table
        if line.strip() and not line.lstrip().startswith("#"):
            if not _table_pattern("events", event_id).match(line):
                return None
            break
    return _sole_table(added, event_id)


def _defines_events_by_key(text: str) -> bool:
    """Whether a line of ``text`` may define ``events`` by a key rather than by table headers."""
    return bool(_EVENTS_KEY.match("\n" + text[:200]) or _EVENTS_KEY.search(text))


#: A line that may define ``events`` by a key (from its line break on: the regex engine skips
#: ahead to the line breaks, where ``^`` with MULTILINE would try every position).
_EVENTS_KEY = re.compile(r"""\n[ \t]*(?:events|"events"|'events')[ \t]*[.=]""")


class MultilineStrings:
    """Where the multi-line strings of a TOML text are, lexed from its start as far as asked.

    Only the lines holding a ``\"\"\"`` or ``'''`` are looked at (for a single-line string or a
    comment it may be in), so asking about a line near the end of a 50 MB file is quick."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0  # lexed up to here (outside any string)
        self.last = (0, 0)  # the last multi-line string found
        self.next = {'"""': -1, "'''": -1}  # where each delimiter is next (-1: not looked for)

    def cover(self, offset: int) -> bool:
        """Whether ``offset`` is inside a multi-line string (offsets asked in increasing order)."""
        text = self.text
        while self.pos <= offset:
            k = self._delimiter()
            if k < 0:
                self.pos = len(text) + 1
                break
            if k >= offset:
                break
            inside = self._single(max(self.pos, text.rfind("\n", 0, k) + 1), k)
            if inside is not None:  # in a comment or a one-line string: no delimiter
                self.pos = inside
                continue
            self.last = (k, _string_end(text, k))
            self.pos = self.last[1]
        return self.last[0] < offset < self.last[1]

    def _delimiter(self) -> int:
        """Where the next ``\"\"\"`` or ``'''`` is from ``pos`` (-1: none), by ``str.find``: many
        times faster than a pattern that finds either on a long text."""
        beyond = len(self.text) + 1  # none left
        for delimiter, at in self.next.items():
            if at < self.pos:
                found = self.text.find(delimiter, self.pos)
                self.next[delimiter] = beyond if found < 0 else found
        k = min(self.next.values())
        return -1 if k == beyond else k

    def _single(self, i: int, k: int) -> int | None:
        """The end of the comment or one-line string that ``k`` is in, lexing from ``i`` (outside
        any string, on ``k``'s line); None if ``k`` is in neither."""
        text = self.text
        while True:
            found = _SINGLE_LINE.search(text, i, k)
            if found is None:
                return None
            j = found.start()
            if text[j] == "#":
                newline = text.find("\n", j)
                return len(text) if newline < 0 else newline
            i = _string_end(text, j)  # a one-line string (no delimiter before k)
            if i > k:
                return i


def _table_header(text: str, event_id: str, strings: MultilineStrings) -> re.Match[str] | None:
    """The header line of ``[events.<id>]``: found by the id closing a bracket (a literal
    search, quick even for a short id), then the line read."""
    pattern = _table_pattern("events", event_id)
    for found in re.finditer(re.escape(event_id) + "[\"']?[ \t]*\\]", text):
        line_start = text.rfind("\n", 0, found.start()) + 1
        line_end = text.find("\n", found.end())
        match = pattern.match(text, line_start, len(text) if line_end < 0 else line_end)
        if match and not strings.cover(line_start):
            return match
    return None


def _events_header(text: str, strings: MultilineStrings) -> re.Match[str] | None:
    """The header line of ``[events]``."""
    for match in _table_pattern("events").finditer(text):
        if not strings.cover(match.start()):
            return match
    return None


def _header_next(text: str, end: int) -> bool:
    """Whether what follows ``end`` (a line start) is a table header, after blank and comment
    lines, or nothing."""
    for line in _lines_from(text, end):
        stripped = line.lstrip(" \t")
        if stripped.startswith("["):
            return True
        if stripped.strip() and not stripped.startswith("#"):
            return False
    return True


def _lines_from(text: str, i: int) -> Iterator[str]:
    while i < len(text):
        newline = text.find("\n", i)
        end = len(text) if newline < 0 else newline + 1
        yield text[i:end]
        i = end


def _sole_table(piece: str, event_id: str) -> dict[str, Any] | None:
    """The table ``piece`` defines, if it parses on its own to ``events.<id>`` and nothing else."""
    try:
        doc = parse(piece)
    except TomlError:
        return None
    events = doc.get("events")
    if doc.keys() != {"events"} or not isinstance(events, dict) or events.keys() != {event_id}:
        return None
    table = events[event_id]
    return table if isinstance(table, dict) else None


_INTERESTING = re.compile(r"[\n#\"'\[\]{}]")
_SINGLE_LINE = re.compile("[#\"']")


def _table_pattern(*key: str) -> re.Pattern[str]:
    parts = r"[ \t]*\.[ \t]*".join(
        f"(?:{re.escape(k)}|\"{re.escape(k)}\"|'{re.escape(k)}')" for k in key
    )
    return re.compile(rf"^[ \t]*\[[ \t]*{parts}[ \t]*\][ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE)


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
