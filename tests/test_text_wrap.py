"""``text_wrap.wrap`` gives exactly what ``textwrap.wrap`` gives, with and without its shortcut."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cica_cli.remind.text_wrap import wrap

WORDS = st.text(alphabet=st.sampled_from("ab-.:/é\u00a0\u200b\u2028x"), min_size=0, max_size=90)
SPACES = st.sampled_from([" ", " ", " ", "  ", "\t", "\n", "\r\n", "\x0b", "\x0c"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Words of all lengths (some longer than a line) between mostly single spaces."""
    words = draw(st.lists(WORDS, max_size=40))
    out = draw(st.sampled_from(["", " ", "\t"])) if draw(st.booleans()) else ""
    for n, word in enumerate(words):
        out += (draw(SPACES) if n else "") + word
    return out + (draw(st.sampled_from(["", " ", "\n"])) if draw(st.booleans()) else "")


def _textwrap(text: str, width: int, first: str, rest: str) -> list[str]:
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


@settings(max_examples=1000)
@given(
    texts(),
    st.integers(min_value=6, max_value=80),
    st.sampled_from(["", " ", "   "]),
    st.sampled_from(["", "   ", "     "]),
)
@example("When: Thu 1 Jan 2026 08:00 (Asia/Ulaanbaatar) (meeting)", 76, "   ", "     ")
@example("x" * 80 + " a b", 76, "   ", "     ")
@example("a " * 40 + "b", 76, "   ", "   ")
def test_same_lines_as_textwrap(text: str, width: int, first: str, rest: str) -> None:
    assert wrap(text, width, first, rest) == _textwrap(text, width, first, rest)


@pytest.mark.parametrize(
    ("text", "room"),
    [("abc de", 6), ("abc de", 5), ("abc de f", 3), ("abcdef g", 2), ("a", 1), ("ab cd", 2)],
)
def test_lines_that_fill_the_room_exactly_or_overflow_it(text: str, room: int) -> None:
    assert wrap(text, room + 2, "  ", "  ") == _textwrap(text, room + 2, "  ", "  ")
