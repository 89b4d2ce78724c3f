"""The ``cica upcoming`` table draws the same bytes as the Rich ``Table`` it stands for.

``render_table.AgendaTable`` lays out rows itself (Rich's per-cell rendering took seconds for a
large calendar); these tests compare its output with ``AgendaTable.rich_table()`` drawn by Rich,
for any cell text, terminal width and colour system, and check that the quick way is the one
taken.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console, RenderableType

from cica_cli.views import table as render_table
from cica_cli.views.table import _STATUS_STYLE, AgendaTable, narrow_characters

STYLES = [None, *_STATUS_STYLE.values()]
COLOUR_SYSTEMS = [None, "standard", "256", "truecolor"]


class _AsciiFile(io.StringIO):
    encoding = "ascii"  # the console then draws the box in ASCII


def _draw(renderable: RenderableType, width: int, colours: str | None, ascii_: bool) -> str:
    file = _AsciiFile() if ascii_ else io.StringIO()
    console = Console(
        file=file, width=width, color_system=colours, force_terminal=colours is not None,  # type: ignore[arg-type]
        highlight=False, legacy_windows=False,
    )  # fmt: skip
    console.print(renderable)
    return file.getvalue()


def _agenda(rows: Sequence[tuple[str, ...]], styles: Sequence[str | None]) -> AgendaTable:
    headers = render_table._HEADERS
    natural = [max([len(h), *(len(r[c]) for r in rows)]) for c, h in enumerate(headers)]
    widths = (min(natural[0], 16), min(natural[1], 17), natural[2], min(natural[4], 12))
    return AgendaTable("Cal as of Thu 1 Jan 2026", widths, rows, styles)


words = st.sampled_from(
    ["Sat", "1", "Feb", "2025", "\N{EN DASH}", "10:00", "day", "335", "of", "ends", "in",
     "Geneva", "Conférence", "Ñuñoa", "Almaty", "Silence", "procedure", "x" * 30,
     "Zusammenarbeitsvereinbarung", "東京", "café\u0301", "[bold]", "[/]", ":smile:", "a:b:c",
     "\t", "\n", "", " ", "  ", "\u2019s", "…", "\u00a0", "\x07", "emoji:", "[link]"]
)  # fmt: skip
cell_text = st.lists(words, max_size=9).map(" ".join)
row = st.tuples(cell_text, cell_text, cell_text, cell_text, cell_text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.tuples(row, st.sampled_from(STYLES)), min_size=1, max_size=6),
    fixed=st.tuples(*(st.integers(1, 26) for _ in range(4))),
    width=st.integers(10, 160),
    colours=st.sampled_from(COLOUR_SYSTEMS),
    ascii_=st.booleans(),
    title=cell_text,
)
def test_same_bytes_as_the_rich_table(
    rows: list[tuple[tuple[str, ...], str | None]],
    fixed: tuple[int, int, int, int],
    width: int,
    colours: str | None,
    ascii_: bool,
    title: str,
) -> None:
    table = AgendaTable(title, fixed, [r for r, _ in rows], [s for _, s in rows])
    expected = _draw(table.rich_table(), width, colours, ascii_)
    assert _draw(table, width, colours, ascii_) == expected


def test_the_rows_are_not_drawn_by_rich_when_the_columns_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [
        ("Sat 1 Feb 2025 \N{EN DASH} Sat 31 Jan 2026", "day 335 of 365, ends in 30 days",
         "period", "Action plan 177 with a title long enough to wrap twice over", ""),
        ("Mon 5 Jan 2026 10:00\N{EN DASH}11:30", "in 4 days", "meeting", "[b]Bold[/b]", "Baku"),
        ("Fri 2 Jan 2026", "tomorrow", "deadline", "Reply: ok", "Zürich, Conférence room"),
    ]  # fmt: skip
    table = _agenda(rows, ["green", None, "bold red"])
    assert table.column_widths(80) == [17, 19, 10, 15, 13]  # the title: 80 - 6 - 59
    expected = {
        (width, colours): _draw(table.rich_table(), width, colours, False)
        for width in (80, 120)
        for colours in COLOUR_SYSTEMS
    }

    def not_used(self: AgendaTable) -> None:
        raise AssertionError("drawn by rich.table.Table")

    monkeypatch.setattr(AgendaTable, "rich_table", not_used)
    for (width, colours), text in expected.items():
        assert _draw(table, width, colours, False) == text
    assert "\x1b[1;31m" in expected[80, "standard"]  # the bold red row is in colour
    assert "[b]Bold[/b]" in expected[120, None]  # calendar text is never markup


def test_a_narrow_terminal_is_left_to_rich() -> None:
    table = _agenda([("Fri 2 Jan 2026", "tomorrow", "deadline", "Reply", "")], [None])
    assert table.column_widths(40) is None  # the title column would get less than 3
    assert _draw(table, 40, None, False) == _draw(table.rich_table(), 40, None, False)


def test_narrow_characters_take_one_cell() -> None:
    narrow = narrow_characters()
    assert all(cell_len(c) == 1 for c in narrow)
    assert cell_len("".join(sorted(narrow))) == len(narrow)
