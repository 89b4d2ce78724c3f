"""``cica diff [OLD [NEW]]``: what changed between two versions of the calendar, and why.

OLD and NEW are calendar files or git revisions of the calendar file (read with ``git show``).
Exit codes follow diff(1), so that CI and pre-commit hooks can use it: 0 no differences,
1 differences, 2 a usage error; 65 a version has problems, 66 a version cannot be read.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import NamedTuple

from ..errors import CalendarNotFoundError
from ._options import CALENDAR, JSON, Command, Param

_EPILOG = """\
Examples:

  cica diff                       # the committed calendar (HEAD) against the
                                  # working file

  cica diff HEAD~3                # three commits ago against the working file

  cica diff main feature          # two revisions of the calendar file

  cica diff old.toml events.toml  # two files

  cica diff --json | jq '.changed[].id'

  git commit ... && cica diff HEAD~1 HEAD || echo "dates moved"

A changed date reads "Thu 27 Jun -> Thu 4 Jul 2024, +7 days"; one that moved only because a
date it is computed from moved says so: "(computed: start = soc-astana-2024-06)". Warnings name
dates that now land on a weekend or a holiday. Exit 0: no differences, 1: differences,
2: usage, 65: a version has problems, 66: a version cannot be read.
"""


COMMAND = Command(
    "diff",
    (
        Param("old", (), "A calendar file or a git revision (default: HEAD).", metavar="OLD"),
        Param(
            "new",
            (),
            "A calendar file or a git revision (default: the working file).",
            metavar="NEW",
        ),
        JSON,
        CALENDAR,
    ),
    epilog=_EPILOG,
    fast=True,
)


class Version(NamedTuple):
    """One side of the comparison: its name in messages and its bytes."""

    name: str
    data: bytes


def run(old: str | None, new: str | None, json_: bool, calendar: Path | None) -> None:
    """Show what changed between two versions of the calendar: dates moved (and why), events
    added and removed, changes of status, title, kind and location."""
    from ..core.diff import diff_schedules
    from ..core.loader import loads
    from ..core.workdays import keep_data_in
    from ..views.diff import diff_json, diff_text
    from ._runtime import cache_folder, collector_paused, write_out

    keep_data_in(cache_folder())
    before = _version(old or "HEAD", calendar)
    after = _version(new, calendar) if new is not None else _working_file(calendar)
    with collector_paused():
        old_schedule = loads(before.data, before.name).schedule
        new_schedule = loads(after.data, after.name).schedule
    result = diff_schedules(old_schedule, new_schedule)
    if json_:
        import json

        doc = diff_json(result, before.name, after.name)
        write_out(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        text = diff_text(result)
        if text:
            write_out(text)
    if not result.empty:
        raise SystemExit(1)  # as diff(1): the versions differ


def _calendar_path(flag: Path | None) -> Path:
    from ..paths import find_calendar

    return find_calendar(flag, os.environ, Path.cwd())


def _working_file(flag: Path | None) -> Version:
    from ..core.cache import read_calendar

    path = _calendar_path(flag)
    return Version(_shown(path), read_calendar(path))


def _version(spec: str, flag: Path | None) -> Version:
    """A file if ``spec`` names one; else ``REV:PATH`` as git reads it; else a revision of the
    calendar file."""
    if Path(spec).is_file():
        from ..core.cache import read_calendar

        return Version(spec, read_calendar(Path(spec)))
    if ":" in spec:
        return Version(spec, _git_show(Path.cwd(), spec, spec))
    path = _calendar_path(flag)
    folder = path.resolve().parent
    return Version(
        f"{spec}:{_shown(path)}", _git_show(folder, f"{spec}:./{path.resolve().name}", spec, path)
    )


def _shown(path: Path) -> str:
    """``path`` as the user would write it: relative to the working directory if inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _git_show(folder: Path, object_name: str, spec: str, path: Path | None = None) -> bytes:
    """``git show OBJECT`` run in ``folder``; a clear error when there is no repository, no such
    revision or no such file in it."""
    env = {**os.environ, "LC_ALL": "C", "GIT_PAGER": "cat"}
    try:
        inside = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"],
            cwd=folder,
            capture_output=True,
            env=env,
            check=False,
        )
    except OSError as err:
        raise CalendarNotFoundError(
            f"cannot read {spec!r}: it is not a file, and git (for a revision) cannot be run: "
            f"{err.strerror or err}"
        ) from err
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        what = path if path is not None else folder
        raise CalendarNotFoundError(
            f"cannot read {spec!r}: it is not a file, and {what} is not in a git repository, so "
            "it has no revisions. Compare two files: cica diff OLD.toml NEW.toml"
        )
    shown = subprocess.run(
        ["git", "show", "--no-textconv", object_name],
        cwd=folder,
        capture_output=True,
        env=env,
        check=False,
    )
    if shown.returncode != 0:
        reason = shown.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = reason[0].removeprefix("fatal: ") if reason else "git show failed"
        target = f"{path} at revision {spec!r}" if path is not None else repr(spec)
        raise CalendarNotFoundError(f"cannot read {target}: {detail}")
    return shown.stdout
