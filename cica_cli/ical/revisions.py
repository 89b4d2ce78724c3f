"""SEQUENCE and LAST-MODIFIED: each event's revision, remembered by the previous export.

Revisions need a memory of what subscribers were sent. cica keeps none of its own: the memory
is the previous export itself. Each event's content (every line but DTSTAMP, SEQUENCE and
LAST-MODIFIED) is compared with the same UID's content in the file being replaced; unchanged
keeps its SEQUENCE and LAST-MODIFIED, changed gets SEQUENCE + 1 and a newer LAST-MODIFIED. That
is monotonic (a content hash folded into a number would not be), needs no state that a CI
runner or a second machine would lack, and travels with the published file.

Two things keep it monotonic when the file does not show every event:

- Events the file once held but the current selection (``--kind``, ``--tag``, ``--from``,
  ``--to``) leaves out are remembered in ``X-CICA-HISTORY`` lines of the calendar: a digest of
  the UID (so a filtered feed names no event it does not publish), the SEQUENCE, LAST-MODIFIED
  and a digest of the content. When such an event is exported again it continues from there.
- An event deleted from the calendar is published as ``STATUS:CANCELLED`` (same UID, the next
  SEQUENCE, alarms dropped) for ``CANCELLED_DAYS`` days after the export that first left it
  out, marked with ``X-CICA-DELETED:<that day>``; then it joins the history.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ..core.schedule import Resolved, Schedule
from .conform import Node, build_tree, prop_name, prop_order

UTC = dt.UTC
#: How long a deleted event stays in the feed as cancelled (days after the export that first
#: published it so): long enough for a client that polls weekly, or was offline for a while.
CANCELLED_DAYS = 30
HISTORY_PROP = "X-CICA-HISTORY"
DELETED_PROP = "X-CICA-DELETED"
_SHORT = 16  # hex digits kept of a digest in the history (64 bits)

_REVISION_PROPS = frozenset({"DTSTAMP", "SEQUENCE", "LAST-MODIFIED"})
_REVISION_INITIALS = frozenset("DSLdsl")  # a quick test before prop_name


class Revision(NamedTuple):
    """What a subscriber needs to tell a changed event from an unchanged one."""

    sequence: int
    last_modified: dt.datetime  # UTC


def revision_of(node: Node, old: tuple[str, Revision] | None, stamp: dt.datetime) -> Revision:
    """The drafted event's revision, given its (fingerprint, revision) in the export replaced.

    New events start at SEQUENCE 0 with ``stamp``; an unchanged one keeps its revision; a
    changed one gets the next SEQUENCE and a LAST-MODIFIED after the previous one.
    """
    if old is None:
        return Revision(0, stamp)
    if old[0] and _fingerprint(node).startswith(old[0]):  # the history keeps a short digest
        return old[1]
    later = max(stamp, old[1].last_modified + dt.timedelta(seconds=1))
    return Revision(old[1].sequence + 1, later)


def _fingerprint(node: Node) -> str:
    """A digest of everything an event says except when it was stamped and its revision.

    ``node`` is conformed, so ``node.names`` holds its properties' names.
    """
    props = zip(node.props, node.names, strict=True)
    lines = [p for p, name in props if name not in _REVISION_PROPS]
    for child in node.children:
        lines.extend(child.lines())
    return _digest(lines)


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def uid_digest(uid: str) -> str:
    """How the history names an event: a digest of its UID, which says nothing of the event."""
    return hashlib.sha256(uid.encode("utf-8")).hexdigest()[:_SHORT]


@dataclass
class Previous:
    """What the export being replaced remembers."""

    #: UID -> (fingerprint, revision) of each VEVENT it holds
    events: dict[str, tuple[str, Revision]] = field(default_factory=dict)
    #: uid_digest -> (short fingerprint, revision) of events it held once but no longer shows
    history: dict[str, tuple[str, Revision]] = field(default_factory=dict)
    #: UID -> VEVENT, for its events whose UID is not in ``keep`` (deleted since)
    gone: dict[str, Node] = field(default_factory=dict)


def history_line(key: str, fingerprint: str, revision: Revision) -> str:
    """One ``X-CICA-HISTORY`` line: UID digest, SEQUENCE, LAST-MODIFIED, content digest."""
    stamp = revision.last_modified.strftime("%Y%m%dT%H%M%SZ")
    return f"{HISTORY_PROP}:{key} {revision.sequence} {stamp} {fingerprint[:_SHORT]}"


def _read_history(line: str) -> tuple[str, tuple[str, Revision]] | None:
    parts = line.split(":", 1)[1].split() if ":" in line else []
    if len(parts) != 4:
        return None
    key, sequence, stamp, fingerprint = parts
    try:
        modified = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return key, (fingerprint, Revision(int(sequence), modified))
    except ValueError:
        return None


def read_previous(data: bytes, keep: Container[str]) -> Previous:
    """What the previous export remembers; nothing if it cannot be read. The VEVENTs whose UID
    is not in ``keep`` are kept whole, in ``gone``."""
    found = Previous()
    try:
        text = data.decode("utf-8")
        root = build_tree(re.sub(r"\r\n[ \t]", "", text).split("\r\n"))
    except (UnicodeDecodeError, ValueError, IndexError):
        return found
    for line in root.props:
        if line[:15].upper() == HISTORY_PROP + ":":
            entry = _read_history(line)
            if entry is not None:
                found.history[entry[0]] = entry[1]
    found.events = _previous_revisions(root, keep, found.gone)
    return found


def _previous_revisions(
    root: Node, keep: Container[str], gone: dict[str, Node]
) -> dict[str, tuple[str, Revision]]:
    """UID -> (fingerprint, revision) of the VEVENTs in ``root``."""
    found: dict[str, tuple[str, Revision]] = {}
    stamps: dict[str, dt.datetime] = {}  # most events share a LAST-MODIFIED: parse each once
    for node in root.children:
        if node.name != "VEVENT":
            continue
        values, content = _read_event(node)
        uid = values.get("UID")
        try:
            sequence = int(values.get("SEQUENCE") or "0")
            text = values.get("LAST-MODIFIED") or ""
            modified = stamps.get(text)
            if modified is None:
                modified = dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                stamps[text] = modified
        except ValueError:
            continue
        if uid:
            found[uid] = (_digest(content), Revision(sequence, modified))
            if uid not in keep:
                gone[uid] = node
    return found


def _read_event(node: Node) -> tuple[dict[str, str], list[str]]:
    """The first UID, SEQUENCE and LAST-MODIFIED values, and the lines ``_fingerprint`` digests.

    One pass over the lines for both, each line's name read at most once: the same results as
    ``_value_of`` for each value and as ``_fingerprint``'s selection of lines.
    """
    values: dict[str, str] = {}
    content: list[str] = []
    for line in node.props:
        first = line[:1]
        if first in _INITIALS:
            name = prop_name(line)
            if first in _KEY_INITIALS and name in _KEY_PROPS and name not in values:
                values[name] = line.split(":", 1)[1] if ":" in line else ""
            if first in _REVISION_INITIALS and name in _REVISION_PROPS:
                continue
        content.append(line)
    for child in node.children:
        content.extend(child.lines())
    return values, content


_KEY_PROPS = frozenset({"UID", "SEQUENCE", "LAST-MODIFIED"})
_KEY_INITIALS = frozenset("USLusl")
_INITIALS = _KEY_INITIALS | _REVISION_INITIALS


# What an export carries from the one it replaces


def stable_uid(calendar_name: str, event_id: str) -> str:
    """The event's UID: the same for the same calendar and id, whatever else changes.

    The id is kept readable; a digest of the calendar's name keeps two calendars that reuse an id
    (``soc`` in 2024 and in 2025) apart when someone subscribes to both.
    """
    return f"{event_id}.{_name_digest(calendar_name)}@cica"


@functools.lru_cache(maxsize=16)  # one calendar name per export, thousands of events
def _name_digest(calendar_name: str) -> str:
    return hashlib.sha256(calendar_name.encode("utf-8")).hexdigest()[:12]


@dataclass
class Memory:
    """What this export carries from the one it replaces."""

    revisions: Mapping[str, tuple[str, Revision]]  # UID -> (fingerprint, revision)
    history: list[str]  # X-CICA-HISTORY lines
    cancelled: list[list[str]]  # VEVENTs of deleted events, as lines


def remembered(
    schedule: Schedule,
    events: Sequence[Resolved],
    previous: bytes,
    stamp: dt.datetime,
    today: dt.date,
) -> Memory:
    """Revisions for ``events``, the history of the rest, and the deleted events to cancel."""
    calendar_name = schedule.settings.name
    in_calendar = {stable_uid(calendar_name, i) for i in schedule.events}
    before = read_previous(previous, keep=in_calendar)
    selected = {stable_uid(calendar_name, e.id) for e in events}
    revisions = before.events
    history = before.history
    if history:
        for uid in selected:
            old = history.pop(uid_digest(uid), None)
            if old is not None and uid not in revisions:
                revisions[uid] = old
    cancelled: list[list[str]] = []
    for uid, (fingerprint, revision) in before.events.items():
        if uid in selected:
            continue
        node = before.gone.get(uid)
        if node is not None and not uid.endswith("@cica"):
            continue  # not cica's (the file was someone else's): neither cancelled nor kept
        if node is not None:
            deleted_on = _deleted_on(node)
            if deleted_on is None:  # deleted since the previous export: cancel it now
                cancelled.append(_cancelled(node, revision, stamp, today))
                continue
            if (today - deleted_on).days < CANCELLED_DAYS:
                cancelled.append(_restamped(node, stamp))
                continue
        history[uid_digest(uid)] = (fingerprint, revision)
    lines = [history_line(key, *entry) for key, entry in sorted(history.items())]
    return Memory(revisions, lines, sorted(cancelled))


def _stamp_text(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _deleted_on(node: Node) -> dt.date | None:
    """The day a cancelled event was first published as deleted (its ``X-CICA-DELETED``)."""
    for line in node.props:
        if prop_name(line) == DELETED_PROP:
            try:
                return dt.datetime.strptime(line.split(":", 1)[1], "%Y%m%d").date()
            except (IndexError, ValueError):
                return None
    return None


def _cancelled(node: Node, revision: Revision, stamp: dt.datetime, today: dt.date) -> list[str]:
    """The deleted event as published last time, now ``STATUS:CANCELLED`` with the next
    SEQUENCE, without alarms, its zoned times in UTC (its VTIMEZONE may be gone)."""
    later = max(stamp, revision.last_modified + dt.timedelta(seconds=1))
    replaced = {
        "DTSTAMP": f"DTSTAMP:{_stamp_text(stamp)}",
        "SEQUENCE": f"SEQUENCE:{revision.sequence + 1}",
        "LAST-MODIFIED": f"LAST-MODIFIED:{_stamp_text(later)}",
        "STATUS": "STATUS:CANCELLED",
    }
    props = []
    for line in node.props:
        name = prop_name(line)
        if name in replaced:
            props.append(replaced.pop(name))
        elif name in ("DTSTART", "DTEND", "EXDATE"):
            props.append(_in_utc(line))
        else:
            props.append(line)
    props.extend(replaced.values())  # any the event lacked
    props.append(f"{DELETED_PROP}:{today:%Y%m%d}")
    order = prop_order("VEVENT", tuple(prop_name(p) for p in props))
    return ["BEGIN:VEVENT", *(props[i] for i in order), "END:VEVENT"]


def _restamped(node: Node, stamp: dt.datetime) -> list[str]:
    """A cancelled event carried over as it was, but for this export's DTSTAMP."""
    props = [
        f"DTSTAMP:{_stamp_text(stamp)}" if prop_name(p) == "DTSTAMP" else p for p in node.props
    ]
    return ["BEGIN:VEVENT", *props, "END:VEVENT"]


def _in_utc(line: str) -> str:
    """``DTSTART;TZID=Europe/Berlin:20240701T100000`` -> ``DTSTART:20240701T080000Z`` (each
    value of a list, as in EXDATE)."""
    head, _, value = line.partition(":")
    name, *params = head.split(";")
    zone_name = next((p[5:] for p in params if p.upper().startswith("TZID=")), None)
    if zone_name is None:
        return line
    from ..core.zones import UnknownZoneError, get_zone

    try:
        zone = get_zone(zone_name.strip('"'))
        moments = [
            dt.datetime.strptime(v, "%Y%m%dT%H%M%S").replace(tzinfo=zone) for v in value.split(",")
        ]
    except (ValueError, UnknownZoneError):
        return line
    return f"{name}:{','.join(_stamp_text(m) for m in moments)}"
