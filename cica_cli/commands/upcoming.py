"""``cica upcoming``: the main view."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ._options import AS_OF, CALENDAR, JSON, KIND, TAG, TZ, Command, Param, flag
from ._runtime import (
    clock,
    display_zone,
    kinds,
    open_calendar,
    say,
    write_out,
    write_pieces,
)

COMMAND = Command(
    "upcoming",
    (
        Param(
            "within",
            ("--within", "-w"),
            "Only what starts within this time: 30d, 6w, 3m, 1y.",
            metavar="SPAN",
        ),
        KIND,
        TAG,
        flag("all_", ("--all", "-a"), "Include past items."),
        JSON,
        CALENDAR,
        AS_OF,
        TZ,
    ),
    epilog="""\
Examples:

  cica upcoming --as-of 2024-06-27             # the CICA calendar, SOC day

  cica upcoming --within 6w --kind deadline    # deadlines in the next 6 weeks

  cica upcoming --json | jq '.items[].title'   # for scripts (schema: README)
""",
    fast=True,
)


def run(
    within: str | None,
    kind: list[str],
    tag: list[str],
    all_: bool,
    json_: bool,
    calendar: Path | None,
    as_of: str | None,
    tz: str | None,
) -> None:
    """Show what is coming, soonest first, with countdowns."""
    from ..core.agenda import build_agenda
    from ..core.dates import OffsetError, parse_offset

    wanted = kinds(kind)
    try:
        span = parse_offset(within) if within else None
    except OffsetError as err:
        raise UsageError(f"--within: {err}") from err
    schedule = open_calendar(calendar).schedule
    zone = display_zone(tz, schedule.settings.timezone)
    now = clock(as_of, zone)
    if span is not None:
        from ..core.dates import reach_problem

        problem = reach_problem(now.date(), span)
        if problem:
            raise UsageError(f"--within {within}: {problem}")
    items = build_agenda(schedule, now, within=span, kinds=wanted, tags=tag, include_past=all_)
    from ..views import text as render

    if json_:
        write_pieces(render.agenda_json(items, now, schedule.settings.name))
        return
    if not items:
        filtered = bool(kind or tag or within)
        if filtered and schedule.events:
            from ._runtime import unknown_tags

            say(f"Nothing matches those filters{unknown_tags(schedule, tag)}.")
        else:
            say(render.nothing_upcoming(schedule, now.date()))
        return
    from ..core.day_names import day_text
    from ..views.table import agenda_table
    from ._runtime import stdout_console

    title = f"{schedule.settings.name} as of {day_text(now.date())}"
    console = stdout_console()
    table = agenda_table(items, zone, title, console.width)
    if console.color_system is None:  # a pipe or a file: the lines as they are, without Rich
        write_out(str(table))
    else:
        console.print(table)
