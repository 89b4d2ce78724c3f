"""The ``cica upcoming`` table: titles get the room first, then the place, then the kind.

The table is cica's own plain layout, not a Rich ``Table``: columns two spaces apart, a rule
under the headings, each row's cells wrapped in their column, and no trailing spaces, so that a
pipe, a file or a cron mail gets clean lines. Rich only prints it (a row's colour on a terminal,
none anywhere else); ``core.safe_text`` has already made the calendar's text safe to print.
Laying out thousands of rows this way takes a fraction of what Rich's ``Table`` needs for them
(see docs/benchmarks.md). Widths are counted in cells as Rich counts them (``cells``), so
that wide characters line up as Rich prints them.

At any width the table shows When, Countdown and Title. Location, then Kind, are added only
while the titles still get ``TITLE_ROOM`` columns (or all they need); when even the titles are
short of it, the dates wrap at their dash and the countdowns between words first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ..core.agenda import Item
from ..core.day_names import day_text, month_day
from ..core.safe_text import line as safe_line
from .cells import cell_len as _cell_len
from .cells import fit as _fit  # (cells: shared with the timeline)
from .text import compact_countdown

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

#: Columns a title gets before Location or Kind is shown beside it.
TITLE_ROOM = 40
LOCATION_MAX = 24  # a longer place wraps
GAP = "  "
RULE = "\N{BOX DRAWINGS LIGHT HORIZONTAL}"
_FLOOR = {"When": 10, "Countdown": 9, "Title": 10}  # below these a column never shrinks
_NARROW_TITLE = 20  # titles narrower than this: dates and countdowns break anywhere
_ORDER = ("When", "Countdown", "Kind", "Title", "Location")
_OPTIONAL = ("Location", "Kind")  # the order in which they are added when there is room
_COUNT_PIECES = re.compile(r"\d+ \S+ ?|\S+ ?")  # "in ", "137 days": a number keeps its unit

STATUS_STYLE = {
    "overdue": "bold red",
    "today": "bold",
    "ongoing": "green",
    "cancelled": "dim strike",
    "done": "dim",
    "past": "dim",
}


class Cell(NamedTuple):
    """A cell's text, the pieces a line may break between, and its width in terminal cells."""

    text: str
    pieces: tuple[str, ...]
    size: int


def cell(pieces: Sequence[str]) -> Cell:
    """The cell of these pieces."""
    text = "".join(pieces)
    return Cell(text, tuple(pieces), _cell_len(text))


class Row(NamedTuple):
    """One item's cells, by column, and its style."""

    cells: dict[str, Cell]
    style: str | None


def when_pieces(item: Item, zone: dt.tzinfo) -> tuple[str, ...]:
    """The When cell, compact: ``Thu 27 Jun 2024``, ``27 Jun-11 Jul 2024``, ``1-5 Jul 2024``
    (with an en dash).

    Pieces joined make the text; a line may break between two pieces (after a range's dash,
    or before a time).
    """
    dash = "\N{EN DASH}"
    if isinstance(item.start, dt.datetime):
        start = item.start.astimezone(zone)
        end = item.end.astimezone(zone) if isinstance(item.end, dt.datetime) else start
        if end.date() == start.date():
            times = f"{start:%H:%M}" if end == start else f"{start:%H:%M}{dash}{end:%H:%M}"
            return (f"{day_text(start.date())} ", times)
        first = month_day(start.date(), year=start.year != end.year)
        return (f"{first} {start:%H:%M}{dash}", f"{month_day(end.date())} {end:%H:%M}")
    first_day, last_day = item.start_day, item.end_day
    if first_day == last_day:
        return (day_text(first_day),)
    if (first_day.year, first_day.month) == (last_day.year, last_day.month):
        return (f"{first_day.day}{dash}{month_day(last_day)}",)
    first = month_day(first_day, year=first_day.year != last_day.year)
    return (f"{first}{dash}", month_day(last_day))


