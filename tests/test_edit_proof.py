"""An edit checked from the text around the edited table (``blocks.replaced_table``; for a new
event, ``blocks.appended_table``), and the quick search for an event's header
(``blocks.MultilineStrings``), against a real TOML reader (``tomllib``) and the exact lexer, on
generated files full of look-alike headers."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cica_cli.edit.blocks import MultilineStrings, appended_table, event_region, replaced_table
from cica_cli.edit.rewrite import append_event, set_fields

from .test_edit_text import HOSTILE

# Lines of a table, each with whether the line starts inside a multi-line string. A `{n}` is the
# number of another event: a line that reads as its header, inside a string.
_BODY: list[list[tuple[str, bool]]] = [
    [('note{k} = """', False), ("[events.e{n}]", True), ("date = 1999-01-01", True), ('"""', True)],
    [("note{k} = '''", False), ("[events.e{n}]", True), ("'''", True)],
    [("note{k} = '''[events.e{n}]", False), ("[events.e{n}]''''", True)],
    [('note{k} = """two quotes end it"""""', False)],
    [('note{k} = """an \\""" escaped', False), ("[events.e{n}]", True), ('"""', True)],
    [('note{k} = \'"""\'  # a delimiter in a literal string', False)],
    [("note{k} = \"'''\"  # and in a basic one", False)],
    [("# a comment holding \"\"\" and ''' and [events.e{n}]", False)],
    [('note{k} = "a # not a comment \\" still \\"\\"\\" text"', False)],
    [("note{k} = [", False), ('  "a", # """', False), ("  \"'''\",", False), ("]", False)],
    [("note{k} = { x = '''inline''', y = \"#\" }", False)],
    [("note{k} = '''", False), ('"""', True), ("[events.e{n}]", True), ("'''", True)],
]
_HEADERS = ["[events.e{i}]", '[ events . "e{i}" ]  # spaced', "[events.'e{i}']"]


@st.composite
def calendars(draw: st.DrawFn) -> tuple[str, list[bool], list[str]]:
    """A TOML calendar, whether each of its lines starts inside a multi-line string, its ids."""
    count = draw(st.integers(1, 5))
    lines: list[tuple[str, bool]] = [('[calendar]\nname = "Generated"', False)]
    for i in range(count):
        if draw(st.booleans()):
            lines.append(("# introducing the next table", False))
        lines.append((draw(st.sampled_from(_HEADERS)).format(i=i), False))
        lines.append((f'title = "E{i}"', False))
        lines.append((f"date = 2024-07-{i + 1:02d}", False))
        for k, part in enumerate(draw(st.lists(st.sampled_from(_BODY), max_size=4))):
            n = draw(st.integers(0, count - 1))
            lines += [
                (line.replace("{k}", str(k)).replace("{n}", str(n)), inside)
                for line, inside in part
            ]
        lines.append(("", False))
    text = "\n".join(line for line, _ in lines) + "\n"
    inside = [flag for line, flag in lines for _ in line.split("\n")]
    return text, inside, [f"e{i}" for i in range(count)]


@settings(max_examples=300, deadline=None)
@given(calendars())
def test_lines_inside_multiline_strings_are_told_apart(
    calendar: tuple[str, list[bool], list[str]],
) -> None:
    text, inside, ids = calendar
    tomllib.loads(text)  # the generated file is TOML
    strings = MultilineStrings(text)
    newlines = [i for i, c in enumerate(text) if c == "\n"]
    starts = [0, *(i + 1 for i in newlines[: len(inside) - 1])]
    assert [strings.cover(start) for start in starts] == inside
    for event_id in ids:  # so the quick search finds the real header, as the exact lexer does
        assert event_region(text, event_id) == event_region(text, event_id, exact=True)


@settings(max_examples=300, deadline=None)
@given(calendars(), st.data())
def test_an_edit_shown_from_its_table_is_the_file_read_whole(
    calendar: tuple[str, list[bool], list[str]], data: st.DataObject
) -> None:
    text, _, ids = calendar
    event_id = data.draw(st.sampled_from(ids))
    changes = data.draw(
        st.sampled_from([{"title": "New [events.e0] '''"}, {"status": "done"}, {"title": None}])
    )
    edited = set_fields(text, event_id, changes)
    table = replaced_table(text, edited, event_id)
    assert table is not None  # every generated file is one it can show
    before, after = tomllib.loads(text), tomllib.loads(edited)
    assert table == after["events"][event_id]
    assert after == {**before, "events": {**before["events"], event_id: table}}


