"""One event's dates: its fields parsed (``parse_event``: expressions, literals, zone, country,
duration, rule), then evaluated once the events it refers to are (``evaluate``: start and end
points, spans, repeats checked against their start). ``resolve`` runs these in dependency order
for a whole calendar, ``resolve_edit`` for an edited event and what follows from it. Problems are
``Issue`` records (event, field, message). Nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import NamedTuple

from .dates import (
    Expression,
    Offset,
    OffsetError,
    Point,
    apply_offset,
    parse_expression,
    parse_offset,
    range_problem,
)
from .leads import LeadError, parse_lead
from .model import Event
from .repeat_checks import check_occurrences, check_rule
from .schedule import DATE_FIELDS, Resolved
from .workdays import UnknownCountryError, WorkCalendar, check_country
from .zones import UnknownZoneError, gap_problem, get_zone


# NamedTuples and plain classes, not dataclasses, on the path of `cica next` (see
# errors.Problem).
class Issue(NamedTuple):
    """A problem found while resolving: which event (or "calendar") and field."""

    event_id: str | None  # None: the [calendar] table
    field: str
    message: str


class Parsed:
    """An event's fields parsed, before its dates are computed."""

    __slots__ = ("duration", "event", "event_id", "exprs", "literals", "refs")

    def __init__(self, event_id: str, event: Event) -> None:
        self.event_id = event_id
        self.event = event
        self.exprs: dict[str, Expression] = {}
        self.literals: dict[str, Point] = {}
        self.duration: Offset | None = None
        self.refs: list[str] = []


