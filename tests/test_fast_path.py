"""``commands/_fast``: plain ``upcoming``, ``next``, ``validate`` run without Typer, as with it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cica_cli.commands import _fast

from .conftest import Result

Cica = Callable[..., Result]


def _typer_options(command: str) -> dict[str, tuple[str, str]]:
    import typer

    from cica_cli.cli import build_app

    group = typer.main.get_command(build_app())
    click_command = group.commands[command]  # type: ignore[attr-defined]
    found: dict[str, tuple[str, str]] = {}
    for param in click_command.params:
        if param.param_type_name != "option" or param.name == "help":
            continue
        takes = "flag" if param.is_flag else "multiple" if param.multiple else "value"
        for name in [*param.opts, *param.secondary_opts]:
            found[name] = (param.name, takes)
    return found


@pytest.mark.parametrize("command", sorted(_fast.OPTIONS))
def test_the_options_are_exactly_the_typer_ones(command: str) -> None:
    assert _fast.OPTIONS[command] == _typer_options(command)


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
        ["upcoming", "-c", "."],
        ["next", "--within", "30d"],
        ["next", "--all"],
        ["validate", "--as-of", "2024-06-27"],
        ["validate", "--help"],
        ["validate", "-c"],
        ["--version"],
        ["show", "soc"],
        [],
    ],
)
def test_anything_unusual_is_left_to_typer(args: list[str]) -> None:
    assert _fast.parse(args) is None


def test_plain_arguments_are_parsed_as_typer_would() -> None:
    args = "upcoming -k deadline --kind=meeting -t x -a --json --as-of=2024-06-27 -c cal.toml"
    parsed = _fast.parse([*args.split(), "--tz", "UTC", "-w", "6w"])
    assert parsed == (
        "upcoming",
        {
            "kind": ["deadline", "meeting"],
            "tag": ["x"],
            "all_": True,
            "json_": True,
            "as_of": "2024-06-27",
            "calendar": Path("cal.toml"),
            "tz": "UTC",
            "within": "6w",
        },
    )


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
]


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_same_output_and_exit_code_as_through_typer(
    args: tuple[str, ...], cica: Cica, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _fast.parse(list(args)) is not None  # these do take the fast path
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
