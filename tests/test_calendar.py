"""Loading and resolving calendars: the shipped one, and every kind of mistake."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from cica_cli.core.loader import load, loads
from cica_cli.errors import CalendarDataError, CalendarNotFoundError
from cica_cli.paths import find_calendar, packaged_calendar

from .conftest import SHIPPED


def test_shipped_calendar_resolves_to_the_press_release_dates() -> None:
    events = load(SHIPPED).schedule.events
    assert events["soc-astana-2024-06"].start == dt.date(2024, 6, 27)
    silence = events["env-outcome-silence"]
    assert (silence.start, silence.end) == (dt.date(2024, 6, 27), dt.date(2024, 7, 11))
    assert silence.computed == {
        "start": "soc-astana-2024-06",
        "end": "soc-astana-2024-06 + 2 weeks",
    }
    assert events["env-ministerial-2024"].start == dt.date(2024, 8, 28)
    baku = events["baku-ministerial-2024"]
    assert (baku.start, baku.zone_name) == (dt.date(2024, 11, 11), "Asia/Baku")
    for deadline in ("cbm-modalities-consensus", "baku-outcome-documents"):
        assert events[deadline].start == dt.date(2024, 11, 11)
        assert events[deadline].event.kind == "deadline"
        assert events[deadline].depends_on == ("baku-ministerial-2024",)
    ict = events["ict-security-concept-2024-2025"]
    assert (ict.start, ict.end) == (dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    assert all(e.event.source for e in events.values())


def test_shipped_calendar_types_no_date_the_text_states_relative_to_another() -> None:
    raw = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))["events"]
    # The silence procedure and the Baku deadlines are computed from the meetings, never typed.
    # It expires two weeks after it opened (a whole-day `duration` of 2 weeks would end a day
    # earlier: fourteen days, 27 June to 10 July).
    assert raw["env-outcome-silence"]["start"] == "soc-astana-2024-06"
    assert raw["env-outcome-silence"]["end"] == "soc-astana-2024-06 + 2 weeks"
    assert "duration" not in raw["env-outcome-silence"]
    for deadline in ("cbm-modalities-consensus", "baku-outcome-documents"):
        assert raw[deadline]["date"] == "baku-ministerial-2024"


def test_packaged_calendar_is_the_shipped_one() -> None:
    assert packaged_calendar().read_bytes() == SHIPPED.read_bytes()


def _zoned(text: str) -> str:
    """``text`` with the required ``[calendar] timezone`` (after the events: lines stay)."""
    return text if "[calendar]" in text else text + '\n[calendar]\ntimezone = "UTC"\n'


def _problems(text: str) -> list[str]:
    with pytest.raises(CalendarDataError) as info:
        loads(_zoned(text).encode(), "cal.toml")
    return [str(p) for p in info.value.problems]


def test_every_problem_is_reported_at_once_with_its_line() -> None:
    problems = _problems(
        """[calendar]
name = "Bad"
timezone = "Asia/Astana"

[events.a]
title = "A"
date = "b + 2 weeks"

[events.b]
title = "B"
date = "a"

[events.c]
title = "C"
date = "soc-astana - 3 days"
titel = "typo"

[events.d]
title = "D"
start = 2024-06-27
duration = "fortnight"

[events.soc-astana-2024]
title = "SOC"
date = 2024-06-27

