"""Every exported alarm fires on the day the reminder mail for it goes out.

The mail's plan is ``remind.due`` run as cron would run it (every hour, a ledger remembering
what was sent); the alarms are read and fired by a real parser, ``icalendar`` (its
``Alarms``, which knows ``RELATED=END`` and the exclusive DTEND of a whole-day event), each
occurrence of a repeating event expanded from the exported RRULE and EXDATE.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import icalendar
from dateutil.rrule import rrulestr

from cica_cli.core.loader import loads
from cica_cli.core.model import END_ANCHORED_KINDS
from cica_cli.core.schedule import Schedule
from cica_cli.ical.export import export_ics
from cica_cli.remind.due import Entry, Key, due_reminders
from cica_cli.remind.settings import Address

from .conftest import SHIPPED

STAMP = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
DESK = Address("desk@example.org")

# Whole days and timed items, spans and points, start- and end-anchored kinds, leads in months,
# days and hours, a change of clocks (Berlin, 27 Oct 2024) under a lead, repeats with `except`.
CALENDAR = """\
[calendar]
name = "Alarms"
timezone = "Europe/Berlin"
remind = ["30 days", "7 days", "1 day"]

[events.conference]
title = "Conference"
kind = "conference"
date = 2024-11-05
remind = ["1 month", "7 days"]

[events.consultation]
title = "Consultation"
kind = "procedure"
start = 2024-10-01
end = 2024-10-31
remind = ["1 month", "7 days", "1 day"]

[events.late-deadline]
title = "Filing closes at 23:30"
kind = "deadline"
date = 2024-10-28T23:30:00
remind = ["7 days", "1 day"]

[events.drafting]
title = "Drafting window"
kind = "period"
start = 2024-10-21T09:00:00
end = 2024-10-30T23:30:00
remind = ["7 days", "2h"]

[events.call]
title = "Weekly call"
date = 2024-10-01T10:00:00
repeat = "FREQ=WEEKLY;COUNT=8"
except = [2024-10-15]
remind = ["7 days", "1 day"]

[events.month-end]
title = "Monthly return"
kind = "deadline"
date = 2024-08-31
repeat = "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=5"
except = [2024-10-31]
remind = ["1 month", "7 days", "1 day"]

[events.almaty-daily]
title = "Morning brief"
date = 2024-10-01T09:00:00
timezone = "Asia/Almaty"
repeat = "FREQ=DAILY;UNTIL=20241005T060000Z"
remind = ["1 day"]

