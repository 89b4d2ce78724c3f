"""What the calendar looks like from a given moment: statuses, countdown numbers, filters.

``build_agenda`` takes ``as_of`` as an argument (it never reads the clock) and returns the items
to show, soonest first. Whole-day items are compared by date; timed items by instant, with their
day taken in the display zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Literal, NamedTuple

from .dates import Offset, Point, apply_offset, date_of
from .schedule import Resolved, Schedule, picked

ItemStatus = Literal["upcoming", "today", "ongoing", "overdue", "past", "done", "cancelled"]
PENDING: frozenset[str] = frozenset({"upcoming", "today", "ongoing"})

#: Overdue deadlines stay on the agenda this long after their day, then count as past.
OVERDUE_WINDOW_DAYS = 30
#: With ``include_past``, a repeating event shows its occurrences of the past year.
PAST_REPEATS_DAYS = 366


# A NamedTuple, not a dataclass, on the path of `cica next` (see errors.Problem).
class Item(NamedTuple):
    """One occurrence of an event, seen from the as-of moment."""

    event: Resolved
    start: Point
    end: Point
    start_day: dt.date
    end_day: dt.date
    status: ItemStatus
    days_until_start: int
    days_until_end: int

    @property
    def id(self) -> str:
        """The event id."""
        return self.event.id

    @property
    def span_days(self) -> int:
        """How many calendar days the item covers (1 for a one-day item)."""
        return (self.end_day - self.start_day).days + 1

    @property
    def sort_key(self) -> tuple[dt.date, int, float, dt.date, str]:
        """Soonest first; whole-day items before timed ones, shorter before longer."""
        instant = self.start.timestamp() if isinstance(self.start, dt.datetime) else 0.0
        return (
            self.start_day,
            0 if self.event.all_day else 1,
            instant,
            self.end_day,
            self.event.id,
        )


def make_item(event: Resolved, start: Point, end: Point, as_of: dt.datetime) -> Item:
    """Classify one occurrence as of ``as_of`` (aware; its zone is the display zone)."""
    zone = as_of.tzinfo
    assert zone is not None, "as_of must be aware"
    today = as_of.date()
    start_day, end_day = date_of(start, zone), date_of(end, zone)
    status: ItemStatus
    if event.event.status != "planned":
        status = event.event.status
    else:
        finished = end_day < today or (isinstance(end, dt.datetime) and end < as_of)
        if finished:
            # One rule, for every view: a deadline is overdue for OVERDUE_WINDOW_DAYS after its
            # day, then past like anything else.
            late = (today - end_day).days <= OVERDUE_WINDOW_DAYS
            status = "overdue" if event.event.kind == "deadline" and late else "past"
        elif start_day > today:
            status = "upcoming"
        elif start_day == end_day == today:
            status = "today"
        else:
            status = "ongoing"
    return Item(
        event, start, end, start_day, end_day, status,
        (start_day - today).days, (end_day - today).days,
    )  # fmt: skip


def occurrences(
    event: Resolved, today: dt.date, horizon: dt.date | None, past: bool
) -> Iterator[tuple[Point, Point]]:
    """The occurrences worth showing: all in [today, horizon], else the current or next one."""
    if not event.event.repeat:
        yield event.start, event.end
        return
    first = today - dt.timedelta(days=PAST_REPEATS_DAYS) if past else today
    if horizon is not None:
        yield from event.occurrences(first, horizon)
        return
    if past:
        yield from event.occurrences(first, today - dt.timedelta(days=1))
    nxt = event.next_occurrence(today)
    if nxt is not None:
        yield nxt


def build_agenda(
    schedule: Schedule,
    as_of: dt.datetime,
    *,
    within: Offset | None = None,
    kinds: Iterable[str] = (),
    tags: Iterable[str] = (),
    include_past: bool = False,
) -> list[Item]:
    """Items to show as of ``as_of``, soonest first.

    Without ``include_past`` an item is shown while it is upcoming, today or ongoing; an overdue
    deadline for ``OVERDUE_WINDOW_DAYS`` after its day; done and cancelled items until their day
    has passed. ``within`` keeps items starting no later than ``as_of + within``.
    """
    today = as_of.date()
    horizon = None
    if within is not None:  # "--within 10wd" counts the calendar's working days (its country's)
        days = schedule.work_calendar() if within.working_days else schedule.holidays
        horizon = apply_offset(today, within, days)
    assert horizon is None or not isinstance(horizon, dt.datetime)
    kind_set, tag_set = frozenset(kinds), frozenset(tags)
    zone = as_of.tzinfo
    assert zone is not None, "as_of must be aware"
    # Whatever ended before this day is past even for the overdue window, in any display zone
    # (two zones' dates differ by two days at most): skipped without building an item.
    long_over = today - dt.timedelta(days=OVERDUE_WINDOW_DAYS + 2)
    items: list[Item] = []
    for event in schedule.events.values():
        ev = event.event
        if (kind_set or tag_set) and not picked(ev, kind_set, tag_set):
            continue
        if not include_past and not ev.repeat and date_of(event.end) < long_over:
            continue
        for start, end in occurrences(event, today, horizon, include_past):
            if horizon is not None and date_of(start, zone) > horizon:
                continue  # (the item's start_day) checked before building the item
            item = make_item(event, start, end, as_of)
            if include_past or _still_relevant(item):
                items.append(item)
    items.sort(key=lambda i: i.sort_key)
    return items


def _still_relevant(item: Item) -> bool:
    if item.status in PENDING:
        return True
    if item.status == "overdue":
        return True  # for OVERDUE_WINDOW_DAYS after its day (make_item's rule)
    if item.status in ("done", "cancelled"):
        return item.days_until_end >= 0
    return False


def next_item(items: Iterable[Item]) -> Item | None:
    """The soonest item that is today or still to come (else the first ongoing one)."""
    ongoing = None
    for item in items:
        if item.status in ("upcoming", "today"):
            return item
        if item.status == "ongoing" and ongoing is None:
            ongoing = item
    return ongoing


def last_event(schedule: Schedule) -> Resolved | None:
    """The event that ends last (for "nothing upcoming: the last event was ...")."""
    best: Resolved | None = None
    for event in schedule.events.values():
        if best is None or _end_key(event) > _end_key(best):
            best = event
    return best


def _end_key(event: Resolved) -> dt.date:
    return date_of(event.end, event.zone)
