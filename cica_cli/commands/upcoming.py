"""``cica upcoming``: the main view."""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import AsOfOpt, CalendarOpt, JsonOpt, KindOpt, TagOpt, TzOpt

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
    kind: KindOpt = None,
    tag: TagOpt = None,
    all_: Annotated[bool, typer.Option("--all", "-a", help="Include past items.")] = False,
    json_: JsonOpt = False,
    calendar: CalendarOpt = None,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
) -> None:
    """Show what is coming, soonest first, with countdowns."""
    from ._fast import show_upcoming

    show_upcoming(within, kind, tag, all_, json_, calendar, as_of, tz)
