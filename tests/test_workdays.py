"""Working days by country (issue 10, section 7): the data, the calendar's own decrees, the file."""

from __future__ import annotations

import datetime as dt
import json
import marshal
from collections.abc import Callable
from pathlib import Path

import pytest

from cica_cli.core import country_days
from cica_cli.core.dates import apply_offset, parse_offset
from cica_cli.core.loader import loads
from cica_cli.core.workdays import (
    PLAIN,
    DayNote,
    UnknownCountryError,
    WorkCalendar,
    check_country,
    describe,
    keep_data_in,
    work_calendar,
)
from cica_cli.errors import CalendarDataError

from .conftest import SHIPPED, Result

Cica = Callable[..., Result]

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


# --- the commands ----------------------------------------------------------------------------

_BAKU_CAL = """\
[calendar]
timezone = "Asia/Almaty"
country = "KZ"

[events.baku]
title = "Ministerial Council"
date = 2024-11-12
timezone = "Asia/Baku"
country = "AZ"

[events.paper]
title = "Briefing paper"
kind = "deadline"
date = "baku - 10 working days"
country = "AZ"

[events.kz-paper]
title = "Briefing paper (Astana)"
kind = "deadline"
date = "baku - 10 working days"

[events.silence]
title = "Silence procedure"
kind = "procedure"
start = 2024-05-01
end = 2024-05-09
"""


