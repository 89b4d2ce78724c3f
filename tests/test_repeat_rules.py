"""``repeat`` read as RFC 5545 says: UNTIL in UTC, rules that yield nothing or never end,
errors in cica's words at the rule's line, ``except`` days, and no rule that hangs a command."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest
from dateutil.rrule import rrulestr
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cica_cli.core.agenda import build_agenda
from cica_cli.core.loader import loads
from cica_cli.core.repeat_rules import check_text, is_occurrence
from cica_cli.core.repeats import build_rule
from cica_cli.core.rule_text import RuleError, parts_of
from cica_cli.remind.due import due_reminders
from cica_cli.remind.settings import Address

from .conftest import Result
from .test_repeats import rules

Cica = Callable[..., Result]

HEAD = '[calendar]\nname = "R"\ntimezone = "Asia/Almaty"\nremind = ["1 day"]\n\n'


def one_event(repeat: str, when: str = "2024-07-01T09:00:00", extra: str = "") -> str:
    return f'{HEAD}[events.x]\ntitle = "X"\ndate = {when}\nrepeat = "{repeat}"\n{extra}'


# --------------------------------------------------------------------------------------------
# UNTIL is UTC when it says Z
# --------------------------------------------------------------------------------------------


def test_until_in_utc_is_that_instant_in_every_view_and_in_the_export(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    # 09:00 in Astana is 04:00Z: 5 July 09:00 is before UNTIL=...T060000Z, so it is included.
    path = write_calendar(one_event("FREQ=DAILY;UNTIL=20240705T060000Z"))
    shown = cica("upcoming", "-c", str(path), "--as-of", "2024-06-30", "--within", "30d", "--json")
    assert shown.code == 0, shown.err
    starts = [item["start"] for item in json.loads(shown.out)["items"]]
    assert starts == [f"2024-07-0{d}T09:00:00+05:00" for d in range(1, 6)]
    exported = cica("export", "-c", str(path), "-o", "-")
    assert exported.code == 0, exported.err
    assert "RRULE:FREQ=DAILY;UNTIL=20240705T060000Z\r\n" in exported.out
    assert _expanded(exported.out.encode()) == [
        dt.datetime(2024, 7, d, 4, tzinfo=dt.UTC) for d in range(1, 6)
    ]


@pytest.mark.parametrize(
    ("until", "written", "last_day"),
    [
        ("20240705T090000", "20240705T040000Z", 5),  # a local time: the event's wall clock
        ("20240705", "20240705T185959Z", 5),  # a day: the whole day, to 23:59:59 in Astana
        ("20240705T035959Z", "20240705T035959Z", 4),  # a second before 09:00 on the 5th
    ],
)
def test_each_form_of_until_is_one_bound_in_views_and_export(
    until: str, written: str, last_day: int, cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(one_event(f"FREQ=DAILY;UNTIL={until}"))
    shown = cica("upcoming", "-c", str(path), "--as-of", "2024-06-30", "--within", "30d", "--json")
    assert len(json.loads(shown.out)["items"]) == last_day
    exported = cica("export", "-c", str(path), "-o", "-").out
    assert f"RRULE:FREQ=DAILY;UNTIL={written}\r\n" in exported
    assert len(_expanded(exported.encode())) == last_day


def _expanded(ics: bytes) -> list[dt.datetime]:
    """The occurrences a real parser reads (icalendar), expanded from RRULE minus EXDATE."""
    event = next(iter(icalendar.Calendar.from_ical(ics).walk("VEVENT")))
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event.DTSTART)
    skipped = set()
    exdates = event.get("EXDATE", [])
    for line in exdates if isinstance(exdates, list) else [exdates]:
        skipped |= {value.dt for value in line.dts}
    return [w.astimezone(dt.UTC) for w in rule if w not in skipped]


# --------------------------------------------------------------------------------------------
# Mistakes, in cica's words, at the rule's line, exit 65
# --------------------------------------------------------------------------------------------

BAD_RULES = [
    ("FREQ=SECONDLY", "cica repeats events at most daily"),
    ("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", "cica repeats events at most daily"),
    ("FREQ=HOURLY;COUNT=3", "cica repeats events at most daily"),
    ("FREQ=DAILY;BYHOUR=9,17", "BYHOUR: cica repeats events at most once a day"),
    ("FREQ=DAILY;COUNT=3;UNTIL=20240705T060000Z", "give COUNT or UNTIL, not both"),
    ("FREQ=DAILY;COUNT=0", "COUNT=0 yields no occurrence"),
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "no day matches it, so it yields no occurrence"),
    ("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31", "no day matches it, so it yields no occurrence"),
    ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", "no day matches it, so it yields no occurrence"),
    ("FREQ=DAILY;UNTIL=20240630T000000Z", "is before the start (Mon 01 Jul 2024 09:00)"),
    ("FREQ=WEEKLY;BYDAY=TU", "start on its first day, such as Tue 02 Jul 2024"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "such as Mon 29 Feb 2044"),
    ("FREQ=WEEKLY;BYDAY=1MO", "a numbered weekday (1MO) belongs to a MONTHLY or YEARLY"),
    ("FREQ=WEEKLY;BYMONTHDAY=3", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
    ("FREQ=DAILY;BYMONTH=13", "BYMONTH=13: '13' is not 1 to 12"),
    ("FREQ=DAILY;BYMOTNH=3", "BYMOTNH is not a part of an RRULE (did you mean 'BYMONTH'?)"),
    ("BYDAY=MO", "needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"),
    ("FREQ=DAILY;UNTIL=2024", "UNTIL=2024 should be a day (20241231)"),
    ("FREQ=DAILY;INTERVAL=x", "INTERVAL=X should be a whole number"),
    ("FREQ=DAILY;COUNT=2;COUNT=3", "COUNT is given twice"),
    ("FREQ=DAILY;COUNT=99999999999", "COUNT=99999999999 is too large (at most 999999999)"),
    ("FREQ=MONTHLY;BYDAY=MO,1TU", "give either plain weekdays or numbered ones"),
]


@pytest.mark.parametrize(("repeat", "words"), BAD_RULES, ids=[r for r, _ in BAD_RULES])
def test_a_bad_rule_is_an_error_at_its_line_in_cicas_words(
    repeat: str, words: str, cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(one_event(repeat))
    result = cica("validate", "-c", str(path))
    assert result.code == 65
    line = HEAD.count("\n") + 4  # [events.x], title, date, repeat
    assert result.err.startswith(f"{path}:{line}: events.x.repeat: "), result.err
    assert words in result.err
    for python in ("Traceback", "unpack", "rrule", "__init__", "dateutil", "Error:"):
        assert python not in result.err


def test_a_rule_no_day_matches_fails_at_once_not_by_a_search_to_9999(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    # dateutil walks every day to the year 9999 (seconds) before saying it found nothing.
    path = write_calendar(one_event("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"))
    before = _cpu()
    result = cica("upcoming", "-c", str(path), "--as-of", "2024-06-30")
    assert result.code == 65 and "yields no occurrence" in result.err
    assert _cpu() - before < 2.0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


EXCEPT_MISTAKES = [
    ("except = [2024-07-10]", "except", "2024-07-10 (Wed) is not a day the event repeats on"),
    ("except = [2024-07-09T10:00:00]", "except", "`except` lists days"),
    ('except = ["2024-07-09"]', "except", "should be a date such as 2024-06-27"),
]


@pytest.mark.parametrize(("line", "field", "words"), EXCEPT_MISTAKES)
def test_except_mistakes_are_errors_at_their_line(
    line: str, field: str, words: str, cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    text = one_event("FREQ=WEEKLY;COUNT=5", "2024-07-02T10:00:00", line + "\n")
    path = write_calendar(text)
    result = cica("validate", "-c", str(path))
    assert result.code == 65
    assert f"{path}:{HEAD.count(chr(10)) + 5}: events.x.{field}: " in result.err
    assert words in result.err


def test_except_needs_a_repeat_and_must_leave_an_occurrence(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    single = f'{HEAD}[events.x]\ntitle = "X"\ndate = 2024-07-02\nexcept = [2024-07-02]\n'
    result = cica("validate", "-c", str(write_calendar(single)))
    assert result.code == 65
    assert "events.x.except: only a repeating event (with `repeat`) skips days" in result.err
    every = one_event("FREQ=WEEKLY;COUNT=2", "2024-07-02", "except = [2024-07-02, 2024-07-09]\n")
    result = cica("validate", "-c", str(write_calendar(every)))
    assert result.code == 65
    assert "events.x.except: skips every occurrence" in result.err


@pytest.mark.parametrize(
    ("repeat", "words"),
    [
        ("FREQ=SECONDLY", "at most daily"),
        ("FREQ=DAILY;BYMONTHDAY=32", "is not 1 to 31 or -31 to -1"),
        ("FREQ=WEEKLY;BYDAY=XX", "'XX' is not a weekday"),
        ("RRULE:FREQ=DAILY\nDTSTART:20240101", "give only the RRULE value"),
        ("FREQ=DAILY;BYSETPOS=1", "BYSETPOS needs another BYxxx part"),
        ("FREQ=DAILY;;", "is not NAME=VALUE"),
    ],
)
def test_check_text_words(repeat: str, words: str) -> None:
    with pytest.raises(RuleError, match=None) as caught:
        check_text(repeat)
    assert words in str(caught.value)


# --------------------------------------------------------------------------------------------
# is_occurrence agrees with dateutil (it exists so that no check walks to the year 9999)
# --------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(rules(), st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)))
def test_is_occurrence_is_dateutils_answer(repeat: str, day: dt.date) -> None:
    try:
        parts = check_text(repeat)
    except RuleError:
        assume(False)
        return
    answer = is_occurrence(parts, day)
    assume(answer is not None)
    endless = ";".join(f"{k}={v}" for k, v in parts.items() if k not in ("UNTIL", "COUNT"))
    anchor = dt.datetime.combine(day, dt.time(10))
    # dateutil's first occurrence is the start exactly when is_occurrence says it is one.
    found = build_rule(endless, anchor).between(anchor, anchor, inc=True)
    assert (found == [anchor]) == answer, (repeat, day)


def test_parts_are_read_whatever_the_case_and_prefix() -> None:
    assert parts_of("rrule:freq=weekly;byday=mo,tu") == {"FREQ": "WEEKLY", "BYDAY": "MO,TU"}


@pytest.mark.parametrize(
    "repeat",
    [" freq = daily ; until = 20240705t060000z ", "RRULE:FREQ=DAILY;UNTIL=20240705T060000z"],
)
def test_spaces_and_lower_case_mean_what_they_say(
    repeat: str, cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(one_event(repeat))
    shown = cica("upcoming", "-c", str(path), "--as-of", "2024-06-30", "--within", "30d", "--json")
    assert shown.code == 0, shown.err
    assert len(json.loads(shown.out)["items"]) == 5
    exported = cica("export", "-c", str(path), "-o", "-").out
    assert "RRULE:FREQ=DAILY;UNTIL=20240705T060000Z\r\n" in exported


# --------------------------------------------------------------------------------------------
# except: honoured by every view, reminder and alarm
# --------------------------------------------------------------------------------------------

WEEKLY = f"""{HEAD}[events.call]
title = "Weekly call"
date = 2024-07-02T10:00:00
repeat = "FREQ=WEEKLY;COUNT=4"
except = [2024-07-09]

