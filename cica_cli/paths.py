"""Where cica finds the calendar and its config, and where it keeps state.

Each lookup takes the environment and the working directory as arguments, so tests need no
monkeypatching, and writes its precedence as numbered steps.
"""

from __future__ import annotations

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
    # 1. --calendar PATH: the user named it, so it must exist (no falling through).
    if flag is not None:
        if flag.is_file():
            return flag
        raise CalendarNotFoundError(f"calendar not found: {flag} (given with --calendar)")
    # 2. $CICA_CALENDAR: likewise explicit.
    from_env = env.get("CICA_CALENDAR")
    if from_env:
        if Path(from_env).is_file():
            return Path(from_env)
        raise CalendarNotFoundError(f"calendar not found: {from_env} (given in $CICA_CALENDAR)")
    # 3. ./events.toml in the working directory.
    here = cwd / CALENDAR_FILENAME
    if here.is_file():
        return here
    tried.append(f"{here} (current directory)")
    # 4. $XDG_CONFIG_HOME/cica/events.toml (default ~/.config/cica/events.toml).
    user = config_home(env) / CALENDAR_FILENAME
    if user.is_file():
        return user
    tried.append(f"{user} (user configuration)")
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