def test_show_says_which_days_an_offset_skipped_and_why(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(_BAKU_CAL.replace("2024-11-12", "2024-11-11"))
    shown = cica("show", "paper", "-c", str(path), "--as-of", "2024-10-01")
    assert shown.code == 0, shown.err
    assert "baku - 10 working days  ->  2024-10-25" in shown.out
    assert "date working days  AZ: skipped Fri 8 Nov 2024, Victory Day (AZ)" in shown.out
    doc = json.loads(cica("show", "paper", "-c", str(path), "--json").out)
    assert doc["country"] == "AZ"
    assert doc["working_days"] == [
        {
            "field": "date",
            "country": "AZ",
            "skipped": [{"date": "2024-11-08", "why": "Victory Day (AZ)"}],
            "counted": [],
        }
    ]
    kz = cica("show", "kz-paper", "-c", str(path), "--as-of", "2024-10-01")
    assert "date working days  KZ: no holiday in between" in kz.out
    assert "2024-10-28" in kz.out


def test_validate_warns_about_days_off_and_strict_makes_them_fatal(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(_BAKU_CAL.replace("2024-11-12", "2024-11-09"))
    result = cica("validate", "-c", str(path))
    assert result.code == 0
    assert result.out == f"OK: 4 events (2 computed) in {path}; 1 warning\n"
    assert result.err == (
        f"{path}:7: events.baku.date: warning: falls on a day off: Sat 9 Nov 2024, "
        "National Flag Day (AZ)\n"
    )
    strict = cica("validate", "--strict", "-c", str(path))
    assert strict.code == 65
    assert strict.out == ""
    assert result.err.strip() in strict.err
    # The procedure over 1-9 May is not checked (procedures run over holidays);
    # 12 and 13 November were days off in Azerbaijan too (moved for COP29); Thursday 14th not.
    busy = write_calendar(_BAKU_CAL.replace("2024-11-12", "2024-11-14"))
    clean = cica("validate", "--strict", "-c", str(busy))
    assert (clean.code, clean.err) == (0, "")
    assert clean.out == f"OK: 4 events (2 computed) in {busy}\n"


def test_validate_checks_every_day_of_a_conference_and_the_calendars_holidays(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(
        '[calendar]\ntimezone = "Asia/Almaty"\nholidays = [2024-08-29]\n'
        '[events.conf]\ntitle = "Conference"\nkind = "conference"\n'
        'start = 2024-08-28\nduration = "4 days"\n'
        '[events.call]\ntitle = "Call"\ndate = 2024-07-01T10:00:00\n'
        'repeat = "FREQ=DAILY;COUNT=7"\n'
    )
    result = cica("validate", "-c", str(path))
    assert result.code == 0
    assert result.err.splitlines() == [
        f"{path}:7: events.conf.start: warning: falls on a day off: Thu 29 Aug 2024, "
        "holiday (calendar); Sat 31 Aug 2024, Saturday",
        f"{path}:11: events.call.date: warning: falls on a day off: Sat 6 Jul 2024, Saturday; "
        "Sun 7 Jul 2024, Sunday",
    ]


def test_validate_on_the_shipped_calendar_finds_what_its_comment_says(cica: Cica) -> None:
    result = cica("validate", "-c", str(SHIPPED))
    assert result.code == 0
    flagged = [line.split(": ")[1] for line in result.err.splitlines()]
    assert flagged == [
        "events.baku-ministerial-2024.date",
        "events.cbm-modalities-consensus.date",
        "events.baku-outcome-documents.date",
    ]
    assert all("Mon 11 Nov 2024, National Flag Day (observed) (AZ)" in line for line in
               result.err.splitlines())  # fmt: skip
    text = SHIPPED.read_text(encoding="utf-8")
    assert "11 November\n# 2024 was a public holiday in Azerbaijan (National Flag Day" in text
    assert 'country = "KZ"' in text and text.count('country = "AZ"') == 3


def test_within_working_days_counts_the_calendars_country(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    text = _BAKU_CAL.replace('country = "KZ"', 'country = "AZ"', 1)
    path = write_calendar(text)
    # From Mon 4 Nov, 4 working days in Azerbaijan end on Thu 14 Nov (Victory Day on the 8th,
    # days off 11-13 November): the Ministerial of the 12th is inside; with Monday-to-Friday
    # counting they end on Fri 8 Nov, and it is not.
    args = ("upcoming", "-c", str(path), "--as-of", "2024-11-04", "--json", "--within", "4wd")
    azerbaijan = {i["id"] for i in json.loads(cica(*args).out)["items"]}
    plain = {
        i["id"]
        for i in json.loads(cica(*args[:2], str(write_calendar(_BAKU_CAL.replace(
            'country = "KZ"\n', "", 1))), *args[3:]).out)["items"]
    }  # fmt: skip
    assert "baku" in azerbaijan and "baku" not in plain


def test_a_bad_country_is_reported_even_in_an_event_with_other_problems() -> None:
    text = _CAL.format(calendar="", baku='country = "Azerbaijan"\ntitel = "typo"', paper="")
    with pytest.raises(CalendarDataError) as err:
        loads(text.encode(), "c.toml")
    lines = [str(p) for p in err.value.problems]
    assert any("events.baku.titel: unknown field" in line for line in lines)
    assert any("events.baku.country: country 'Azerbaijan': write an ISO 3166" in line
               for line in lines)  # fmt: skip


# The store of the countries' days off (so that an edited calendar resolves without the library)


@pytest.mark.parametrize("code", ["KZ", "AZ", "US-NY", "AE"])  # AE changed its weekend in 2022
def test_the_store_gives_the_librarys_answers_then_and_from_disk(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import holidays

    country, _, subdiv = code.partition("-")
    library = holidays.country_holidays(
        country, subdiv=subdiv or None, language="en_US", years=range(2018, 2029)
    )
    days = [dt.date(2019, 1, 1) + dt.timedelta(days=n) for n in range(8 * 366)]

    def answers() -> list[tuple[bool, str | None]]:
        calendar = WorkCalendar(code)  # a new one: nothing remembered in the object
        return [(calendar.is_working_day(d), calendar.holiday_name(d)) for d in days]

    expected = [
        (library.is_working_day(d), None if d not in library else f"{library[d]} ({code})")
        for d in days
    ]
    keep_data_in(tmp_path)
    try:
        assert answers() == expected  # computed from the library, and written down
        assert (tmp_path / "holidays" / "days-off.cache").is_file()
        keep_data_in(None)
        keep_data_in(tmp_path)  # forget what is in memory: read the file

        def no_library(code: str, year: int) -> object:
            raise AssertionError(f"the library was asked for {code} {year}")

        monkeypatch.setattr(country_days, "_from_library", no_library)
        assert answers() == expected
    finally:
        keep_data_in(None)


def test_a_torn_or_foreign_store_is_a_miss(tmp_path: Path) -> None:
    keep_data_in(tmp_path)
    try:
        assert WorkCalendar("AZ").holiday_name(NOV_11) == "National Flag Day (observed) (AZ)"
        store = tmp_path / "holidays" / "days-off.cache"
        key = store.read_bytes().split(b"\n", 1)[0]
        foreign = key + b"\n" + marshal.dumps({"AZ": {2024: ("x", 1)}, "KZ": {2024: None}})
        damages = (store.read_bytes()[:-7], b"another key\n" + store.read_bytes(), b"\xff", foreign)
        for damage in damages:
            store.write_bytes(damage)
            keep_data_in(None)
            keep_data_in(tmp_path)
            assert WorkCalendar("AZ").add(NOV_11, -10) == dt.date(2024, 10, 25)
            assert store.read_bytes() != damage  # written again, whole
    finally:
        keep_data_in(None)


_RESOLVE = """
import sys
from pathlib import Path
from cica_cli.core.cache import load_schedule
schedule = load_schedule(Path(sys.argv[1]), Path(sys.argv[2]))
print(schedule.events["paper"].start, "holidays" in sys.modules)
"""


def test_an_edited_calendar_resolves_without_importing_holidays(
    tmp_path: Path, write_calendar: Callable[[str], Path]
) -> None:
    import subprocess
    import sys

    text = """\
[calendar]
timezone = "Asia/Baku"
country = "AZ"

[events.ministerial]
title = "Ministerial"
date = 2024-11-11

[events.paper]
title = "Paper"
date = "ministerial - 10 working days"
"""
    path = write_calendar(text)
    cache = tmp_path / "cache"

    def resolve() -> str:
        run = [sys.executable, "-c", _RESOLVE, str(path), str(cache)]
        return subprocess.run(run, capture_output=True, text=True, check=True).stdout.strip()

    assert resolve() == "2024-10-25 True"  # the first run asks the library
    path.write_text(text.replace('"Paper"', '"Briefing paper"'), encoding="utf-8")
    assert resolve() == "2024-10-25 False"  # an edit: the store answers
