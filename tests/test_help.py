"""``--help`` reads right at 80 columns (issue 12): plain text, no ``<bool>`` after flags, every
line within the width, examples kept as written, and ``cica`` alone a documented usage error."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cica_cli.commands import COMMANDS

from .conftest import Result

Cica = Callable[..., Result]


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_fits_80_columns_without_metavars_on_flags(cica: Cica, command: str) -> None:
    result = cica(command, "--help")
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    assert [line for line in lines if len(line) > 80] == []
    assert "<bool>" not in result.out and "<file>" not in result.out
    assert not any(t in result.out for t in ("<str>", "<list", "<path>", "<int>", "<float>"))
    usage = lines[0]
    assert usage.startswith(f"Usage: cica {command} [OPTIONS]") and "{" not in usage
    assert not any(ch in result.out for ch in "╭│╰"), "no boxes: plain text"
    assert "Examples:" in result.out and f"cica {command}" in result.out
    assert any(line.startswith("  -h, --help ") for line in lines)


def test_arguments_are_written_as_click_writes_them(cica: Cica) -> None:
    out = cica("move", "--help").out
    assert out.startswith("Usage: cica move [OPTIONS] ID WHEN...\n")
    assert "\n  ID    The event id" in out
    assert cica("diff", "--help").out.startswith("Usage: cica diff [OPTIONS] [OLD] [NEW]\n")
    missing = cica("show")
    assert missing.code == 2 and "Missing argument 'ID'" in missing.err


def test_a_flag_has_no_metavar_and_a_default_is_written_once(cica: Cica) -> None:
    out = cica("remind", "--help").out
    assert "  -n, --dry-run  " in out
    assert "--lock-timeout SECONDS" in out and out.count("[default: 60.0; x>=0]") == 1


def test_examples_are_printed_as_written_not_rewrapped(cica: Cica) -> None:
    out = cica("remind", "--help").out
    assert (
        "  cica remind --to desk@example.org --from cica@example.org \\\n"
        "      --dry-run --as-of 2024-07-04\n"
    ) in out
    upcoming = cica("upcoming", "--help").out
    assert "  cica upcoming --within 6w --kind deadline    # deadlines in the next 6 weeks\n" in (
        upcoming
    )


def test_prose_in_an_epilog_is_wrapped_once_to_the_terminal(cica: Cica) -> None:
    out = cica("export", "--help").out
    prose = out[out.index("Re-exporting") :].split("\n\n")[0]
    assert all(len(line) <= 80 for line in prose.splitlines())
    assert prose.startswith("Re-exporting an unchanged calendar gives the same bytes")
    assert len(prose.splitlines()) >= 3  # wrapped at 80, not kept at the source's 100


def test_cica_alone_prints_the_overview_on_stderr_and_exits_2(cica: Cica) -> None:
    result = cica()
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("Usage: cica [OPTIONS] COMMAND [ARGS]...")
    assert "upcoming" in result.err and "Start with: cica upcoming --as-of 2024-06-27" in result.err


def test_the_readme_says_which_commands_take_as_of_and_tz(cica: Cica) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for command in sorted(COMMANDS):
        out = cica(command, "--help").out
        takes = [opt for opt in ("--as-of", "--tz") if f"  {opt} " in out]
        for opt in ("--as-of", "--tz"):
            listed = f"`{opt}`" in readme and command in _readme_list(readme, opt)
            assert listed == (opt in takes), (command, opt)


def _readme_list(readme: str, option: str) -> list[str]:
    """The commands the README names as taking ``option``: its line "`--as-of` (upcoming, ...)"."""
    import re

    found = re.search(rf"`{option}[^`]*`\s+\(([a-z, ]+)\)", readme)
    assert found, option
    return [c.strip() for c in found.group(1).split(",")]
