"""The ``cica upcoming`` table: Rich's ``Table`` layout, drawn row by row for large agendas."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING

from ..core.agenda import Item
from .text import countdown, when_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.segment import Segment
    from rich.style import Style
    from rich.table import Table


_STATUS_STYLE = {
    "overdue": "bold red",
    "today": "bold",
    "ongoing": "green",
    "cancelled": "dim strike",
    "done": "dim",
    "past": "dim",
}


def agenda_table(
    items: Sequence[Item], zone: dt.tzinfo, title: str, width: int = 80
) -> AgendaTable:
    """The ``cica upcoming`` table, laid out for a terminal ``width`` columns wide.

    Dates, countdowns, kinds and places keep their natural width when the title still gets 30
    columns; otherwise they wrap at fixed widths. The title column takes whatever is left.
    """
    rows: list[tuple[str, str, str, str, str]] = [
        (when_text(i, zone), countdown(i), i.event.event.kind, i.event.event.title,
         i.event.event.location or "")
        for i in items
    ]  # fmt: skip
    styles = [_STATUS_STYLE.get(i.status) for i in items]
    natural = [max([len(h), *(len(r[c]) for r in rows)]) for c, h in enumerate(_HEADERS[:3])]
    place = min(24, max([len(_HEADERS[4]), *(len(r[4]) for r in rows)]))
    gaps = 2 * 4  # one space either side of each inner column border
    if width - sum(natural) - place - gaps >= 30:
        widths = (*natural, place)
    else:
        widths = (min(natural[0], 16), min(natural[1], 17), natural[2], min(place, 12))
    return AgendaTable(title, widths, rows, styles)


class AgendaTable:
    """The agenda table: what a Rich ``Table`` draws, without Rich's work for every cell.

    ``rich_table()`` is the table itself: a title, five columns with a simple head rule, the
    title column taking what the others leave. Drawing it, Rich wraps, pads and styles each cell
    through half a dozen renderables; 5 000 rows took seconds. With the widths fixed, a row is
    only its cells' lines side by side, so ``__rich_console__`` yields the same segments itself:
    plain text is wrapped and padded here as ``Text.wrap`` does (once per distinct text; with
    characters of other widths, by ``Text.wrap`` itself), and anything else (tabs, line breaks,
    control characters) is rendered by Rich as the table would. Cells and the title are literal
    ``Text``, never markup or emoji codes. Runs of unstyled segments are joined, which
    prints the same. When the terminal is too narrow for the fixed widths, Rich shares out the
    width by the contents, and the table is drawn by Rich as a whole.
    ``tests/test_agenda_table.py`` checks the bytes against ``rich_table()``.
    """

    def __init__(
        self,
        title: str,
        widths: tuple[int, ...],
        rows: Sequence[tuple[str, ...]],
        styles: Sequence[str | None],
    ) -> None:
        self.title = title
        self.widths = widths  # When, Countdown, Kind, Location
        self.rows = rows
        self.styles = styles

    def rich_table(self) -> Table:
        """The Rich ``Table`` this draws."""
        from rich import box
        from rich.table import Table
        from rich.text import Text

        # Calendar text is Text, never markup: a title "[/]" or ":smile:" prints as written.
        table = Table(
            title=Text(self.title, style="table.title"), title_justify="left",
            header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False, expand=True,
        )  # fmt: skip
        table.add_column(_HEADERS[0], width=self.widths[0])
        table.add_column(_HEADERS[1], width=self.widths[1])
        table.add_column(_HEADERS[2], width=self.widths[2], no_wrap=True)
        table.add_column(_HEADERS[3], ratio=1, min_width=12)
        table.add_column(_HEADERS[4], width=self.widths[3])
        for row, style in zip(self.rows, self.styles, strict=True):
            table.add_row(*(Text(cell) for cell in row), style=style)
        return table

    def column_widths(self, max_width: int) -> list[int] | None:
        """Each column's width with its padding, as Rich computes it; None when Rich would
        fit the columns to their contents (the fixed columns leave the title under 3)."""
        # Table._calculate_column_widths for an expanding table whose only flexible column has
        # ratio 1: the fixed columns (width + padding, at most the space inside the borders)
        # and the title gets the rest, if that is at least its minimum (1 + padding).
        inside = max_width - _BORDERS
        fixed = [min(w + pad, inside) for w, pad in zip(self.widths, _FIXED_PADDING, strict=True)]
        title = inside - sum(fixed)
        if inside < 1 or title < 3:
            return None
        return [*fixed[:3], title, fixed[3]]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self.column_widths(options.max_width)
        if widths is None:
            yield self.rich_table()
            return
        yield from _TableDrawer(console, options, widths).draw(self)


_HEADERS = ("When", "Countdown", "Kind", "Title", "Location")
_BORDERS = 6  # the two edges and four column dividers of box.SIMPLE_HEAD
_FIXED_PADDING = (1, 2, 2, 1)  # When, Countdown, Kind, Location (pad_edge=False)
#: (left padding, right padding, no_wrap) of each column, in order.
_CELL_LAYOUT = ((0, 1, False), (1, 1, False), (1, 1, True), (1, 1, False), (1, 0, False))


class _TableDrawer:
    """Draws an ``AgendaTable`` at given column widths, segment for segment as Rich would."""

    def __init__(self, console: Console, options: ConsoleOptions, widths: list[int]) -> None:
        from rich import box
        from rich.segment import Segment

        self.console = console
        self.widths = widths
        self.options = options.update(width=sum(widths) + _BORDERS, highlight=False, height=None)
        self.box = box.SIMPLE_HEAD.substitute(self.options, safe=console.safe_box)
        get_style = console.get_style
        self.border_style = get_style("none") + get_style("")
        self.cell_style = get_style("")
        self.segment = Segment
        self.wrapped: dict[tuple[str, int, tuple[int, int, bool]], tuple[str, ...] | None] = {}
        self.row_styles: dict[str | None, tuple[Style, Style]] = {}  # name: (cells, row)
        self.dividers: dict[tuple[str, Style], Segment] = {}

    def draw(self, table: AgendaTable) -> Iterator[Segment]:
        from rich.style import Style

        console, box, segment = self.console, self.box, self.segment
        widths, border_style = self.widths, self.border_style
        from rich.text import Text

        title = Text(table.title, style="table.title", justify="left")
        if title:  # as Rich: no line for a title of nothing but control characters
            yield from console.render(title, self.options.update(justify="left"))
        yield segment(box.get_top(widths), border_style)
        yield segment.line()
        header_style = console.get_style("bold") + console.get_style("")
        edges = (box.head_left, box.head_vertical, box.head_right)
        yield from self.row(_HEADERS, header_style, Style.null(), edges, header=True)
        yield segment(box.get_row(widths, "head", edge=True), border_style)
        yield segment.line()
        last = len(table.rows) - 1
        for index, (row, style_name) in enumerate(zip(table.rows, table.styles, strict=True)):
            styles = self.row_styles.get(style_name)
            if styles is None:
                row_style = Style.null()
                if style_name is not None:
                    row_style += console.get_style(style_name)
                styles = self.row_styles[style_name] = (self.cell_style + row_style, row_style)
            edges = (
                (box.foot_left, box.foot_vertical, box.foot_right)
                if index == last
                else (box.mid_left, box.mid_vertical, box.mid_right)
            )
            yield from self.row(row, *styles, edges)
        yield segment(box.get_bottom(widths), border_style)
        yield segment.line()

    def row(
        self,
        cells: Sequence[str],
        style: Style,
        row_style: Style,
        edges: tuple[str, str, str],
        header: bool = False,
    ) -> Iterator[Segment]:
        """The lines of one row; runs of unstyled segments are joined (they print the same)."""
        segment = self.segment
        rendered: list[Sequence[str] | list[list[Segment]]] = []
        plain: list[Sequence[str]] = []  # the same, while every cell is plain text
        for text, width, layout in zip(cells, self.widths, _CELL_LAYOUT, strict=True):
            key = (text, width, layout)
            try:
                texts = self.wrapped[key]
            except KeyError:
                texts = self.wrapped[key] = self.plain_cell(text, width, layout)
            if texts is None:
                rendered.append(self.rich_cell(text, width, layout, style))
            else:
                rendered.append(texts)
                plain.append(texts)
        height = max(len(lines) for lines in rendered)
        left, divider_text, right = edges
        border_style = self.border_style
        divider = self.dividers.get((divider_text, row_style))
        if divider is None:  # a blank divider takes the row's background, as in Rich
            divider = self.dividers[divider_text, row_style] = (
                segment(divider_text, border_style)
                if divider_text.strip()
                else segment(divider_text, row_style.background_style + border_style)
            )
        if len(plain) == len(rendered) and not (header or style or border_style or divider.style):
            # Most rows: nothing styled, only plain text; each line becomes one segment.
            for line_no in range(height):
                parts = [
                    lines[line_no] if line_no < len(lines) else " " * width
                    for lines, width in zip(plain, self.widths, strict=True)
                ]
                yield segment(left + divider_text.join(parts) + right)
                yield segment.line()
            return
        for line_no in range(height):
            pieces = [segment(left, border_style)]
            for column, (lines, (pad_left, pad_right, _)) in enumerate(
                zip(rendered, _CELL_LAYOUT, strict=True)
            ):
                if column:
                    pieces.append(divider)
                # Rich aligns header cells to the bottom, the others to the top.
                at = line_no - (height - len(lines) if header else 0)
                if at < 0 or at >= len(lines):
                    pieces.append(segment(" " * self.widths[column], style))
                    continue
                line = lines[at]
                if not isinstance(line, str):
                    pieces.extend(line)
                elif not style:
                    pieces.append(segment(line, style))
                else:  # padding and text: separate segments, as Rich styles each
                    if pad_left:
                        pieces.append(segment(line[:pad_left], style))
                    pieces.append(segment(line[pad_left : len(line) - pad_right], style))
                    if pad_right:
                        pieces.append(segment(line[-pad_right:], style))
            pieces.append(segment(right, border_style))
            yield from _joined(pieces)
            yield segment.line()

    def plain_cell(
        self, text: str, width: int, layout: tuple[int, int, bool]
    ) -> tuple[str, ...] | None:
        """A cell's lines with their padding, if ``text`` is plain (see ``_wrap_plain``)."""
        pad_left, pad_right, no_wrap = layout
        texts = _wrap_plain(text, width - pad_left - pad_right, no_wrap, self.console)
        if texts is None:
            return None
        return tuple(f"{' ' * pad_left}{line}{' ' * pad_right}" for line in texts)

    def rich_cell(
        self, text: str, width: int, layout: tuple[int, int, bool], style: Style
    ) -> list[list[Segment]]:
        """A cell's lines drawn by Rich, as the table does (for tabs, line breaks...)."""
        from rich.padding import Padding
        from rich.text import Text

        pad_left, pad_right, no_wrap = layout

        cell_options = self.options.update(
            width=width, justify="left", no_wrap=no_wrap, overflow="ellipsis",
            height=None, highlight=False,
        )  # fmt: skip
        padded = Padding(Text(text), (0, pad_right, 0, pad_left))
        return self.console.render_lines(padded, cell_options, style=style)


