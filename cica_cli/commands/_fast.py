"""``cica upcoming``, ``next``, ``validate`` and ``remind`` without Typer, for prompts and cron.

Importing Typer and letting it coerce each option (it builds a pydantic adapter per option)
costs more than everything else ``cica next`` does with a cached calendar. So ``cli.main`` first
offers the arguments to ``run``: when they are one of these four commands with nothing but their
own options, written plainly (``--as-of 2024-06-27``, ``--as-of=2024-06-27``, ``-c FILE``,
``--json``), the command runs here; anything else (help, a misspelt or repeated option, a value
that starts with ``-``, a directory as the calendar, a port that is not a plain number in range...)
returns False, and Typer handles it, error messages included. The Typer commands in ``upcoming``,
``next_``, ``validate`` and ``remind`` call the same functions, and a test checks that the options
and value types below are exactly theirs.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ._runtime import (
    clock,
    collector_paused,
    display_zone,
    open_calendar,
    say,
    stdout_console,
    write_out,
    write_pieces,
)

#: option -> (parameter, how it takes a value): "flag", "value" (once) or "multiple".
OPTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "upcoming": {
        "--within": ("within", "value"),
        "-w": ("within", "value"),
        "--kind": ("kind", "multiple"),
        "-k": ("kind", "multiple"),
        "--tag": ("tag", "multiple"),
        "-t": ("tag", "multiple"),
        "--all": ("all_", "flag"),
        "-a": ("all_", "flag"),
        "--json": ("json_", "flag"),
        "--calendar": ("calendar", "value"),
        "-c": ("calendar", "value"),
        "--as-of": ("as_of", "value"),
        "--tz": ("tz", "value"),
    },
    "validate": {
        "--calendar": ("calendar", "value"),
        "-c": ("calendar", "value"),
    },
    "next": {
        "--json": ("json_", "flag"),
        "--calendar": ("calendar", "value"),
        "-c": ("calendar", "value"),
        "--as-of": ("as_of", "value"),
        "--tz": ("tz", "value"),
    },
    "remind": {
        "--to": ("to", "multiple"),
        "--from": ("sender", "value"),
        "--lead": ("lead", "multiple"),
        "--smtp-host": ("smtp_host", "value"),
        "--smtp-port": ("smtp_port", "value"),
        "--smtp-security": ("smtp_security", "value"),
        "--smtp-user": ("smtp_user", "value"),
        "--state": ("state", "value"),
        "--lock-timeout": ("lock_timeout", "value"),
        "--dry-run": ("dry_run", "flag"),
        "-n": ("dry_run", "flag"),
        "--verbose": ("verbose", "flag"),
        "-v": ("verbose", "flag"),
        "--calendar": ("calendar", "value"),
        "-c": ("calendar", "value"),
        "--as-of": ("as_of", "value"),
    },
}
#: parameter -> what its text must be, besides a string: "file" (a path Typer takes as a file:
#: not a directory, readable if it exists), or ("int" | "float", minimum, maximum), a number
#: written plainly (digits, for a float perhaps a point and more digits) within the bounds (None:
#: unbounded). Any other text is left to Typer, which explains what is wrong with it.
VALUE_TYPES: dict[str, str | tuple[str, float | None, float | None]] = {
    "calendar": "file",
    "state": "file",
    "smtp_port": ("int", 1, 65535),
    "lock_timeout": ("float", 0, None),
}


def run(args: list[str]) -> bool:
    """Run ``args`` if they are a plain command of ``OPTIONS``; False to leave them to Typer."""
    parsed = parse(args)
    if parsed is None:
        return False
    command, values = parsed
    if command == "next":
        show_next(**values)
    elif command == "validate":
        show_validation(**values)
    elif command == "remind":
        from ._remind import send_reminders

        send_reminders(**values)
    else:
        show_upcoming(**values)
    return True


def parse(args: list[str]) -> tuple[str, dict[str, Any]] | None:
    """The command and its parameters, or None for anything Typer should see."""
    if not args or args[0] not in OPTIONS:
        return None
    spec = OPTIONS[args[0]]
    values: dict[str, Any] = {}
    rest = iter(args[1:])
    for token in rest:
        name, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if name not in spec:
            return None
        param, takes = spec[name]
        if takes == "flag":
            if eq:
                return None
            values[param] = True
            continue
        value = inline if eq else next(rest, None)
        if value is None or (not eq and value.startswith("-")):
            return None
        if takes == "multiple":
            values.setdefault(param, []).append(value)
        elif param in values:
            return None  # given twice: let Typer decide
        else:
            values[param] = value
    for param, value_type in VALUE_TYPES.items():
        if param in values:
            converted = _convert(values[param], value_type)
            if converted is None:
                return None
            values[param] = converted
    return args[0], values


def _convert(
    text: str, value_type: str | tuple[str, float | None, float | None]
) -> Path | int | float | None:
    """``text`` as ``value_type`` (see ``VALUE_TYPES``), or None if Typer should judge it."""
    if isinstance(value_type, str):  # "file"
        return Path(text) if _plain_file_path(text) else None
    kind, low, high = value_type
    if not _plain_number(text, kind):
        return None
    number = int(text) if kind == "int" else float(text)
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def _plain_number(text: str, kind: str) -> bool:
    """Digits (no sign, no leading zero), for a float perhaps a point and more digits."""
    whole, point, fraction = text.partition(".")
    if not (text.isascii() and len(text) <= 12 and whole.isdigit()):
        return False
    if len(whole) > 1 and whole.startswith("0"):
        return False
    return not point or (kind == "float" and fraction.isdigit())


def _plain_file_path(text: str) -> bool:
    """True unless Typer would reject ``text`` as a file (a directory, unreadable)."""
    if not text:
        return False
    try:
        st = os.stat(text)
    except OSError:
        return True  # missing: the calendar lookup reports it
    return not stat.S_ISDIR(st.st_mode) and os.access(text, os.R_OK)


@collector_paused()
def show_upcoming(
    within: str | None = None,
    kind: list[str] | None = None,
    tag: list[str] | None = None,
    all_: bool = False,
    json_: bool = False,
    calendar: Path | None = None,
    as_of: str | None = None,
    tz: str | None = None,
) -> None:
    """What ``cica upcoming`` does (see ``upcoming.upcoming`` for the options)."""
    from ..core.agenda import build_agenda
    from ..core.dates import OffsetError, parse_offset

    if kind:
        from ..core.model import KINDS

        for k in kind:
            if k not in KINDS:
                raise UsageError(f"--kind: unknown kind {k!r}; one of: {', '.join(KINDS)}")
    try:
        span = parse_offset(within) if within else None
    except OffsetError as err:
        raise UsageError(f"--within: {err}") from err
    schedule = open_calendar(calendar).schedule
    zone = display_zone(tz, schedule.settings.timezone)
    now = clock(as_of, zone)
    if span is not None:
        from ..core.dates import reach_problem

        problem = reach_problem(now.date(), span)
        if problem:
            raise UsageError(f"--within {within}: {problem}")
    items = build_agenda(
        schedule, now, within=span, kinds=kind or (), tags=tag or (), include_past=all_
    )
    from ..views import text as render

    if json_:
        write_pieces(render.agenda_json(items, now, schedule.settings.name))
        return
    if not items:
        filtered = bool(kind or tag or within)
        say(
            "Nothing matches those filters."
            if filtered and schedule.events
            else render.nothing_upcoming(schedule, now.date())
        )
        return
    from ..views.table import agenda_table

    title = f"{schedule.settings.name} as of {render.day_text(now.date())}"
    console = stdout_console()
    console.print(agenda_table(items, zone, title, console.width))


@collector_paused()
def show_next(
    json_: bool = False,
    calendar: Path | None = None,
    as_of: str | None = None,
    tz: str | None = None,
) -> None:
    """What ``cica next`` does (see ``next_.next_`` for the options)."""
    from ..core.agenda import build_agenda, next_item
    from ..views.text import item_dict, next_line, nothing_upcoming

    schedule = open_calendar(calendar).schedule
    zone = display_zone(tz, schedule.settings.timezone)
    now = clock(as_of, zone)
    item = next_item(build_agenda(schedule, now))
    if item is None:
        if json_:
            write_out("null")
        say(nothing_upcoming(schedule, now.date()))
        return
    if json_:
        import json

        write_out(json.dumps(item_dict(item), ensure_ascii=False))
    else:
        write_out(next_line(item, zone))


@collector_paused()
def show_validation(calendar: Path | None = None) -> None:
    """What ``cica validate`` does (see ``validate.validate``)."""
    loaded = open_calendar(calendar)
    events = loaded.schedule.events.values()
    computed = sum(1 for e in events if e.is_computed)
    write_out(f"OK: {len(events)} events ({computed} computed) in {loaded.path}")
