"""Meetings, conferences and deadlines that fall on a day off (for ``cica validate``, ``diff``).

A day off is a weekend day or a public holiday of the event's country (``country``, else the
calendar's; without one, Saturday and Sunday and the calendar's ``holidays``), unless the country
works that day (Kazakhstan's Saturday 4 May 2024) or the calendar lists it in ``workdays``. Every
day of a span counts; a timed item's days are those of its own zone. Procedures, periods and
milestones run over days off by nature and are not checked, nor are cancelled items. A repeating
event is checked over its first ``REPEAT_HORIZON_DAYS`` days.

Pure: it takes the schedule and reads no clock. It loads the holiday data when an event has a
country, so commands on the warm path of ``cica next`` never call it.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from .dates import date_of
from .day_names import day_text
from .schedule import Resolved, Schedule
from .workdays import WorkCalendar

#: The kinds that should happen on working days.
CHECKED_KINDS = frozenset({"meeting", "conference", "deadline"})
#: How far a repeating event's occurrences are checked, from its first.
REPEAT_HORIZON_DAYS = 366
#: The days named in one warning at most (the rest are counted).
NAMED_DAYS = 3


class DayOffWarning(NamedTuple):
    """An event (the field that places it) falling on days off, each with its reason."""

    event_id: str
    field: str  # "date" or "start"
    days: tuple[tuple[dt.date, str], ...]  # (day, why it is off), in order

    @property
    def message(self) -> str:
        """``falls on Mon 11 Nov 2024, National Flag Day (observed) (AZ)``."""
        named = "; ".join(f"{day_text(d)}, {why}" for d, why in self.days[:NAMED_DAYS])
        more = len(self.days) - NAMED_DAYS
        rest = f"; and {more} more" if more > 0 else ""
        return f"falls on a day off: {named}{rest}"


def days_off_warnings(schedule: Schedule, ids: list[str] | None = None) -> list[DayOffWarning]:
    """The checked events (all, or those in ``ids``) that fall on days off, in file order."""
    found: list[DayOffWarning] = []
    calendars: dict[str | None, WorkCalendar] = {}
    for event in schedule.events.values():
        if ids is not None and event.id not in ids:
            continue
        ev = event.event
        if ev.kind not in CHECKED_KINDS or ev.status == "cancelled":
            continue
        country = event.country
        if country not in calendars:
            calendars[country] = schedule.work_calendar(country)
        days = calendars[country]
        off = [(d, why) for d in _days(event) if (why := days.why_off(d)) is not None]
        if off:
            field = "date" if ev.date is not None else "start"
            found.append(DayOffWarning(event.id, field, tuple(off)))
    return found


def _days(event: Resolved) -> list[dt.date]:
    """Every day the event covers, over all its occurrences within the horizon."""
    zone = event.zone
    if event.event.repeat:
        first = date_of(event.start, zone)
        spans = event.occurrences(first, first + dt.timedelta(days=REPEAT_HORIZON_DAYS - 1))
    else:
        spans = iter([(event.start, event.end)])
    seen: dict[dt.date, None] = {}
    for start, end in spans:
        day, last = date_of(start, zone), date_of(end, zone)
        if isinstance(end, dt.datetime) and end > start and end == _midnight(end):
            last -= dt.timedelta(days=1)  # ends at 00:00: the day it ends on is not taken
        while day <= last:
            seen.setdefault(day)
            day += dt.timedelta(days=1)
    return list(seen)


def _midnight(point: dt.datetime) -> dt.datetime:
    return point.replace(hour=0, minute=0, second=0, microsecond=0)
