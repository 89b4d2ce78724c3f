"""A resolved schedule -> RFC 5545 bytes, built with the ``ics`` package (0.7 line).

``ics`` builds the calendar and its events; where ics 0.7.3 falls short of RFC 5545 cica fixes
the result, and every such fix lives in the section "Where ics 0.7.3 falls short" below (the
numbers refer to the table in ``notes/ics-0.7.3.md``). Nothing here reads the clock or the
environment: the time stamp and the previous export are arguments, so the same calendar, stamp
and previous file always give the same bytes.

Revisions (SEQUENCE and LAST-MODIFIED) need a memory of what subscribers were sent. cica keeps
none of its own: the memory is the previous export itself. Each event's content (every line but
DTSTAMP, SEQUENCE and LAST-MODIFIED) is compared with the same UID's content in the file being
replaced; unchanged keeps its SEQUENCE and LAST-MODIFIED, changed gets SEQUENCE + 1 and a newer
LAST-MODIFIED. That is monotonic (a content hash folded into a number would not be), needs no
state that a CI runner or a second machine would lack, and travels with the published file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .dates import Offset, Point, parse_offset
from .schedule import Resolved, Schedule, build_rule
from .tz import get_zone

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


@dataclass(frozen=True)
class Revision:
    """What a subscriber needs to tell a changed event from an unchanged one."""

    sequence: int
    last_modified: dt.datetime  # UTC


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
    digest = hashlib.sha256(calendar_name.encode("utf-8")).hexdigest()[:12]
    return f"{event_id}.{digest}@cica"


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
    any: it is where SEQUENCE and LAST-MODIFIED are remembered (see the module docstring).
    """
    if stamp.tzinfo is None:
        raise ValueError("stamp must be an aware datetime")
    stamp = stamp.astimezone(UTC).replace(microsecond=0)
    events = select_events(schedule, options)
    name = feed_name(schedule, options)
    # First without revisions, to see what each event's content is; then with them.
    draft = _build(schedule, events, name, options, stamp, {})
    before = _previous_revisions(previous) if previous else {}
    revisions: dict[str, Revision] = {}
    for uid, node in draft.events.items():
        fingerprint = _fingerprint(node)
        old = before.get(uid)
        if old is None:
            revisions[uid] = Revision(0, stamp)
        elif old[0] == fingerprint:
            revisions[uid] = old[1]
        else:
            later = max(stamp, old[1].last_modified + dt.timedelta(seconds=1))
            revisions[uid] = Revision(old[1].sequence + 1, later)
    return _emit(_build(schedule, events, name, options, stamp, revisions).root)


# --------------------------------------------------------------------------------------------
# Building with ics
# --------------------------------------------------------------------------------------------


@dataclass
class _Node:
    """One component: its content lines (unfolded) and its sub-components."""

    name: str
    props: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    def lines(self) -> Iterator[str]:
        # Properties, then sub-components: the order RFC 5545's ABNF requires (fix 10).
        yield f"BEGIN:{self.name}"
        yield from self.props
        for child in self.children:
            yield from child.lines()
        yield f"END:{self.name}"


@dataclass
class _Built:
    root: _Node
    events: dict[str, _Node]  # UID -> VEVENT, in export order


