"""``cica validate``: check a calendar file and report every problem."""

from __future__ import annotations

import typer

from ._common import CalendarOpt

_EPILOG = """\
Examples:

  cica validate                      # the calendar cica would use

  cica validate -c drafts/2025.toml  # exit 65 and one line per problem if it is wrong
"""


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command(epilog=_EPILOG)(validate)


def validate(calendar: CalendarOpt = None) -> None:
    """Check the calendar: "OK: N events (M computed)", or every problem with its line (exit 65)."""
    from ._fast import show_validation

    show_validation(calendar)
