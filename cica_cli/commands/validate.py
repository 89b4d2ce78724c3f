"""``cica validate``: check a calendar file and report every problem."""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import CalendarOpt

_EPILOG = """\
Examples:

  cica validate                      # the calendar cica would use

  cica validate -c drafts/2025.toml  # exit 65 and one line per problem if it is wrong

  cica validate --strict             # warnings too exit 65 (e.g. a meeting on a public holiday)
"""


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command(epilog=_EPILOG)(validate)


def validate(
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Treat warnings as problems: exit 65 if there is any."),
    ] = False,
    calendar: CalendarOpt = None,
) -> None:
    """Check the calendar: "OK: N events (M computed)", or every problem with its line (exit 65).

    Warnings go to stderr and leave the exit status 0 (65 with --strict): a meeting, conference
    or deadline that falls on a weekend or public holiday of its country (the event's
    `country`, else the calendar's), or on one of the calendar's `holidays`.
    """
    from ._fast import show_validation

    show_validation(calendar, strict)
