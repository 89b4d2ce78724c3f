"""Time zones from the ``tzdata`` package, never from the host.

``zoneinfo`` searches the system database first and uses ``tzdata`` only as a fallback, so a host
with pre-2024 data puts 10:00 in Asia/Almaty on 2024-06-27 at +06:00 (Kazakhstan moved to UTC+5
on 2024-03-01). Emptying the search path makes every lookup use the pinned ``tzdata`` package,
whatever ``TZPATH``/``PYTHONTZPATH`` say.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

zoneinfo.reset_tzpath(to=[])


class UnknownZoneError(ValueError):
    """Not an IANA time-zone name known to the tzdata package."""


@cache
def get_zone(name: str) -> zoneinfo.ZoneInfo:
    """Return the zone called ``name`` (IANA), read from the ``tzdata`` package."""
    if not name or name != name.strip():
        raise UnknownZoneError(f"unknown time zone {name!r}")
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
        hint = " (Astana uses Asia/Almaty)" if "astana" in name.lower() else ""
        raise UnknownZoneError(f"unknown time zone {name!r}{hint}") from err
