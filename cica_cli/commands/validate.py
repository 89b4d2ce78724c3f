"""``cica validate``: check a calendar file and report every problem."""

from __future__ import annotations

from pathlib import Path

from ._options import CALENDAR, Command
from ._runtime import collector_paused, open_calendar, write_out

COMMAND = Command(
    "validate",
    (CALENDAR,),
    epilog="""\
Examples:

  cica validate                      # the calendar cica would use

  cica validate -c drafts/2025.toml  # if it is wrong: exit 65, a line a problem
""",
    fast=True,
)


@collector_paused()
def run(calendar: Path | None) -> None:
    """Check the calendar: "OK: N events (M computed)", or every problem with its line (exit 65)."""
    loaded = open_calendar(calendar)
    events = loaded.schedule.events.values()
    computed = sum(1 for e in events if e.is_computed)
    write_out(f"OK: {len(events)} events ({computed} computed) in {loaded.path}")