def _build(
    schedule: Schedule,
    events: Sequence[Resolved],
    name: str,
    options: ExportOptions,
    stamp: dt.datetime,
    revisions: Mapping[str, Revision],
) -> _Built:
    import ics
    from ics.alarm import DisplayAlarm
    from ics.grammar.parse import ContentLine

    settings = schedule.settings
    cal = ics.Calendar(creator=_prodid())
    cal.scale = "GREGORIAN"
    for prop, params, value in _feed_properties(name, settings.description):
        cal.extra.append(ContentLine(prop, params=params, value=value))

    order: list[str] = []
    zoned: dict[str, list[Resolved]] = {}  # zone -> events written with TZID
    for event in events:
        e = event.event
        uid = stable_uid(settings.name, event.id)
        order.append(uid)
        revision = revisions.get(uid, Revision(0, stamp))
        item = ics.Event(
            name=_text(e.title),
            uid=uid,
            created=stamp,  # ics writes `created` as DTSTAMP (fix 5)
            last_modified=revision.last_modified,
            location=_text(e.location) if e.location else None,
            description=_description(event),
            status="CANCELLED" if e.status == "cancelled" else "CONFIRMED",
            transparent=e.kind in _TRANSPARENT_KINDS,
        )
        extra: list[_Line] = []
        if event.all_day:
            _set_all_day(item, event)
        elif e.repeat:
            extra.extend(_zoned_times(event))
            zoned.setdefault(event.zone_name, []).append(event)
        else:
            item.begin = event.start  # aware; ics writes it in UTC (fix 8)
            if event.end != event.start:
                item.end = event.end
        if e.repeat:
            extra.append(("RRULE", {}, _rrule(e.repeat, event)))
        extra.append(("SEQUENCE", {}, str(revision.sequence)))
        extra.append(("CATEGORIES", {}, _categories(e.kind, e.tags)))
        url = _url(e.source)
        if url:
            extra.append(("URL", {}, url))
        for prop, params, value in extra:
            item.extra.append(ContentLine(prop, params=params, value=value))
        if e.status != "cancelled":
            for trigger in _triggers(event, schedule, options):
                text = _text(f"Reminder: {e.title}")
                item.alarms.append(DisplayAlarm(trigger=trigger, display_text=text))
        cal.events.add(item)

    zones = [_vtimezone(z, evs) for z, evs in sorted(zoned.items())]
    if not events:
        # RFC 5545 wants at least one component; an empty feed must still be valid so that
        # subscribers drop what it no longer holds. A VTIMEZONE of the calendar's zone is one.
        zones = [_vtimezone_span(settings.timezone, stamp, stamp, open_ended=False)]
    with warnings.catch_warnings():
        # ics 0.7.3 serialises alarms with str(), which warns about its own future behaviour.
        warnings.simplefilter("ignore", FutureWarning)
        text = cal.serialize()
    return _conform(text, order, zones)


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


def _set_all_day(item: Any, event: Resolved) -> None:
    # Fix 9 / 9c: built from plain dates (never aware midnights, which shift a day east of UTC),
    # and the exclusive DTEND set explicitly: the last included day + 1.
    assert isinstance(event.start, dt.date) and isinstance(event.end, dt.date)
    item.begin = event.start
    item.make_all_day()
    item.end = event.end + dt.timedelta(days=1)


def _zoned_times(event: Resolved) -> list[_Line]:
    """DTSTART/DTEND with TZID, for repeating timed events (see fix 8)."""
    assert isinstance(event.start, dt.datetime) and isinstance(event.end, dt.datetime)
    params = {"TZID": [event.zone_name]}
    lines = [("DTSTART", params, _local(event.start.astimezone(event.zone)))]
    if event.end != event.start:
        lines.append(("DTEND", dict(params), _local(event.end.astimezone(event.zone))))
    return lines


