"""What a ``repeat`` may say, checked in cica's words, and which days a rule gives.

``check_text`` reads an RRULE value part by part and refuses, with a sentence naming the part,
anything RFC 5545 does not allow or cica does not expand:

- FREQ is DAILY, WEEKLY, MONTHLY or YEARLY. Sub-daily frequencies (SECONDLY, MINUTELY, HOURLY)
  and BYHOUR, BYMINUTE and BYSECOND are refused: cica plans days, the time of day comes from
  the event's start, and a rule firing every second would give a reminder mail of tens of
  thousands of items and searches that take minutes. So every rule has at most one occurrence
  a day, and every search walks days, not seconds.
- COUNT and UNTIL are not both given (RFC 5545 3.3.10: "MUST NOT occur in the same rule");
  COUNT is at least 1, INTERVAL at least 1; UNTIL is a day, a local or a UTC date-time.
- Each BYxxx part holds values in its range, where RFC 5545 allows it for that FREQ (no
  BYMONTHDAY in a WEEKLY rule, BYWEEKNO only in YEARLY...); BYSETPOS needs another BYxxx part.

``is_occurrence`` tells, without dateutil, whether a day is one the rule gives in its period
(the day, week, month or year containing it), so that a rule no day matches (the 30th of
February) is found at once instead of by a search to the year 9999. ``next_day`` finds the
first later day the rule's filters allow, for the message that suggests one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache

from .rule_text import RuleError, parts_of, until_value

__all__ = ["check_text", "is_occurrence", "next_day"]

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_SUB_DAILY = ("SECONDLY", "MINUTELY", "HOURLY")
#: (lowest, highest) absolute value, whether negative values are allowed, and the FREQs
#: RFC 5545 allows the part in (None: all).
_RANGES: Mapping[str, tuple[int, int, bool, tuple[str, ...] | None]] = {
    "BYMONTHDAY": (1, 31, True, ("DAILY", "MONTHLY", "YEARLY")),
    "BYYEARDAY": (1, 366, True, ("YEARLY",)),
    "BYWEEKNO": (1, 53, True, ("YEARLY",)),
    "BYMONTH": (1, 12, False, None),
    "BYSETPOS": (1, 366, True, None),
}
_DAY = re.compile(r"([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_INTEGER = re.compile(r"[+-]?\d{1,4}")


def check_text(repeat: str) -> dict[str, str]:
    """The rule's parts, or ``RuleError`` saying what is wrong and how to write it."""
    parts = parts_of(repeat)
    freq = parts.get("FREQ")
    if freq is None:
        raise RuleError("needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY")
    if freq in _SUB_DAILY:
        raise RuleError(
            f"FREQ={freq}: cica repeats events at most daily (DAILY, WEEKLY, MONTHLY or "
            "YEARLY); the time of day comes from the event's start"
        )
    if freq not in FREQS:
        raise RuleError(f"FREQ={freq} is not DAILY, WEEKLY, MONTHLY or YEARLY")
    for name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        if name in parts:
            raise RuleError(
                f"{name}: cica repeats events at most once a day, at the time of the event's "
                "start; give the time in `date` or `start`"
            )
    if "COUNT" in parts and "UNTIL" in parts:
        raise RuleError("give COUNT or UNTIL, not both (RFC 5545 does not allow both)")
    for name in ("COUNT", "INTERVAL"):
        if name in parts:
            value = parts[name]
            if not value.isdigit():
                raise RuleError(f"{name}={value} should be a whole number such as 10")
            if len(value) > 9:
                raise RuleError(f"{name}={value} is too large (at most 999999999)")
            if int(value) == 0:
                raise RuleError(
                    "COUNT=0 yields no occurrence"
                    if name == "COUNT"
                    else "INTERVAL=0: the interval is at least 1"
                )
    if "UNTIL" in parts and until_value(parts["UNTIL"]) is None:
        raise RuleError(
            f"UNTIL={parts['UNTIL']} should be a day (20241231), a local time (20241231T170000) "
            "or a UTC time (20241231T120000Z)"
        )
    for name, (low, high, negative, freqs) in _RANGES.items():
        if name not in parts:
            continue
        if freqs is not None and freq not in freqs:
            raise RuleError(f"{name} cannot be used with FREQ={freq} (RFC 5545 3.3.10)")
        for value in parts[name].split(","):
            number = int(value) if _INTEGER.fullmatch(value) else 0
            if not (low <= abs(number) <= high) or (number < 0 and not negative):
                allowed = f"{low} to {high}" + (f" or -{high} to -{low}" if negative else "")
                raise RuleError(f"{name}={parts[name]}: {value!r} is not {allowed}")
    if "BYSETPOS" in parts and not any(p.startswith("BY") and p != "BYSETPOS" for p in parts):
        raise RuleError("BYSETPOS needs another BYxxx part to choose from (RFC 5545 3.3.10)")
    if "BYDAY" in parts:
        _check_days(parts["BYDAY"], freq, "BYWEEKNO" in parts)
    if "WKST" in parts and parts["WKST"] not in WEEKDAYS:
        raise RuleError(f"WKST={parts['WKST']} should be a weekday: {', '.join(WEEKDAYS)}")
    return parts


