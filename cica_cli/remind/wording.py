"""How a reminder reads: headlines, subject lines, dates and text made safe for one line."""

from __future__ import annotations

import datetime as dt
import unicodedata

from ..core.dates import Point
from ..core.day_names import day_text
from ..core.schedule import Resolved
from ..views.text import days_away, point_text
from .due import END_ANCHORED, Digest, Reminder


def zoned_point_text(point: Point, zone: dt.tzinfo, zone_name: str) -> str:
    """``point_text`` with the zone's name after a time: ``Wed 28 Aug 2024 10:00 (Asia/Baku)``."""
    text = point_text(point, zone)
    return f"{text} ({zone_name})" if isinstance(point, dt.datetime) else text


def verb(event: Resolved) -> str:
    """What the anchor is: ``ends``, ``due``, ``starts`` or nothing (a milestone)."""
    kind = event.event.kind
    if kind == "deadline":
        return "due"
    if kind in END_ANCHORED:
        return "ends"
    return "" if kind == "milestone" else "starts"


def headline(r: Reminder) -> str:
    """``Silence procedure ... ends in 7 days``: the title with what happens when."""
    return f"{_with_verb(one_line(r.event.event.title), verb(r.event))} {days_away(r.days_left)}"


def _with_verb(title: str, v: str) -> str:
    """``Paper due`` for a deadline titled "Paper" or "Paper due", never "Paper due due"."""
    if not v or title.lower().endswith(" " + v) or title.lower() == v:
        return title
    return f"{title} {v}"


def short_title(title: str, limit: int = 45) -> str:
    """The title cut at a word boundary to fit a subject line."""
    text = one_line(title)
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return (cut or text[: limit - 3]) + "..."


def subject(d: Digest, prefix: str) -> str:
    """``CICA 2024: Silence procedure ends in 7 days (Thu 11 Jul) and 2 more`` for the prefix
    "CICA 2024" (the calendar's name; not yet sanitised)."""
    first = d.reminders[0]
    title = _with_verb(short_title(first.event.event.title), verb(first.event))
    text = f"{prefix}: {title} {days_away(first.days_left)} "
    text += f"({day_text(first.anchor_day, year=False)})"
    if len(d.reminders) > 1:
        text += f" and {len(d.reminders) - 1} more"
    return text


def one_line(text: str) -> str:
    """Text for one line: control, bidi and other invisible format characters and line or
    paragraph separators become spaces; runs of spaces collapse.

    ZWNJ and ZWJ stay: Persian and other scripts spell words with them. Bidi overrides go: they
    can make a title read differently from what it is.
    """
    if not text.isprintable():  # else there is nothing to drop (most titles, descriptions)
        invisible = [c for c in set(text) if _invisible(c)]
        if invisible:
            text = text.translate(dict.fromkeys(map(ord, invisible), " "))
    return " ".join(text.split())


_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_KEEP_FORMAT = frozenset("\u200c\u200d")  # ZERO WIDTH NON-JOINER, ZERO WIDTH JOINER


def _invisible(c: str) -> bool:
    return unicodedata.category(c) in _DROP_CATEGORIES and c not in _KEEP_FORMAT


def late_note(r: Reminder) -> str | None:
    """``due Thu 4 Jul 2024, sent late`` for a reminder sent after its day (missed runs)."""
    if not r.late:
        return None
    return f"due {day_text(r.due_day)}, sent late"


def span_text(r: Reminder) -> str:
    """The occurrence's dates: ``Thu 27 Jun - Thu 11 Jul 2024`` or one day or instant."""
    zone = r.event.zone
    name = r.event.zone_name
    if r.start == r.end:
        return zoned_point_text(r.start, zone, name)
    if isinstance(r.start, dt.datetime) or isinstance(r.end, dt.datetime):
        return f"{zoned_point_text(r.start, zone, name)} - {zoned_point_text(r.end, zone, name)}"
    same_year = r.start.year == r.end.year
    return f"{day_text(r.start, year=not same_year)} - {day_text(r.end)}"
