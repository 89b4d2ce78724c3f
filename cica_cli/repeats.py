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

__all__ = ["build_rule", "check_rule"]


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
    """``{"FREQ": "WEEKLY", ...}`` (names upper-case), or None if the text is not plain."""
    try:
        text = _rule_text(repeat)
    except ValueError:
        return None
    parts: dict[str, str] = {}
    for part in text.split(";"):
        name, eq, value = part.partition("=")
        if not eq:
            return None
        parts[name.strip().upper()] = value.strip().upper()
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
