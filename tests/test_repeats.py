"""Repeating events: skipping ahead to a late anchor changes no occurrence (``repeats``)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from cica_cli.repeats import _skip_ahead, build_rule

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
