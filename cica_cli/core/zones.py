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
        hint = " (Astana uses Asia/Almaty)" if "astana" in name.lower() else ""
        raise UnknownZoneError(f"unknown time zone {name!r}{hint}") from err


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
