"""Presentation: plain text, the JSON documents and ``cica show``'s grid. Builds; never prints.

Rich is imported inside the functions that build Rich objects, so that ``cica next`` and
``--json`` never pay for it. The ``upcoming`` table is in ``table``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..core.agenda import Item
from ..core.dates import Point, date_of
from ..core.day_names import day_text

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..core.day_counts import WorkingDayCount
    from ..core.days_off import DayOffWarning
    from ..core.schedule import Resolved, Schedule
    from ..errors import Problem

JSON_SCHEMA_VERSION = 1


def point_text(point: Point, zone: dt.tzinfo | None = None) -> str:
    """A day, or a day and time converted to ``zone`` (default: the point's own zone)."""
    if isinstance(point, dt.datetime):
        local = point.astimezone(zone) if zone else point
        return f"{day_text(local.date())} {local:%H:%M}"
    return day_text(point)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def days_away(n: int) -> str:
    """``today`` (or already past), ``tomorrow``, ``in 5 days``."""
    if n <= 0:
        return "today"
    return "tomorrow" if n == 1 else f"in {_days(n)}"


def countdown(item: Item) -> str:
    """``tomorrow``, ``in 62 days``, ``day 1 of 15, ends in 14 days``."""
    s, e = item.days_until_start, item.days_until_end
    if item.status in ("done", "cancelled"):
        return item.status
    if item.status == "upcoming":
        return days_away(s)
    if item.status == "today":
        return "today"
    if item.status == "ongoing":
        ends = "ends today" if e == 0 else "ends tomorrow" if e == 1 else f"ends in {_days(e)}"
        return f"day {-s + 1} of {item.span_days}, {ends}"
    if item.status == "overdue":
        return "overdue (today)" if e == 0 else f"overdue by {_days(-e)}"
    return "ended today" if e == 0 else "yesterday" if e == -1 else f"{_days(-e)} ago"


def compact_countdown(item: Item) -> str:
    """The table's countdown: ``in 62 days``, ``ends in 14 days``, ``3 days overdue``.

    Shorter than ``countdown``: an ongoing item says only when it ends (its range is beside it).
    """
    if item.status == "ongoing":
        e = item.days_until_end
        return "ends today" if e == 0 else "ends tomorrow" if e == 1 else f"ends in {_days(e)}"
    if item.status == "overdue":
        e = item.days_until_end
        return "overdue today" if e == 0 else f"{_days(-e)} overdue"
    return countdown(item)


def next_line(item: Item, zone: dt.tzinfo) -> str:
    """One line for prompts: ``Title - in 62 days (Wed 28 Aug 2024)``."""
    when = item.end if item.status == "ongoing" else item.start
    return f"{item.event.event.title} - {countdown(item)} ({point_text(when, zone)})"


def iso(point: Point, zone: dt.tzinfo | None = None) -> str:
    """ISO 8601: a date, or a date-time with its UTC offset."""
    if isinstance(point, dt.datetime):
        return (point.astimezone(zone) if zone else point).isoformat()
    return point.isoformat()


def computed_from(event: Resolved) -> str | None:
    """Where an event's dates come from: ``soc``, or ``start = soc; end = start + 2 weeks``."""
    if not event.computed:
        return None
    if list(event.computed) == ["date"]:
        return event.computed["date"]
    return "; ".join(f"{k} = {v}" for k, v in event.computed.items())


def item_dict(item: Item) -> dict[str, Any]:
    """One item of ``upcoming --json`` (the documented, stable schema)."""
    ev = item.event
    e = ev.event
    return {
        "id": ev.id,
        "title": e.title,
        "kind": e.kind,
        "start": iso(item.start),
        "end": iso(item.end),
        "all_day": ev.all_day,
        "timezone": ev.zone_name,
        "location": e.location,
        "status": item.status,
        "days_until_start": item.days_until_start,
        "days_until_end": item.days_until_end,
        "countdown": countdown(item),
        "computed_from": computed_from(ev),
        "depends_on": list(ev.depends_on),
        "tags": list(e.tags),
        "source": e.source,
        "repeat": e.repeat,
    }


#: Items encoded per ``json`` call in ``agenda_json``.
JSON_CHUNK = 256


def agenda_json(items: Sequence[Item], as_of: dt.datetime, calendar_name: str) -> Iterator[str]:
    """The ``upcoming --json`` document, in pieces (``JSON_CHUNK`` items at a time: a large agenda
    is never held as one text), which joined are ``json.dumps(doc, ensure_ascii=False, indent=2)``.

    One call per chunk, not per item: each call of the indenting encoder (Python's, not C's)
    leaves a few dozen closures in reference cycles, which the collector, paused while the
    command runs, then has to find among everything else: 0.5 s for 56 000 items.
    """
    import json

    head = json.dumps(
        {"schema": JSON_SCHEMA_VERSION, "as_of": as_of.isoformat(), "calendar": calendar_name},
        ensure_ascii=False,
        indent=2,
    )
    if not items:
        yield head[:-2] + ',\n  "items": []\n}'
        return
    yield head[:-2] + ',\n  "items": ['
    separator = "\n  "
    for first in range(0, len(items), JSON_CHUNK):
        chunk = [item_dict(item) for item in items[first : first + JSON_CHUNK]]
        text = json.dumps(chunk, ensure_ascii=False, indent=2)
        # "[\n  {...},\n  {...}\n]": the items without the brackets, nested one level deeper (a
        # line break is always the encoder's: one inside a text is written as \n).
        yield separator + text[2:-2].replace("\n", "\n  ")
        separator = ",\n  "
    yield "\n  ]\n}"


def validation_dict(
    file: str,
    counts: tuple[int, int] | None,
    problems: Sequence[Problem],
    warnings: Sequence[tuple[DayOffWarning, Problem]],
    strict: bool = False,
) -> dict[str, Any]:
    """``cica validate --json`` (the documented, stable schema): ``counts`` is (events, computed)
    when the calendar loaded (None: ``problems`` say why not); each warning with its place.
    ``valid`` is what the exit status says: no problems (and, ``strict``, no warnings)."""
    from ..core.safe_text import line, name

    return {
        "schema": JSON_SCHEMA_VERSION,
        "file": name(file),
        "valid": not problems and not (strict and warnings),
        "events": counts[0] if counts else None,
        "computed": counts[1] if counts else None,
        "problems": [
            {"line": p.line, "where": line(p.where), "message": line(p.message)} for p in problems
        ],
        "warnings": [
            {
                "line": placed.line,
                "where": placed.where,
                "event": w.event_id,
                "field": w.field,
                "message": w.message,
                "days": [{"day": day.isoformat(), "why": why} for day, why in w.days],
            }
            for w, placed in warnings
        ],
    }


def nothing_upcoming(schedule: Schedule, as_of: dt.date) -> str:
    """One sentence for an empty agenda, naming the last event and what to try."""
    from ..core.agenda import last_event

    last = last_event(schedule)
    if last is None:
        return "The calendar has no events yet."
    end = date_of(last.end)
    return (
        f"Nothing upcoming as of {day_text(as_of)}: the last event, "
        f"{last.event.title!r}, ended on {day_text(end)}. "
        f"Try --as-of {date_of(last.start)} or --all."
    )


def event_details(schedule: Schedule, event: Resolved, item: Item | None) -> RenderableType:
    """``cica show``: every field, the dates, how they were computed, what depends on it."""
    from rich.table import Table
    from rich.text import Text

    e = event.event
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")

    def add_row(label: str, value: str) -> None:
        grid.add_row(label, Text(value))  # calendar text is never markup: "[/]" prints as written

    add_row("id", event.id)
    add_row("title", e.title)
    add_row("kind", e.kind)
    add_row("status", e.status + (f" ({countdown(item)})" if item else ""))
    if event.all_day:
        add_row("date" if event.start == event.end else "start", day_text(event.start))
        if event.start != event.end:
            days = (event.end - event.start).days + 1
            add_row("end", f"{day_text(event.end)} (last day; {days} days in all)")
    else:
        add_row("start", f"{point_text(event.start)} ({iso(event.start)})")
        if event.end != event.start:
            add_row("end", f"{point_text(event.end)} ({iso(event.end)})")
    add_row("timezone", event.zone_name)
    for name, expr in event.computed.items():
        resolved = event.end if name == "end" else event.start
        add_row(f"{name} computed", f"{expr}  ->  {iso(resolved)}")
    from ..core.day_counts import working_day_counts

    for count in working_day_counts(schedule, event):
        add_row(f"{count.field} working days", working_days_text(count))
    for label, value in (
        ("location", e.location),
        ("description", e.description),
        ("source", e.source),
        ("repeat", e.repeat),
    ):
        if value:
            add_row(label, value)
    if e.except_:
        add_row("except", ", ".join(day_text(day) for day in e.except_) + " (skipped)")
    if e.tags:
        add_row("tags", ", ".join(e.tags))
    leads = e.remind if e.remind is not None else schedule.settings.remind
    add_row(
        "reminders",
        ", ".join(leads) + ("" if e.remind is not None else " (calendar default)")
        if leads
        else "none",
    )
    if event.depends_on:
        add_row("depends on", ", ".join(event.depends_on))
    users = schedule.downstream(event.id)
    add_row("used by", ", ".join(users) if users else "nothing")
    return grid


def working_days_text(count: WorkingDayCount) -> str:
    """``AZ: skipped Fri 8 Nov 2024, Victory Day (AZ)`` (what a working-day count passed over)."""
    from ..core.workdays import describe

    where = count.country or "Monday to Friday"
    return f"{where}: {describe(count.notes) if count.notes else 'no holiday in between'}"


def working_days_dict(counts: list[WorkingDayCount]) -> list[dict[str, Any]]:
    """``show --json``'s ``working_days``: per field, the days skipped and counted, and why."""
    return [
        {
            "field": c.field,
            "country": c.country,
            "skipped": [
                {"date": n.day.isoformat(), "why": n.reason} for n in c.notes if not n.working
            ],
            "counted": [{"date": n.day.isoformat(), "why": n.reason} for n in c.notes if n.working],
        }
        for c in counts
    ]