def agenda_table(items: Sequence[Item], zone: dt.tzinfo, title: str, width: int = 80) -> Table:
    """The ``cica upcoming`` table for a terminal (or pipe) ``width`` columns wide."""
    dates: dict[tuple[object, object], Cell] = {}  # whole-day dates, countdowns, kinds and
    counts: dict[str, Cell] = {}  # places recur: each such cell is made once
    kinds: dict[str, Cell] = {}
    places: dict[str, Cell] = {}
    rows = []
    for item in items:
        event = item.event.event
        # Hashing an aware date-time costs more than making its cell.
        known = None if isinstance(item.start, dt.datetime) else dates.get((item.start, item.end))
        if known is None:
            known = cell(when_pieces(item, zone))
            if not isinstance(item.start, dt.datetime):
                dates[item.start, item.end] = known
        when = known
        text = compact_countdown(item)
        count = counts.get(text)
        if count is None:
            count = counts[text] = cell(_COUNT_PIECES.findall(text))
        kind = kinds.get(event.kind)
        if kind is None:
            kind = kinds[event.kind] = cell((event.kind,))
        place = places.get(event.location or "")
        if place is None:
            place = places[event.location or ""] = cell(_pieces(safe_line(event.location or "")))
        cells = {
            "When": when, "Countdown": count, "Kind": kind,
            "Title": cell(_pieces(safe_line(event.title))), "Location": place,
        }  # fmt: skip
        rows.append(Row(cells, STATUS_STYLE.get(item.status)))
    return Table(safe_line(title), rows, layout(rows, width), width)


