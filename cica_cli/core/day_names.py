"""How cica writes a day: ``Thu 27 Jun 2024``, English names whatever the locale, so that
output is stable. The one home of the month and weekday abbreviations."""

from __future__ import annotations

import datetime as dt

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: dt.date, year: bool = True) -> str:
    """``Thu 27 Jun 2024``, or ``Thu 27 Jun``."""
    text = f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def month_day(day: dt.date, year: bool = True) -> str:
    """``27 Jun 2024``, or ``27 Jun``: a day without its weekday, for ranges."""
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text
