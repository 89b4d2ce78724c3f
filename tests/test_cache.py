"""The cache of resolved calendars: a hit is exactly the loaded schedule; anything odd is a miss."""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cica_cli.core import cache, loader
from cica_cli.core.loader import load
from cica_cli.core.model import CalendarSettings, Event
from cica_cli.core.schedule import Schedule

from .conftest import SHIPPED, Result

Cica = Callable[..., Result]

#: Every kind of value the cache has to give back exactly.
TRICKY = r'''
[calendar]
name = "Tricky"
description = "zones, gaps, folds, offsets, repeats"
timezone = "Europe/Berlin"
remind = ["7 days", "1 day"]
holidays = [2024-07-08, 2024-12-25]
workdays = [2024-07-13]
country = "DE"

[events.gap]
title = "Daily at 02:30, one day of which has no such time in Berlin"
date = 2024-03-30T02:30:00
repeat = "FREQ=DAILY;COUNT=3"

[events.fold]
title = "At 02:30 on the night clocks go back (twice that time in Berlin)"
date = 2024-10-27T02:30:00
repeat = "FREQ=YEARLY;COUNT=3"

[events.fold-later]
title = "The second 02:30 of that night"
date = 2024-10-27T01:30:00Z

[events.offset]
title = "Given with a UTC offset"
date = 2024-06-27T10:00:00+05:00
timezone = "Asia/Almaty"

[events.as-text]
title = "A date written as text"
date = "2024-06-27"
tags = ["a", "b"]
remind = []

[events.span]
title = "Silence procedure"
kind = "procedure"
start = "offset"
duration = "10 working days"
status = "done"

[events.chain]
title = "Due before the procedure ends"
kind = "deadline"
date = "span.end - 3 working days"
country = "KZ"
remind = ["2 weeks"]

[events.weekly]
title = "Weekly call"
start = 2024-07-01T10:00:00
duration = "90 min"
timezone = "Asia/Baku"
repeat = "FREQ=WEEKLY;COUNT=10"
except = [2024-07-15, 2024-07-29]
location = "Baku"
description = """Two
lines"""
source = "https://example.org/"

[events.period]
title = "Action plan"
kind = "period"
start = 2024-01-01
end = 2024-12-31
status = "cancelled"
'''


def _must_not_load(*args: object) -> None:
    raise AssertionError("loaded, not read from the cache")


def _snapshot(schedule: Schedule) -> Any:
    """Everything observable about a schedule, types, zones and folds included."""

    def point(value: object) -> object:
        if isinstance(value, dt.datetime):
            zone = getattr(value.tzinfo, "key", value.tzinfo)
            return ("datetime", value.replace(tzinfo=None).isoformat(), value.fold, str(zone))
        return (type(value).__name__, value)

    def event(e: Any) -> object:
        names = Event._fields
        return {n: point(getattr(e, n)) if n in ("date", "start", "end") else getattr(e, n)
                for n in names}  # fmt: skip

    s = schedule.settings
    settings = [getattr(s, n) for n in CalendarSettings._fields]
    events = [
        (r.id, event(r.event), r.zone_name, point(r.start), point(r.end), dict(r.computed),
         r.depends_on)
        for r in schedule.events.values()
    ]  # fmt: skip
    return settings, events, schedule.dependents


