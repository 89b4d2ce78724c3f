"""Where cica finds the calendar and its config, and where it keeps state.

Each lookup takes the environment and the working directory as arguments, so tests need no
monkeypatching, and writes its precedence as numbered steps.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from .errors import CalendarNotFoundError

CALENDAR_FILENAME = "events.toml"
_PACKAGED = Path("<packaged>")  # sentinel: "use the calendar shipped with cica"


def packaged_calendar() -> Path:
    """The CICA 2024 calendar shipped inside the package (works from a wheel too)."""
    beside = Path(__file__).with_name("data") / CALENDAR_FILENAME
    if beside.is_file():  # installed as files, as pip does: no need for importlib.resources
        return beside
    from importlib import resources

    return Path(str(resources.files("cica_cli") / "data" / CALENDAR_FILENAME))


def config_home(env: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/cica`` (default ``~/.config/cica``)."""
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(base) / "cica"


def state_home(env: Mapping[str, str]) -> Path:
    """``$XDG_STATE_HOME/cica`` (default ``~/.local/state/cica``)."""
    base = env.get("XDG_STATE_HOME") or str(
        Path(env.get("HOME") or Path.home()) / ".local" / "state"
    )
    return Path(base) / "cica"


def cache_home(env: Mapping[str, str]) -> Path:
    """``$XDG_CACHE_HOME/cica`` (default ``~/.cache/cica``)."""
    base = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(base) / "cica"


def find_calendar(
    flag: Path | None,
    env: Mapping[str, str],
    cwd: Path,
    packaged: Path | None = _PACKAGED,
) -> Path:
    """Return the calendar to read; the first hit wins (``packaged=None``: no packaged copy).

    Raises ``CalendarNotFoundError`` listing every place tried.
    """
    tried: list[str] = []
    # 1. --calendar PATH: the user named it, so it must be a file cica can read (no falling
    #    through); what it is instead is said: a folder, a FIFO, a loop of symbolic links...
    if flag is not None:
        return _usable(flag, "given with --calendar")
    # 2. $CICA_CALENDAR: likewise explicit.
    from_env = env.get("CICA_CALENDAR")
    if from_env:
        return _usable(Path(from_env), "given in $CICA_CALENDAR")
    # 3. ./events.toml in the working directory.
    here = cwd / CALENDAR_FILENAME
    if here.is_file():
        return here
    tried.append(f"{here} (current directory{_why_not(here)})")
    # 4. $XDG_CONFIG_HOME/cica/events.toml (default ~/.config/cica/events.toml).
    user = config_home(env) / CALENDAR_FILENAME
    if user.is_file():
        return user
    tried.append(f"{user} (user configuration{_why_not(user)})")
    # 5. The CICA 2024 calendar packaged with cica.
    if packaged is _PACKAGED:
        packaged = packaged_calendar()
    if packaged is not None and packaged.is_file():
        return packaged
    tried.append(f"{packaged or 'the packaged calendar'} (packaged calendar)")
    lines = "\n".join(f"  - {t}" for t in tried)
    raise CalendarNotFoundError(
        f"no calendar found. Looked in:\n{lines}\nPass --calendar PATH or set CICA_CALENDAR."
    )


def _usable(path: Path, given: str) -> Path:
    """``path`` if it is (or links to) a regular file; else ``CalendarNotFoundError`` saying why."""
    problem = _unusable(path)
    if problem == "not found":
        raise CalendarNotFoundError(f"calendar not found: {path} ({given})")
    if problem:
        raise CalendarNotFoundError(f"cannot use calendar {path} ({given}): {problem}")
    return path


def _why_not(path: Path) -> str:
    """``: a directory``-style note for a place that exists but is no calendar."""
    problem = _unusable(path)
    return "" if problem in (None, "not found") else f": {problem}"


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _unusable(path: Path) -> str | None:
    """None for a regular file; "not found"; or what is wrong with it (never blocks)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.lexists(path):
            return "a symbolic link to a file that does not exist"
        return "not found"
    except OSError as err:  # a loop of symbolic links, a path through a file, no permission
        return str(err.strerror or err).lower()
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"it is {kind}, not a file"


def read_calendar(path: Path) -> bytes:
    """The bytes of the calendar at ``path``; ``CalendarNotFoundError`` (exit 66) with the reason
    if it cannot be read. Opened without blocking and checked to be a regular file first, so a
    FIFO or a device swapped in after the lookup cannot hang or flood cica."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise CalendarNotFoundError(f"cannot read calendar {path}: {err.strerror or err}") from err
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise CalendarNotFoundError(f"cannot use calendar {path}: {_unusable(path)}")
        try:
            return handle.read()
        except OSError as err:
            raise CalendarNotFoundError(
                f"cannot read calendar {path}: {err.strerror or err}"
            ) from err
