"""``cica add ID ...``: append a new event to the calendar, written in the file's style."""

from __future__ import annotations

from pathlib import Path

from ._options import CALENDAR, DRY_RUN, EVENT_ID, JSON, Command, Param

_EPILOG = """\
Examples:

  cica add briefing-paper --title "Briefing paper to the Minister" \\
      --kind deadline --date "baku-ministerial-2024 - 10 working days" \\
      --tag briefing

  cica add env-prep-call --title "Preparatory call" --date 2024-08-20T10:00 \\
      --kind meeting

  cica add cbm-review --title "CBM review" --kind procedure \\
      --start "soc-astana-2024-06 + 1 week" --duration "10 working days"

  cica add summit --title "Summit" --kind conference --start 2024-10-01 \\
      --end 2024-10-03 --location "Baku, Azerbaijan" --dry-run

Dates are a date (2024-08-20), a date-time (2024-08-20T10:00) or an expression
("<id>", "<id>.end + 2 weeks", "<id> - 10 working days"). The new table goes at the end of the
file, laid out like the last event's. Exit 65 and nothing written if the event would break the
calendar (an unknown id, a cycle, an impossible date).
"""


def _option(name: str, help_: str, metavar: str, multiple: bool = False) -> Param:
    return Param(name, (f"--{name}",), help_, metavar=metavar, multiple=multiple)


COMMAND = Command(
    "add",
    (
        EVENT_ID,
        Param("title", ("--title",), "What it is.", required=True, metavar="TEXT"),
        _option("date", "A one-day item or an instant: date, date-time or expression.", "WHEN"),
        _option("start", "A span's first day or instant.", "WHEN"),
        _option("end", "A span's last day (included) or end.", "WHEN"),
        _option("duration", "A span's length: 2 weeks, 3 days, P14D, PT2H.", "LENGTH"),
        _option(
            "kind",
            "meeting (default), conference, procedure, deadline, milestone or period.",
            "KIND",
        ),
        _option("location", "Where.", "PLACE"),
        _option("tag", "A tag (repeatable).", "TAG", multiple=True),
        _option("country", "ISO 3166 country code (working days, holidays).", "CC"),
        DRY_RUN,
        JSON,
        CALENDAR,
    ),
    epilog=_EPILOG,
    fast=True,
)


def run(
    event_id: str,
    title: str,
    date: str | None,
    start: str | None,
    end: str | None,
    duration: str | None,
    kind: str | None,
    location: str | None,
    tag: list[str],
    country: str | None,
    dry_run: bool,
    json_: bool,
    calendar: Path | None,
) -> None:
    """Add an event: a table appended to the calendar in the file's own style."""
    from ..core.dates import OffsetError, parse_expression
    from ..core.model import ID_PATTERN
    from ..edit.rewrite import Value, append_event
    from ..errors import EditRefusedError, UsageError
    from ._edit import finish_edit, open_for_edit

    if not ID_PATTERN.match(event_id):
        raise UsageError(
            f"ID {event_id!r}: use only letters, digits, '-' and '_' (not starting with '-')"
        )
    if date is None and start is None:
        raise UsageError("give --date (one day or instant) or --start (a span)")
    if date is not None and start is not None:
        raise UsageError("give --date (one day or instant) or --start (a span), not both")
    if kind is not None:
        from ._runtime import kinds

        kinds([kind])  # an unknown kind: the usage error with its closest kind
    if start is not None and (end is None) == (duration is None):
        raise UsageError("a span needs --end or --duration (one of them)")
    if date is not None and (end is not None or duration is not None):
        raise UsageError("--end and --duration belong to spans: use --start instead of --date")

    def when(text: str | None) -> Value:
        if text is None:
            return None
        try:
            literal = parse_expression(text).literal
        except OffsetError:
            return text.strip()  # the loader says what is wrong with it, at its line
        return literal if literal is not None else text.strip()

    fields: dict[str, Value] = {
        "title": title,
        "kind": kind,
        "date": when(date),
        "start": when(start),
        "end": when(end),
        "duration": duration,
        "location": location,
        "tags": list(tag) if tag else None,
        "country": country,
    }
    with open_for_edit(calendar) as editing:
        if event_id in editing.schedule.events:
            raise EditRefusedError(f"not added: there is an event {event_id!r} already")
        if _events_inline(editing.text):
            raise EditRefusedError(
                "not added: the calendar's events are one inline table (events = { ... }), "
                f"which a new [events.{event_id}] table cannot extend; write the events as "
                "[events.<id>] tables, or add this one inside the inline table by hand"
            )
        finish_edit(
            editing,
            event_id,
            lambda exact: append_event(editing.text, event_id, fields),
            lambda diff: f"added {event_id}",
            dry_run,
            json_,
        )


def _events_inline(text: str) -> bool:
    """Whether ``events`` is a key of the root (``events = {...}`` before the first header)."""
    import re

    from ..edit.blocks import MultilineStrings, headers

    first = headers(text, 0, first=True)
    root = text[: first[0].offset] if first else text
    strings = MultilineStrings(text)
    for match in re.finditer(r"""(?m)^[ \t]*(?:events|"events"|'events')[ \t]*=""", root):
        if not strings.cover(match.start()):
            return True
    return False