def _whole(before: str, after: str, event_id: str) -> bool:
    """What ``replaced_table`` claims, checked by reading both files whole."""
    try:
        old, new = tomllib.loads(before), tomllib.loads(after)
    except tomllib.TOMLDecodeError:
        return False
    table: Any = new.get("events", {}).get(event_id)
    return new == {**old, "events": {**old.get("events", {}), event_id: table}}


TWO = '[events.a]\ntitle = "A"\ndate = 2024-07-01\n\n[events.b]\ntitle = "B"\n'


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # something outside the table changed too
        (TWO, TWO.replace('"A"', '"A2"').replace('"B"', '"B2"')),
        # the new table opens a string that runs on over the next table
        (TWO, TWO.replace("date = 2024-07-01\n", 'date = 2024-07-01\nnote = """\n')),
        # the new table has no line end: the next header would be glued to its last value
        (
            TWO.replace("\n\n[events.b]", "\n[events.b]"),
            TWO.replace("2024-07-01\n\n[events.b]", "2024-07-01 [events.b]"),
        ),
        # a line before the header: it belongs to whatever table came before
        ('[calendar]\nname = "C"\n\n' + TWO, '[calendar]\nname = "C"\n\ndescription = "x"\n' + TWO),
        # the table's header is inside a multi-line string: the real one is further on
        (
            '[events.z]\ntitle = "Z"\nnote = """\n[events.a]\ntitle = "A"\n"""\n' + TWO,
            '[events.z]\ntitle = "Z"\nnote = """\n[events.a]\ntitle = "X"\n"""\n' + TWO,
        ),
        # the header is gone: the lines would join the table before
        (
            '[calendar]\nname = "C"\n\n[events.a]\ntitle = "A"\n',
            '[calendar]\nname = "C"\n\nevents.a.title = "X"\n',
        ),
        # the table defines another table as well
        (TWO, TWO.replace("date = 2024-07-01\n", "date = 2024-07-01\n[events.c]\ntitle = 'C'\n")),
    ],
)
def test_what_it_cannot_show_is_left_to_reading_the_files_whole(before: str, after: str) -> None:
    assert before != after
    assert replaced_table(before, after, "a") is None


@pytest.mark.parametrize(
    ("before", "cut", "after"),
    [
        # the region cut short: the lines after it still belong to the table
        ('[events.a]\ntitle = "A"\ndate = 2024-07-01\n', "date", '[events.a]\ntitle = "X"\n'),
        # the region cut inside a multi-line string, at a line that reads as a header
        (
            '[events.a]\ntitle = "A"\nnote = """\n[events.x]\n"""\n',
            "[events.x]",
            '[events.a]\ntitle = "X"\n',
        ),
    ],
)
def test_a_region_found_wrong_is_not_trusted(
    monkeypatch: pytest.MonkeyPatch, before: str, cut: str, after: str
) -> None:
    import cica_cli.edit.blocks as blocks

    monkeypatch.setattr(blocks, "_region_end", lambda text, after: text.index(cut))
    edited = after + before[before.index(cut) :]
    try:
        real = tomllib.loads(edited)["events"]["a"]
    except tomllib.TOMLDecodeError:
        real = None
    assert real != tomllib.loads(after)["events"]["a"]  # the new region alone would be wrong
    assert replaced_table(before, edited, "a") is None


def test_a_commented_header_does_not_end_the_table() -> None:
    # The table goes on after a comment that reads as a header: the key below it is the
    # table's, as reading the files whole says.
    before = '[events.a]\ntitle = "A"\n# [events.b]\ndate = 2024-07-01\n[events.b]\ntitle = "B"\n'
    after = before.replace('"A"', '"A2"')
    table = replaced_table(before, after, "a")
    assert table == {"title": "A2", "date": dt.date(2024, 7, 1)}
    assert _whole(before, after, "a")


