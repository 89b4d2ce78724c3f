"""A country's days off, as the ``holidays`` package gives them, kept in cica's cache folder.

Importing ``holidays`` with a country's rules costs 0.1-0.2 s (it imports every country's module),
more than the rest of a first run on a small calendar. So a country's answers are kept a year at
a time (``keep_data_in``): for each day of the year, working or not
(``HolidayBase.is_working_day``) and the holiday's name. They are the library's own answers,
written down, not a copy of its rules; the store is keyed by the installed ``holidays`` (its
location, size and time), so an upgrade starts it afresh, and a calendar edited later resolves
without importing ``holidays`` at all. ``workdays`` builds working-day arithmetic on it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holidays import HolidayBase

__all__ = ["CountryDays", "UnknownCountryError", "check_country", "data_version", "keep_data_in"]


class UnknownCountryError(ValueError):
    """A country (or subdivision) code the holiday data does not know."""


def check_country(code: str) -> None:
    """Raise ``UnknownCountryError`` with a helpful message unless the data knows ``code``."""
    if not _STORE.knows(code):
        _country_data(code)
        _STORE.add(code)


def keep_data_in(folder: Path | None) -> None:
    """Keep the countries' days off in ``folder`` (created when first written; None: nowhere),
    and read them from there. Any problem with the store is a miss, never an error."""
    _STORE.use(folder)


class CountryDays:
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
