"""What every command shares: the common options, the clock, the consoles, opening the calendar.

This is the only place (with ``cli``) that reads the environment, the working directory and the
clock; the core receives them as arguments.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from ..loader import LoadedCalendar

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
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of text.")]


def open_calendar(flag: Path | None) -> LoadedCalendar:
    """Find and load the calendar (flag > env > ./ > XDG > packaged)."""
    from ..loader import load
    from ..paths import find_calendar

    return load(find_calendar(flag, os.environ, Path.cwd()))


def display_zone(tz: str | None, default: str) -> dt.tzinfo:
    """The zone to show times in."""
    from ..tz import UnknownZoneError, get_zone

    try:
        return get_zone(tz or default)
    except UnknownZoneError as err:
        raise UsageError(f"--tz: {err}") from err


def clock(as_of: str | None, zone: dt.tzinfo) -> dt.datetime:
    """The moment to work from: ``--as-of`` (a day means its first moment) or now."""
    if as_of is None:
        return dt.datetime.now(zone)
    text = as_of.strip()
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time.min, zone)
        moment = dt.datetime.fromisoformat(text)
    except ValueError as err:
        raise UsageError(
            f"--as-of: cannot read {as_of!r}; use 2024-06-27 or 2024-06-27T10:00"
        ) from err
    return moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)


def stdout_console() -> Console:
    """The console for data (stdout). Rich honours NO_COLOR, FORCE_COLOR, COLUMNS, TERM."""
    from rich.console import Console

    return Console(highlight=False)


def stderr_console() -> Console:
    """The console for messages (stderr)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def write_out(text: str) -> None:
    """Plain data on stdout (no Rich: JSON and one-liners stay byte-exact)."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def say(message: str) -> None:
    """A message for the user on stderr."""
    sys.stderr.write(message if message.endswith("\n") else message + "\n")