[events.e]
title = "E"
date = "soc-astana"
"""
    )
    assert problems == [
        "cal.toml:3: calendar.timezone: unknown time zone 'Asia/Astana' (Astana uses Asia/Almaty)",
        "cal.toml:7: events.a.date: circular reference: a -> b -> a",
        # events.c fails validation (titel), and its date is still checked:
        "cal.toml:15: events.c.date: unknown event 'soc-astana' (did you mean 'soc-astana-2024'?)",
        "cal.toml:16: events.c.titel: unknown field (did you mean 'title'?)",
        "cal.toml:21: events.d.duration: cannot read offset 'fortnight': use e.g. '3 days', "
        "'2 weeks', '1 month', '1 year', '10 working days', '30d', '6w', '3m' or ISO 8601 'P14D'",
        "cal.toml:29: events.e.date: unknown event 'soc-astana' (did you mean 'soc-astana-2024'?)",
    ]


def test_an_invalid_event_still_has_its_other_fields_checked() -> None:
    problems = _problems(
        '[events.x]\ntitle = "X"\nkind = "party"\nstart = "y + 2 wekes"\n'
        'duration = "fortnight"\ntimezone = "Mars/Olympus"\nremind = ["soon"]\n'
        'repeat = "FREQ=SOMETIMES"\ntags = "a"\n'
    )
    fields = [p.split(": ")[1] for p in problems]
    assert fields == [
        "events.x.kind", "events.x.start", "events.x.duration", "events.x.timezone",
        "events.x.remind", "events.x.repeat", "events.x.tags",
    ]  # fmt: skip
    assert "cannot read offset '2 wekes'" in problems[1]
    # A field that is itself wrong is reported once, by its type; nothing is made up for it.
    assert len(_problems('[events.x]\ntitle = "X"\nkind = "party"\ndate = 5\n')) == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('title = "X"', "events.x: needs `date` (one day or instant) or `start` (a span)"),
        ('title = "X"\ndate = 2024-01-01\nstart = 2024-01-01', "not both"),
        ('title = "X"\nstart = 2024-01-01', "a span needs `end` or `duration`"),
        ('title = "X"\ndate = 2024-01-01\nkind = "party"', "events.x.kind: input should be"),
        ('title = "X"\ndate = 2024-01-01\ntags = "a"', "events.x.tags: should be a list"),
        ('title = "X"\ndate = 2024-01-01\nstatus = "maybe"', "events.x.status"),
        ('title = "X"\ndate = 20240101', "events.x.date: should be a date (2024-06-27)"),
        ('title = "X"\ndate = 2024-01-01\ntimezone = "Mars/Olympus"', "unknown time zone"),
        ('title = "X"\ndate = 2024-01-01\nrepeat = "FREQ=SOMETIMES"', "not a valid RRULE"),
        ('title = "X"\ndate = 2024-01-01\nremind = ["soon"]', "events.x.remind: cannot read"),
        ('title = "X"\nstart = 2024-01-05\nend = 2024-01-01', "events.x.end: ends (2024-01-01)"),
        ('title = "X"\nstart = 2024-01-05\nend = 2024-01-06T10:00:00', "both be whole days"),
        ('title = "X"\ndate = "x + 1 day"', "circular reference: x -> x"),
        ('title = "X"\ndate = 2024-01-01\nduration = "1 day"', "`end` and `duration` belong"),
    ],
)
def test_each_mistake_has_a_clear_message(body: str, expected: str) -> None:
    problems = _problems(f"[events.x]\n{body}\n")
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("cal.toml:") for p in problems)


def test_invalid_toml_reports_line_and_column() -> None:
    problems = _problems('[calendar]\nname = "x"\n[events.a]\ntitle = \n')
    assert len(problems) == 1
    assert problems[0].startswith("cal.toml:4: invalid TOML at column")


def test_unknown_top_level_table_and_bad_id() -> None:
    problems = _problems('[calender]\nname = "x"\n[events."a b"]\ntitle = "A"\ndate = 2024-01-01\n')
    assert len(problems) == 2, problems
    assert problems[0] == "cal.toml:1: calender: unknown table (did you mean 'calendar'?)"
    assert "cal.toml:3: events.a b: ids may use only" in problems[1]


def test_timed_events_take_the_event_then_the_calendar_zone() -> None:
    text = """[calendar]
