"""The calendar file edited in its own style: only the edited values change, byte for byte."""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib

import pytest

from cica_cli.edit.blocks import Region, event_region, headers
from cica_cli.edit.rewrite import EditFailedError, append_event, set_fields

from .conftest import SHIPPED

# Comments everywhere, inline tables, dotted keys, multi-line strings holding lines that look like
# headers, a multi-line array of arrays, quoted and spaced table names, literal strings.
HOSTILE = """\
# a calendar written to confuse   [events.fake]
[calendar] # the settings
name = 'Hostile'   # literal string
timezone = "Asia/Almaty"
holidays = [
  2024-07-08, # a bank holiday
]

[events] # events written inline
inline-one = { title = "Inline { meeting }", date = 2024-07-01 } # keep this comment
dotted.title = "Dotted # not a comment"
dotted.date = "inline-one + 2 days"

[ events . "quoted-one" ]   # spaces and quotes in the header
title = '''A literal
multi-line title'''
description = \"\"\"
[events.not-a-header]
date = 1999-01-01
\"\"\"
date = 2024-07-04            # typed
# a comment inside the table
tags = [
  "a", # first
  "b",
]

# a comment before the next table
[events.after]
title = "After \\"escaped\\" [brackets]"
kind = "deadline"
date = "quoted-one - 2 working days"   # computed
remind = ["3 days"]   # lead
"""


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_headers_are_found_outside_strings_and_values_only() -> None:
    found = [(h.key, h.array) for h in headers(HOSTILE)]
    assert found == [
        (("calendar",), False),
        (("events",), False),
        (("events", "quoted-one"), False),
        (("events", "after"), False),
    ]


@pytest.mark.parametrize("event_id", ["inline-one", "dotted", "quoted-one", "after", "nowhere"])
def test_the_quick_region_is_the_exact_one_on_the_hostile_file(event_id: str) -> None:
    assert event_region(HOSTILE, event_id) == event_region(HOSTILE, event_id, exact=True)


def test_a_region_leaves_the_comments_that_introduce_the_next_table_out() -> None:
    region = event_region(HOSTILE, "quoted-one")
    piece = HOSTILE[region.start : region.end]
    assert piece.startswith('[ events . "quoted-one" ]')
    assert piece.endswith('  "b",\n]\n')


def test_moving_the_shipped_calendar_changes_one_line_and_keeps_its_comment() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    edited = set_fields(text, "soc-astana-2024-06", {"date": dt.date(2024, 7, 4)})
    assert _changed_lines(text, edited) == [
        '-date = 2024-06-27               # "met in Astana on 27 June 2024"\n',
        '+date = 2024-07-04               # "met in Astana on 27 June 2024"\n',
    ]


def test_every_field_of_the_shipped_calendar_can_be_set_without_touching_the_rest() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    edited = set_fields(
        text,
        "env-outcome-silence",
        {"status": "done", "tags": ["environment", "silence"], "source": None},
    )
    assert _changed_lines(text, edited) == [
        '-source = "https://s-cica.org/index.php?view=page&t=press_releases&id=2128"\n',
        '-tags = ["environment"]\n',
        '+tags = ["environment", "silence"]\n',
        '+status = "done"\n',
    ]
    # the comments inside the table are kept
    assert '# "approved, subject to a 2 week-long silence procedure"' in edited
    assert "# It expires two weeks after it opened: 2024-07-11 (computed)." in edited
    assert 'end = "soc-astana-2024-06 + 2 weeks"\n' in edited


def test_hostile_inline_table_is_edited_in_place() -> None:
    edited = set_fields(HOSTILE, "inline-one", {"date": dt.date(2024, 7, 2)})
    assert _changed_lines(HOSTILE, edited) == [
        '-inline-one = { title = "Inline { meeting }", date = 2024-07-01 } # keep this comment\n',
        '+inline-one = { title = "Inline { meeting }", date = 2024-07-02 } # keep this comment\n',
    ]


def test_hostile_dotted_keys_are_edited_in_place() -> None:
    edited = set_fields(HOSTILE, "dotted", {"title": "Dotted again"})
    assert _changed_lines(HOSTILE, edited) == [
        '-dotted.title = "Dotted # not a comment"\n',
        '+dotted.title = "Dotted again"\n',
    ]


def test_hostile_table_after_a_multiline_string_with_a_fake_header() -> None:
    edited = set_fields(HOSTILE, "quoted-one", {"date": dt.date(2024, 7, 11), "status": "done"})
    assert _changed_lines(HOSTILE, edited) == [
        "-date = 2024-07-04            # typed\n",
        "+date = 2024-07-11            # typed\n",
        '+status = "done"\n',
    ]
    assert tomllib.loads(edited)["events"]["quoted-one"]["description"] == (
        "[events.not-a-header]\ndate = 1999-01-01\n"
    )


def test_literal_and_multiline_strings_keep_their_kind() -> None:
    edited = set_fields(HOSTILE, "quoted-one", {"title": "Two\nlines"})
    assert "title = '''Two\nlines'''\n" in edited
    edited = set_fields(HOSTILE, "quoted-one", {"title": "It's'''"})  # cannot be literal
    assert tomllib.loads(edited)["events"]["quoted-one"]["title"] == "It's'''"


