"""A calendar path that exists but cannot be used exits 66 with the real reason, never blocks and
never reads without limit (issue 11, section 2). Before: Typer's usage box (exit 2) for a folder,
"not found" for a loop of symbolic links, and a FIFO blocked forever."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cica_cli import paths
from cica_cli.errors import CalendarNotFoundError

from .conftest import SHIPPED, Result

COMMANDS = [
    ("validate",),
    ("next",),
    ("upcoming",),
    ("show", "soc-astana-2024-06"),
    ("timeline",),
    ("export", "-o", "-"),
    ("remind", "--dry-run", "--to", "a@example.org", "--from", "c@example.org"),
]


def _unusable(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.toml"
    loop.symlink_to(tmp_path / "loop2.toml")
    (tmp_path / "loop2.toml").symlink_to(loop)
    dangling = tmp_path / "dangling.toml"
    dangling.symlink_to(tmp_path / "nowhere.toml")
    return {
        "folder": (folder, "it is a directory, not a file"),
        "fifo": (fifo, "it is a FIFO (named pipe), not a file"),
        "device": (Path("/dev/null"), "it is a character device, not a file"),
        "loop": (loop, "too many levels of symbolic links"),
        "dangling": (dangling, "a symbolic link to a file that does not exist"),
    }


@pytest.mark.parametrize("kind", ["folder", "fifo", "device", "loop", "dangling"])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_an_unusable_calendar_exits_66_with_the_reason(
    cica: Callable[..., Result], tmp_path: Path, kind: str, args: tuple[str, ...]
) -> None:
    path, reason = _unusable(tmp_path)[kind]
    result = cica(*args, "-c", str(path))
    assert result.code == 66, result.err
    assert result.err == f"cica: cannot use calendar {path} (given with --calendar): {reason}\n"
    assert result.out == ""


def test_the_environment_variable_says_so_too(
    cica: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, reason = _unusable(tmp_path)["fifo"]
    monkeypatch.setenv("CICA_CALENDAR", str(path))
    result = cica("next")
    assert result.code == 66
    assert result.err == f"cica: cannot use calendar {path} (given in $CICA_CALENDAR): {reason}\n"


def test_a_fifo_never_blocks(tmp_path: Path) -> None:
    fifo = _unusable(tmp_path)["fifo"][0]
    for args in (("next", "-c", str(fifo)), ("validate", "-c", str(fifo))):
        done = subprocess.run(
            [sys.executable, "-m", "cica_cli", *args], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 66, done.stderr
        assert "FIFO" in done.stderr


def test_places_looked_at_say_why_they_were_passed_over(
    cica: Callable[..., Result], isolated_env: Path, tmp_path: Path
) -> None:
    (isolated_env / "events.toml").mkdir()  # ./events.toml is a folder
    with pytest.raises(CalendarNotFoundError) as err:
        paths.find_calendar(None, {"HOME": str(tmp_path)}, isolated_env, packaged=None)
    assert "events.toml (current directory: it is a directory, not a file)" in err.value.message


def test_a_file_that_cannot_be_read_exits_66(
    cica: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cal.toml"
    path.write_bytes(SHIPPED.read_bytes())
    real_open = os.open

    def denied(file: object, flags: int, *args: object) -> int:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)  # root reads any file: deny it here instead
    result = cica("validate", "-c", str(path))
    assert result.code == 66
    assert result.err == f"cica: cannot read calendar {path}: Permission denied\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_file_without_read_permission_exits_66(
    cica: Callable[..., Result], tmp_path: Path
) -> None:
    path = tmp_path / "cal.toml"
    path.write_bytes(SHIPPED.read_bytes())
    path.chmod(0)
    result = cica("validate", "-c", str(path))
    assert result.code == 66
    assert result.err == f"cica: cannot read calendar {path}: Permission denied\n"
