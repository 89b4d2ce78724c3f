"""What a working-day count passed over, for ``cica show``: holidays skipped, working
Saturdays counted, per computed date field."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from .dates import date_of, parse_expression, parse_offset
from .schedule import DATE_FIELDS, Resolved, Schedule
from .workdays import DayNote, WorkCalendar


class WorkingDayCount(NamedTuple):
    """How one field's working days were counted: the days it skipped and counted specially."""

    field: str
    country: str | None
    notes: list[DayNote]


def working_day_counts(schedule: Schedule, event: Resolved) -> list[WorkingDayCount]:
    """For each date of ``event`` computed with working days, what the count passed over
    (holidays skipped, working Saturdays counted), for ``cica show``. Loads the holiday data
    only when there is such a field and a country."""
    ev = event.event
    counts: list[WorkingDayCount] = []
    days: WorkCalendar | None = None
    for name in DATE_FIELDS:
        text = getattr(ev, name)
        if not isinstance(text, str):
            continue
        expr = parse_expression(text)
        if expr.offset is None or not expr.offset.working_days or expr.ref is None:
            continue
        target = schedule.events.get(expr.ref)
        if target is None:
            continue
        base = target.end if expr.edge == "end" else target.start
        days = days or schedule.work_calendar(event.country)
        counts.append(
            WorkingDayCount(
                name,
                event.country,
                days.notes(date_of(base, target.zone), expr.offset.working_days),
            )
        )
    if ev.duration is not None and ev.end is None:
        duration = parse_offset(ev.duration)
        if duration.working_days:
            days = days or schedule.work_calendar(event.country)
            first = date_of(event.start, event.zone)
            if not isinstance(event.start, dt.datetime):
                first -= dt.timedelta(days=1)  # a whole-day span counts its first day
            counts.append(
                WorkingDayCount("end", event.country, days.notes(first, duration.working_days))
            )
    return counts