[events.cancelled]
title = "Cancelled"
date = 2024-10-20
status = "cancelled"
"""

FIRST_RUN = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
LAST_RUN = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
#: Occurrences compared: those whose anchor day falls here (every lead then falls in the runs).
WINDOW = (dt.date(2024, 7, 5), dt.date(2024, 12, 31))

Plan = dict[tuple[str, dt.date], set[dt.date]]  # (event id, anchor day) -> days


def _schedule(text: str) -> Schedule:
    return loads(text.encode("utf-8"), "test.toml").schedule


def mail_plan(schedule: Schedule) -> Plan:
    """The day each reminder mail goes out, running ``remind`` every hour with a ledger."""
    ledger: dict[Key, Entry] = {}
    sent: Plan = defaultdict(set)
    now = FIRST_RUN
    while now < LAST_RUN:
        for r in due_reminders(schedule, now, [DESK], ledger):
            ledger[r.key] = Entry("sent")
            day = now.astimezone(r.event.zone).date() if r.lead.has_time else now.date()
            sent[r.event.id, r.anchor_day].add(day)
        now += dt.timedelta(hours=1)
    return dict(sent)


def alarm_plan(ics: bytes, schedule: Schedule) -> Plan:
    """The day (in the event's zone; a whole-day event's alarms are floating) each alarm
    fires, as icalendar computes it, for every occurrence."""
    fired: Plan = defaultdict(set)
    for event in icalendar.Calendar.from_ical(ics).walk("VEVENT"):
        event_id = str(event["UID"]).split(".")[0]
        resolved = schedule.events[event_id]
        for occurrence in _occurrences(event):
            start = occurrence.DTSTART
            end = occurrence.DTEND if "DTEND" in occurrence else start  # a timed point
            if resolved.event.kind in END_ANCHORED_KINDS:
                anchor = end - dt.timedelta(days=1) if not isinstance(end, dt.datetime) else end
            else:
                anchor = start
            anchor_day = _day(anchor, resolved.zone)
            for alarm in occurrence.alarms.times:
                fired[event_id, anchor_day].add(_day(alarm.trigger, resolved.zone))
    return dict(fired)


def _day(point: Any, zone: dt.tzinfo) -> dt.date:
    if isinstance(point, dt.datetime):
        return point.astimezone(zone).date()
    assert isinstance(point, dt.date)
    return point


def _occurrences(event: Any) -> list[Any]:
    """The event, or a copy of it per occurrence of its RRULE (EXDATE removed)."""
    if "RRULE" not in event:
        return [event]
    start = event.DTSTART
    length = event.DTEND - start if "DTEND" in event else None
    anchor = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=anchor)
    skipped: set[Any] = set()
    exdates = event.get("EXDATE", [])
    for line in exdates if isinstance(exdates, list) else [exdates]:
        for value in line.dts:
            skipped.add(value.dt)
    copies = []
    for when in rule:
        day_or_time = when if isinstance(start, dt.datetime) else when.date()
        if day_or_time in skipped:
            continue
        copy = icalendar.Event.from_ical(event.to_ical())
        moved = [("DTSTART", day_or_time)]
        if length is not None:
            moved.append(("DTEND", day_or_time + length))
        for name, value in moved:
            del copy[name]
            copy.add(name, value)
        copies.append(copy)
    return copies


def _in_window(plan: Plan) -> Plan:
    return {k: v for k, v in plan.items() if WINDOW[0] <= k[1] <= WINDOW[1]}


def test_every_alarm_of_a_test_calendar_fires_on_its_mail_day() -> None:
    schedule = _schedule(CALENDAR)
    mails = _in_window(mail_plan(schedule))
    alarms = _in_window(alarm_plan(export_ics(schedule, STAMP), schedule))
    # A lead in months has no single length in days over a repeat's occurrences: only the
    # mail reminds of it (documented); every other reminder is both a mail and an alarm.
    month_lead = {
        (key, day)
        for key, days in mails.items()
        if key[0] == "month-end"
        for day in days
        if day.day == key[1].day or day == key[1].replace(day=1) - dt.timedelta(days=1)
    }
    expected = defaultdict(set)
    for key, days in mails.items():
        expected[key] = {d for d in days if (key, d) not in month_lead}
    assert alarms == dict(expected)
    # The cases this was written for, spelled out:
    assert alarms["consultation", dt.date(2024, 10, 31)] == {
        dt.date(2024, 9, 30),  # 1 month before the last day, not before the start
        dt.date(2024, 10, 24),
        dt.date(2024, 10, 30),
    }
    assert alarms["late-deadline", dt.date(2024, 10, 28)] == {
        dt.date(2024, 10, 21),  # 23:30 CEST, not 00:30 on the 22nd (clocks changed between)
        dt.date(2024, 10, 27),
    }
    assert ("call", dt.date(2024, 10, 15)) not in alarms  # the skipped call rings no alarm
    assert ("month-end", dt.date(2024, 10, 31)) not in alarms
    assert len([k for k in alarms if k[0] == "almaty-daily"]) == 5  # UNTIL 06:00Z = 11:00
    assert not any(k[0] == "cancelled" for k in alarms)


def test_every_alarm_of_the_shipped_calendar_fires_on_its_mail_day() -> None:
    schedule = _schedule(SHIPPED.read_text(encoding="utf-8"))
    mails = _in_window(mail_plan(schedule))
    alarms = _in_window(alarm_plan(export_ics(schedule, STAMP), schedule))
    assert alarms == mails
    silence = [k for k in alarms if k[0] == "env-outcome-silence"]
    assert silence and dt.date(2024, 7, 4) in alarms[silence[0]]  # "ends in 7 days", 4 July


def test_the_mails_calendar_attachment_has_the_same_alarms(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [
            *(sys.executable, "-m", "cica_cli", "remind", "-c", str(SHIPPED)),
            *("--to", "desk@example.org", "--from", "cica@example.org"),
            *("--as-of", "2024-07-04", "--dry-run"),
        ],
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"# message 1 of 1:")  # the dry run's header line
    raw = done.stdout.split(b"\n", 1)[1]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert parts, done.stdout[:500]
    ics = parts[0].get_payload(decode=True)
    schedule = _schedule(SHIPPED.read_text(encoding="utf-8"))
    alarms = alarm_plan(ics, schedule)
    silence = alarms["env-outcome-silence", dt.date(2024, 7, 11)]
    assert dt.date(2024, 7, 4) in silence  # the day this very mail says "ends in 7 days"
    mails = mail_plan(schedule)
    for key, days in alarms.items():
        assert days == mails[key], key
