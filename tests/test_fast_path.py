"""``commands/_fast``: plain command lines of the commands declared fast run without Typer,
as with it."""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cica_cli.commands import COMMANDS, _fast
from cica_cli.commands._options import Command, Param

from .conftest import SHIPPED, Result
from .remind_support import Recorder, SmtpServer, free_port

Cica = Callable[..., Result]


def _declared() -> dict[str, Command]:
    """Every command declared as data (``COMMAND``) -> its declaration."""
    found = {}
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"cica_cli.commands.{module_name}")
        if hasattr(module, "COMMAND"):
            found[name] = module.COMMAND
    return found


FAST = sorted(name for name, command in _declared().items() if command.fast)


def _parse(args: list[str]) -> dict[str, Any] | None:
    """What the fast path makes of ``cica ARGS``: ``run``'s keywords, or None (Typer's)."""
    if not args or args[0] not in FAST:
        return None
    return _fast.parse(_declared()[args[0]], args[1:])


def test_the_prompt_cron_and_editing_commands_take_the_fast_path() -> None:
    # the editing commands and diff too: Typer would cost a third of `cica move` on a large file
    # export too: Typer would cost a tenth of exporting a large calendar, from cron or CI
    assert FAST == [
        "add", "cancel", "diff", "done", "export", "move", "next", "remind", "set", "upcoming",
        "validate",
    ]  # fmt: skip


def test_every_command_is_declared_as_data() -> None:
    assert sorted(_declared()) == sorted(COMMANDS)


@pytest.mark.parametrize("command", sorted(_declared()))
def test_the_fast_path_and_typer_agree_on_the_options(command: str) -> None:
    """Both are made from one declaration; this checks the making, not a hand copy."""
    import typer

    from cica_cli.cli import build_app

    group = typer.main.get_command(build_app())
    params = group.commands[command].params  # type: ignore[attr-defined]
    typer_options = {
        name: p.name for p in params if p.param_type_name == "option" and p.name != "help"
        for name in [*p.opts, *p.secondary_opts]
    }  # fmt: skip
    fast_options = {name: param.name for name, param in _fast.options(_declared()[command]).items()}
    assert fast_options == typer_options
    arguments = [p.name for p in params if p.param_type_name == "argument"]
    assert arguments == [p.name for p in _declared()[command].params if not p.is_option]


def test_run_receives_every_declared_parameter() -> None:
    import inspect

    for name, command in _declared().items():
        module = importlib.import_module(f"cica_cli.commands.{COMMANDS[name]}")
        assert list(inspect.signature(module.run).parameters) == [p.name for p in command.params]


def test_positional_arguments_in_the_fast_parser() -> None:
    command = Command(
        "x",
        (
            Param("first", (), required=True),
            Param("words", (), multiple=True),
            Param("json_", ("--json",), value="flag", default=False),
        ),
        "",
    )
    assert _fast.parse(command, ["a", "--json", "b", "c"]) == {
        "first": "a",
        "words": ["b", "c"],
        "json_": True,
    }
    assert _fast.parse(command, ["a"]) == {"first": "a", "words": [], "json_": False}
    assert _fast.parse(command, []) is None  # required: Typer says so
    assert _fast.parse(command, ["a", "-3"]) is None
    # `cica move ID -3 days`: a dash and a digit is a word; any other unknown option is Typer's
    dashed = command._replace(fast=True, words_may_start_with_dash=True)
    assert _fast.parse(dashed, ["a", "-3", "days"]) == {
        "first": "a",
        "words": ["-3", "days"],
        "json_": False,
    }
    assert _fast.parse(dashed, ["a", "-x"]) is None
    assert _fast.parse(dashed, ["a", "--jsn"]) is None


