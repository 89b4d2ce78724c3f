"""Reading a ``repeat``'s text: an RFC 5545 RRULE value, read one way for every use.

- ``parts_of``: ``{"FREQ": "WEEKLY", "BYDAY": "MO,WE"}``, names and values upper-case and
  stripped, or a ``RuleError`` in the user's words (the loader's check, ``repeat_rules``);
  ``rule_parts``: the same, None instead of an error, once per distinct text (the occurrence
  arithmetic, ``repeats``, which only ever sees rules the loader accepted).
- ``rule_text``: the text dateutil is given, normalised the same way.
- ``until_value`` and ``until_limit``: UNTIL in RFC 5545's three forms (a day, a local date-time,
  a UTC one), and as the last wall-clock moment an occurrence may start.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

__all__ = ["KNOWN_PARTS", "RuleError", "parts_of", "rule_parts", "rule_text", "until_limit"]

KNOWN_PARTS = (
    "FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY",
    "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST",
)  # fmt: skip


class RuleError(ValueError):
    """A ``repeat`` cica will not expand, worded for the user (never dateutil's words)."""


def _value_text(repeat: str) -> str:
    """The rule without ``RRULE:``; RuleError if it holds more than an RRULE value."""
    text = repeat.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if "DTSTART" in text.upper() or "\n" in text:
        raise RuleError(
            "give only the RRULE value, e.g. 'FREQ=YEARLY;COUNT=3' (the start is the event's)"
        )
    return text


def parts_of(repeat: str) -> dict[str, str]:
    """``{"FREQ": "WEEKLY", "BYDAY": "MO,WE"}`` (names and values upper-case), or RuleError."""
    text = _value_text(repeat)
    if not text:
        raise RuleError("is empty: write a rule such as 'FREQ=WEEKLY;COUNT=10'")
    parts: dict[str, str] = {}
    for part in text.split(";"):
        name, eq, value = part.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not eq or not name or not value:
            raise RuleError(f"{part.strip()!r} is not NAME=VALUE (parts are separated by ';')")
        if name not in KNOWN_PARTS:
            from .suggest import did_you_mean

            raise RuleError(f"{name} is not a part of an RRULE{did_you_mean(name, KNOWN_PARTS)}")
        if name in parts:
            raise RuleError(f"{name} is given twice")
        parts[name] = value
    return parts


@lru_cache(maxsize=1024)
def rule_parts(repeat: str) -> dict[str, str] | None:
    """``parts_of(repeat)``, or None where it would raise (the dict is shared: do not change it)."""
    try:
        return parts_of(repeat)
    except RuleError:
        return None


@lru_cache(maxsize=1024)
def rule_text(repeat: str) -> str:
    """``repeat`` as dateutil reads it: no ``RRULE:``, each part's name and value stripped and
    upper-case (`` freq = daily `` is ``FREQ=DAILY``, as ``parts_of`` reads it), and UNTIL
    without its ``Z`` (dateutil wants a naive UNTIL; ``repeats.build_rule`` sets the real
    bound, ``until_limit``). ``RuleError`` (a ValueError) for more than an RRULE value."""
    parts = []
    for part in _value_text(repeat).split(";"):
        name, eq, value = part.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if name == "UNTIL" and value.endswith("Z"):
            value = value[:-1]
        parts.append(f"{name}{eq}{value}")
    return ";".join(parts)


def until_value(value: str) -> tuple[dt.datetime, str] | None:
    """UNTIL read: the date-time written (a day as its midnight) and its form, ``"day"``,
    ``"local"`` or ``"utc"``; None if it is none of RFC 5545's three forms."""
    value = value.upper()
    utc = value.endswith("Z")
    digits = value[:-1] if utc else value
    if not digits.replace("T", "", 1).isdigit():
        return None
    try:
        if len(digits) == 8 and not utc:
            return dt.datetime.strptime(digits, "%Y%m%d"), "day"
        if len(digits) == 15 and digits[8] == "T":
            return dt.datetime.strptime(digits, "%Y%m%dT%H%M%S"), "utc" if utc else "local"
    except ValueError:
        return None
    return None


def until_limit(value: str | None, start: dt.date) -> dt.datetime | None:
    """UNTIL as the last naive wall-clock moment an occurrence may start, in the event's zone.

    As RFC 5545 reads it: ``...Z`` is a UTC instant (20240705T060000Z is 11:00 in Astana); a
    local date-time is the wall clock in the event's zone; a day includes the whole day.
    """
    if value is None:
        return None
    return _limit_in(value, start.tzinfo if isinstance(start, dt.datetime) else None)


@lru_cache(maxsize=1024)
def _limit_in(value: str, zone: dt.tzinfo | None) -> dt.datetime | None:
    read = until_value(value)
    if read is None:
        return None
    when, form = read
    if form == "day":
        return dt.datetime.combine(when.date(), dt.time.max)
    if form == "utc" and zone is not None:
        try:
            return when.replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)
        except OverflowError:  # past the end of 9999 on the wall clock: no bound at all
            return dt.datetime.max
    return when
