"""``cica cancel ID``: mark an event cancelled."""

from __future__ import annotations

import typer

from ._common import CalendarOpt, JsonOpt
from ._edit import DryRunOpt, IdArg

_EPILOG = """\
Examples:

  cica cancel weekly-call                 # writes status = "cancelled"

  cica cancel env-ministerial-2024 -n     # show the change; write nothing

Undo with: cica set ID status planned. Events computed from a cancelled one keep their dates.
"""


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command(epilog=_EPILOG)(cancel)


def cancel(
    event_id: IdArg,
    dry_run: DryRunOpt = False,
    json_: JsonOpt = False,
    calendar: CalendarOpt = None,
) -> None:
    """Mark an event cancelled (status = "cancelled"): no more reminders; shown struck out."""
    from ._edit import set_status

    set_status(event_id, "cancelled", calendar, dry_run, json_)
