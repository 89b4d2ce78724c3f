"""Whole-day and timed arithmetic against an independent computation (issue 10, Done when).

The expected values are computed here from first principles, without ``dateutil``, cica's
``localize`` or zoneinfo's fold rules: months by counting, wall-clock times turned into instants by
trying every offset the zone uses around that day, the spring gap by RFC 5545's rule (the offset
before the gap), the autumn fold by the first occurrence, and hours as elapsed UTC time.
"""

from __future__ import annotations

import calendar as month_lengths
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from cica_cli.core.dates import apply_offset, parse_offset
from cica_cli.core.loader import loads
from cica_cli.core.zones import get_zone

UTC = dt.UTC
# DST zones of both hemispheres, a half-hour change (Lord Howe), a zone that changed its
# standard offset (Almaty, 2024) and one that skipped a whole day (Apia, 2011); UTC as control.
ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Almaty",
    "Pacific/Apia",
    "UTC",
]
days = st.dates(dt.date(2010, 1, 1), dt.date(2030, 12, 31))


def _months_later(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + n
    year, month0 = divmod(index, 12)
    last = month_lengths.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def _offset_at(instant: dt.datetime, zone: dt.tzinfo) -> dt.timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def _instant_of(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The UTC instant of naive ``wall`` in ``zone``: the first if twice, forward if none."""
    probe = wall.replace(tzinfo=UTC)
    offsets = {_offset_at(probe + dt.timedelta(hours=h), zone) for h in range(-48, 49, 3)}
    valid = sorted(
        wall.replace(tzinfo=UTC) - off
        for off in offsets
        if (
            (wall.replace(tzinfo=UTC) - off) + _offset_at(wall.replace(tzinfo=UTC) - off, zone)
        ).replace(tzinfo=None)
        == wall
    )
    if valid:
        return valid[0]
    # A gap: the offset in force before it, i.e. a day earlier (no zone changes twice a day).
    before = _offset_at(wall.replace(tzinfo=UTC) - dt.timedelta(days=1), zone)
    return wall.replace(tzinfo=UTC) - before


@settings(max_examples=300, deadline=None)
@given(
    day=days,
    n=st.integers(-400, 400),
    unit=st.sampled_from(["days", "weeks", "months", "years"]),
)
def test_whole_days(day: dt.date, n: int, unit: str) -> None:
    text = f"{abs(n)} {unit}"
    offset = parse_offset(text) if n >= 0 else parse_offset(text).negated()
    if unit == "days":
        expected = day + dt.timedelta(days=n)
    elif unit == "weeks":
        expected = day + dt.timedelta(days=7 * n)
    else:
        expected = _months_later(day, n * (12 if unit == "years" else 1))
    assert apply_offset(day, offset) == expected


@settings(max_examples=60, deadline=None)
@given(day=days, n=st.integers(1, 60), unit=st.sampled_from(["days", "weeks", "months"]))
def test_whole_day_spans_cover_exactly_their_length(day: dt.date, n: int, unit: str) -> None:
    text = (
        '[calendar]\ntimezone = "UTC"\n'
        f'[events.s]\ntitle = "S"\nstart = {day.isoformat()}\nduration = "{n} {unit}"\n'
    )
    span = loads(text.encode(), "c.toml").schedule.events["s"]
    if unit == "months":
        after = _months_later(day, n)
    else:
        after = day + dt.timedelta(days=n * (7 if unit == "weeks" else 1))
    assert (span.start, span.end) == (day, after - dt.timedelta(days=1))


@settings(max_examples=400, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    wall=st.datetimes(dt.datetime(2010, 1, 1), dt.datetime(2030, 12, 31)).map(
        lambda w: w.replace(second=0, microsecond=0)
    ),
    n_days=st.integers(-40, 40),
    hours=st.integers(-72, 72),
    minutes=st.integers(0, 59),
)
def test_timed(zone_name: str, wall: dt.datetime, n_days: int, hours: int, minutes: int) -> None:
    zone = get_zone(zone_name)
    start_instant = _instant_of(wall, zone)
    start = start_instant.astimezone(zone)
    # Calendar part: the wall-clock day moves, the time of day stays (then resolved again).
    day_part = parse_offset(f"{abs(n_days)} days")
    if n_days < 0:
        day_part = day_part.negated()
    moved = apply_offset(start, day_part)
    start_wall = start.replace(tzinfo=None)
    expected_day = _instant_of(start_wall + dt.timedelta(days=n_days), zone)
    assert moved.astimezone(UTC) == expected_day
    assert moved.utcoffset() == _offset_at(expected_day, zone)  # wall time and offset agree
    # Elapsed part: hours and minutes are real time.
    elapsed = parse_offset(f"PT{abs(hours)}H{minutes}M")
    if hours < 0:
        elapsed = elapsed.negated()
    later = apply_offset(start, elapsed)
    sign = -1 if hours < 0 else 1
    expected_later = start_instant + sign * dt.timedelta(hours=abs(hours), minutes=minutes)
    assert later.astimezone(UTC) == expected_later
    assert later.utcoffset() == _offset_at(expected_later, zone)
    # Both at once: the days first, then the hours.
    both = parse_offset(f"P{abs(n_days)}DT{abs(hours)}H") if n_days >= 0 and hours >= 0 else None
    if both is not None:
        got = apply_offset(start, both).astimezone(UTC)
        assert got == expected_day + dt.timedelta(hours=hours)
