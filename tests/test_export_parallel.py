"""An export built on several cores (``ical.parallel``) is byte for byte the one built on one,
and a child that fails only means its share is built by the parent."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cica_cli.core.loader import loads
from cica_cli.ical import parallel
from cica_cli.ical.export import ExportOptions, export_ics

from .conftest import SHIPPED, Result

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")

STAMP = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)


def _calendar(count: int, renamed: int = -1) -> bytes:
    """``count`` events of every kind an export writes differently: timed in several zones,
    whole days, spans, repeating with skipped days, computed, with alarms, cancelled."""
    zones = ["Asia/Almaty", "Asia/Baku", "Europe/Istanbul", "UTC"]
    parts = ['[calendar]\nname = "Parallel"\ntimezone = "Asia/Almaty"\nremind = ["2 days"]\n']
    for i in range(count):
        title = f"Event {i}" + (" (renamed)" if i == renamed else "")
        day = dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)
        kind = i % 6
        body = f'title = "{title}"\n'
        if kind == 0:
            body += f'date = {day}T10:00:00\ntimezone = "{zones[i % 4]}"\n'
        elif kind == 1:
            body += f'kind = "deadline"\ndate = {day}\nremind = ["1 week", "1 day"]\n'
        elif kind == 2:
            body += f'kind = "conference"\nstart = {day}\nduration = "3 days"\n'
        elif kind == 3:
            body += (
                f'date = {day}T15:30:00\nrepeat = "FREQ=WEEKLY;COUNT=6"\n'
                f"except = [{day + dt.timedelta(weeks=2)}]\n"
            )
        elif kind == 4:
            body += f'kind = "procedure"\nstart = "e{i - 4} + 1 day"\nduration = "2 weeks"\n'
        else:
            body += f'date = {day}\nstatus = "cancelled"\nlocation = "Baku"\n'
        parts.append(f"[events.e{i}]\n{body}")
    return "\n".join(parts).encode()


def _export(data: bytes, workers: int, previous: bytes | None = None) -> bytes:
    schedule = loads(data, "parallel.toml").schedule
    return export_ics(schedule, STAMP, ExportOptions(), previous, STAMP.date(), workers=workers)


@needs_fork
@pytest.mark.parametrize("workers", [2, 3, 4])
def test_the_events_built_in_shares_are_the_events_built_in_one(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_SHARE", 7)  # so that 120 events are split
    data = _calendar(120)
    alone = _export(data, 1)
    assert alone.count(b"BEGIN:VEVENT") == 120
    assert _export(data, workers) == alone
    # with a previous export: revisions carried, a changed event revised, a deleted one cancelled
    changed = _calendar(119, renamed=30)
    again = _export(changed, 1, previous=alone)
    assert b"SEQUENCE:1" in again and b"STATUS:CANCELLED" in again
    assert _export(changed, workers, previous=alone) == again


@needs_fork
def test_the_shipped_calendar_split_into_single_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_SHARE", 1)
    data = SHIPPED.read_bytes()
    assert _export(data, 4) == _export(data, 1)


def test_shares_cover_the_events_in_order() -> None:
    for count in (0, 1, 999, 1000, 1999, 2000, 2001, 10_000, 100_003):
        for workers in (1, 2, 3, 4):
            cut = parallel.shares(count, workers)
            assert cut[0][0] == 0 and cut[-1][1] == count
            assert all(a[1] == b[0] for a, b in itertools.pairwise(cut))
            assert len(cut) <= workers
            assert len(cut) == 1 or all(b - a >= parallel.MIN_SHARE for a, b in cut)
    assert len(parallel.shares(10_000, 2)) == 2  # a large calendar is split


def _pieces(fail: str) -> tuple[list[int], object]:
    """A ``make`` whose share 10-20 fails in the child in the way ``fail`` says."""
    parent = os.getpid()
    made_here: list[int] = []

    def make(start: int, stop: int) -> Iterator[bytes]:
        if os.getpid() == parent:
            made_here.append(start)
        elif start == 10 and fail == "raise":
            raise RuntimeError("a child's failure")
        elif start == 10 and fail == "signal":
            os.kill(os.getpid(), signal.SIGKILL)
        return iter([b"%d," % i for i in range(start, stop)])

    return made_here, make


@needs_fork
@pytest.mark.parametrize("fail", ["raise", "signal"])
def test_a_share_whose_child_fails_is_made_by_the_parent(
    fail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_SHARE", 10)
    made_here, make = _pieces(fail)
    out = b"".join(parallel.in_parts(make, 30, 3))  # type: ignore[arg-type]
    assert out == b"".join(b"%d," % i for i in range(30))
    assert made_here == [0, 10]  # its own share, and the failed child's
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every child reaped


@needs_fork
def test_when_the_parent_fails_its_children_are_ended_and_reaped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "MIN_SHARE", 10)
    parent = os.getpid()

    def make(start: int, stop: int) -> Iterator[bytes]:
        if os.getpid() == parent:
            raise KeyboardInterrupt  # e.g. Ctrl-C while the children work
        time.sleep(120)  # a child that would take long: it is ended, not waited for
        return iter([])

    def too_slow(signum: int, frame: object) -> None:
        raise AssertionError("the children were waited for, not ended")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(30)
    try:
        with pytest.raises(KeyboardInterrupt):
            b"".join(parallel.in_parts(make, 30, 3))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_workers_are_the_cpus_at_most_four_and_one_without_a_safe_fork(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert 1 <= parallel.workers_available() <= parallel.MAX_WORKERS
    monkeypatch.setattr(sys, "platform", "darwin")
    assert parallel.workers_available() == 1
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delattr(os, "fork", raising=False)
    assert parallel.workers_available() == 1


@needs_fork
def test_the_command_writes_what_one_process_would(
    cica: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_SHARE", 10)
    monkeypatch.setattr(parallel, "workers_available", lambda: 3)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(STAMP.timestamp())))
    calendar = tmp_path / "events.toml"
    calendar.write_bytes(_calendar(60))
    target = tmp_path / "feed.ics"
    result = cica("export", "-c", str(calendar), "-o", str(target))
    assert result.code == 0, result.err
    schedule = loads(calendar.read_bytes(), str(calendar)).schedule
    assert target.read_bytes() == export_ics(schedule, STAMP, ExportOptions())
