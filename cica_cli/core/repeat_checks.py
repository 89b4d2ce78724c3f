"""What is wrong with an event's ``repeat``: its text (``check_rule``), and the rule anchored at
the event's start (``check_occurrences``): an UNTIL before the start, a start the rule does not
give, a rule no day matches, ``except`` days that are not occurrences. The loader reports each at
its line, in cica's words. Bounded work whatever the rule (see ``repeat_rules``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from .dates import Point
from .repeat_rules import check_text, is_occurrence, next_day
from .repeats import anchor_of, build_rule, first_start, parse_rule, starts_between
from .rule_text import RuleError, parts_of, until_limit

__all__ = ["check_occurrences", "check_rule"]


def check_rule(repeat: str) -> None:
    """Raise ``RuleError`` (in cica's words) if ``repeat`` is not an RRULE value cica expands.

    What the text alone can tell (see ``repeat_rules``); whether the rule gives the event's
    start as its first occurrence is ``check_occurrences``. Parsed once per distinct text.
    """
    check_text(repeat)
    try:
        parse_rule(repeat)
    except (ValueError, TypeError) as err:  # what check_text let through and dateutil did not
        raise RuleError(f"{repeat!r} cannot be read as an RRULE") from err


def check_occurrences(
    repeat: str, start: Point, skip: Collection[dt.date] = ()
) -> list[tuple[str, str]]:
    """What is wrong with a valid rule (``check_rule``) anchored at ``start``, as (field,
    message) pairs: an UNTIL before the start, a start the rule does not give (RFC 5545 leaves
    such a recurrence set undefined, and apps would show the start as an extra occurrence), a
    rule no day matches, an ``except`` day with no occurrence, an ``except`` that skips all.

    Bounded work whatever the rule: no search to the year 9999 (see ``repeat_rules``).
    """
    parts = parts_of(repeat)
    anchor = anchor_of(start)
    rule = ";".join(f"{k}={v}" for k, v in parts.items())
    until = parts.get("UNTIL")
    if until is not None:
        if not isinstance(start, dt.datetime) and until.endswith("Z"):
            return [("repeat", f"UNTIL={until}: an all-day event's UNTIL is a day, as in "
                     f"UNTIL={until[:8]} (RFC 5545 3.3.10)")]  # fmt: skip
        limit = until_limit(until, start)
        if limit is not None and limit < anchor:
            return [("repeat", f"UNTIL={until} is before the start ({_shown(start)}): "
                     "the rule yields no occurrence")]  # fmt: skip
    member = is_occurrence(parts, anchor.date())
    if member is None:  # BYWEEKNO (YEARLY only): dateutil walks at most a year at a time
        member = build_rule(repeat, start).after(anchor, inc=True) == anchor
    if not member:
        later = next_day(parts, anchor.date())
        if later is None and "BYWEEKNO" in parts:  # YEARLY: dateutil walks a year at a time
            found = build_rule(repeat, start).after(anchor)
            later = None if found is None else found.date()
        if later is None:
            return [("repeat", f"{rule}: no day matches it, so it yields no occurrence")]
        return [
            (
                "repeat",
                f"{rule}: the start ({_shown(start)}) is not one of its days, and RFC 5545 "
                f"leaves such a rule undefined: start on its first day, such as "
                f"{later:%a %d %b %Y}",
            )
        ]
    problems: list[tuple[str, str]] = []
    for day in sorted(skip):
        lo = dt.datetime.combine(day, dt.time.min)
        if not starts_between(repeat, start, lo, lo.replace(hour=23, minute=59, second=59)):
            problems.append(("except", f"{day} ({day:%a}) is not a day the event repeats on"))
    finite = "COUNT" in parts or "UNTIL" in parts
    if skip and not problems and finite and first_start(repeat, start, anchor, skip) is None:
        problems.append(("except", "skips every occurrence: the event would never happen"))
    return problems


def _shown(start: Point) -> str:
    if isinstance(start, dt.datetime):
        return f"{start:%a %d %b %Y %H:%M}"
    return f"{start:%a %d %b %Y}"
