"""SEQUENCE and LAST-MODIFIED: each event's revision, remembered by the previous export.

Revisions need a memory of what subscribers were sent. cica keeps none of its own: the memory
is the previous export itself. Each event's content (every line but DTSTAMP, SEQUENCE and
LAST-MODIFIED) is compared with the same UID's content in the file being replaced; unchanged
keeps its SEQUENCE and LAST-MODIFIED, changed gets SEQUENCE + 1 and a newer LAST-MODIFIED. That
is monotonic (a content hash folded into a number would not be), needs no state that a CI
runner or a second machine would lack, and travels with the published file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from .conform import _Node, _prop_name, _tree

UTC = dt.UTC

_REVISION_PROPS = frozenset({"DTSTAMP", "SEQUENCE", "LAST-MODIFIED"})
_REVISION_INITIALS = frozenset("DSLdsl")  # a quick test before _prop_name


@dataclass(frozen=True)
class Revision:
    """What a subscriber needs to tell a changed event from an unchanged one."""

    sequence: int
    last_modified: dt.datetime  # UTC


def _revision(node: _Node, old: tuple[str, Revision] | None, stamp: dt.datetime) -> Revision:
    """The drafted event's revision, given its (fingerprint, revision) in the export replaced.

    New events start at SEQUENCE 0 with ``stamp``; an unchanged one keeps its revision; a
    changed one gets the next SEQUENCE and a LAST-MODIFIED after the previous one.
    """
    if old is None:
        return Revision(0, stamp)
    if old[0] == _fingerprint(node):
        return old[1]
    later = max(stamp, old[1].last_modified + dt.timedelta(seconds=1))
    return Revision(old[1].sequence + 1, later)


def _fingerprint(node: _Node) -> str:
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


def _previous_revisions(data: bytes) -> dict[str, tuple[str, Revision]]:
    """UID -> (fingerprint, revision) from a previous export; {} if it cannot be read."""
    try:
        text = data.decode("utf-8")
        root = _tree(re.sub(r"\r\n[ \t]", "", text).split("\r\n"))
    except (UnicodeDecodeError, ValueError, IndexError):
        return {}
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
    return found


def _read_event(node: _Node) -> tuple[dict[str, str], list[str]]:
    """The first UID, SEQUENCE and LAST-MODIFIED values, and the lines ``_fingerprint`` digests.

    One pass over the lines for both, each line's name read at most once: the same results as
    ``_value_of`` for each value and as ``_fingerprint``'s selection of lines.
    """
    values: dict[str, str] = {}
    content: list[str] = []
    for line in node.props:
        first = line[:1]
        if first in _INITIALS:
            name = _prop_name(line)
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
