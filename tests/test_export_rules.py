"""The VTIMEZONE span's shortcut for plain COUNT rules gives dateutil's last occurrence."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from cica_cli.ics_vtimezone import _last_start
from cica_cli.repeats import build_rule

_FREQS = st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "daily", "Weekly"])
_ANCHORS = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 12, 31))


@settings(max_examples=400, deadline=None)
@given(
    anchor=_ANCHORS,
    freq=_FREQS,
    interval=st.one_of(st.none(), st.integers(0, 13)),
    count=st.integers(0, 40),
    prefix=st.sampled_from(["", "RRULE:", "rrule:"]),
    count_first=st.booleans(),
)
def test_plain_count_rules_end_where_dateutil_ends(
    anchor: dt.datetime,
    freq: str,
    interval: int | None,
    count: int,
    prefix: str,
    count_first: bool,
) -> None:
    parts = [f"FREQ={freq}", f"COUNT={count}"]
    if count_first:
        parts.reverse()
    if interval is not None:
        parts.append(f"INTERVAL={interval}")
    rule = prefix + ";".join(parts)
    found = _last_start(rule, anchor)
    if found is None:  # left to dateutil: only what the shortcut does not cover
        assert (
            count < 1
            or interval == 0
            or (freq.upper() in ("MONTHLY", "YEARLY") and anchor.day > 28)
        )
        return
    starts = list(build_rule(rule, anchor))
    assert found == starts[-1]


def test_other_rules_are_left_to_dateutil() -> None:
    anchor = dt.datetime(2024, 1, 31, 10, 0)
    for rule in (
        "FREQ=MONTHLY;COUNT=5",  # the 31st: dateutil skips the shorter months
        "FREQ=YEARLY;COUNT=3;BYMONTH=2",
        "FREQ=WEEKLY;UNTIL=20250101T000000Z",
        "FREQ=WEEKLY;COUNT=3;COUNT=4",
        "FREQ=WEEKLY; COUNT=3",
        "FREQ=HOURLY;COUNT=3",
        "FREQ=WEEKLY",
    ):
        assert _last_start(rule, anchor) is None, rule
    assert _last_start("FREQ=WEEKLY;INTERVAL=2;COUNT=12", anchor) == dt.datetime(2024, 7, 3, 10)
