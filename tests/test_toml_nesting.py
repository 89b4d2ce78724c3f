"""TOML nested thousands of levels deep: once a segmentation fault inside toml-rs (exit 139, no
message); now a TOML error with its line and column (issue 11, section 2). Run as processes, so
that a crash fails the test instead of ending the test run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cica_cli.core.toml_text import MAX_NESTING, parse, too_deep

HEAD = '[calendar]\ntimezone = "UTC"\n[events.a]\ntitle = "A"\ndate = 2024-01-01\n'


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cica_cli", "validate", "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(path.parent), "NO_COLOR": "1"},
    )


@pytest.mark.parametrize(
    ("value", "line", "column"),
    [
        ("[" * 10_000 + "]" * 10_000, 6, 5 + MAX_NESTING),
        ("{b=" * 10_000 + "1" + "}" * 10_000, 6, 5 + 3 * MAX_NESTING),
        ("[" * 100_000, 6, 5 + MAX_NESTING),  # never closed
        ("[\n" * 10_000 + "]" * 10_000, 6 + MAX_NESTING, 1),  # one level a line
        ('[ "]", # ]\n' * 10_000, 6 + MAX_NESTING, 1),  # closers in strings and comments
    ],
)
def test_deep_nesting_is_a_toml_error_with_its_place(
    tmp_path: Path, value: str, line: int, column: int
) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(HEAD + "x = " + value + "\n", encoding="utf-8")
    result = _validate(path)
    assert result.returncode in (65,), result.stderr[-500:]
    assert result.stdout == ""
    where = f"deep.toml:{line}: invalid TOML at column {column}: "
    assert where + "arrays and inline tables nested more than 100 levels deep\n" in result.stderr
    assert result.stderr.count("\n") == 1


def test_brackets_in_strings_and_comments_are_not_nesting() -> None:
    text = (
        'a = "' + "[" * 500 + '"  # ' + "{" * 500 + "\n"
        "b = '" + "[" * 500 + "'\n"
        'c = """\n' + "[" * 500 + '\n"""\n'
        "d = '''" + "{" * 500 + "'''\n"
        'e = "quote \\" ' + "[" * 500 + '"\n'
        "f = [[[1]]]\n"
    )
    assert too_deep(text) is None
    assert parse(text)["f"] == [[[1]]]


def test_the_limit_is_exact() -> None:
    ok = "a = " + "[" * MAX_NESTING + "]" * MAX_NESTING
    assert too_deep(ok) is None
    deep = too_deep("a = " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1))
    assert deep is not None and (deep.line, deep.column) == (1, 5 + MAX_NESTING)


def test_a_large_ordinary_calendar_parses_as_before() -> None:
    text = "".join(f'[events.e{i}]\ntitle = "E"\ntags = ["a", "b"]\n' for i in range(5000))
    events = parse(text)["events"]  # 10 000 brackets: parsed on a thread with a larger stack
    assert len(events) == 5000 and events["e4999"]["tags"] == ["a", "b"]
