"""Repeating events: an RFC 5545 RRULE value turned into a dateutil rule.

``dateutil.rrule`` is imported only when a calendar has a repeating event.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING

from .dates import Point

if TYPE_CHECKING:
    from dateutil.rrule import rrule, rruleset

__all__ = ["build_rule"]


def build_rule(repeat: str, start: Point) -> rrule | rruleset:
    """The dateutil rule for ``repeat`` (an RFC 5545 RRULE value) anchored at ``start``.

    The rule runs on naive wall-clock times so that a weekly 10:00 meeting stays at 10:00 across
    daylight-saving changes.
    """
    from dateutil.rrule import rrule, rrulestr

    if isinstance(start, dt.datetime):
        anchor = start.replace(tzinfo=None)
    else:
        anchor = dt.datetime.combine(start, dt.time.min)
    parsed = _parse_rule(repeat)
    if isinstance(parsed, rrule):
        # `replace` derives the implied parts (the weekday of a weekly rule...) from `anchor`.
        return parsed.replace(dtstart=anchor)
    return rrulestr(_rule_text(repeat), dtstart=anchor)


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
