"""``cica next``: one line for shell prompts and status bars."""

from __future__ import annotations

from pathlib import Path

from ._options import AS_OF, CALENDAR, JSON, TZ, Command
from ._runtime import clock, display_zone, open_calendar, say, write_out

COMMAND = Command(
    "next",
    (JSON, CALENDAR, AS_OF, TZ),
    epilog="""\
Examples:

  cica next --as-of 2024-07-12    # TITLE - in 47 days (Wed 28 Aug 2024)

  PS1='$(cica next 2>/dev/null) \\$ '   # in a bash prompt
""",
    fast=True,
)


def run(json_: bool, calendar: Path | None, as_of: str | None, tz: str | None) -> None:
    """Print the next item on one line (nothing on stdout when nothing is coming)."""
    from ..core.agenda import build_agenda, next_item
    from ..views.text import item_dict, next_line, nothing_upcoming

    schedule = open_calendar(calendar).schedule
    zone = display_zone(tz, schedule.settings.timezone)
    now = clock(as_of, zone)
    item = next_item(build_agenda(schedule, now))
    if item is None:
        if json_:
            write_out("null")
        say(nothing_upcoming(schedule, now.date()))
        return
    if json_:
        import json

        write_out(json.dumps(item_dict(item), ensure_ascii=False))
    else:
        write_out(next_line(item, zone))