@pytest.mark.parametrize(
    "args",
    [
        ["upcoming", "--help"],
        ["upcoming", "-h"],
        ["upcoming", "--bogus"],
        ["upcoming", "extra"],
        ["upcoming", "--"],
        ["upcoming", "--as-of"],
        ["upcoming", "--as-of", "2024-06-27", "--as-of", "2024-06-28"],
        ["upcoming", "--within", "-3d"],
        ["upcoming", "-w30d"],
        ["upcoming", "-aw", "30d"],
        ["upcoming", "--json=yes"],
        ["upcoming", "-c", ""],
        ["next", "--within", "30d"],
        ["next", "--all"],
        ["validate", "--as-of", "2024-06-27"],
        ["validate", "--help"],
        ["validate", "-c"],
        ["--version"],
        ["show", "soc"],
        ["remind", "--help"],
        ["remind", "-nv"],
        ["remind", "--dry-run=yes"],
        ["remind", "--to"],
        ["remind", "--from", "a@example.org", "--from", "b@example.org"],
        ["remind", "--to", "-x@example.org"],
        ["remind", "--smtp-port", "0"],
        ["remind", "--smtp-port", "65536"],
        ["remind", "--smtp-port", "0587"],
        ["remind", "--smtp-port", "+25"],
        ["remind", "--smtp-port", " 25"],
        ["remind", "--smtp-port", "25.0"],
        ["remind", "--smtp-port", "\u0662\u0665"],  # Arabic-Indic digits
        ["remind", "--smtp-port=-25"],
        ["remind", "--smtp-port", "1" * 40],
        ["remind", "--lock-timeout", "-1"],
        ["remind", "--lock-timeout=-1"],
        ["remind", "--lock-timeout", "1e3"],
        ["remind", "--lock-timeout", "inf"],
        ["remind", "--lock-timeout", ".5"],
        ["remind", "--lock-timeout", "5."],
        ["remind", "--lock-timeout", "1_000"],
        ["remind", "--state", "."],
        ["remind", "--state", ""],
        ["remind", "--tz", "UTC"],
        ["remind", "--json"],
        ["remind", "extra"],
        [],
    ],
)
def test_anything_unusual_is_left_to_typer(args: list[str]) -> None:
    assert _parse(args) is None


def test_plain_arguments_are_parsed_as_typer_would() -> None:
    args = "upcoming -k deadline --kind=meeting -t x -a --json --as-of=2024-06-27 -c cal.toml"
    parsed = _parse([*args.split(), "--tz", "UTC", "-w", "6w"])
    assert parsed == {
        "kind": ["deadline", "meeting"],
        "tag": ["x"],
        "all_": True,
        "json_": True,
        "as_of": "2024-06-27",
        "calendar": Path("cal.toml"),
        "tz": "UTC",
        "within": "6w",
    }
    nothing = {"within": None, "kind": [], "tag": [], "all_": False, "json_": False}
    assert _parse(["upcoming"]) == {**nothing, "calendar": None, "as_of": None, "tz": None}


def test_plain_remind_arguments_are_parsed_as_typer_would() -> None:
    args = (
        "remind --to a@example.org --to=b@example.org --from c@example.org --lead 7d --lead=1d "
        "--smtp-host mail.example.org --smtp-port 2525 --smtp-security ssl --smtp-user u "
        "--state s.sqlite3 --lock-timeout 0.5 -n --verbose -c cal.toml --as-of 2024-07-04"
    )
    everything = {
        "to": ["a@example.org", "b@example.org"],
        "sender": "c@example.org",
        "lead": ["7d", "1d"],
        "smtp_host": "mail.example.org",
        "smtp_port": 2525,
        "smtp_security": "ssl",
        "smtp_user": "u",
        "state": Path("s.sqlite3"),
        "lock_timeout": 0.5,
        "dry_run": True,
        "verbose": True,
        "calendar": Path("cal.toml"),
        "as_of": "2024-07-04",
    }
    assert _parse(args.split()) == everything
    values = _parse(["remind", "--smtp-port=1", "--lock-timeout", "0"]) or {}
    assert (values["smtp_port"], values["lock_timeout"]) == (1, 0.0)
    assert type(values["lock_timeout"]) is float
    defaults = _parse(["remind"]) or {}
    assert (defaults["to"], defaults["lock_timeout"], defaults["smtp_port"]) == ([], 60.0, None)


