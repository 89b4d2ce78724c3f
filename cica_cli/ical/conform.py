"""What ics 0.7.3 serialised -> conforming RFC 5545 bytes: every fix cica makes, in one place.

``export`` builds the calendar with ``ics``; ``parse_component`` here reads what ics wrote back
as components, ``conform_tree`` puts properties first and in a fixed order and writes alarm
triggers in days; ``_emit`` folds the lines and ends each in CRLF. The comment block below lists
every place where ics 0.7.3 falls short of RFC 5545 (the numbers refer to the table in
``docs/ics.md``), including the fixes made while building. This module never imports
``ics``: only ``export`` does, and only while exporting.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from ..core.safe_text import paragraphs

# --------------------------------------------------------------------------------------------
# Where ics 0.7.3 falls short of RFC 5545: every fix, in one place
# --------------------------------------------------------------------------------------------
# Fixes made while building (above), each marked "fix N" where it happens:
#   5  DTSTAMP: ics writes one only from `created=`; cica passes the stable UTC stamp.
#   6  UID: ics makes a random uuid4 per run; cica passes stable_uid() (calendar + event id).
#   7  PRODID: `creator=` gives the -//cica//cica X.Y//EN form.
#   8  Time zones: ics writes every DATE-TIME in UTC and has no VTIMEZONE. A single timed event
#      is written in UTC (the instant is right in every client, whatever its tz database says:
#      Kazakhstan's 2024 change is missing from older ones). A *repeating* timed event needs
#      its zone, or "every Monday 10:00" drifts an hour at each DST change: cica writes
#      DTSTART;TZID=... itself and adds the VTIMEZONE (built from tzdata, vtimezone_lines below), so
#      there is never a TZID without its VTIMEZONE. Naive datetimes never reach ics.
#   9  All-day items from plain dates with an explicit exclusive DTEND (_set_all_day).
#   11 METHOD in `extra` so that it precedes the components (ics puts `cal.method` last).
#   12 X-WR-CALNAME, NAME, X-WR-CALDESC escaped by cica (ics passes `extra` through as is).
#   14 CATEGORIES written in a fixed order; the events re-ordered to file order (conform_tree).
# Fixes made here, on what ics wrote:
#   2  CRLF after END:VCALENDAR (ics joins lines with CRLF but ends without one).
#   3  Lines folded at 75 octets, never inside a UTF-8 character (ics never folds).
#   4a CR in text: ics writes a CR as "\r", which is no TEXT escape (parsers show a literal \r);
#      ical_text() turns CRLF and CR into LF before ics sees the text, and applies the rule every
#      calendar text follows (core/safe_text.py): no control characters, which RFC 5545 TEXT
#      cannot hold at all (TAB stays), no escape sequences, no bidi overrides.
#   4b URL: ics escapes "," and ";" in URL as if it were TEXT, which breaks the link in vobject,
#      ical and ical.js; cica adds URL as a raw content line, percent-encoding only what a URI
#      cannot contain (so a hostile `source` cannot break the line either).
#   10 VALARM placement: ics writes alarms before DTSTART and the other properties; RFC 5545's
#      ABNF puts every property before the sub-components and Outlook 365 rejects the other
#      order. conform_tree() moves properties first in every component.
#   -  TRIGGER in days: ics writes a 7-day lead as -P1W; valid, but cica writes -P7D, the lead
#      time as users wrote and will see it.
#   13 UTF-8 without BOM, written as bytes (never text mode, which would apply the locale and,
#      on Windows, turn CRLF into CRCRLF).
# (The fixes made while building are in export.py; vtimezone_lines is in vtimezone.py.)

_URI_SAFE = "!#$%&'()*+,-./:;=?@[]_~"  # RFC 3986 reserved and unreserved marks
#: Characters quote() never encodes: its own safe ones (letters, digits, "_.-~") and _URI_SAFE.
_URI_PLAIN = re.compile(r"[A-Za-z0-9_.\-~!#$%&'()*+,/:;=?@\[\]]*")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S")

#: Property order in the output: readable, and fixed whatever order ics used.
_ORDER = {
    "VCALENDAR": ("VERSION", "PRODID", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME"),
    "VEVENT": (
        "UID", "DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "DTSTART", "DTEND", "RRULE", "EXDATE",
        "SUMMARY", "LOCATION", "DESCRIPTION", "URL", "CATEGORIES", "STATUS", "TRANSP",
    ),
    "VALARM": ("ACTION", "TRIGGER", "DESCRIPTION"),
}  # fmt: skip
_RANKS = {
    component: {name: i for i, name in enumerate(names)} for component, names in _ORDER.items()
}


def normalize_text(value: str) -> str:
    """Text as it will read back from the file (fix 4a): line breaks as LF, no control chars,
    no escape sequences or bidi overrides (``safe_text.paragraphs``)."""
    return paragraphs(value)


def ical_text(value: str) -> str:
    return normalize_text(value)


def _url(source: str | None) -> str | None:
    """``source`` as a raw URI value (fix 4b), or None when it is not a URL."""
    if not source or not _SCHEME.match(source.strip()):
        return None
    if _URI_PLAIN.fullmatch(source.strip()):  # what quote() would return unchanged
        return source.strip()
    from urllib.parse import quote

    return quote(source.strip(), safe=_URI_SAFE)


@dataclass
class Node:
    """One component: its content lines (unfolded) and its sub-components."""

    name: str
    props: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    names: Sequence[str] = ()  # the props' names, once conformed (see conform_props)

    def lines(self) -> list[str]:
        # Properties, then sub-components: the order RFC 5545's ABNF requires (fix 10).
        lines = [f"BEGIN:{self.name}", *self.props]
        for child in self.children:
            lines += child.lines()
        lines.append(f"END:{self.name}")
        return lines


def parse_component(text: str) -> Node:
    """What ics serialised (one component, CRLF-separated) as a tree of unfolded lines."""
    if "\n" in text.replace("\r\n", "") or "\r" in text.replace("\r\n", ""):
        # Every value was normalised and escaped; a bare CR or LF would be an injection.
        raise AssertionError("bare line break in serialised calendar")
    return build_tree(text.split("\r\n"))


def conform_tree(node: Node) -> Node:
    """``node`` and its sub-components: properties in a fixed order, triggers in days."""
    for part in _walk(node):
        conform_props(part, [prop_name(p) for p in part.props])
    return node


def conform_props(part: Node, names: list[str]) -> None:
    """``part``'s own properties in the fixed order (stable), its triggers in days.

    ``names[i]`` is ``prop_name(part.props[i])``: ``draft`` knows the names of the lines
    it reads and passes them, rather than have every line parsed again here. They are kept, in
    the new order, as ``part.names``.
    """
    order = prop_order(part.name, tuple(names))
    props = part.props
    part.names = [names[i] for i in order]
    if part.name == "VALARM":
        part.props = [
            _trigger_in_days(props[i]) if names[i] == "TRIGGER" else props[i] for i in order
        ]
    else:
        part.props = [props[i] for i in order]


@functools.lru_cache(maxsize=1024)  # a few shapes of component: one sort each
def prop_order(component: str, names: tuple[str, ...]) -> tuple[int, ...]:
    """Indices of ``names`` sorted (stably) by rank in ``_ORDER``; unknown names go last."""
    ranks = _RANKS.get(component, {})
    last = len(ranks)
    return tuple(sorted(range(len(names)), key=lambda i: ranks.get(names[i], last)))


def build_tree(lines: Iterable[str]) -> Node:
    stack: list[Node] = []
    root: Node | None = None
    props: list[str] | None = None  # the innermost open component's
    for line in lines:
        # Only an empty line or one starting with B or E can be special (no other character
        # upper-cases to either): the rest, nearly every line, go straight to the component.
        if line[:1] in _MARKS:
            if not line:
                continue
            upper = line[:6].upper()  # enough to tell BEGIN: and END: from a property
            if upper.startswith("BEGIN:"):
                node = Node(line[6:].upper())
                if stack:
                    stack[-1].children.append(node)
                else:
                    root = node
                stack.append(node)
                props = node.props
                continue
            if upper.startswith("END:"):
                stack.pop()
                props = stack[-1].props if stack else None
                continue
        if props is not None:
            props.append(line)
    if root is None:
        raise ValueError("no component")
    return root


_MARKS = frozenset({"", "B", "b", "E", "e"})


def _walk(node: Node) -> Iterator[Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def prop_name(line: str) -> str:
    # The name ends at the first ";" or ":", whichever comes first.
    return line.partition(":")[0].partition(";")[0].upper()


def _value_of(node: Node, name: str) -> str | None:
    for line in node.props:
        if prop_name(line) == name:
            return line.split(":", 1)[1] if ":" in line else ""
    return None


@functools.lru_cache(maxsize=256)  # a calendar has a handful of distinct leads
def _trigger_in_days(line: str) -> str:
    if prop_name(line) != "TRIGGER" or ";" in line.split(":", 1)[0]:
        return line
    return "TRIGGER:" + _duration(_read_duration(line.split(":", 1)[1]))


def _read_duration(text: str) -> dt.timedelta:
    m = re.fullmatch(r"([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", text)
    if m is None:
        raise ValueError(f"not a duration: {text!r}")
    w, d, h, mi, s = (int(g) if g else 0 for g in m.groups()[1:])
    delta = dt.timedelta(weeks=w, days=d, hours=h, minutes=mi, seconds=s)
    return -delta if m.group(1) == "-" else delta


def _duration(delta: dt.timedelta) -> str:
    """RFC 5545 DURATION in days and time: ``-P7D``, ``-PT2H``, ``PT0S``."""
    sign = "-" if delta < dt.timedelta(0) else ""
    total = abs(int(delta.total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    text = (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
    return f"{sign}P{text}" if text else "PT0S"


def _fold(line: str) -> Iterator[bytes]:
    """One content line as physical lines of at most 75 octets (fix 3).

    Breaks fall between characters, never inside a UTF-8 sequence; each continuation starts
    with a space, which counts towards its 75 octets.
    """
    data = line.encode("utf-8")
    # Each part holds as many whole characters as fit: cut at the room left, then back off over
    # continuation octets (0b10xxxxxx) to the start of the character that would not fit.
    start, room, lead = 0, 75, b""
    while len(data) - start > room:
        cut = start + room
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        yield lead + data[start:cut]
        start, room, lead = cut, 74, b" "
    yield lead + data[start:]


def _emit(lines: Iterable[str]) -> bytes:
    # Fixes 2, 3 and 13: every line (the last too) ends in CRLF, folded, UTF-8 without BOM.
    lines = list(lines)
    if "".join(lines).isascii():  # one octet per character: fold by slicing, as _fold would
        out = [line if len(line) <= 75 else _fold_ascii(line) for line in lines]
    else:
        out = [line if len(line) <= 75 and line.isascii() else _fold_text(line) for line in lines]
    out.append("")
    return "\r\n".join(out).encode("utf-8")


def _fold_ascii(line: str) -> str:
    return "\r\n ".join([line[:75], *(line[i : i + 74] for i in range(75, len(line), 74))])


def _fold_text(line: str) -> str:
    """``_fold``'s physical lines, joined by CRLF, as text (each part is whole characters)."""
    return b"\r\n".join(_fold(line)).decode("utf-8")
