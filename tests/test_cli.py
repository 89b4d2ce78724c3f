"""The command line: what each command shows, its exit codes and its help."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cica_cli import __version__
from cica_cli.errors import ExitCode

from .conftest import Result, check_golden

Cica = Callable[..., Result]


def _items(result: Result) -> dict[str, dict[str, Any]]:
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    return {item["id"]: item for item in doc["items"]}


def test_upcoming_json_on_the_day_of_the_soc(cica: Cica) -> None:
    result = cica("upcoming", "--as-of", "2024-06-27", "--json")
    doc = json.loads(result.out)
    assert doc["as_of"] == "2024-06-27T00:00:00+05:00"
    assert doc["calendar"] == "CICA 2024"
    items = _items(result)
    soc = items["soc-astana-2024-06"]
    assert (soc["start"], soc["end"], soc["status"]) == ("2024-06-27", "2024-06-27", "today")
    assert soc["days_until_start"] == 0
    silence = items["env-outcome-silence"]
    assert (silence["start"], silence["end"]) == ("2024-06-27", "2024-07-11")
    assert (silence["status"], silence["days_until_end"]) == ("ongoing", 14)
    assert silence["computed_from"] == (
        "start = soc-astana-2024-06; end = soc-astana-2024-06 + 2 weeks"
    )
    env = items["env-ministerial-2024"]
    assert (env["start"], env["days_until_start"], env["status"]) == ("2024-08-28", 62, "upcoming")
    baku = items["baku-ministerial-2024"]
    assert (baku["start"], baku["days_until_start"], baku["timezone"]) == (
        "2024-11-11",
        137,
        "Asia/Baku",
    )
    cbm = items["cbm-modalities-consensus"]
    assert (cbm["start"], cbm["kind"], cbm["computed_from"]) == (
        "2024-11-11",
        "deadline",
        "baku-ministerial-2024",
    )
    required = {"id", "title", "kind", "start", "end", "timezone", "location", "status"}
    required |= {"days_until_start", "days_until_end", "computed_from"}
    assert all(required <= set(item) for item in items.values())
    order = [i["id"] for i in doc["items"]]
    assert order.index("soc-astana-2024-06") < order.index("env-ministerial-2024")
    assert order.index("env-ministerial-2024") < order.index("baku-ministerial-2024")


def test_upcoming_json_four_days_later(cica: Cica) -> None:
    items = _items(cica("upcoming", "--as-of", "2024-07-01", "--json"))
    assert items["env-outcome-silence"]["days_until_end"] == 10
    assert "soc-astana-2024-06" not in items  # over
    past = _items(cica("upcoming", "--as-of", "2024-07-01", "--json", "--all"))
    assert past["soc-astana-2024-06"]["status"] == "past"


def test_overdue_deadlines_then_past(cica: Cica) -> None:
    items = _items(cica("upcoming", "--as-of", "2024-11-13", "--json"))
    assert items["cbm-modalities-consensus"]["status"] == "overdue"
    assert items["cbm-modalities-consensus"]["days_until_end"] == -2
    assert "baku-ministerial-2024" not in items
    later = _items(cica("upcoming", "--as-of", "2025-01-20", "--json"))
    assert "cbm-modalities-consensus" not in later  # more than 30 days overdue


def test_a_deadline_long_past_is_past_in_every_view(cica: Cica) -> None:
    # Issue 10, section 6: not "overdue by 750 days" in --all, --json, show or next --json.
    as_of = ("--as-of", "2026-11-30")
    everything = _items(cica("upcoming", "--all", "--json", *as_of))
    assert everything["cbm-modalities-consensus"]["status"] == "past"
    assert everything["cbm-modalities-consensus"]["countdown"] == "749 days ago"
    table = cica("upcoming", "--all", *as_of).out
    assert "overdue" not in table
    shown = cica("show", "cbm-modalities-consensus", *as_of)
    assert shown.code == 0
    assert "planned (749 days ago)" in shown.out and "overdue" not in shown.out
    doc = json.loads(cica("show", "cbm-modalities-consensus", "--json", *as_of).out)
    assert (doc["status"], doc["countdown"]) == ("past", "749 days ago")
    # 30 days after its day it is still overdue; the 31st, past.
    day30 = _items(cica("upcoming", "--all", "--json", "--as-of", "2024-12-11"))
    assert day30["cbm-modalities-consensus"]["status"] == "overdue"
    day31 = _items(cica("upcoming", "--all", "--json", "--as-of", "2024-12-12"))
    assert day31["cbm-modalities-consensus"]["status"] == "past"


def test_filters(cica: Cica) -> None:
    soon = _items(cica("upcoming", "--as-of", "2024-06-27", "--json", "--within", "6w"))
    assert "env-ministerial-2024" not in soon and "env-outcome-silence" in soon
    three_months = _items(cica("upcoming", "--as-of", "2024-06-27", "--json", "--within", "3m"))
    assert "env-ministerial-2024" in three_months
    assert "baku-ministerial-2024" not in three_months
    deadlines = _items(cica("upcoming", "--as-of", "2024-06-27", "--json", "--kind", "deadline"))
    assert set(deadlines) == {"cbm-modalities-consensus", "baku-outcome-documents"}
    env = _items(cica("upcoming", "--as-of", "2024-06-27", "--json", "--tag", "environment"))
    assert set(env) == {"env-outcome-silence", "env-ministerial-2024"}


def test_upcoming_table_keeps_every_item(cica: Cica) -> None:
    # The layout itself is checked by tests/test_table.py (goldens at 60, 80 and 120 columns).
    result = cica("upcoming", "--as-of", "2024-06-27")
    assert result.code == 0
    assert "\x1b[" not in result.out  # not a terminal: no colour codes
    for item in json.loads(cica("upcoming", "--as-of", "2024-06-27", "--json").out)["items"]:
        assert " ".join(item["title"].split()[:3]) in result.out  # one row per item
    assert "ends in 14 days" in result.out  # the silence procedure, a compact countdown
    assert result.out.count("in 137 days") == 3 and "in 62 days" in result.out


def test_upcoming_json_golden(cica: Cica) -> None:
    result = cica("upcoming", "--as-of", "2024-07-01", "--json")
    check_golden("upcoming-2024-07-01.json", result.out)


def test_upcoming_with_colour_forced_and_no_color(
    cica: Cica, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "31m" in cica("upcoming", "--as-of", "2024-11-12").out  # overdue deadlines in red
    monkeypatch.setenv("NO_COLOR", "1")
    coloured_off = cica("upcoming", "--as-of", "2024-11-12").out
    assert "31m" not in coloured_off  # no colours (bold may remain, as NO_COLOR allows)


def test_nothing_upcoming_names_the_last_event(cica: Cica) -> None:
    result = cica("upcoming", "--as-of", "2026-11-27")
    assert result.code == 0
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert "Nothing upcoming as of Fri 27 Nov 2026" in result.err
    assert "Wed 31 Dec 2025" in result.err
    assert "--as-of" in result.err and "--all" in result.err


def test_next(cica: Cica) -> None:
    result = cica("next", "--as-of", "2024-07-12")
    assert result.out == (
        "CICA Ministerial Conference on Environmental Issues - in 47 days (Wed 28 Aug 2024)\n"
    )
    assert cica("next", "--as-of", "2024-06-27").out.startswith(
        "CICA Senior Officials Committee meeting - today (Thu 27 Jun 2024)"
    )
    doc = json.loads(cica("next", "--as-of", "2024-08-29", "--json").out)
    assert doc["id"] == "baku-ministerial-2024"
    assert doc["days_until_start"] == 74


def test_next_with_nothing_left_prints_nothing_on_stdout(cica: Cica) -> None:
    result = cica("next", "--as-of", "2027-01-01")
    assert (result.code, result.out) == (0, "")
    assert "Nothing upcoming" in result.err


def test_show(cica: Cica) -> None:
    result = cica("show", "env-outcome-silence", "--as-of", "2024-07-01")
    assert result.code == 0
    out = result.out
    assert "Thu 27 Jun 2024" in out and "Thu 11 Jul 2024" in out
    assert "soc-astana-2024-06  ->  2024-06-27" in out
    assert "soc-astana-2024-06 + 2 weeks  ->  2024-07-11" in out
    assert "day 5 of 15, ends in 10 days" in out
    baku = cica("show", "baku-ministerial-2024", "--json")
    doc = json.loads(baku.out)
    assert doc["used_by"] == ["cbm-modalities-consensus", "baku-outcome-documents"]


def test_show_unknown_id_suggests(cica: Cica) -> None:
    result = cica("show", "baku-ministerial")
    assert result.code == ExitCode.USAGE
    assert "no event 'baku-ministerial'; did you mean 'baku-ministerial-2024'?" in result.err


def test_validate_shipped(cica: Cica) -> None:
    result = cica("validate")
    assert result.code == 0
    assert result.out.startswith("OK: 8 events (3 computed)")


def test_timeline(cica: Cica, tmp_path: Path) -> None:
    svg = tmp_path / "t.svg"
    result = cica("timeline", "--as-of", "2024-07-01", "--svg", str(svg))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    soc = next(line for line in lines if line.startswith("CICA Senior Officials"))
    silence = next(line for line in lines if line.startswith("Silence procedure"))
    assert "●" in soc and "█" in silence
    assert soc.index("●") == silence.index("█")  # both start on 27 June
    assert any("│ Mon 1 Jul 2024" in line for line in lines)
    assert svg.read_text(encoding="utf-8").startswith("<svg")


# --- exit codes: one test each -------------------------------------------------------------


def test_exit_0_ok(cica: Cica) -> None:
    assert cica("validate").code == ExitCode.OK


def test_exit_2_usage(cica: Cica) -> None:
    result = cica("upcoming", "--within", "soon")
    assert result.code == ExitCode.USAGE
    assert result.err.startswith("cica: --within: cannot read offset 'soon'")
    assert cica("upcoming", "--as-of", "27/06/2024").code == ExitCode.USAGE
    assert cica("upcoming", "--tz", "Asia/Astana").code == ExitCode.USAGE
    assert cica("upcoming", "--no-such-option").code == ExitCode.USAGE


def test_exit_65_data_error(cica: Cica, write_calendar: Callable[[str], Path]) -> None:
    path = write_calendar(
        '[events.a]\ntitle = "A"\ndate = "b + 1 day"\n[calendar]\ntimezone = "UTC"\n'
    )
    result = cica("validate", "--calendar", str(path))
    assert result.code == ExitCode.DATAERR == 65
    assert result.out == ""
    assert result.err == f"{path}:3: events.a.date: unknown event 'b'\n"
    assert "Traceback" not in result.err


def test_a_calendar_without_a_time_zone_is_refused(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar('[calendar]\nname = "Desk"\n[events.a]\ntitle = "A"\ndate = 2024-07-01\n')
    for command in ("validate", "next", "upcoming"):
        result = cica(command, "--calendar", str(path))
        assert result.code == 65
        assert result.err == (
            f"{path}:1: calendar.timezone: is required: the IANA zone of the calendar's dates "
            'and times, e.g. [calendar] timezone = "Asia/Almaty" (cica does not guess it)\n'
        )


def test_exit_66_not_found(cica: Cica, tmp_path: Path) -> None:
    result = cica("upcoming", "--calendar", str(tmp_path / "nope.toml"))
    assert result.code == ExitCode.NOINPUT == 66
    assert "calendar not found" in result.err and "nope.toml" in result.err


def test_exit_66_lists_every_place_tried(tmp_path: Path) -> None:
    from cica_cli.errors import CalendarNotFoundError
    from cica_cli.paths import find_calendar

    with pytest.raises(CalendarNotFoundError) as info:
        find_calendar(None, {"XDG_CONFIG_HOME": str(tmp_path)}, tmp_path, packaged=None)
    message = str(info.value)
    assert str(tmp_path / "events.toml") in message
    assert str(tmp_path / "cica" / "events.toml") in message
    assert "packaged" in message


def test_invalid_toml_exits_65_with_line_and_column(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar('[calendar]\nname = "x"\nremind = [\n')
    result = cica("validate", "-c", str(path))
    assert result.code == 65
    assert f"{path}:3: invalid TOML at column 12: unclosed array" in result.err
    other = write_calendar('[calendar]\nname = "x" y\n')
    assert f"{other}:2: invalid TOML at column 12" in cica("validate", "-c", str(other)).err


# --- conventions ------------------------------------------------------------------------------

COMMANDS = [
    "upcoming",
    "next",
    "show",
    "timeline",
    "validate",
    "diff",
    "move",
    "done",
    "cancel",
    "set",
    "add",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(cica: Cica, command: str) -> None:
    result = cica(command, "--help")
    assert result.code == 0
    assert "Examples" in result.out
    assert f"cica {command}" in result.out
    assert "--calendar" in result.out or command == "validate"


def test_all_registered_commands_are_covered() -> None:
    from cica_cli.cli import app

    names = {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}
    assert set(COMMANDS) <= names


def test_version(cica: Cica) -> None:
    assert cica("--version").out == f"cica {__version__}\n"


def test_shell_completion_is_offered(cica: Cica) -> None:
    assert "--install-completion" in cica("--help").out


@pytest.mark.parametrize("command", ["upcoming", "show", "timeline"])
def test_calendar_text_is_printed_as_written_never_as_markup(
    cica: Cica, write_calendar: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    title = "[/] [bold]Review[/bold] :smile: of [link=x]docs[/link]"
    path = write_calendar(
        f'[calendar]\nname = "Desk [/]"\ntimezone = "UTC"\n'
        f'[events.r]\ntitle = "{title}"\ndate = 2024-07-01\nlocation = "Room [2]"\n'
    )
    args = {"upcoming": [], "show": ["r"], "timeline": []}[command]
    result = cica(command, *args, "-c", str(path), "--as-of", "2024-06-27")
    assert result.code == 0, result.err
    shown = title if command != "timeline" else title[:20]  # the timeline cuts long labels
    assert shown in result.out
    if command == "upcoming":
        assert "Desk [/] as of" in result.out and "Room [2]" in result.out


_SLOW_COMMAND = """
import sys, time
import cica_cli.commands._runtime as common
def slow(*args, **kwargs):
    sys.stderr.write("ready\\n"); sys.stderr.flush()
    time.sleep(60)
common.open_calendar = slow
from cica_cli.cli import main
main([sys.argv[1], *sys.argv[2:]])
"""


@pytest.mark.parametrize("args", [["show", "soc"], ["timeline"]])
def test_ctrl_c_is_exit_130_with_a_message_through_typer_too(args: list[str]) -> None:
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_COMMAND, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    assert proc.stderr.readline() == "ready\n"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err == "cica: interrupted\n" and out == ""


@pytest.mark.parametrize(
    "args",
    [
        ("show", "env-outcome-silence"),
        ("timeline", "--width", "80"),
        ("timeline", "--width", "120", "--from", "2024-06-01", "--to", "2024-12-31"),
    ],
    ids=" ".join,
)
def test_views_printed_by_rich_have_no_trailing_spaces_in_a_pipe(
    cica: Cica, args: tuple[str, ...]
) -> None:
    result = cica(*args, "--as-of", "2024-06-27")
    assert result.code == 0 and result.out.strip()
    lines = result.out.splitlines()
    assert [line for line in lines if line != line.rstrip()] == []
    assert len(lines) > 5  # the whole view, not one line
