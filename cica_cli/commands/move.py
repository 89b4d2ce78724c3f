"""``cica move ID WHEN``: move an event to a new date, or by a shift; report what moved with it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ._options import CALENDAR, DRY_RUN, EVENT_ID, JSON, Command, Param, flag

if TYPE_CHECKING:
    from ..core.diff import ScheduleDiff

_EPILOG = """\
Examples:

  cica move soc-astana-2024-06 2024-07-04     # the SOC to Thu 4 July; the
                        # silence procedure computed from it moves too (shown)

  cica move weekly-call 2024-07-09T15:00      # a new day and time

  cica move briefing-paper +2 working days    # or +1w, -3 days, +1 month, +2h

  cica move env-outcome-silence +1d --detach  # a computed event: fix its date

  cica move soc-astana-2024-06 +1w --dry-run  # what would move; write nothing

Only the typed value changes (one line for a one-day item); a span moves whole. Exit 65 and
nothing written if the move would break the calendar or the event is computed (without
--detach).
"""


COMMAND = Command(
    "move",
    (
        EVENT_ID,
        Param(
            "when",
            (),
            "A date (2024-07-04), a date-time (2024-07-04T10:00) or a shift "
            "(+1w, -3 days, +2 working days).",
            multiple=True,
            required=True,
            metavar="WHEN",
        ),
        flag(
            "detach",
            ("--detach",),
            "For a computed event: replace its expression with the fixed date it moves to.",
        ),
        DRY_RUN,
        JSON,
        CALENDAR,
    ),
    epilog=_EPILOG,
    fast=True,
    words_may_start_with_dash=True,  # `-3 days` is a shift, not an option
)


def run(
    event_id: str,
    when: list[str],
    detach: bool,
    dry_run: bool,
    json_: bool,
    calendar: Path | None,
) -> None:
    """Move an event to a date or date-time, or by a shift; print what moved with it."""
    from ..core.dates import Offset, OffsetError, Point, apply_offset
    from ..core.moves import parse_when, plan_move
    from ..edit.rewrite import set_fields
    from ..errors import UsageError
    from ..views.diff import moved_text
    from ._edit import finish_edit, open_for_edit
    from ._runtime import find_event

    misspelt = [word for word in when if word.startswith("--")]
    if misspelt:  # unknown options reach WHEN (so that `-3 days` can): say what they are
        raise UsageError(f"no such option: {misspelt[0]} (see cica move --help)")
    # `+2 working days` unquoted arrives as three arguments
    parsed = parse_when(" ".join(when))
    with open_for_edit(calendar) as editing:
        event = find_event(editing.schedule, event_id)
        # `+2 working days` counts the working days of the event's country
        days = editing.schedule.work_calendar(event.country)

        def shifter(point: Point, offset: Offset) -> Point:
            # a local date-time (as typed) is shifted as the instant it is in the event's zone
            if isinstance(point, dt.datetime) and point.tzinfo is None:
                moved = apply_offset(point.replace(tzinfo=event.zone), offset, days)
                assert isinstance(moved, dt.datetime)
                return moved.astimezone(event.zone).replace(tzinfo=None)
            return apply_offset(point, offset, days)

        try:
            changes = plan_move(
                event,
                parsed,
                shifter,
                detach=detach,
                default_zone=editing.schedule.settings.timezone,
            )
        except OffsetError as err:  # e.g. a shift beyond year 9999
            raise UsageError(f"WHEN: {err}") from err

        def done(diff: ScheduleDiff) -> str:
            change = next((c for c in diff.changed if c.id == event_id), None)
            if change is None or not change.dates:
                return f"{event_id} stays where it was"
            first = change.dates[0]
            return f"moved {event_id}: {first.field} {moved_text(first, change.new.zone)}"

        finish_edit(
            editing,
            event_id,
            lambda exact: set_fields(editing.text, event_id, changes, exact),
            done,
            dry_run,
            json_,
        )
