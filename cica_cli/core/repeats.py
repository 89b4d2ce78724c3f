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
from collections.abc import Collection
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from .dates import Point
from .rule_text import rule_parts, rule_text, until_limit, until_value

if TYPE_CHECKING:
    from dateutil.rrule import rrule, rruleset

__all__ = [
    "anchor_of",
    "build_rule",
    "first_start",
    "last_start",
    "parse_rule",
    "skipped_starts",
    "starts_between",
    "until_limit",
    "until_of",
]


def first_start(
    repeat: str, start: Point, lo: dt.datetime, skip: Collection[dt.date] = ()
) -> dt.datetime | None:
    """The first occurrence at or after ``lo`` (naive), or None if the rule has run out.

    ``skip``: days (in the event's zone) whose occurrences are left out (``except``).
    """
    anchor = anchor_of(start)
    plain = _plain_at(repeat, anchor)
    if plain is None:
        rule = build_rule(repeat, start, not_before=lo)
        found: dt.datetime | None = rule.after(lo, inc=True)
        while found is not None and found.date() in skip:
            found = rule.after(found, inc=False)
        return found
    until = until_limit(plain.until, start)
    k = plain.first_index(anchor, lo)
    while (when := plain.nth(anchor, k)) is not None and plain.allows(k, when, until):
        if when.date() not in skip:
            return when
        k += 1
    return None


def starts_between(
    repeat: str,
    start: Point,
    lo: dt.datetime,
    hi: dt.datetime,
    skip: Collection[dt.date] = (),
) -> list[dt.datetime]:
    """Every occurrence from ``lo`` to ``hi`` (naive, both included), but those on ``skip``."""
    anchor = anchor_of(start)
    plain = _plain_at(repeat, anchor)
    if plain is None:
        found: list[dt.datetime] = build_rule(repeat, start, not_before=lo).between(
            lo, hi, inc=True
        )
    else:
        until = until_limit(plain.until, start)
        found = []
        k = plain.first_index(anchor, lo)
        while (
            (when := plain.nth(anchor, k)) is not None
            and when <= hi
            and plain.allows(k, when, until)
        ):
            found.append(when)
            k += 1
    return [w for w in found if w.date() not in skip] if skip else found


#: How far ``last_start`` looks: a rule whose last occurrence is further from its start counts
#: as one that never ends (what its callers need is a span to cover, not the exact end).
_LAST_HORIZON_YEARS = 50


def last_start(repeat: str, start: Point) -> dt.datetime | None:
    """The last occurrence of a rule with COUNT or UNTIL; None if it has none, has no COUNT and
    no UNTIL (it never ends), or ends more than 50 years after its start (bounded work: a
    ``COUNT=1000000000`` must not take minutes)."""
    anchor = anchor_of(start)
    plain = _plain_at(repeat, anchor)
    far = _years_later(anchor, _LAST_HORIZON_YEARS)
    if plain is not None and plain.times is not None:
        when = plain.nth(anchor, plain.times - 1)
        return when if when is not None and when <= far else None
    if plain is not None and plain.until is not None:
        until = until_limit(plain.until, start)
        assert until is not None
        k = plain.last_index_until(anchor, min(until, far))
        after = plain.nth(anchor, k + 1)
        if after is not None and after <= until:
            return None  # an occurrence past the horizon: as if it never ends
        return plain.nth(anchor, k) if k >= 0 else None
    parts = rule_parts(repeat) or {}
    if "COUNT" not in parts and "UNTIL" not in parts:
        return None
    if "UNTIL" in parts:
        until = until_limit(parts["UNTIL"], start)
        if until is None:
            return None
        if until > far:
            if build_rule(repeat, start, not_before=far).after(far) is not None:
                return None  # an occurrence past the horizon: as if it never ends
            until = far
        # No COUNT with UNTIL, so the rule may be anchored a year before UNTIL.
        near = build_rule(repeat, start, not_before=until - dt.timedelta(days=400))
        last: dt.datetime | None = near.before(until, inc=True)
        if last is None:
            last = build_rule(repeat, start).before(until, inc=True)
        return last
    last = None
    for when in build_rule(repeat, start):
        if when > far:
            return None
        last = when
    return last


def until_of(repeat: str, start: Point) -> dt.datetime | None:
    """UNTIL as the last naive wall-clock moment in the event's zone an occurrence may start
    (a UTC time converted, a day to its last moment), or None without UNTIL."""
    parts = rule_parts(repeat)
    return until_limit(parts.get("UNTIL") if parts else None, start)


def skipped_starts(repeat: str, start: Point, days: Collection[dt.date]) -> list[dt.datetime]:
    """The occurrences (naive) that ``except`` days remove, for EXDATE."""
    found: list[dt.datetime] = []
    for day in sorted(days):
        lo = dt.datetime.combine(day, dt.time.min)
        found += starts_between(repeat, start, lo, lo.replace(hour=23, minute=59, second=59))
    return found


