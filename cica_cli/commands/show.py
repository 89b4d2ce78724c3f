"""``cica show ID``: everything about one event."""

from __future__ import annotations

from pathlib import Path

from ._options import AS_OF, CALENDAR, EVENT_ID, JSON, TZ, Command
from ._runtime import clock, display_zone, open_calendar

_EPILOG = """\
Examples:

  cica show env-outcome-silence   # its dates, how they were computed, and
                                  # what depends on it

  cica show baku-ministerial-2024 --json
"""


COMMAND = Command("show", (EVENT_ID, JSON, CALENDAR, AS_OF, TZ), epilog=_EPILOG)


def run(
    event_id: str, json_: bool, calendar: Path | None, as_of: str | None, tz: str | None
) -> None:
    """Show one event: every field, its dates, how each was computed, what depends on it."""
    import json

    from ..core.agenda import make_item
    from ..core.day_counts import working_day_counts
    from ..views.text import event_details, item_dict, working_days_dict
    from ._runtime import find_event, print_out, write_out

    schedule = open_calendar(calendar).schedule
    event = find_event(schedule, event_id)
    zone = display_zone(tz, schedule.settings.timezone)
    now = clock(as_of, zone)
    nxt = event.next_occurrence(now.date())
    start, end = nxt if nxt else (event.start, event.end)
    item = make_item(event, start, end, now)
    if json_:
        doc = item_dict(item)
        doc.update(
            description=event.event.description,
            computed={k: v for k, v in event.computed.items()},
            used_by=schedule.downstream(event.id),
            country=event.country,
            working_days=working_days_dict(working_day_counts(schedule, event)),
            remind=list(
                event.event.remind if event.event.remind is not None else schedule.settings.remind
            ),
        )
        doc["except"] = [day.isoformat() for day in event.event.except_]
        write_out(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    print_out(event_details(schedule, event, item))
