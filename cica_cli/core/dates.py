"""Date arithmetic: offsets ("2 weeks", "10 working days", "P14D"), working days, expressions.

Pure functions; nothing here reads the clock. A *point* is either a ``date`` (a whole day) or an
aware ``datetime`` (an instant); offsets in days and longer move the wall-clock date and keep the
time of day, as a person counting days on a calendar would.
"""

from __future__ import annotations

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


class OffsetError(ValueError):
    """A malformed offset or duration."""


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
    if unit == "working_days":
        return Offset(relativedelta(), amount, raw, dt.timedelta())
    delta = relativedelta(**{unit: amount})
    return Offset(delta, 0, raw, _step(delta))


def is_working_day(day: dt.date, holidays: frozenset[dt.date]) -> bool:
    """Monday to Friday and not a holiday."""
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: dt.date, n: int, holidays: frozenset[dt.date]) -> dt.date:
    """Move ``n`` working days (negative: backwards); the starting day itself is not counted."""
    step = dt.timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day, holidays):
            remaining -= 1
    return day


def apply_offset(point: Point, offset: Offset, holidays: frozenset[dt.date]) -> Point:
    """Add ``offset`` to a day or an instant (wall-clock arithmetic in the instant's own zone)."""
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
