"""``cica validate``: check a calendar file and report every problem."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ._options import CALENDAR, Command, flag
from ._runtime import collector_paused, open_calendar, say, write_out

if TYPE_CHECKING:
    from ..core.days_off import DayOffWarning
    from ..errors import Problem

STRICT = flag("strict", ("--strict",), "Treat warnings as problems: exit 65 if there is any.")

COMMAND = Command(
    "validate",
    (STRICT, CALENDAR),
    epilog="""\
Examples:

  cica validate                      # the calendar cica would use

  cica validate -c drafts/2025.toml  # if it is wrong: exit 65, a line a problem

  cica validate --strict             # warnings too (a meeting on a holiday)
""",
    fast=True,
)


@collector_paused()
def run(strict: bool, calendar: Path | None) -> None:
    """Check the calendar: "OK: N events (M computed)", or every problem with its line (exit 65).

    Warnings go to stderr and leave the exit status 0 (65 with --strict): a meeting, conference
    or deadline that falls on a weekend or public holiday of its country (the event's
    `country`, else the calendar's), or on one of the calendar's `holidays`.
    """
    from ..core.days_off import days_off_warnings

    loaded = open_calendar(calendar)
    events = loaded.schedule.events.values()
    computed = sum(1 for e in events if e.is_computed)
    warnings = days_off_warnings(loaded.schedule)
    if warnings:
        problems = _placed(loaded.path, loaded.data, warnings)
        if strict:
            from ..errors import CalendarDataError

            raise CalendarDataError(problems)  # exit 65, every warning listed
        say("".join(f"{problem}\n" for problem in problems))  # one write, not one a line
    note = f"; {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
    write_out(f"OK: {len(events)} events ({computed} computed) in {loaded.path}{note}")


def _placed(path: Path, data: bytes, warnings: list[DayOffWarning]) -> list[Problem]:
    """The warnings as ``FILE:LINE: events.<id>.<field>: warning: ...`` problems."""
    from ..core.loader import line_finder
    from ..errors import Problem

    wanted = [("events", w.event_id, w.field) for w in warnings]
    line_of = line_finder(data.decode("utf-8", "replace"), wanted)
    return [
        Problem(
            str(path),
            line_of(("events", w.event_id, w.field)),
            f"events.{w.event_id}.{w.field}",
            "warning: " + w.message,
        )
        for w in warnings
    ]