def test_an_expression_replaced_by_a_date_and_a_date_typed_as_text_stays_text() -> None:
    edited = set_fields(HOSTILE, "after", {"date": dt.date(2024, 7, 1)})
    assert _changed_lines(HOSTILE, edited) == [
        '-date = "quoted-one - 2 working days"   # computed\n',
        "+date = 2024-07-01   # computed\n",
    ]
    as_text = HOSTILE.replace('date = "quoted-one - 2 working days"', 'date = "2024-07-02T10:00"')
    edited = set_fields(as_text, "after", {"date": dt.datetime(2024, 7, 3, 11, 30)})
    assert 'date = "2024-07-03T11:30"   # computed\n' in edited


def test_crlf_files_stay_crlf() -> None:
    crlf = HOSTILE.replace("\n", "\r\n")
    edited = set_fields(crlf, "after", {"status": "cancelled", "remind": ["1 day"]})
    assert "\n" not in edited.replace("\r\n", "")
    assert _changed_lines(crlf, edited) == [
        '-remind = ["3 days"]   # lead\r\n',
        '+remind = ["1 day"]   # lead\r\n',
        '+status = "cancelled"\r\n',
    ]
    added = append_event(crlf, "new-one", {"title": "New", "date": dt.date(2024, 8, 1)})
    assert added.startswith(crlf)
    assert added[len(crlf) :] == '\r\n[events.new-one]\r\ntitle = "New"\r\ndate = 2024-08-01\r\n'


def test_append_follows_the_files_layout() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    added = append_event(
        text,
        "briefing-paper",
        {
            "title": 'Briefing "paper"',
            "kind": "deadline",
            "date": "baku-ministerial-2024 - 10 working days",
            "location": None,
            "tags": ["briefing"],
        },
    )
    assert added == text + (
        "\n[events.briefing-paper]\n"
        'title = "Briefing \\"paper\\""\n'
        'kind = "deadline"\n'
        'date = "baku-ministerial-2024 - 10 working days"\n'
        'tags = ["briefing"]\n'
    )
    aligned = "[events.a]\ntitle    = 'A'\ndate     = 2024-01-01\n"
    assert append_event(aligned, "b", {"title": "B", "date": dt.date(2024, 1, 2)}) == (
        aligned + "\n[events.b]\ntitle    = 'B'\ndate     = 2024-01-02\n"
    )


def test_events_as_one_inline_table_or_dotted_keys_at_the_root() -> None:
    text = 'events = { a = { title = "A", date = 2024-01-01 } }\n'
    assert set_fields(text, "a", {"date": dt.date(2024, 1, 2)}) == text.replace("01 }", "02 }")
    text = 'events.a.title = "A"\nevents.a.date = 2024-01-01 # c\n[calendar]\nname="x"\n'
    edited = set_fields(text, "a", {"date": dt.date(2024, 1, 2)})
    assert edited == text.replace("2024-01-01 # c", "2024-01-02 # c")


def test_an_edit_that_would_change_anything_else_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cica_cli.edit.rewrite as rewrite

    # a region finder that cuts the event's table in the middle of a multi-line string
    def broken_region(text: str, event_id: str, exact: bool = False) -> Region:
        start = text.index('[ events . "quoted-one" ]')
        return Region(start, text.index("[events.not-a-header]"))

    monkeypatch.setattr(rewrite, "event_region", broken_region)
    with pytest.raises(EditFailedError, match="nothing was written"):
        set_fields(HOSTILE, "quoted-one", {"status": "done"})


def test_append_takes_the_layout_of_the_last_real_table_not_of_one_inside_a_string() -> None:
    text = (
        "[events.a]\ntitle    = 'A'\ndate     = 2024-01-01\n\n"
        '[calendar]\ndescription = """\n[events.fake]\nx = "y"\n"""\n'
    )
    added = append_event(text, "b", {"title": "B", "date": dt.date(2024, 1, 2)})
    # one blank line and aligned literal strings, as [events.a]; not [events.fake]'s style
    assert added == text + "\n[events.b]\ntitle    = 'B'\ndate     = 2024-01-02\n"


def test_a_field_added_to_an_inline_table_keeps_its_spacing() -> None:
    text = (
        '[calendar]\ntimezone = "UTC"\n[events]\n'
        'a = { title = "A", date = 2024-07-01 }\nb = {title = "B", date = 2024-07-02}\n'
    )
    spaced = set_fields(text, "a", {"status": "done"})
    assert 'a = { title = "A", date = 2024-07-01, status = "done" }\n' in spaced
    tight = set_fields(text, "b", {"status": "done"})
    assert 'b = {title = "B", date = 2024-07-02, status = "done"}\n' in tight
    # tomlkit keeps the space after a text (not a date) elsewhere: the same result
    text = text.replace("date = 2024-07-01 }", 'date = 2024-07-01, location = "L" }')
    spaced = set_fields(text, "a", {"status": "done"})
    assert 'location = "L", status = "done" }\n' in spaced
