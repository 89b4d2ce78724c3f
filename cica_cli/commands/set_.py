"""``cica set ID FIELD VALUE``: change one field of an event."""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import CalendarOpt, JsonOpt
from ._edit import DryRunOpt, IdArg

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
    "tags": "list",
    "remind": "list",
}

_EPILOG = """\
Examples:

  cica set baku-ministerial-2024 location "Baku Congress Center, Azerbaijan"

  cica set briefing-paper tags "briefing, minister"     # a list: comma-separated

  cica set briefing-paper remind "14 days, 2 days"      # its own lead times

  cica set briefing-paper remind none                   # no reminders at all

  cica set briefing-paper remind ""                     # back to the calendar's default

  cica set soc-astana-2024-06 kind conference

FIELD: title, kind, status, location, description, source, timezone, tags, remind. An empty VALUE
removes an optional field. Values are checked as the calendar is (exit 65, nothing written, if
one is wrong). Dates: `cica move`.
"""


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command("set", epilog=_EPILOG)(set_)


def set_(
    event_id: IdArg,
    field: Annotated[
        str,
        typer.Argument(
            metavar="FIELD",
            help="title, kind, status, location, description, source, timezone, tags or remind.",
        ),
    ],
    value: Annotated[
        str,
        typer.Argument(
            metavar="VALUE", help='The new value ("" removes an optional field; lists: a, b).'
        ),
    ],
    dry_run: DryRunOpt = False,
    json_: JsonOpt = False,
    calendar: CalendarOpt = None,
) -> None:
    """Set one field of an event (title, kind, status, location, tags, remind...)."""
    from ..edit.rewrite import Value, set_fields
    from ..errors import UsageError
    from ._edit import find_event, finish_edit, open_for_edit

    how = FIELDS.get(field)
    if how is None:
        dates = field in ("date", "start", "end", "duration")
        hint = "; dates move with `cica move ID WHEN`" if dates else ""
        raise UsageError(f"FIELD: cannot set {field!r}: use one of {', '.join(FIELDS)}{hint}")
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
    editing = open_for_edit(calendar)
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
