"""Two resolved schedules compared: what was added, removed and changed, and why dates moved.

Pure: the caller loads both calendars (files, git revisions, or the calendar before and after an
edit) and says which days are not working days. A date whose own definition is the same in both
versions but whose value changed moved *because* something it is computed from moved; such a
date carries the chain of expressions back to the date that was edited ("start =
soc-astana-2024-06"). Unchanged events are not listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import NamedTuple

from .dates import OffsetError, Point, date_of, parse_expression
from .model import Event
from .schedule import Resolved, Schedule
from .workdays import WorkCalendar

#: Fields compared besides the dates, in the order they are listed.
COMPARED_FIELDS = (
    "title",
    "kind",
    "status",
    "location",
    "timezone",
    "tags",
    "repeat",
    "remind",
    "source",
    "description",
)
#: The fields that define an event's dates (listed as a change only if no date moved).
DEFINITION_FIELDS = ("date", "start", "end", "duration")

#: Says why a day is not a working day for an event ("Saturday", "Victory Day (AZ)"), or None.
NonWorking = Callable[[Resolved, dt.date], "str | None"]


class Link(NamedTuple):
    """One step of a chain: ``event_id``'s ``field`` is computed as ``expression``."""

    event_id: str
    field: str
    expression: str


class DateChange(NamedTuple):
    """One date of an event that moved: ``date`` (a one-day item or instant), ``start`` or ``end``.

    ``chain`` is empty when the field's own definition changed (it was edited); otherwise it
    leads from this field, through every computed date, to the first one that was not computed
    or whose definition changed.
    """

    field: str
    old: Point
    new: Point
    chain: tuple[Link, ...] = ()

    @property
    def computed(self) -> bool:
        """True when the date moved only because a date it is computed from moved."""
        return bool(self.chain)

    @property
    def shift_days(self) -> int:
        """Whole calendar days between the old and the new day (in the new point's zone)."""
        zone = self.new.tzinfo if isinstance(self.new, dt.datetime) else None
        return (date_of(self.new, zone) - date_of(self.old, zone)).days


class FieldChange(NamedTuple):
    """A field other than the dates whose value changed (None: not set)."""

    field: str
    old: object
    new: object


class EventChange(NamedTuple):
    """An event in both versions whose dates or fields differ."""

    id: str
    old: Resolved
    new: Resolved
    dates: tuple[DateChange, ...]
    fields: tuple[FieldChange, ...]


class DayWarning(NamedTuple):
    """A date, new or moved, that lands on a day that is not a working day."""

    event_id: str
    field: str
    day: dt.date
    reason: str


class ScheduleDiff(NamedTuple):
    """Everything that differs between two schedules (events in the new file's order)."""

    added: tuple[Resolved, ...]
    removed: tuple[Resolved, ...]
    changed: tuple[EventChange, ...]
    warnings: tuple[DayWarning, ...]

    @property
    def empty(self) -> bool:
        """True when the two schedules have the same events with the same dates and fields."""
        return not (self.added or self.removed or self.changed)


def days_off(schedule: Schedule) -> NonWorking:
    """The days that are not working days in each event's country (its own, else the
    calendar's; Monday to Friday without one), with the calendar's ``holidays`` and
    ``workdays``: the days its working-day offsets skip. Says why ("Saturday", "Victory Day
    (AZ)", "holiday (calendar)")."""
    calendars: dict[str | None, WorkCalendar] = {}

    def check(event: Resolved, day: dt.date) -> str | None:
        country = event.country
        if country not in calendars:
            calendars[country] = schedule.work_calendar(country)
        return calendars[country].why_off(day)

    return check


def date_fields(event: Resolved) -> tuple[tuple[str, Point], ...]:
    """``(("date", start),)`` for an item given by ``date``, else its start and end."""
    if event.event.date is not None:
        return (("date", event.start),)
    return (("start", event.start), ("end", event.end))


