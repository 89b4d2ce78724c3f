"""Issue 10, sections 1, 4 and 5: elapsed hours, whole-day spans, clock times in gaps and folds.

Each test here failed on the code before the issue: hours were added on the wall clock, a
whole-day span of N days ran N + 1 days, and a typed time in a gap was shown as typed by the
terminal but moved by the export.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cica_cli.core.dates import apply_offset, parse_offset
from cica_cli.core.loader import loads
from cica_cli.core.zones import get_zone, localize

from .conftest import Result

Cica = Callable[..., Result]
BERLIN = get_zone("Europe/Berlin")
ALMATY = get_zone("Asia/Almaty")
UTC = dt.UTC


# --- 1. hours and minutes are elapsed time ----------------------------------------------------


@pytest.mark.parametrize("text", ["PT24H", "24 hours", "24h", "1440 minutes", "PT1440M"])
def test_24_hours_across_the_spring_change_are_24_real_hours(text: str) -> None:
    start = dt.datetime(2024, 3, 30, 12, 0, tzinfo=BERLIN)
    moved = apply_offset(start, parse_offset(text))
    assert moved.isoformat() == "2024-03-31T13:00:00+02:00"
    assert moved - start != moved.astimezone(UTC) - start.astimezone(UTC)  # (wall vs real)
    assert moved.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(hours=24)


def test_48_hours_in_astana_across_kazakhstans_change_of_zone() -> None:
    # Kazakhstan set its clocks back an hour on 1 March 2024 (UTC+6 -> UTC+5).
    start = dt.datetime(2024, 2, 28, 10, 0, tzinfo=ALMATY)
    assert apply_offset(start, parse_offset("PT48H")).isoformat() == "2024-03-01T09:00:00+05:00"
    assert apply_offset(start, parse_offset("2 days")).isoformat() == "2024-03-01T10:00:00+05:00"


def test_days_weeks_months_stay_on_the_wall_clock() -> None:
    start = dt.datetime(2024, 3, 30, 12, 0, tzinfo=BERLIN)
    assert apply_offset(start, parse_offset("1 day")).isoformat() == "2024-03-31T12:00:00+02:00"
    assert apply_offset(start, parse_offset("P1W")).isoformat() == "2024-04-06T12:00:00+02:00"
    assert apply_offset(start, parse_offset("1 month")).isoformat() == "2024-04-30T12:00:00+02:00"
    # calendar part first, then the elapsed part
    assert apply_offset(start, parse_offset("P1DT1H")).isoformat() == "2024-03-31T13:00:00+02:00"
    back = apply_offset(
        dt.datetime(2024, 3, 31, 13, 0, tzinfo=BERLIN), parse_offset("PT24H").negated()
    )
    assert back.isoformat() == "2024-03-30T12:00:00+01:00"


def test_hours_in_the_calendar_file(cica: Cica, write_calendar: Callable[[str], Path]) -> None:
    path = write_calendar(
        '[calendar]\ntimezone = "Europe/Berlin"\n'
        '[events.a]\ntitle = "A"\ndate = 2024-03-30T12:00:00\n'
        '[events.b]\ntitle = "B"\ndate = "a + PT24H"\n'
        '[events.c]\ntitle = "C"\nstart = 2024-03-30T12:00:00\nduration = "24 hours"\n'
        '[events.d]\ntitle = "D"\ndate = "a + 1 day"\n'
    )
    result = cica("upcoming", "-c", str(path), "--as-of", "2024-03-29", "--json")
    assert result.code == 0, result.err
    items = {i["id"]: i for i in json.loads(result.out)["items"]}
    assert items["b"]["start"] == "2024-03-31T13:00:00+02:00"
    assert items["c"]["end"] == "2024-03-31T13:00:00+02:00"
    assert items["d"]["start"] == "2024-03-31T12:00:00+02:00"


# --- 4. whole-day spans of N days are N days ------------------------------------------------------

_CONF = """\
[calendar]
timezone = "Asia/Almaty"