CASES = [
    ("upcoming", "--as-of", "2024-06-27"),
    ("upcoming", "--as-of", "2024-06-27", "--json"),
    ("upcoming", "--as-of=2024-07-01", "-a", "--json"),
    ("upcoming", "--as-of", "2024-06-27", "-w", "6w", "-k", "deadline", "-k", "procedure"),
    ("upcoming", "--as-of", "2024-06-27", "--tag", "environment", "--tz", "Asia/Baku"),
    ("upcoming", "--as-of", "2024-06-27", "--kind", "party"),  # exit 2
    ("upcoming", "--as-of", "2024-06-27", "--within", "soon"),  # exit 2
    ("upcoming", "--as-of", "27/06/2024"),  # exit 2
    ("upcoming", "--as-of", "2024-06-27", "--tz", "Mars/Olympus"),  # exit 2
    ("upcoming", "--as-of", "2030-01-01"),  # nothing upcoming
    ("upcoming", "--as-of", "2024-06-27", "-k", "milestone"),  # nothing matches
    ("upcoming", "-c", "missing.toml"),  # exit 66
    ("next", "--as-of", "2024-07-12"),
    ("next", "--as-of", "2024-08-29", "--json"),
    ("next", "--as-of", "2030-01-01", "--json"),
    ("next", "--as-of", "2024-06-27T10:00", "--tz", "UTC"),
    ("validate",),
    ("validate", "-c", "missing.toml"),  # exit 66
    ("validate", "--json"),
    ("validate", "--json", "--strict"),  # exit 65, the document printed
    ("export", "--output=-"),
    ("export", "--output=-", "--kind", "meeting", "--tag", "ministerial", "--no-alarms"),
    (
        "export",
        "--output=-",
        "--from",
        "2024-07-01",
        "--to",
        "6m",
        "--alarm",
        "2d",
        "--alarm",
        "1d",
    ),
    ("export", "--output=-", "--name", "Desk", "--as-of", "2024-06-27"),
    ("export", "--output=-", "--alarm", "soon"),  # exit 2, the same message
]


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_same_output_and_exit_code_as_through_typer(
    args: tuple[str, ...], cica: Cica, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _parse(list(args)) is not None  # these do take the fast path
    fast = cica(*args)
    monkeypatch.setattr(_fast, "run", lambda args: False)
    through_typer = cica(*args)
    assert fast == through_typer


def test_a_bad_calendar_is_reported_the_same_way(
    cica: Cica, write_calendar: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_calendar('[events.a]\ntitle = "A"\ndate = "b + 2 days"\n')
    for command in ("next", "validate"):
        fast = cica(command, "-c", str(path))
        with monkeypatch.context() as patched:
            patched.setattr(_fast, "run", lambda args: False)
            assert fast == cica(command, "-c", str(path))
        assert fast.code == 65 and "unknown event 'b'" in fast.err


def test_the_garbage_collector_is_paused_only_while_a_command_runs(cica: Cica) -> None:
    import gc

    from cica_cli.commands._runtime import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    assert cica("next", "--as-of", "2024-07-12").code == 0
    assert gc.isenabled()


# --- remind: both paths send and print the same -----------------------------------------------

FROM = "cica@example.org"
DESK = "desk@example.org"


def _without_the_clock(raw: bytes) -> tuple[list[tuple[str, str]], list[tuple[str, bytes]]]:
    """A message minus what depends on the moment it is made (the Date header, the DTSTAMP and
    LAST-MODIFIED of its .ics), which the two runs read from the real clock a moment apart."""
    import email
    import email.policy
    import re

    msg = email.message_from_bytes(raw, policy=email.policy.default)
    del msg["Date"]
    parts = []
    for part in msg.walk():
        if not part.is_multipart():
            body = part.get_payload(decode=True)
            assert isinstance(body, bytes)
            if part.get_content_type() == "text/calendar":
                body = re.sub(rb"(DTSTAMP|LAST-MODIFIED):\d{8}T\d{6}Z", rb"\1:-", body)
            parts.append((part.get_content_type(), body))
    return [(k, str(v)) for k, v in msg.items()], parts


def _dry_run_messages(out: str) -> list[tuple[str, Any]]:
    """The messages ``remind --dry-run`` printed: each one's head line and its content."""
    import re

    chunks = re.split(r"^(# message \d+ of \d+: .*)$", out, flags=re.MULTILINE)
    assert chunks[0] == ""
    heads, bodies = chunks[1::2], chunks[2::2]
    return [
        (h, _without_the_clock(b.strip("\n").replace("\n", "\r\n").encode("ascii")))
        for h, b in zip(heads, bodies, strict=True)
    ]


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    srv = SmtpServer(Recorder()).start()
    yield srv
    srv.stop()


def _both_paths(
    cica: Cica, monkeypatch: pytest.MonkeyPatch, args: list[str], reset: Callable[[], None]
) -> tuple[Result, Result]:
    """``cica ARGS`` without Typer, then ``reset()``, then through Typer; the MIME boundaries
    (random) come from the same seed."""
    assert _parse(args) is not None  # this does take the fast path
    random.seed(20240704)
    fast = cica(*args)
    reset()
    random.seed(20240704)
    with monkeypatch.context() as patched:
        patched.setattr(_fast, "run", lambda args: False)
        return fast, cica(*args)


REMIND_CASES = [
    ("--as-of", "2024-07-04", "--dry-run"),
    ("--as-of", "2024-07-04", "-n", "--to", "second@example.org", "--lead", "2 weeks"),
    ("--as-of", "2024-07-04", "-n", "--smtp-host", "mx.example.org", "--smtp-port", "2525"),
    ("--as-of", "2024-07-04", "-n", "--smtp-security", "ssl", "--lock-timeout", "1.5"),
    ("--as-of", "2030-01-01", "--dry-run"),  # nothing due
    ("--as-of", "2024-07-04", "--smtp-host", "127.0.0.1", "--smtp-security", "none"),  # 75
    ("--as-of", "2024-07-04", "-n", "--to", "not an address"),  # 78
    ("--as-of", "2024-07-04", "-n", "--lead", "ten days"),  # 78
    ("--as-of", "2024-07-04", "-n", "--smtp-security", "tls"),  # 78
    ("--as-of", "2024-07-04", "-n", "--smtp-user", "u"),  # 78: no password
    ("--as-of", "4 July", "-n"),  # 2
    ("--as-of", "2024-07-04", "-n", "-c", "missing.toml"),  # 66
]


@pytest.mark.parametrize("case", REMIND_CASES, ids=" ".join)
def test_remind_prints_and_exits_the_same_as_through_typer(
    case: tuple[str, ...],
    cica: Cica,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    state = tmp_path / "state" / "reminders.sqlite3"
    args = ["remind", "--state", str(state), "--from", FROM, "--to", DESK, *case]
    if "-c" not in case:
        args += ["-c", str(SHIPPED)]
    if "--smtp-port" not in case:  # where nothing listens: a real run fails for now (75)
        args += ["--smtp-port", str(free_port())]

    def reset() -> None:
        for path in state.parent.glob("*"):
            path.unlink()

    fast, through_typer = _both_paths(cica, monkeypatch, args, reset)
    assert (fast.code, fast.err) == (through_typer.code, through_typer.err)
    assert _dry_run_messages(fast.out) == _dry_run_messages(through_typer.out)
    assert fast.code in (0, 2, 66, 75, 78)
    if case[:3] == ("--as-of", "2024-07-04", "--dry-run"):
        assert len(_dry_run_messages(fast.out)) == 1 and "1 message(s)" in fast.err


def test_remind_with_a_damaged_state_is_reported_the_same_way(
    cica: Cica, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    state = tmp_path / "reminders.sqlite3"
    state.write_bytes(b"not a database")
    args = ["remind", "-c", str(SHIPPED), "--state", str(state), "--to", DESK, "--from", FROM]
    for extra in (["--dry-run"], ["--smtp-port", str(free_port())]):
        fast, through_typer = _both_paths(cica, monkeypatch, [*args, *extra], lambda: None)
        assert fast == through_typer
        assert fast.code == 73 and state.read_bytes() == b"not a database"


def test_remind_sends_the_same_bytes_and_records_the_same_as_through_typer(
    cica: Cica,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    server: SmtpServer,
) -> None:
    import sqlite3

    state = tmp_path / "reminders.sqlite3"
    args = [
        "remind", "-c", str(SHIPPED), "--state", str(state), "--from", FROM, "--to", DESK,
        "--to", "second@example.org", "--smtp-host", "127.0.0.1", "--smtp-port",
        str(server.port), "--smtp-security", "none", "--as-of", "2024-07-04", "--verbose",
    ]  # fmt: skip
    ledgers = []

    def reset() -> None:
        with sqlite3.connect(state) as conn:
            ledgers.append(
                conn.execute(  # all but `updated`, the moment of the run
                    "SELECT event_id, occurrence, lead, recipient, status, message_id, detail "
                    "FROM reminders ORDER BY 1, 2, 3, 4"
                ).fetchall()
            )
        for path in tmp_path.glob("reminders.sqlite3*"):
            path.unlink()

    fast, through_typer = _both_paths(cica, monkeypatch, args, reset)
    reset()
    assert fast == through_typer
    assert fast.code == 0 and fast.err.endswith("\n2 of 2 message(s) sent\n")
    assert ledgers[0] == ledgers[1] and len(ledgers[0]) == 2
    messages = server.handler.messages
    assert len(messages) == 4
    assert [(m.mail_from, m.rcpt_tos) for m in messages[:2]] == [
        (m.mail_from, m.rcpt_tos) for m in messages[2:]
    ]
    assert [_without_the_clock(m.data) for m in messages[:2]] == [
        _without_the_clock(m.data) for m in messages[2:]
    ]
