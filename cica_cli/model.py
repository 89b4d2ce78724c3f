"""The calendar file as pydantic models: frozen, and ``extra="forbid"`` so a typo is an error.

These models check the *shape* of ``events.toml``. What needs the rest of the calendar (date
expressions, references, time-zone names, offsets) is checked by ``schedule``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Kind = Literal["meeting", "conference", "procedure", "deadline", "milestone", "period"]
Status = Literal["planned", "done", "cancelled"]
KINDS: tuple[str, ...] = ("meeting", "conference", "procedure", "deadline", "milestone", "period")

#: A date-valued field holds a TOML date, a TOML (local or offset) date-time, or an expression.
DateField = dt.datetime | dt.date | str

ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")


class _Frozen(BaseModel):
    # strict: TOML already gives typed values, so never coerce (a number is not a date).
    # The loader hands arrays over as tuples.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class CalendarSettings(_Frozen):
    """The ``[calendar]`` table."""

    name: str = Field(default="cica", min_length=1)
    description: str | None = None
    timezone: str = "UTC"
    remind: tuple[str, ...] = ("7 days", "1 day")
    holidays: tuple[dt.date, ...] = ()

    @field_validator("holidays", mode="before")
    @classmethod
    def _no_datetimes(cls, value: object) -> object:
        if isinstance(value, tuple):
            for item in value:
                if isinstance(item, dt.datetime):
                    raise ValueError(f"holidays are whole days: write {item.date()}, not {item}")
        return value


class Event(_Frozen):
    """One ``[events.<id>]`` table."""

    title: str = Field(min_length=1)
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

    @model_validator(mode="after")
    def _one_way_to_date(self) -> Event:
        if self.date is not None and self.start is not None:
            raise ValueError(
                "give either `date` (one day or instant) or `start` (a span), not both"
            )
        if self.date is None and self.start is None:
            raise ValueError("needs `date` (one day or instant) or `start` (a span)")
        if self.date is not None and (self.end is not None or self.duration is not None):
            raise ValueError("`end` and `duration` belong to spans: use `start` instead of `date`")
        if self.start is not None and self.end is not None and self.duration is not None:
            raise ValueError("give either `end` or `duration`, not both")
        if self.start is not None and self.end is None and self.duration is None:
            raise ValueError("a span needs `end` or `duration`")
        return self


class Calendar(_Frozen):
    """The whole file: ``[calendar]`` plus ``[events.<id>]`` tables (kept in file order)."""

    calendar: CalendarSettings = CalendarSettings()
    events: dict[str, Event] = {}
