"""``cica cancel ID``: mark an event cancelled."""

from __future__ import annotations

from pathlib import Path

from ._options import CALENDAR, DRY_RUN, EVENT_ID, JSON, Command

COMMAND = Command(
    "cancel",
    (EVENT_ID, DRY_RUN, JSON, CALENDAR),
    epilog="""\
Examples:

  cica cancel weekly-call                 # writes status = "cancelled"

  cica cancel env-ministerial-2024 -n     # show the change; write nothing

Undo with: cica set ID status planned. Events computed from a cancelled one keep their dates.
""",
    fast=True,
)


def run(event_id: str, dry_run: bool, json_: bool, calendar: Path | None) -> None:
    """Mark an event cancelled (status = "cancelled"): no more reminders; shown struck out."""
    from ._edit import set_status

    set_status(event_id, "cancelled", calendar, dry_run, json_)
