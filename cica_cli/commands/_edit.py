"""What the editing commands (``move``, ``done``, ``cancel``, ``set``, ``add``) share.

Every edit goes the same way: find the calendar; refuse one that has problems already; make the
new text (``cica_cli.edit``: the event's block only, every other byte kept); load the new text
exactly as every command would, and refuse the edit if it breaks the calendar (a cycle, an
unknown reference, an impossible date); then write it atomically (unless ``--dry-run``), keep
its schedule in the cache, and print what moved (``cica diff``'s report) on stdout.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import CalendarDataError, CalendarNotFoundError, EditRefusedError
from ._runtime import cache_folder, collector_paused, find_event, say, write_out

if TYPE_CHECKING:
    from ..core.cache import Cached
    from ..core.diff import ScheduleDiff
    from ..core.schedule import Schedule


class Editing(NamedTuple):
    """A calendar opened for an edit: where it is, its text, and its schedule before the edit."""

    path: Path
    text: str
    data: bytes
    schedule: Schedule
    cache_dir: Path | None
    uncached: bool = False  # loaded, not yet kept in the cache (the edit's outcome will be)
    read: Cached | None = None  # the cache's entry it was read from, if it was


@contextmanager
def open_for_edit(flag: Path | None) -> Iterator[Editing]:
    """The user's calendar, loaded for an edit; ``EditRefusedError`` if it has problems already.

    A calendar loaded here (not from the cache) is not cached at once: an edit that is written
    keeps the edited schedule instead. Whatever else happens (a dry run, a refusal, nothing to
    change), the calendar as it stays is cached on the way out, for the next command.

    The collector is paused throughout (see ``collector_paused``): an edit holds two schedules
    of the calendar, and at 100 000 events its passes over them took a quarter of the run."""
    with collector_paused():
        editing = _open(flag)
        try:
            yield editing
        finally:
            if editing.uncached:
                _keep_if_unchanged(editing)


def _keep_if_unchanged(editing: Editing) -> None:
    from ..core.cache import store_schedule

    try:
        unchanged = editing.path.read_bytes() == editing.data
    except OSError:
        return
    if unchanged:
        store_schedule(editing.path, editing.cache_dir, editing.data, editing.schedule)


def _open(flag: Path | None) -> Editing:
    from ..core.cache import cached_schedule, read_calendar
    from ..core.loader import loads
    from ..paths import find_calendar, packaged_calendar

    path = find_calendar(flag, os.environ, Path.cwd())
    if flag is None and path.resolve() == packaged_calendar().resolve():
        raise CalendarNotFoundError(
            f"no calendar of yours to edit (cica is using the one it ships, {path}). "
            f"Copy it first (cp {path} events.toml) or pass --calendar PATH"
        )
    data = read_calendar(path)
    cache_dir = cache_folder()
    read = cached_schedule(path, cache_dir, data)
    if read is not None:
        return Editing(path, data.decode("utf-8"), data, read.schedule, cache_dir, read=read)
    try:
        schedule = loads(data, str(path), path).schedule  # a miss: cached on the way out
    except CalendarDataError as err:
        raise EditRefusedError(
            f"not edited: {path} has problems already; fix them first (nothing was written):\n"
            + err.message
        ) from err
    return Editing(path, data.decode("utf-8"), data, schedule, cache_dir, uncached=True)


def finish_edit(
    editing: Editing,
    event_id: str,
    make: Callable[[bool], str],
    done: Callable[[ScheduleDiff], str],
    dry_run: bool,
    json_: bool = False,
) -> ScheduleDiff:
    """Make the new text (``make(exact)``), check it, write it (unless ``dry_run``) and report:
    the diff on stdout, and on stderr ``done(diff)`` ("moved soc-astana-2024-06: ...") and
    whether the file was written.

    The new text is loaded as any command would load it: an edit that breaks the calendar is
    refused. Every event but ``event_id`` and the ``[calendar]`` table must read exactly as
    before; if not, the edit found the wrong place in the file, and is made again with
    ``make(True)`` (the exact, slower way), or not at all.
    """
    from ..core.cache import store_schedule
    from ..core.diff import diff_schedules
    from ..core.loader import loads
    from ..edit.rewrite import EditFailedError
    from ..views.diff import diff_json, diff_text

    for exact in (False, True):
        text = make(exact)
        data = text.encode("utf-8")
        quick = _quick_load(editing, text, event_id)
        if quick is _WRONG_PLACE and not exact:
            continue
        if isinstance(quick, Resolution):
            after = quick.schedule
            break
        try:
            after = loads(data, str(editing.path), editing.path).schedule
        except CalendarDataError as err:
            # The edit is wrong, or was made in the wrong place: the exact way tells which
            # (a problem of the edited event's own is the edit's; the exact way is slow).
            own = f"events.{event_id}"
            theirs = any(p.where != own and not p.where.startswith(own + ".") for p in err.problems)
            if not exact and theirs and make(True) != text:
                continue
            raise EditRefusedError(
                f"not written: the edit would break the calendar (the line numbers are those "
                f"the file would have):\n{err.message}"
            ) from err
        if _only_edited(editing.schedule, after, event_id):
            break
    else:
        raise EditFailedError(
            f"could not edit {event_id} without changing other parts of {editing.path}; "
            "nothing was written. Please report this with the layout of the file"
        )
    diff = diff_schedules(editing.schedule, after)
    unchanged = data == editing.data  # e.g. moved to where it is: the file is left alone
    if not dry_run and not unchanged:
        from ..atomic import write_atomic

        write_atomic(editing.path, data)
        store_schedule(editing.path, editing.cache_dir, data, after, editing.read)
    if json_:
        import json

        doc = diff_json(diff, f"{editing.path} (before)", str(editing.path))
        doc["written"] = not dry_run
        write_out(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        report = diff_text(diff)
        if report:
            write_out(report)
    if dry_run:
        outcome = "dry run: nothing written"
    elif unchanged:
        outcome = f"nothing to change in {editing.path}"
    else:
        outcome = f"wrote {editing.path}"
    say(f"{done(diff)}; {outcome}")
    return diff


_WRONG_PLACE = "wrong place"


class Resolution(NamedTuple):
    """The schedule of an edited text, worked out quickly."""

    schedule: Schedule


def _quick_load(editing: Editing, text: str, event_id: str) -> Resolution | str | None:
    """The schedule of ``text`` worked out from the one before the edit, which is what makes an
    edit of a large calendar fast. ``text`` must hold the same values as before but the edited
    event's table (else ``_WRONG_PLACE``: the edit found the wrong place). That is shown from the
    text around the event's table (``blocks.replaced_table``; for a new event, the table added at
    the end: ``blocks.appended_table``), or else by parsing both texts whole. The table alone
    is validated, and only the dates that follow from it are computed again
    (``resolve.resolve_edit``). None when the edit has a problem: the caller then loads
    the text as every command does, for every problem with its line."""
    from ..core.model import ID_PATTERN
    from ..core.resolve import ScheduleError, resolve_edit
    from ..core.schema import ValidationError, validate_event
    from ..edit.blocks import appended_table, replaced_table

    if not ID_PATTERN.match(event_id):
        return None
    if event_id in editing.schedule.events:
        table = replaced_table(editing.text, text, event_id)
    else:  # cica add
        table = appended_table(editing.text, text, event_id)
    if table is None:
        compared = _table_if_only_it_changed(editing.text, text, event_id)
        if not isinstance(compared, dict):
            return compared
        table = compared
    try:
        return Resolution(resolve_edit(editing.schedule, event_id, validate_event(table)))
    except (ValidationError, ScheduleError):
        return None


def _table_if_only_it_changed(
    before: str, after: str, event_id: str
) -> dict[str, Any] | str | None:
    """The edited event's table in ``after``, if both texts parse (TOML, in Rust) to the same
    values but that table; else ``_WRONG_PLACE``, or None if either does not parse."""
    from ..core.toml_text import TomlError, parse

    try:
        old, new = parse(before), parse(after)
    except TomlError:
        return None
    old_events, new_events = old.get("events", {}), new.get("events")
    if not isinstance(old_events, dict) or not isinstance(new_events, dict):
        return None
    table = new_events.get(event_id)
    if not isinstance(table, dict):
        return None
    expected = {**old, "events": {**old_events, event_id: table}}
    return table if expected == new else _WRONG_PLACE


def _only_edited(before: Schedule, after: Schedule, event_id: str) -> bool:
    """Every event but ``event_id``, and the settings, read in ``after`` as in ``before``."""
    if after.settings != before.settings:
        return False
    if any(eid not in before.events for eid in after.events if eid != event_id):
        return False
    for eid, old in before.events.items():
        if eid == event_id:
            continue
        new = after.events.get(eid)
        if new is None or new.event != old.event:
            return False
    return True


def set_status(
    event_id: str, status: str, calendar: Path | None, dry_run: bool, json_: bool
) -> None:
    """``cica done`` / ``cica cancel``: write ``status = "<status>"`` into the event's table."""
    from ..edit.rewrite import set_fields

    with open_for_edit(calendar) as editing:
        event = find_event(editing.schedule, event_id)
        if event.event.status == status:
            say(f"{event_id} is {status} already; nothing to write")
            return
        finish_edit(
            editing,
            event_id,
            lambda exact: set_fields(editing.text, event_id, {"status": status}, exact),
            lambda diff: f"{event_id}: status {event.event.status} -> {status}",
            dry_run,
            json_,
        )
