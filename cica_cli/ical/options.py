"""What an export holds and how: the selection and the alarms, as one value."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from ..core.dates import Offset


class ExportOptions(NamedTuple):
    """What to export and how; the defaults export everything with each event's reminders."""

    name: str | None = None  # the feed's display name (default: the calendar's name)
    kinds: tuple[str, ...] = ()  # only these kinds (empty: all)
    tags: tuple[str, ...] = ()  # only events with one of these tags (empty: all)
    start: dt.date | None = None  # only events with an occurrence on or after this day
    end: dt.date | None = None  # ... and on or before this day
    alarms: tuple[Offset, ...] | None = None  # None: each event's own lead times; (): none