def diff_schedules(
    old: Schedule, new: Schedule, non_working: NonWorking | None = None
) -> ScheduleDiff:
    """What changed from ``old`` to ``new``; ``non_working`` (default: ``days_off(new)``) decides
    the warnings for dates that were added or moved."""
    check = non_working or days_off(new)
    added = tuple(r for eid, r in new.events.items() if eid not in old.events)
    removed = tuple(r for eid, r in old.events.items() if eid not in new.events)
    raw: dict[str, list[DateChange]] = {}
    fields: dict[str, tuple[FieldChange, ...]] = {}
    for eid, after in new.events.items():
        before = old.events.get(eid)
        if before is None:
            continue
        same = before.event == after.event and type(before.start) is type(after.start)
        if same and before.start == after.start and before.end == after.end:
            continue  # most events of an edit: nothing to compare field by field
        moved = _moved_dates(before, after)
        if moved:
            raw[eid] = moved
        changed = _changed_fields(before.event, after.event, definition=not moved)
        if changed:
            fields[eid] = changed
    chains = _Chains(old, new, raw)
    changed_events = tuple(
        EventChange(
            eid,
            old.events[eid],
            new.events[eid],
            tuple(d._replace(chain=chains.of(eid, d.field)) for d in raw.get(eid, ())),
            fields.get(eid, ()),
        )
        for eid in new.events
        if eid in raw or eid in fields
    )
    warnings: list[DayWarning] = []
    for change in changed_events:
        for d in change.dates:
            _warn(change.new, d.field, d.new, check, warnings)
    for event in added:
        for name, point in date_fields(event):
            _warn(event, name, point, check, warnings)
    return ScheduleDiff(added, removed, changed_events, tuple(warnings))


def _warn(
    event: Resolved, field: str, point: Point, check: NonWorking, out: list[DayWarning]
) -> None:
    # A period (a year, a programme) has no day of its own to hold on a working day.
    if event.event.kind == "period" or event.event.status == "cancelled":
        return
    day = date_of(point, event.zone)
    reason = check(event, day)
    if reason:
        out.append(DayWarning(event.id, field, day, reason))


def _moved_dates(before: Resolved, after: Resolved) -> list[DateChange]:
    if after.event.date is not None and before.event.date is not None:
        return (
            [] if before.start == after.start else [DateChange("date", before.start, after.start)]
        )
    moved = []
    if before.start != after.start or type(before.start) is not type(after.start):
        moved.append(DateChange("start", before.start, after.start))
    if before.end != after.end or type(before.end) is not type(after.end):
        moved.append(DateChange("end", before.end, after.end))
    return moved


def _changed_fields(before: Event, after: Event, definition: bool) -> tuple[FieldChange, ...]:
    names = COMPARED_FIELDS + (DEFINITION_FIELDS if definition else ())
    return tuple(
        FieldChange(name, getattr(before, name), getattr(after, name))
        for name in names
        if _differs(getattr(before, name), getattr(after, name))
    )


def _differs(a: object, b: object) -> bool:
    # A date and a date-time on the same day compare equal as values; as definitions they differ.
    return a != b or type(a) is not type(b)


class _Chains:
    """Why each moved date moved, memoised (a chain is followed once however many share it)."""

    def __init__(self, old: Schedule, new: Schedule, raw: Mapping[str, list[DateChange]]) -> None:
        self.old = old
        self.new = new
        self.moved = {eid: {d.field for d in changes} for eid, changes in raw.items()}
        self.memo: dict[tuple[str, str], tuple[Link, ...]] = {}

    def of(self, eid: str, field: str) -> tuple[Link, ...]:
        """The chain of ``eid``'s moved ``field``; empty if its own definition changed."""
        key = (eid, field)
        if key not in self.memo:
            self.memo[key] = ()  # a guard: schedules have no cycles, but never loop
            self.memo[key] = self._follow(eid, field)
        return self.memo[key]

    def _follow(self, eid: str, field: str) -> tuple[Link, ...]:
        after = self.new.events[eid]
        before = self.old.events[eid]
        source = field  # "date", "start" or "end": the file's field of the same name
        expression = after.computed.get(source)
        if expression is None or not _same_definition(before.event, after.event, source):
            return ()
        link = Link(eid, field, expression)
        if source == "end" and after.event.end is None:  # end = start + duration
            return (link, *self._next(eid, "date" if after.event.date is not None else "start"))
        try:
            parsed = parse_expression(expression)
        except OffsetError:  # cannot happen for a resolved schedule; no chain beyond this link
            return (link,)
        if parsed.ref is None or parsed.ref not in self.new.events:
            return (link,)
        target = self.new.events[parsed.ref]
        target_field = (
            "date" if target.event.date is not None else parsed.edge
        )  # a one-day item's start and end are its date
        return (link, *self._next(parsed.ref, target_field))

    def _next(self, eid: str, field: str) -> tuple[Link, ...]:
        if field not in self.moved.get(eid, ()):
            return ()
        return self.of(eid, field)


def _same_definition(before: Event, after: Event, source: str) -> bool:
    if source == "end" and after.end is None:
        return before.end is None and before.duration == after.duration
    value_before, value_after = getattr(before, source), getattr(after, source)
    return not _differs(value_before, value_after)