def layout(rows: Sequence[Row], width: int) -> dict[str, int]:
    """The columns shown, in order, and the width of each."""
    distinct = {name: {id(r.cells[name]): r.cells[name] for r in rows} for name in _ORDER}
    natural = {
        name: max([len(name), *(c.size for c in distinct[name].values())]) for name in _ORDER
    }
    natural["Location"] = min(natural["Location"], LOCATION_MAX)
    # The narrowest a column is without breaking a piece ("in 137 days" stays whole).
    least = {
        name: max(
            [
                _FLOOR[name],
                *(_cell_len(p.rstrip()) for c in distinct[name].values() for p in c.pieces),
            ]
        )
        for name in ("When", "Countdown")
    }
    least["Countdown"] = max(least["Countdown"], len("in 137 days"))
    room = min(natural["Title"], TITLE_ROOM)

    def title_width(columns: dict[str, int]) -> int:
        return width - sum(columns.values()) - len(GAP) * len(columns)

    # Location, then Kind, while the titles keep their room.
    extra: dict[str, int] = {}
    for name in _OPTIONAL:
        with_it = {"When": least["When"], "Countdown": least["Countdown"], **extra}
        with_it[name] = natural[name]
        if any(c.text for c in distinct[name].values()) and title_width(with_it) >= room:
            extra[name] = natural[name]
    # Dates and countdowns as wide as they need, unless wrapping them (at a range's dash, between
    # words, or anywhere on a very narrow terminal) gives the titles room for fewer lines in all.
    # Cost: two per line, and one more for a row whose date or countdown wraps (a wrapped title
    # reads better than a wrapped date).
    shapes = Counter(
        (id(r.cells["When"]), id(r.cells["Countdown"]), r.cells["Title"].size) for r in rows
    )
    best: tuple[int, int, dict[str, int]] | None = None
    candidates = _candidates(rows, natural, least)
    roomy = [(w, c) for w, c in candidates if title_width({"When": w, "Countdown": c, **extra})
             >= min(_NARROW_TITLE, natural["Title"])]  # fmt: skip
    heights: dict[tuple[str, int], dict[int, int]] = {}
    for when, count in roomy or candidates[-1:]:
        shown = {"When": when, "Countdown": count, **extra}
        title = max(1, min(natural["Title"], title_width(shown)))
        for name, w in (("When", when), ("Countdown", count)):
            if (name, w) not in heights:
                heights[name, w] = {k: _height(c, w) for k, c in distinct[name].items()}
        w_lines, c_lines = heights["When", when], heights["Countdown", count]
        cost = 0
        for (w, c, t), n in shapes.items():
            lines = max(w_lines[w], c_lines[c], -(-t // title))
            cost += n * (2 * lines + (w_lines[w] > 1) + (c_lines[c] > 1))
        if best is None or (cost, -title) < best[:2]:
            best = (cost, -title, shown)
    assert best is not None
    shown = best[2]
    shown["Title"] = min(natural["Title"], max(title_width(shown), _FLOOR["Title"]))
    return {name: shown[name] for name in _ORDER if name in shown}


def _height(c: Cell, width: int) -> int:
    return 1 if c.size <= width else len(_wrap(c.pieces, width))


def _candidates(
    rows: Sequence[Row], natural: dict[str, int], least: dict[str, int]
) -> list[tuple[int, int]]:
    """Widths of When and Countdown worth trying: as wide as every cell, as most cells, as the
    widest piece, and their floors (for very narrow terminals)."""
    options = []
    for name in ("When", "Countdown"):
        sizes = sorted(r.cells[name].size for r in rows)
        common = [sizes[len(sizes) * p // 100] for p in (50, 90)]
        options.append({natural[name], least[name], *(w for w in common if w > least[name])})
    floors = (_FLOOR["When"], _FLOOR["Countdown"])  # last: only when nothing else leaves room
    return [(w, c) for w in sorted(options[0]) for c in sorted(options[1])] + [floors]


class Table:
    """Lines of text, each with the name of its style; a Rich renderable."""

    def __init__(
        self, title: str, rows: Sequence[Row], widths: dict[str, int], width: int = 80
    ) -> None:
        self.title = title
        self.rows = rows
        self.widths = widths
        self.width = width  # the terminal's: the title wraps within it

    def lines(self) -> Iterator[tuple[str, str | None]]:
        """The table's lines, without trailing spaces, and the style of each."""
        widths = list(self.widths.values())
        if self.title:
            for line in _wrap(_pieces(self.title), max(self.width, 1)):
                yield line, "table.title"
            yield "", None
        yield _join([(name, len(name), w) for name, w in self.widths.items()]), "bold"
        yield _join([(RULE * w, w, w) for w in widths]), None
        wrapped: dict[tuple[int, int], list[tuple[str, int]]] = {}
        names = list(self.widths)
        for row in self.rows:
            cells = [row.cells[name] for name in names]
            if all(c.size <= w for c, w in zip(cells, widths, strict=True)):  # most rows
                yield (
                    _join([(c.text, c.size, w) for c, w in zip(cells, widths, strict=True)]),
                    row.style,
                )
                continue
            columns = []
            for c, w in zip(cells, widths, strict=True):
                if c.size <= w:
                    columns.append([(c.text, c.size)])
                    continue
                lines = wrapped.get((id(c), w))
                if lines is None:
                    lines = wrapped[id(c), w] = [(t, _cell_len(t)) for t in _wrap(c.pieces, w)]
                columns.append(lines)
            for n in range(max(len(lines) for lines in columns)):
                yield _join([
                    (*(lines[n] if n < len(lines) else ("", 0)), w)
                    for lines, w in zip(columns, widths, strict=True)
                ]), row.style  # fmt: skip

    def __str__(self) -> str:
        return "".join(line + "\n" for line, _ in self.lines())

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        styles = {name: console.get_style(name) for name in {"table.title", "bold"}}
        styles.update({name: console.get_style(name) for name in STATUS_STYLE.values()})
        newline = Segment.line()
        for line, style in self.lines():
            yield Segment(line, styles[style] if style else None)
            yield newline


def _join(cells: Sequence[tuple[str, int, int]]) -> str:
    """Cells (text, its size, the column's width) padded, two spaces apart, no trailing spaces."""
    return GAP.join(text + " " * (width - size) for text, size, width in cells).rstrip()


def _pieces(text: str) -> list[str]:
    """Words, each with the spaces after it: a line may break between any two."""
    pieces: list[str] = []
    for word in text.split(" "):
        if pieces and not word:
            pieces[-1] += " "
        else:
            pieces.append(word + " ")
    if pieces:
        pieces[-1] = pieces[-1][:-1]
    return pieces or [""]


def _wrap(pieces: Sequence[str], width: int) -> list[str]:
    """``pieces`` packed into lines of at most ``width`` cells.

    A piece too long for a line of its own is split into words, and a word too long is cut.
    """
    whole = "".join(pieces)
    if _cell_len(whole) <= width:  # most cells
        return [whole]
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if _cell_len((line + piece).rstrip()) <= width:
            line += piece
            continue
        if line:
            lines.append(line.rstrip())
            line = ""
        if _cell_len(piece.rstrip()) <= width:
            line = piece
            continue
        words = _pieces(piece)
        if len(words) > 1:
            *complete, line = _wrap(words, width)
            lines.extend(complete)
            line += piece[len(piece.rstrip(" ")) :]  # its space: the next piece is not glued on
            continue
        line = piece
        while _cell_len(line.rstrip()) > width:  # a word longer than the column
            cut = _fit(line, width)
            lines.append(line[:cut])
            line = line[cut:]
    lines.append(line.rstrip())
    return lines
