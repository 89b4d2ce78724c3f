"""Nothing a calendar holds reaches the terminal raw (issue 11, section 1): escape sequences,
C0/C1 controls, bidi overrides. One rule (``core/safe_text.py``), applied where the calendar's
text comes in (the loader) and where messages go out (``cli``); every command is tried."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cica_cli.core.safe_text import line, paragraphs

from .conftest import Result

#: What must never be printed: C0 controls but LF (and TAB in a description), DEL, C1, bidi
#: embeddings, overrides and isolates, and the line/paragraph separators.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

HOSTILE = r"""
[calendar]
name = "Desk\u001b]0;pwned\u0007 2030"
timezone = "Asia/Almaty"

[events.evil]
title = "Clear\u001b[2J\u001b[H screen\nsecond line\u202e desrever \u009b31m red"
kind = "deadline"
date = 2030-01-10
location = "Clip\u001b]52;c;cm0gLXJmIH4=\u0007board\u2066 isolate\u2069"
description = "Line one\u001b[31m red\u001b[0m\nLine two\u000b\u000cform\u0085next\u2028sep\ttab"
tags = ["tag\u001b[1m", "\u202eevil"]
source = "https://example.org/\u001b[2J"

[events.plain]
title = "Plain meeting"
date = "evil + 1 day"
"""


@pytest.fixture
def hostile(write_calendar: Callable[[str], Path]) -> Path:
    return write_calendar(HOSTILE)


def _assert_safe(text: str) -> None:
    bad = sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(text)})
    assert not bad, f"printed raw: {bad} in {text!r}"


@pytest.mark.parametrize(
    "args",
    [
        ("upcoming",),
        ("upcoming", "--json"),
        ("upcoming", "--all"),
        ("next",),
        ("next", "--json"),
        ("show", "evil"),
        ("show", "evil", "--json"),
        ("timeline",),
        ("validate",),
        ("export", "-o", "-"),
        ("remind", "--dry-run", "--to", "desk@example.org", "--from", "cica@example.org"),
    ],
)
def test_every_command_prints_calendar_text_safely(
    cica: Callable[..., Result], hostile: Path, args: tuple[str, ...]
) -> None:
    as_of = () if args[0] == "validate" else ("--as-of", "2030-01-09")
    result = cica(*args, "-c", str(hostile), *as_of)
    assert result.code == 0, result.err
    out = result.out.replace("\r\n", "\n") if args[0] == "export" else result.out  # CRLF: RFC 5545
    _assert_safe(out)
    _assert_safe(result.err)
    if args[0] == "export":
        # The .ics follows the same rule (before: U+202E and C1 reached it).
        assert "\u202e" not in result.out and "\x9b" not in result.out
        assert "SUMMARY:Clear screen second line desrever  red\r\n" in result.out
    if args[0] == "remind":
        assert "Clear screen second line desrever" in result.out


def test_the_texts_read_as_written_without_the_controls(
    cica: Callable[..., Result], hostile: Path
) -> None:
    result = cica("show", "evil", "-c", str(hostile), "--as-of", "2030-01-09")
    assert result.code == 0
    assert "Clear screen second line desrever  red" in result.out
    assert "Clipboard isolate" in result.out
    assert "tag, evil" in result.out
    # A description keeps its lines (and tab), not its controls.
    assert "Line one red" in result.out and "Line two" in result.out
    upcoming = cica("upcoming", "-c", str(hostile), "--as-of", "2030-01-09")
    assert upcoming.out.startswith("Desk 2030 as of Wed 9 Jan 2030")


def test_next_is_always_exactly_one_line(cica: Callable[..., Result], hostile: Path) -> None:
    result = cica("next", "-c", str(hostile), "--as-of", "2030-01-09")
    assert result.code == 0
    assert result.out == "Clear screen second line desrever  red - tomorrow (Thu 10 Jan 2030)\n"


def test_validate_error_lines_are_safe(
    cica: Callable[..., Result], write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(
        "[calendar]\n"
        'timezone = "UTC"\n'
        "[events.a]\n"
        'title = "A"\n'
        "date = 2030-01-01\n"
        '"ti\\u001b]0;x\\u0007tle" = "typo"\n'
        '[events."bad\\u001b[2J\\nid"]\n'
        'title = "B"\n'
        "date = 2030-01-01\n"
        '["tab\\u202ele"]\n'
        "x = 1\n"
    )
    result = cica("validate", "-c", str(path))
    assert result.code == 65
    assert result.out == ""
    _assert_safe(result.err)
    lines = result.err.splitlines()
    assert len(lines) == 3, lines  # one line per problem, whatever the keys hold
    # a key that is not plain text is shown quoted, its controls escaped as TOML writes them
    assert any('events.a."ti\\u001b]0;x\\u0007tle": unknown field' in ln for ln in lines)
    assert any('events."bad\\u001b[2J\\nid": ids may use only letters' in ln for ln in lines)
    assert any('"tab\\u202ele": unknown table' in ln for ln in lines)


def test_an_id_cannot_end_in_a_line_break(
    cica: Callable[..., Result], write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(
        '[calendar]\ntimezone = "UTC"\n[events."a\\n"]\ntitle = "A"\ndate = 2030-01-01\n'
    )
    result = cica("validate", "-c", str(path))
    assert result.code == 65
    assert result.err.count("\n") == 1
    assert 'events."a\\n": ids may use only letters' in result.err


def test_messages_on_stderr_are_safe(cica: Callable[..., Result]) -> None:
    result = cica("show", "nope\x1b]0;x\x07", "--as-of", "2024-06-27")
    assert result.code == 2
    _assert_safe(result.err)


def test_export_name_follows_the_rule(cica: Callable[..., Result], hostile: Path) -> None:
    result = cica("export", "-o", "-", "-c", str(hostile), "--name", "Feed\x1b[2J\u202e!")
    assert result.code == 0
    assert "X-WR-CALNAME:Feed!\r\n" in result.out


@pytest.mark.parametrize(
    ("raw", "one_line", "lines"),
    [
        ("plain title", "plain title", "plain title"),
        ("a\x1b[31mred\x1b[0m b", "ared b", "ared b"),
        ("title\x1b]0;window\x07 x", "title x", "title x"),
        ("clip\x1b]52;c;aGk=\x1b\\ x", "clip x", "clip x"),
        ("reset\x1bc!", "reset!", "reset!"),
        ("dcs\x1bPq#0;2;0;0;0\x1b\\ x", "dcs x", "dcs x"),
        ("csi8\x9b2Jx", "csi8x", "csi8x"),
        ("one\ntwo\r\nthree\rfour", "one two three four", "one\ntwo\nthree\nfour"),
        ("tab\there", "tab here", "tab\there"),
        ("nel\x85ls\u2028ps\u2029end", "nel ls ps end", "nel\nls\nps\nend"),
        ("bell\x07nul\x00del\x7f", "bellnuldel", "bellnuldel"),
        ("\u202eevil\u202c \u2066iso\u2069", "evil iso", "evil iso"),
        ("keep \u200e\u200f\u200d ə Ж 𝄞 😀", "keep \u200e\u200f\u200d ə Ж 𝄞 😀", None),
        ("\x1b[2J", "", ""),
        ("\nspaced\n", "spaced", "\nspaced\n"),
    ],
)
def test_the_rule(raw: str, one_line: str, lines: str | None) -> None:
    assert line(raw) == one_line
    assert paragraphs(raw) == (raw if lines is None else lines)


@given(st.text(max_size=60))
def test_nothing_unsafe_survives(text: str) -> None:
    assert not UNSAFE.search(line(text)) and "\n" not in line(text) and "\t" not in line(text)
    assert not UNSAFE.search(paragraphs(text))
    assert line(line(text)) == line(text) and paragraphs(paragraphs(text)) == paragraphs(text)
