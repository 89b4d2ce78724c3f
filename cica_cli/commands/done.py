"""``cica done ID``: mark an event done."""

from __future__ import annotations

from pathlib import Path

from ._options import CALENDAR, DRY_RUN, EVENT_ID, JSON, Command

COMMAND = Command(
    "done",
    (EVENT_ID, DRY_RUN, JSON, CALENDAR),
    epilog="""\
Examples:

  cica done cbm-modalities-consensus    # writes status = "done"; `upcoming`
                                        # shows it as done

  cica done briefing-paper --dry-run    # show the change; write nothing

Undo with: cica set ID status planned
""",
    fast=True,
)


def run(event_id: str, dry_run: bool, json_: bool, calendar: Path | None) -> None:
    """Mark an event done (status = "done"): a deadline met stops counting down and reminding."""
    from ._edit import set_status

    set_status(event_id, "done", calendar, dry_run, json_)