def _local(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _rrule(repeat: str, event: Resolved) -> str:
    """The RRULE value, with UNTIL in the form RFC 5545 wants for this DTSTART.

    cica reads UNTIL as a wall-clock bound in the event's zone (as ``schedule.build_rule`` does);
    RFC 5545 wants a DATE for all-day events and a UTC date-time for zoned ones.
    """
    text = repeat.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = []
    for part in text.split(";"):
        key, _, value = part.partition("=")
        key, value = key.strip().upper(), value.strip().upper()
        if key == "UNTIL":
            value = _until(value, event)
        parts.append(f"{key}={value}")
    return ";".join(parts)


def _until(value: str, event: Resolved) -> str:
    digits = value.rstrip("Z")
    day = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    if event.all_day:
        return day.strftime("%Y%m%d")
    clock = dt.time(int(digits[9:11]), int(digits[11:13]), int(digits[13:15] or 0))
    wall = dt.datetime.combine(day, clock if "T" in digits else dt.time.min, event.zone)
    return _utc(wall)


def _categories(kind: str, tags: Iterable[str]) -> str:
    # Written by cica, not ics: ics keeps categories in a set, so their order would change from
    # run to run (fix 14). The kind comes first: "deadline", "meeting", ...
    names = list(dict.fromkeys([kind, *(_text(t) for t in tags)]))
    return ",".join(_escape(n) for n in names if n)


def _description(event: Resolved) -> str | None:
    """The event's description, how its dates were computed, and its source."""
    e = event.event
    parts: list[str] = []
    if e.description:
        parts.append(_text(e.description))
    computed = _computation(event)
    if computed:
        parts.append(computed)
    if e.source:
        parts.append(f"Source: {_text(e.source)}")
    return "\n\n".join(parts) if parts else None


def _computation(event: Resolved) -> str | None:
    """``start = soc-astana-2024-06 (2024-06-27)`` / ``end = soc-astana-2024-06 + 2 weeks ...``."""
    if not event.computed:
        return None
    e = event.event
    primary = "date" if e.date is not None else "start"
    lines = ["Dates computed by cica:"]
    for name, expression in event.computed.items():
        text = expression
        if name == "end" and e.duration is not None and e.end is None:
            base = event.computed.get(primary)
            text = f"{primary} + {e.duration}" + (f" = {base} + {e.duration}" if base else "")
        point = event.end if name == "end" else event.start
        when = _when(point, event.zone)
        if name == "end" and event.all_day:
            when += ", the last day"
        lines.append(f"{name} = {text} ({when})")
    return "\n".join(lines)


def _when(point: Point, zone: dt.tzinfo) -> str:
    if isinstance(point, dt.datetime):
        local = point.astimezone(zone)
        return f"{local:%Y-%m-%d %H:%M} {getattr(zone, 'key', '')}".strip()
    return point.isoformat()


def _triggers(event: Resolved, schedule: Schedule, options: ExportOptions) -> list[dt.timedelta]:
    """How long before the start each alarm fires (negative), longest lead first, no repeats."""
    if options.alarms is not None:
        leads = list(options.alarms)
    else:
        texts = event.event.remind
        if texts is None:
            texts = schedule.settings.remind
        leads = [parse_offset(t) for t in texts]
    if isinstance(event.start, dt.datetime):
        anchor = event.start.replace(tzinfo=None)
    else:
        anchor = dt.datetime.combine(event.start, dt.time.min)
    # Wall-clock arithmetic from the (first) start: "1 month" before 28 Aug is 31 days.
    triggers = {(anchor - lead.delta) - anchor for lead in leads if not lead.working_days}
    return sorted(triggers)


# --------------------------------------------------------------------------------------------
# Where ics 0.7.3 falls short of RFC 5545: every fix, in one place
# --------------------------------------------------------------------------------------------
# Fixes made while building (above), each marked "fix N" where it happens:
#   5  DTSTAMP: ics writes one only from `created=`; cica passes the stable UTC stamp.
#   6  UID: ics makes a random uuid4 per run; cica passes stable_uid() (calendar + event id).
#   7  PRODID: `creator=` gives the -//cica//cica X.Y//EN form.
#   8  Time zones: ics writes every DATE-TIME in UTC and has no VTIMEZONE. A single timed event
#      is written in UTC (the instant is right in every client, whatever its tz database says:
#      Kazakhstan's 2024 change is missing from older ones). A *repeating* timed event needs
#      its zone, or "every Monday 10:00" drifts an hour at each DST change: cica writes
#      DTSTART;TZID=... itself and adds the VTIMEZONE (built from tzdata, _vtimezone below), so
#      there is never a TZID without its VTIMEZONE. Naive datetimes never reach ics.
#   9  All-day items from plain dates with an explicit exclusive DTEND (_set_all_day).
#   11 METHOD in `extra` so that it precedes the components (ics puts `cal.method` last).
#   12 X-WR-CALNAME, NAME, X-WR-CALDESC escaped by cica (ics passes `extra` through as is).
#   14 CATEGORIES written in a fixed order; the events re-ordered to file order (_conform).
# Fixes made here, on what ics wrote:
#   2  CRLF after END:VCALENDAR (ics joins lines with CRLF but ends without one).
#   3  Lines folded at 75 octets, never inside a UTF-8 character (ics never folds).
#   4a CR in text: ics writes a CR as "\r", which is no TEXT escape (parsers show a literal \r);
#      _text() turns CRLF and CR into LF before ics sees the text, and drops the other control
#      characters, which RFC 5545 TEXT cannot hold at all (TAB stays).
#   4b URL: ics escapes "," and ";" in URL as if it were TEXT, which breaks the link in vobject,
#      ical and ical.js; cica adds URL as a raw content line, percent-encoding only what a URI
#      cannot contain (so a hostile `source` cannot break the line either).
#   10 VALARM placement: ics writes alarms before DTSTART and the other properties; RFC 5545's
#      ABNF puts every property before the sub-components and Outlook 365 rejects the other
#      order. _conform() moves properties first in every component.
#   -  TRIGGER in days: ics writes a 7-day lead as -P1W; valid, but cica writes -P7D, the lead
#      time as users wrote and will see it.
#   13 UTF-8 without BOM, written as bytes (never text mode, which would apply the locale and,
#      on Windows, turn CRLF into CRCRLF).

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_URI_SAFE = "!#$%&'()*+,-./:;=?@[]_~"  # RFC 3986 reserved and unreserved marks
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S")

#: Property order in the output: readable, and fixed whatever order ics used.
_ORDER = {
    "VCALENDAR": ("VERSION", "PRODID", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME"),
    "VEVENT": (
        "UID", "DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "DTSTART", "DTEND", "RRULE", "SUMMARY",
        "LOCATION", "DESCRIPTION", "URL", "CATEGORIES", "STATUS", "TRANSP",
    ),
    "VALARM": ("ACTION", "TRIGGER", "DESCRIPTION"),
}  # fmt: skip
_REVISION_PROPS = frozenset({"DTSTAMP", "SEQUENCE", "LAST-MODIFIED"})


def normalize_text(value: str) -> str:
    """Text as it will read back from the file (fix 4a): line breaks as LF, no control chars."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _text(value: str) -> str:
    return normalize_text(value)


def _escape(value: str) -> str:
    """RFC 5545 TEXT escaping (3.3.11) of normalised text, for lines cica writes itself."""
    from ics.utils import escape_string

    return str(escape_string(normalize_text(value)))


def _url(source: str | None) -> str | None:
    """``source`` as a raw URI value (fix 4b), or None when it is not a URL."""
    if not source or not _SCHEME.match(source.strip()):
        return None
    from urllib.parse import quote

    return quote(source.strip(), safe=_URI_SAFE)


def _conform(text: str, order: Sequence[str], zones: Sequence[list[str]]) -> _Built:
    """What ics wrote, as components: properties first, fixed order, VTIMEZONEs added."""
    if "\n" in text.replace("\r\n", "") or "\r" in text.replace("\r\n", ""):
        # Every value was normalised and escaped; a bare CR or LF would be an injection.
        raise AssertionError("bare line break in serialised calendar")
    root = _tree(text.split("\r\n"))
    position = {uid: i for i, uid in enumerate(order)}
    events: dict[str, _Node] = {}
    for node in _walk(root):
        names = _ORDER.get(node.name, ())
        node.props.sort(key=lambda line, names=names: _rank(names, line))  # type: ignore[misc]
        if node.name == "VALARM":
            node.props = [_trigger_in_days(p) for p in node.props]
    for child in root.children:
        if child.name == "VEVENT":
            events[_value_of(child, "UID") or ""] = child
    ordered = sorted(events.values(), key=lambda n: position.get(_value_of(n, "UID") or "", 0))
    others = [c for c in root.children if c.name != "VEVENT"]
    root.children = [*(_tree(z) for z in zones), *others, *ordered]
    return _Built(root, {_value_of(n, "UID") or "": n for n in ordered})


def _tree(lines: Iterable[str]) -> _Node:
    stack: list[_Node] = []
    root: _Node | None = None
    for line in lines:
        if not line:
            continue
        upper = line.upper()
        if upper.startswith("BEGIN:"):
            node = _Node(line[6:].upper())
            if stack:
                stack[-1].children.append(node)
            else:
                root = node
            stack.append(node)
        elif upper.startswith("END:"):
            stack.pop()
        elif stack:
            stack[-1].props.append(line)
    if root is None:
        raise ValueError("no component")
    return root


def _walk(node: _Node) -> Iterator[_Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _prop_name(line: str) -> str:
    return re.split(r"[;:]", line, maxsplit=1)[0].upper()


def _value_of(node: _Node, name: str) -> str | None:
    for line in node.props:
        if _prop_name(line) == name:
            return line.split(":", 1)[1] if ":" in line else ""
    return None


def _rank(names: tuple[str, ...], line: str) -> int:
    name = _prop_name(line)
    return names.index(name) if name in names else len(names)


def _trigger_in_days(line: str) -> str:
    if _prop_name(line) != "TRIGGER" or ";" in line.split(":", 1)[0]:
        return line
    return "TRIGGER:" + _duration(_read_duration(line.split(":", 1)[1]))


def _read_duration(text: str) -> dt.timedelta:
    m = re.fullmatch(r"([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", text)
    if m is None:
        raise ValueError(f"not a duration: {text!r}")
    w, d, h, mi, s = (int(g) if g else 0 for g in m.groups()[1:])
    delta = dt.timedelta(weeks=w, days=d, hours=h, minutes=mi, seconds=s)
    return -delta if m.group(1) == "-" else delta


def _duration(delta: dt.timedelta) -> str:
    """RFC 5545 DURATION in days and time: ``-P7D``, ``-PT2H``, ``PT0S``."""
    sign = "-" if delta < dt.timedelta(0) else ""
    total = abs(int(delta.total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    text = (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
    return f"{sign}P{text}" if text else "PT0S"


def _fold(line: str) -> Iterator[bytes]:
    """One content line as physical lines of at most 75 octets (fix 3).

    Breaks fall between characters, never inside a UTF-8 sequence; each continuation starts
    with a space, which counts towards its 75 octets.
    """
    data = line.encode("utf-8")
    if len(data) <= 75:
        yield data
        return
    chunk = bytearray()
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(chunk) + len(encoded) > limit:
            yield bytes(chunk)
            chunk = bytearray(b" ")
            limit = 75
        chunk += encoded
    yield bytes(chunk)


def _emit(root: _Node) -> bytes:
    # Fixes 2, 3 and 13: every line (the last too) ends in CRLF, folded, UTF-8 without BOM.
    return b"".join(part + b"\r\n" for line in root.lines() for part in _fold(line))


# --------------------------------------------------------------------------------------------
# Revisions: what the previous export said
# --------------------------------------------------------------------------------------------


def _fingerprint(node: _Node) -> str:
    """A digest of everything an event says except when it was stamped and its revision."""
    lines = [p for p in node.props if _prop_name(p) not in _REVISION_PROPS]
    for child in node.children:
        lines.extend(child.lines())
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _previous_revisions(data: bytes) -> dict[str, tuple[str, Revision]]:
    """UID -> (fingerprint, revision) from a previous export; {} if it cannot be read."""
    try:
        text = data.decode("utf-8")
        root = _tree(re.sub(r"\r\n[ \t]", "", text).split("\r\n"))
    except (UnicodeDecodeError, ValueError, IndexError):
        return {}
    found: dict[str, tuple[str, Revision]] = {}
    for node in root.children:
        if node.name != "VEVENT":
            continue
        uid = _value_of(node, "UID")
        try:
            sequence = int(_value_of(node, "SEQUENCE") or "0")
            modified = dt.datetime.strptime(
                _value_of(node, "LAST-MODIFIED") or "", "%Y%m%dT%H%M%SZ"
            ).replace(tzinfo=UTC)
        except ValueError:
            continue
        if uid:
            found[uid] = (_fingerprint(node), Revision(sequence, modified))
    return found


# --------------------------------------------------------------------------------------------
# VTIMEZONE from tzdata (fix 8)
# --------------------------------------------------------------------------------------------

_State = tuple[dt.timedelta, bool, str]  # UTC offset, is DST, abbreviation


def _vtimezone(zone_name: str, events: Sequence[Resolved]) -> list[str]:
    """A VTIMEZONE covering every occurrence of ``events`` (timed, repeating, in the zone)."""
    starts = [e.start for e in events if isinstance(e.start, dt.datetime)]
    lo = hi = min(starts)
    open_ended = False
    for event in events:
        last = _last_occurrence(event)
        if last is None:
            open_ended = True
        else:
            hi = max(hi, last)
    return _vtimezone_span(zone_name, lo, hi, open_ended)


def _last_occurrence(event: Resolved) -> dt.datetime | None:
    """The end of the last occurrence, or None for a rule without COUNT or UNTIL."""
    rule_text = (event.event.repeat or "").upper()
    if "COUNT=" not in rule_text and "UNTIL=" not in rule_text:
        return None
    assert isinstance(event.end, dt.datetime) and isinstance(event.start, dt.datetime)
    starts = list(build_rule(event.event.repeat or "", event.start))
    last = starts[-1] if starts else event.start.replace(tzinfo=None)
    return last.replace(tzinfo=event.zone) + (event.end - event.start)


def _vtimezone_span(name: str, lo: dt.datetime, hi: dt.datetime, open_ended: bool) -> list[str]:
    """VTIMEZONE lines for ``name`` valid from before ``lo`` to after ``hi`` (or for ever).

    Explicit observances for every transition in the span, from tzdata (so Kazakhstan's
    2024 change is there even for a client whose own database lacks it). For an open-ended
    rule in a zone that still changes, the yearly pattern after the span becomes RRULEs.
    """
    zone = get_zone(name)
    begin = dt.datetime.combine(lo.astimezone(UTC).date(), dt.time.min, UTC) - dt.timedelta(days=1)
    stop = hi.astimezone(UTC) + dt.timedelta(days=366)
    first = _state(zone, begin)
    observances = [_observance(begin, first, first)]
    observances += [_observance(t, a, b) for t, a, b in _transitions(zone, begin, stop)]
    if open_ended:
        future = _transitions(zone, stop, stop + dt.timedelta(days=366 * 30))
        rules = _yearly_rules(future)
        if rules is not None:
            observances += rules
        else:  # an irregular future: spell out 30 years
            observances += [_observance(t, a, b) for t, a, b in future]
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    for obs in observances:
        lines.extend(obs)
    lines.append("END:VTIMEZONE")
    return lines


def _state(zone: dt.tzinfo, moment: dt.datetime) -> _State:
    local = moment.astimezone(zone)
    offset = local.utcoffset() or dt.timedelta(0)
    return offset, bool(local.dst()), local.tzname() or ""


def _transitions(
    zone: dt.tzinfo, lo: dt.datetime, hi: dt.datetime
) -> list[tuple[dt.datetime, _State, _State]]:
    """(instant, state before, state after) of every change of offset or name in lo..hi."""
    found = []
    step = dt.timedelta(days=1)
    here, state = lo, _state(zone, lo)
    while here < hi:
        there = here + step
        new = _state(zone, there)
        if new != state:
            a, b = here, there  # bisect to the second
            while b - a > dt.timedelta(seconds=1):
                mid = a + (b - a) / 2
                mid = mid.replace(microsecond=0)
                if _state(zone, mid) == state:
                    a = mid
                else:
                    b = mid
            found.append((b, state, _state(zone, b)))
        here, state = there, new
    return found


def _observance(moment: dt.datetime, before: _State, after: _State) -> list[str]:
    kind = "DAYLIGHT" if after[1] else "STANDARD"
    onset = (moment.astimezone(UTC) + before[0]).replace(tzinfo=None)  # local time before it
    return [
        f"BEGIN:{kind}",
        f"DTSTART:{onset:%Y%m%dT%H%M%S}",
        f"TZOFFSETFROM:{_offset(before[0])}",
        f"TZOFFSETTO:{_offset(after[0])}",
        *([f"TZNAME:{_escape(after[2])}"] if after[2] else []),
        f"END:{kind}",
    ]


def _yearly_rules(future: list[tuple[dt.datetime, _State, _State]]) -> list[list[str]] | None:
    """The future transitions as yearly RRULE observances, or None if they follow no rule."""
    if not future:
        return []
    groups: dict[tuple[_State, _State], list[dt.datetime]] = {}
    for moment, before, after in future:
        groups.setdefault((before, after), []).append(
            (moment.astimezone(UTC) + before[0]).replace(tzinfo=None)
        )
    weekdays = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    rules = []
    for (before, after), onsets in groups.items():
        first = onsets[0]
        years = [o.year for o in onsets]
        if years != list(range(first.year, first.year + len(onsets))):
            return None
        if any((o.month, o.weekday(), o.time()) != (first.month, first.weekday(), first.time())
               for o in onsets):  # fmt: skip
            return None
        if all(_days_in_month(o) - o.day < 7 for o in onsets):
            nth = -1
        elif len({(o.day - 1) // 7 for o in onsets}) == 1:
            nth = (first.day - 1) // 7 + 1
        else:
            return None
        kind = "DAYLIGHT" if after[1] else "STANDARD"
        rules.append(
            [
                f"BEGIN:{kind}",
                f"DTSTART:{first:%Y%m%dT%H%M%S}",
                f"RRULE:FREQ=YEARLY;BYMONTH={first.month};BYDAY={nth}{weekdays[first.weekday()]}",
                f"TZOFFSETFROM:{_offset(before[0])}",
                f"TZOFFSETTO:{_offset(after[0])}",
                *([f"TZNAME:{_escape(after[2])}"] if after[2] else []),
                f"END:{kind}",
            ]
        )
    return rules


def _days_in_month(day: dt.datetime) -> int:
    following = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return (following - dt.timedelta(days=1)).day


def _offset(delta: dt.timedelta) -> str:
    sign = "-" if delta < dt.timedelta(0) else "+"
    total = abs(int(delta.total_seconds()))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")
