"""Offsets, working days and date expressions, with property tests of the arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cica_cli.core.dates import (
    OffsetError,
    add_working_days,
    apply_offset,
    is_working_day,
    parse_expression,
    parse_offset,
)
from cica_cli.core.zones import get_zone

NO_HOLIDAYS: frozenset[dt.date] = frozenset()
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
holiday_sets = st.frozensets(st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)), max_size=40)


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        ("2 weeks", dt.date(2024, 6, 27), dt.date(2024, 7, 11)),
        ("14 days", dt.date(2024, 6, 27), dt.date(2024, 7, 11)),
        ("P14D", dt.date(2024, 6, 27), dt.date(2024, 7, 11)),
        ("P2W", dt.date(2024, 6, 27), dt.date(2024, 7, 11)),
        ("1 month", dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
        ("1 month", dt.date(2023, 1, 31), dt.date(2023, 2, 28)),
        ("1 year", dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
        ("10 working days", dt.date(2024, 6, 27), dt.date(2024, 7, 11)),
        ("10 business days", dt.date(2024, 6, 27), dt.date(2024, 7, 11)),
        ("3m", dt.date(2024, 6, 27), dt.date(2024, 9, 27)),
        ("6w", dt.date(2024, 6, 27), dt.date(2024, 8, 8)),
        ("30d", dt.date(2024, 6, 27), dt.date(2024, 7, 27)),
    ],
)
def test_offsets_from_the_issue(text: str, start: dt.date, expected: dt.date) -> None:
    assert apply_offset(start, parse_offset(text), NO_HOLIDAYS) == expected


def test_ten_working_days_before_baku() -> None:
    off = parse_offset("10 working days").negated()
    assert apply_offset(dt.date(2024, 11, 11), off, NO_HOLIDAYS) == dt.date(2024, 10, 28)


def test_holidays_are_skipped() -> None:
    # Monday 2024-07-08 off: Thu 27 Jun + 7 working days moves from Mon 8 Jul to Tue 9 Jul.
    holidays = frozenset({dt.date(2024, 7, 8)})
    off = parse_offset("7 working days")
    assert apply_offset(dt.date(2024, 6, 27), off, NO_HOLIDAYS) == dt.date(2024, 7, 8)
    assert apply_offset(dt.date(2024, 6, 27), off, holidays) == dt.date(2024, 7, 9)


def test_timed_points_keep_their_wall_clock_time() -> None:
    almaty = get_zone("Asia/Almaty")
    start = dt.datetime(2024, 6, 27, 10, 0, tzinfo=almaty)
    moved = apply_offset(start, parse_offset("2 working days"), NO_HOLIDAYS)
    assert moved == dt.datetime(2024, 7, 1, 10, 0, tzinfo=almaty)
    assert apply_offset(start, parse_offset("PT3H"), NO_HOLIDAYS).hour == 13


def test_a_time_offset_on_a_whole_day_is_an_error() -> None:
    with pytest.raises(OffsetError, match="time part"):
        apply_offset(dt.date(2024, 6, 27), parse_offset("3 hours"), NO_HOLIDAYS)


@pytest.mark.parametrize("bad", ["", "soon", "3 fortnights", "P", "PT", "-3 days", "3.5 days"])
def test_bad_offsets_are_refused(bad: str) -> None:
    with pytest.raises(OffsetError, match="offset"):
        parse_offset(bad)


def test_expressions() -> None:
    e = parse_expression("baku-ministerial-2024 - 10 working days")
    assert (e.ref, e.edge) == ("baku-ministerial-2024", "start")
    assert e.offset is not None and e.offset.working_days == -10
    e = parse_expression("env-outcome-silence.end+P1D")
    assert (e.ref, e.edge) == ("env-outcome-silence", "end")
    assert e.offset is not None and e.offset.delta.days == 1
    assert parse_expression("soc").offset is None
    assert parse_expression("2024-06-27").literal == dt.date(2024, 6, 27)
    with pytest.raises(OffsetError):
        parse_expression("soc + ")
    with pytest.raises(OffsetError):
        parse_expression("soc * 2")


@given(day=days, n=st.integers(min_value=1, max_value=400), holidays=holiday_sets)
def test_working_days_never_land_on_a_weekend_or_holiday(
    day: dt.date, n: int, holidays: frozenset[dt.date]
) -> None:
    for signed in (n, -n):
        landed = add_working_days(day, signed, holidays)
        assert is_working_day(landed, holidays)
        assert (landed > day) == (signed > 0)


@given(day=days, n=st.integers(min_value=1, max_value=60), holidays=holiday_sets)
def test_working_days_count_exactly_n_working_days(
    day: dt.date, n: int, holidays: frozenset[dt.date]
) -> None:
    landed = add_working_days(day, n, holidays)
    between = [day + dt.timedelta(days=i) for i in range(1, (landed - day).days + 1)]
    assert sum(is_working_day(d, holidays) for d in between) == n


@given(day=days, n=st.integers(min_value=0, max_value=5000))
def test_adding_then_subtracting_days_is_identity(day: dt.date, n: int) -> None:
    off = parse_offset(f"{n} days")
    assert apply_offset(apply_offset(day, off, NO_HOLIDAYS), off.negated(), NO_HOLIDAYS) == day


@given(day=days, n=st.integers(min_value=0, max_value=240))
def test_month_arithmetic_clamps_to_month_ends(day: dt.date, n: int) -> None:
    moved = apply_offset(day, parse_offset(f"{n} months"), NO_HOLIDAYS)
    assert isinstance(moved, dt.date)
    months = day.year * 12 + day.month - 1 + n
    assert moved.year * 12 + moved.month - 1 == months
    if moved.day != day.day:  # only when the target month is too short
        assert moved.day < day.day
        assert (moved + dt.timedelta(days=1)).day == 1


_OFFSET_TEXTS = st.builds(
    lambda n, unit: f"{n} {unit}",
    st.integers(min_value=0, max_value=400),
    st.sampled_from(["days", "weeks", "months", "years", "hours", "minutes", "d", "w"]),
) | st.builds(
    lambda d, h, m: f"P{d}DT{h}H{m}M",
    st.integers(0, 60),
    st.integers(0, 30),
    st.integers(0, 90),
)
# In a zone whose clocks never change (UTC+5), where wall-clock and elapsed arithmetic agree:
# hours and minutes are elapsed time, which across a change of the clocks differs from the wall
# clock's (tested in test_date_corners; Almaty had summer time until 2004, and hypothesis once
# drew 2002-03-31T00:00 + 2 hours there: 03:00 elapsed, 02:00 on the wall).
_INSTANTS = st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 1, 1)).map(
    lambda d: d.replace(tzinfo=get_zone("Etc/GMT-5"))
)


@given(text=_OFFSET_TEXTS, point=days | _INSTANTS, backwards=st.booleans())
def test_the_timedelta_shortcut_is_relativedelta_arithmetic(
    text: str, point: dt.date, backwards: bool
) -> None:
    off = parse_offset(text)
    if backwards:
        off = off.negated()
    if not isinstance(point, dt.datetime) and off.has_time:
        return  # refused for whole days (tested above)
    expected = (
        (point.replace(tzinfo=None) + off.delta)
        if isinstance(point, dt.datetime)
        else point + off.delta
    )
    if isinstance(point, dt.datetime):
        expected = expected.replace(tzinfo=point.tzinfo)
    assert apply_offset(point, off, NO_HOLIDAYS) == expected
    assert (off.step is None) == bool(off.delta.months or off.delta.years)
