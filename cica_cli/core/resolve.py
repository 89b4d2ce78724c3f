"""Resolve a calendar: every relative date computed, in dependency order, in linear time.

``resolve`` turns the validated model into a ``Schedule`` of ``Resolved`` events with concrete
start and end points, or raises ``ScheduleError`` listing every problem (unknown references with
a "did you mean", cycles naming the whole loop, bad offsets, zones and rules). Nothing here reads
the clock.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from .depgraph import dependency_order
from .event_dates import FieldProblem, Issue, Parsed, check_lead, evaluate, parse_event
from .model import Calendar, CalendarSettings, Event
from .schedule import Resolved, Schedule
from .suggest import Suggester
from .workdays import UnknownCountryError, WorkCalendar, check_country, work_calendar
from .zones import UnknownZoneError, get_zone


class ScheduleError(Exception):
    """Every problem found while resolving the calendar."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(i.message for i in issues))
        self.issues = issues


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
        check_lead(lead, None, issues)

    parsed: dict[str, Parsed] = {}
    bad: set[str] = set()
    for event_id, event in calendar.events.items():
        p = Parsed(event_id, event)
        parsed[event_id] = p
        n_before = len(issues)
        parse_event(p, issues)
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
            resolved[event_id] = evaluate(p, resolved, default_zone, default_country, workdays)
        except FieldProblem as prob:
            issues.append(Issue(event_id, prob.field, prob.message))

    if issues or len(resolved) < len(calendar.events):
        # (no issue of its own: an event left out because one it uses failed validation)
        raise ScheduleError(issues)
    events = {eid: resolved[eid] for eid in calendar.events}  # file order
    return _schedule(settings, events)


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
    edited = Parsed(event_id, event)
    parse_event(edited, issues)
    for name, expr in edited.exprs.items():
        if expr.ref == event_id or (expr.ref is not None and expr.ref not in previous.events):
            issues.append(
                Issue(event_id, name, f"unknown event or circular reference {expr.ref!r}")
            )
    # A cycle through the edited event: it now uses something computed from it.
    affected = previous.downstream(event_id)
    if not set(edited.refs).isdisjoint(affected):
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
            p = Parsed(eid, previous.events[eid].event)
            parse_event(p, issues)
        try:
            done[eid] = evaluate(p, done, settings.timezone, settings.country, workdays)
        except FieldProblem as prob:
            issues.append(Issue(eid, prob.field, prob.message))
    if issues:
        raise ScheduleError(issues)
    events = {eid: done[eid] for eid in previous.events}
    events[event_id] = done[event_id]  # in place if it was there, else at the end (file order)
    return _schedule(settings, events)


def _schedule(settings: CalendarSettings, events: dict[str, Resolved]) -> Schedule:
    """The schedule of ``events`` (in file order), with who depends on whom."""
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
        p = Parsed(event_id, event)
        parse_event(p, issues)
        for name, expr in p.exprs.items():
            if expr.ref is not None and expr.ref not in known:
                issues.append(Issue(event_id, name, _unknown_ref(expr.ref, ids)))
    return issues


def _unknown_ref(ref: str, ids: Suggester) -> str:
    return f"unknown event {ref!r}{ids.hint(ref)}"
