"""``cica timeline``: the calendar as a chart in the terminal, or as an SVG for reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ._common import (
    AsOfOpt,
    CalendarOpt,
    KindOpt,
    TagOpt,
    TzOpt,
    clock,
    display_zone,
    open_calendar,
)

_EPILOG = """\
Examples:

  cica timeline --as-of 2024-07-01                  # the whole calendar, a line for 1 July

  cica timeline --from 2024-06-01 --to 2024-12-31 --svg cica-2024.svg
"""


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command(epilog=_EPILOG)(timeline)


def _day(text: str | None, name: str) -> dt.date | None:
    if text is None:
        return None
    from ..core.dates import range_problem

    try:
        day = dt.date.fromisoformat(text)
    except ValueError as err:
        raise UsageError(f"{name}: cannot read {text!r}; use a date such as 2024-06-27") from err
    problem = range_problem(day)
    if problem:
        raise UsageError(f"{name}: {problem}")
    return day


def timeline(
    from_: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="First day shown (default: the first event).",
            metavar="DATE",
            show_default=False,
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Last day shown (default: the last event).",
            metavar="DATE",
            show_default=False,
        ),
    ] = None,
    kind: KindOpt = None,
    tag: TagOpt = None,
    svg: Annotated[
        Path | None,
        typer.Option(
            "--svg",
            help="Also save the chart as an SVG picture.",
            metavar="FILE",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    width: Annotated[
        int | None,
        typer.Option(
            "--width",
            help="Chart width in columns (default: the terminal's).",
            min=40,
            show_default=False,
        ),
    ] = None,
    calendar: CalendarOpt = None,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
) -> None:
    """Draw the calendar as a chart: spans as bars, deadlines as markers, a line for today."""
    from ..core.agenda import build_agenda
    from ..views.timeline import timeline_chart
    from ._common import say, stdout_console

    schedule = open_calendar(calendar).schedule
    zone = display_zone(tz, schedule.settings.timezone)
    now = clock(as_of, zone)
    items = build_agenda(schedule, now, kinds=kind or (), tags=tag or (), include_past=True)
    first, last = _day(from_, "--from"), _day(to, "--to")
    if first is not None:
        items = [i for i in items if i.end_day >= first]
    if last is not None:
        items = [i for i in items if i.start_day <= last]
    if not items:
        say("Nothing to draw: no events match.")
        return
    first = first or min(i.start_day for i in items)
    last = last or max(i.end_day for i in items)
    if last < first:
        raise UsageError("--to is before --from")
    console = stdout_console()
    chart_width = width or console.width
    chart = timeline_chart(items, now.date(), first, last, chart_width)
    console.print(chart, width=chart_width, crop=False)
    if svg is not None:
        import io

        from rich.console import Console

        from ..atomic import write_atomic

        recorder = Console(record=True, width=chart_width, file=io.StringIO(), force_terminal=True)
        recorder.print(chart)
        title = f"{schedule.settings.name}: timeline"
        write_atomic(svg, recorder.export_svg(title=title).encode("utf-8"))
        say(f"Saved {svg}")