@cache  # built when first needed: `cica next` imports this module too
def narrow_characters() -> frozenset[str]:
    """Characters one cell wide wherever they are (``tests/test_agenda_table.py`` checks it)."""
    return frozenset(
        [chr(c) for c in range(0x20, 0x7F)]
        + [chr(c) for c in range(0xA1, 0x300) if c != 0xAD]
        + list("\N{EN DASH}\N{EM DASH}\u2018\u2019\u201c\u201d\N{HORIZONTAL ELLIPSIS}")
    )


_WORD = r"\s*\S+\s*"  # as rich._wrap.words: a word and the spaces after it


def _wrap_plain(text: str, width: int, no_wrap: bool, console: Console) -> tuple[str, ...] | None:
    """The lines of ``text`` in a cell ``width`` wide, padded, as Rich lays them out.

    None if it has tabs, line breaks or control characters; Rich draws such a cell itself.
    """
    fits = len(text) <= width and text.isascii() and text.isprintable()
    if fits:
        return (text.ljust(width),)  # most cells
    if not text.isprintable():
        return None
    if not narrow_characters().issuperset(text):
        from rich.cells import cell_len
        from rich.text import Text

        wrapped = Text(text).wrap(
            console, width, justify="left", overflow="ellipsis", no_wrap=no_wrap
        )
        texts = tuple(line.plain for line in wrapped)
        return texts if all(cell_len(line) == width for line in texts) else None
    if len(text) <= width:
        return (text + " " * (width - len(text)),)
    # Text.wrap with overflow="ellipsis": break before a word that does not fit the rest of
    # the line (rich._wrap.divide_line, fold=False), drop the spaces that overhang the width,
    # cut what is still too long with an ellipsis, pad the rest.
    pieces = [text]
    if not no_wrap:
        breaks = [0]
        offset = 0
        for word in re.finditer(_WORD, text):
            start, end = word.span()
            length = len(word.group().rstrip())
            if width - offset >= length:
                offset += end - start
            elif length > width or offset:
                if start:
                    breaks.append(start)
                offset = end - start
        breaks.append(len(text))
        pieces = [text[a:b] for a, b in pairwise(breaks)]
    lines = []
    for piece in pieces:
        line = piece
        if not no_wrap and len(line) > width:
            spaces = re.search(r"\s+$", line)
            if spaces:
                line = line[: len(line) - min(len(spaces.group()), len(line) - width)]
        if len(line) > width:
            line = line[: width - 1] + "\N{HORIZONTAL ELLIPSIS}"
        lines.append(line + " " * (width - len(line)))
    return tuple(lines)


def _joined(line: list[Segment]) -> Iterator[Segment]:
    """``line`` with each run of unstyled segments made one (the console prints the same)."""
    from rich.segment import Segment

    plain: list[str] = []
    for segment in line:
        if segment.style:
            if plain:
                yield Segment("".join(plain))
                plain = []
            yield segment
        else:
            plain.append(segment.text)
    if plain:
        yield Segment("".join(plain))
