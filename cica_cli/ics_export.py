"""A resolved schedule -> RFC 5545 bytes: the public API, and building with ``ics`` (0.7 line).

``ics`` builds the calendar and its events; where ics 0.7.3 falls short of RFC 5545 cica fixes
the result, and every such fix is listed in ``ics_conform`` under "Where ics 0.7.3 falls short"
(the numbers refer to the table in ``notes/ics-0.7.3.md``; the fixes made while building are
marked "fix N" here). VTIMEZONEs come from ``ics_vtimezone``, SEQUENCE and LAST-MODIFIED from
``ics_revisions``. ``ics`` is imported only inside the functions that export, never when this
module is. Nothing here reads the clock or the environment: the time stamp and the previous
export are arguments, so the same calendar, stamp and previous file always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import __version__
from .dates import Offset, Point
from .ics_conform import (
    _conform,
    _conform_props,
    _emit,
    _Node,
    _parse,
    _prop_name,
    _text,
    _tree,
    _url,
    normalize_text,
)
from .ics_properties import (
    _categories,
    _description,
    _rrule,
    _triggers,
    _zoned_times,
)
from .ics_revisions import Revision, _previous_revisions, _revision
from .ics_vtimezone import _vtimezone, _vtimezone_span
from .schedule import Resolved, Schedule

__all__ = [
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


@dataclass(frozen=True)
class ExportOptions:
    """What to export and how; the defaults export everything with each event's reminders."""

    name: str | None = None  # the feed's display name (default: the calendar's name)
    kinds: tuple[str, ...] = ()  # only these kinds (empty: all)
    tags: tuple[str, ...] = ()  # only events with one of these tags (empty: all)
    start: dt.date | None = None  # only events with an occurrence on or after this day
    end: dt.date | None = None  # ... and on or before this day
    alarms: tuple[Offset, ...] | None = None  # None: each event's own lead times; (): none


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


def stable_uid(calendar_name: str, event_id: str) -> str:
    """The event's UID: the same for the same calendar and id, whatever else changes.

    The id is kept readable; a digest of the calendar's name keeps two calendars that reuse an id
    (``soc`` in 2024 and in 2025) apart when someone subscribes to both.
    """
    return f"{event_id}.{_digest(calendar_name)}@cica"


@functools.lru_cache(maxsize=16)  # one calendar name per export, thousands of events
def _digest(calendar_name: str) -> str:
    return hashlib.sha256(calendar_name.encode("utf-8")).hexdigest()[:12]


def select_events(schedule: Schedule, options: ExportOptions) -> list[Resolved]:
    """The events to export, in file order.

    A repeating event is kept whole (with its RRULE) when any occurrence falls in the range.
    """
    chosen: list[Resolved] = []
    for event in schedule.events.values():
        e = event.event
        if options.kinds and e.kind not in options.kinds:
            continue
        if options.tags and not set(options.tags) & set(e.tags):
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
        first = _day(found[0], event.zone)
    else:
        first = _day(event.start, event.zone)
    return end is None or first <= end


def _day(point: Point, zone: dt.tzinfo) -> dt.date:
    return point.astimezone(zone).date() if isinstance(point, dt.datetime) else point


def export_ics(
    schedule: Schedule,
    stamp: dt.datetime,
    options: ExportOptions = ExportOptions(),  # frozen, so a shared default is safe
    previous: bytes | None = None,
) -> bytes:
    """The calendar as an RFC 5545 file (UTF-8, CRLF, folded), ready to write as is.

    ``stamp`` (aware) becomes every DTSTAMP and the LAST-MODIFIED of new or changed events: pass
    ``SOURCE_DATE_EPOCH`` or the calendar file's modification time, never "now", so that an
    unchanged calendar exports to the same bytes. ``previous`` is the export being replaced, if
    any: it is where SEQUENCE and LAST-MODIFIED are remembered (see ``ics_revisions``).
    """
    if stamp.tzinfo is None:
        raise ValueError("stamp must be an aware datetime")
    stamp = stamp.astimezone(UTC).replace(microsecond=0)
    events = select_events(schedule, options)
    name = feed_name(schedule, options)
    before = _previous_revisions(previous) if previous else {}
    return b"".join(_build(schedule, events, name, options, stamp, before))


# --------------------------------------------------------------------------------------------
# Building with ics
# --------------------------------------------------------------------------------------------


