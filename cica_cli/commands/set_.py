"""``cica set ID FIELD VALUE``: change one field of an event."""

from __future__ import annotations

from pathlib import Path

from ._options import CALENDAR, DRY_RUN, EVENT_ID, JSON, Command, Param

#: FIELD -> how VALUE is read: "text", "optional" (empty: the field is removed) or "list"
#: (comma-separated; empty: removed).
FIELDS = {
    "title": "text",
    "kind": "text",
    "status": "text",
    "location": "optional",
    "description": "optional",
    "source": "optional",
    "timezone": "optional",
    "country": "optional",
    "tags": "list",
    "remind": "list",
}

_EPILOG = """\
Examples:

  cica set baku-ministerial-2024 location "Baku Congress Center, Azerbaijan"

  cica set briefing-paper tags "briefing, minister"  # a list: comma-separated

  cica set briefing-paper remind "14 days, 2 days"   # its own lead times

  cica set briefing-paper remind none                # no reminders at all

  cica set briefing-paper remind ""      # back to the calendar's default

  cica set soc-astana-2024-06 kind conference

FIELD: title, kind, status, location, description, source, timezone, country, tags, remind.
An empty VALUE removes an optional field. Values are checked as the calendar is (exit 65,
nothing written, if one is wrong). Dates: `cica move`.
"""


COMMAND = Command(
    "set",
    (
        EVENT_ID,
        Param(
            "field",
            (),
            "title, kind, status, location, description, source, timezone, country, tags or "
            "remind.",
            required=True,
            metavar="FIELD",
        ),
        Param(
            "value",
            (),
            'The new value ("" removes an optional field; lists: a, b).',
            required=True,
            metavar="VALUE",
        ),
        DRY_RUN,
        JSON,
        CALENDAR,
    ),
    epilog=_EPILOG,
    fast=True,
)


def run(
    event_id: str, field: str, value: str, dry_run: bool, json_: bool, calendar: Path | None
) -> None:
    """Set one field of an event (title, kind, status, location, tags, remind...)."""
    from ..edit.rewrite import Value, set_fields
    from ..errors import UsageError
    from ._edit import finish_edit, open_for_edit
    from ._runtime import find_event

    how = FIELDS.get(field)
    if how is None:
        from ..core.suggest import Suggester

        if field in ("date", "start", "end", "duration"):
            raise UsageError(
                f"FIELD: cannot set {field!r}: dates move with `cica move ID WHEN` "
                f"(a span moves whole); set one of {', '.join(FIELDS)}"
            )
        raise UsageError(
            f"FIELD: cannot set {field!r}{Suggester(FIELDS).hint(field)}: "
            f"use one of {', '.join(FIELDS)}"
        )
    if field in ("kind", "status"):
        from ..core.model import KINDS, STATUSES

        allowed = KINDS if field == "kind" else STATUSES
        if value not in allowed:
            from ..core.suggest import Suggester

            raise UsageError(
                f"VALUE: unknown {field} {value!r}{Suggester(allowed).hint(value)}; "
                f"one of: {', '.join(allowed)}"
            )
    new: Value
    if how == "list":
        items = [part.strip() for part in value.split(",")]
        if field == "remind" and value.strip().lower() == "none":
            new = []
        else:
            new = [i for i in items if i] or None
    elif how == "optional":
        new = value if value.strip() else None
    else:
        new = value
    with open_for_edit(calendar) as editing:
        current = getattr(find_event(editing.schedule, event_id).event, field)
        if (tuple(new) if isinstance(new, list) else new) == current:
            from ._runtime import say

            say(f"{event_id}: {field} is that already; nothing to write")
            return
        finish_edit(
            editing,
            event_id,
            lambda exact: set_fields(editing.text, event_id, {field: new}, exact),
            lambda diff: f"{event_id}: {field} set",
            dry_run,
            json_,
        )
