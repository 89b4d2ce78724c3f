"""Repeating events (``repeats``): every shortcut gives dateutil's occurrences.

Plain rules are worked out by arithmetic, other rules by dateutil from a later anchor; both are
compared here with dateutil walking the rule from its real anchor, for random rules.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from cica_cli.core.repeats import (
    _plain,
    _skip_ahead,
    build_rule,
    first_start,
    last_start,
    starts_between,
)

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@st.composite
def rules(draw: st.DrawFn) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 7))}")
    if draw(st.booleans()):
        days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True))
        if freq in ("MONTHLY", "YEARLY") and draw(st.booleans()):
            days = [f"{draw(st.sampled_from([1, 2, -1]))}{days[0]}"]
        parts.append("BYDAY=" + ",".join(days))
    if freq in ("MONTHLY", "YEARLY") and draw(st.booleans()):
        parts.append(f"BYMONTHDAY={draw(st.sampled_from([1, 15, 28, 29, 30, 31, -1]))}")
    if freq == "YEARLY" and draw(st.booleans()):
        parts.append(f"BYMONTH={draw(st.integers(1, 12))}")
    if draw(st.booleans()):
        parts.append(f"BYSETPOS={draw(st.sampled_from([1, -1]))}")
    if draw(st.booleans()):
        parts.append(f"UNTIL={draw(st.integers(2020, 2040))}0615T000000Z")
    elif draw(st.integers(0, 4)) == 0:
        parts.append(f"COUNT={draw(st.integers(1, 40))}")
    return ";".join(parts)


anchors = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2030, 12, 31))
offsets = st.integers(min_value=0, max_value=12 * 366)


@settings(max_examples=100, deadline=None)
@given(rules(), anchors, offsets, st.booleans())
def test_a_later_anchor_gives_the_same_occurrences(
    repeat: str, anchor: dt.datetime, days: int, whole_day: bool
) -> None:
    start: dt.date | dt.datetime = anchor.date() if whole_day else anchor.replace(microsecond=0)
    lo = dt.datetime.combine(anchor.date() + dt.timedelta(days=days), dt.time.min)
    plain = build_rule(repeat, start)
    fast = build_rule(repeat, start, not_before=lo)
    assert fast.after(lo, inc=True) == plain.after(lo, inc=True)
    hi = lo + dt.timedelta(days=120)
    assert fast.between(lo, hi, inc=True) == plain.between(lo, hi, inc=True)


def test_a_weekly_rule_from_long_ago_is_anchored_close_to_the_day_asked_about() -> None:
    anchor = dt.datetime(2010, 3, 1, 10, 0)  # a Monday
    moved = _skip_ahead("FREQ=WEEKLY;INTERVAL=2", anchor, dt.datetime(2026, 11, 27))
    assert moved.weekday() == anchor.weekday() and moved.time() == anchor.time()
    assert (moved - anchor).days % 14 == 0
    assert dt.timedelta(days=14) <= dt.datetime(2026, 11, 27) - moved <= dt.timedelta(days=28)


def test_what_counts_from_the_anchor_is_never_moved() -> None:
    anchor = dt.datetime(2010, 3, 1, 10, 0)
    later = dt.datetime(2026, 11, 27)
    assert _skip_ahead("FREQ=WEEKLY;COUNT=1000", anchor, later) == anchor
    assert _skip_ahead("FREQ=YEARLY", dt.datetime(2012, 2, 29), later) == dt.datetime(2012, 2, 29)
    assert _skip_ahead("FREQ=HOURLY", anchor, later) == anchor
    monthly = _skip_ahead("FREQ=MONTHLY;INTERVAL=5", anchor, later)
    assert (monthly.year - anchor.year) % 5 == 0 and monthly.replace(year=2010) == anchor


@st.composite
def plain_rules(draw: st.DrawFn) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "daily", "Weekly"]))
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 13))}")
    limit = draw(st.sampled_from(["", "count", "until", "until-day"]))
    if limit == "count":
        parts.append(f"COUNT={draw(st.integers(1, 40))}")
    elif limit:
        day = draw(st.dates(dt.date(1990, 1, 1), dt.date(2045, 12, 31)))
        stamp = (
            f"{day:%Y%m%d}"
            if limit == "until-day"
            else f"{day:%Y%m%d}T{draw(st.integers(0, 23)):02}3000Z"
        )
        parts.append(f"UNTIL={stamp}")
    draw(st.randoms()).shuffle(parts)
    return draw(st.sampled_from(["", "RRULE:"])) + ";".join(parts)


any_rules = st.one_of(plain_rules(), rules())
starts = st.one_of(
    st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 12, 31)),
)


@settings(max_examples=200, deadline=None)
@given(any_rules, starts, st.integers(-400, 8 * 366), st.integers(0, 200))
def test_occurrences_are_dateutils(repeat: str, start: dt.date, days: int, span: int) -> None:
    anchor = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time.min)
    lo = anchor.replace(microsecond=0) + dt.timedelta(days=days, hours=days % 24)
    hi = lo + dt.timedelta(days=span)
    rule = build_rule(repeat, start)
    assert first_start(repeat, start, lo) == rule.after(lo, inc=True)
    assert starts_between(repeat, start, lo, hi) == rule.between(lo, hi, inc=True)
    if "COUNT" in repeat.upper() or "UNTIL" in repeat.upper():
        every = list(rule)
        # A last occurrence more than 50 years after the start counts as none (bounded work).
        day = anchor.day if (anchor.month, anchor.day) != (2, 29) else 28
        far = anchor.replace(microsecond=0, year=anchor.year + 50, day=day)
        assert last_start(repeat, start) == (every[-1] if every and every[-1] <= far else None)
    else:
        assert last_start(repeat, start) is None


def test_which_rules_are_plain() -> None:
    assert _plain("FREQ=WEEKLY;INTERVAL=2;COUNT=12") is not None
    assert _plain("RRULE:freq=monthly;until=20261231T000000Z") is not None
    assert _plain("FREQ=WEEKLY; COUNT=3") == _plain("FREQ=WEEKLY;COUNT=3")  # spaces mean nothing
    for rule in (
        "FREQ=YEARLY;COUNT=3;BYMONTH=2",  # BY* parts: dateutil
        "FREQ=WEEKLY;COUNT=3;COUNT=4",
        "FREQ=HOURLY;COUNT=3",
        "FREQ=WEEKLY;COUNT=2;UNTIL=20250101",
        "FREQ=WEEKLY;INTERVAL=0",
        "FREQ=WEEKLY;UNTIL=2025-01-01",
    ):
        assert _plain(rule) is None, rule
    # The 31st: dateutil skips the shorter months, so that is left to it.
    assert last_start("FREQ=MONTHLY;COUNT=5", dt.date(2024, 1, 31)) == dt.datetime(2024, 8, 31)
    assert first_start(
        "FREQ=WEEKLY;INTERVAL=2;COUNT=12", dt.datetime(2024, 1, 31, 10), dt.datetime(2024, 3, 1)
    ) == dt.datetime(2024, 3, 13, 10)
