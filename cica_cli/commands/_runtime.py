"""What commands share at run time: the clock, the consoles, opening the calendar. No Typer here.

With the command modules, this is the only place besides ``cli`` that
reads the environment, the working directory and the clock; the core receives them as arguments.
Keeping Typer out lets ``_fast`` run ``cica next`` and ``cica upcoming`` without importing it.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from ..core.schedule import Resolved, Schedule
    from ._options import Command


# A NamedTuple, not a dataclass, on the path of `cica next` (see errors.Problem).
class OpenedCalendar(NamedTuple):
    """A calendar found and resolved."""

    path: Path
    schedule: Schedule
    data: bytes  # the file's bytes, as loaded
    cache_dir: Path | None


def open_calendar(flag: Path | None) -> OpenedCalendar:
    """Find and load the calendar (flag > env > ./ > XDG > packaged), through the cache."""
    from ..core.cache import load_schedule, read_calendar

    path = calendar_path(flag)
    data = read_calendar(path)
    cache_dir = cache_folder()
    with collector_paused():
        return OpenedCalendar(path, load_schedule(path, cache_dir, data), data, cache_dir)


def calendar_path(flag: Path | None) -> Path:
    """The calendar cica would use (flag > env > ./ > XDG > packaged)."""
    from ..paths import find_calendar

    return find_calendar(flag, os.environ, Path.cwd())


def cache_folder() -> Path | None:
    """cica's cache folder (``$XDG_CACHE_HOME/cica``); None without a home: no cache."""
    from ..paths import cache_home

    try:
        return cache_home(os.environ)
    except RuntimeError:
        return None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a command's bulk work, then restore it.

    A calendar of 100 000 events loads as millions of small objects, none of them in reference
    cycles, and every pass of the collector walks them all again: a third of the run time at that
    size. Reference counting frees memory as usual meanwhile; cycles, if any, wait until the end.
    Every command runs paused (``run_command``), so the collector comes back only once the
    command's own objects are gone: restored while the calendar is still held, its first pass
    would walk all of it (a quarter of a second for an edit of 100 000 events).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def display_zone(tz: str | None, default: str) -> dt.tzinfo:
    """The zone to show times in."""
    from ..core.zones import UnknownZoneError, get_zone

    try:
        return get_zone(tz or default)
    except UnknownZoneError as err:
        raise UsageError(f"--tz: {err}") from err


def clock(as_of: str | None, zone: dt.tzinfo) -> dt.datetime:
    """The moment to work from: ``--as-of`` (a day means its first moment) or now."""
    if as_of is None:
        return dt.datetime.now(zone)
    from ..core.dates import RANGE_TEXT, in_range, parse_point

    text = as_of.strip()
    try:
        point = parse_point(text)
    except ValueError as err:
        raise UsageError(
            f"--as-of: cannot read {as_of!r}; use 2024-06-27 or 2024-06-27T10:00"
        ) from err
    day = not isinstance(point, dt.datetime)
    moment = point if isinstance(point, dt.datetime) else dt.datetime.combine(point, dt.time.min)
    if not in_range(moment):
        raise UsageError(f"--as-of: {text} is out of range: {RANGE_TEXT}")
    from ..core.zones import gap_problem, localize

    if day:  # the day's first moment, even when its midnight is in a gap (Santiago)
        return localize(moment, zone)
    if moment.tzinfo:
        return moment.astimezone(zone)
    gap = gap_problem(moment, zone, str(zone))
    if gap is not None:
        raise UsageError(f"--as-of: {gap}")
    return moment.replace(tzinfo=zone)  # a time that occurs twice: the first


def kinds(values: Iterable[str]) -> tuple[str, ...]:
    """``--kind`` values, each one of the kinds (else a usage error)."""
    chosen = tuple(values)
    if chosen:
        from ..core.model import KINDS

        for kind in chosen:
            if kind not in KINDS:
                from ..core.suggest import Suggester

                raise UsageError(
                    f"--kind: unknown kind {kind!r}{Suggester(KINDS).hint(kind)}; "
                    f"one of: {', '.join(KINDS)}"
                )
    return chosen