@pytest.mark.parametrize("text", [TRICKY, SHIPPED.read_text(encoding="utf-8")])
def test_a_hit_is_exactly_the_loaded_schedule(
    text: str,
    write_calendar: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write_calendar(text)
    loaded = load(path).schedule
    miss = cache.load_schedule(path, tmp_path / "cache")
    monkeypatch.setattr(loader, "loads", _must_not_load)  # so the next one comes from the cache
    hit = cache.load_schedule(path, tmp_path / "cache")
    assert _snapshot(loaded) == _snapshot(miss) == _snapshot(hit)


COMMANDS = [
    ("upcoming", "--as-of", "2024-06-27"),
    ("upcoming", "--as-of", "2024-03-31T01:00", "--all", "--json"),
    ("upcoming", "--as-of", "2024-10-26", "--within", "30d", "--tz", "UTC"),
    ("next", "--as-of", "2024-07-03"),
    ("next", "--as-of", "2024-10-27T02:45", "--json"),
    ("show", "fold", "--as-of", "2024-10-27", "--json"),
    ("show", "chain", "--as-of", "2024-06-27"),
    ("show", "weekly", "--as-of", "2024-07-10", "--json"),
    ("timeline", "--as-of", "2024-07-01"),
    ("validate",),
    ("export", "-o", "-"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_commands_print_the_same_from_the_cache(
    args: tuple[str, ...],
    cica: Cica,
    write_calendar: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1719475200")
    monkeypatch.setenv("COLUMNS", "120")
    path = write_calendar(TRICKY)
    first = cica(*args, "-c", str(path))  # a miss: loads and fills the cache
    assert _entries(), "the cache was not filled"
    second = cica(*args, "-c", str(path))
    assert first.code == 0, first.err
    assert second == first


def _entries() -> list[Path]:
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "cica"
    return sorted(folder.glob("*.cache")) if folder.exists() else []


def test_an_edited_calendar_is_read_again(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(TRICKY)
    assert "Weekly call" in cica("next", "-c", str(path), "--as-of", "2024-07-03").out
    path.write_text(TRICKY.replace("Weekly call", "Daily call"), encoding="utf-8")
    assert "Daily call" in cica("next", "-c", str(path), "--as-of", "2024-07-03").out
    assert len(_entries()) == 1  # one entry per calendar file, replaced


@contextlib.contextmanager
def _fingerprint_redone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Inside: the code fingerprint recomputed after ``monkeypatch``'s changes; after: undone."""
    cache._fingerprint.cache_clear()
    try:
        yield
    finally:
        monkeypatch.undo()
        cache._fingerprint.cache_clear()


def test_other_code_is_another_key(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.cache_key(b"same bytes")
    monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    with _fingerprint_redone(monkeypatch):
        assert cache.cache_key(b"same bytes") != before
    assert cache.cache_key(b"same bytes") == before
    assert cache.cache_key(b"other bytes") != before


@pytest.mark.parametrize("package", ["toml_rs", "tzdata", "pydantic_core", "dateutil", "holidays"])
def test_another_parser_or_zone_database_is_another_key(
    package: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import importlib.machinery
    import importlib.util

    before = cache.cache_key(b"same bytes")
    other = tmp_path / "__init__.py"
    other.write_text("# another release\n", encoding="utf-8")
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        if name == package:
            return importlib.machinery.ModuleSpec(name, None, origin=str(other))
        return real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with _fingerprint_redone(monkeypatch):
        assert cache.cache_key(b"same bytes") != before
    assert cache.cache_key(b"same bytes") == before


@pytest.mark.parametrize(
    "damage",
    [
        lambda key, body: b"",
        lambda key, body: key + b"\n" + body[: len(body) // 2],  # truncated
        lambda key, body: key + b"\n" + b'{"settings": 1}',  # foreign (JSON)
        lambda key, body: key + b"\n" + marshal.dumps({"settings": 1}),  # foreign layout
        lambda key, body: key + b"\n" + marshal.dumps([body]),  # valid marshal, wrong shape
        lambda key, body: b"0" * 64 + b"\n" + body,  # another key
        lambda key, body: key + b"\n\xff\xfe",  # not UTF-8
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_rewritten(
    damage: Callable[[bytes, bytes], bytes],
    cica: Cica,
    write_calendar: Callable[[str], Path],
) -> None:
    path = write_calendar(TRICKY)
    args = ("upcoming", "--json", "--all", "-c", str(path), "--as-of", "2024-06-27")
    good = cica(*args)
    [entry] = _entries()
    key, body = entry.read_bytes().split(b"\n", 1)
    entry.write_bytes(damage(key, body))
    assert cica(*args) == good
    assert entry.read_bytes() == key + b"\n" + body


def test_no_usable_cache_folder_is_no_cache(
    cica: Cica,
    write_calendar: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # cica/ cannot be created under a file
    path = write_calendar(TRICKY)
    for _ in range(2):
        result = cica("next", "-c", str(path), "--as-of", "2024-07-03")
        assert result.code == 0 and "Weekly call" in result.out


def test_a_calendar_with_problems_is_never_cached(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(TRICKY.replace('date = "span.end', 'date = "spam.end'))
    for _ in range(2):
        result = cica("next", "-c", str(path))
        assert result.code == 65 and "unknown event 'spam'" in result.err
    assert _entries() == []


def test_entries_are_private(cica: Cica, write_calendar: Callable[[str], Path]) -> None:
    cica("next", "-c", str(write_calendar(TRICKY)), "--as-of", "2024-07-03")
    [entry] = _entries()
    assert entry.stat().st_mode & 0o077 == 0
    assert entry.parent.stat().st_mode & 0o077 == 0


def test_a_key_that_cannot_be_computed_is_no_cache(
    cica: Cica, write_calendar: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> str:
        raise OSError("cica's modules cannot be looked at")

    monkeypatch.setattr(cache, "_fingerprint", broken)
    result = cica("next", "-c", str(write_calendar(TRICKY)), "--as-of", "2024-07-03")
    assert result.code == 0 and "Weekly call" in result.out
    assert _entries() == []


def test_an_entry_in_the_old_json_layout_is_removed_on_write(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(TRICKY)
    cica("next", "-c", str(path), "--as-of", "2024-07-03")
    [entry] = _entries()
    old = entry.with_suffix(".json")
    old.write_text('{"settings": {}}', encoding="utf-8")
    path.write_text(TRICKY.replace("Weekly call", "Daily call"), encoding="utf-8")
    assert "Daily call" in cica("next", "-c", str(path), "--as-of", "2024-07-03").out
    assert not old.exists() and _entries() == [entry]


def _rewrite_entry(path: Path, cache_dir: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Fill the cache for ``path``, then change its entry's body, keeping its (valid) key."""
    cache.load_schedule(path, cache_dir)
    [entry] = sorted(cache_dir.glob("*.cache"))
    key, body = entry.read_bytes().split(b"\n", 1)
    doc = marshal.loads(body)
    change(doc)
    entry.write_bytes(key + b"\n" + marshal.dumps(doc))


@pytest.mark.parametrize("how", ["reordered", "renamed", "one more"])
def test_events_written_with_other_fields_are_a_miss_never_a_misread(
    how: str, write_calendar: Callable[[str], Path], tmp_path: Path
) -> None:
    """The entry names ``Event``'s fields in order: an entry from a version of cica whose
    ``Event`` had its fields in another order (or other fields) is not read by position."""
    path = write_calendar(TRICKY)
    names = list(Event._fields)
    if how == "reordered":
        names[1], names[2] = names[2], names[1]
    elif how == "renamed":
        names[names.index("location")] = "place"
    else:
        names.append("colour")

    def change(doc: dict[str, Any]) -> None:
        assert doc["event_fields"] == Event._fields
        doc["event_fields"] = tuple(names)

    cache_dir = tmp_path / "cache"
    _rewrite_entry(path, cache_dir, change)
    [entry] = sorted(cache_dir.glob("*.cache"))
    assert cache._read(entry, cache.cache_key(path.read_bytes())) is None  # a miss
    assert _snapshot(cache.load_schedule(path, cache_dir)) == _snapshot(load(path).schedule)
    assert cache._read(entry, cache.cache_key(path.read_bytes())) is not None  # rewritten


def test_the_entry_names_the_fields_it_holds(write_calendar: Callable[[str], Path]) -> None:
    doc = cache._encode(load(write_calendar(TRICKY)).schedule)
    assert doc["event_fields"] == Event._fields
    assert all(len(row[1]) == len(Event._fields) for row in doc["events"])
