"""``cica timeline``: the calendar as a chart (spans as bars, one-day items and deadlines as
markers, a line for the as-of date). Builds a Rich renderable; never prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..core.agenda import Item
from ..core.day_names import MONTHS, day_text
from .cells import padded, shortened

if TYPE_CHECKING:
    from rich.console import RenderableType

LABEL_WIDTH = 30
BAR, POINT, DEADLINE, NOW = "█", "●", "◆", "│"
_KIND_STYLE = {
    "meeting": "cyan",
    "conference": "magenta",
    "procedure": "green",
    "deadline": "red",
    "milestone": "yellow",
    "period": "blue",
}


def _col(day: dt.date, first: dt.date, days: int, width: int) -> int:
    return min(width - 1, max(0, (day - first).days * width // days))


def timeline_chart(
    items: Sequence[Item], today: dt.date, first: dt.date, last: dt.date, width: int
) -> RenderableType:
    """A chart of ``items`` between ``first`` and ``last`` (inclusive), ``width`` columns wide."""
    from rich.console import Group
    from rich.text import Text

    label_w = min(LABEL_WIDTH, max(12, width // 3))
    chart_w = max(10, width - label_w - 1)
    days = (last - first).days + 1
    now_col = _col(today, first, days, chart_w) if first <= today <= last else None

    header = [" "] * chart_w
    year_row = [" "] * chart_w
    month = dt.date(first.year, first.month, 1)
    last_year_col = -10
    while month <= last:
        col = _col(max(month, first), first, days, chart_w)
        name = MONTHS[month.month - 1]
        free = all(c == " " for c in header[max(0, col - 1) : col + len(name) + 1])
        if free and col + len(name) <= chart_w:
            header[col : col + len(name)] = name
        if (month.month == 1 or col == 0) and col - last_year_col > 5 and col + 4 <= chart_w:
            year_row[col : col + 4] = str(month.year)
            last_year_col = col
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)

    lines: list[Text] = [
        Text(" " * (label_w + 1) + "".join(year_row).rstrip(), style="bold"),
        Text(" " * (label_w + 1) + "".join(header).rstrip(), style="bold"),
    ]
    for item in items:
        e = item.event.event
        label = shortened(e.title, label_w)
        s = _col(max(item.start_day, first), first, days, chart_w)
        t = _col(min(item.end_day, last), first, days, chart_w)
        row = [" "] * chart_w
        if item.start_day > last or item.end_day < first:
            pass
        elif item.span_days > 1:
            row[s : t + 1] = BAR * (t - s + 1)
        else:
            row[s] = DEADLINE if e.kind == "deadline" else POINT
        style = _KIND_STYLE.get(e.kind, "")
        if item.status in ("past", "done", "cancelled"):
            style = "dim"
        elif item.status == "overdue":
            style = "bold red"
        line = Text(padded(label, label_w) + " ")
        chart = Text()
        for col, ch in enumerate(row):
            if col == now_col and ch == " ":
                chart.append(NOW, style="yellow")
            else:
                chart.append(ch, style=style if ch != " " else "")
        line.append_text(chart)
        lines.append(line)
    if now_col is not None:
        marker = " " * (label_w + 1 + now_col) + f"{NOW} {day_text(today)}"
        lines.append(Text(marker, style="yellow"))
    legend = Text(
        f"{BAR} span   {POINT} one day   {DEADLINE} deadline   {NOW} as of",
        style="dim",
    )
    lines.append(legend)
    return Group(*lines)