def _check_days(value: str, freq: str, weekno: bool) -> None:
    plain = ordinal = False
    for item in value.split(","):
        m = _DAY.fullmatch(item)
        if m is None or (m.group(1) and not m.group(2)):
            raise RuleError(
                f"BYDAY={value}: {item!r} is not a weekday ({', '.join(WEEKDAYS)}), "
                "optionally numbered as in 1MO or -1FR"
            )
        if m.group(2) is None:
            plain = True
            continue
        n = int(m.group(2))
        if not 1 <= n <= 53:
            raise RuleError(f"BYDAY={value}: {item!r}: the number is 1 to 53 or -1 to -53")
        if freq not in ("MONTHLY", "YEARLY") or weekno:
            raise RuleError(
                f"BYDAY={value}: a numbered weekday ({item}) belongs to a MONTHLY or YEARLY "
                "rule without BYWEEKNO (RFC 5545 3.3.10)"
            )
        ordinal = True
    if plain and ordinal:
        raise RuleError(
            f"BYDAY={value}: give either plain weekdays or numbered ones (1MO, -1FR), not both "
            "in one rule (split it into two events)"
        )


# --------------------------------------------------------------------------------------------
# Which days a rule gives, as dateutil expands it (RFC 5545's expand and limit table)
# --------------------------------------------------------------------------------------------


