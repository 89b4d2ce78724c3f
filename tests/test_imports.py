"""What `cica upcoming`, `cica next` and `cica validate` import (issue 5): about imports, not time.

Each command runs in a fresh interpreter that then lists ``sys.modules``. None of them may load
what export and reminders need (``ics``, ``smtplib``, ``sqlite3``, the mail-writing parts of
``email``, or the cica modules built on them). With the cache of resolved calendars filled,
``upcoming`` and ``next`` load no ``email`` at all, nor pydantic or Typer (and ``next`` not Rich).

Whenever pydantic builds a validator (a calendar that is not cached yet, or any command that
goes through Typer, which coerces its options with pydantic), pydantic looks for plugins with
``importlib.metadata``, and that imports a few ``email`` modules to read package metadata. That
is allowed, and only that: the test checks that ``importlib.metadata`` is then loaded as well.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NEVER = {
    "ics",
    "smtplib",
    "sqlite3",
    "email.policy",
    "email.headerregistry",
    "email.generator",
    "email.mime",
    "cica_cli.ical.export",
    "cica_cli.remind.smtp",
    "cica_cli.remind.message",
    "cica_cli.remind.due",
    "cica_cli.remind.ledger",
}
COMMANDS = {
    "upcoming": ["upcoming", "--as-of", "2024-06-27"],
    "next": ["next", "--as-of", "2024-06-27"],
    "validate": ["validate"],
}
_PROGRAM = """
import sys
from cica_cli.cli import main
out, args = sys.argv[1], sys.argv[2:]
try:
    main(args)
except SystemExit as exit_:
    assert not exit_.code, exit_.code
loaded = sorted(sys.modules)
import json
with open(out, "w") as handle:
    json.dump(loaded, handle)
"""


def _modules(args: list[str], tmp_path: Path) -> set[str]:
    """The modules loaded by ``cica ARGS`` run in a new interpreter."""
    out = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", _PROGRAM, str(out), *args],
        check=True,
        capture_output=True,
        env=dict(os.environ),  # the isolated HOME and XDG folders of conftest
    )
    return set(json.loads(out.read_text(encoding="utf-8")))


def _loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_export_or_mail_modules_cold_or_warm(command: str, tmp_path: Path) -> None:
    for run in ("cold", "warm"):
        modules = _modules(COMMANDS[command], tmp_path)
        assert not [n for n in NEVER if _loaded(modules, n)], (command, run)
        if "email" in modules:
            assert "importlib.metadata" in modules, (command, run)


@pytest.mark.parametrize("command", ["upcoming", "next"])
def test_no_email_pydantic_or_typer_with_a_warm_cache(command: str, tmp_path: Path) -> None:
    _modules(COMMANDS[command], tmp_path)  # fills the cache
    modules = _modules(COMMANDS[command], tmp_path)
    for name in (
        "email",
        "pydantic",
        "pydantic_core",
        "typer",
        "toml_rs",
        "tomli",
        "tomllib",
        *NEVER,
    ):
        assert not _loaded(modules, name), (command, name)
    assert _loaded(modules, "rich") == (command == "upcoming")


def test_next_with_a_warm_cache_loads_only_what_a_prompt_can_afford(tmp_path: Path) -> None:
    """The stretch goal of issue 5 (`cica next` in a shell prompt): the usual start-up sinks stay
    out. ``dataclasses`` brings ``inspect`` and ``ast``; zoneinfo's own tzdata loader brings
    ``importlib.resources`` with ``tempfile``, ``shutil`` and ``zipfile``."""
    _modules(COMMANDS["next"], tmp_path)  # fills the cache
    modules = _modules(COMMANDS["next"], tmp_path)
    slow = ("dataclasses", "inspect", "importlib.resources", "importlib.metadata", "zipfile",
            "tempfile", "json", "hashlib", "rich", "pydantic", "typer",
            "dateutil.relativedelta")  # fmt: skip
    assert [name for name in slow if _loaded(modules, name)] == []
    assert "cica_cli.core.agenda" in modules  # it did run the command


def test_the_first_run_writes_the_cache_without_tempfile(tmp_path: Path) -> None:
    """The cache entry is written by ``atomic.write_private``, which needs no ``tempfile`` (and
    its ``random`` and ``shutil``): only a user's files are written through it."""
    _modules(COMMANDS["next"], tmp_path)  # fills the cache, the countries' days off too
    entries = list((Path(os.environ["XDG_CACHE_HOME"]) / "cica").glob("*.cache"))
    assert entries
    for entry in entries:  # as after an edit: the calendar's entry is gone
        entry.unlink()
    modules = _modules(COMMANDS["next"], tmp_path)  # loads the calendar, writes its entry
    assert "cica_cli.atomic" in modules and not _loaded(modules, "tempfile")


def test_remind_dry_run_loads_neither_typer_nor_the_mail_sender(tmp_path: Path) -> None:
    """A plain ``cica remind --dry-run`` runs without Typer (commands/_fast.py) and builds the
    messages without loading what sends them."""
    args = ["remind", "-n", "--to", "desk@example.org", "--from", "c@example.org"]
    state = tmp_path / "state.sqlite3"
    modules = _modules([*args, "--as-of", "2024-07-04", "--state", str(state)], tmp_path)
    for name in ("typer", "click", "rich", "smtplib", "ssl", "cica_cli.remind.smtp"):
        assert not _loaded(modules, name), name
    assert "cica_cli.remind.message" in modules  # it did build the messages


@pytest.mark.parametrize("command", ["upcoming", "next"])
def test_holiday_data_never_loads_on_the_warm_path(command: str, tmp_path: Path) -> None:
    """Issue 10: the shipped calendar names countries (KZ, AZ), so a first run loads the
    ``holidays`` data to count working days; the resolved dates are cached, and a warm run
    never loads it."""
    cold = _modules(COMMANDS[command], tmp_path)
    assert _loaded(cold, "holidays"), "the shipped calendar counts KZ/AZ working days"
    warm = _modules(COMMANDS[command], tmp_path)
    assert not _loaded(warm, "holidays"), command
    assert not _loaded(warm, "cica_cli.core.days_off"), command


@pytest.mark.parametrize("command", ["upcoming", "next", "validate", "show"])
def test_a_calendar_without_a_country_never_loads_the_holiday_data(
    command: str, tmp_path: Path
) -> None:
    calendar = tmp_path / "plain.toml"
    calendar.write_text(
        '[calendar]\ntimezone = "Asia/Almaty"\nholidays = [2024-11-04]\n'
        '[events.baku]\ntitle = "Ministerial"\ndate = 2024-11-11\n'
        '[events.paper]\ntitle = "Paper"\nkind = "deadline"\n'
        'date = "baku - 10 working days"\n',
        encoding="utf-8",
    )
    args = ["show", "paper"] if command == "show" else COMMANDS[command]
    for run in ("cold", "warm"):
        modules = _modules([*args, "-c", str(calendar)], tmp_path)
        assert not _loaded(modules, "holidays"), (command, run)
