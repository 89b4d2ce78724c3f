"""Repeating events: an RFC 5545 RRULE value, its occurrences as naive wall-clock date-times.

``first_start``, ``starts_between`` and ``last_start`` answer what the agenda, reminders and
export ask. A *plain* rule (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY with nothing but INTERVAL,
COUNT or UNTIL, and for MONTHLY and YEARLY an anchor on or before the 28th) has exactly one
occurrence per period, at the anchor's place in it, so its n-th occurrence is the anchor moved
by n periods: no walk from the anchor. Any other rule goes to ``dateutil.rrule`` (imported only
then), anchored as late as is safe (``_skip_ahead``). Tests compare both ways with dateutil.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from .dates import Point

if TYPE_CHECKING:
    from dateutil.rrule import rrule, rruleset

__all__ = ["build_rule", "check_rule", "first_start", "last_start", "starts_between"]


def first_start(repeat: str, start: Point, lo: dt.datetime) -> dt.datetime | None:
    """The first occurrence at or after ``lo`` (naive), or None if the rule has run out."""
    anchor = _anchor(start)
    plain = _plain_at(repeat, anchor)
    if plain is None:
        return build_rule(repeat, start, not_before=lo).after(lo, inc=True)  # type: ignore[no-any-return]
    k = plain.first_index(anchor, lo)
    when = plain.nth(anchor, k)
    return when if when is not None and plain.allows(k, when) else None


def starts_between(
    repeat: str, start: Point, lo: dt.datetime, hi: dt.datetime
) -> list[dt.datetime]:
    """Every occurrence from ``lo`` to ``hi`` (naive, both included)."""
    anchor = _anchor(start)
    plain = _plain_at(repeat, anchor)
    if plain is None:
        return build_rule(repeat, start, not_before=lo).between(lo, hi, inc=True)  # type: ignore[no-any-return]
    found = []
    k = plain.first_index(anchor, lo)
    while (when := plain.nth(anchor, k)) is not None and when <= hi and plain.allows(k, when):
        found.append(when)
        k += 1
    return found


def last_start(repeat: str, start: Point) -> dt.datetime | None:
    """The last occurrence of a rule with COUNT or UNTIL; None if it has no occurrence at all,
    or no COUNT and no UNTIL (it never ends)."""
    anchor = _anchor(start)
    plain = _plain_at(repeat, anchor)
    if plain is not None and plain.times is not None:
        when = plain.nth(anchor, plain.times - 1)
        if when is not None:
            return when
    elif plain is not None and plain.until is not None:
        k = plain.last_index_until(anchor)
        if k < 0:
            return None
        when = plain.nth(anchor, k)
        if when is not None:
            return when
    text = repeat.upper()
    if "COUNT=" not in text and "UNTIL=" not in text:
        return None
    starts = list(build_rule(repeat, start))
    return starts[-1] if starts else None


def _anchor(start: Point) -> dt.datetime:
    """The rule's naive anchor; dateutil drops microseconds from it."""
    if isinstance(start, dt.datetime):
        return start.replace(tzinfo=None, microsecond=0)
    return dt.datetime.combine(start, dt.time.min)


