"""The as-of view: statuses, repeats, timed items and the internal-error path."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from cica_cli.core.agenda import build_agenda, next_item
from cica_cli.core.dates import parse_offset
from cica_cli.core.loader import loads
from cica_cli.core.zones import get_zone

ALMATY = get_zone("Asia/Almaty")

CAL = b"""[calendar]
name = "t"
timezone = "Asia/Almaty"
[events.weekly]
title = "Weekly call"
date = 2024-07-02T10:00:00
repeat = "FREQ=WEEKLY;COUNT=10"
[events.talk]
title = "Talk"
start = 2024-07-03T09:00:00
end = 2024-07-03T11:30:00
[events.paper]
title = "Paper"
kind = "deadline"
date = 2024-07-05
[events.off]
title = "Cancelled meeting"
date = 2024-07-04
status = "cancelled"
"""


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=ALMATY)


def _agenda(as_of: str, **kw: object) -> dict[str, list[str]]:
    schedule = loads(CAL, "t.toml").schedule
    out: dict[str, list[str]] = {}
    for item in build_agenda(schedule, _at(as_of), **kw):  # type: ignore[arg-type]
        out.setdefault(item.id, []).append(f"{item.start:%Y-%m-%d %H:%M} {item.status}")
    return out


def test_repeats_show_the_next_occurrence_or_all_within() -> None:
    assert _agenda("2024-07-03T00:00")["weekly"] == ["2024-07-09 10:00 upcoming"]
    within = _agenda("2024-07-03T00:00", within=parse_offset("3 weeks"))["weekly"]
    assert within == [
        "2024-07-09 10:00 upcoming",
        "2024-07-16 10:00 upcoming",
        "2024-07-23 10:00 upcoming",
    ]
    assert "weekly" not in _agenda("2024-10-01T00:00")  # COUNT=10 has run out


def test_timed_items_are_over_when_their_end_instant_has_passed() -> None:
    assert _agenda("2024-07-03T08:00")["talk"] == ["2024-07-03 09:00 today"]
    assert _agenda("2024-07-03T10:00")["talk"] == ["2024-07-03 09:00 today"]
    assert "talk" not in _agenda("2024-07-03T11:31")
    # Seen from Baku (UTC+4) the talk is at 08:00 the same day.
    schedule = loads(CAL, "t.toml").schedule
    baku = dt.datetime(2024, 7, 3, 7, 0, tzinfo=get_zone("Asia/Baku"))
    talk = next(i for i in build_agenda(schedule, baku) if i.id == "talk")
    assert talk.start.astimezone(get_zone("Asia/Baku")).hour == 8


def test_deadlines_become_overdue_and_cancelled_items_stay_visible_until_their_day() -> None:
    assert _agenda("2024-07-04T00:00")["off"] == ["2024-07-04 00:00 cancelled"]
    assert "off" not in _agenda("2024-07-05T00:00")
    assert _agenda("2024-07-06T00:00")["paper"] == ["2024-07-05 00:00 overdue"]
    assert "paper" not in _agenda("2024-08-05T00:00")  # 31 days overdue: past
    # One rule everywhere (issue 10, section 6): seen with the past included it is past too.
    everything = _agenda("2024-08-04T00:00", include_past=True)
    assert everything["paper"] == ["2024-07-05 00:00 overdue"]  # 30 days: still overdue
    everything = _agenda("2024-08-05T00:00", include_past=True)
    assert everything["paper"] == ["2024-07-05 00:00 past"]


def test_next_prefers_what_is_still_to_start() -> None:
    schedule = loads(CAL, "t.toml").schedule
    item = next_item(build_agenda(schedule, _at("2024-07-03T10:00")))
    assert item is not None and item.id == "talk"  # today, still running
    item = next_item(build_agenda(schedule, _at("2024-07-03T12:00")))
    assert item is not None and item.id == "paper"


@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_is_exit_70_with_one_message_unless_debugging(debug: bool) -> None:
    code = (
        "import cica_cli.commands._runtime as v\n"
        "def boom(*a, **k): raise RuntimeError('boom')\n"
        "v.open_calendar = boom\n"
        "from cica_cli.cli import main\n"
        "main(['validate'])\n"
    )
    env = {"CICA_DEBUG": "1"} if debug else {}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": "", **env}
    )
    if debug:
        assert "Traceback" in done.stderr and done.returncode == 1
    else:
        assert done.returncode == 70
        assert done.stderr.startswith("cica: internal error: RuntimeError: boom")
        assert "Traceback" not in done.stderr


def test_a_deadline_stays_overdue_for_the_whole_window_seen_from_a_zone_two_days_ahead() -> None:
    # Due at 23:00 on 1 July in Pago Pago (UTC-11): 00:00 on 3 July in Kiritimati (UTC+14).
    schedule = loads(
        b'[calendar]\nname = "t"\ntimezone = "Pacific/Pago_Pago"\n'
        b'[events.late]\ntitle = "Late"\nkind = "deadline"\ndate = 2024-07-01T23:00:00\n',
        "t.toml",
    ).schedule
    kiritimati = get_zone("Pacific/Kiritimati")

    def seen(day: str) -> list[tuple[str, int]]:
        as_of = dt.datetime.fromisoformat(day).replace(tzinfo=kiritimati)
        return [(i.status, i.days_until_end) for i in build_agenda(schedule, as_of)]

    assert seen("2024-08-02T12:00") == [("overdue", -30)]  # 30 days after 3 July there
    assert seen("2024-08-03T12:00") == []


def test_kind_and_tag_filters_are_one_rule_for_every_view() -> None:
    from cica_cli.core.model import Event
    from cica_cli.core.schedule import picked

    ev = Event(title="x", kind="deadline", tags=("ict", "public"))
    none: frozenset[str] = frozenset()
    assert picked(ev, none, none)
    assert picked(ev, frozenset({"meeting", "deadline"}), frozenset({"other", "ict"}))  # any tag
    assert not picked(ev, frozenset({"meeting"}), none)
    assert not picked(ev, none, frozenset({"other"}))
    assert not picked(ev, frozenset({"deadline"}), frozenset({"other"}))  # both must hold
