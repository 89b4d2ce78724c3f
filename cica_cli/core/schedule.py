"""A resolved calendar: ``Schedule`` (the calendar's settings and its events in file order) and
``Resolved`` (one event with concrete start and end points, and what they were computed from).

``resolve.py`` builds them from the validated model; every command, view, export and reminder
reads them (the cache stores and restores them). Nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import NamedTuple

from .dates import (
    Point,
    date_of,
)
from .model import CalendarSettings, Event
from .repeats import first_start, starts_between
from .workdays import WorkCalendar, work_calendar
from .zones import get_zone, localize

#: Fields that can hold a date expression, in the order they are evaluated.
DATE_FIELDS = ("date", "start", "end")


class Resolved(NamedTuple):
    """One event with its dates worked out.

    ``start``/``end`` are dates for whole-day items (``end`` is the last day included) or aware
    datetimes in the event's zone for timed ones (``end`` is the end instant; equal to ``start``
    for a point in time). ``country`` is the one whose working days the event counts (its own,
    else the calendar's; None: Monday to Friday).
    """

    id: str
    event: Event
    zone_name: str
    start: Point
    end: Point
    computed: Mapping[str, str]  # field -> the expression it was computed from
    depends_on: tuple[str, ...]
    country: str | None = None

    @property
    def all_day(self) -> bool:
        """True for whole-day items."""
        return not isinstance(self.start, dt.datetime)

    @property
    def zone(self) -> dt.tzinfo:
        """The event's time zone."""
        return get_zone(self.zone_name)

    @property
    def is_computed(self) -> bool:
        """True when a date of the event is derived from another event."""
        return bool(self.depends_on)

    def occurrences(self, after: dt.date, before: dt.date) -> Iterator[tuple[Point, Point]]:
        """(start, end) of every occurrence that overlaps the days ``after``..``before``."""
        if not self.event.repeat:
            if date_of(self.end, self.zone) >= after and date_of(self.start, self.zone) <= before:
                yield self.start, self.end
            return
        length = self._length()
        span_days = (date_of(self.end, self.zone) - date_of(self.start, self.zone)).days
        lo = dt.datetime.combine(after - dt.timedelta(days=span_days), dt.time.min)
        hi = dt.datetime.combine(before, dt.time.max)
        for when in starts_between(self.event.repeat, self.start, lo, hi, self.event.except_):
            yield self._occurrence(when, length)

    def next_occurrence(self, day: dt.date) -> tuple[Point, Point] | None:
        """The first occurrence that has not ended before ``day`` (None if the rule has run out)."""
        if not self.event.repeat:
            return (self.start, self.end) if date_of(self.end, self.zone) >= day else None
        length = self._length()
        span_days = (date_of(self.end, self.zone) - date_of(self.start, self.zone)).days
        lo = dt.datetime.combine(day - dt.timedelta(days=span_days), dt.time.min)
        when = first_start(self.event.repeat, self.start, lo, self.event.except_)
        return None if when is None else self._occurrence(when, length)

    def _length(self) -> dt.timedelta:
        """Whole days for an all-day item; for a timed one the elapsed time (RFC 5545's "exact
        duration"), which every occurrence keeps whatever the clocks do."""
        return self.end - self.start if self.all_day else elapsed(self.start, self.end)

    def _occurrence(self, when: dt.datetime, length: dt.timedelta) -> tuple[Point, Point]:
        """The occurrence starting at ``when`` (naive wall clock), ``length`` (``_length``) long."""
        if self.all_day:
            return when.date(), when.date() + length
        # A start in a gap is read with the offset before it (RFC 5545): 02:30 becomes 03:30.
        zone = self.zone
        start = localize(when, zone)
        return start, (start.astimezone(dt.UTC) + length).astimezone(zone)


def picked(event: Event, kinds: frozenset[str], tags: frozenset[str]) -> bool:
    """``--kind`` and ``--tag``: ``event`` is of one of ``kinds`` and has one of ``tags`` (an
    empty set keeps every event)."""
    return (not kinds or event.kind in kinds) and (not tags or not tags.isdisjoint(event.tags))


_NO_DEPENDENTS: Mapping[str, tuple[str, ...]] = MappingProxyType({})


class Schedule(NamedTuple):
    """The resolved calendar."""

    settings: CalendarSettings
    events: dict[str, Resolved]
    dependents: Mapping[str, tuple[str, ...]] = _NO_DEPENDENTS

    @property
    def zone(self) -> dt.tzinfo:
        """The calendar's default zone."""
        return get_zone(self.settings.timezone)

    @property
    def holidays(self) -> frozenset[dt.date]:
        """The calendar's own non-working days (``[calendar] holidays``)."""
        return frozenset(self.settings.holidays)

    def downstream(self, event_id: str) -> list[str]:
        """Every event whose dates follow from ``event_id``, directly or through others,
        nearest first (those that use it, then those that use them...)."""
        found: list[str] = []
        seen = {event_id}
        queue = deque(self.dependents.get(event_id, ()))
        while queue:
            eid = queue.popleft()
            if eid not in seen:
                seen.add(eid)
                found.append(eid)
                queue.extend(self.dependents.get(eid, ()))
        return found

    def work_calendar(self, country: str | None = None) -> WorkCalendar:
        """The working days of ``country`` (default: the calendar's), with the calendar's
        ``holidays`` and ``workdays``. Loads the holiday data when there is a country."""
        s = self.settings
        return work_calendar(country or s.country, frozenset(s.holidays), frozenset(s.workdays))


def elapsed(start: Point, end: Point) -> dt.timedelta:
    """``end - start`` in real time (Python subtracts two times of one zone on the wall clock)."""
    assert isinstance(start, dt.datetime) and isinstance(end, dt.datetime)
    return end.astimezone(dt.UTC) - start.astimezone(dt.UTC)
