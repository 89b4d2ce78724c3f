"""Resolve a calendar: every relative date computed, in dependency order, in linear time.

``resolve`` turns the validated model into a ``Schedule`` of ``Resolved`` events with concrete
start and end points, or raises ``ScheduleError`` listing every problem (unknown references with
a "did you mean", cycles naming the whole loop, bad offsets, zones and rules). Nothing here reads
the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
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
from .depgraph import dependency_order
from .leads import LeadError, parse_lead
from .model import Calendar, Event
from .repeat_checks import check_occurrences, check_rule
from .schedule import DATE_FIELDS, Resolved, Schedule
from .suggest import Suggester
from .workdays import UnknownCountryError, WorkCalendar, check_country, work_calendar
from .zones import UnknownZoneError, gap_problem, get_zone


# NamedTuples and plain classes, not dataclasses, on the path of `cica next` (see
# errors.Problem).
class Issue(NamedTuple):
    """A problem found while resolving: which event (or "calendar") and field."""

    event_id: str | None  # None: the [calendar] table
    field: str
    message: str


class ScheduleError(Exception):
    """Every problem found while resolving the calendar."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(i.message for i in issues))
        self.issues = issues


class _Parsed:
    """An event's fields parsed, before its dates are computed."""

    __slots__ = ("duration", "event", "event_id", "exprs", "literals", "refs")

    def __init__(self, event_id: str, event: Event) -> None:
        self.event_id = event_id
        self.event = event
        self.exprs: dict[str, Expression] = {}
        self.literals: dict[str, Point] = {}
        self.duration: Offset | None = None
        self.refs: list[str] = []


def resolve(calendar: Calendar, broken: frozenset[str] = frozenset()) -> Schedule:
    """Compute every date of ``calendar``; raise ``ScheduleError`` with all problems found.

    ``broken`` names events left out because they failed validation: references to them are not
    reported again (the events that use them are skipped).
    """
    settings = calendar.calendar
    issues: list[Issue] = []
    default_zone = settings.timezone
    try:
        get_zone(default_zone)
    except UnknownZoneError as err:
        issues.append(Issue(None, "timezone", str(err)))
        default_zone = "UTC"
    default_country = settings.country
    if default_country is not None:
        try:
            check_country(default_country)
        except UnknownCountryError as err:
            issues.append(Issue(None, "country", str(err)))
            default_country = None
    days_off, days_on = frozenset(settings.holidays), frozenset(settings.workdays)

    def workdays(country: str | None) -> WorkCalendar:
        return work_calendar(country, days_off, days_on)

    for lead in settings.remind:
        _check_lead(lead, None, issues)

    parsed: dict[str, _Parsed] = {}
    bad: set[str] = set()
    for event_id, event in calendar.events.items():
        p = _Parsed(event_id, event)
        parsed[event_id] = p
        n_before = len(issues)
        _parse_event(p, issues)
        if len(issues) > n_before:
            bad.add(event_id)

    # Unknown references, with a suggestion.
    ids = Suggester(parsed)
    for p in parsed.values():
        for name, expr in p.exprs.items():
            if expr.ref in broken:
                bad.add(p.event_id)
            elif expr.ref is not None and expr.ref not in parsed:
                issues.append(Issue(p.event_id, name, _unknown_ref(expr.ref, ids)))
                bad.add(p.event_id)

    order, cycles = dependency_order({eid: p.refs for eid, p in parsed.items()})
    for cycle in cycles:
        first = parsed[cycle[0]]
        fld = next((n for n, e in first.exprs.items() if e.ref == cycle[1]), "date")
        issues.append(Issue(cycle[0], fld, "circular reference: " + " -> ".join(cycle)))
        bad.update(cycle)

    resolved: dict[str, Resolved] = {}
    for event_id in order:
        p = parsed[event_id]
        if event_id in bad or (p.refs and not all(map(resolved.__contains__, p.refs))):
            continue  # its own problem is reported already; don't cascade
        try:
            resolved[event_id] = _evaluate(p, resolved, default_zone, default_country, workdays)
        except _FieldProblem as prob:
            issues.append(Issue(event_id, prob.field, prob.message))

    if issues or len(resolved) < len(calendar.events):
        # (no issue of its own: an event left out because one it uses failed validation)
        raise ScheduleError(issues)
    events = {eid: resolved[eid] for eid in calendar.events}  # file order
    dependents: dict[str, list[str]] = {eid: [] for eid in events}
    for r in events.values():
        for dep in r.depends_on:
            dependents[dep].append(r.id)
    return Schedule(settings, events, {k: tuple(v) for k, v in dependents.items()})


