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
never loads it (nor does a cached calendar: resolved dates are cached). Importing it and one
country's rules costs 0.1-0.2 s, more than the rest of a first run on a small calendar, so a
country's answers are kept a year at a time in a store (``keep_data_in``, in cica's cache folder):
for each day of the year, working or not (``HolidayBase.is_working_day``) and the holiday's name.
They are the library's own answers, written down, not a copy of its rules; the store is keyed by
the installed ``holidays`` (its location, size and time), so an upgrade starts it afresh. Then a
calendar edited later resolves without importing ``holidays`` at all. Nothing here reads the clock.

    >>> import datetime as dt
    >>> work_calendar("AZ").add(dt.date(2024, 11, 11), -10)
    datetime.date(2024, 10, 25)
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import marshal
import os
import re
from collections.abc import Collection, Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .day_names import day_text

if TYPE_CHECKING:
    from holidays import HolidayBase

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


class UnknownCountryError(ValueError):
    """A country (or subdivision) code the holiday data does not know."""


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
        self._data: _CountryDays | None = None
        if country is not None:
            check_country(country)
            self._data = _CountryDays(country)

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


def check_country(code: str) -> None:
    """Raise ``UnknownCountryError`` with a helpful message unless the data knows ``code``."""
    if not _STORE.knows(code):
        _country_data(code)
        _STORE.add(code)


def keep_data_in(folder: Path | None) -> None:
    """Keep the countries' days off in ``folder`` (created when first written; None: nowhere),
    and read them from there. Any problem with the store is a miss, never an error."""
    _STORE.use(folder)


class _CountryDays:
    """One country's working days and holiday names, a year at a time, from the store."""

    __slots__ = ("_years", "code")

    def __init__(self, code: str) -> None:
        self.code = code
        self._years: dict[int, tuple[frozenset[int], dict[int, str]]] = {}

    def _year(self, year: int) -> tuple[frozenset[int], dict[int, str]]:
        found = self._years.get(year)
        if found is None:
            off, names = _STORE.year(self.code, year)
            found = self._years[year] = (frozenset(off), names)
        return found

    def is_working_day(self, day: dt.date) -> bool:
        return day.toordinal() not in self._year(day.year)[0]

    def name(self, day: dt.date) -> str | None:
        return self._year(day.year)[1].get(day.toordinal())


#: A year's entry: the days that are not working days, and the holidays' names (by ordinal).
_Year = tuple[tuple[int, ...], dict[int, str]]


def _from_library(code: str, year: int) -> _Year:
    """The library's answers for every day of ``year`` in ``code``. The years either side are
    filled in first, so that a day a neighbouring year's rule adds (a holiday observed on 2
    January) is there whatever was asked before."""
    data = _country_data(code)
    for y in (year - 1, year + 1, year):
        if 1 <= y <= 9999:
            data.get(dt.date(y, 1, 1))  # fills the year in
    first = dt.date(year, 1, 1).toordinal()
    last = dt.date(year, 12, 31).toordinal()
    off = tuple(
        n for n in range(first, last + 1) if not data.is_working_day(dt.date.fromordinal(n))
    )
    names = {d.toordinal(): str(name) for d, name in data.items() if d.year == year}
    return off, names


class _Store:
    """Countries' years of days off, in one file per installed ``holidays``: its first line is
    that version's key, the rest a ``marshal``-ed ``{code: {year: entry}}`` (as cica's cache)."""

    FORMAT = 1

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.data: dict[str, dict[int, _Year]] | None = None

    def use(self, folder: Path | None) -> None:
        if folder != self.folder:
            self.folder, self.data = folder, None

    def _loaded(self) -> dict[str, dict[int, _Year]]:
        if self.data is None:
            self.data = {}
            file, key = self._file()
            if file is not None:
                # absent, foreign or torn: a miss
                with contextlib.suppress(Exception), file.open("rb") as handle:
                    if handle.readline().rstrip(b"\n") == key:
                        loaded = marshal.loads(handle.read())
                        if isinstance(loaded, dict) and all(
                            isinstance(years, dict) for years in loaded.values()
                        ):
                            self.data = loaded
        return self.data

    def knows(self, code: str) -> bool:
        return code in self._loaded()

    def add(self, code: str) -> None:
        if code not in self._loaded():
            self._loaded()[code] = {}
            self._save()

    def year(self, code: str, year: int) -> _Year:
        years = self._loaded().setdefault(code, {})
        entry = years.get(year)
        if not _well_formed(entry):  # not there yet (or not what this code writes): a miss
            entry = years[year] = _from_library(code, year)
            self._save()
        return entry  # type: ignore[return-value]  # checked by _well_formed

    def _file(self) -> tuple[Path | None, bytes]:
        if self.folder is None:
            return None, b""
        from importlib.util import find_spec

        try:
            spec = find_spec("holidays")
            origin = spec.origin if spec is not None else None
            st = os.stat(origin) if origin else None
        except (ImportError, OSError, ValueError):
            return None, b""
        if st is None:
            return None, b""
        key = repr((self.FORMAT, origin, st.st_mtime_ns, st.st_size, _LANGUAGE)).encode()
        return self.folder / "holidays" / "days-off.cache", key.replace(b"\n", b" ")

    def _save(self) -> None:
        file, key = self._file()
        if file is None or self.data is None:
            return
        from ..atomic import write_private

        try:
            file.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # cica's folder
            write_private(file, key + b"\n" + marshal.dumps(self.data))
        except Exception:  # a store that cannot be written is no store: the answers stand
            pass


def _well_formed(entry: object) -> bool:
    return (
        isinstance(entry, tuple)
        and len(entry) == 2
        and isinstance(entry[0], tuple)
        and all(isinstance(n, int) for n in entry[0])
        and isinstance(entry[1], dict)
        and all(isinstance(k, int) and isinstance(v, str) for k, v in entry[1].items())
    )


_STORE = _Store()


def data_version() -> str:
    """The version of the holiday data in use (imports ``holidays``)."""
    from importlib.metadata import version

    return version("holidays")


_LANGUAGE = "en_US"
_CODE = re.compile(r"[A-Z]{2}(?:-[A-Za-z0-9]+)?")


def _split(code: str) -> tuple[str, str | None]:
    country, _, subdiv = code.partition("-")
    return country, subdiv or None


@cache
def _country_data(code: str) -> HolidayBase:
    import holidays  # heavy: only for calendars that name a country

    country, subdiv = _split(code)
    if not _CODE.fullmatch(code):
        raise UnknownCountryError(
            f"country {code!r}: write an ISO 3166 code such as 'KZ', 'AZ' or 'US-NY'"
        )
    try:
        data = holidays.country_holidays(country, subdiv=subdiv, language=_LANGUAGE)
    except NotImplementedError as err:
        if subdiv is None:
            raise UnknownCountryError(
                f"country {code!r}: the holiday data ({data_version()}) has no such country"
            ) from err
        try:
            known = holidays.country_holidays(country).subdivisions
        except NotImplementedError:
            known = ()
        listed = ", ".join(f"{country}-{s}" for s in known) or "none"
        raise UnknownCountryError(
            f"country {code!r}: the data has no subdivision {subdiv!r} (known: {listed})"
        ) from err
    return data


def describe(notes: Iterable[DayNote]) -> str:
    """``"skipped Fri 8 Nov 2024, Victory Day (AZ); counted Sat 4 May 2024, working day (KZ)"``."""
    parts = []
    for note in notes:
        verb = "counted" if note.working else "skipped"
        parts.append(f"{verb} {day_text(note.day)}, {note.reason}")
    return "; ".join(parts)
