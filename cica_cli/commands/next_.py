"""``cica next``: one line for shell prompts and status bars."""

from __future__ import annotations

import typer

from ._common import AsOfOpt, CalendarOpt, JsonOpt, TzOpt

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
    from ._fast import show_next

    show_next(json_, calendar, as_of, tz)