def _build(
    schedule: Schedule,
    events: Sequence[Resolved],
    name: str,
    options: ExportOptions,
    stamp: dt.datetime,
    before: Mapping[str, tuple[str, Revision]],
) -> Iterator[bytes]:
    """The file's bytes, a component at a time: each event is built with ics, serialised,
    conformed and written before the next is built, so only one ``ics.Event`` is alive.

    Each event is drafted once, as new (SEQUENCE 0, LAST-MODIFIED ``stamp``); its content
    (which excludes both) decides its revision against ``before``, and only the two revision
    lines are rewritten when the revision is not the draft's.
    """
    import ics
    from ics.grammar.parse import ContentLine
    from ics.utils import get_arrow

    settings = schedule.settings
    cal = ics.Calendar(creator=_prodid())
    cal.scale = "GREGORIAN"
    for prop, params, value in _feed_properties(name, settings.description):
        cal.extra.append(ContentLine(prop, params=params, value=value))
    root = _conform(_parse(cal.serialize()))  # the calendar's own lines (no events yet)

    zoned: dict[str, list[Resolved]] = {}  # zone -> events written with TZID
    for event in events:
        if event.event.repeat and not event.all_day:
            zoned.setdefault(event.zone_name, []).append(event)
    zones = [_vtimezone(z, evs, _escape) for z, evs in sorted(zoned.items())]
    if not events:
        # RFC 5545 wants at least one component; an empty feed must still be valid so that
        # subscribers drop what it no longer holds. A VTIMEZONE of the calendar's zone is one.
        zones = [_vtimezone_span(settings.timezone, stamp, stamp, open_ended=False, escape=_escape)]

    yield _emit([f"BEGIN:{root.name}", *root.props])
    for zone in zones:
        yield _emit(_tree(zone).lines())
    for child in root.children:
        yield _emit(child.lines())
    draft = Revision(0, stamp)
    instant = get_arrow(stamp)  # converted once, not twice per event
    memo = _Memo()
    with warnings.catch_warnings():
        # ics 0.7.3 serialises alarms with str(), which warns about its own future behaviour.
        warnings.simplefilter("ignore", FutureWarning)
        for event in events:
            uid = stable_uid(settings.name, event.id)
            node = _drafted(_event(event, uid, instant, schedule, options, memo), memo)
            revision = _revision(node, before.get(uid), stamp)
            if revision != draft:
                _revise(node, revision, memo)
            yield _emit(node.lines())
    yield _emit([f"END:{root.name}"])


