"""``cica next``: one line for shell prompts and status bars."""

from __future__ import annotations

import typer

from ._common import AsOfOpt, CalendarOpt, JsonOpt, TzOpt, clock, display_zone, open_calendar

_EPILOG = """\
Examples:

  cica next --as-of 2024-07-12     # Environmental conference - in 47 days (Wed 28 Aug 2024)

  PS1='$(cica next 2>/dev/null) \\$ '   # in a bash prompt
"""


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("next", epilog=_EPILOG)(next_)


def next_(
    json_: JsonOpt = False,
    calendar: CalendarOpt = None,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
) -> None:
    """Print the next item on one line (nothing on stdout when nothing is coming)."""
    import json

    from ..agenda import build_agenda, next_item
    from ..render import item_dict, next_line, nothing_upcoming
    from ._common import say, write_out

    schedule = open_calendar(calendar).schedule
    zone = display_zone(tz, schedule.settings.timezone)
    now = clock(as_of, zone)
    item = next_item(build_agenda(schedule, now))
    if item is None:
        if json_:
            write_out("null")
        say(nothing_upcoming(schedule, now.date()))
        return
    write_out(json.dumps(item_dict(item), ensure_ascii=False) if json_ else next_line(item, zone))
