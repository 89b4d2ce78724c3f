"""``cica validate``: check a calendar file and report every problem."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ._options import CALENDAR, JSON, Command, flag
from ._runtime import open_calendar, say, write_out

if TYPE_CHECKING:
    from ..core.days_off import DayOffWarning
    from ..errors import Problem

STRICT = flag("strict", ("--strict",), "Treat warnings as problems: exit 65 if there is any.")

COMMAND = Command(
    "validate",
    (STRICT, JSON, CALENDAR),
    epilog="""\
Examples:

  cica validate                      # the calendar cica would use

  cica validate -c drafts/2025.toml  # if it is wrong: exit 65, a line a problem

  cica validate --strict             # warnings too (a meeting on a holiday)

  cica validate --json               # the same, as JSON for scripts and editors
""",
    fast=True,
)


def run(strict: bool, json_: bool, calendar: Path | None) -> None:
    """Check the calendar: "OK: N events (M computed)", or every problem with its line (exit 65).

    Warnings go to stderr and leave the exit status 0 (65 with --strict): a meeting, conference
    or deadline that falls on a weekend or public holiday of its country (the event's
    `country`, else the calendar's), or on one of the calendar's `holidays`. With --json, one
    document on stdout holds the problems or the warnings (same exit status).
    """
    from ..core.days_off import days_off_warnings
    from ..errors import CalendarDataError

    try:
        loaded = open_calendar(calendar)
    except CalendarDataError as err:
        if not json_:
            raise
        from ._runtime import calendar_path

        _write_json(calendar_path(calendar), None, err.problems, [], strict)
        raise SystemExit(int(err.exit_code)) from None
    events = loaded.schedule.events.values()
    computed = sum(1 for e in events if e.is_computed)
    warnings = days_off_warnings(loaded.schedule)
    placed = _placed(loaded.path, loaded.data, warnings) if warnings else []
    if json_:
        pairs = list(zip(warnings, placed, strict=True))
        _write_json(loaded.path, (len(events), computed), [], pairs, strict)
        if strict and warnings:
            raise SystemExit(int(CalendarDataError.exit_code))
        return
    if placed:
        if strict:
            raise CalendarDataError(placed)  # exit 65, every warning listed
        say("".join(f"{problem}\n" for problem in placed))  # one write, not one a line
    note = f"; {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
    write_out(f"OK: {len(events)} events ({computed} computed) in {loaded.path}{note}")


def _write_json(
    path: Path,
    counts: tuple[int, int] | None,
    problems: list[Problem],
    warnings: list[tuple[DayOffWarning, Problem]],
    strict: bool,
) -> None:
    import json

    from ..views.text import validation_dict

    doc = validation_dict(str(path), counts, problems, warnings, strict)
    write_out(json.dumps(doc, ensure_ascii=False, indent=2))


def _placed(path: Path, data: bytes, warnings: list[DayOffWarning]) -> list[Problem]:
    """The warnings as ``FILE:LINE: events.<id>.<field>: warning: ...`` problems (in order)."""
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