[events.returns]
title = "Monthly return"
kind = "deadline"
date = 2024-05-31
repeat = "FREQ=MONTHLY;BYMONTHDAY=-1"
except = [2024-07-31]
"""


def test_an_except_day_is_in_no_view(cica: Cica, write_calendar: Callable[[str], Path]) -> None:
    path = str(write_calendar(WEEKLY))
    listed = cica("upcoming", "-c", path, "--as-of", "2024-07-01", "--within", "70d", "--json")
    starts = [(i["id"], i["start"][:10]) for i in json.loads(listed.out)["items"]]
    assert [s for i, s in starts if i == "call"] == ["2024-07-02", "2024-07-16", "2024-07-23"]
    assert [s for i, s in starts if i == "returns"] == ["2024-08-31"]
    table = cica("upcoming", "-c", path, "--as-of", "2024-07-03", "--within", "10d")
    assert "9 Jul" not in table.out and "Weekly call" not in table.out
    nxt = cica("next", "-c", path, "--as-of", "2024-07-03", "--json")
    assert json.loads(nxt.out)["start"] == "2024-07-16T10:00:00+05:00"
    shown = cica("show", "call", "-c", path, "--as-of", "2024-07-03", "--json")
    doc = json.loads(shown.out)
    assert doc["start"] == "2024-07-16T10:00:00+05:00" and doc["except"] == ["2024-07-09"]
    text = cica("show", "call", "-c", path, "--as-of", "2024-07-03")
    assert "Tue 9 Jul 2024 (skipped)" in text.out
    # The timeline draws what build_agenda gives it, past included.
    schedule = loads(WEEKLY.encode(), "w.toml").schedule
    now = dt.datetime(2024, 8, 1, tzinfo=schedule.zone)
    drawn = [(i.event.id, _day(i.start)) for i in build_agenda(schedule, now, include_past=True)]
    assert ("call", dt.date(2024, 7, 9)) not in drawn and ("call", dt.date(2024, 7, 2)) in drawn
    assert ("returns", dt.date(2024, 7, 31)) not in drawn
    assert ("returns", dt.date(2024, 6, 30)) in drawn


def _day(point: dt.date) -> dt.date:
    return point.date() if isinstance(point, dt.datetime) else point


def test_an_except_day_gets_no_reminder() -> None:
    schedule = loads(WEEKLY.encode(), "w.toml").schedule
    desk = [Address("desk@example.org")]
    zone = schedule.events["call"].zone
    on_8th = due_reminders(schedule, dt.datetime(2024, 7, 8, 8, tzinfo=zone), desk, {})
    assert not [r for r in on_8th if r.event.id == "call"]
    on_15th = due_reminders(schedule, dt.datetime(2024, 7, 15, 8, tzinfo=zone), desk, {})
    assert [r.key.occurrence for r in on_15th if r.event.id == "call"] == ["2024-07-16"]
    on_30th = due_reminders(schedule, dt.datetime(2024, 7, 30, 8, tzinfo=zone), desk, {})
    assert not [r for r in on_30th if r.event.id == "returns"]


def test_an_except_day_is_an_exdate_of_the_right_type(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    out = cica("export", "-c", str(write_calendar(WEEKLY)), "-o", "-").out
    assert "EXDATE;TZID=Asia/Almaty:20240709T100000\r\n" in out
    assert "EXDATE;VALUE=DATE:20240731\r\n" in out
    events = {
        str(e["UID"]).split(".")[0]: e
        for e in icalendar.Calendar.from_ical(out.encode()).walk("VEVENT")
    }
    call = events["call"]
    rule = rrulestr(call["RRULE"].to_ical().decode(), dtstart=call.DTSTART)
    skipped = {v.dt for v in call["EXDATE"].dts}
    assert [w.day for w in rule if w not in skipped] == [2, 16, 23]


# --------------------------------------------------------------------------------------------
# No rule hangs or explodes a command
# --------------------------------------------------------------------------------------------

NASTY = [
    "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",  # hung `upcoming` for minutes
    "FREQ=SECONDLY",  # made `remind` write a 15 MB mail
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",  # dateutil: a walk to 9999 finding nothing
    "FREQ=DAILY",
    "FREQ=DAILY;COUNT=999999999",
    "FREQ=WEEKLY;BYDAY=MO,TU,WE;COUNT=999999999",
    "FREQ=DAILY;UNTIL=99991231T235959Z",
    "FREQ=DAILY;BYDAY=MO;UNTIL=99991231",
    "FREQ=DAILY;INTERVAL=999999999",
    "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
    "FREQ=MONTHLY;BYDAY=-1FR;BYSETPOS=-1",
]
COMMANDS = [
    ["upcoming", "--as-of", "2024-07-01"],
    ["upcoming", "--as-of", "2024-07-01", "--all", "--json"],
    ["next", "--as-of", "2024-07-01"],
    ["show", "x", "--as-of", "2024-07-01"],
    ["timeline", "--as-of", "2024-07-01"],
    ["validate"],
    ["export", "-o", "-"],
    ["remind", "--to", "d@example.org", "--from", "c@example.org", "--as-of", "2024-07-01",
     "--dry-run"],
]  # fmt: skip

#: Runs each command in one process (one interpreter start, not eight) and prints, per command,
#: its exit code, the CPU seconds it used and the bytes it wrote.
_DRIVER = """
import contextlib, io, json, sys, time
from cica_cli.cli import main
calendar, commands = sys.argv[1], json.loads(sys.argv[2])
report = []
for args in commands:
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    began = time.process_time()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([args[0], "-c", calendar, *args[1:]])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 0
    used = time.process_time() - began
    out.flush()
    size = len(out.buffer.getvalue())
    report.append([args, code, used, size, err.getvalue()])
