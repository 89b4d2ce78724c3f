"""Date arithmetic: offsets ("2 weeks", "10 working days", "P14D"), working days, expressions.

Pure functions; nothing here reads the clock. A *point* is either a ``date`` (a whole day) or an
aware ``datetime`` (an instant); offsets in days and longer move the wall-clock date and keep the
time of day, as a person counting days on a calendar would.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple

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
RANGE_TEXT = f"cica handles dates from {FIRST_DAY} to {LAST_DAY}"


class OffsetError(ValueError):
    """A malformed offset or duration, or one that leaves the days cica handles."""


def in_range(point: Point) -> bool:
    """True when the day of ``point`` (in its own zone) is one cica handles."""
    day = point.date() if isinstance(point, dt.datetime) else point
    return FIRST_DAY <= day <= LAST_DAY


def range_problem(point: Point) -> str | None:
    """Why ``point`` cannot be used (outside ``FIRST_DAY``..``LAST_DAY``), or None."""
    return None if in_range(point) else f"{point} is out of range: {RANGE_TEXT}"


def reach_problem(day: dt.date, offset: Offset) -> str | None:
    """Why ``day`` + ``offset`` (a ``--within`` or ``--from 6m``) leaves the days cica handles."""
    try:
        end = apply_offset(day, offset, frozenset())
    except OffsetError as err:
        return str(err)
    return range_problem(end)


def lead_problem(lead: Offset) -> str | None:
    """Why ``lead`` cannot be a lead time (working days, or longer than a century), or None."""
    if lead.working_days:
        return f"lead time {lead.text!r}: use days, weeks or months"
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


def _amounts_fit(*amounts: int, days_each: tuple[float, ...]) -> bool:
    """True when the amounts (in units of ``days_each`` days) span at most ``_MAX_DAYS``."""
    return sum(a * d for a, d in zip(amounts, days_each, strict=True)) <= _MAX_DAYS


# NamedTuples, not dataclasses, on the path of `cica next` (see errors.Problem).
class Offset(NamedTuple):
    """An amount of calendar time: a ``relativedelta`` plus a count of working days."""

    delta: relativedelta
    working_days: int = 0
    text: str = ""
    #: ``delta`` as a plain ``timedelta`` when it holds only days and time (adding it is faster).
    step: dt.timedelta | None = None

    @property
    def has_time(self) -> bool:
        """True when the offset has hours, minutes or seconds (meaningless for whole days)."""
        d = self.delta
        return bool(d.hours or d.minutes or d.seconds)

    def negated(self) -> Offset:
        """The same amount backwards."""
        step = None if self.step is None else -self.step
        return Offset(-self.delta, -self.working_days, self.text, step)


#: Days per unit, at least (for the length check before anything is computed).
_UNIT_DAYS = {
    "days": 1, "weeks": 7, "months": 28, "years": 365, "hours": 1 / 24, "minutes": 1 / 1440,
    "working_days": 1,
}  # fmt: skip
_ISO_DAYS = (365, 28, 7, 1, 1 / 24, 1 / 1440, 1 / 86400)


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
        return Offset(delta, 0, raw, _step(delta))
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
    if unit == "working_days":
        return Offset(relativedelta(), amount, raw, dt.timedelta())
    delta = relativedelta(**{unit: amount})
    return Offset(delta, 0, raw, _step(delta))


def is_working_day(day: dt.date, holidays: frozenset[dt.date]) -> bool:
    """Monday to Friday and not a holiday."""
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: dt.date, n: int, holidays: frozenset[dt.date]) -> dt.date:
    """Move ``n`` working days (negative: backwards); the starting day itself is not counted.

    Whole weeks are jumped at once (any seven days hold five weekdays, less the holidays among
    them), so a large ``n`` costs no more than a small one. ``OverflowError`` past year 9999.
    """
    sign = 1 if n >= 0 else -1
    remaining = abs(n)
    off_days = _weekday_holidays(holidays)
    while remaining > 5:
        weeks = (remaining - 1) // 5  # leaves 1 to 5 working days for the walk below
        target = day + dt.timedelta(days=sign * 7 * weeks)
        # the holidays among the days jumped: (day, target] forwards, [target, day) backwards
        if sign > 0:
            lost = bisect.bisect_right(off_days, target) - bisect.bisect_right(off_days, day)
        else:
            lost = bisect.bisect_left(off_days, day) - bisect.bisect_left(off_days, target)
        day, remaining = target, remaining - 5 * weeks + lost
    step = dt.timedelta(days=sign)
    while remaining:
        day += step
        if is_working_day(day, holidays):
            remaining -= 1
    return day


@lru_cache(maxsize=16)
def _weekday_holidays(holidays: frozenset[dt.date]) -> list[dt.date]:
    """The holidays that fall on a weekday, sorted (the others change no count)."""
    return sorted(h for h in holidays if h.weekday() < 5)


def apply_offset(point: Point, offset: Offset, holidays: frozenset[dt.date]) -> Point:
    """Add ``offset`` to a day or an instant (wall-clock arithmetic in the instant's own zone).

    ``OffsetError`` when the result would fall outside years 1-9999.
    """
    try:
        return _apply(point, offset, holidays)
    except (OverflowError, ValueError) as err:  # "date value out of range", "year 10000 is..."
        if isinstance(err, OffsetError):
            raise
        d = offset.delta
        backwards = min(offset.working_days, d.years, d.months, d.days, d.hours, d.minutes) < 0
        sign = "-" if backwards else "+"
        raise OffsetError(
            f"{point} {sign} {offset.text} falls outside years 1-9999 ({RANGE_TEXT})"
        ) from None


def _apply(point: Point, offset: Offset, holidays: frozenset[dt.date]) -> Point:
    if isinstance(point, dt.datetime):
        zone = point.tzinfo
        local = point.replace(tzinfo=None)
        if offset.working_days:
            moved = add_working_days(local.date(), offset.working_days, holidays)
            local = dt.datetime.combine(moved, local.time())
        shifted = local + offset.step if offset.step is not None else _plus(local, offset.delta)
        assert isinstance(shifted, dt.datetime)
        return shifted.replace(tzinfo=zone)
    day = point
    if offset.working_days:
        day = add_working_days(day, offset.working_days, holidays)
    if offset.has_time:
        raise OffsetError(f"'{offset.text}' has a time part, but this is a whole-day date")
    result = day + offset.step if offset.step is not None else _plus(day, offset.delta)
    assert isinstance(result, dt.date)
    return result


def _plus(point: Point, delta: relativedelta) -> Point:
    """``point + delta``, through ``timedelta`` when the delta allows (much faster)."""
    step = _step(delta)
    moved: Point = point + (delta if step is None else step)
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


def parse_expression(text: str) -> Expression:
    """Parse a date expression such as ``"soc.end + 10 working days"``."""
    raw = text.strip()
    if _LITERAL.match(raw):
        value: Point
        try:
            value = dt.datetime.fromisoformat(raw) if len(raw) > 10 else dt.date.fromisoformat(raw)
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