[events.conf]
title = "Conference"
kind = "conference"
start = 2024-08-28
duration = "{duration}"
"""


@pytest.mark.parametrize(
    ("duration", "last"),
    [
        ("3 days", dt.date(2024, 8, 30)),
        ("P3D", dt.date(2024, 8, 30)),
        ("1 day", dt.date(2024, 8, 28)),
        ("2 weeks", dt.date(2024, 9, 10)),
        ("1 month", dt.date(2024, 9, 27)),
        ("3 working days", dt.date(2024, 8, 30)),  # Wed, Thu, Fri
        ("4 working days", dt.date(2024, 9, 2)),  # ... and Monday
    ],
)
def test_a_whole_day_span_of_n_days_covers_n_days(duration: str, last: dt.date) -> None:
    conf = loads(_CONF.format(duration=duration).encode(), "c.toml").schedule.events["conf"]
    assert (conf.start, conf.end) == (dt.date(2024, 8, 28), last)


def test_three_days_everywhere(cica: Cica, write_calendar: Callable[[str], Path]) -> None:
    path = write_calendar(_CONF.format(duration="3 days"))
    doc = json.loads(cica("upcoming", "-c", str(path), "--as-of", "2024-08-29", "--json").out)
    [item] = doc["items"]
    assert (item["start"], item["end"], item["countdown"]) == (
        "2024-08-28",
        "2024-08-30",
        "day 2 of 3, ends tomorrow",
    )
    shown = cica("show", "conf", "-c", str(path), "--as-of", "2024-08-29")
    assert "Fri 30 Aug 2024 (last day; 3 days in all)" in shown.out
    ics = cica("export", "-c", str(path), "-o", "-").out
    assert "DTSTART;VALUE=DATE:20240828" in ics
    assert "DTEND;VALUE=DATE:20240831" in ics  # exclusive: the same as DURATION:P3D


@pytest.mark.parametrize("duration", ["0 days", "P0D", "0 working days"])
def test_a_whole_day_span_lasts_at_least_a_day(
    duration: str, cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(_CONF.format(duration=duration))
    result = cica("validate", "-c", str(path))
    assert result.code == 65
    assert result.err.startswith(f"{path}:8: events.conf.duration: '{duration}': a ")
    assert "span lasts at least a day" in result.err


def test_a_timed_span_ends_at_start_plus_duration() -> None:
    text = (
        '[calendar]\ntimezone = "UTC"\n'
        '[events.t]\ntitle = "T"\nstart = 2024-08-28T09:00:00\nduration = "3 days"\n'
    )
    t = loads(text.encode(), "c.toml").schedule.events["t"]
    assert t.end == dt.datetime(2024, 8, 31, 9, 0, tzinfo=get_zone("UTC"))


# --- 5. clock times that do not exist, or exist twice --------------------------------------------


def test_a_typed_time_in_a_gap_is_an_error_naming_the_gap(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(
        '[calendar]\ntimezone = "Europe/Berlin"\n'
        '[events.gap]\ntitle = "Gap"\ndate = 2024-03-31T02:30:00\n'
        '[events.span]\ntitle = "Span"\nstart = 2024-03-30T10:00:00\nend = "2024-03-31T02:00"\n'
    )
    for command in (["validate"], ["upcoming"], ["next"], ["export", "-o", "-"]):
        result = cica(*command, "-c", str(path))
        assert result.code == 65, command
        assert result.out == ""
        assert result.err.splitlines() == [
            f"{path}:5: events.gap.date: 2024-03-31T02:30 does not exist in Europe/Berlin: the "
            "clocks jump from 02:00 to 03:00 on 2024-03-31 (UTC+01:00 to UTC+02:00); write a "
            "time before 02:00 or from 03:00",
            f"{path}:9: events.span.end: 2024-03-31T02:00 does not exist in Europe/Berlin: the "
            "clocks jump from 02:00 to 03:00 on 2024-03-31 (UTC+01:00 to UTC+02:00); write a "
            "time before 02:00 or from 03:00",
        ], command


def test_a_gap_of_a_whole_day_is_named_with_its_dates() -> None:
    # Samoa skipped 30 December 2011.
    text = '[events.x]\ntitle = "X"\ndate = 2011-12-30T10:00:00\ntimezone = "Pacific/Apia"\n'
    with pytest.raises(Exception) as err:
        loads(text.encode(), "c.toml")
    assert "the clocks jump from 2011-12-30 00:00 to 2011-12-31 00:00" in str(err.value)


def test_an_ambiguous_time_is_its_first_occurrence(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(
        '[calendar]\ntimezone = "Europe/Berlin"\n'
        '[events.fold]\ntitle = "Fold"\ndate = 2024-10-27T02:30:00\n'
    )
    doc = json.loads(cica("upcoming", "-c", str(path), "--as-of", "2024-10-26", "--json").out)
    assert doc["items"][0]["start"] == "2024-10-27T02:30:00+02:00"  # summer time: the first
    ics = cica("export", "-c", str(path), "-o", "-").out
    from icalendar import Calendar

    [event] = Calendar.from_ical(ics).walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start.astimezone(UTC) == dt.datetime(2024, 10, 27, 0, 30, tzinfo=UTC)


_DAILY = """\
[calendar]
name = "Gaps"
timezone = "Europe/Berlin"
remind = ["1 day"]