class _Plain(NamedTuple):
    """A plain rule: one occurrence every ``days`` days or every ``months`` months."""

    days: int
    months: int
    times: int | None  # COUNT
    until: dt.datetime | None

    def nth(self, anchor: dt.datetime, k: int) -> dt.datetime | None:
        """The anchor moved by ``k`` periods (None past year 9999, where dateutil stops)."""
        try:
            if self.days:
                return anchor + dt.timedelta(days=k * self.days)
            months = anchor.month - 1 + k * self.months
            year = anchor.year + months // 12
            return anchor.replace(year=year, month=months % 12 + 1) if year <= 9999 else None
        except OverflowError:
            return None

    def first_index(self, anchor: dt.datetime, lo: dt.datetime) -> int:
        """The smallest ``k`` >= 0 whose occurrence is at or after ``lo`` (limits aside)."""
        if lo <= anchor:
            return 0
        if self.days:
            return -((anchor - lo) // dt.timedelta(days=self.days))  # ceiling division
        k = max(0, ((lo.year - anchor.year) * 12 + lo.month - anchor.month) // self.months)
        while (when := self.nth(anchor, k)) is not None and when < lo:
            k += 1
        return k

    def last_index_until(self, anchor: dt.datetime) -> int:
        """The largest ``k`` whose occurrence is at or before UNTIL (-1 if none is)."""
        assert self.until is not None
        if self.until < anchor:
            return -1
        if self.days:
            return (self.until - anchor) // dt.timedelta(days=self.days)
        k = ((self.until.year - anchor.year) * 12 + self.until.month - anchor.month) // self.months
        while k >= 0 and ((when := self.nth(anchor, k)) is None or when > self.until):
            k -= 1
        return k

    def allows(self, k: int, when: dt.datetime) -> bool:
        """True if the ``k``-th occurrence, at ``when``, is within COUNT and UNTIL."""
        if self.times is not None and k >= self.times:
            return False
        return self.until is None or when <= self.until


_RULE_PART = re.compile(r"([A-Za-z]+)=([A-Za-z0-9,+-]+)")
_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7}
_PERIOD_MONTHS = {"MONTHLY": 1, "YEARLY": 12}


def _plain_at(repeat: str, anchor: dt.datetime) -> _Plain | None:
    """``repeat`` as a plain rule for this anchor (a month's 29th to 31st is not plain)."""
    plain = _plain(repeat)
    return plain if plain is not None and (plain.days or anchor.day <= 28) else None


@lru_cache(maxsize=1024)
def _plain(repeat: str) -> _Plain | None:
    """``repeat`` as a plain rule, or None for anything dateutil has to work out."""
    parts = _rule_parts(repeat)
    if parts is None or not parts.keys() <= {"FREQ", "INTERVAL", "COUNT", "UNTIL"}:
        return None
    if "COUNT" in parts and "UNTIL" in parts:
        return None
    interval, count = parts.get("INTERVAL", "1"), parts.get("COUNT", "1")
    if not (interval.isdigit() and count.isdigit()) or int(interval) < 1 or int(count) < 1:
        return None
    until = None
    if "UNTIL" in parts:
        until = _until(parts["UNTIL"])
        if until is None:
            return None
    freq = parts.get("FREQ", "")
    days = _PERIOD_DAYS.get(freq, 0) * int(interval)
    months = _PERIOD_MONTHS.get(freq, 0) * int(interval)
    if not (days or months):
        return None
    return _Plain(days, months, int(count) if "COUNT" in parts else None, until)


def _until(value: str) -> dt.datetime | None:
    """UNTIL as dateutil reads it here (naive; a day means its midnight), if it is that simple."""
    digits = value.replace("T", "", 1)
    if not digits.isdigit() or (len(value), value.find("T")) not in ((8, -1), (15, 8)):
        return None
    try:
        return dt.datetime.strptime(value, "%Y%m%d" if len(value) == 8 else "%Y%m%dT%H%M%S")
    except ValueError:
        return None


def build_rule(
    repeat: str, start: Point, not_before: dt.datetime | None = None
) -> rrule | rruleset:
    """The dateutil rule for ``repeat`` (an RFC 5545 RRULE value) anchored at ``start``.

    The rule runs on naive wall-clock times so that a weekly 10:00 meeting stays at 10:00 across
    daylight-saving changes. With ``not_before`` (naive), the rule may be anchored later than
    ``start`` (see ``_skip_ahead``) but has exactly the same occurrences from ``not_before`` on.
    """
    from dateutil.rrule import rrule, rrulestr

    if isinstance(start, dt.datetime):
        anchor = start.replace(tzinfo=None)
    else:
        anchor = dt.datetime.combine(start, dt.time.min)
    if not_before is not None:
        anchor = _skip_ahead(repeat, anchor, not_before)
    parsed = _parse_rule(repeat)
    if isinstance(parsed, rrule):
        # `replace` derives the implied parts (the weekday of a weekly rule...) from `anchor`.
        return parsed.replace(dtstart=anchor)
    return rrulestr(_rule_text(repeat), dtstart=anchor)


def _skip_ahead(repeat: str, anchor: dt.datetime, not_before: dt.datetime) -> dt.datetime:
    """A later anchor giving the rule the same occurrences from ``not_before`` on, or ``anchor``.

    dateutil finds the first occurrence after a moment by walking every period from the anchor:
    a weekly call anchored ten years back costs 500 steps per look. Moving the anchor forward by
    whole periods of the rule changes nothing from the new anchor on, as long as nothing in the
    rule counts from the anchor or depends on its day in a way the move would change:

    - no COUNT (it counts occurrences from the anchor);
    - DAILY and WEEKLY: moved by a multiple of INTERVAL days or weeks, so the weekday, the time
      of day, and the phase of the interval are kept;
    - MONTHLY and YEARLY: moved by whole years that are a multiple of the interval in months or
      years, so the month, the day of the month and the time of day are kept; not from 29 February.

    The new anchor stays at least one full period before ``not_before``. UNTIL and the BY* parts
    are absolute and unaffected; a test compares against dateutil for random rules.
    """
    parts = _rule_parts(repeat)
    if parts is None or "COUNT" in parts or anchor >= not_before:
        return anchor
    freq = parts.get("FREQ")
    try:
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return anchor
    if interval < 1:
        return anchor
    if freq in ("DAILY", "WEEKLY"):
        step = interval * (7 if freq == "WEEKLY" else 1)
        periods = (not_before - anchor).days // step - 1
        return anchor + dt.timedelta(days=periods * step) if periods > 0 else anchor
    if freq in ("MONTHLY", "YEARLY") and (anchor.month, anchor.day) != (2, 29):
        from math import lcm

        years = lcm(interval, 12) // 12 if freq == "MONTHLY" else interval
        periods = (not_before.year - anchor.year) // years - 1
        return anchor.replace(year=anchor.year + periods * years) if periods > 0 else anchor
    return anchor


@lru_cache(maxsize=1024)
def _rule_parts(repeat: str) -> dict[str, str] | None:
    """``{"FREQ": "WEEKLY", "BYDAY": "MO,WE"}`` (upper-case), or None unless every part is a
    plain ``NAME=VALUE`` (no spaces) and no name comes twice: anything else is left to dateutil
    as it is."""
    try:
        text = _rule_text(repeat)
    except ValueError:
        return None
    parts: dict[str, str] = {}
    for part in text.split(";"):
        m = _RULE_PART.fullmatch(part)
        if m is None or m.group(1).upper() in parts:
            return None
        parts[m.group(1).upper()] = m.group(2).upper()
    return parts


def check_rule(repeat: str) -> None:
    """Raise ``ValueError`` (or ``TypeError``) if ``repeat`` is not an RRULE value cica reads.

    Parsed once per distinct text: a rule's validity does not depend on its anchor, since the
    anchor is always a naive date-time and UNTIL is read as one.
    """
    _parse_rule(repeat)


@lru_cache(maxsize=1024)
def _parse_rule(repeat: str) -> rrule | rruleset:
    """``repeat`` parsed once per distinct text (a calendar has many events with one rule)."""
    from dateutil.rrule import rrulestr

    return rrulestr(_rule_text(repeat), dtstart=dt.datetime(2000, 1, 1))


def _rule_text(repeat: str) -> str:
    text = repeat.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if "DTSTART" in text.upper() or "\n" in text:
        raise ValueError("give only the RRULE value, e.g. 'FREQ=YEARLY;COUNT=3'")
    if "UNTIL=" in text.upper():
        # RFC 5545 wants UNTIL in UTC when DTSTART is zoned; dateutil wants it naive here.
        text = ";".join(
            p[:-1] if p.upper().startswith("UNTIL=") and p.endswith("Z") else p
            for p in text.split(";")
        )
    return text
