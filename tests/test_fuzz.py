"""Fuzzing: whatever the calendar holds, every command ends with exit 0 or 65, never an internal
error, a traceback or a hang; and when ``validate`` accepts a calendar, every command works with
it (issue 11, section 2).

Two sources of calendars: structured ones built by hypothesis from the parts of the format
(valid and broken dates, expressions, offsets, zones, repeat rules, lead times, texts), and byte
mutations of real calendars (the shipped one and one with every feature). Each goes through the
loader and every view in-process, with an alarm that turns a hang into a failure. The numbers of
examples keep this file to some 30 s in CI; ``CICA_FUZZ_EXAMPLES`` raises them for a long run.
"""

from __future__ import annotations

import os
import re
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cica_cli.cli import main

from .conftest import SHIPPED

EXAMPLES = int(os.environ.get("CICA_FUZZ_EXAMPLES", "0")) or None
#: Seconds one calendar may take through every command before it counts as a hang.
TIME_LIMIT = 20

EVERY_FEATURE = """\
[calendar]
name = "Fuzz"
timezone = "Asia/Almaty"
remind = ["7 days", "1 day"]
holidays = [2024-07-08]

[events.soc]
title = "SOC"
date = 2024-06-27T10:00
location = "Astana"
tags = ["soc", "x"]

[events.silence]
title = "Silence procedure"
kind = "procedure"
start = "soc"
duration = "2 weeks"

[events.paper]
title = "Paper"
kind = "deadline"
date = "soc.end + 10 working days"
remind = ["3 days"]
status = "done"

[events.weekly]
title = "Weekly call"
date = 2024-07-02T10:00:00
timezone = "Europe/Berlin"
repeat = "FREQ=WEEKLY;COUNT=10"

[events.period]
title = "Period"
kind = "period"
start = 2024-01-01
end = 2024-12-31
description = \"\"\"Two
lines\"\"\"
source = "https://example.org/a?b=1"
"""

AS_OF = ("2024-06-27", "2024-07-05T09:30", "0100-01-01", "9899-12-31T23:59")


class Hang(BaseException):
    """A calendar took longer than ``TIME_LIMIT`` (BaseException: cli.main must not catch it)."""


