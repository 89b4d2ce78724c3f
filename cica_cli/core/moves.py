"""``cica move``: what WHEN means, and which typed values of an event change when it moves.

Pure: takes the resolved event and returns the new values of its date fields (a one-day item's
``date``; a span's ``start``, and its ``end`` when that is typed too: a span moves whole, and a
``duration`` is kept). Computed dates are not moved: their expression names what to move instead,
unless ``detach`` replaces the expression with the date it gives today.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import NamedTuple

from ..errors import EditRefusedError, UsageError
from .dates import Offset, OffsetError, Point, parse_expression, parse_offset, parse_point
from .model import DateField
from .schedule import Resolved

#: Moves a day or a local date-time by an offset (working days counted for the event).
Shifter = Callable[[Point, Offset], Point]

_SHIFT = re.compile(r"^\s*([+-])\s*(\S.*)$")
_HELP = (
    "give a date (2024-07-04), a date-time (2024-07-04T10:00) or a shift "
    "(+1w, -3 days, +2 working days)"
)


class When(NamedTuple):
    """WHEN of ``cica move``: a new day or date-time, or a shift (exactly one is set)."""

    point: Point | None = None
    shift: Offset | None = None


def parse_when(text: str) -> When:
    """``2024-07-04``, ``2024-07-04T10:00``, ``+1w``, ``-3 days``, ``+2 working days``."""
    shift = _SHIFT.match(text)
    if shift:
        try:
            offset = parse_offset(shift.group(2))
        except OffsetError as err:
            raise UsageError(f"WHEN: cannot read {text!r}: {err}") from err
        return When(shift=offset.negated() if shift.group(1) == "-" else offset)
    raw = text.strip()
    try:
        point = parse_point(raw)
    except ValueError as err:
        raise UsageError(f"WHEN: cannot read {text!r}: {_HELP}") from err
    return When(point=point)


def plan_move(
    event: Resolved, when: When, shifter: Shifter, detach: bool = False, default_zone: str = ""
) -> dict[str, DateField]:
    """The new values of ``event``'s typed date fields (and ``timezone`` when a detached timed
    date must keep its zone). Raises ``EditRefusedError`` for a computed date without
    ``detach``, or a move that would mix whole days and times in one span."""
    ev = event.event
    primary = "date" if ev.date is not None else "start"
    old_start = _typed(event, primary, detach)
    new_start = _moved(old_start, when, shifter)
    changes: dict[str, DateField] = {primary: new_start}
    if primary == "start" and ev.end is not None:
        old_end = _typed(event, "end", detach)
        if isinstance(old_end, dt.datetime) != isinstance(new_start, dt.datetime):
            raise EditRefusedError(
                f"{event.id} is a span of whole days: give a date, not a date-time, to move it"
            )
        if when.shift is not None:
            changes["end"] = shifter(old_end, when.shift)
        else:
            changes["end"] = old_end + (new_start - old_start)
    local_times = any(isinstance(v, dt.datetime) and v.tzinfo is None for v in changes.values())
    if detach and local_times and ev.timezone is None and event.zone_name != default_zone:
        changes["timezone"] = event.zone_name  # the zone it took from what it was computed from
    return changes


def _typed(event: Resolved, name: str, detach: bool) -> Point:
    """The value typed in field ``name``; for a computed one, refused or (detach) its date now."""
    value = getattr(event.event, name)
    if isinstance(value, str):
        expr = parse_expression(value)
        if expr.literal is None:
            if not detach:
                raise EditRefusedError(_computed_message(event, name, value, expr.ref or ""))
            point = event.end if name == "end" else event.start
            if isinstance(point, dt.datetime):
                return point.astimezone(event.zone).replace(tzinfo=None)
            return point
        value = expr.literal
    assert isinstance(value, dt.date)
    return value


def _computed_message(event: Resolved, name: str, value: str, ref: str) -> str:
    what = f"the end of {event.id} is computed" if name == "end" else f"{event.id} is computed"
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    return (
        f'not moved: {what}: {name} = "{quoted}". Move {ref} instead, or add --detach to '
        "replace the expression with a fixed date"
    )


def _moved(old: Point, when: When, shifter: Shifter) -> Point:
    if when.shift is not None:
        return shifter(old, when.shift)
    point = when.point
    assert point is not None
    if not isinstance(point, dt.datetime) and isinstance(old, dt.datetime):
        return dt.datetime.combine(point, old.time(), old.tzinfo)  # a new day, the same time
    return point
