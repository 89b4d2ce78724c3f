"""The ``cica upcoming`` table: titles get the room, columns drop in order, clean lines.

Goldens at 60, 80 and 120 columns (the widths of a narrow pane, of pipes, cron and CI, and of a
wide terminal); properties over any cell text and width: no line wider than the terminal (once
titles have their floor), no trailing spaces, every word of every title kept, in order.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from cica_cli.core.agenda import build_agenda
from cica_cli.core.loader import loads
from cica_cli.views.table import TITLE_ROOM, agenda_table, when_pieces

from .conftest import Result, check_golden

Cica = Callable[..., Result]
ZONE = dt.UTC


def _columns(out: str) -> list[str]:
    """The column headings of a table as printed."""
    lines = out.splitlines()
    return lines[lines.index("") + 1].split()


@pytest.mark.parametrize("width", [60, 80, 120])
def test_goldens(cica: Cica, monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = cica("upcoming", "--as-of", "2024-06-27")
    assert result.code == 0, result.err
    assert "\x1b[" not in result.out  # not a terminal: no colour codes
    lines = result.out.splitlines()
    assert max(len(line) for line in lines) <= width
    assert all(line == line.rstrip() for line in lines)  # no trailing padding in a pipe
    check_golden(f"upcoming-2024-06-27-{width}.txt", result.out)


def test_columns_drop_kind_then_location_never_title(
    cica: Cica, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = {}
    for width in (40, 60, 80, 100, 120, 200):
        monkeypatch.setenv("COLUMNS", str(width))
        shown[width] = _columns(cica("upcoming", "--as-of", "2024-06-27").out)
    assert shown[40] == shown[60] == shown[80] == ["When", "Countdown", "Title"]
    assert shown[100] == ["When", "Countdown", "Title", "Location"]
    assert shown[120] == shown[200] == ["When", "Countdown", "Kind", "Title", "Location"]


def test_titles_get_the_room_at_80_columns(cica: Cica, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = cica("upcoming", "--as-of", "2024-06-27").out
    rule = out.splitlines()[3].split("  ")
    assert len(rule[-1]) >= TITLE_ROOM  # the Title column
    # The longest title (80 characters) takes two lines, not five to ten.
    assert "Silence procedure on the draft outcome" in out
    row = out[out.index("27 Jun\N{EN DASH}") :].splitlines()[:2]
    assert "Silence procedure" in row[0] and "conference" in row[1]
    assert "ends in 14 days" in out and "in 62 days" in out and "in 137 days" in out
    assert "27 Jun\N{EN DASH}" in out  # compact dates


def _item(text: str) -> list[str]:
    calendar = loads(text.encode(), "cal.toml")
    items = build_agenda(calendar.schedule, dt.datetime(2024, 6, 1, tzinfo=ZONE))
    return ["".join(when_pieces(i, ZONE)) for i in items]


def test_compact_dates() -> None:
    head = '[calendar]\nname = "C"\ntimezone = "UTC"\n'
    cases = {
        "date = 2024-06-27": "Thu 27 Jun 2024",
        'start = 2024-06-27\nend = 2024-07-11': "27 Jun\N{EN DASH}11 Jul 2024",
        'start = 2024-07-01\nend = 2024-07-05': "1\N{EN DASH}5 Jul 2024",
        'start = 2024-12-30\nend = 2025-01-02': "30 Dec 2024\N{EN DASH}2 Jan 2025",
        "date = 2024-06-27T10:00:00": "Thu 27 Jun 2024 10:00",
        'start = 2024-06-27T10:00:00\nend = 2024-06-27T12:30:00':
            "Thu 27 Jun 2024 10:00\N{EN DASH}12:30",
        'start = 2024-06-27T10:00:00\nend = 2024-06-28T12:00:00':
            "27 Jun 10:00\N{EN DASH}28 Jun 2024 12:00",
    }  # fmt: skip
    for fields, expected in cases.items():
        assert _item(f'{head}[events.e]\ntitle = "E"\n{fields}\n') == [expected], fields


def _render(rows: list[tuple[str, str]], width: int, colours: bool = False) -> str:
    head = '[calendar]\nname = "Desk"\ntimezone = "UTC"\n'
    events = "".join(
        f"[events.e{n}]\ntitle = {title!r}\nlocation = {place!r}\ndate = 2024-06-{n % 28 + 1:02}\n"
        for n, (title, place) in enumerate(rows)
    ).replace("\\\\", "\\")
    calendar = loads((head + events).encode(), "cal.toml")
    items = build_agenda(calendar.schedule, dt.datetime(2024, 6, 1, tzinfo=ZONE))
    file = io.StringIO()
    console = Console(
        file=file, width=width, force_terminal=colours, color_system="standard" if colours else None
    )
    console.print(agenda_table(items, ZONE, "Desk", width))
    return file.getvalue()


words = st.sampled_from(
    ["Silence", "procedure", "on", "the", "Conférence", "Ñuñoa", "東京会議", "café\u0301", "[bold]",
     "[/]", ":smile:", "x" * 45, "Zusammenarbeitsvereinbarung", "\u2019s", "…", "a", "2024",
     "\U0001f44d", "\u2764\ufe0f", "\U0001f1f0\U0001f1ff"]
)  # fmt: skip
texts = st.lists(words, max_size=12).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(texts.filter(bool), texts), min_size=1, max_size=5),
       width=st.integers(min_value=40, max_value=160))  # fmt: skip
def test_any_text_fits_and_every_word_is_kept(rows: list[tuple[str, str]], width: int) -> None:
    out = _render(rows, width)
    lines = out.splitlines()
    assert all(cell_len(line) <= width for line in lines), out
    assert all(line == line.rstrip() for line in lines)
    headings = _columns(out)
    assert headings[:2] == ["When", "Countdown"] and "Title" in headings
    # Read the Title column back: every title, whole and in order (only spaces may change).
    start = lines[2].index("Title")
    title_column = "".join(line[start:].split("  ")[0] for line in lines[4:])
    assert title_column.replace(" ", "") == "".join(t.replace(" ", "") for t, _ in rows)


def test_control_characters_never_reach_the_terminal(write_calendar: Callable[[str], Path],
                                                     cica: Cica) -> None:  # fmt: skip
    path = write_calendar(
        '[calendar]\nname = "Desk\\u001b]0;pwned\\u0007"\ntimezone = "UTC"\n'
        '[events.e]\ntitle = "Red\\u001b[31m alert\\nsecond line\\ttab \\u202eevil"\n'
        'date = 2024-07-01\nlocation = "Room\\r1"\n'
    )
    result = cica("upcoming", "-c", str(path), "--as-of", "2024-06-27")
    assert result.code == 0, result.err
    assert "\x1b" not in result.out and "\x07" not in result.out and "\u202e" not in result.out
    assert "Red alert second line tab evil" in result.out  # core.safe_text's rule
    assert len(result.out.splitlines()) == 5  # title, blank, headings, rule, one row


def test_row_styles_on_a_terminal() -> None:
    out = _render([("Plain", "Here")], 80, colours=True)
    assert "\x1b[3mDesk\x1b[0m" in out  # the title in the table title's style
    assert "\x1b[1mWhen" in out  # headings in bold
    # Today's item in bold, its whole row, with no padding after the last cell.
    assert "\x1b[1mSat 1 Jun 2024  today      meeting  Plain  Here\x1b[0m\n" in out


@pytest.mark.parametrize("width", range(34, 47))
def test_a_wrapped_date_keeps_the_space_before_its_time(width: int) -> None:
    rows = [("Timed call about very many things that go on and on", "")]
    text = '[calendar]\ntimezone = "UTC"\n[events.t]\ntitle = "{}"\ndate = 2024-07-02T10:00:00\n'
    calendar = loads(text.format(rows[0][0]).encode(), "cal.toml")
    items = build_agenda(calendar.schedule, dt.datetime(2024, 6, 28, tzinfo=ZONE))
    lines = str(agenda_table(items, ZONE, "Desk", width)).splitlines()
    column = lines[2].index("Countdown")  # the When column ends there
    when = " ".join(line[:column] for line in lines[4:]).split()
    assert when == ["Tue", "2", "Jul", "2024", "10:00"]


EMOJI = {
    "flags": "\U0001f1f0\U0001f1ff" * 20,  # KZ, a pair of regional indicators each
    "family": "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466" * 12,
    "hearts": "\u2764\ufe0f" * 30,
    "skin": "\U0001f44d\U0001f3fd" * 25,
}


@pytest.mark.parametrize("width", [40, 60, 80])
@pytest.mark.parametrize("name", sorted(EMOJI))
def test_emoji_are_wrapped_whole_and_fit(name: str, width: int) -> None:
    title = EMOJI[name]
    text = f'[calendar]\ntimezone = "UTC"\n[events.e]\ntitle = "{title}"\ndate = 2024-07-02\n'
    calendar = loads(text.encode(), "cal.toml")
    items = build_agenda(calendar.schedule, dt.datetime(2024, 6, 28, tzinfo=ZONE))
    lines = str(agenda_table(items, ZONE, "Desk", width)).splitlines()
    assert all(cell_len(line) <= width for line in lines)
    start = lines[2].index("Title")
    pieces = [line[start:] for line in lines[4:]]
    assert "".join(pieces) == title  # every character kept, in order
    unit = {"flags": 2, "family": 7, "hearts": 2, "skin": 2}[name]
    assert all(len(piece) % unit == 0 for piece in pieces)  # no sequence cut in two


def test_a_long_title_wraps_within_the_width() -> None:
    name = "A rather long calendar name for the planning of the Ministerial Council of 2024"
    text = f'[calendar]\nname = "{name}"\ntimezone = "UTC"\n'
    text += '[events.e]\ntitle = "E"\ndate = 2024-07-02\n'
    calendar = loads(text.encode(), "cal.toml")
    items = build_agenda(calendar.schedule, dt.datetime(2024, 6, 28, tzinfo=ZONE))
    lines = str(agenda_table(items, ZONE, f"{name} as of Fri 28 Jun 2024", 40)).splitlines()
    head = lines[: lines.index("")]
    assert len(head) > 1 and all(cell_len(line) <= 40 for line in head)
    assert " ".join(head) == f"{name} as of Fri 28 Jun 2024"


def test_timeline_labels_are_measured_in_cells() -> None:
    from cica_cli.views.timeline import timeline_chart

    titles = [
        "中华人民共和国外交部亚洲事务会议筹备会",
        EMOJI["family"],
        "Plain Latin title, long enough",
    ]
    events = "".join(
        f'[events.e{n}]\ntitle = "{title}"\ndate = 2024-0{n + 2}-01\n'
        for n, title in enumerate(titles)
    )
    calendar = loads(f'[calendar]\ntimezone = "UTC"\n{events}'.encode(), "cal.toml")
    now = dt.datetime(2024, 6, 27, tzinfo=ZONE)
    items = build_agenda(calendar.schedule, now, include_past=True)
    file = io.StringIO()
    console = Console(file=file, width=80, color_system=None)
    console.print(timeline_chart(items, now.date(), dt.date(2024, 1, 1), dt.date(2024, 6, 30), 80))
    rows = [line for line in file.getvalue().splitlines() if "\u25cf" in line][:3]  # the ● rows
    assert len(rows) == 3 and rows[2].startswith("Plain Latin")
    today = [cell_len(row[: row.index("\u2502")]) for row in rows]  # the "today" line │
    assert len(set(today)) == 1, today  # at the same column on every row
    assert all(cell_len(row) <= 80 for row in rows)
