"""New values for one event, or a new event, written into the calendar's text in its own style.

Only the event's region (``blocks.event_region``) goes through ``tomlkit``, the style-preserving
TOML library: a changed value keeps its line, its comment and its quoting (a literal string stays
literal, a date typed as a string stays a string); a removed field loses its line; a new field is
appended to the table. Every other byte of the file is kept, line endings included (a CRLF file
gets CRLF lines). The result is then parsed whole and compared with the original: it must hold
exactly the same values except the edited ones, or the edit is not made (``EditFailedError``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

import tomlkit
from tomlkit.container import OutOfOrderTableProxy
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import InlineTable, Item, String, StringType, Table

from ..core.toml_text import TomlError, parse
from ..errors import CicaError, ExitCode
from .blocks import event_region, newline_of

#: What a field can be set to: text, a day, a date-time, a list of texts; None removes the field.
Value = str | dt.date | dt.datetime | Sequence[str] | None

_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}(?:([T ])\d{2}:\d{2}(:\d{2})?)?$")


class EditFailedError(CicaError):
    """cica could not make an edit without touching other parts of the file (a bug: exit 70)."""

    exit_code = ExitCode.SOFTWARE


def set_fields(text: str, event_id: str, changes: Mapping[str, Value], exact: bool = False) -> str:
    """``text`` with ``event_id``'s fields set to ``changes`` (None: removed), all else as it was.

    The event must be defined in ``text`` (the caller has loaded the calendar). The edited region
    is checked on its own: it must parse to the same values as before but the edited ones. Text
    outside the region is kept byte for byte; that the region was found right (not, say, inside
    a multi-line string that looks like a table) is for the caller to confirm on the whole file,
    cheaply, by loading it: every other event must read as before. If not, ``exact=True`` finds
    the region by lexing the whole file (slow on a large file, and right).
    """
    for exact_mode in (True,) if exact else (False, True):
        region = event_region(text, event_id, exact=exact_mode)
        try:
            edited, expected = _edit(text, region.start, region.end, event_id, changes)
        except (TOMLKitError, KeyError, TypeError, ValueError):
            continue
        old_piece = text[region.start : region.end]
        new_piece = edited[region.start : len(edited) - (len(text) - region.end)]
        if _only_these_changed(old_piece, new_piece, event_id, expected):
            return edited
    raise EditFailedError(
        f"could not change {', '.join(changes)} of {event_id} without changing other parts of "
        "the file; nothing was written. Please report this with the file's layout "
        "(CICA_DEBUG=1 does not apply)"
    )


def append_event(text: str, event_id: str, fields: Mapping[str, Value]) -> str:
    """``text`` with a new ``[events.<id>]`` table at the end, written as the file's last event
    table is: the same line endings, blank lines before the header and alignment of ``=``."""
    newline = newline_of(text)
    gap, width, literal = _layout(text)
    like = tomlkit.string("", literal=True) if literal else None
    lines = [f"[events.{event_id}]"]
    expected: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        item = _styled(value, like)
        expected[name] = item.unwrap()
        lines.append(f"{name.ljust(width)} = {item.as_string()}")
    body = newline.join(lines) + newline
    head = text
    if head and not head.endswith("\n"):
        head += newline
    if head.strip():
        trailing = len(head) - len(head.rstrip("\r\n"))  # line breaks already at the end
        head += newline * max(0, gap + 1 - head[len(head) - trailing :].count("\n"))
    edited = head + body
    if not _only_these_changed("", head[len(text) :] + body, event_id, expected, new=True):
        raise EditFailedError(f"could not append [events.{event_id}] to the file; nothing written")
    return edited


def _edit(
    text: str, start: int, end: int, event_id: str, changes: Mapping[str, Value]
) -> tuple[str, dict[str, Any]]:
    doc = tomlkit.parse(text[start:end])
    table = doc["events"][event_id]
    if not isinstance(table, Table | InlineTable | OutOfOrderTableProxy):
        raise TypeError(event_id)
    spaced = isinstance(table, InlineTable) and _last_value_spaced(table)
    expected: dict[str, Any] = {}
    for name, value in changes.items():
        if value is None:
            if name in table:
                del table[name]
            expected[name] = None
            continue
        old = table.item(name) if name in table and hasattr(table, "item") else None
        item = _styled(value, old if isinstance(old, Item) else None)
        table[name] = item
        expected[name] = item.unwrap()
    _keep_inline_spacing(doc)
    if spaced and isinstance(table, InlineTable) and not _last_value_spaced(table):
        # A field added: the new last value keeps the space before the brace that the old one
        # had (tomlkit writes `status = "done"}`).
        values = [v for k, v in table.value.body if k is not None and isinstance(v, Item)]
        values[-1].trivia.trail = " "
    piece = doc.as_string()
    if newline_of(text) == "\r\n":
        piece = re.sub(r"(?<!\r)\n", "\r\n", piece)
    return text[:start] + piece + text[end:], expected


def _last_value_spaced(table: InlineTable) -> bool:
    """Whether the inline table's last value is followed by a space (``{ a = 1 }``), which
    tomlkit keeps as a whitespace element after it, or as its comment spacing or trailing
    text, depending on the value's type."""
    body = table.value.body
    if body and body[-1][0] is None and body[-1][1].as_string() == " ":  # `"L" }`
        return True
    values = [v for k, v in body if k is not None and isinstance(v, Item)]
    if not values or values[-1].trivia.comment:
        return False
    trivia = values[-1].trivia  # `2024-07-01 }`
    return bool((trivia.comment_ws or trivia.trail).strip("\n") and not trivia.trail.strip())


