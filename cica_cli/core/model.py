"""The calendar file as records: ``[calendar]`` and each ``[events.<id>]`` table, immutable.

These are what the rest of cica reads, whether a table was just checked by ``schema`` (which
holds the rules: types, required fields, allowed values, no unknown fields) or read back from
the cache. What needs the rest of the calendar (date expressions, references, time-zone names,
offsets) is checked by ``schedule``.

One record idiom: cica's domain records, here and wherever the calendar and what is computed
from it travel (``schedule.Resolved``, ``agenda.Item``, ``leads.Lead``, the reminders of
``remind.due``...), are NamedTuples, because they are values: immutable, compared and
hashed by content, and made positionally from what the validator or the cache hands over,
with nothing to import beyond ``typing``. The cache stores ``Event``'s rows by position, so it
also stores the field names and treats other names or another order as a miss (``cache``).
The same holds for the other values cica passes around (``remind.settings.Settings``, a
reminder run's ``Preview`` and ``Delivered``, ``ical.options.ExportOptions``, a ``Revision``).
Dataclasses are for what is not such a value: state that a run builds up as it goes
(``remind.run.RunReport``, ``ical.revisions.Memory``, the ``ical.conform.Node`` tree being
rewritten), and ``remind.settings.Smtp``, whose password must stay out of its ``repr``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, NamedTuple, get_args

Kind = Literal["meeting", "conference", "procedure", "deadline", "milestone", "period"]
Status = Literal["planned", "done", "cancelled"]
KINDS: tuple[str, ...] = get_args(Kind)
STATUSES: tuple[str, ...] = get_args(Status)
#: Kinds whose end is what people must act on: reminders and alarms count down to the end.
END_ANCHORED_KINDS: frozenset[str] = frozenset({"procedure", "period", "deadline"})

#: A date-valued field holds a TOML date, a TOML (local or offset) date-time, or an expression.
DateField = dt.datetime | dt.date | str

ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*\Z")  # \Z: "$" allows a final "\n"


class CalendarSettings(NamedTuple):
    """The ``[calendar]`` table."""

    name: str = "cica"
    description: str | None = None
    timezone: str = "UTC"
    remind: tuple[str, ...] = ("7 days", "1 day")
    holidays: tuple[dt.date, ...] = ()
    country: str | None = None
    workdays: tuple[dt.date, ...] = ()


class Event(NamedTuple):
    """One ``[events.<id>]`` table: ``date`` (one day or instant) or ``start`` (a span)."""

    title: str
    kind: Kind = "meeting"
    date: DateField | None = None
    start: DateField | None = None
    end: DateField | None = None
    duration: str | None = None
    timezone: str | None = None
    location: str | None = None
    description: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    status: Status = "planned"
    remind: tuple[str, ...] | None = None
    repeat: str | None = None
    #: ``except`` in the file: days whose occurrences a repeating event skips (in its zone).
    except_: tuple[dt.date, ...] = ()
    country: str | None = None


class Calendar(NamedTuple):
    """The whole file: ``[calendar]`` plus ``[events.<id>]`` tables (kept in file order)."""

    calendar: CalendarSettings = CalendarSettings()
    events: Mapping[str, Event] = MappingProxyType({})
