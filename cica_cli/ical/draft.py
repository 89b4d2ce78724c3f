"""An ``ics`` component turned into cica's line tree, memoising what ics recomputes per event.

``ical.export`` builds each event with ``ics``; this module reads the result without ics's slow
paths (its text round trip, and arrow's formatting of the same stamps and days for every event).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from ics.grammar.parse import ContentLine
from ics.utils import arrow_to_iso, get_arrow

from .conform import Node, conform_props, conform_tree, parse_component, prop_name
from .revisions import Revision

UTC = dt.UTC


class DraftMemo:
    """What one export computes once and reuses for every event that needs it.

    arrow (through which ics converts and formats every time) is most of ics's cost, and most
    events share their stamps, their alarm leads and many of their days. Arrow objects are
    immutable, so one can serve every event; the memoised lines are exactly the lines ics
    writes for the same values, kept as read.
    """

    def __init__(self) -> None:
        self.arrows: dict[tuple[Any, ...], Any] = {}
        #: what a memoised serializer wrote, read: its lines and their names
        self.lines: dict[tuple[Any, ...], tuple[list[str], list[str]]] = {}
        self.scratch: list[Any] = []  # where the serializers write (they only append)
        self.names: dict[str, str | None] = {}
        self.stamps: dict[dt.datetime, str] = {}

    def arrow(self, value: dt.date) -> Any:
        """``ics.utils.get_arrow(value)``, once per distinct date or date-time.

        The key tells apart what compares equal but is not the same Arrow: a date and a
        date-time, the same instant in two zones, the two readings of an ambiguous local time.
        """
        key = (type(value), value, getattr(value, "tzinfo", None), getattr(value, "fold", 0))
        found = self.arrows.get(key)
        if found is None:
            found = self.arrows[key] = get_arrow(value)
        return found

    def last_modified(self, moment: dt.datetime) -> str:
        """The LAST-MODIFIED line for ``moment``, formatted as ics formats it."""
        instant = moment.astimezone(UTC)
        line = self.stamps.get(instant)
        if line is None:
            iso = arrow_to_iso(get_arrow(instant))
            line = self.stamps[instant] = f"LAST-MODIFIED:{iso}"
        return line


def draft_event(component: Any, memo: DraftMemo) -> Node:
    """``conform_tree(parse_component(component.serialize()))``, without the text round trip.

    The same lines ics writes: its own serializers run as ``Component.serialize`` runs them
    (the list looked up once per class rather than once per component, alarms kept as
    sub-components rather than text), each line is what ``str()`` of ics's ``ContentLine``
    gives, and the serializers in ``_MEMO_KEYS`` run once per distinct value. Anything unusual
    (a line that would not read back as itself) takes the text round trip.
    """
    node = _draft(component, memo)
    return node if node is not None else conform_tree(parse_component(component.serialize()))


def _instant(moment: Any) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def _span(component: Any) -> tuple[Any, ...]:
    # Everything ics's DTSTART/DTEND serializers read: they write instants in UTC (or their
    # UTC dates, when all-day), so equal instants in other zones give the same lines.
    c = component
    return (_instant(c._begin), c._begin_precision, _instant(c._end_time), c._duration)


#: ics serializers whose lines depend only on what the key function returns: they then run
#: once per distinct value (arrow's slow formatting once per distinct stamp, day or alarm
#: lead; an alarm's DESCRIPTION once for all the alarms of its event) rather than once per use.
_MEMO_KEYS: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("VEVENT", "serialize_created"): lambda c: _instant(c.created),
    ("VEVENT", "serialize_last_modified"): lambda c: _instant(c.last_modified),
    ("VEVENT", "serialize_start"): lambda c: (_instant(c._begin), c._begin_precision),
    ("VEVENT", "serialize_all_day"): _span,
    ("VEVENT", "serialize_end"): _span,
    ("VEVENT", "serialize_location"): lambda c: c.location,
    ("VEVENT", "serialize_status"): lambda c: c.status,
    ("VEVENT", "serialize_transparent"): lambda c: c.transparent,
    ("VALARM", "serialize_trigger"): lambda c: (type(c.trigger), c.trigger),
    ("VALARM", "serialize_action"): lambda c: c.action,
    ("VALARM", "serialize_description"): lambda c: c.display_text,
}


#: How many memoised serializer results ``DraftMemo.lines`` holds before it starts again.
_MEMO_SIZE = 4096


def _draft(component: Any, memo: DraftMemo) -> Node | None:
    node = Node(component.extra.name.upper())
    props: list[str] = []
    names: list[str] = []
    # What Component.serialize starts from: the extra lines (not cloned: nothing changes them).
    if not _read(component.extra, memo, props, names):
        return None
    scratch = memo.scratch  # what a serializer writes, until read; empty between serializers
    written = memo.lines
    for output, key_of in _serializers(node.name, component.Meta.serializer):
        if key_of is None:
            output(component, scratch)
            if scratch:
                read = _read(scratch, memo, props, names)
                scratch.clear()
                if not read:
                    return None
        elif key_of is _ALARMS:
            for alarm in component.alarms:
                child = _draft(alarm, memo)
                if child is None:
                    return None
                node.children.append(child)
        else:
            key = (output, key_of(component))
            found = written.get(key)
            if found is None:
                output(component, scratch)
                found = ([], [])
                read = _read(scratch, memo, *found)
                scratch.clear()
                if not read:
                    return None
                if len(written) >= _MEMO_SIZE:  # values that never come back (each event's
                    written.clear()  # reminder text) must not pile up over 100 000 events
                written[key] = found
            props += found[0]
            names += found[1]
    node.props = props
    conform_props(node, names)
    return node


def _alarms(component: Any) -> None:
    """Stands for ``serialize_alarm`` in ``_serializers``: alarms are drafted as children."""


_ALARMS: Callable[[Any], Any] = _alarms


@functools.cache
def _serializers(component: str, serializer: Any) -> list[tuple[Any, Callable[[Any], Any] | None]]:
    """(serializer, memo key or None) in ics's order, looked up once per class; the alarms'
    serializer has the key ``_ALARMS``."""
    return [
        (o, _ALARMS if o.__name__ == "serialize_alarm" else _MEMO_KEYS.get((component, o.__name__)))
        for o in serializer.get_serializers()
    ]


_SUSPECT = frozenset({"", "B", "b", "E", "e"})  # how an empty, BEGIN: or END: line starts


def _read(items: Any, memo: DraftMemo, props: list[str], names: list[str]) -> bool:
    """Append each of ics's content lines to ``props`` and its name to ``names``; False if one
    would not read back as itself (the caller then takes the text round trip)."""
    for item in items:
        if type(item) is ContentLine and not item.params and type(item.value) is str:
            line = f"{item.name}:{item.value}"  # what ContentLine.__str__ gives, without a loop
        elif isinstance(item, ContentLine):
            line = str(item)
        else:  # a sub-component or text: let the round trip read it
            return False
        if "\r" in line or "\n" in line:
            return False
        if line[:1] in _SUSPECT and (not line or line[:6].upper().startswith(("BEGIN:", "END:"))):
            return False
        name = memo.names.get(item.name, "")
        if name == "":
            # ContentLine upper-cases its name; one without ":" or ";" is prop_name(line).
            plain = ":" not in item.name and ";" not in item.name
            name = memo.names[item.name] = item.name.upper() if plain else None
        props.append(line)
        names.append(name if name is not None else prop_name(line))
    return True


def revise(node: Node, revision: Revision, memo: DraftMemo) -> None:
    """Rewrite the drafted event's SEQUENCE and LAST-MODIFIED for ``revision``."""
    for i, prop in enumerate(node.names):
        if prop == "SEQUENCE":
            node.props[i] = f"SEQUENCE:{revision.sequence}"
        elif prop == "LAST-MODIFIED":
            node.props[i] = memo.last_modified(revision.last_modified)
