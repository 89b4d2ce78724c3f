"""Shared fixtures: an isolated environment, a pinned terminal, an in-process ``cica`` runner."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cica_cli.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "events.toml"
GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("CICA_REGEN_GOLDEN") == "1"


@dataclass
class Result:
    """What one ``cica`` invocation did."""

    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No user calendar, config or state leaks in; the terminal is pinned (100 columns, colour
    left to Rich's own detection: no FORCE_COLOR, NO_COLOR or TTY_COMPATIBLE from the caller)."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    for var in ("CICA_CALENDAR", "FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(var, raising=False)
    for var in list(os.environ):
        if var.startswith("CICA_"):
            monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "50")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def cica(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``cica ARGS...`` in-process; return the exit code, stdout and stderr."""

    def run(*args: str) -> Result:
        code = 0
        try:
            main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def write_calendar(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Write a calendar file and return its path."""
    counter = iter(range(1000))

    def write(text: str) -> Path:
        path = tmp_path / f"cal{next(counter)}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    yield write


def check_golden(name: str, actual: str) -> None:
    """Compare with ``tests/golden/<name>``; rewrite it only when CICA_REGEN_GOLDEN=1."""
    path = GOLDEN / name
    if REGEN:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with CICA_REGEN_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


PYTHON = sys.executable
