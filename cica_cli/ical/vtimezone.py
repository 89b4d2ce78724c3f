"""VTIMEZONE components from tzdata, for the zones of repeating timed events (fix 8).

Explicit observances for every transition an event's occurrences span, taken from the ``tzdata``
package (so a client whose own tz database is older still gets the right offsets); for an
open-ended rule, the zone's yearly pattern after the span as RRULEs. Returns content lines
(unfolded); ``conform`` adds them to the calendar. TEXT escaping of TZNAME is passed in
by ``export`` as ``escape``, so that only that module imports ``ics``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from ..core.repeats import last_start
from ..core.schedule import Resolved
from ..core.zones import get_zone

UTC = dt.UTC

_State = tuple[dt.timedelta, bool, str]  # UTC offset, is DST, abbreviation
_Escape = Callable[[str], str]  # RFC 5545 TEXT escaping


def vtimezone_lines(zone_name: str, events: Sequence[Resolved], escape: _Escape) -> list[str]:
    """A VTIMEZONE covering every occurrence of ``events`` (timed, repeating, in the zone)."""
    starts = [e.start for e in events if isinstance(e.start, dt.datetime)]
    lo = hi = min(starts)
    open_ended = False
    for event in events:
        last = _last_occurrence(event)
        if last is None:
            open_ended = True
        else:
            hi = max(hi, last)
    return vtimezone_span(zone_name, lo, hi, open_ended, escape)


def _last_occurrence(event: Resolved) -> dt.datetime | None:
    """The end of the last occurrence, or None for a rule without COUNT or UNTIL, or one whose
    last occurrence is too far to look for (``last_start``): the VTIMEZONE is then open-ended."""
    rule_text = (event.event.repeat or "").upper()
    if "COUNT=" not in rule_text and "UNTIL=" not in rule_text:
        return None
    assert isinstance(event.end, dt.datetime) and isinstance(event.start, dt.datetime)
    last = last_start(event.event.repeat or "", event.start)
    if last is None:  # every checked rule has an occurrence: this one ends beyond the horizon
        return None
    return last.replace(tzinfo=event.zone) + (event.end - event.start)


def vtimezone_span(
    name: str, lo: dt.datetime, hi: dt.datetime, open_ended: bool, escape: _Escape
) -> list[str]:
    """VTIMEZONE lines for ``name`` valid from before ``lo`` to after ``hi`` (or for ever).

    Explicit observances for every transition in the span, from tzdata (so Kazakhstan's
    2024 change is there even for a client whose own database lacks it). For an open-ended
    rule in a zone that still changes, the yearly pattern after the span becomes RRULEs.
    """
    zone = get_zone(name)
    begin = dt.datetime.combine(lo.astimezone(UTC).date(), dt.time.min, UTC) - dt.timedelta(days=1)
    stop = hi.astimezone(UTC) + dt.timedelta(days=366)
    first = _state(zone, begin)
    observances = [_observance(begin, first, first, escape)]
    observances += [_observance(t, a, b, escape) for t, a, b in _transitions(zone, begin, stop)]
    if open_ended:
        future = _transitions(zone, stop, stop + dt.timedelta(days=366 * 30))
        rules = _yearly_rules(future, escape)
        if rules is not None:
            observances += rules
        else:  # an irregular future: spell out 30 years
            observances += [_observance(t, a, b, escape) for t, a, b in future]
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    for obs in observances:
        lines.extend(obs)
    lines.append("END:VTIMEZONE")
    return lines


def _state(zone: dt.tzinfo, moment: dt.datetime) -> _State:
    local = moment.astimezone(zone)
    offset = local.utcoffset() or dt.timedelta(0)
    return offset, bool(local.dst()), local.tzname() or ""


def _transitions(
    zone: dt.tzinfo, lo: dt.datetime, hi: dt.datetime
) -> list[tuple[dt.datetime, _State, _State]]:
    """(instant, state before, state after) of every change of offset or name in lo..hi."""
    found = []
    step = dt.timedelta(days=1)
    here, state = lo, _state(zone, lo)
    while here < hi:
        there = here + step
        new = _state(zone, there)
        if new != state:
            a, b = here, there  # bisect to the second
            while b - a > dt.timedelta(seconds=1):
                mid = a + (b - a) / 2
                mid = mid.replace(microsecond=0)
                if _state(zone, mid) == state:
                    a = mid
                else:
                    b = mid
            found.append((b, state, _state(zone, b)))
        here, state = there, new
    return found


def _observance(moment: dt.datetime, before: _State, after: _State, escape: _Escape) -> list[str]:
    kind = "DAYLIGHT" if after[1] else "STANDARD"
    onset = (moment.astimezone(UTC) + before[0]).replace(tzinfo=None)  # local time before it
    return [
        f"BEGIN:{kind}",
        f"DTSTART:{onset:%Y%m%dT%H%M%S}",
        f"TZOFFSETFROM:{_offset(before[0])}",
        f"TZOFFSETTO:{_offset(after[0])}",
        *([f"TZNAME:{escape(after[2])}"] if after[2] else []),
        f"END:{kind}",
    ]


def _yearly_rules(
    future: list[tuple[dt.datetime, _State, _State]], escape: _Escape
) -> list[list[str]] | None:
    """The future transitions as yearly RRULE observances, or None if they follow no rule."""
    if not future:
        return []
    groups: dict[tuple[_State, _State], list[dt.datetime]] = {}
    for moment, before, after in future:
        groups.setdefault((before, after), []).append(
            (moment.astimezone(UTC) + before[0]).replace(tzinfo=None)
        )
    weekdays = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    rules = []
    for (before, after), onsets in groups.items():
        first = onsets[0]
        years = [o.year for o in onsets]
        if years != list(range(first.year, first.year + len(onsets))):
            return None
        if any((o.month, o.weekday(), o.time()) != (first.month, first.weekday(), first.time())
               for o in onsets):  # fmt: skip
            return None
        if all(_days_in_month(o) - o.day < 7 for o in onsets):
            nth = -1
        elif len({(o.day - 1) // 7 for o in onsets}) == 1:
            nth = (first.day - 1) // 7 + 1
        else:
            return None
        kind = "DAYLIGHT" if after[1] else "STANDARD"
        rules.append(
            [
                f"BEGIN:{kind}",
                f"DTSTART:{first:%Y%m%dT%H%M%S}",
                f"RRULE:FREQ=YEARLY;BYMONTH={first.month};BYDAY={nth}{weekdays[first.weekday()]}",
                f"TZOFFSETFROM:{_offset(before[0])}",
                f"TZOFFSETTO:{_offset(after[0])}",
                *([f"TZNAME:{escape(after[2])}"] if after[2] else []),
                f"END:{kind}",
            ]
        )
    return rules


def _days_in_month(day: dt.datetime) -> int:
    following = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return (following - dt.timedelta(days=1)).day


def _offset(delta: dt.timedelta) -> str:
    sign = "-" if delta < dt.timedelta(0) else "+"
    total = abs(int(delta.total_seconds()))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")
