"""The values of a VEVENT's own properties: zoned times, RRULE, CATEGORIES, DESCRIPTION (with
the computation behind the dates) and the alarm triggers. Pure text building; no ``ics`` here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..core.dates import Offset, Point
from ..core.leads import parse_leads
from ..core.model import END_ANCHORED_KINDS
from ..core.repeats import skipped_starts, until_of
from ..core.schedule import Resolved, Schedule
from .conform import ical_text
from .options import ExportOptions

UTC = dt.UTC
_Line = tuple[str, dict[str, list[str]], str]  # name, parameters, value (already escaped)


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

    cica reads UNTIL as ``repeats.until_of`` does (a UTC time as that instant, a local time on
    the event's wall clock, a day as the whole day); RFC 5545 wants a DATE for all-day events
    and a UTC date-time for zoned ones, so the same bound is written in that form.
    """
    text = repeat.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = []
    for part in text.split(";"):
        key, _, value = part.partition("=")
        key, value = key.strip().upper(), value.strip().upper()
        if key == "UNTIL":
            value = _until(repeat, event)
        parts.append(f"{key}={value}")
    return ";".join(parts)


def _until(repeat: str, event: Resolved) -> str:
    bound = until_of(repeat, event.start)
    assert bound is not None
    if event.all_day:  # an occurrence starts at midnight: the days up to the bound's
        return bound.strftime("%Y%m%d")
    return _utc(bound.replace(microsecond=0, tzinfo=event.zone))


def _exdates(event: Resolved) -> _Line | None:
    """EXDATE for the occurrences ``except`` skips: DATE values for all-day events, local
    times with the event's TZID (the zone DTSTART has) for timed ones."""
    e = event.event
    if not e.repeat or not e.except_:
        return None
    starts = skipped_starts(e.repeat, event.start, e.except_)
    if event.all_day:
        return ("EXDATE", {"VALUE": ["DATE"]}, ",".join(f"{s:%Y%m%d}" for s in starts))
    return ("EXDATE", {"TZID": [event.zone_name]}, ",".join(_local(s) for s in starts))


def _categories(kind: str, tags: Iterable[str], escape: Callable[[str], str]) -> str:
    # Written by cica, not ics: ics keeps categories in a set, so their order would change from
    # run to run (fix 14). The kind comes first: "deadline", "meeting", ...
    return _categories_of(kind, tags if type(tags) is tuple else tuple(tags), escape)


@functools.lru_cache(maxsize=4096)  # events share their kind and tags: built once per pair
def _categories_of(kind: str, tags: tuple[str, ...], escape: Callable[[str], str]) -> str:
    names = list(dict.fromkeys([kind, *(ical_text(t) for t in tags)]))
    return ",".join(escape(n) for n in names if n)


def _description(event: Resolved) -> str | None:
    """The event's description, how its dates were computed, and its source."""
    e = event.event
    parts: list[str] = []
    if e.description:
        parts.append(ical_text(e.description))
    computed = _computation(event)
    if computed:
        parts.append(computed)
    if e.source:
        parts.append(f"Source: {ical_text(e.source)}")
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


def _end_related(event: Resolved) -> bool:
    """True when the event's alarms count from its DTEND (``TRIGGER;RELATED=END``): a
    procedure, period or deadline, whose reminders count down to its end, written with a DTEND
    (always for whole days; for timed ones when the end is not the start)."""
    return event.event.kind in END_ANCHORED_KINDS and (event.all_day or event.end != event.start)


def _triggers(
    event: Resolved, schedule: Schedule, options: ExportOptions
) -> Sequence[dt.timedelta]:
    """When each alarm fires, from DTSTART or (``_end_related``) from DTEND: on the day the
    reminder mail for the same lead is due (``remind.due``), longest lead first, no repeats.

    The mail counts a lead back from the *anchor*, the end of a procedure, period or deadline
    and the start of anything else, on the wall clock of the event's zone. The alarm does the
    same: from DTSTART, or from DTEND, which for a whole-day event is the day *after* the last
    one (exclusive), hence a day more. A timed single event is written in UTC, so a lead in days
    across a change of clocks becomes the exact time between (-P6DT23H), to fire at the same
    wall-clock time as the anchor. A repeating event's alarm is one duration for every
    occurrence: a lead in months or years, whose length in days changes from one occurrence to
    the next, is left out of it (the mail still comes).
    """
    if options.alarms is not None:
        leads = options.alarms
    else:
        texts = event.event.remind
        if texts is None:
            texts = schedule.settings.remind
        leads = _parse_leads(tuple(texts))
    repeating = bool(event.event.repeat)
    anchor = event.end if event.event.kind in END_ANCHORED_KINDS else event.start
    fixed = _fixed_triggers(leads)
    if fixed is None:  # a lead in months or years
        if repeating:
            fixed = _fixed_triggers(tuple(lead for lead in leads if not _anchored(lead.delta)))
            assert fixed is not None
        else:
            fixed = _calendar_triggers(leads, anchor)
    if isinstance(anchor, dt.datetime):
        if repeating or not fixed:
            return fixed  # nominal days in the event's zone (TZID): the same wall-clock time
        return _exact(fixed, leads, anchor)
    if _end_related(event):
        return tuple(t - _DAY for t in fixed)
    return fixed