def test_the_hostile_file_edited_in_every_event_it_has_a_table_for() -> None:
    for event_id in ("quoted-one", "after"):
        edited = set_fields(HOSTILE, event_id, {"status": "done"})
        table = replaced_table(HOSTILE, edited, event_id)
        assert table is not None and table["status"] == "done"
        assert _whole(HOSTILE, edited, event_id)
    # events defined inline or by dotted keys have no table of their own: not shown this way
    for event_id in ("inline-one", "dotted"):
        edited = set_fields(HOSTILE, event_id, {"status": "done"})
        assert replaced_table(HOSTILE, edited, event_id) is None


# --- cica add: a table appended at the end (blocks.appended_table) ---


@settings(max_examples=300, deadline=None)
@given(calendars(), st.sampled_from(["\n", "", "\n\n# a comment\n"]))
def test_an_appended_table_shown_from_the_end_is_the_file_read_whole(
    calendar: tuple[str, list[bool], list[str]], tail: str
) -> None:
    text, _, _ = calendar
    before = text.rstrip("\n") + tail if tail else text
    edited = append_event(before, "new", {"title": "New [events.e0] '''", "date": "e0"})
    table = appended_table(before, edited, "new")
    assert table is not None  # every generated file is one it can show
    old, new = tomllib.loads(before), tomllib.loads(edited)
    assert new == {**old, "events": {**old["events"], "new": table}}


_APPENDED = [
    '[events.n]\ntitle = "N"\n',
    '\n[events.n]\ntitle = "N"\n',
    'x = 1\n[events.n]\ntitle = "N"\n',  # a key ahead of the header: the last table's
    '[events.n]\ntitle = "N"\n[events.m]\ntitle = "M"\n',  # two tables
    '[events.n]\ntitle = """\n',  # a string that does not end
    '[events.n.sub]\ntitle = "N"\n',
    '[[events.n]]\ntitle = "N"\n',
    '[events]\nn.title = "N"\n',
    'events.n.title = "N"\n',
    '[ events . "n" ]\ntitle = "N"  # spaced, quoted\n',
    "# only a comment\n",
]
_BEFORE = [
    '[calendar]\nname = "C"\n\n[events.a]\ntitle = "A"\n',
    '[calendar]\nname = "C"\n\n[events.a]\ntitle = "A"',  # no line end at the end
    'events.a.title = "A"\n',  # events by dotted keys: a header cannot extend them
    'events = { a = { title = "A" } }\n',  # events inline: nor this
    '[events]\na = { title = "A" }\n',
    '[events.a]\ntitle = """\n[events.n]\n"""\n',  # a look-alike header inside a string
    "",
]


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(_BEFORE), st.lists(st.sampled_from(_APPENDED), min_size=1, max_size=3))
def test_an_appended_table_is_claimed_only_when_the_whole_file_agrees(
    before: str, pieces: list[str]
) -> None:
    after = before + "".join(pieces)
    table = appended_table(before, after, "n")
    if table is not None:
        assert _whole(before, after, "n")
        assert tomllib.loads(after)["events"]["n"] == table


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('[events.a]\ntitle = "A"\n', '[events.a]\ntitle = "B"\n[events.n]\ntitle = "N"\n'),
        ('events.a.title = "A"\n', 'events.a.title = "A"\n[events.n]\ntitle = "N"\n'),
        ("events = { a = {} }\n", 'events = { a = {} }\n[events.n]\ntitle = "N"\n'),
        ('[events.a]\ntitle = "A"', '[events.a]\ntitle = "A"[events.n]\ntitle = "N"\n'),
        ('[events.a]\ntitle = "A"\n', '[events.a]\ntitle = "A"\nx = 1\n[events.n]\ntitle = "N"\n'),
        ("[events.a]\n", '[events.a]\n[events.n]\ntitle = "N"\n[events.m]\ntitle = "M"\n'),
    ],
    ids=["changed before", "dotted events", "inline events", "glued", "key ahead", "two tables"],
)
def test_what_it_cannot_show_for_an_appended_table_it_leaves(before: str, after: str) -> None:
    assert appended_table(before, after, "n") is None
