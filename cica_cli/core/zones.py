"""Time zones from the ``tzdata`` package, never from the host.

``zoneinfo`` searches the system database first and uses ``tzdata`` only as a fallback, so a host
with pre-2024 data puts 10:00 in Asia/Almaty on 2024-06-27 at +06:00 (Kazakhstan moved to UTC+5
on 2024-03-01). Emptying the search path makes every lookup use the pinned ``tzdata`` package,
whatever ``TZPATH``/``PYTHONTZPATH`` say.

``get_zone`` reads the zone's file from the installed package directly when it can: zoneinfo's
own way there goes through ``importlib.resources``, whose import alone costs more than the rest
of ``cica next`` with a cached calendar. Same file, same bytes, same ``ZoneInfo`` rules; one
instance per name for the whole process (``get_zone`` is cached), so cica never mixes two
objects for one zone.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from functools import cache

zoneinfo.reset_tzpath(to=[])

#: An IANA key: path components of letters, digits, '_', '-' and '+' ("Etc/GMT+5").
_KEY = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")


class UnknownZoneError(ValueError):
    """Not an IANA time-zone name known to the tzdata package."""


@cache
def get_zone(name: str) -> zoneinfo.ZoneInfo:
    """Return the zone called ``name`` (IANA), read from the ``tzdata`` package."""
    if not name or name != name.strip():
        raise UnknownZoneError(f"unknown time zone {name!r}")
    try:
        return _from_package_files(name) or zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as err:  # OSError: "Asia"
        raise UnknownZoneError(f"unknown time zone {name!r}{_hint(name)}") from err


def _hint(name: str) -> str:
    """`` (did you mean 'Asia/Almaty'?)`` for a mistyped zone, or nothing."""
    if "astana" in name.lower():
        return " (Astana uses Asia/Almaty)"
    from .suggest import Suggester

    return Suggester(zone_names()).hint(name)


def zone_names() -> list[str]:
    """Every zone the tzdata package has."""
    folder = _tzdata_folder()
    if folder is not None:
        try:
            with open(os.path.join(os.path.dirname(folder), "zones"), encoding="utf-8") as f:
                return [line.strip() for line in f if line.strip()]
        except OSError:
            pass
    return sorted(zoneinfo.available_timezones())


def _from_package_files(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone from ``tzdata/zoneinfo/<name>`` if tzdata is installed as files, else None."""
    folder = _tzdata_folder()
    if folder is None or not _KEY.fullmatch(name):
        return None
    try:
        with open(os.path.join(folder, *name.split("/")), "rb") as handle:
            return zoneinfo.ZoneInfo.from_file(handle, key=name)
    except OSError:  # not there (or a folder such as "Asia"): let zoneinfo decide
        return None


@cache
def _tzdata_folder() -> str | None:
    try:
        import tzdata  # type: ignore[import-untyped]
    except ImportError:
        return None
    folder = os.path.join(os.path.dirname(tzdata.__file__), "zoneinfo")
    return folder if os.path.isdir(folder) else None


def localize(local: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The instant of wall-clock time ``local`` (naive) in ``zone``, as a time in ``zone``.

    A time that occurs twice (the autumn fold) is its first occurrence; a time that does not
    exist (the spring gap) is read with the offset before the gap, as RFC 5545 says for
    recurrences, so 02:30 in Berlin on 2024-03-31 becomes 03:30+02:00. Wall time and offset of
    the result always agree, so every view shows the same time.
    """
    aware = local.replace(tzinfo=zone, fold=0)
    back = aware.astimezone(dt.UTC).astimezone(zone)
    return back if back.replace(tzinfo=None) != local else aware


def gap_problem(local: dt.datetime, zone: dt.tzinfo, zone_name: str) -> str | None:
    """A message if wall-clock time ``local`` (naive) does not exist in ``zone``, else None."""
    aware = local.replace(tzinfo=zone, fold=0)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == local:
        return None
    before, after = aware.utcoffset(), aware.replace(fold=1).utcoffset()
    assert before is not None and after is not None
    # The gap's first missing minute: walk back (a gap is at most a day long).
    start = local.replace(second=0, microsecond=0)
    for _ in range(24 * 60 + 1):
        earlier = start - dt.timedelta(minutes=1)
        probe = earlier.replace(tzinfo=zone, fold=0)
        if probe.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == earlier:
            break
        start = earlier
    end = start + (after - before) if after > before else start
    same_day = start.date() == end.date()
    a, b = (_hm(start, not same_day), _hm(end, not same_day))
    on = f" on {start.date()}" if same_day else ""
    return (
        f"{local.isoformat(timespec='minutes')} does not exist in {zone_name}: the clocks jump "
        f"from {a} to {b}{on} (UTC{_offset(before)} to UTC{_offset(after)}); "
        f"write a time before {a} or from {b}"
    )


def _hm(moment: dt.datetime, with_date: bool) -> str:
    return moment.isoformat(sep=" ", timespec="minutes") if with_date else f"{moment:%H:%M}"


def _offset(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"
