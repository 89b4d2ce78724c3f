"""``cica done ID``: mark an event done."""

from __future__ import annotations

import typer

from ._common import CalendarOpt, JsonOpt
from ._edit import DryRunOpt, IdArg

_EPILOG = """\
Examples:

  cica done cbm-modalities-consensus    # writes status = "done"; `upcoming` shows it as done

  cica done briefing-paper --dry-run    # show the change; write nothing

Undo with: cica set ID status planned
"""


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command(epilog=_EPILOG)(done)


def done(
    event_id: IdArg,
    dry_run: DryRunOpt = False,
    json_: JsonOpt = False,
    calendar: CalendarOpt = None,
) -> None:
    """Mark an event done (status = "done"): a deadline met stops counting down and reminding."""
    from ._edit import set_status

    set_status(event_id, "done", calendar, dry_run, json_)