_DAY = dt.timedelta(days=1)


def _calendar_triggers(leads: Sequence[Offset], anchor: Point) -> tuple[dt.timedelta, ...]:
    """``_fixed_triggers`` for leads some of which are in months or years, from ``anchor``:
    "1 month" before 28 Aug is 31 days, as the mail counts it."""
    if isinstance(anchor, dt.datetime):
        naive = anchor.replace(tzinfo=None)
    else:
        naive = dt.datetime.combine(anchor, dt.time.min)
    triggers: set[dt.timedelta] = set()
    for lead in leads:
        if lead.working_days:
            continue
        before = _fixed_before(lead.delta)
        triggers.add(before if before is not None else _before(naive, lead.delta))
    return tuple(sorted(triggers))


def _exact(
    triggers: Sequence[dt.timedelta], leads: Sequence[Offset], anchor: dt.datetime
) -> Sequence[dt.timedelta]:
    """Wall-clock triggers from a timed anchor as exact durations (the event is in UTC)."""
    offset = anchor.utcoffset()
    exact = []
    changed = False
    for trigger in triggers:
        fire = anchor.replace(tzinfo=None) + trigger
        if _whole_days(trigger, leads):
            fire_offset = anchor.tzinfo.utcoffset(fire) if anchor.tzinfo else offset
            if fire_offset != offset and fire_offset is not None and offset is not None:
                changed = True
                trigger = trigger - (fire_offset - offset)
        exact.append(trigger)
    return tuple(sorted(exact)) if changed else triggers


def _whole_days(trigger: dt.timedelta, leads: Sequence[Offset]) -> bool:
    """True unless the trigger comes from a lead with hours or minutes (an exact duration)."""
    return not (trigger.seconds or trigger.microseconds) and not any(
        lead.has_time and _fixed_before(lead.delta) == trigger for lead in leads
    )


@functools.lru_cache(maxsize=256)  # events share a few sets of leads
def _fixed_triggers(leads: tuple[Offset, ...]) -> tuple[dt.timedelta, ...] | None:
    """``_triggers`` for ``leads`` when none needs the start (months, years), else None."""
    triggers: set[dt.timedelta] = set()
    for lead in leads:
        if lead.working_days:
            continue
        before = _fixed_before(lead.delta)
        if before is None:
            return None
        triggers.add(before)
    return tuple(sorted(triggers))


_ABSOLUTE = ("year", "month", "day", "weekday", "hour", "minute", "second", "microsecond")


@functools.lru_cache(maxsize=1024)  # every event repeats the calendar's few leads
def _fixed_before(delta: Any) -> dt.timedelta | None:
    """``_before(anchor, delta)`` when it is the same for every anchor, else None."""
    if _anchored(delta):
        return None
    return _before(dt.datetime(2000, 1, 1), delta)


def _anchored(delta: Any) -> bool:
    """True when ``anchor - delta`` needs calendar arithmetic (months, years, absolute fields)."""
    return bool(
        delta.years
        or delta.months
        or delta.leapdays
        or any(getattr(delta, name) is not None for name in _ABSOLUTE)
    )


def _before(anchor: dt.datetime, delta: Any) -> dt.timedelta:
    """``(anchor - delta) - anchor`` for a ``relativedelta``.

    Without months, years or absolute fields the result is the same for every anchor (the
    relativedelta is then a plain timedelta), so the slow calendar arithmetic is skipped.
    """
    if _anchored(delta):
        result: dt.timedelta = (anchor - delta) - anchor
        return result
    return -dt.timedelta(
        days=delta.days,
        hours=delta.hours,
        minutes=delta.minutes,
        seconds=delta.seconds,
        microseconds=delta.microseconds,
    )


@functools.lru_cache(maxsize=256)
def _parse_leads(texts: tuple[str, ...]) -> tuple[Offset, ...]:
    """The offsets of the leads (checked by the loader), once per distinct list."""
    return tuple(lead.offset for lead in parse_leads(texts))
