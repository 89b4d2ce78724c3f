"""``cica export``: an iCalendar file (or feed) that every calendar app imports cleanly."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError, UsageError
from ._options import AS_OF, CALENDAR, FROM_DAY, KIND, TAG, TO_DAY, Command, Param, flag
from ._runtime import clock, collector_paused, day_range, kinds, open_calendar, say

if TYPE_CHECKING:
    from ..core.dates import Offset

_EPILOG = """\
Examples:

  cica export                       # one file to import: ./CICA-2024.ics

  cica export -o - --kind deadline | grep -c BEGIN:VEVENT  # into another tool

  cica export -o /var/www/cal/cica.ics --from today   # a feed: re-run from
                   # cron or CI and subscribe to https://HOST/cal/cica.ics

Re-exporting an unchanged calendar gives the same bytes (stamps come from SOURCE_DATE_EPOCH,
else from the calendar file's modification time), and leaves the file (and its mtime) untouched.
Each event keeps its UID; an edited event gets a higher SEQUENCE, remembered from the file being
replaced, also across exports of other selections. An event deleted from the calendar is
published as cancelled for 30 days.
"""


COMMAND = Command(
    "export",
    (
        Param(
            "output",
            ("--output", "-o"),
            "Write here ('-' for stdout; a folder gets the default name). "
            "Default: '<calendar name>.ics' in the current folder.",
            metavar="FILE|-",
        ),
        KIND,
        TAG,
        FROM_DAY._replace(
            help="Only items with an occurrence on or after this day: 2024-06-01, 'today', "
            "or a span from today such as 30d."
        ),
        TO_DAY._replace(
            help="Only items that start on or before this day: a date, 'today' or a span "
            "from today such as 6m."
        ),
        Param(
            "alarm",
            ("--alarm",),
            "Alarm this long before each item (repeatable: --alarm 7d --alarm 1d), "
            "instead of the reminders in the calendar.",
            multiple=True,
            metavar="LEAD",
        ),
        flag("no_alarms", ("--no-alarms",), "Write no alarms at all."),
        Param(
            "name",
            ("--name",),
            "Name shown for the calendar in apps (default: the calendar's name).",
            metavar="TEXT",
        ),
        CALENDAR,
        AS_OF,
    ),
    epilog=_EPILOG,
    fast=True,
)


def run(
    output: str | None,
    kind: list[str],
    tag: list[str],
    from_: str | None,
    to: str | None,
    alarm: list[str],
    no_alarms: bool,
    name: str | None,
    calendar: Path | None,
    as_of: str | None,
) -> None:
    """Export the calendar as an iCalendar (.ics) file to import or to publish as a feed."""
    from ..atomic import write_atomic
    from ..core.zones import get_zone
    from ..ical.export import ExportOptions, default_filename, export_ics, feed_name
    from ..ical.parallel import workers_available

    wanted = kinds(kind)
    if alarm and no_alarms:
        raise UsageError("--alarm and --no-alarms contradict each other; give one")
    if name is not None and not name.strip():
        raise UsageError("--name: give a name that is not empty")
    leads = () if no_alarms else (_leads(alarm) if alarm else None)

    loaded = open_calendar(calendar)
    schedule = loaded.schedule
    today = clock(as_of, get_zone(schedule.settings.timezone)).date()
    start, end = day_range(from_, to, today)
    options = ExportOptions(
        name=name,
        kinds=wanted,
        tags=tuple(tag),
        start=start,
        end=end,
        alarms=leads,
    )

    stamp = _stamp(os.environ.get("SOURCE_DATE_EPOCH"), loaded.path)
    if output == "-":
        with collector_paused():  # see collector_paused: the schedule is all the collector sees
            data = export_ics(schedule, stamp, options, workers=workers_available())
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        target = None
    else:
        target = Path(output) if output else Path(default_filename(feed_name(schedule, options)))
        if target.is_dir():
            target = target / default_filename(feed_name(schedule, options))
        previous = _previous(target, _largest_export(loaded.path))
        with collector_paused():
            data = export_ics(
                schedule, stamp, options, previous, today, workers=workers_available()
            )
        if data != previous:  # an unchanged feed keeps its mtime: web servers answer 304
            write_atomic(target, data)
    cancelled = data.count(b"\r\nX-CICA-DELETED:")
    count = data.count(b"\r\nBEGIN:VEVENT\r\n") - cancelled
    if count == 0:
        say("cica: no event matches; the calendar written is empty")
    if target is not None:
        events = f"{count} event{'s' if count != 1 else ''}"
        if cancelled:
            events += f" and {cancelled} deleted one{'s' if cancelled != 1 else ''} as cancelled"
        if data != previous:
            say(f"Wrote {events} to {target}")
        else:
            say(f"{target} is up to date ({events}); left untouched")


def _leads(texts: list[str]) -> tuple[Offset, ...]:
    from ..core.leads import LeadError, parse_lead

    try:
        return tuple(parse_lead(text).offset for text in texts)
    except LeadError as err:
        raise UsageError(f"--alarm: {err}") from err


def _stamp(source_date_epoch: str | None, calendar_path: Path) -> dt.datetime:
    """DTSTAMP: ``SOURCE_DATE_EPOCH`` (reproducible builds) or the calendar's mtime; never now."""
    if source_date_epoch is not None and source_date_epoch.strip():
        try:
            return dt.datetime.fromtimestamp(int(source_date_epoch.strip()), dt.UTC)
        except (ValueError, OverflowError, OSError) as err:
            raise ConfigError(
                f"SOURCE_DATE_EPOCH={source_date_epoch!r} is not a number of seconds since 1970"
            ) from err
    return dt.datetime.fromtimestamp(int(calendar_path.stat().st_mtime), dt.UTC)


def _largest_export(calendar: Path) -> int:
    """More bytes than any export of ``calendar`` could hold: each event's text is written at
    most a few times (summary, description, alarms), folded and escaped, plus the history of
    deleted events; 16 times the calendar and 64 MiB is far beyond that."""
    try:
        size = os.stat(calendar).st_size
    except OSError:
        size = 0
    return 16 * size + (64 << 20)


def _previous(target: Path, limit: int) -> bytes | None:
    """The export being replaced: where SEQUENCE, LAST-MODIFIED and the history of the feed
    are remembered. Only a regular file is read (``/dev/zero`` or a FIFO would never end), it is
    opened without blocking and checked after opening, and never more than ``limit`` bytes of
    it: a larger file is no export of this calendar (it is replaced, with a message)."""
    import stat

    try:
        if not stat.S_ISREG(os.stat(target).st_mode):  # before opening: a FIFO's open blocks
            return None
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with open(fd, "rb") as handle:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else meanwhile
                return None
            data = handle.read(limit + 1)
        except OSError:
            return None
    if len(data) > limit:
        say(f"cica: {target} is larger than any export could be; not read as the previous one")
        return None
    return data