def unknown_tags(schedule: Schedule, tags: Iterable[str]) -> str:
    """`` (no event has the tag 'ministeral'; did you mean 'ministerial'?)`` for a ``--tag``
    that no event of ``schedule`` has; nothing when every tag is known."""
    known = {tag for event in schedule.events.values() for tag in event.event.tags}
    missing = [tag for tag in dict.fromkeys(tags) if tag not in known]
    if not missing:
        return ""
    from ..core.suggest import Suggester

    close = Suggester(sorted(known)).closest(missing[0])
    hint = f"; did you mean {close!r}?" if close else ""
    return f" (no event has the tag {missing[0]!r}{hint})"


def day_option(text: str | None, flag: str, today: dt.date) -> dt.date | None:
    """``--from``/``--to``: a date (2024-06-01), ``today``, or a span from today (``30d``,
    ``6m``); None when not given."""
    if text is None:
        return None
    from ..core.dates import OffsetError, apply_offset, parse_offset, range_problem

    value = text.strip()
    if value.lower() == "today":
        return today
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        pass
    else:
        problem = range_problem(day)
        if problem:
            raise UsageError(f"{flag}: {problem}")
        return day
    try:
        offset = parse_offset(value)
    except OffsetError as err:
        raise UsageError(
            f"{flag}: cannot read {text!r}; use a date (2024-06-01), 'today' or a span (30d)"
        ) from err
    try:
        moved = apply_offset(today, offset, frozenset())
    except OffsetError as err:
        raise UsageError(f"{flag} {text}: {err}") from err
    assert isinstance(moved, dt.date)
    problem = range_problem(moved)
    if problem:
        raise UsageError(f"{flag} {text}: {problem}")
    return moved


def day_range(
    first: str | None, last: str | None, today: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """``--from`` and ``--to`` read by ``day_option``; a usage error if ``--to`` comes first."""
    start, end = day_option(first, "--from", today), day_option(last, "--to", today)
    if start and end and end < start:
        raise UsageError(f"--to ({end}) is before --from ({start})")
    return start, end


def stdout_console() -> Console:
    """The console for data (stdout). Rich honours NO_COLOR, FORCE_COLOR, COLUMNS, TERM."""
    from rich.console import Console

    return Console(highlight=False)


def print_out(renderable: Any, console: Console | None = None, **options: Any) -> None:
    """A Rich renderable on stdout (``show``'s grid, the timeline): as Rich prints it on a
    terminal; in a pipe or a file (no colours), its lines without the padding Rich leaves at
    their ends, as ``upcoming``'s table."""
    console = console or stdout_console()
    if console.color_system is not None:
        console.print(renderable, **options)
        return
    with console.capture() as captured:
        console.print(renderable, **options)
    write_out("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def write_out(text: str) -> None:
    """Plain data on stdout (no Rich: JSON and one-liners stay byte-exact)."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def write_pieces(pieces: Iterable[str]) -> None:
    """Plain data on stdout as it is made (a large document is never one text), then a newline."""
    write = sys.stdout.write
    for piece in pieces:
        write(piece)
    write("\n")


def say(message: str) -> None:
    """A message for the user on stderr."""
    sys.stderr.write(message if message.endswith("\n") else message + "\n")


def find_event(schedule: Schedule, event_id: str) -> Resolved:
    """The event ``event_id``, or a usage error with a "did you mean"."""
    event = schedule.events.get(event_id)
    if event is None:
        from ..core.suggest import Suggester

        close = Suggester(schedule.events).closest(event_id)
        hint = f"; did you mean {close!r}?" if close else "; `cica upcoming --all` lists them"
        raise UsageError(f"no event {event_id!r}{hint}")
    return event


def run_command(command: Command, run: Callable[..., None], values: dict[str, Any]) -> None:
    """``run(**values)``, a command's code, with the collector paused (``collector_paused``),
    once its texts are known to be text: bytes that are not UTF-8 (which Python hands over as
    lone surrogates) could be neither written to a calendar nor shown (paths may hold them)."""
    for param in command.params:
        if param.value != "text":
            continue
        given = values.get(param.name)
        for text in given if isinstance(given, list) else [given]:
            if isinstance(text, str) and not _encodable(text):
                name = param.names[0] if param.names else param.metavar or param.name.upper()
                raise UsageError(f"{name}: not valid UTF-8 text")
    with collector_paused():
        run(**values)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
