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
from ..core.schedule import Resolved, Schedule
from .conform import _text
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


def _categories(kind: str, tags: Iterable[str], escape: Callable[[str], str]) -> str:
    # Written by cica, not ics: ics keeps categories in a set, so their order would change from
    # run to run (fix 14). The kind comes first: "deadline", "meeting", ...
    return _categories_of(kind, tags if type(tags) is tuple else tuple(tags), escape)


@functools.lru_cache(maxsize=4096)  # events share their kind and tags: built once per pair
def _categories_of(kind: str, tags: tuple[str, ...], escape: Callable[[str], str]) -> str:
    names = list(dict.fromkeys([kind, *(_text(t) for t in tags)]))
    return ",".join(escape(n) for n in names if n)


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


def _triggers(
    event: Resolved, schedule: Schedule, options: ExportOptions
) -> Sequence[dt.timedelta]:
    """How long before the start each alarm fires (negative), longest lead first, no repeats."""
    if options.alarms is not None:
        leads = options.alarms
    else:
        texts = event.event.remind
        if texts is None:
            texts = schedule.settings.remind
        leads = _parse_leads(tuple(texts))
    fixed = _fixed_triggers(leads)
    if fixed is not None:  # no lead depends on the start: the same triggers for every event
        return fixed
    if isinstance(event.start, dt.datetime):
        anchor = event.start.replace(tzinfo=None)
    else:
        anchor = dt.datetime.combine(event.start, dt.time.min)
    # Wall-clock arithmetic from the (first) start: "1 month" before 28 Aug is 31 days.
    triggers: set[dt.timedelta] = set()
    for lead in leads:
        if lead.working_days:
            continue
        before = _fixed_before(lead.delta)
        triggers.add(before if before is not None else _before(anchor, lead.delta))
    return sorted(triggers)


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