class _Filters:
    """A rule's day filters, with the defaults taken from the anchor (RFC 5545: a MONTHLY rule
    with no day part repeats on the start's day of the month, and so on)."""

    __slots__ = (
        "freq", "monthdays", "months", "ordinals", "setpos", "weekdays", "wkst", "yeardays",
    )  # fmt: skip

    def __init__(self, parts: Mapping[str, str], anchor: dt.date) -> None:
        self.freq = parts["FREQ"]
        self.wkst = WEEKDAYS.index(parts.get("WKST", "MO"))
        self.months = _ints(parts.get("BYMONTH"))
        self.monthdays = _ints(parts.get("BYMONTHDAY"))
        self.yeardays = _ints(parts.get("BYYEARDAY"))
        self.setpos = _ints(parts.get("BYSETPOS"))
        self.weekdays: frozenset[int] | None = None
        self.ordinals: frozenset[tuple[int, int]] | None = None
        if "BYDAY" in parts:
            days = [_DAY.fullmatch(d) for d in parts["BYDAY"].split(",")]
            plain = [WEEKDAYS.index(m.group(3)) for m in days if m and m.group(2) is None]
            numbered = [
                (int(m.group(1) + m.group(2)), WEEKDAYS.index(m.group(3)))
                for m in days
                if m and m.group(2) is not None
            ]
            self.weekdays = frozenset(plain) if plain else None
            self.ordinals = frozenset(numbered) if numbered else None
        elif not (self.monthdays or self.yeardays or "BYWEEKNO" in parts):
            if self.freq == "YEARLY":
                self.monthdays = frozenset({anchor.day})
                self.months = self.months or frozenset({anchor.month})
            elif self.freq == "MONTHLY":
                self.monthdays = frozenset({anchor.day})
            elif self.freq == "WEEKLY":
                self.weekdays = frozenset({anchor.weekday()})

    def allows(self, day: dt.date) -> bool:
        """True if ``day`` passes every BYxxx filter (BYSETPOS aside)."""
        if self.months and day.month not in self.months:
            return False
        if self.weekdays is not None and day.weekday() not in self.weekdays:
            return False
        if self.monthdays:
            length = calendar.monthrange(day.year, day.month)[1]
            if day.day not in self.monthdays and day.day - length - 1 not in self.monthdays:
                return False
        if self.yeardays:
            number = day.timetuple().tm_yday
            length = 366 if calendar.isleap(day.year) else 365
            if number not in self.yeardays and number - length - 1 not in self.yeardays:
                return False
        return self.ordinals is None or self._numbered(day)

    def _numbered(self, day: dt.date) -> bool:
        if self.freq == "MONTHLY" or self.months:  # the n-th weekday of the month
            first = day.replace(day=1)
            last = first.replace(day=calendar.monthrange(day.year, day.month)[1])
        else:  # of the year
            first, last = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
        forward = (day - first).days // 7 + 1
        backward = -((last - day).days // 7 + 1)
        wd = day.weekday()
        return (forward, wd) in self.ordinals or (backward, wd) in self.ordinals  # type: ignore[operator]

    def period(self, day: dt.date, first: bool) -> tuple[dt.date, dt.date]:
        """The period containing ``day``; a rule's first week starts at its start (dateutil)."""
        if self.freq == "DAILY":
            return day, day
        if self.freq == "WEEKLY":
            begin = day if first else day - dt.timedelta(days=(day.weekday() - self.wkst) % 7)
            end = begin + dt.timedelta(days=(self.wkst - 1 - begin.weekday()) % 7)
            return begin, end
        if self.freq == "MONTHLY":
            length = calendar.monthrange(day.year, day.month)[1]
            return day.replace(day=1), day.replace(day=length)
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)

    def chosen(self, begin: dt.date, end: dt.date) -> list[dt.date]:
        """The days of the period ``begin``..``end`` the rule gives."""
        days = [
            begin + dt.timedelta(days=i)
            for i in range((end - begin).days + 1)
            if self.allows(begin + dt.timedelta(days=i))
        ]
        if not self.setpos:
            return days
        picked = {days[n - 1 if n > 0 else n] for n in self.setpos if -len(days) <= n <= len(days)}
        return sorted(picked)


def _ints(value: str | None) -> frozenset[int]:
    return frozenset(int(v) for v in value.split(",")) if value else frozenset()


@lru_cache(maxsize=256)
def _filters(parts: tuple[tuple[str, str], ...], anchor: dt.date) -> _Filters:
    return _Filters(dict(parts), anchor)


def is_occurrence(parts: Mapping[str, str], anchor: dt.date) -> bool | None:
    """True if the rule anchored at ``anchor`` gives ``anchor`` itself (as RFC 5545 wants of
    DTSTART), False if not, None if this cannot tell (BYWEEKNO: ask dateutil)."""
    if "BYWEEKNO" in parts:
        return None
    f = _filters(tuple(sorted(parts.items())), anchor)
    if not f.setpos:  # the period holds the anchor: is it one of the days the filters keep?
        return f.allows(anchor)
    return anchor in f.chosen(*f.period(anchor, first=True))


def next_day(parts: Mapping[str, str], anchor: dt.date, years: int = 100) -> dt.date | None:
    """The first day after ``anchor``, within ``years``, that the rule's filters give (None if
    none does: the rule yields nothing). INTERVAL is left aside: it counts from the start."""
    if "BYWEEKNO" in parts:
        return None
    f = _filters(tuple(sorted(parts.items())), anchor)
    stop = dt.date(min(anchor.year + years, 9999), 12, 31)
    begin, end = f.period(anchor, first=True)
    while begin <= stop:
        for day in f.chosen(begin, end):
            if day > anchor:
                return day
        if end >= dt.date(9999, 12, 31) - dt.timedelta(days=366):
            return None
        begin, end = f.period(end + dt.timedelta(days=1), first=False)
    return None