print(json.dumps(report))
"""


@pytest.mark.parametrize("repeat", NASTY)
def test_no_rule_makes_a_command_hang_or_explode(repeat: str, tmp_path: Path) -> None:
    """Every command on a one-event calendar, in a subprocess with a timeout (the hang guard),
    uses under 2 s of CPU (CPU, not wall time: a loaded machine must not fail it; a hang
    guard, not a benchmark) and prints under 1 MB."""
    calendar = tmp_path / "one.toml"
    calendar.write_text(one_event(repeat, "2024-07-01T09:00:00"), encoding="utf-8")
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "COLUMNS": "100",
    }
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(calendar), json.dumps(COMMANDS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    codes = set()
    for args, code, used, size, err in json.loads(done.stdout):
        assert used < 2.0, (args, used)
        assert size < 1_000_000, (args, size)
        assert code in (0, 65), (args, code, err)
        assert "Traceback" not in err and "internal error" not in err, err
        codes.add(code)
    # 65 for a rule refused with its reason, by every command alike; else all succeed.
    assert codes in ({0}, {65}), codes


def test_a_rule_ending_beyond_the_horizon_gets_a_vtimezone_for_ever(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    # 99 999 Mondays and Tuesdays: the last is a thousand years off, more than last_start looks
    # (50 years); the zone's rules must then go on for ever, not stop a year after the start.
    text = (
        '[calendar]\nname = "Far"\ntimezone = "Europe/Berlin"\n[events.x]\ntitle = "X"\n'
        'date = 2024-07-01T10:00:00\nrepeat = "FREQ=WEEKLY;BYDAY=MO,TU;COUNT=99999"\n'
    )
    out = cica("export", "-c", str(write_calendar(text)), "-o", "-").out
    assert "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n" in out  # back to CET every October
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n" in out