def _years_later(moment: dt.datetime, years: int) -> dt.datetime:
    """``moment`` that many years on (29 February to the 28th), at most the end of 9999."""
    year = moment.year + years
    if year > 9999:
        return dt.datetime.max
    return moment.replace(year=year, day=min(moment.day, 28 if moment.month == 2 else 31))


def anchor_of(start: Point) -> dt.datetime:
    """The rule's naive anchor; dateutil drops microseconds from it."""
    if isinstance(start, dt.datetime):
        return start.replace(tzinfo=None, microsecond=0)
    return dt.datetime.combine(start, dt.time.min)


class _Plain(NamedTuple):
    """A plain rule: one occurrence every ``days`` days or every ``months`` months."""

    days: int
    months: int
    times: int | None  # COUNT
    until: str | None  # UNTIL as written (its meaning depends on the start: see ``until_limit``)

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

    def last_index_until(self, anchor: dt.datetime, until: dt.datetime) -> int:
        """The largest ``k`` whose occurrence is at or before ``until`` (-1 if none is)."""
        if until < anchor:
            return -1
        if self.days:
            return (until - anchor) // dt.timedelta(days=self.days)
        k = ((until.year - anchor.year) * 12 + until.month - anchor.month) // self.months
        while k >= 0 and ((when := self.nth(anchor, k)) is None or when > until):
            k -= 1
        return k

    def allows(self, k: int, when: dt.datetime, until: dt.datetime | None) -> bool:
        """True if the ``k``-th occurrence, at ``when``, is within COUNT and ``until``."""
        if self.times is not None and k >= self.times:
            return False
        return until is None or when <= until


_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7}
_PERIOD_MONTHS = {"MONTHLY": 1, "YEARLY": 12}


def _plain_at(repeat: str, anchor: dt.datetime) -> _Plain | None:
    """``repeat`` as a plain rule for this anchor (a month's 29th to 31st is not plain)."""
    plain = _plain(repeat)
    return plain if plain is not None and (plain.days or anchor.day <= 28) else None


@lru_cache(maxsize=1024)
def _plain(repeat: str) -> _Plain | None:
    """``repeat`` as a plain rule, or None for anything dateutil has to work out."""
    parts = rule_parts(repeat)
    if parts is None or not parts.keys() <= {"FREQ", "INTERVAL", "COUNT", "UNTIL"}:
        return None
    if "COUNT" in parts and "UNTIL" in parts:
        return None
    interval, count = parts.get("INTERVAL", "1"), parts.get("COUNT", "1")
    if not (interval.isdigit() and count.isdigit()) or int(interval) < 1 or int(count) < 1:
        return None
    until = parts.get("UNTIL")
    if until is not None and until_value(until) is None:
        return None
    freq = parts.get("FREQ", "")
    days = _PERIOD_DAYS.get(freq, 0) * int(interval)
    months = _PERIOD_MONTHS.get(freq, 0) * int(interval)
    if not (days or months):
        return None
    return _Plain(days, months, int(count) if "COUNT" in parts else None, until)


def build_rule(
    repeat: str, start: Point, not_before: dt.datetime | None = None
) -> rrule | rruleset:
    """The dateutil rule for ``repeat`` (an RFC 5545 RRULE value) anchored at ``start``.

    The rule runs on naive wall-clock times so that a weekly 10:00 meeting stays at 10:00 across
    daylight-saving changes; UNTIL is turned into the same wall clock (``until_limit``). With
    ``not_before`` (naive), the rule may be anchored later than ``start`` (see ``_skip_ahead``)
    but has exactly the same occurrences from ``not_before`` on.
    """
    from dateutil.rrule import rrule, rrulestr

    anchor = anchor_of(start)
    if not_before is not None:
        anchor = _skip_ahead(repeat, anchor, not_before)
    parsed = parse_rule(repeat)
    parts = rule_parts(repeat) or {}
    until = until_limit(parts.get("UNTIL"), start)
    if isinstance(parsed, rrule):
        # `replace` derives the implied parts (the weekday of a weekly rule...) from `anchor`.
        if until is not None:
            return parsed.replace(dtstart=anchor, until=until)
        return parsed.replace(dtstart=anchor)
    return rrulestr(rule_text(repeat), dtstart=anchor)


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
    parts = rule_parts(repeat)
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
def parse_rule(repeat: str) -> rrule | rruleset:
    """``repeat`` parsed once per distinct text (a calendar has many events with one rule)."""
    from dateutil.rrule import rrulestr

    return rrulestr(rule_text(repeat), dtstart=dt.datetime(2000, 1, 1))
