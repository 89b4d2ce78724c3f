"""Working days by country (issue 10, section 7): the data, the calendar's own decrees, the file."""

from __future__ import annotations

import datetime as dt

import pytest

from cica_cli.core.dates import apply_offset, parse_offset
from cica_cli.core.loader import loads
from cica_cli.core.workdays import (
    PLAIN,
    DayNote,
    UnknownCountryError,
    WorkCalendar,
    check_country,
    describe,
    work_calendar,
)
from cica_cli.errors import CalendarDataError

NOV_11 = dt.date(2024, 11, 11)


@pytest.mark.parametrize(
    ("country", "expected"),
    [(None, dt.date(2024, 10, 28)), ("KZ", dt.date(2024, 10, 28)), ("AZ", dt.date(2024, 10, 25))],
)
def test_ten_working_days_before_11_november(country: str | None, expected: dt.date) -> None:
    assert work_calendar(country).add(NOV_11, -10) == expected


def test_azerbaijan_skips_victory_day_and_says_so() -> None:
    az = work_calendar("AZ")
    assert not az.is_working_day(dt.date(2024, 11, 8))
    assert az.why_off(dt.date(2024, 11, 8)) == "Victory Day (AZ)"
    notes = az.notes(NOV_11, -10)
    assert notes == [DayNote(dt.date(2024, 11, 8), False, "Victory Day (AZ)")]
    assert describe(notes) == "skipped Fri 8 Nov 2024, Victory Day (AZ)"
    assert work_calendar("KZ").notes(NOV_11, -10) == []


def test_kazakhstan_worked_saturday_4_may_2024() -> None:
    kz = work_calendar("KZ")
    assert kz.is_working_day(dt.date(2024, 5, 4))
    assert not PLAIN.is_working_day(dt.date(2024, 5, 4))
    assert not kz.is_working_day(dt.date(2024, 5, 8))  # the day off it was worked for
    # Friday 3 May + 1 working day: Saturday in Kazakhstan, Monday elsewhere.
    assert kz.add(dt.date(2024, 5, 3), 1) == dt.date(2024, 5, 4)
    assert PLAIN.add(dt.date(2024, 5, 3), 1) == dt.date(2024, 5, 6)
    assert describe(kz.notes(dt.date(2024, 5, 3), 1)) == "counted Sat 4 May 2024, working day (KZ)"


def test_the_calendars_own_days_off_and_on_win_over_the_data() -> None:
    kz = WorkCalendar("KZ", holidays={dt.date(2024, 11, 4)}, workdays={dt.date(2024, 11, 9)})
    assert not kz.is_working_day(dt.date(2024, 11, 4))
    assert kz.is_working_day(dt.date(2024, 11, 9))
    assert kz.why_off(dt.date(2024, 11, 4)) == "holiday (calendar)"
    assert describe(kz.notes(dt.date(2024, 11, 8), 1)) == (
        "counted Sat 9 Nov 2024, working day (calendar)"
    )
    # A day in both lists is a working day (a decree that moves a holiday back).
    both = WorkCalendar(None, holidays={dt.date(2024, 7, 8)}, workdays={dt.date(2024, 7, 8)})
    assert both.is_working_day(dt.date(2024, 7, 8))


def test_weekends_follow_the_country() -> None:
    # Saudi Arabia rests on Friday and Saturday.
    sa = work_calendar("SA")
    assert not sa.is_working_day(dt.date(2024, 11, 8))  # Friday
    assert sa.is_working_day(dt.date(2024, 11, 10))  # Sunday
    assert sa.why_off(dt.date(2024, 11, 9)) == "Saturday"


def test_subdivisions_are_written_country_dash_code() -> None:
    ny, us = work_calendar("US-NY"), work_calendar("US")
    lincoln = dt.date(2024, 2, 12)  # a state holiday in New York, not a federal one
    assert not ny.is_working_day(lincoln)
    assert us.is_working_day(lincoln)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XX", "country 'XX': the holiday data (0."),
        ("kz", "country 'kz': write an ISO 3166 code such as 'KZ', 'AZ' or 'US-NY'"),
        ("Kazakhstan", "write an ISO 3166 code"),
        ("US-ZZ", "country 'US-ZZ': the data has no subdivision 'ZZ' (known: US-AK, "),
    ],
)
def test_unknown_countries_are_named(code: str, message: str) -> None:
    with pytest.raises(UnknownCountryError) as err:
        check_country(code)
    assert message in str(err.value)


def test_apply_offset_takes_a_work_calendar_or_plain_holidays() -> None:
    off = parse_offset("10 working days").negated()
    assert apply_offset(NOV_11, off, work_calendar("AZ")) == dt.date(2024, 10, 25)
    assert apply_offset(NOV_11, off) == dt.date(2024, 10, 28)
    assert apply_offset(NOV_11, off, {dt.date(2024, 11, 8)}) == dt.date(2024, 10, 25)


_CAL = """
[calendar]
timezone = "Asia/Almaty"
{calendar}

[events.baku]
title = "Ministerial Council"
date = 2024-11-11
timezone = "Asia/Baku"
{baku}

[events.paper]
title = "Briefing paper"
kind = "deadline"
date = "baku - 10 working days"
{paper}
"""


@pytest.mark.parametrize(
    ("calendar", "baku", "paper", "expected", "country"),
    [
        ("", "", "", dt.date(2024, 10, 28), None),
        ('country = "KZ"', "", "", dt.date(2024, 10, 28), "KZ"),
        # the paper's own country counts, not that of the meeting it is computed from
        ('country = "KZ"', 'country = "AZ"', "", dt.date(2024, 10, 28), "KZ"),
        ('country = "KZ"', "", 'country = "AZ"', dt.date(2024, 10, 25), "AZ"),
        ('country = "AZ"', "", 'country = "KZ"', dt.date(2024, 10, 28), "KZ"),
        # 25 October is Republic Day in Kazakhstan: one more day back.
        ('country = "KZ"\nholidays = [2024-11-04]', "", "", dt.date(2024, 10, 24), "KZ"),
        ("holidays = [2024-11-04]\nworkdays = [2024-11-02]", "", "", dt.date(2024, 10, 28), None),
    ],
)
def test_an_offset_counts_the_working_days_of_its_events_country(
    calendar: str, baku: str, paper: str, expected: dt.date, country: str | None
) -> None:
    text = _CAL.format(calendar=calendar, baku=baku, paper=paper)
    paper_event = loads(text.encode(), "c.toml").schedule.events["paper"]
    assert paper_event.start == expected
    assert paper_event.country == country


def test_a_bad_country_is_reported_at_its_line() -> None:
    text = _CAL.format(calendar='country = "XK-"', baku='country = "Azerbaijan"', paper="")
    with pytest.raises(CalendarDataError) as err:
        loads(text.encode(), "c.toml")
    lines = [str(p) for p in err.value.problems]
    assert lines[0].startswith("c.toml:4: calendar.country: country 'XK-':")
    assert lines[1].startswith("c.toml:10: events.baku.country: country 'Azerbaijan': write")


def test_workdays_are_whole_days() -> None:
    text = _CAL.format(calendar="workdays = [2024-05-04T09:00:00]", baku="", paper="")
    with pytest.raises(CalendarDataError) as err:
        loads(text.encode(), "c.toml")
    assert "calendar.workdays: workdays are whole days: write 2024-05-04" in str(err.value)
