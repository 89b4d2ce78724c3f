"""Date arithmetic: offsets ("2 weeks", "10 working days", "P14D", "PT24H"), expressions.

Pure functions; nothing here reads the clock. A *point* is either a ``date`` (a whole day) or an
aware ``datetime`` (an instant). An offset has two parts, applied in this order:

1. days, weeks, months, years and working days are *calendar* time: they move the wall-clock
   date and keep the time of day, as a person counting days on a calendar would (10:00 the day
   before a clock change + 1 day is 10:00). A wall-clock time that the move lands in a gap (the
   spring change) is read with the offset before the gap, as RFC 5545 says: 02:30 becomes 03:30;
2. hours, minutes and seconds are *elapsed* time: Berlin 2024-03-30T12:00 + 24 hours is
   2024-03-31T13:00+02:00, 24 real hours later.

Working days are counted by a ``workdays.WorkCalendar`` (a country's, or Monday to Friday).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple

from .workdays import PLAIN, WorkCalendar, work_calendar
from .zones import localize

if TYPE_CHECKING:
    from dateutil.relativedelta import relativedelta

Point = dt.date | dt.datetime
Edge = Literal["start", "end"]

_UNITS: dict[str, str] = {
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "week": "weeks", "weeks": "weeks",
    "m": "months", "mo": "months", "month": "months", "months": "months",
    "y": "years", "yr": "years", "year": "years", "years": "years",
    "h": "hours", "hour": "hours", "hours": "hours",
    "min": "minutes", "minute": "minutes", "minutes": "minutes",
    "wd": "working_days", "working day": "working_days", "working days": "working_days",
    "business day": "working_days", "business days": "working_days",
}  # fmt: skip
_HUMAN = re.compile(r"^(\d+)\s*([a-z]+(?:\s+days?)?)$")
_ISO = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
)
_LITERAL = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$")
_EXPR = re.compile(
    r"^(?P<ref>[A-Za-z0-9_][A-Za-z0-9_-]*?)(?:\.(?P<edge>start|end))?"
    r"(?:(?:\s*(?P<plus>\+)|\s+(?P<minus>-))\s*(?P<offset>\S.*))?$"
)


#: The days cica handles: the dates of a calendar, ``--as-of`` and whatever is computed from them.
#: Python's dates run from year 1 to 9999, and the views, the export and the reminders look some
#: way before and after a date (a month of overdue deadlines, a year of past repeats, time-zone
#: rules 30 years on, lead times), so a margin of a century is kept at either end: nothing cica
#: computes from a date in this range can fall off the calendar.
FIRST_DAY = dt.date(100, 1, 1)
LAST_DAY = dt.date(9899, 12, 31)
#: The longest lead time (reminders, alarms): from ``FIRST_DAY`` it still lands in year 1.
MAX_LEAD_YEARS = 99
#: The most working days an offset may count (about 38 years; longer: use years).
MAX_WORKING_DAYS = 10_000
RANGE_TEXT = f"cica handles dates from {FIRST_DAY} to {LAST_DAY}"


class OffsetError(ValueError):
    """A malformed offset or duration, or one that leaves the days cica handles."""


def in_range(point: Point) -> bool:
    """True when the day of ``point`` (in its own zone) is one cica handles."""
    day = date_of(point)
    return FIRST_DAY <= day <= LAST_DAY


def range_problem(point: Point) -> str | None:
    """Why ``point`` cannot be used (outside ``FIRST_DAY``..``LAST_DAY``), or None."""
    return None if in_range(point) else f"{point} is out of range: {RANGE_TEXT}"


def reach_problem(day: dt.date, offset: Offset) -> str | None:
    """Why ``day`` + ``offset`` (a ``--within`` or ``--from 6m``) leaves the days cica handles."""
    try:
        end = apply_offset(day, offset)
    except OffsetError as err:
        return str(err)
    return range_problem(end)


def lead_problem(lead: Offset) -> str | None:
    """Why ``lead`` cannot be a lead time (working days, or longer than a century), or None."""
    if lead.working_days:
        return f"lead time {lead.text!r}: use days, weeks, months or hours, not working days"
    if _days_at_most(lead) > MAX_LEAD_YEARS * 366:
        return f"lead time {lead.text!r} is too long: at most {MAX_LEAD_YEARS} years"
    return None


def _days_at_most(offset: Offset) -> float:
    """An upper bound of the days ``offset`` spans (a month as 31 days, a year as 366)."""
    d = offset.delta
    days: float = (
        abs(d.years) * 366
        + abs(d.months) * 31
        + abs(d.days)
        + (abs(d.hours) * 3600 + abs(d.minutes) * 60 + abs(d.seconds)) / 86400
        + abs(offset.working_days) * 7 / 5
        + 7
    )
    return days


#: The longest offset: one that could still join two days cica handles.
_MAX_DAYS = (LAST_DAY - FIRST_DAY).days
#: Days per unit, at least (for the length check before anything is computed).
_UNIT_DAYS = {
    "days": 1, "weeks": 7, "months": 28, "years": 365, "hours": 1 / 24, "minutes": 1 / 1440,
    "working_days": 1,
}  # fmt: skip
_ISO_DAYS = (365, 28, 7, 1, 1 / 24, 1 / 1440, 1 / 86400)


def _amounts_fit(*amounts: int, days_each: tuple[float, ...]) -> bool:
    """True when the amounts (in units of ``days_each`` days) span at most ``_MAX_DAYS``."""
    return sum(a * d for a, d in zip(amounts, days_each, strict=True)) <= _MAX_DAYS


# NamedTuples, not dataclasses, on the path of `cica next` (see errors.Problem).
class Offset(NamedTuple):
    """An amount of time: a ``relativedelta`` plus a count of working days.

    ``delta`` holds every unit; applying the offset splits it into its calendar part (``step``,
    or ``delta`` without its time when that has months or years) and its elapsed part
    (``elapsed``: hours, minutes, seconds).
    """

    delta: relativedelta
    working_days: int = 0
    text: str = ""
    #: The calendar part of ``delta`` (days and weeks) as a plain ``timedelta``; None when it
    #: has months or years (adding a ``timedelta`` is much faster).
    step: dt.timedelta | None = None
    #: Hours, minutes and seconds: elapsed time.
    elapsed: dt.timedelta = dt.timedelta()
    #: Years, months, weeks and days: calendar time (None: the whole of ``delta``).
    calendar: relativedelta | None = None

    @property
    def has_time(self) -> bool:
        """True when the offset has hours, minutes or seconds (meaningless for whole days)."""
        if self.elapsed:
            return True
        d = self.delta
        return bool(d.hours or d.minutes or d.seconds)

    def negated(self) -> Offset:
        """The same amount backwards."""
        step = None if self.step is None else -self.step
        calendar = None if self.calendar is None else -self.calendar
        return Offset(-self.delta, -self.working_days, self.text, step, -self.elapsed, calendar)


@lru_cache(maxsize=4096)  # a calendar repeats a few offsets many times; Offset is immutable
def parse_offset(text: str) -> Offset:
    """Parse ``"2 weeks"``, ``"10 working days"``, ``"30d"``, ``"3m"`` or ISO 8601 ``"P14D"``.

    >>> parse_offset("2 weeks").delta.days
    14
    """
    from dateutil.relativedelta import relativedelta  # here: `cica next` never needs it

    raw = " ".join(text.split())
    low = raw.lower()
    iso = _ISO.match(raw.upper())
    if iso:
        y, mo, w, d, h, mi, s = (int(g) if g else 0 for g in iso.groups())
        if not _amounts_fit(y, mo, w, d, h, mi, s, days_each=_ISO_DAYS):
            raise OffsetError(f"offset {text!r} is too long: {RANGE_TEXT}")
        delta = relativedelta(years=y, months=mo, weeks=w, days=d, hours=h, minutes=mi, seconds=s)
        elapsed = dt.timedelta(hours=h, minutes=mi, seconds=s)
        return _offset(delta, relativedelta(years=y, months=mo, weeks=w, days=d), elapsed, raw)
    human = _HUMAN.match(low)
    unit = _UNITS.get(human.group(2)) if human else None
    if human is None or unit is None:
        raise OffsetError(
            f"cannot read offset {text!r}: use e.g. '3 days', '2 weeks', '1 month', '1 year', "
            "'10 working days', '30d', '6w', '3m' or ISO 8601 'P14D'"
        )
    amount = int(human.group(1))
    if not _amounts_fit(amount, days_each=(_UNIT_DAYS[unit],)):
        raise OffsetError(f"offset {text!r} is too long: {RANGE_TEXT}")
    if unit == "working_days" and amount > MAX_WORKING_DAYS:
        raise OffsetError(
            f"offset {text!r}: at most {MAX_WORKING_DAYS} working days; "
            "count longer spans in weeks, months or years"
        )
    if unit == "working_days":
        return Offset(relativedelta(), amount, raw, dt.timedelta())
    delta = relativedelta(**{unit: amount})
    if unit in ("hours", "minutes"):
        return _offset(delta, relativedelta(), dt.timedelta(**{unit: amount}), raw)
    return _offset(delta, delta, dt.timedelta(), raw)


def _offset(
    delta: relativedelta, calendar: relativedelta, elapsed: dt.timedelta, raw: str
) -> Offset:
    """``relativedelta`` folds 24 hours into a day: the elapsed part is kept apart, as given."""
    return Offset(delta, 0, raw, _step(calendar), elapsed, calendar)


Workdays = WorkCalendar | Collection[dt.date]


def _work(days: Workdays) -> WorkCalendar:
    if isinstance(days, WorkCalendar):
        return days
    return work_calendar(None, frozenset(days)) if days else PLAIN


def is_working_day(day: dt.date, days: Workdays = PLAIN) -> bool:
    """Whether ``day`` is a working day (``days``: a ``WorkCalendar``, or extra holidays)."""
    return _work(days).is_working_day(day)


def add_working_days(day: dt.date, n: int, days: Workdays = PLAIN) -> dt.date:
    """Move ``n`` working days (negative: backwards); the starting day itself is not counted."""
    return _work(days).add(day, n)


def apply_offset(point: Point, offset: Offset, days: Workdays = PLAIN) -> Point:
    """Add ``offset`` to a day or an instant (see the module's docstring for the rules).

    ``days`` counts working days: a ``WorkCalendar`` (a country's), or a collection of holidays
    on top of Monday to Friday. ``OffsetError`` when the result would fall outside years 1-9999.
    """
    try:
        return _apply(point, offset, days)
    except (OverflowError, ValueError) as err:  # "date value out of range", "year 10000 is..."
        if isinstance(err, OffsetError):
            raise
        d = offset.delta
        backwards = min(offset.working_days, d.years, d.months, d.days, d.hours, d.minutes) < 0
        sign = "-" if backwards else "+"
        raise OffsetError(
            f"{point} {sign} {offset.text} falls outside years 1-9999 ({RANGE_TEXT})"
        ) from None


def _apply(point: Point, offset: Offset, days: Workdays) -> Point:
    if isinstance(point, dt.datetime):
        zone = point.tzinfo  # None: a wall-clock time with no zone (plain arithmetic)
        result = point
        if offset.working_days or offset.step is None or offset.step:
            local = point.replace(tzinfo=None)
            if offset.working_days:
                moved = _work(days).add(local.date(), offset.working_days)
                local = dt.datetime.combine(moved, local.time())
            if offset.step is not None:
                local += offset.step
            else:
                moved_local = _plus_calendar(local, offset.calendar or offset.delta)
                assert isinstance(moved_local, dt.datetime)
                local = moved_local
            result = local if zone is None else localize(local, zone)
        if offset.elapsed:
            if zone is None:
                return result + offset.elapsed
            result = (result.astimezone(dt.UTC) + offset.elapsed).astimezone(zone)
        return result
    day = point
    if offset.working_days:
        day = _work(days).add(day, offset.working_days)
    if offset.has_time:
        raise OffsetError(f"'{offset.text}' has a time part, but this is a whole-day date")
    if offset.step is not None:
        moved = day + offset.step
    else:
        moved = _plus_calendar(day, offset.calendar or offset.delta)
    assert isinstance(moved, dt.date)
    return moved


def _plus_calendar(point: dt.date, calendar: relativedelta) -> dt.date:
    """``point`` moved by ``calendar`` (years, months, weeks and days only)."""
    moved: dt.date = point + calendar
    return moved


def _step(delta: relativedelta) -> dt.timedelta | None:
    """``delta`` as a ``timedelta`` if it holds days and time only (None for months, years...)."""
    d = delta
    if (
        d.years
        or d.months
        or d.leapdays
        or d.weekday is not None
        or d.year is not None
        or d.month is not None
        or d.day is not None
        or d.hour is not None
        or d.minute is not None
        or d.second is not None
        or d.microsecond is not None
    ):
        return None
    return dt.timedelta(
        days=d.days,
        hours=d.hours,
        minutes=d.minutes,
        seconds=d.seconds,
        microseconds=d.microseconds,
    )


@lru_cache(maxsize=4096)  # "<ref> - 10 working days": the same few offsets, many times
def _negated(offset: Offset) -> Offset:
    return offset.negated()


class Expression(NamedTuple):
    """``"<ref>[.start|.end] [+|- offset]"``, or a literal date written as a string."""

    text: str
    ref: str | None = None
    edge: Edge = "start"
    offset: Offset | None = None
    literal: Point | None = None


def parse_point(text: str) -> Point:
    """A date (``2024-06-27``) or a date-time (``2024-06-27T10:00``, with or without an offset)
    in ISO 8601, as in a calendar, ``--as-of`` or ``cica move``; ``ValueError`` otherwise."""
    return dt.datetime.fromisoformat(text) if len(text) > 10 else dt.date.fromisoformat(text)


def parse_expression(text: str) -> Expression:
    """Parse a date expression such as ``"soc.end + 10 working days"``."""
    raw = text.strip()
    if _LITERAL.match(raw):
        try:
            value = parse_point(raw)
        except ValueError as err:
            raise OffsetError(f"not a valid date: {raw!r}") from err
        return Expression(text=raw, literal=value)
    m = _EXPR.match(raw)
    if m is None:
        raise OffsetError(
            f"cannot read date expression {raw!r}: write '<event-id>', '<event-id>.end', "
            "'<event-id> + 2 weeks' or '<event-id> - 10 working days' (spaces around '-')"
        )
    offset = None
    if m.group("offset"):
        offset = parse_offset(m.group("offset"))
        if m.group("minus"):
            offset = _negated(offset)
    edge: Edge = "end" if m.group("edge") == "end" else "start"
    return Expression(text=raw, ref=m.group("ref"), edge=edge, offset=offset)


def date_of(point: Point, zone: dt.tzinfo | None = None) -> dt.date:
    """The calendar day of a point (an instant is first converted to ``zone`` when given)."""
    if isinstance(point, dt.datetime):
        return (point.astimezone(zone) if zone else point).date()
    return point