def _event(
    event: Resolved,
    uid: str,
    stamp: Any,  # the stamp as an Arrow
    schedule: Schedule,
    options: ExportOptions,
    memo: _Memo,
) -> Any:
    """The event as an ``ics.Event``, drafted as new: SEQUENCE 0, LAST-MODIFIED ``stamp``."""
    ics = memo.ics
    e = event.event
    item = ics.Event(
        name=_text(e.title),
        uid=uid,
        created=stamp,  # ics writes `created` as DTSTAMP (fix 5)
        last_modified=stamp,  # the draft's; _revise rewrites it if the revision is older
        location=_text(e.location) if e.location else None,
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
    extra.append(("SEQUENCE", {}, "0"))  # the draft's, as LAST-MODIFIED
    extra.append(("CATEGORIES", {}, _categories(e.kind, e.tags, _escape)))
    url = _url(e.source)
    if url:
        extra.append(("URL", {}, url))
    for prop, params, value in extra:
        item.extra.append(ics.ContentLine(prop, params=params, value=value))
    if e.status != "cancelled":
        text = _text(f"Reminder: {e.title}")
        for trigger in _triggers(event, schedule, options):
            item.alarms.append(ics.DisplayAlarm(trigger=trigger, display_text=text))
    return item


class _Ics:
    """The parts of ``ics`` used per event, imported once per export rather than once per use
    (an import statement costs a microsecond or more even when the module is loaded)."""

    def __init__(self) -> None:
        import ics
        from ics.alarm import DisplayAlarm
        from ics.grammar.parse import Container, ContentLine
        from ics.utils import arrow_to_iso, get_arrow

        self.Event = ics.Event
        self.DisplayAlarm = DisplayAlarm
        self.Container = Container
        self.ContentLine = ContentLine
        self.arrow_to_iso = arrow_to_iso
        self.get_arrow = get_arrow


class _Memo:
    """What one export computes once and reuses for every event that needs it.

    arrow (through which ics converts and formats every time) is most of ics's cost, and most
    events share their stamps, their alarm leads and many of their days. Arrow objects are
    immutable, so one can serve every event; the memoised lines are exactly the lines ics
    writes for the same values.
    """

    def __init__(self) -> None:
        self.ics = _Ics()
        self.arrows: dict[tuple[Any, ...], Any] = {}
        self.lines: dict[tuple[Any, ...], list[Any]] = {}  # ics's ContentLines
        self.names: dict[str, str | None] = {}
        self.stamps: dict[dt.datetime, str] = {}

    def arrow(self, value: dt.date) -> Any:
        """``ics.utils.get_arrow(value)``, once per distinct date or date-time.

        The key tells apart what compares equal but is not the same Arrow: a date and a
        date-time, the same instant in two zones, the two readings of an ambiguous local time.
        """
        key = (type(value), value, getattr(value, "tzinfo", None), getattr(value, "fold", 0))
        found = self.arrows.get(key)
        if found is None:
            found = self.arrows[key] = self.ics.get_arrow(value)
        return found

    def last_modified(self, moment: dt.datetime) -> str:
        """The LAST-MODIFIED line for ``moment``, formatted as ics formats it."""
        instant = moment.astimezone(UTC)
        line = self.stamps.get(instant)
        if line is None:
            iso = self.ics.arrow_to_iso(self.ics.get_arrow(instant))
            line = self.stamps[instant] = f"LAST-MODIFIED:{iso}"
        return line


def _drafted(component: Any, memo: _Memo) -> _Node:
    """``_conform(_parse(component.serialize()))``, without the text round trip.

    The same lines ics writes: its own serializers run as ``Component.serialize`` runs them
    (the list looked up once per class rather than once per component, alarms kept as
    sub-components rather than text), each line is what ``str()`` of ics's ``ContentLine``
    gives, and the serializers in ``_MEMO_KEYS`` run once per distinct value. Anything unusual
    (a line that would not read back as itself) takes the text round trip.
    """
    node = _draft(component, memo)
    return node if node is not None else _conform(_parse(component.serialize()))


def _instant(moment: Any) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def _span(component: Any) -> tuple[Any, ...]:
    # Everything ics's DTSTART/DTEND serializers read: they write instants in UTC (or their
    # UTC dates, when all-day), so equal instants in other zones give the same lines.
    c = component
    return (_instant(c._begin), c._begin_precision, _instant(c._end_time), c._duration)


#: ics serializers whose lines depend only on what the key function returns: arrow's slow
#: formatting then runs once per distinct stamp, day or alarm lead rather than once per event.
_MEMO_KEYS: dict[str, Callable[[Any], Any]] = {
    "serialize_created": lambda c: _instant(c.created),
    "serialize_last_modified": lambda c: _instant(c.last_modified),
    "serialize_start": _span,
    "serialize_all_day": _span,
    "serialize_end": _span,
    "serialize_trigger": lambda c: (type(c.trigger), c.trigger),
}


def _draft(component: Any, memo: _Memo) -> _Node | None:
    node = _Node(component.extra.name.upper())
    # What Component.serialize starts from: the extra lines (not cloned: nothing changes them).
    written = memo.ics.Container(node.name, *component.extra)
    for name, output, key_of in _serializers(component.Meta.serializer):
        if name == "serialize_alarm":
            for alarm in component.alarms:
                child = _draft(alarm, memo)
                if child is None:
                    return None
                node.children.append(child)
            continue
        if key_of is None:
            output(component, written)
            continue
        key = (name, key_of(component))
        lines = memo.lines.get(key)
        if lines is None:
            done = len(written)
            output(component, written)
            memo.lines[key] = written[done:]
        else:
            written.extend(lines)
    named = _read(written, memo)
    if named is None:
        return None
    node.props = [line for _, line in named]
    _conform_props(node, [name for name, _ in named])
    return node


@functools.cache
def _serializers(serializer: Any) -> list[tuple[str, Any, Callable[[Any], Any] | None]]:
    """(name, serializer, memo key or None) in ics's order, looked up once per class."""
    return [(o.__name__, o, _MEMO_KEYS.get(o.__name__)) for o in serializer.get_serializers()]


_SUSPECT = frozenset({"", "B", "b", "E", "e"})  # how an empty, BEGIN: or END: line starts


def _read(items: Any, memo: _Memo) -> list[tuple[str, str]] | None:
    """(name, line) of each of ics's content lines; None if one would not read back as itself."""
    ContentLine = memo.ics.ContentLine
    named = []
    for item in items:
        if type(item) is ContentLine and not item.params and type(item.value) is str:
            line = f"{item.name}:{item.value}"  # what ContentLine.__str__ gives, without a loop
        elif isinstance(item, ContentLine):
            line = str(item)
        else:  # a sub-component or text: let the round trip read it
            return None
        if "\r" in line or "\n" in line:
            return None
        if line[:1] in _SUSPECT and (not line or line[:6].upper().startswith(("BEGIN:", "END:"))):
            return None
        name = memo.names.get(item.name, "")
        if name == "":
            # ContentLine upper-cases its name; one without ":" or ";" is _prop_name(line).
            plain = ":" not in item.name and ";" not in item.name
            name = memo.names[item.name] = item.name.upper() if plain else None
        named.append((name if name is not None else _prop_name(line), line))
    return named


def _revise(node: _Node, revision: Revision, memo: _Memo) -> None:
    """Rewrite the drafted event's SEQUENCE and LAST-MODIFIED for ``revision``."""
    for i, line in enumerate(node.props):
        prop = _prop_name(line)
        if prop == "SEQUENCE":
            node.props[i] = f"SEQUENCE:{revision.sequence}"
        elif prop == "LAST-MODIFIED":
            node.props[i] = memo.last_modified(revision.last_modified)


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


def _set_all_day(item: Any, event: Resolved, memo: _Memo) -> None:
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
    from ics.utils import escape_string

    return str(escape_string(normalize_text(value)))
