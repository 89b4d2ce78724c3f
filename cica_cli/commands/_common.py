"""What every command shares: the common options, the clock, the consoles, opening the calendar.

The options are here; the rest is in ``_runtime`` (which does not need Typer) and re-exported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._runtime import (
    OpenedCalendar,
    clock,
    display_zone,
    open_calendar,
    say,
    stderr_console,
    stdout_console,
    write_out,
)

__all__ = [
    "AsOfOpt",
    "CalendarOpt",
    "JsonOpt",
    "OpenedCalendar",
    "TzOpt",
    "clock",
    "display_zone",
    "open_calendar",
    "say",
    "stderr_console",
    "stdout_console",
    "write_out",
]

CalendarOpt = Annotated[
    Path | None,
    typer.Option(
        "--calendar",
        "-c",
        help="Calendar file (default: $CICA_CALENDAR, ./events.toml, "
        "$XDG_CONFIG_HOME/cica/events.toml, then the packaged CICA 2024 calendar).",
        show_default=False,
        dir_okay=False,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Pretend it is this date or date-time (2024-06-27 or 2024-06-27T10:00) "
        "instead of now.",
        metavar="DATE|DATETIME",
        show_default=False,
    ),
]
TzOpt = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="Show times in this IANA zone (default: the calendar's).",
        metavar="ZONE",
        show_default=False,
    ),
]
KindOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        "-k",
        help="Only this kind (repeatable): meeting, conference, procedure, deadline, milestone, "
        "period.",
        metavar="KIND",
        show_default=False,
    ),
]
TagOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        help="Only items with this tag (repeatable).",
        metavar="TAG",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of text.")]