def resolve_edit(previous: Schedule, event_id: str, event: Event) -> Schedule:
    """``previous`` with event ``event_id`` replaced by ``event`` (or added at the end), resolved
    again where that matters: the event and everything computed from it, in dependency order.

    For an edit of one event of a large calendar (``cica move``), this takes milliseconds where
    ``resolve`` takes a fifth of a second; the result is the same (``tests/test_planning.py``
    compares them). The rest of the calendar must be as ``previous`` was resolved from. Raises
    ``ScheduleError`` when the new event has a problem (an unknown reference, a cycle, a date it
    cannot compute) or makes one for an event computed from it; the caller then runs
    ``resolve`` to have every problem, worded as always.
    """
    settings = previous.settings
    days_off, days_on = frozenset(settings.holidays), frozenset(settings.workdays)

    def workdays(country: str | None) -> WorkCalendar:
        return work_calendar(country, days_off, days_on)

    issues: list[Issue] = []
    edited = _Parsed(event_id, event)
    _parse_event(edited, issues)
    for name, expr in edited.exprs.items():
        if expr.ref == event_id or (expr.ref is not None and expr.ref not in previous.events):
            issues.append(
                Issue(event_id, name, f"unknown event or circular reference {expr.ref!r}")
            )
    # A cycle through the edited event: it now uses something computed from it.
    affected: list[str] = []
    stack = list(previous.dependents.get(event_id, ()))
    while stack:
        eid = stack.pop()
        if eid not in affected:
            affected.append(eid)
            stack.extend(previous.dependents.get(eid, ()))
    if any(ref in affected for ref in edited.refs):
        issues.append(Issue(event_id, "date", "circular reference"))
    if issues:
        raise ScheduleError(issues)
    refs = {eid: previous.events[eid].depends_on for eid in affected}
    refs[event_id] = tuple(edited.refs)
    order, _ = dependency_order(refs)
    done = dict(previous.events)
    for eid in order:
        p = edited
        if eid != event_id:
            p = _Parsed(eid, previous.events[eid].event)
            _parse_event(p, issues)
        try:
            done[eid] = _evaluate(p, done, settings.timezone, settings.country, workdays)
        except _FieldProblem as prob:
            issues.append(Issue(eid, prob.field, prob.message))
    if issues:
        raise ScheduleError(issues)
    events = {eid: done[eid] for eid in previous.events}
    events[event_id] = done[event_id]  # in place if it was there, else at the end (file order)
    dependents: dict[str, list[str]] = {eid: [] for eid in events}
    for r in events.values():
        for dep in r.depends_on:
            dependents[dep].append(r.id)
    return Schedule(settings, events, {k: tuple(v) for k, v in dependents.items()})


def check_fields(events: Mapping[str, Event], known: Collection[str]) -> list[Issue]:
    """The problems ``resolve`` would find in the text of these fields, without resolving.

    For events that failed validation: their other fields (date expressions, offsets, zones,
    reminders, rules, references to ``known`` ids) are still checked, so that one run reports
    every mistake in the file.
    """
    issues: list[Issue] = []
    ids = Suggester(known)
    for event_id, event in events.items():
        p = _Parsed(event_id, event)
        _parse_event(p, issues)
        for name, expr in p.exprs.items():
            if expr.ref is not None and expr.ref not in known:
                issues.append(Issue(event_id, name, _unknown_ref(expr.ref, ids)))
    return issues


class _FieldProblem(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _check_lead(lead: str, event_id: str | None, issues: list[Issue]) -> None:
    try:
        parse_lead(lead)
    except LeadError as err:
        issues.append(Issue(event_id, "remind", str(err)))


def _parse_event(p: _Parsed, issues: list[Issue]) -> None:
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
        _check_lead(lead, p.event_id, issues)
    if ev.repeat is not None:
        try:
            check_rule(ev.repeat)
        except (ValueError, TypeError) as err:
            issues.append(Issue(p.event_id, "repeat", f"not a valid RRULE: {err}"))
    if ev.except_ and ev.repeat is None:
        issues.append(
            Issue(p.event_id, "except", "only a repeating event (with `repeat`) skips days")
        )


def _unknown_ref(ref: str, ids: Suggester) -> str:
    return f"unknown event {ref!r}{ids.hint(ref)}"


def _value(
    p: _Parsed,
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
            raise _FieldProblem(name, problem)
        if isinstance(lit, dt.datetime):
            if lit.tzinfo:
                return lit.astimezone(zone)
            gap = gap_problem(lit, zone, zone_name)
            if gap is not None:
                raise _FieldProblem(name, gap)
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
            raise _FieldProblem(name, str(err)) from err
    if isinstance(point, dt.datetime):
        point = point.astimezone(zone)
    return point


#: The longest a repeating event's occurrence may last (end minus start).
_LONGEST_REPEATING = dt.timedelta(days=366)


def _evaluate(
    p: _Parsed,
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
            raise _FieldProblem(name, problem)
    if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
        raise _FieldProblem("end", "start and end must both be whole days or both be date-times")
    if end < start:
        raise _FieldProblem("end", f"ends ({end}) before it starts ({start})")
    if ev.repeat is not None and end - start > _LONGEST_REPEATING:
        # Occurrences that long overlap by the hundred (a daily rule on a 900-year span made
        # 340 000 rows of `upcoming --all`).
        raise _FieldProblem(
            "end" if ev.end is not None else "duration",
            f"a repeating event lasts at most a year ({_LONGEST_REPEATING.days} days from "
            f"start to end); this one lasts from {start} to {end}",
        )
    if ev.repeat is not None:
        problems = check_occurrences(ev.repeat, start, ev.except_)
        if problems:
            raise _FieldProblem(*problems[0])
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
                raise _FieldProblem("duration", f"'{duration.text}': a span lasts at least a day")
            return days.add(start - dt.timedelta(days=1), duration.working_days)
        after = apply_offset(start, duration, days)
    except OffsetError as err:
        raise _FieldProblem("duration", str(err)) from err
    assert not isinstance(after, dt.datetime)
    if after <= start:
        raise _FieldProblem("duration", f"'{duration.text}': a whole-day span lasts at least a day")
    return after - dt.timedelta(days=1)
