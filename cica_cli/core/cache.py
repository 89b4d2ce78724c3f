"""A cache of resolved calendars, so that ``cica next`` in a shell prompt costs milliseconds.

Parsing, validating and resolving a calendar is most of what a command does, and the result
depends only on the file's bytes and on the code that reads them. So the ``Schedule`` of a calendar
that loaded without problems is kept in ``$XDG_CACHE_HOME/cica/`` (one file per calendar path),
under a key made of:

- the BLAKE2b (256-bit) digest of the calendar's bytes, and
- a fingerprint of everything that turns bytes into a schedule: cica's version and the size and
  modification time of each of its modules, the Python version, and the installed
  pydantic-core, python-dateutil, toml-rs, tzdata (whose zone rules place timed events) and
  holidays (whose public holidays move working-day offsets).

A lookup reads the file's first line and compares keys; any difference is a miss. So is anything
else that goes wrong (no folder, no permission, a truncated or foreign file): a miss loads the
calendar the normal way and rewrites the entry, atomically (a temporary file renamed into place).
Nothing here imports pydantic or rich: a hit costs a hash, an unmarshal and a few objects.

The body is in ``marshal`` format, the one Python's own ``__pycache__`` files use, with the same
trust: the folder is the user's and private (0700). It is written and read three times as fast
as JSON, and the key (which includes the Python version, whose marshal format may change) is
checked before it is read. Values are plain lists, strings, numbers and None; dates as ISO text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import __version__

# What hashlib offers as blake2b, without hashlib's import of OpenSSL: `import hashlib` took
# 3-5 ms (its _hashlib), `import _blake2` 0.3-0.5 ms (python -X importtime, re-measured for
# issue 12), against about 45 ms for a whole warm `cica next`. Kept: that is measurable.
try:
    from _blake2 import blake2b as _blake2b
except ImportError:  # an interpreter built without it
    from hashlib import blake2b as _blake2b
from .. import paths
from .model import CalendarSettings, Event
from .schedule import Resolved, Schedule
from .workdays import keep_data_in
from .zones import get_zone

if TYPE_CHECKING:
    from .dates import Point

#: Bump when the layout below changes.
FORMAT = 4
#: Packages whose behaviour the schedule depends on (found without importing them).
_DEPENDENCIES = ("pydantic_core", "dateutil", "tzdata", "toml_rs", "holidays")


_EVENT_FIELDS = Event._fields
_DATE_VALUED = tuple(_EVENT_FIELDS.index(name) for name in ("date", "start", "end"))
_SKIPPED = _EVENT_FIELDS.index("except_")


def read_calendar(path: Path) -> bytes:
    """The bytes of the calendar at ``path`` (``CalendarNotFoundError`` if it cannot be read)."""
    return paths.read_calendar(path)


def load_schedule(path: Path, cache_dir: Path | None, data: bytes | None = None) -> Schedule:
    """The schedule of the calendar at ``path``: from the cache if it has it, else loaded and
    kept.

    ``cache_dir`` None means no cache; ``data``: the file's bytes, if already read. Errors are
    those of ``loader.load``; the cache itself never raises.
    """
    if data is None:
        data = read_calendar(path)
    keep_data_in(cache_dir)  # the countries' days off, which a miss may need
    entry, key = _entry(path, cache_dir, data)  # the file's digest, taken once
    if entry is not None and key is not None:
        schedule = _read(entry, key)
        if schedule is not None:
            return schedule
    from .loader import loads

    schedule = loads(data, str(path), path).schedule
    if entry is not None and key is not None:
        _write(entry, key, schedule)
    return schedule


class Cached(NamedTuple):
    """A schedule as the cache held it, with its events' rows as stored: an edit that keeps the
    edited schedule encodes only the events it changed (``store_schedule``'s ``read``)."""

    schedule: Schedule
    rows: list[list[Any]]


def cached_schedule(path: Path, cache_dir: Path | None, data: bytes) -> Cached | None:
    """The cache's schedule of ``path`` holding ``data``, or None (a miss). Never raises."""
    keep_data_in(cache_dir)  # the countries' days off, which a miss may need
    entry, key = _entry(path, cache_dir, data)
    return None if entry is None or key is None else _read_entry(entry, key)


def store_schedule(
    path: Path,
    cache_dir: Path | None,
    data: bytes,
    schedule: Schedule,
    read: Cached | None = None,
) -> None:
    """Keep ``schedule`` as the entry of ``path`` holding ``data`` (an edit just wrote them), so
    that the next command is served from the cache. ``read``: the entry the edit started from;
    the rows of the events ``schedule`` shares with it (the very same records) are kept as they
    were, not encoded again. Never raises."""
    entry, key = _entry(path, cache_dir, data)
    if entry is not None and key is not None:
        _write(entry, key, schedule, read)


def _entry(path: Path, cache_dir: Path | None, data: bytes) -> tuple[Path | None, str | None]:
    if cache_dir is None:
        return None, None
    try:
        return cache_dir / f"{_digest(os.fsencode(path.absolute()))}.cache", cache_key(data)
    except Exception:  # e.g. cica's own files cannot be looked at: no cache, no error
        return None, None


def cache_key(data: bytes) -> str:
    """The key of a calendar's entry: its content and the code that resolves it."""
    return _digest(f"{_fingerprint()}\n".encode() + data)


def _digest(data: bytes) -> str:
    return _blake2b(data, digest_size=32).hexdigest()


@cache
def _fingerprint() -> str:
    parts: list[object] = [FORMAT, __version__, sys.version, sys.implementation.cache_tag]
    package = Path(__file__).parent
    for module in sorted(package.glob("*.py")):
        st = module.stat()
        parts.append((module.name, st.st_mtime_ns, st.st_size))
    from importlib.util import find_spec

    for name in _DEPENDENCIES:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is None:
            parts.append((name, None))
            continue
        st = os.stat(origin)
        parts.append((name, origin, st.st_mtime_ns, st.st_size))
    return _digest(repr(parts).encode())


def _read(entry: Path, key: str) -> Schedule | None:
    read = _read_entry(entry, key)
    return None if read is None else read.schedule


def _read_entry(entry: Path, key: str) -> Cached | None:
    try:
        with entry.open("rb") as handle:
            if handle.readline().rstrip(b"\n") != key.encode():
                return None
            doc = marshal.loads(handle.read())
        return Cached(_decode(doc), doc["events"])
    except Exception:  # any problem with the cache is a miss, never an error
        return None


def _write(entry: Path, key: str, schedule: Schedule, read: Cached | None = None) -> None:
    from ..atomic import write_private

    try:
        write_private(entry, key.encode() + b"\n" + marshal.dumps(_encode(schedule, read)))
        with contextlib.suppress(OSError):  # the entry as cica 0.1 wrote it (JSON), if any
            os.unlink(entry.with_suffix(".json"))
    except Exception:  # a cache that cannot be written is no cache: the answer stands
        pass


# The layout: {"event_fields": model.Event's field names, in order (a lookup whose names differ
# is a miss), "settings": {...}, "events": [[id, [the fields of model.Event, in order], zone,
# start, end, computed, depends_on, country], ...], "dependents": {id: (ids)}}, tuples staying
# tuples. A resolved point is a date "2024-06-27" or a wall-clock date-time in the event's zone
# ["2024-06-27T10:00:00", fold]; a raw `date`, `start` or `end` keeps its TOML type: a string
# stays a string, a date or date-time becomes ["d", iso]; `except` is a tuple of ISO days.


class _Uncacheable(Exception):
    """A value this layout cannot hold exactly: such a calendar is simply not cached."""


def _encode(schedule: Schedule, read: Cached | None = None) -> dict[str, Any]:
    s = schedule.settings
    settings = {
        "name": s.name,
        "description": s.description,
        "timezone": s.timezone,
        "remind": list(s.remind),
        "holidays": [d.isoformat() for d in s.holidays],
        "country": s.country,
        "workdays": [d.isoformat() for d in s.workdays],
    }
    stored: dict[str, tuple[Resolved, list[Any]]] = {}
    if read is not None:  # an event still resolved as it was read is stored as it was
        pairs = zip(read.schedule.events.values(), read.rows, strict=True)
        stored = {r.id: (r, row) for r, row in pairs}
    events = []
    for r in schedule.events.values():
        same = stored.get(r.id)
        events.append(same[1] if same is not None and same[0] is r else _encode_resolved(r))
    dependents = {k: v for k, v in schedule.dependents.items() if v}
    return {
        "event_fields": _EVENT_FIELDS,
        "settings": settings,
        "events": events,
        "dependents": dependents,
    }


def _encode_resolved(r: Resolved) -> list[Any]:
    return [
        r.id,
        _encode_event(r.event),
        r.zone_name,
        _encode_point(r.start, r.zone_name),
        _encode_point(r.end, r.zone_name),
        dict(r.computed),
        r.depends_on,
        r.country,
    ]


def _encode_event(event: Event) -> list[Any]:
    # The record's fields in order. Text, None and tuples of text are kept as they are (marshal
    # keeps tuples as tuples, and refuses what it cannot hold, which leaves the calendar uncached).
    out: list[Any] = list(event)
    for i in _DATE_VALUED:
        value = out[i]
        if isinstance(value, dt.date):  # a TOML date or date-time in `date`, `start` or `end`
            out[i] = ["d", value.isoformat()]
    out[_SKIPPED] = tuple(day.isoformat() for day in event.except_)  # `except`: days
    return out


def _encode_point(point: Point, zone_name: str) -> str | list[Any]:
    if not isinstance(point, dt.datetime):
        return point.isoformat()
    if point.tzinfo is not get_zone(zone_name):
        raise _Uncacheable(zone_name)
    return [point.replace(tzinfo=None).isoformat(), point.fold]


def _decode(doc: dict[str, Any]) -> Schedule:
    if doc["event_fields"] != _EVENT_FIELDS:
        # Written when ``Event`` had other fields, or the same in another order: reading its
        # rows by position would put values in the wrong fields. A miss, never a misread.
        raise _Uncacheable("the event fields changed")
    s = doc["settings"]
    settings = CalendarSettings(
        name=s["name"],
        description=s["description"],
        timezone=s["timezone"],
        remind=tuple(s["remind"]),
        holidays=tuple(dt.date.fromisoformat(d) for d in s["holidays"]),
        country=s["country"],
        workdays=tuple(dt.date.fromisoformat(d) for d in s["workdays"]),
    )
    events: dict[str, Resolved] = {}
    for event_id, fields, zone_name, start, end, computed, depends_on, country in doc["events"]:
        zone = get_zone(zone_name)
        events[event_id] = Resolved(
            id=event_id,
            event=_decode_event(fields),
            zone_name=zone_name,
            start=_decode_point(start, zone),
            end=_decode_point(end, zone),
            computed=computed,
            depends_on=depends_on,
            country=country,
        )
    dependents = {eid: tuple(doc["dependents"].get(eid, ())) for eid in events}
    return Schedule(settings, events, dependents)


def _decode_event(stored: list[Any]) -> Event:
    fields = stored.copy()  # the stored row stays as it was read (see ``Cached``)
    for i in _DATE_VALUED:
        value = fields[i]
        if value.__class__ is list:
            iso = value[1]
            is_day = len(iso) == 10
            fields[i] = dt.date.fromisoformat(iso) if is_day else dt.datetime.fromisoformat(iso)
    skipped = fields[_SKIPPED]
    if skipped:
        fields[_SKIPPED] = tuple(dt.date.fromisoformat(day) for day in skipped)
    return Event._make(fields)


def _decode_point(value: str | list[Any], zone: dt.tzinfo) -> Point:
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return dt.datetime.fromisoformat(value[0]).replace(tzinfo=zone, fold=value[1])
