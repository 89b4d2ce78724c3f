"""``cica export`` as a feed that subscribers can rely on: SEQUENCE never goes backwards (also
across filtered exports), deleted events are published as cancelled for a while, and an
unchanged export leaves the file (and its mtime) alone."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest

from cica_cli.ical.export import CANCELLED_DAYS, stable_uid

from .conftest import Result

Cica = Callable[..., Result]

FEED = """\
[calendar]
name = "Feed"
timezone = "Europe/Berlin"
remind = ["7 days"]

[events.a]
title = "Alpha"
kind = "meeting"
tags = ["internal"]
date = 2024-07-01T10:00:00

[events.b]
title = "Beta"
kind = "deadline"
tags = ["public"]
date = 2024-07-05

[events.weekly]
title = "Weekly call"
kind = "meeting"
tags = ["public"]
start = 2024-07-02T09:30:00
end = 2024-07-02T10:00:00
repeat = "FREQ=WEEKLY;COUNT=8"
"""


class Feed:
    """A calendar file and its export, re-exported step by step as a cron job would."""

    def __init__(self, cica: Cica, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.cica, self.monkeypatch = cica, monkeypatch
        self.calendar = folder / "feed.toml"
        self.calendar.write_text(FEED, encoding="utf-8")
        self.out = folder / "feed.ics"
        self.epoch = 1719000000

    def edit(self, old: str, new: str) -> None:
        text = self.calendar.read_text(encoding="utf-8")
        assert old in text
        self.calendar.write_text(text.replace(old, new), encoding="utf-8")
        self.epoch += 3600  # the calendar's stamp moves on, as its mtime would

    def delete(self, event_id: str) -> None:
        text = self.calendar.read_text(encoding="utf-8")
        start = text.index(f"[events.{event_id}]")
        end = text.find("[events.", start + 1)
        self.edit(text[start : end if end > 0 else len(text)], "")

    def export(self, *args: str, as_of: str = "2024-06-20") -> Result:
        self.monkeypatch.setenv("SOURCE_DATE_EPOCH", str(self.epoch))
        result = self.cica(
            "export", "-c", str(self.calendar), "-o", str(self.out), "--as-of", as_of, *args
        )
        assert result.code == 0, result.err
        return result

    def events(self) -> dict[str, Any]:
        """UID -> VEVENT of the current file."""
        cal = icalendar.Calendar.from_ical(self.out.read_bytes())
        return {str(e["UID"]): e for e in cal.walk("VEVENT")}

    def sequence(self, event_id: str) -> int:
        return int(self.events()[uid(event_id)]["SEQUENCE"])


def uid(event_id: str) -> str:
    return stable_uid("Feed", event_id)


@pytest.fixture
def feed(cica: Cica, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Feed:
    return Feed(cica, tmp_path, monkeypatch)


# --- filtered exports keep the history ---------------------------------------------------------


@pytest.mark.parametrize(
    "selection",
    [("--kind", "deadline"), ("--tag", "public"), ("--from", "2024-07-03"), ("--to", "2024-06-30")],
    ids=" ".join,
)
def test_a_filtered_export_then_a_full_one_never_lowers_sequence(
    feed: Feed, selection: tuple[str, ...]
) -> None:
    feed.export()
    feed.edit('title = "Alpha"', 'title = "Alpha, moved"')
    feed.export()
    assert feed.sequence("a") == 1
    before = feed.events()[uid("a")]

    feed.export(*selection)  # a selection without "a"
    assert uid("a") not in feed.events()
    feed.export()
    after = feed.events()[uid("a")]
    assert int(after["SEQUENCE"]) == 1  # was reset to 0 before the history was kept
    assert after["LAST-MODIFIED"].dt == before["LAST-MODIFIED"].dt


def test_an_event_changed_while_out_of_the_selection_comes_back_with_a_higher_sequence(
    feed: Feed,
) -> None:
    feed.export()
    assert feed.sequence("a") == 0
    feed.export("--kind", "deadline")
    feed.edit('title = "Alpha"', 'title = "Alpha, moved"')
    feed.export("--kind", "deadline")
    feed.export()
    assert feed.sequence("a") == 1
    assert feed.sequence("b") == 0  # in every export, never changed


def test_a_filtered_feed_does_not_name_the_events_it_leaves_out(feed: Feed) -> None:
    feed.export()
    feed.export("--tag", "public")
    text = feed.out.read_bytes().decode("utf-8")
    assert uid("a") not in text and "Alpha" not in text
    [history] = [line for line in text.split("\r\n") if line.startswith("X-CICA-HISTORY:")]
    assert len(history.split(":", 1)[1].split()) == 4  # a digest of the UID, not the UID


# --- deleted events are published as cancelled --------------------------------------------------


def test_a_deleted_event_is_published_as_cancelled_with_a_higher_sequence(feed: Feed) -> None:
    feed.export()
    old = feed.events()[uid("b")]
    feed.delete("b")
    result = feed.export()
    assert "Wrote 2 events and 1 deleted one as cancelled to" in result.err
    gone = feed.events()[uid("b")]
    assert str(gone["STATUS"]) == "CANCELLED"
    assert int(gone["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert gone["LAST-MODIFIED"].dt > old["LAST-MODIFIED"].dt
    assert str(gone["SUMMARY"]) == "Beta" and gone["DTSTART"].dt == old["DTSTART"].dt
    assert not gone.walk("VALARM")  # no alarm for an event that is off
    assert {str(e["STATUS"]) for k, e in feed.events().items() if k != uid("b")} == {"CONFIRMED"}


def test_a_cancelled_event_stays_for_the_documented_days_then_only_its_history(
    feed: Feed,
) -> None:
    feed.export()
    feed.delete("b")
    feed.export(as_of="2024-06-20")
    cancelled = feed.out.read_bytes()
    deleted = dt.date(2024, 6, 20)
    feed.export(as_of=(deleted + dt.timedelta(days=CANCELLED_DAYS - 1)).isoformat())
    assert feed.out.read_bytes() == cancelled  # the same bytes: left as it was
    feed.export(as_of=(deleted + dt.timedelta(days=CANCELLED_DAYS)).isoformat())
    assert uid("b") not in feed.events()
    assert "X-CICA-HISTORY:" in feed.out.read_text(encoding="utf-8")

    # Brought back (same id): it must supersede the cancellation subscribers saw (SEQUENCE 1).
    feed.edit("[events.weekly]", '[events.b]\ntitle = "Beta"\ndate = 2024-07-05\n\n[events.weekly]')
    feed.export(as_of="2024-07-21")
    back = feed.events()[uid("b")]
    assert (str(back["STATUS"]), int(back["SEQUENCE"])) == ("CONFIRMED", 2)


def test_an_event_back_within_the_days_supersedes_its_cancellation(feed: Feed) -> None:
    feed.export()
    feed.delete("a")
    feed.export()
    assert (str(feed.events()[uid("a")]["STATUS"]), feed.sequence("a")) == ("CANCELLED", 1)
    event_a = FEED[FEED.index("[events.a]") : FEED.index("[events.b]")]
    feed.edit("[events.b]", event_a + "[events.b]")
    feed.export()
    assert (str(feed.events()[uid("a")]["STATUS"]), feed.sequence("a")) == ("CONFIRMED", 2)


def test_a_deleted_repeating_event_is_cancelled_in_utc_and_needs_no_vtimezone(
    feed: Feed,
) -> None:
    feed.export()
    assert b"BEGIN:VTIMEZONE" in feed.out.read_bytes()
    feed.delete("weekly")
    feed.export()
    data = feed.out.read_bytes()
    assert b"TZID" not in data  # its zone's VTIMEZONE went with it
    gone = feed.events()[uid("weekly")]
    assert str(gone["STATUS"]) == "CANCELLED"
    assert gone["DTSTART"].dt.isoformat() == "2024-07-02T07:30:00+00:00"  # 09:30 in Berlin
    assert gone["RRULE"]["COUNT"] == [8]  # the whole series is cancelled


def test_a_deleted_repeating_event_keeps_its_skipped_days_in_utc(feed: Feed) -> None:
    feed.edit(
        'repeat = "FREQ=WEEKLY;COUNT=8"', 'repeat = "FREQ=WEEKLY;COUNT=8"\nexcept = [2024-07-16]'
    )
    feed.export()
    assert "EXDATE;TZID=Europe/Berlin:20240716T093000" in feed.out.read_text(encoding="utf-8")
    feed.delete("weekly")
    feed.export()
    assert b"TZID" not in feed.out.read_bytes()  # no TZID left without its VTIMEZONE
    gone = feed.events()[uid("weekly")]
    assert [d.dt.isoformat() for d in gone["EXDATE"].dts] == ["2024-07-16T07:30:00+00:00"]


# --- unchanged exports leave the file alone ------------------------------------------------------


def test_an_unchanged_export_keeps_the_file_and_its_mtime(feed: Feed) -> None:
    feed.export()
    os.utime(feed.out, (1_600_000_000, 1_600_000_000))
    inode = feed.out.stat().st_ino
    result = feed.export()
    assert f"{feed.out} is up to date (3 events); left untouched" in result.err
    assert feed.out.stat().st_mtime == 1_600_000_000 and feed.out.stat().st_ino == inode

    feed.edit('title = "Beta"', 'title = "Beta, later"')
    assert "Wrote 3 events to" in feed.export().err
    assert feed.out.stat().st_mtime > 1_600_000_000


def test_events_that_cica_did_not_write_are_not_cancelled(feed: Feed) -> None:
    feed.out.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//Tool//EN\r\nBEGIN:VEVENT\r\n"
        b"UID:party@other.example\r\nDTSTAMP:20240101T000000Z\r\nSEQUENCE:3\r\n"
        b"LAST-MODIFIED:20240101T000000Z\r\nDTSTART;VALUE=DATE:20240801\r\nSUMMARY:Party\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert "Wrote 3 events to" in feed.export().err
    assert set(feed.events()) == {uid("a"), uid("b"), uid("weekly")}
    assert b"X-CICA-HISTORY" not in feed.out.read_bytes()


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_target_that_is_not_a_regular_file_is_never_read(
    cica: Cica, tmp_path: Path, target: str
) -> None:
    """The previous export is read only from a regular file: /dev/zero would be read without
    end (gigabytes in seconds), a FIFO would block on open. Run in a child with a timeout."""
    import subprocess
    import sys
    import threading

    calendar = tmp_path / "feed.toml"
    calendar.write_text(FEED, encoding="utf-8")
    out = Path(target)
    got: list[bytes] = []
    if target == "fifo":
        out = tmp_path / "feed.ics"
        os.mkfifo(out)

        def drain() -> None:  # the export's reader, as a web server's pipe would be
            with out.open("rb") as pipe:
                got.append(pipe.read())

        threading.Thread(target=drain, daemon=True).start()
    done = subprocess.run(
        [sys.executable, "-m", "cica_cli", "export", "-c", str(calendar), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1719000000"},
    )
    assert done.returncode == 0, done.stderr
    assert f"Wrote 3 events to {out}" in done.stderr
    if target == "fifo":
        deadline = time.monotonic() + 10
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
        assert got and got[0].startswith(b"BEGIN:VCALENDAR\r\n")
