"""Lead times: how long before an event its reminder mail is sent and its alarm rings.

The one parser of a lead (``"7 days"``, ``"1 week"``, ``"P14D"``, ``"36 hours"``), used by the
calendar's ``remind`` fields, ``cica remind --lead`` and its config file, and ``cica export
--alarm``. A lead is an offset in days, weeks, months or hours; working days are refused (a
reminder counts calendar time back from its event), and so are leads over a century
(``dates.lead_problem``).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from .dates import Offset, OffsetError, lead_problem, parse_offset


class LeadError(ValueError):
    """Not a lead time; the message says why (callers add where it was written)."""


class Lead(NamedTuple):
    """A lead time: how long before an event its reminder is due."""

    text: str
    """As written, spaces tidied ("7 days")."""
    offset: Offset
    canonical: str
    """ISO 8601 ("P7D"): "7d", "7 days" and "1 week" are the same reminder."""

    @property
    def has_time(self) -> bool:
        """True for leads in hours or minutes (compared by instant, not by day)."""
        return self.offset.has_time


def parse_lead(text: str) -> Lead:
    """A lead time such as ``"7 days"``, ``"1 month"`` or ``"P14D"``; ``LeadError`` if not."""
    try:
        offset = parse_offset(text)
    except OffsetError as err:
        raise LeadError(str(err)) from err
    problem = lead_problem(offset)
    if problem:
        raise LeadError(problem)
    return Lead(" ".join(text.split()), offset, canonical_lead(offset))


@functools.lru_cache(maxsize=256)
def parse_leads(texts: tuple[str, ...]) -> tuple[Lead, ...]:
    """``parse_lead`` of each text, once per distinct list (events repeat the calendar's)."""
    return tuple(parse_lead(t) for t in texts)


def canonical_lead(offset: Offset) -> str:
    """ISO 8601 for a lead: ``P7D``, ``P1M``, ``P1DT12H``; ``P0D`` for nothing."""
    d = offset.delta
    date_part = "".join(
        f"{n}{unit}" for n, unit in ((d.years, "Y"), (d.months, "M"), (d.days, "D")) if n
    )
    time_part = "".join(
        f"{n}{unit}" for n, unit in ((d.hours, "H"), (d.minutes, "M"), (d.seconds, "S")) if n
    )
    text = "P" + date_part + (f"T{time_part}" if time_part else "")
    return text if text != "P" else "P0D"