[events.early]
title = "Early call"
start = 2024-03-29T02:30:00
duration = "30 min"
repeat = "FREQ=DAILY;COUNT=4"
"""


def test_a_repeat_in_the_gap_takes_the_offset_before_it_everywhere(
    cica: Cica, write_calendar: Callable[[str], Path], tmp_path: Path
) -> None:
    # RFC 5545 3.3.5: a local time in a gap is read with the offset before the gap: 02:30+01:00,
    # that is 03:30 summer time, and the occurrence lasts its 30 minutes from there.
    path = write_calendar(_DAILY)
    args = ("-c", str(path), "--as-of", "2024-03-31")
    doc = json.loads(cica("upcoming", *args, "--json").out)
    assert [(i["start"], i["end"]) for i in doc["items"]] == [
        ("2024-03-31T03:30:00+02:00", "2024-03-31T04:00:00+02:00")
    ]
    within = json.loads(cica("upcoming", *args, "--within", "2d", "--json").out)
    assert [i["start"] for i in within["items"]] == [
        "2024-03-31T03:30:00+02:00",
        "2024-04-01T02:30:00+02:00",
    ]
    table = cica("upcoming", *args).out
    assert "03:30" in table and "02:30" not in table
    nxt = cica("next", *args).out
    assert "03:30" in nxt
    # The export keeps the rule; a real expander gives the same instants.
    import recurring_ical_events
    from icalendar import Calendar

    ics = cica("export", "-c", str(path), "-o", "-").out
    expanded = recurring_ical_events.of(Calendar.from_ical(ics)).between(
        dt.date(2024, 3, 29), dt.date(2024, 4, 2)
    )
    starts = sorted(e.decoded("DTSTART").astimezone(UTC) for e in expanded)
    ours = sorted(
        (s.astimezone(UTC), e.astimezone(UTC))
        for s, e in loads(_DAILY.encode(), "c.toml")
        .schedule.events["early"]
        .occurrences(dt.date(2024, 3, 29), dt.date(2024, 4, 1))
    )
    assert starts == [s for s, _ in ours]
    # DTEND - DTSTART is the "exact duration" every occurrence keeps (RFC 5545 3.8.5.3).
    [master] = Calendar.from_ical(ics).walk("VEVENT")
    assert master.decoded("DTEND") - master.decoded("DTSTART") == dt.timedelta(minutes=30)
    assert all(e - s == dt.timedelta(minutes=30) for s, e in ours)
    assert ours[2] == (
        dt.datetime(2024, 3, 31, 1, 30, tzinfo=UTC),
        dt.datetime(2024, 3, 31, 2, 0, tzinfo=UTC),
    )
    # The reminder mail names the same time.
    mail = cica(
        "remind", "-c", str(path), "--as-of", "2024-03-30", "--dry-run",
        "--to", "desk@example.org", "--from", "cica@example.org",
        "--state", str(tmp_path / "state.sqlite3"),
    )  # fmt: skip
    assert mail.code == 0, mail.err
    text = mail.out.split("Content-Type: text/html")[0]
    assert "Sun 31 Mar 2024 03:30 (Europe/Berlin) - Sun 31 Mar 2024 04:00" in text
    assert "Sun 31 Mar 2024 02:30" not in mail.out


def test_localize_reads_gaps_forward_and_folds_first() -> None:
    gap = localize(dt.datetime(2024, 3, 31, 2, 30), BERLIN)
    assert gap.isoformat() == "2024-03-31T03:30:00+02:00"
    fold = localize(dt.datetime(2024, 10, 27, 2, 30), BERLIN)
    assert fold.isoformat() == "2024-10-27T02:30:00+02:00"
    plain = localize(dt.datetime(2024, 6, 27, 10, 0), ALMATY)
    assert plain.isoformat() == "2024-06-27T10:00:00+05:00"


def test_a_computed_time_that_lands_in_a_gap_moves_forward() -> None:
    text = (
        '[calendar]\ntimezone = "Europe/Berlin"\n'
        '[events.a]\ntitle = "A"\ndate = 2024-03-30T02:30:00\n'
        '[events.b]\ntitle = "B"\ndate = "a + 1 day"\n'
    )
    b = loads(text.encode(), "c.toml").schedule.events["b"]
    assert b.start.isoformat() == "2024-03-31T03:30:00+02:00"
    assert b.start.replace(tzinfo=None) == dt.datetime(2024, 3, 31, 3, 30)  # wall and offset agree


def test_an_as_of_time_in_a_gap_is_a_usage_error_naming_it(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(_DAILY)
    result = cica("upcoming", "-c", str(path), "--as-of", "2024-03-31T02:30")
    assert result.code == 2
    assert result.out == ""
    assert result.err == (
        "cica: --as-of: 2024-03-31T02:30 does not exist in Europe/Berlin: the clocks jump from "
        "02:00 to 03:00 on 2024-03-31 (UTC+01:00 to UTC+02:00); write a time before 02:00 or "
        "from 03:00\n"
    )
    # A day is its first moment, even where midnight is in the gap (Chile, 8 September 2024).
    doc = json.loads(
        cica("upcoming", "-c", str(path), "--as-of", "2024-09-08", "--tz",
             "America/Santiago", "--json").out
    )  # fmt: skip
    assert doc["as_of"] == "2024-09-08T01:00:00-03:00"
