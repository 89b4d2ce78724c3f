"""TOML bytes -> validated model -> resolved schedule, with every problem reported at once.

The TOML is parsed by ``toml_text`` (TOML 1.0). It gives values without positions, so
``_SourceMap`` scans the text for table headers and keys to put a line number on each problem
(``FILE:LINE: events.<id>.<field>: message``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from ..errors import CalendarDataError, Problem
from . import safe_text
from .model import ID_PATTERN, Calendar, CalendarSettings, Event
from .resolve import ScheduleError, check_fields, resolve
from .schedule import Schedule
from .schema import ValidationError, validate_event, validate_settings
from .suggest import did_you_mean
from .toml_text import KEY_PART, MAX_NESTING, TomlError, parse, split_key, too_deep

R = TypeVar("R")

_HEADER = re.compile(r"^\s*\[(?!\[)\s*([^\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(rf"^\s*({KEY_PART}(?:\s*\.\s*{KEY_PART})*)\s*=")
_INLINE_KEY = re.compile(rf"[{{,]\s*({KEY_PART})\s*=")  # `soc = { title = "…", date = … }`
#: A line that may open a table (from its line break on), or open or close a multi-line string.
#: Its first character is a line break or a quote, so the regex engine skips ahead to them.
_LANDMARK = re.compile(r"\n[^\S\n]*\[|\"\"\"|'''")


class _SourceMap:
    """Line numbers of tables and keys in a TOML text (first occurrence wins).

    Lines are counted as TOML and editors count them, by "\\n" only (a U+2028 in a string or a
    comment does not end a line). With ``wanted``, only the keys of tables on the way to those
    paths are looked at: the scan jumps over the other tables from one header or multi-line
    string quote to the next (``_LANDMARK``), a tenth of the lines of a calendar.
    """

    def __init__(self, text: str, wanted: Iterable[tuple[str, ...]] | None = None) -> None:
        self.lines: dict[tuple[str, ...], int] = {}
        prefixes = None if wanted is None else {p[:i] for p in wanted for i in range(len(p))}
        table: tuple[str, ...] = ()
        skipping = False
        in_multiline = False
        number, pos, size = 1, 0, len(text)
        while pos <= size:
            if skipping or in_multiline:
                # The lines up to the next landmark change nothing: no key is read here, and a
                # line without a triple quote leaves a multi-line string as it was.
                landmark = _LANDMARK.search(text, pos - 1)  # pos > 0: a line was read
                if landmark is None:
                    break
                start = text.rfind("\n", pos - 1, landmark.start() + 1) + 1
                if start > pos:
                    number += text.count("\n", pos, start)
                    pos = start
            end = text.find("\n", pos)
            if end < 0:
                end = size
            line = text[pos:end]
            here = number
            number, pos = number + 1, end + 1
            quotes = line.count('"""') + line.count("'''")
            if in_multiline:
                in_multiline = quotes % 2 == 0
                continue
            if line.lstrip().startswith("["):
                header = _HEADER.match(line)
                if header:
                    table = split_key(header.group(1))
                    self.lines.setdefault(table, here)
                    skipping = prefixes is not None and table not in prefixes
                    continue
            if not skipping:
                key = _KEY.match(line)
                if key:
                    path = table + split_key(key.group(1))
                    for i in range(len(table) + 1, len(path) + 1):
                        self.lines.setdefault(path[:i], here)
                    rest = line[key.end() :]
                    if "{" in rest:  # an inline table: its keys too
                        for inner in _INLINE_KEY.finditer(rest):
                            self.lines.setdefault(path + split_key(inner.group(1)), here)
            if quotes % 2 == 1:
                in_multiline = True

    def line_of(self, path: tuple[str, ...]) -> int | None:
        """The line of ``path``, or of its nearest enclosing table or key."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def line_finder(
    text: str, wanted: Iterable[tuple[str, ...]] | None = None
) -> Callable[[tuple[str, ...]], int | None]:
    """``line_of(("events", id, field))``: the line of a key in ``text`` (or of its table);
    with ``wanted``, right for those paths only (the others may get an enclosing table's)."""
    return _SourceMap(text, wanted).line_of


class LoadedCalendar(NamedTuple):
    """A calendar file read and resolved."""

    path: Path
    calendar: Calendar
    schedule: Schedule


def load(path: Path) -> LoadedCalendar:
    """Read, validate and resolve the calendar at ``path``.

    Raises ``CalendarNotFoundError`` if it cannot be read and ``CalendarDataError`` with every
    problem found otherwise.
    """
    from ..paths import read_calendar

    return loads(read_calendar(path), str(path), path)


def loads(data: bytes, filename: str, path: Path | None = None) -> LoadedCalendar:
    """Like ``load`` for bytes already read; ``filename`` names them in messages."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise CalendarDataError([Problem(filename, line, "", "not valid UTF-8")]) from err
    try:
        raw = parse(text)
    except TomlError as err:
        _refuse_deep_nesting(text, filename)  # the first thing wrong, if that is it
        at = "" if err.column is None else f" at column {err.column}"
        problem = Problem(filename, err.line, "", f"invalid TOML{at}: {err}")
        raise CalendarDataError([problem]) from err
    found: list[tuple[tuple[str, ...], str]] = []

    def report(path: tuple[str, ...], message: str) -> None:
        found.append((path, message))

    calendar, broken = _validate(raw, report)
    schedule = None
    try:
        # Resolve what is valid even when something is not, so that one run reports everything.
        schedule = resolve(calendar, broken)
    except ScheduleError as err:
        for issue in err.issues:
            where = ("calendar",) if issue.event_id is None else ("events", issue.event_id)
            report((*where, issue.field), issue.message)
    if found or schedule is None:
        _refuse_deep_nesting(text, filename)
        # Lines are looked up only now: scanning the text costs as much as parsing it.
        smap = _SourceMap(text)
        problems = [Problem(filename, smap.line_of(p), _place(p), m) for p, m in found]
        problems.sort(key=lambda p: p.line or 0)
        raise CalendarDataError(problems)
    return LoadedCalendar(path or Path(filename), calendar, schedule)


_NO_ZONE = (
    "is required: the IANA zone of the calendar's dates and times, "
    'e.g. [calendar] timezone = "Asia/Almaty" (cica does not guess it)'
)


def _refuse_deep_nesting(text: str, filename: str) -> None:
    """A value nested absurdly deep is reported as the TOML error it is, not as a wrong type."""
    if text.count("[") + text.count("{") > MAX_NESTING:
        deep = too_deep(text)
        if deep is not None:
            problem = Problem(
                filename, deep.line, "", f"invalid TOML at column {deep.column}: {deep}"
            )
            raise CalendarDataError([problem])


def _place(path: tuple[str, ...]) -> str:
    """``events.soc.date``; a key that is not plain text is quoted as TOML would write it, its
    controls escaped (``events.a."ti\\u001b[2Jtle"``), so that the line shows what is wrong."""
    return ".".join(part if safe_text.line(part) == part else json.dumps(part) for part in path)


def _validate(raw: dict[str, Any], report: Any) -> tuple[Calendar, frozenset[str]]:
    """The valid part of the calendar, and the ids of events that failed validation."""
    broken: set[str] = set()
    for key in raw:
        if key not in Calendar._fields:
            report((key,), "unknown table" + did_you_mean(key, Calendar._fields))
    settings = CalendarSettings()
    table = raw.get("calendar", {})
    if not isinstance(table, dict):
        report(("calendar",), "should be a table: [calendar]")
    else:
        settings = (
            _checked(
                validate_settings, _safe(table), ("calendar",), report, CalendarSettings._fields
            )
            or settings
        )
        if "timezone" not in table:
            # Never UTC, nor the machine's zone, by default: a shared calendar would mean other
            # days and times on another machine.
            report(("calendar", "timezone"), _NO_ZONE)
    events: dict[str, Event] = {}
    partial: dict[str, Event] = {}
    section = raw.get("events", {})
    if not isinstance(section, dict):
        report(("events",), "should be tables: [events.<id>]")
        section = {}
    for event_id, body in section.items():
        where = ("events", event_id)
        if not ID_PATTERN.match(event_id):
            report(where, "ids may use only letters, digits, '-' and '_' (and not start with '-')")
            broken.add(event_id)
            continue
        if not isinstance(body, dict):
            report(where, f"should be a table: [events.{event_id}]")
            broken.add(event_id)
            continue
        flagged: set[str] = set()

        def note(path: tuple[str, ...], message: str, flagged: set[str] = flagged) -> None:
            flagged.update(path[2:3])
            report(path, message)

        body = _safe(body)
        event = _checked(validate_event, body, where, note, Event._fields)
        if event is None:
            broken.add(event_id)
            partial[event_id] = _partial_event(body, flagged)
        else:
            events[event_id] = event
    # An event that failed validation still has its other fields checked (one run, every problem).
    for issue in check_fields(partial, known=section.keys()):
        report(("events", issue.event_id or "", issue.field), issue.message)
    return Calendar(calendar=settings, events=events), frozenset(broken)


def _safe(table: dict[str, Any]) -> dict[str, Any]:
    """``table`` with its texts safe to print (``safe_text``): descriptions as paragraphs,
    every other text (lists of texts too) as one line. The same dict when nothing changes."""
    safe: dict[str, Any] | None = None
    for key, value in table.items():
        if value.__class__ is str:
            if value.isprintable():  # nearly always: nothing to do
                continue
            new: Any = (
                safe_text.paragraphs(value) if key == "description" else safe_text.line(value)
            )
        elif value.__class__ is list and not all(
            v.__class__ is not str or v.isprintable() for v in value
        ):
            new = [safe_text.line(v) if isinstance(v, str) else v for v in value]
        else:
            continue
        if new != value:
            if safe is None:
                safe = dict(table)
            safe[key] = new
    return table if safe is None else safe


#: Event fields by the TOML type they hold, for ``_partial_event``.
_TEXT_FIELDS = ("duration", "timezone", "repeat", "country")
_DATE_FIELDS = ("date", "start", "end")


def _partial_event(body: dict[str, Any], flagged: set[str]) -> Event:
    """The fields of an invalid event that have the right type and no problem of their own
    (the defaults for the others), for ``resolve.check_fields`` to read."""

    def usable(name: str, types: tuple[type, ...]) -> Any:
        value = body.get(name)
        return value if name not in flagged and isinstance(value, types) else None

    fields = {name: usable(name, (str,)) for name in _TEXT_FIELDS}
    fields.update({name: usable(name, (str, dt.date)) for name in _DATE_FIELDS})
    remind = usable("remind", (list,))
    if remind is not None and not all(isinstance(lead, str) for lead in remind):
        remind = None
    return Event(title="", remind=None if remind is None else tuple(remind), **fields)


def _checked(
    validate: Callable[[dict[str, Any]], R],
    data: dict[str, Any],
    where: tuple[str, ...],
    report: Any,
    fields: tuple[str, ...],
) -> R | None:
    """``validate(data)``, or None after reporting each of its problems (one per field)."""
    try:
        return validate(data)
    except ValidationError as err:
        seen: set[tuple[str, ...]] = set()
        for e in err.errors():
            loc = tuple(str(x) for x in e["loc"][:1])
            key = (*loc, e["type"] if e["type"] in ("extra_forbidden",) else "")
            if key in seen:
                continue
            seen.add(key)
            report((*where, *loc), _message(e, loc, fields))
        return None


_TYPE_WORDS = {
    "string_type": "should be text (a quoted string)",
    "tuple_type": 'should be a list, e.g. ["a", "b"]',
    "bool_type": "should be true or false",
    "date_type": "should be a date such as 2024-06-27",
    "missing": "is required",
}


def _message(e: Any, loc: tuple[str, ...], fields: tuple[str, ...]) -> str:
    kind = e["type"]
    if kind == "extra_forbidden":
        return "unknown field" + did_you_mean(loc[0], fields)
    full_loc = e["loc"]
    if loc and loc[0] in ("date", "start", "end") and len(full_loc) > 1:
        return "should be a date (2024-06-27), a date-time (2024-06-27T10:00) or an expression"
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind]
    msg = str(e["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg[0].lower() + msg[1:] if msg.startswith("Input") else msg
