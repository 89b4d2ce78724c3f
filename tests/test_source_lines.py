"""Line numbers of keys (``loader.line_finder``): asked for a few paths, the same answers as the
whole scan, whatever the text hides in strings, quotes, dotted keys and line breaks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cica_cli.core.loader import line_finder

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = '''\
# a calendar that tries to fool a line scanner
events.rooted.date = 2024-01-01   # a dotted key before any header
[calendar]
timezone = "Asia/Almaty"
description = """
[events.fake]
date = 2024-02-02
"""

  [ events . soc ]   # indented, spaced, commented
title = "SOC"
date = 2024-06-27
notes = \'\'\'
[events.silence]
start = "fake"
\'\'\'

[events."soc.2024"]
title = "quoted id with a dot"
date = 2024-06-28

[events.silence]
title = """one line""" # a one-line multi-line string
start = "soc"
duration = "2 weeks"

[events]
inline = { title = "inline", date = 2024-07-01 }
dotted.title = "dotted"
dotted.date = 2024-07-02

[[attachments]]
name = "x"

[events.late]
title = "late"
date = 2024-12-01
'''


def _paths(text: str) -> list[tuple[str, ...]]:
    """Every (events, id, field) the whole scan knows, and a few it does not."""
    known = [p for p in _whole(text) if len(p) == 3 and p[0] == "events"]
    return [*known, ("events", "missing", "date"), ("events", "soc", "missing")]


def _whole(text: str) -> dict[tuple[str, ...], int]:
    from cica_cli.core.loader import _SourceMap

    return _SourceMap(text).lines


def _agree(text: str, wanted: list[tuple[str, ...]]) -> None:
    whole = line_finder(text)
    some = line_finder(text, wanted)
    assert [some(p) for p in wanted] == [whole(p) for p in wanted]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_hostile_text(newline: str) -> None:
    text = HOSTILE.replace("\n", newline)
    paths = _paths(text)
    assert ("events", "fake", "date") not in paths  # inside a string: not a key
    assert ("events", "dotted", "date") in paths and ("events", "soc.2024", "date") in paths
    _agree(text, paths)
    for path in paths:  # one at a time too: the others' tables are skipped
        _agree(text, [path])


def test_lines_are_counted_by_newlines_only_as_toml_and_editors_count_them() -> None:
    # U+2028, U+0085 and a form feed end a line for str.splitlines, not for TOML or an editor.
    text = HOSTILE.replace('"one line"', '"one\u2028line\x85"').replace(
        "# a dotted key", "# a\u2029dotted key"
    )
    _agree(text, _paths(text))
    line = text[: text.index("date = 2024-12-01")].count("\n") + 1
    assert line_finder(text, [("events", "late", "date")])(("events", "late", "date")) == line
    assert line_finder(text)(("events", "late", "date")) == line


def test_a_problem_and_a_toml_error_after_such_a_line_name_the_same_line() -> None:
    from cica_cli.core.loader import loads
    from cica_cli.errors import CalendarDataError

    head = '[calendar]\ntimezone = "UTC"  # \u2028 \u2029\n[events.a]\ntitle = "x\u2028y"\n'
    with pytest.raises(CalendarDataError) as bad_toml:
        loads((head + "date = = 1\n").encode(), "c.toml")
    with pytest.raises(CalendarDataError) as bad_field:
        loads((head + "dte = 2024-01-01\n").encode(), "c.toml")
    assert bad_toml.value.problems[0].line == 5
    assert [p.line for p in bad_field.value.problems if p.where == "events.a.dte"] == [5]


def test_the_shipped_and_a_synthetic_calendar() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    for text in ((ROOT / "events.toml").read_text(encoding="utf-8"), generate.generate(300)):
        paths = _paths(text)
        assert len(paths) > 20
        _agree(text, paths)
        _agree(text, paths[::7])


_PIECES = [
    "[events.a]\n", "[events.b]\n", '[events."a"]\n', "[calendar]\n", "[[list]]\n",
    "date = 1\n", "start = 2\n", "title = 3\n", 'x = """\n', "'''\n", '"""\n',
    "a.date = 4\n", "events.b.start = 5\n", "b = { date = 6 }\n", "# [events.a]\n",
    "  [events.b]  # c\n", "[events.a.sub]\n", "[events]\n", "\n",
    "# \u2028[events.b]\n", 'title = "\u2028date = 7"\n', "[events.b]\r\n", "date = 8\r\n",
]  # fmt: skip


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=30),
    st.lists(st.sampled_from(["a", "b"]), min_size=1, max_size=2),
    st.sampled_from(["date", "start", "title"]),
)
def test_any_arrangement(pieces: list[str], ids: list[str], field: str) -> None:
    text = "".join(pieces)
    _agree(text, [("events", i, field) for i in ids])