class FieldProblem(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_lead(lead: str, event_id: str | None, issues: list[Issue]) -> None:
    try:
        parse_lead(lead)
    except LeadError as err:
        issues.append(Issue(event_id, "remind", str(err)))


def parse_event(p: Parsed, issues: list[Issue]) -> None:
    ev = p.event
    if ev.timezone is not None:
        try:
            get_zone(ev.timezone)
        except UnknownZoneError as err:
            issues.append(Issue(p.event_id, "timezone", str(err)))
    if ev.country is not None:
        try:
            check_country(ev.country)
        except UnknownCountryError as err:
            issues.append(Issue(p.event_id, "country", str(err)))
    for name in DATE_FIELDS:
        value = getattr(ev, name)
        if value is None:
            continue
        if isinstance(value, str):
            try:
                expr = parse_expression(value)
            except OffsetError as err:
                issues.append(Issue(p.event_id, name, str(err)))
                continue
            if expr.literal is not None:
                p.literals[name] = expr.literal
            else:
                p.exprs[name] = expr
                assert expr.ref is not None
                if expr.ref not in p.refs:
                    p.refs.append(expr.ref)
        else:
            p.literals[name] = value
    if ev.duration is not None:
        try:
            p.duration = parse_offset(ev.duration)
        except OffsetError as err:
            issues.append(Issue(p.event_id, "duration", str(err)))
    for lead in ev.remind or ():
        check_lead(lead, p.event_id, issues)
    if ev.repeat is not None:
        try:
            check_rule(ev.repeat)
        except (ValueError, TypeError) as err:
            issues.append(Issue(p.event_id, "repeat", f"not a valid RRULE: {err}"))
    if ev.except_ and ev.repeat is None:
        issues.append(
            Issue(p.event_id, "except", "only a repeating event (with `repeat`) skips days")
        )


def _value(
    p: Parsed,
    name: str,
    done: Mapping[str, Resolved],
    zone_name: str,
    workdays: WorkCalendar,
) -> Point:
    """The point in field ``name`` of ``p``: its literal in its zone, or its expression's."""
    zone = get_zone(zone_name)
    lit = p.literals.get(name)
    if lit is not None:
        problem = range_problem(lit)  # before any zone arithmetic, which could overflow
        if problem:
            raise FieldProblem(name, problem)
        if isinstance(lit, dt.datetime):
            if lit.tzinfo:
                return lit.astimezone(zone)
            gap = gap_problem(lit, zone, zone_name)
            if gap is not None:
                raise FieldProblem(name, gap)
            return lit.replace(tzinfo=zone)  # fold 0: a time that occurs twice is the first
        return lit
    expr = p.exprs[name]
    assert expr.ref is not None
    target = done[expr.ref]
    point: Point = target.end if expr.edge == "end" else target.start
    if expr.offset is not None:
        try:
            point = apply_offset(point, expr.offset, workdays)
        except OffsetError as err:
            raise FieldProblem(name, str(err)) from err
    if isinstance(point, dt.datetime):
        point = point.astimezone(zone)
    return point


#: The longest a repeating event's occurrence may last (end minus start).
_LONGEST_REPEATING = dt.timedelta(days=366)


def evaluate(
    p: Parsed,
    done: Mapping[str, Resolved],
    default_zone: str,
    default_country: str | None,
    workdays: Callable[[str | None], WorkCalendar],
) -> Resolved:
    ev = p.event
    primary = "date" if ev.date is not None else "start"
    # An item defined by another ("due on the day of the Ministerial") lives in its zone; its
    # working days are those of its own country (the people who do the work), else the calendar's.
    first = p.exprs.get(primary)
    source = done[first.ref] if first and first.ref else None
    zone_name = ev.timezone or (source.zone_name if source else default_zone)
    country = ev.country or default_country
    days = workdays(country)
    start = _value(p, primary, done, zone_name, days)
    if primary == "date":
        end = start
    elif ev.end is not None:
        end = _value(p, "end", done, zone_name, days)
    else:
        assert p.duration is not None
        end = _span_end(start, p.duration, days)
    for name, point in ((primary, start), ("end" if ev.end is not None else "duration", end)):
        problem = range_problem(point)
        if problem:
            raise FieldProblem(name, problem)
    if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
        raise FieldProblem("end", "start and end must both be whole days or both be date-times")
    if end < start:
        raise FieldProblem("end", f"ends ({end}) before it starts ({start})")
    if ev.repeat is not None and end - start > _LONGEST_REPEATING:
        # Occurrences that long overlap by the hundred (a daily rule on a 900-year span made
        # 340 000 rows of `upcoming --all`).
        raise FieldProblem(
            "end" if ev.end is not None else "duration",
            f"a repeating event lasts at most a year ({_LONGEST_REPEATING.days} days from "
            f"start to end); this one lasts from {start} to {end}",
        )
    if ev.repeat is not None:
        problems = check_occurrences(ev.repeat, start, ev.except_)
        if problems:
            raise FieldProblem(*problems[0])
    computed = {name: expr.text for name, expr in p.exprs.items()}
    if ev.duration is not None:
        computed.setdefault("end", f"{primary} + {ev.duration}")  # whole days: the span's length
    return Resolved(
        id=p.event_id,
        event=ev,
        zone_name=zone_name,
        start=start,
        end=end,
        computed=computed,
        depends_on=tuple(p.refs),
        country=country,
    )


def _span_end(start: Point, duration: Offset, days: WorkCalendar) -> Point:
    """The end of a span of ``duration`` from ``start``.

    Timed: the end instant, ``start + duration``. Whole days: the last day included, so that
    "3 days" from 28 August covers 28, 29 and 30 August (``DURATION:P3D`` on a date in
    iCalendar), and "10 working days" ends on the tenth working day, the start counted if it
    is one.
    """
    try:
        if isinstance(start, dt.datetime):
            return apply_offset(start, duration, days)
        if duration.working_days:
            if duration.working_days < 1 or duration.delta:
                raise FieldProblem("duration", f"'{duration.text}': a span lasts at least a day")
            return days.add(start - dt.timedelta(days=1), duration.working_days)
        after = apply_offset(start, duration, days)
    except OffsetError as err:
        raise FieldProblem("duration", str(err)) from err
    assert not isinstance(after, dt.datetime)
    if after <= start:
        raise FieldProblem("duration", f"'{duration.text}': a whole-day span lasts at least a day")
    return after - dt.timedelta(days=1)
