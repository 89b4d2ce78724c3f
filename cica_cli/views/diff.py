"""The report of ``cica diff`` (and of every edit): plain text for people, a JSON document for
scripts. Builds; never prints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import safe_text
from ..core.dates import Point, date_of
from ..core.day_names import day_text
from ..core.diff import DateChange, EventChange, FieldChange, Link, ScheduleDiff, date_fields
from ..core.schedule import Resolved
from .text import iso

JSON_SCHEMA_VERSION = 1
_LONG = 60  # longer texts (descriptions) are cut in the text report; JSON has them whole


def diff_text(diff: ScheduleDiff) -> str:
    """One line per added or removed event; for a changed one, a line per moved date or changed
    field; then the warnings and a count. Empty when nothing differs."""
    if diff.empty:
        return ""
    lines: list[str] = []
    for change in diff.changed:
        lines.append(f"changed {change.id}: {change.new.event.title}")
        lines.extend(f"  {line}" for line in _change_lines(change))
    for event in diff.added:
        lines.append(f"added {event.id}: {event.event.title} ({_dates(event)})")
    for event in diff.removed:
        lines.append(f"removed {event.id}: {event.event.title} (was {_dates(event)})")
    for w in diff.warnings:
        lines.append(
            f"warning: {w.event_id}: {w.field} {day_text(w.day)} is not a working day: {w.reason}"
        )
    counts = (
        (len(diff.changed), "changed"),
        (len(diff.added), "added"),
        (len(diff.removed), "removed"),
    )
    lines.append(", ".join(f"{n} {what}" for n, what in counts if n))
    return "\n".join(lines) + "\n"


def diff_json(diff: ScheduleDiff, old_name: str, new_name: str) -> dict[str, Any]:
    """The ``cica diff --json`` document (stable: fields may be added, never changed)."""
    return {
        "schema": JSON_SCHEMA_VERSION,
        "old": safe_text.name(old_name),
        "new": safe_text.name(new_name),
        "differences": not diff.empty,
        "changed": [_change_dict(c) for c in diff.changed],
        "added": [_event_dict(e) for e in diff.added],
        "removed": [_event_dict(e) for e in diff.removed],
        "warnings": [
            {"id": w.event_id, "field": w.field, "date": w.day.isoformat(), "reason": w.reason}
            for w in diff.warnings
        ],
    }


def moved_text(change: DateChange, zone: dt.tzinfo | None = None) -> str:
    """``Thu 11 Jul -> Thu 18 Jul 2024, +7 days`` (the old year only when it differs)."""
    new_day = date_of(change.new, zone)
    old_day = date_of(change.old, zone)
    old = _point(change.old, zone, year=old_day.year != new_day.year)
    return f"{old} -> {_point(change.new, zone, year=True)}, {shift_text(change)}"


def shift_text(change: DateChange) -> str:
    """``+7 days``, ``-1 day``, ``+2 hours``, ``+1 day 30 minutes``: wall-clock time between the
    old and the new point (a day becoming a date-time: the days between them)."""
    old, new = change.old, change.new
    if isinstance(old, dt.datetime) and isinstance(new, dt.datetime):
        delta = new.replace(tzinfo=None) - old.astimezone(new.tzinfo).replace(tzinfo=None)
    else:
        delta = dt.timedelta(days=change.shift_days)
    sign = "-" if delta < dt.timedelta(0) else "+"
    seconds = int(abs(delta).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [
        _count(n, unit)
        for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if n or (unit == "day" and not seconds)
    ]
    return sign + " ".join(parts) if seconds else "+0 days"


def chain_text(change: DateChange) -> str:
    """``start = soc-astana-2024-06``; later steps in other events: ``soc: date = baku``."""
    own = change.chain[0].event_id if change.chain else ""
    return "; ".join(_link(link, own) for link in change.chain)


def _link(link: Link, own: str) -> str:
    where = "" if link.event_id == own else f"{link.event_id}: "
    return f"{where}{link.field} = {link.expression}"


def _change_lines(change: EventChange) -> list[str]:
    zone = change.new.zone
    width = max(
        len(name) for name in [d.field for d in change.dates] + [f.field for f in change.fields]
    )
    lines = []
    for d in change.dates:
        text = f"{(d.field + ':').ljust(width + 1)} {moved_text(d, zone)}"
        if d.computed:
            text += f" (computed: {chain_text(d)})"
        lines.append(text)
    for f in change.fields:
        lines.append(f"{(f.field + ':').ljust(width + 1)} {_value(f.old)} -> {_value(f.new)}")
    return lines


def _point(point: Point, zone: dt.tzinfo | None, year: bool) -> str:
    if isinstance(point, dt.datetime):
        local = point.astimezone(zone) if zone else point
        return f"{day_text(local.date(), year=year)} {local:%H:%M}"
    return day_text(point, year=year)


def _dates(event: Resolved) -> str:
    fields = date_fields(event)
    if len(fields) == 1 or event.start == event.end:
        return _point(event.start, event.zone, year=True)
    start, end = event.start, event.end
    same_year = date_of(start, event.zone).year == date_of(end, event.zone).year
    return f"{_point(start, event.zone, year=not same_year)} - {_point(end, event.zone, True)}"


def _value(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if len(text) > _LONG:
        text = text[: _LONG - 1] + "\N{HORIZONTAL ELLIPSIS}"
    return '"' + text.replace("\n", " ") + '"'


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _event_dict(event: Resolved) -> dict[str, Any]:
    e = event.event
    return {
        "id": event.id,
        "title": e.title,
        "kind": e.kind,
        "status": e.status,
        "start": iso(event.start),
        "end": iso(event.end),
        "all_day": event.all_day,
        "timezone": event.zone_name,
        "location": e.location,
    }


def _change_dict(change: EventChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "title": change.new.event.title,
        "dates": [
            {
                "field": d.field,
                "old": iso(d.old),
                "new": iso(d.new),
                "shift_days": d.shift_days,
                "shift": shift_text(d),
                "computed": d.computed,
                "chain": [
                    {"id": link.event_id, "field": link.field, "expression": link.expression}
                    for link in d.chain
                ],
            }
            for d in change.dates
        ],
        "fields": [_field_dict(f) for f in change.fields],
    }


def _field_dict(change: FieldChange) -> dict[str, Any]:
    return {"field": change.field, "old": _json(change.old), "new": _json(change.new)}


def _json(value: object) -> object:
    if isinstance(value, tuple):
        return [_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
