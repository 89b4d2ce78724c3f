"""Working days: which days count in "10 working days", by country, and why a day does not.

A ``WorkCalendar`` answers for one country (or none) plus the calendar's own decrees:

- without a country, Monday to Friday are working days;
- with a country (ISO 3166-1 alpha-2 such as ``"KZ"``, or ``"US-NY"`` for a subdivision the data
  has), the country's working week, minus its public holidays, plus the Saturdays and Sundays it
  works in exchange for a bridge day (Kazakhstan worked Saturday 4 May 2024 for Wednesday 8 May),
  as the ``holidays`` package records them;
- the calendar's ``holidays = [...]`` are days off and ``workdays = [...]`` working days whatever
  the data says (a decree it does not know yet); ``workdays`` wins when a day is in both.

The ``holidays`` package is imported only when a country is asked about: a calendar without one
never loads it (nor does a cached calendar: resolved dates are cached), and its answers are kept
in cica's cache folder (``country_days``), so a calendar edited later does not load it either.
Nothing here reads the clock.

    >>> import datetime as dt
    >>> work_calendar("AZ").add(dt.date(2024, 11, 11), -10)
    datetime.date(2024, 10, 25)
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Collection, Iterable
from functools import cache
from typing import NamedTuple

from .country_days import (
    CountryDays,
    UnknownCountryError,
    check_country,
    data_version,
    keep_data_in,
)
from .day_names import day_text

__all__ = [
    "PLAIN",
    "DayNote",
    "UnknownCountryError",
    "WorkCalendar",
    "check_country",
    "data_version",
    "describe",
    "keep_data_in",
    "work_calendar",
]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SAT_SUN = frozenset({5, 6})


class DayNote(NamedTuple):
    """A day that a working-day count treated differently from a plain Monday-to-Friday week."""

    day: dt.date
    working: bool  # True: a Saturday or Sunday counted as a working day; False: a weekday skipped
    reason: str  # "Victory Day (AZ)", "working day (KZ)", "holiday (calendar)"


class WorkCalendar:
    """The working days of one country (or of none), with the calendar's own days off and on."""

    __slots__ = ("_data", "country", "holidays", "workdays")

    def __init__(
        self,
        country: str | None = None,
        holidays: Collection[dt.date] = frozenset(),
        workdays: Collection[dt.date] = frozenset(),
    ) -> None:
        self.country = country
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self._data: CountryDays | None = None
        if country is not None:
            check_country(country)
            self._data = CountryDays(country)

    def __repr__(self) -> str:
        extra = f"{len(self.holidays)} holidays, {len(self.workdays)} workdays"
        return f"WorkCalendar({self.country!r}, {extra})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkCalendar):
            return NotImplemented
        return (self.country, self.holidays, self.workdays) == (
            other.country,
            other.holidays,
            other.workdays,
        )

    def __hash__(self) -> int:
        return hash((self.country, self.holidays, self.workdays))

    def is_working_day(self, day: dt.date) -> bool:
        """True when ``day`` is a working day here."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        data = self._data
        if data is None:
            return day.weekday() < 5
        return data.is_working_day(day)

    def why_off(self, day: dt.date) -> str | None:
        """Why ``day`` is not a working day ("Saturday", "Victory Day (AZ)", ...); None if it is."""
        if self.is_working_day(day):
            return None
        if day in self.holidays:
            return "holiday (calendar)"
        name = self.holiday_name(day)
        if name is not None:
            return name
        return _WEEKDAYS[day.weekday()]

    def holiday_name(self, day: dt.date) -> str | None:
        """The public holiday on ``day`` with the country in brackets, or the calendar's own
        holiday; None on an ordinary day (a weekend is not a holiday)."""
        if day in self.holidays:
            return "holiday (calendar)"
        if self._data is None:
            return None
        name = self._data.name(day)
        return None if name is None else f"{name} ({self.country})"

    def add(self, day: dt.date, n: int) -> dt.date:
        """``day`` moved by ``n`` working days (negative: backwards); ``day`` itself not counted."""
        step = dt.timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        if self._data is None and not self.workdays and remaining > 5:
            day, remaining = self._jump_weeks(day, n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def _jump_weeks(self, day: dt.date, n: int) -> tuple[dt.date, int]:
        """Monday to Friday less ``holidays``: whole weeks at once (any seven days hold five
        weekdays, less the holidays among them); the day reached and the 1-5 working days left
        to count from it."""
        sign = 1 if n > 0 else -1
        remaining = abs(n)
        off = sorted(h for h in self.holidays if h.weekday() < 5)
        while remaining > 5:
            weeks = (remaining - 1) // 5
            target = day + dt.timedelta(days=sign * 7 * weeks)
            # the holidays among the days jumped: (day, target] forwards, [target, day) back
            if sign > 0:
                lost = bisect.bisect_right(off, target) - bisect.bisect_right(off, day)
            else:
                lost = bisect.bisect_left(off, day) - bisect.bisect_left(off, target)
            day, remaining = target, remaining - 5 * weeks + lost
        return day, remaining

    def notes(self, day: dt.date, n: int) -> list[DayNote]:
        """What ``add(day, n)`` passed that a plain Monday-to-Friday count would not have: the
        weekdays it skipped (holidays) and the weekend days it counted (working Saturdays), in
        the order met."""
        found: list[DayNote] = []
        end = self.add(day, n)
        step = dt.timedelta(days=1 if n >= 0 else -1)
        while day != end:
            day += step
            working = self.is_working_day(day)
            weekday = day.weekday() < 5
            if working and not weekday:
                found.append(DayNote(day, True, self._why_on(day)))
            elif weekday and not working:
                found.append(DayNote(day, False, self.why_off(day) or ""))
        return found

    def _why_on(self, day: dt.date) -> str:
        if day in self.workdays:
            return "working day (calendar)"
        return f"working day ({self.country})"


#: Monday to Friday, no holidays: the working days of a calendar that names no country.
PLAIN = WorkCalendar()


@cache
def work_calendar(
    country: str | None,
    holidays: frozenset[dt.date] = frozenset(),
    workdays: frozenset[dt.date] = frozenset(),
) -> WorkCalendar:
    """The (shared) ``WorkCalendar`` for these settings; ``UnknownCountryError`` for a bad code."""
    if country is None and not holidays and not workdays:
        return PLAIN
    return WorkCalendar(country, holidays, workdays)


def describe(notes: Iterable[DayNote]) -> str:
    """``"skipped Fri 8 Nov 2024, Victory Day (AZ); counted Sat 4 May 2024, working day (KZ)"``."""
    parts = []
    for note in notes:
        verb = "counted" if note.working else "skipped"
        parts.append(f"{verb} {day_text(note.day)}, {note.reason}")
    return "; ".join(parts)
