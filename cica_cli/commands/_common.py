"""For the commands still written as Typer functions: the shared options as Typer annotations,
made from their one declaration in ``_options``, and ``_runtime`` re-exported."""

from __future__ import annotations

from . import _typer
from ._options import AS_OF, CALENDAR, JSON, KIND, TAG, TZ
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

# For commands still written as Typer functions; from the one declaration of each option.
CalendarOpt = _typer.annotated(CALENDAR)
AsOfOpt = _typer.annotated(AS_OF)
TzOpt = _typer.annotated(TZ)
KindOpt = _typer.annotated(KIND)
TagOpt = _typer.annotated(TAG)
JsonOpt = _typer.annotated(JSON)