timezone = "Asia/Almaty"
[events.soc]
title = "SOC"
date = 2024-06-27T10:00:00
[events.baku]
title = "Baku"
date = 2024-11-11T10:00:00
timezone = "Asia/Baku"
[events.after]
title = "Two working days after the SOC"
date = "soc + 2 working days"
"""
    events = loads(_zoned(text).encode(), "c.toml").schedule.events
    assert events["soc"].start.isoformat() == "2024-06-27T10:00:00+05:00"
    assert events["soc"].start.astimezone(dt.UTC).hour == 5
    assert events["baku"].start.isoformat() == "2024-11-11T10:00:00+04:00"
    assert events["after"].start.isoformat() == "2024-07-01T10:00:00+05:00"


def test_references_resolve_in_dependency_order_not_file_order() -> None:
    text = """[events.late]
title = "late"
date = "mid + 1 day"
[events.mid]
title = "mid"
date = "first.end + 1 month"
[events.first]
title = "first"
start = 2024-01-31
duration = "P1D"
"""
    events = loads(_zoned(text).encode(), "c.toml").schedule.events
    assert list(events) == ["late", "mid", "first"]  # file order is kept for display
    assert events["mid"].start == dt.date(2024, 2, 29)
    assert events["late"].start == dt.date(2024, 3, 1)


def test_a_long_chain_resolves_without_recursion() -> None:
    n = 5000
    parts = ['[events.e0]\ntitle = "e0"\ndate = 2024-01-01\n']
    parts += [f'[events.e{i}]\ntitle = "e{i}"\ndate = "e{i - 1} + 1 day"\n' for i in range(1, n)]
    events = loads(_zoned("".join(reversed(parts))).encode(), "c.toml").schedule.events
    assert events[f"e{n - 1}"].start == dt.date(2024, 1, 1) + dt.timedelta(days=n - 1)


def test_repeats_expand_with_dateutil() -> None:
    text = '[events.r]\ntitle = "r"\ndate = 2024-01-31\nrepeat = "FREQ=MONTHLY;COUNT=3"\n'
    r = loads(_zoned(text).encode(), "c.toml").schedule.events["r"]
    starts = [s for s, _ in r.occurrences(dt.date(2024, 1, 1), dt.date(2024, 12, 31))]
    # RFC 5545: a monthly rule on the 31st skips months without one.
    assert starts == [dt.date(2024, 1, 31), dt.date(2024, 3, 31), dt.date(2024, 5, 31)]


def test_calendar_lookup_order(tmp_path: Path, write_calendar: Callable[[str], Path]) -> None:
    env: dict[str, str] = {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    # 5. nothing else: the packaged calendar
    assert find_calendar(None, env, cwd) == packaged_calendar()
    # 4. XDG config
    user = tmp_path / "cfg" / "cica" / "events.toml"
    user.parent.mkdir(parents=True)
    user.write_text("")
    assert find_calendar(None, env, cwd) == user
    # 3. ./events.toml
    (cwd / "events.toml").write_text("")
    assert find_calendar(None, env, cwd) == cwd / "events.toml"
    # 2. $CICA_CALENDAR
    named = write_calendar("")
    assert find_calendar(None, {**env, "CICA_CALENDAR": str(named)}, cwd) == named
    # 1. --calendar
    flag = write_calendar("")
    assert find_calendar(flag, {**env, "CICA_CALENDAR": str(named)}, cwd) == flag
    with pytest.raises(CalendarNotFoundError, match="given with --calendar"):
        find_calendar(tmp_path / "missing.toml", env, cwd)


def test_downstream_lists_what_follows_from_an_event_nearest_first_each_once() -> None:
    text = """\
[calendar]
timezone = "UTC"
[events.a]
title = "a"
date = 2024-01-01
[events.b]
title = "b"
date = "a + 1 day"
[events.c]
title = "c"
date = "a + 2 days"
[events.d]
title = "d"
start = "b"
end = "c"
[events.e]
title = "e"
date = "d.end"
[events.other]
title = "other"
date = 2024-02-01
"""
    schedule = loads(text.encode(), "c.toml").schedule
    assert schedule.downstream("a") == ["b", "c", "d", "e"]  # d (from b and c) once
    assert schedule.downstream("c") == ["d", "e"]
    assert schedule.downstream("e") == [] and schedule.downstream("other") == []