@pytest.fixture
def through_every_command(isolated_env: Path) -> Iterator[Callable[[bytes, str], None]]:
    """Run a calendar through the loader and every view; fail on anything but exit 0 or 65."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-", dir=isolated_env))

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no answer within {TIME_LIMIT} s")

    previous = signal.signal(signal.SIGALRM, alarm)

    def run(data: bytes, as_of: str) -> None:
        path = folder / "events.toml"
        path.write_bytes(data)
        ids = re.findall(rb"^\[events\.([A-Za-z0-9_-]+)\]", data, re.M)
        commands: list[tuple[str, ...]] = [
            ("validate",),
            ("upcoming", "--all"),
            ("upcoming", "--json", "--within", "1y"),
            ("next",),
            ("next", "--json"),
            ("timeline",),
            ("export", "-o", "-"),
            ("export", "-o", str(folder / "feed.ics")),
            ("remind", "--dry-run", "--to", "a@example.org", "--from", "c@example.org"),
        ]
        if ids:
            commands.append(("show", ids[0].decode(), "--json"))
            commands.append(("show", ids[-1].decode()))
        signal.alarm(TIME_LIMIT)
        try:
            code, err = _run(["validate", "-c", str(path)])
            assert code in (0, 65), (code, err, data)
            _no_crash(err, "validate", data)
            if code == 65:  # every other command refuses it too
                for args in commands[1:4]:
                    again, err = _run([*args, "-c", str(path), "--as-of", as_of])
                    assert again == 65, (args, again, err, data)
                return
            # validate said OK: every command must work, whatever the moment
            for args in commands[1:]:
                code, err = _run([*args, "-c", str(path), "--as-of", as_of])
                _no_crash(err, args[0], data)
                flag_refused = code == 2 and err.startswith("cica: --within 1y: ")  # near 9899
                assert code == 0 or flag_refused, (args, as_of, code, err, data)
        finally:
            signal.alarm(0)

    yield run
    signal.signal(signal.SIGALRM, previous)


def _no_crash(err: str, command: str, data: bytes) -> None:
    assert "internal error" not in err and "Traceback" not in err, (command, err, data)


def _run(args: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    err = io.StringIO()
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # with .buffer, for export -o -
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return code, err.getvalue()


# --------------------------------------------------------------------------------------------
# structured calendars
# --------------------------------------------------------------------------------------------

_IDS = ("a", "b", "c-1", "d_2")
_UNITS = ("day", "days", "d", "weeks", "w", "months", "m", "years", "y", "working days", "wd",
          "hours", "h", "minutes")  # fmt: skip


def _toml_string(text: str) -> str:
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in text)
    return f'"{escaped}"'


_numbers = st.one_of(
    st.integers(0, 40), st.integers(0, 10**6), st.integers(10**6, 10**30), st.just(2)
)
_offsets = st.one_of(
    st.builds(lambda n, u: f"{n} {u}", _numbers, st.sampled_from(_UNITS)),
    st.builds(lambda n: f"P{n}D", _numbers),
    st.builds(lambda n: f"PT{n}H", _numbers),
    st.builds(lambda n: f"P{n}Y", _numbers),
    st.text(max_size=8),
)
_dates = st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}")
_datetimes = st.builds(
    lambda d, h, m, z: f"{d}T{h:02d}:{m:02d}:00{z}",
    _dates,
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from(("", "Z", "+05:00", "-12:00", "+14:00")),
)
_expressions = st.builds(
    lambda ref, edge, sign, off: f"{ref}{edge} {sign} {off}" if off else f"{ref}{edge}",
    st.sampled_from((*_IDS, "zz")),
    st.sampled_from(("", ".start", ".end")),
    st.sampled_from(("+", "-")),
    st.one_of(st.just(""), _offsets),
)
_date_values = st.one_of(
    _dates, _datetimes, _expressions.map(_toml_string), _dates.map(_toml_string),
    st.just('"2024-02-30"'), st.integers(-5, 5).map(str),
)  # fmt: skip
_rules = st.one_of(
    st.builds(
        lambda f, extra: f"FREQ={f}{extra}",
        st.sampled_from(("DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "SECONDLY", "X")),
        st.sampled_from(("", ";COUNT=3", ";INTERVAL=1000", ";UNTIL=99991231", ";BYDAY=MO,FR",
                         ";BYMONTHDAY=31", ";COUNT=0", ";INTERVAL=0", ";UNTIL=20240101T000000Z",
                         ";BYSETPOS=-1;BYDAY=MO", ";BYMONTH=2;BYMONTHDAY=30")),
    ),
    st.text(max_size=12),
)  # fmt: skip
_zones = st.sampled_from(
    ("Asia/Almaty", "UTC", "Europe/Berlin", "America/New_York", "Pacific/Kiritimati",
     "Etc/GMT+12", "Nowhere/City", "", "asia/almaty")
)  # fmt: skip
_texts = st.text(max_size=30)


@st.composite
def _event(draw: st.DrawFn, event_id: str) -> str:
    lines = [f"[events.{event_id}]"]
    lines.append(f"title = {_toml_string(draw(_texts))}")
    shape = draw(st.sampled_from(("date", "span-end", "span-duration", "none", "both")))
    if shape in ("date", "both"):
        lines.append(f"date = {draw(_date_values)}")
    if shape in ("span-end", "span-duration", "both"):
        lines.append(f"start = {draw(_date_values)}")
        if shape == "span-end":
            lines.append(f"end = {draw(_date_values)}")
        else:
            lines.append(f"duration = {_toml_string(draw(_offsets))}")
    optional = {
        "kind": st.sampled_from(("meeting", "deadline", "period", "procedure", "party")).map(
            _toml_string
        ),
        "timezone": _zones.map(_toml_string),
        "location": _texts.map(_toml_string),
        "description": _texts.map(_toml_string),
        "tags": st.lists(_texts.map(_toml_string), max_size=3).map(
            lambda t: "[" + ", ".join(t) + "]"
        ),
        "status": st.sampled_from(("planned", "done", "cancelled", "maybe")).map(_toml_string),
        "remind": st.lists(_offsets.map(_toml_string), max_size=3).map(
            lambda t: "[" + ", ".join(t) + "]"
        ),
        "repeat": _rules.map(_toml_string),
    }
    for name in draw(st.lists(st.sampled_from(sorted(optional)), unique=True, max_size=5)):
        lines.append(f"{name} = {draw(optional[name])}")
    return "\n".join(lines) + "\n"


@st.composite
def calendars(draw: st.DrawFn) -> bytes:
    head = ["[calendar]", f"timezone = {_toml_string(draw(_zones))}"]
    if draw(st.booleans()):
        head.append(f"name = {_toml_string(draw(_texts))}")
    if draw(st.booleans()):
        leads = draw(st.lists(_offsets.map(_toml_string), max_size=3))
        head.append("remind = [" + ", ".join(leads) + "]")
    if draw(st.booleans()):
        days = draw(st.lists(_dates, max_size=3))
        head.append("holidays = [" + ", ".join(days) + "]")
    ids = draw(st.lists(st.sampled_from(_IDS), min_size=1, max_size=4, unique=True))
    body = [draw(_event(i)) for i in ids]
    return ("\n".join(head) + "\n\n" + "\n".join(body)).encode()


@settings(
    max_examples=EXAMPLES or 40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(calendars(), st.sampled_from(AS_OF))
def test_structured_calendars(
    through_every_command: Callable[[bytes, str], None], data: bytes, as_of: str
) -> None:
    through_every_command(data, as_of)


# --------------------------------------------------------------------------------------------
# byte mutations of real calendars
# --------------------------------------------------------------------------------------------

_TOKENS = (
    b"[", b"]", b"{", b"}", b"[[", b'"', b'"""', b"'", b"=", b"\n", b"#", b".", b",", b"-",
    b"\\u001b", b"\\n", b"\x00", b"\xff", b"\xe2\x80\xae", b"9999-12-31", b"0001-01-01",
    b"T23:59:59Z", b"+ 100000 years", b" + 10000000000000000000000000 days", b" - 1 wd",
    b"FREQ=SECONDLY", b";INTERVAL=0", b"P99999Y", b"soc", b"silence.end", b"date", b"start",
    b"end", b"duration", b"remind", b"repeat", b"timezone", b"[events.x]", b"[calendar]",
)  # fmt: skip


@st.composite
def mutations(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from((SHIPPED.read_bytes(), EVERY_FEATURE.encode()))))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(("token", "delete", "byte", "repeat")))
        if action == "token":
            data[at:at] = draw(st.sampled_from(_TOKENS))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif action == "byte":
            data[at : at + 1] = bytes([draw(st.integers(0, 255))])
        else:
            chunk = bytes(data[at : at + draw(st.integers(1, 60))])
            data[at:at] = chunk * draw(st.integers(1, 3))
    return bytes(data)


@settings(
    max_examples=EXAMPLES or 40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutations(), st.sampled_from(AS_OF))
def test_mutated_calendars(
    through_every_command: Callable[[bytes, str], None], data: bytes, as_of: str
) -> None:
    through_every_command(data, as_of)


def test_the_seeds_pass_unmutated(through_every_command: Callable[[bytes, str], None]) -> None:
    through_every_command(SHIPPED.read_bytes(), "2024-06-27")
    through_every_command(EVERY_FEATURE.encode(), "2024-07-05T09:30")
