"""``cica timeline``: the calendar as a chart in the terminal, or as an SVG for reports."""

from __future__ import annotations

from pathlib import Path

from ._options import AS_OF, CALENDAR, FROM_DAY, KIND, TAG, TO_DAY, TZ, Command, Param
from ._runtime import clock, day_range, display_zone, kinds, open_calendar

_EPILOG = """\
Examples:

  cica timeline --as-of 2024-07-01   # the whole calendar, a line for 1 July

  cica timeline --from 2024-06-01 --to 2024-12-31 --svg cica-2024.svg
"""

COMMAND = Command(
    "timeline",
    (
        FROM_DAY._replace(
            help="First day shown: a date (2024-06-01), 'today' or a span from today such as "
            "30d (default: the first event)."
        ),
        TO_DAY._replace(
            help="Last day shown: a date, 'today' or a span from today such as 6m "
            "(default: the last event)."
        ),
        KIND,
        TAG,
        Param(
            "svg",
            ("--svg",),
            "Also save the chart as an SVG picture.",
            value="file",
            metavar="FILE",
        ),
        Param(
            "width",
            ("--width",),
            "Chart width in columns (default: the terminal's).",
            value="int",
            metavar="COLUMNS",
            min=40,
        ),
        CALENDAR,
        AS_OF,
        TZ,
    ),
    epilog=_EPILOG,
)


def run(
    from_: str | None,
    to: str | None,
    kind: list[str],
    tag: list[str],
    svg: Path | None,
    width: int | None,
    calendar: Path | None,
    as_of: str | None,
    tz: str | None,
) -> None:
    """Draw the calendar as a chart: spans as bars, deadlines as markers, a line for today."""
    from ..core.agenda import build_agenda
    from ..views.timeline import timeline_chart
    from ._runtime import print_out, say, stdout_console

    wanted = kinds(kind)
    schedule = open_calendar(calendar).schedule
    zone = display_zone(tz, schedule.settings.timezone)
    now = clock(as_of, zone)
    first, last = day_range(from_, to, now.date())
    items = build_agenda(schedule, now, kinds=wanted, tags=tag, include_past=True)
    if first is not None:
        items = [i for i in items if i.end_day >= first]
    if last is not None:
        items = [i for i in items if i.start_day <= last]
    if not items:
        from ._runtime import unknown_tags

        say(f"Nothing to draw: no events match{unknown_tags(schedule, tag)}.")
        return
    first = first or min(i.start_day for i in items)
    last = last or max(i.end_day for i in items)
    console = stdout_console()
    chart_width = width or console.width
    chart = timeline_chart(items, now.date(), first, last, chart_width)
    print_out(chart, console, width=chart_width, crop=False)
    if svg is not None:
        import io

        from rich.console import Console

        from ..atomic import write_atomic

        recorder = Console(record=True, width=chart_width, file=io.StringIO(), force_terminal=True)
        recorder.print(chart)
        title = f"{schedule.settings.name}: timeline"
        write_atomic(svg, recorder.export_svg(title=title).encode("utf-8"))
        say(f"Saved {svg}")
