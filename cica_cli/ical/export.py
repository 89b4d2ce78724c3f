"""A resolved schedule -> RFC 5545 bytes: the public API, and building with ``ics`` (0.7 line).

``ics`` builds the calendar and its events; where ics 0.7.3 falls short of RFC 5545 cica fixes
the result, and every such fix is listed in ``conform`` under "Where ics 0.7.3 falls short"
(the numbers refer to the table in ``docs/ics.md``; the fixes made while building are
marked "fix N" here). VTIMEZONEs come from ``vtimezone``; SEQUENCE and LAST-MODIFIED, and what
an export carries from the one it replaces, from ``revisions``. This module imports ``ics``, so
commands import it only when they export. Nothing here reads the clock or the environment: the
time stamp and the previous export are arguments, so the same calendar, stamp and previous file
always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import ics
from ics.alarm import DisplayAlarm
from ics.grammar.parse import ContentLine
from ics.utils import escape_string, get_arrow

from .. import __version__
from ..core.dates import date_of
from ..core.schedule import Resolved, Schedule, picked
from .conform import (
    Node,
    _emit,
    _url,
    build_tree,
    conform_tree,
    ical_text,
    normalize_text,
    parse_component,
)
from .draft import DraftMemo, draft_event, revise
from .options import ExportOptions
from .parallel import in_parts
from .properties import (
    _categories,
    _description,
    _end_related,
    _exdates,
    _rrule,
    _triggers,
    _zoned_times,
)
from .revisions import CANCELLED_DAYS, Memory, Revision, remembered, revision_of, stable_uid
from .vtimezone import vtimezone_lines, vtimezone_span

__all__ = [
    "CANCELLED_DAYS",
    "ExportOptions",
    "Revision",
    "default_filename",
    "export_ics",
    "feed_name",
    "normalize_text",
    "select_events",
    "stable_uid",
]

UTC = dt.UTC

#: Kinds that mark a day or a span rather than time someone is busy (TRANSP:TRANSPARENT).
_TRANSPARENT_KINDS = frozenset({"deadline", "milestone", "period", "procedure"})

_Line = tuple[str, dict[str, list[str]], str]  # name, parameters, value (already escaped)


def feed_name(schedule: Schedule, options: ExportOptions) -> str:
    """The name shown for the exported calendar."""
    return options.name if options.name else schedule.settings.name


def default_filename(name: str) -> str:
    """A safe file name for ``name``: ``CICA 2024`` -> ``CICA-2024.ics``.

    Letters and digits of any script are kept; everything else (separators, quotes, control
    characters) becomes ``-``, so the name is safe on every file system and in a feed URL.
    """
    text = unicodedata.normalize("NFKC", name)
    text = re.sub(r"[^\w.]+", "-", text).strip("-.")
    text = re.sub(r"-{2,}", "-", text)
    while len(text.encode("utf-8")) > 120:
        text = text[:-1]
    text = text.rstrip("-.")
    reserved = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10))}
    reserved |= {f"LPT{i}" for i in range(10)}
    if not text or text.upper() in reserved:
        text = f"{text}-calendar" if text else "calendar"
    return f"{text}.ics"


def select_events(schedule: Schedule, options: ExportOptions) -> list[Resolved]:
    """The events to export, in file order.

    A repeating event is kept whole (with its RRULE) when any occurrence falls in the range.
    """
    kinds, tags = frozenset(options.kinds), frozenset(options.tags)
    chosen: list[Resolved] = []
    for event in schedule.events.values():
        if not picked(event.event, kinds, tags):
            continue
        if not _in_range(event, options.start, options.end):
            continue
        chosen.append(event)
    return chosen


def _in_range(event: Resolved, start: dt.date | None, end: dt.date | None) -> bool:
    if start is None and end is None:
        return True
    if start is not None:
        found = event.next_occurrence(start)  # first occurrence not over before `start`
        if found is None:
            return False
        first = date_of(found[0], event.zone)
    else:
        first = date_of(event.start, event.zone)
    return end is None or first <= end


def export_ics(
    schedule: Schedule,
    stamp: dt.datetime,
    options: ExportOptions = ExportOptions(),  # frozen, so a shared default is safe
    previous: bytes | None = None,
    today: dt.date | None = None,
    workers: int = 1,
) -> bytes:
    """The calendar as an RFC 5545 file (UTF-8, CRLF, folded), ready to write as is.

    ``stamp`` (aware) becomes every DTSTAMP and the LAST-MODIFIED of new or changed events: pass
    ``SOURCE_DATE_EPOCH`` or the calendar file's modification time, never "now", so that an
    unchanged calendar exports to the same bytes. ``previous`` is the export being replaced, if
    any: it is where SEQUENCE and LAST-MODIFIED are remembered, with the history of the events
    this selection leaves out; events deleted since are published as cancelled, for
    ``CANCELLED_DAYS`` days counted in ``today`` (default: the stamp's day). See ``revisions``.
    ``workers``: how many processes may build the events (``parallel``); the bytes are the same.
    """
    if stamp.tzinfo is None:
        raise ValueError("stamp must be an aware datetime")
    stamp = stamp.astimezone(UTC).replace(microsecond=0)
    events = select_events(schedule, options)
    name = feed_name(schedule, options)
    memory = (
        remembered(schedule, events, previous, stamp, today or stamp.date())
        if previous
        else Memory({}, [], [])
    )
    return b"".join(_build(schedule, events, name, options, stamp, memory, workers))


# --------------------------------------------------------------------------------------------
# Building with ics
# --------------------------------------------------------------------------------------------


def _build(
    schedule: Schedule,
    events: Sequence[Resolved],
    name: str,
    options: ExportOptions,
    stamp: dt.datetime,
    memory: Memory,
    workers: int = 1,
) -> Iterator[bytes]:
    """The file's bytes, a component at a time: each event is built with ics, serialised,
    conformed and written before the next is built, so only one ``ics.Event`` is alive (in
    each of the ``workers`` processes that share the events, see ``parallel``).

    Each event is drafted once, as new (SEQUENCE 0, LAST-MODIFIED ``stamp``); its content
    (which excludes both) decides its revision against ``before``, and only the two revision
    lines are rewritten when the revision is not the draft's.
    """
    settings = schedule.settings
    cal = ics.Calendar(creator=_prodid())
    cal.scale = "GREGORIAN"
    for prop, params, value in _feed_properties(name, settings.description):
        cal.extra.append(ContentLine(prop, params=params, value=value))
    root = conform_tree(
        parse_component(cal.serialize())
    )  # the calendar's own lines (no events yet)

    zoned: dict[str, list[Resolved]] = {}  # zone -> events written with TZID
    for event in events:
        if event.event.repeat and not event.all_day:
            zoned.setdefault(event.zone_name, []).append(event)
    zones = [vtimezone_lines(z, evs, _escape) for z, evs in sorted(zoned.items())]
    if not events and not memory.cancelled:
        # RFC 5545 wants at least one component; an empty feed must still be valid so that
        # subscribers drop what it no longer holds. A VTIMEZONE of the calendar's zone is one.
        zones = [vtimezone_span(settings.timezone, stamp, stamp, open_ended=False, escape=_escape)]

    yield _emit([f"BEGIN:{root.name}", *root.props, *memory.history])
    for zone in zones:
        yield _emit(build_tree(zone).lines())
    for child in root.children:
        yield _emit(child.lines())

    def make(start: int, stop: int) -> Iterator[bytes]:
        return _vevents(events[start:stop], schedule, options, stamp, memory)

    yield from in_parts(make, len(events), workers)
    for lines in memory.cancelled:
        yield _emit(lines)
    yield _emit([f"END:{root.name}"])


def _vevents(
    events: Sequence[Resolved],
    schedule: Schedule,
    options: ExportOptions,
    stamp: dt.datetime,
    memory: Memory,
) -> Iterator[bytes]:
    """Each event's VEVENT, a component at a time (see ``_build``)."""
    settings = schedule.settings
    before = memory.revisions
    draft = Revision(0, stamp)
    instant = get_arrow(stamp)  # converted once, not twice per event
    memo = DraftMemo()
    with warnings.catch_warnings():
        # ics 0.7.3 serialises alarms with str(), which warns about its own future behaviour.
        warnings.simplefilter("ignore", FutureWarning)
        for event in events:
            uid = stable_uid(settings.name, event.id)
            node = draft_event(_event(event, uid, instant, schedule, options, memo), memo)
            if node.children and _end_related(event):
                _relate_to_end(node)
            revision = revision_of(node, before.get(uid), stamp)
            if revision != draft:
                revise(node, revision, memo)
            yield _emit(node.lines())


def _event(
    event: Resolved,
    uid: str,
    stamp: Any,  # the stamp as an Arrow
    schedule: Schedule,
    options: ExportOptions,
    memo: DraftMemo,
) -> Any:
    """The event as an ``ics.Event``, drafted as new: SEQUENCE 0, LAST-MODIFIED ``stamp``."""
    e = event.event
    title = ical_text(e.title)
    item = ics.Event(
        name=title,
        uid=uid,
        created=stamp,  # ics writes `created` as DTSTAMP (fix 5)
        last_modified=stamp,  # the draft's; revise rewrites it if the revision is older
        location=ical_text(e.location) if e.location else None,
        description=_description(event),
        status="CANCELLED" if e.status == "cancelled" else "CONFIRMED",
        transparent=e.kind in _TRANSPARENT_KINDS,
    )
    extra: list[_Line] = []
    if event.all_day:
        _set_all_day(item, event, memo)
    elif e.repeat:
        extra.extend(_zoned_times(event))  # its zone gets a VTIMEZONE (see _build)
    else:
        item.begin = memo.arrow(event.start)  # aware; ics writes it in UTC (fix 8)
        if event.end != event.start:
            item.end = memo.arrow(event.end)
    if e.repeat:
        extra.append(("RRULE", {}, _rrule(e.repeat, event)))
        skipped = _exdates(event)
        if skipped is not None:
            extra.append(skipped)
    extra.append(("SEQUENCE", {}, "0"))  # the draft's, as LAST-MODIFIED
    extra.append(("CATEGORIES", {}, _categories(e.kind, e.tags, _escape)))
    url = _url(e.source)
    if url:
        extra.append(("URL", {}, url))
    for prop, params, value in extra:
        item.extra.append(ContentLine(prop, params=params, value=value))
    if e.status != "cancelled":
        text = f"Reminder: {title}"  # = ical_text(f"Reminder: {e.title}"): the prefix is plain
        for trigger in _triggers(event, schedule, options):
            item.alarms.append(DisplayAlarm(trigger=trigger, display_text=text))
    return item


def _relate_to_end(node: Node) -> None:
    """Make the event's alarms count from DTEND (RFC 5545 3.2.14 ``RELATED=END``): ics 0.7.3
    writes no trigger parameters, so the drafted lines get it (see ``properties._triggers``)."""
    for alarm in node.children:
        alarm.props = [
            "TRIGGER;RELATED=END:" + line[8:] if line.startswith("TRIGGER:") else line
            for line in alarm.props
        ]


def _prodid() -> str:
    major_minor = ".".join(__version__.split(".")[:2])
    return f"-//cica//cica {major_minor}//EN"


def _feed_properties(name: str, description: str | None) -> list[_Line]:
    desc = description or f"{name} (exported by cica)"
    return [
        ("METHOD", {}, "PUBLISH"),  # fix 11: in extra, so ics writes it before the events
        ("NAME", {}, _escape(name)),  # RFC 7986; fix 12: extra values are escaped by cica
        ("X-WR-CALNAME", {}, _escape(name)),
        ("X-WR-CALDESC", {}, _escape(desc)),
        ("REFRESH-INTERVAL", {"VALUE": ["DURATION"]}, "P1D"),  # RFC 7986: poll daily
        ("X-PUBLISHED-TTL", {}, "P1D"),  # the same for Outlook and older Apple clients
    ]


def _set_all_day(item: Any, event: Resolved, memo: DraftMemo) -> None:
    # Fix 9 / 9c: built from plain dates (never aware midnights, which shift a day east of UTC),
    # and the exclusive DTEND set explicitly: the last included day + 1.
    assert isinstance(event.start, dt.date) and isinstance(event.end, dt.date)
    item.begin = memo.arrow(event.start)
    if _at_midnight(item):
        # Exactly what make_all_day() does to an event that has only a begin at midnight UTC
        # (a plain date always gives one), without arrow's floor('day'), which would return an
        # equal Arrow: a sixth of the export's time.
        item._end_time = None
        item._duration = None
        item._begin_precision = "day"
    else:
        item.make_all_day()
    item.end = memo.arrow(event.end + dt.timedelta(days=1))


def _at_midnight(item: Any) -> bool:
    begin = item.begin
    return (
        getattr(item, "_begin_precision", None) == "second"
        and getattr(item, "_end_time", 0) is None
        and getattr(item, "_duration", 0) is None
        and begin.utcoffset() == dt.timedelta(0)
        and begin.time() == dt.time(0)
    )


def _escape(value: str) -> str:
    """RFC 5545 TEXT escaping (3.3.11) of normalised text, for lines cica writes itself."""
    return str(escape_string(normalize_text(value)))