def _keep_inline_spacing(container: Any) -> None:
    """tomlkit renders the inline tables of a changed container anew, and drops the space after
    a value (``date = 2024-07-01 }``, ``"x" ,``), which it holds as the value's comment spacing:
    put it back as the value's trailing text, in every inline table of the region."""
    for name in list(container.keys()):
        item = container.item(name) if hasattr(container, "item") else container[name]
        if isinstance(item, InlineTable):
            for key, value in item.value.body:
                if key is not None and isinstance(value, Item):
                    trivia = value.trivia
                    if not trivia.comment and not trivia.trail:
                        trivia.trail = trivia.comment_ws
            _keep_inline_spacing(item)
        elif isinstance(item, Table | OutOfOrderTableProxy):
            _keep_inline_spacing(item)


def _styled(value: Value, old: Item | None) -> Item:
    """``value`` as a TOML item written the way ``old`` was (a string stays a string, etc.)."""
    if isinstance(value, dt.date):
        if isinstance(old, String) and _DATE_TEXT.match(str(old)):
            return _as_string(_date_text(value, str(old)), old)
        return tomlkit.item(value)
    if isinstance(value, str):
        return _as_string(value, old if isinstance(old, String) else None)
    assert value is not None
    return tomlkit.item(list(value))


def _date_text(value: dt.date, like: str) -> str:
    """A day or date-time as text, with the separator and seconds of ``like``."""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    match = _DATE_TEXT.match(like)
    separator = match.group(1) if match and match.group(1) else "T"
    seconds = bool(match and match.group(2)) or value.second != 0
    return value.isoformat(sep=separator, timespec="seconds" if seconds else "minutes")


def _as_string(value: str, old: String | None) -> Item:
    kind = old._t if old is not None else StringType.SLB
    literal = kind in (StringType.SLL, StringType.MLL)
    multiline = kind in (StringType.MLB, StringType.MLL)
    if literal and ("'''" in value if multiline else ("'" in value or "\n" in value)):
        literal = False  # not writable as a literal string: a basic one, with escapes
    return tomlkit.string(value, literal=literal, multiline=multiline)


def _layout(text: str) -> tuple[int, int, bool]:
    """Of the last event table: the blank lines before its header, the width its keys are padded
    to (0: no padding), and whether its strings are mostly literal ('...')."""
    last = _last_event_header(text)
    if last is None:
        return 1, 0, False
    gap, first = _gap_before(text, max(0, last - 4096), last)
    if first and last > 4096:  # nothing but blank and comment lines in the last 4 KB
        gap, first = _gap_before(text, 0, last)
    if first:  # the first table of the file: one blank line, as most files have
        gap = 1
    block = text[last:].splitlines()[1:]
    columns = set()
    padded = False
    quotes = {"'": 0, '"': 0}
    for line in block:
        if line.lstrip().startswith("["):
            break
        key = re.match(r"^([A-Za-z0-9_-]+)( *)= *(['\"]?)", line)
        if key:
            columns.add(len(key.group(1)) + len(key.group(2)))
            padded = padded or len(key.group(2)) > 1
            if key.group(3):
                quotes[key.group(3)] += 1
    width = columns.pop() - 1 if padded and len(columns) == 1 else 0
    return gap, width, quotes["'"] > quotes['"']


def _last_event_header(text: str) -> int | None:
    """Where the line of the last ``[events.`` header starts (searched from the end; a line
    inside a multi-line string that reads as one is not one)."""
    from .blocks import MultilineStrings

    end = len(text)
    while (i := text.rfind("[events.", 0, end)) >= 0:
        start = text.rfind("\n", 0, i) + 1
        if not text[start:i].strip(" \t") and not MultilineStrings(text).cover(start):
            return start
        end = i
    return None


def _gap_before(text: str, start: int, header: int) -> tuple[int, bool]:
    """The blank lines above the comments that introduce the header at ``header`` (lines of
    ``text[start:header]``), and whether nothing else is above them."""
    before = text[start:header].splitlines()
    while before and before[-1].lstrip().startswith("#"):  # comments introducing the table
        before.pop()
    gap = 0
    while before and not before[-1].strip():
        gap += 1
        before.pop()
    return gap, not before


def _only_these_changed(
    before: str, after: str, event_id: str, expected: Mapping[str, Any], new: bool = False
) -> bool:
    """``after`` parses to ``before``'s values with ``event_id``'s ``expected`` fields applied
    (``new``: ``event_id`` is not in ``before`` and is added)."""
    try:
        old, edited = parse(before), parse(after)
    except TomlError:
        return False
    events = old.setdefault("events", {})
    if not isinstance(events, dict):
        return False
    if new:
        if event_id in events:
            return False
        events[event_id] = {}
    body = events.get(event_id)
    if not isinstance(body, dict):
        return False
    for name, value in expected.items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    # Whole-file equality in C first; the edited event then also with its types.
    return bool(old == edited and _same(body, edited["events"][event_id]))


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same types (a date is not a date-time, 1 is not 1.0 nor True)."""
    both = (dict, dt.datetime)
    if type(a) is not type(b) and not any(isinstance(a, t) and isinstance(b, t) for t in both):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
