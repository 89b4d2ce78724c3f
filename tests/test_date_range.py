"""Dates outside what cica handles are mistakes with a message, never an internal error (issue 11,
section 2): exit 65 for the calendar, 2 for a flag, and ``validate`` finds whatever a later
command would fail on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cica_cli.core.dates import FIRST_DAY, LAST_DAY, add_working_days, is_working_day

from .conftest import Result

RANGE = f"cica handles dates from {FIRST_DAY} to {LAST_DAY}"
#: A repeating event that long overlaps itself by the hundred (once 340 000 rows: a hang).
LONG = "a repeating event lasts at most a year (366 days from start to end)"
HEAD = (
    '[calendar]\ntimezone = "Asia/Almaty"\n{calendar}\n[events.a]\ntitle = "A"\ndate = 2024-06-27\n'
)


@pytest.mark.parametrize(
    ("calendar", "event", "message"),
    [
        ("", 'date = "a + 100000 years"', "offset '100000 years' is too long: " + RANGE),
        ("", f'date = "a + {"1" * 26} days"', f"offset '{'1' * 26} days' is too long"),
        ("", 'date = "a + P100000Y"', "offset 'P100000Y' is too long"),
        ("", 'start = 9999-12-31\nduration = "1 day"', "b.start: 9999-12-31 is out of range"),
        ("", 'start = 9899-12-31\nduration = "200 years"', "9899-12-31 + 200 years falls outside"),
        ("", 'start = 9899-12-31\nduration = "2 days"', "b.duration: 9900-01-01 is out of range"),
        ("", 'date = "a - 3000 years"', "2024-06-27 - 3000 years falls outside years 1-9999"),
        ("", 'date = "a - 700000 working days"', "at most 10000 working days"),
        ("", "date = 9999-12-31", f"9999-12-31 is out of range: {RANGE}"),
        ("", "date = 0001-01-01T00:00:00", "is out of range"),
        ("", 'start = 2024-01-01\nend = "a + 9000 years"', "b.end: 2024-06-27 + 9000 years falls"),
        ("", 'start = 0366-05-14\nend = "1292-04-23"\nrepeat = "FREQ=DAILY"', "b.end: " + LONG),
        ("", 'start = 2024-01-01\nduration = "2y"\nrepeat = "FREQ=YEARLY"', "b.duration: " + LONG),
        ('remind = ["100000 years"]', "date = 2024-07-01", "offset '100000 years' is too long"),
        ('remind = ["100 years"]', "date = 2024-07-01", "lead time '100 years' is too long"),
        ("", 'date = 2024-07-01\nremind = ["1200 months"]', "lead time '1200 months' is too long"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", ["validate", "upcoming", "export"])
def test_a_date_out_of_range_in_the_calendar_exits_65(
    cica: Callable[..., Result],
    write_calendar: Callable[[str], Path],
    calendar: str,
    event: str,
    message: str,
    command: str,
) -> None:
    path = write_calendar(HEAD.format(calendar=calendar) + f'[events.b]\ntitle = "B"\n{event}\n')
    args = ("export", "-o", "-") if command == "export" else (command,)
    result = cica(*args, "-c", str(path))
    assert result.code == 65, result.err
    assert "internal error" not in result.err
    assert message in result.err
    assert result.out == ""


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("upcoming", "--as-of", "0001-01-01"), 2, f"--as-of: 0001-01-01 is out of range: {RANGE}"),
        (("next", "--as-of", "9999-12-31T23:59"), 2, "--as-of: 9999-12-31T23:59 is out of range"),
        (("next", "--as-of", "0001-01-01T00:00+14:00"), 2, "is out of range"),
        (("upcoming", "--within", "10000y"), 2, "--within: offset '10000y' is too long"),
        (("upcoming", "--as-of", "9000-01-01", "--within", "1000y"), 2, "--within 1000y: 9000-"),
        (("export", "-o", "-", "--from", "0001-01-01"), 2, "--from: 0001-01-01 is out of range"),
        (("export", "-o", "-", "--to", "9000y"), 2, "--to 9000y: "),
        (("export", "-o", "-", "--alarm", "100000y"), 2, "--alarm: offset '100000y' is too long"),
        (("export", "-o", "-", "--alarm", "200y"), 2, "--alarm: lead time '200y' is too long"),
        (("timeline", "--to", "9999-12-31"), 2, "--to: 9999-12-31 is out of range"),
        (("show", "a", "--as-of", "0001-01-01"), 2, "--as-of: 0001-01-01 is out of range"),
        (
            ("remind", "--dry-run", "--to", "a@example.org", "--from", "c@example.org",
             "--lead", "200y"),
            78,
            "--lead: lead time '200y' is too long: at most 99 years",
        ),
    ],
)  # fmt: skip
def test_a_flag_out_of_range_is_a_usage_error(
    cica: Callable[..., Result],
    write_calendar: Callable[[str], Path],
    args: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    path = write_calendar(HEAD.format(calendar=""))
    result = cica(*args, "-c", str(path))
    assert result.code == code, result.err
    assert message in result.err
    assert "internal error" not in result.err


def test_the_edges_of_the_range_work_in_every_view(
    cica: Callable[..., Result], write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(
        HEAD.format(calendar="")
        + f"[events.first]\ntitle = 'First'\ndate = {FIRST_DAY}\n"
        + f"[events.last]\ntitle = 'Last'\nkind = 'deadline'\nstart = {LAST_DAY}\n"
        + f"end = {LAST_DAY}\n"
        + "[events.t]\ntitle = 'T'\ndate = 9899-12-31T23:30:00\nrepeat = 'FREQ=DAILY'\n"
        + "[events.y]\ntitle = 'Y'\ndate = 0100-01-01T00:10:00\nrepeat = 'FREQ=YEARLY'\n"
    )
    for as_of in (str(FIRST_DAY), str(LAST_DAY), f"{LAST_DAY}T23:59"):
        for args in (
            ("upcoming", "--all"),
            ("upcoming", "--json"),
            ("next",),
            ("show", "last"),
            ("show", "y"),
            ("timeline",),
            ("export", "-o", "-"),
            ("remind", "--dry-run", "--to", "a@example.org", "--from", "c@example.org"),
        ):
            result = cica(*args, "-c", str(path), "--as-of", as_of)
            assert result.code == 0, (args, as_of, result.err)
    assert cica("validate", "-c", str(path)).code == 0


def test_working_days_are_counted_quickly_and_exactly(
    cica: Callable[..., Result], write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(
        HEAD.format(calendar="")
        + "".join(
            f'[events.w{i}]\ntitle = "W"\ndate = "a + {10_000 - i} working days"\n'
            for i in range(2000)
        )
        + '[events.x]\ntitle = "X"\ndate = "a + 10001 working days"\n'
    )
    result = cica("validate", "-c", str(path))
    assert result.code == 65
    assert result.err.endswith(
        "events.x.date: offset '10001 working days': at most 10000 working days; count longer "
        "spans in weeks, months or years\n"
    )
    path.write_text(path.read_text().replace("10001 working days", "1 day"))
    result = cica("show", "w0", "-c", str(path), "--json")
    assert result.code == 0, result.err
    assert '"start": "2062-10-26"' in result.out  # 2 000 weeks from a Thursday


@given(
    st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    st.integers(-400, 400),
    st.frozensets(st.dates(dt.date(1999, 1, 1), dt.date(2102, 1, 1)), max_size=40),
)
def test_working_days_jump_as_the_day_by_day_count(
    day: dt.date, n: int, holidays: frozenset[dt.date]
) -> None:
    expected, remaining = day, abs(n)
    while remaining:
        expected += dt.timedelta(days=1 if n > 0 else -1)
        remaining -= is_working_day(expected, holidays)
    assert add_working_days(day, n, holidays) == expected
