"""The TOML parser: the same values as the standard library's, TOML 1.0 only, errors placed."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cica_cli.core.toml_text import TomlError, parse, split_key
from cica_cli.errors import ConfigError
from cica_cli.remind.settings import read_config

ROOT = Path(__file__).resolve().parent.parent

#: Every kind of TOML value and table, in the spellings calendars use.
VALUES = r'''
# comment
[calendar]
name = "CICA \"2024\" \u00e9\t"
literal = 'C:\path\'
multi = """
Roses \
  are red
"""
raw_multi = QQQ
no \escapeQQQ
number = -17
hex = 0x1F
float = 6.25e-2
infinite = -inf
yes = true
holidays = [2024-01-01, 2024-03-08,]
mixed = [ "a", 1, [2, 3], {x = 1} ]
when = 2024-06-27T10:00:00+05:00
utc = 2024-06-27T05:00:00Z
local = 2024-06-27T10:00:00.5
day = 2024-06-27
clock = 10:00:00
"quoted key" = 1
dotted.key.here = 2

[events.soc]
title = "SOC"
inline = { a = 1, b = { c = [1, 2] } }

[[list]]
n = 1
[[list]]
n = 2
'''.replace("QQQ", "'''")


def test_values_are_those_of_the_standard_library() -> None:
    assert parse(VALUES) == tomllib.loads(VALUES)
    assert list(parse(VALUES)["calendar"]) == list(tomllib.loads(VALUES)["calendar"])


def test_offsets_are_standard_library_time_zones() -> None:
    when = parse(VALUES)["calendar"]["when"]
    assert type(when.tzinfo) is type(tomllib.loads(VALUES)["calendar"]["when"].tzinfo)
    assert when.utcoffset().total_seconds() == 5 * 3600


def test_the_shipped_calendar_reads_the_same(tmp_path: Path) -> None:
    text = (ROOT / "events.toml").read_text(encoding="utf-8")
    assert parse(text) == tomllib.loads(text)


def test_a_synthetic_calendar_reads_the_same() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    text = generate.generate(400)
    parsed = parse(text)
    assert parsed == tomllib.loads(text)
    assert len(parsed["events"]) == 400


@pytest.mark.parametrize(
    "text",
    [
        "a = { x = 1,\n y = 2 }",  # newlines in an inline table (TOML 1.1)
        "a = { x = 1, }",  # trailing comma in an inline table (TOML 1.1)
        'a = "\\e"',  # \e escape (TOML 1.1)
        'a = "\\xE9"',  # \x escape (TOML 1.1)
        "t = 10:00",  # time without seconds (TOML 1.1)
        "d = 2024-06-27T10:00",
    ],
)
def test_only_toml_1_0_is_accepted(text: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    with pytest.raises(TomlError):
        parse(text)


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('[calendar]\nname = "x"\nremind = [\n', 3, 12, "unclosed array"),
        ('[calendar]\nname = "x" y\n', 2, 12, "expected newline"),
        ('[events.a]\ntitle = "A"\n[events.a]\n', 3, 9, "duplicate key"),
        ("a = 1\na = 2\n", 2, 1, "duplicate key"),
        ('a = "é"\nb = \n', 2, 5, "string values must be quoted"),
        ('x = "unterminated\n', 1, 18, "invalid basic string"),
    ],
)
def test_errors_say_where_and_what(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(TomlError) as caught:
        parse(text)
    err = caught.value
    assert (err.line, err.column) == (line, column)
    assert words in str(err)
    assert "\n" not in str(err) and "|" not in str(err)  # the message, not the excerpt


def test_a_bad_config_file_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[smtp]\nhost = "localhost"\nport = \n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    assert str(caught.value).startswith(f"{path}:3: not valid TOML at column 8: ")
    path.write_bytes(b'[smtp]\nhost = "\xff"\n')
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        read_config(path)


_BARE = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True)
_ANY = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=8)


def _basic(text: str) -> str:
    """``text`` as a TOML basic string, escaped as \\uXXXX where it must be."""
    esc = (f"\\u{ord(c):04x}" if c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7F else c for c in text)
    return '"' + "".join(esc) + '"'


@st.composite
def _dotted_keys(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A dotted key as a calendar may write it, and its parts (quoted when they must be)."""
    parts = draw(st.lists(st.one_of(_BARE, _ANY), min_size=1, max_size=4))
    written = []
    for part in parts:
        style = draw(st.sampled_from(["bare", "basic", "literal"]))
        bare = all(c.isascii() and (c.isalnum() or c in "_-") for c in part)
        if style == "bare" and bare:
            written.append(part)
        elif style == "literal" and "'" not in part and part.isprintable():
            written.append(f"'{part}'")
        else:
            written.append(_basic(part))
    dot = draw(st.sampled_from([".", " . ", ". "]))
    return dot.join(written), parts


@given(_dotted_keys())
def test_split_key_gives_the_parts_tomllib_reads(case: tuple[str, list[str]]) -> None:
    written, parts = case
    assert list(split_key(written)) == parts
    table = tomllib.loads(f"{written} = 1")  # the reference reading of the same key
    for part in parts[:-1]:
        table = table[part]
    assert table == {parts[-1]: 1}
