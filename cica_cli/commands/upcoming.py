"""``cica upcoming``: the main view."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import UsageError
from ._common import AsOfOpt, CalendarOpt, JsonOpt, TzOpt, clock, display_zone, open_calendar

_EPILOG = """\
Examples:

  cica upcoming --as-of 2024-06-27            # the CICA calendar on the day of the SOC

  cica upcoming --within 6w --kind deadline   # deadlines in the next six weeks

  cica upcoming --json | jq '.items[].title'  # for scripts (schema in README)
"""


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command(epilog=_EPILOG)(upcoming)


def upcoming(
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            "-w",
            help="Only what starts within this time: 30d, 6w, 3m, 1y.",
            metavar="SPAN",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help="Only this kind (repeatable): meeting, conference, "
            "procedure, deadline, milestone, period.",
            show_default=False,
        ),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag",
            "-t",
            metavar="TAG",
            help="Only items with this tag (repeatable).",
            show_default=False,
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", "-a", help="Include past items.")] = False,
    json_: JsonOpt = False,
    calendar: CalendarOpt = None,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
) -> None:
    """Show what is coming, soonest first, with countdowns."""
    from ..agenda import build_agenda
    from ..dates import OffsetError, parse_offset
    from ..model import KINDS

    for k in kind or ():
        if k not in KINDS:
            raise UsageError(f"--kind: unknown kind {k!r}; one of: {', '.join(KINDS)}")
    try:
        span = parse_offset(within) if within else None
    except OffsetError as err:
        raise UsageError(f"--within: {err}") from err
    loaded = open_calendar(calendar)
    schedule = loaded.schedule
    zone = display_zone(tz, schedule.settings.timezone)
    now = clock(as_of, zone)
    items = build_agenda(
        schedule, now, within=span, kinds=kind or (), tags=tag or (), include_past=all_
    )
    from .. import render
    from ._common import say, stdout_console, write_out

    if json_:
        write_out(render.agenda_json(items, now, schedule.settings.name))
        return
    if not items:
        filtered = bool(kind or tag or within)
        say(
            "Nothing matches those filters."
            if filtered and schedule.events
            else render.nothing_upcoming(schedule, now.date())
        )
        return
    title = f"{schedule.settings.name} as of {render.day_text(now.date())}"
    console = stdout_console()
    console.print(render.agenda_table(items, zone, title, console.width))
