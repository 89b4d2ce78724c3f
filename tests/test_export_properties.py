"""Property test: any text in titles, locations, descriptions, tags and the calendar name comes
back exactly from icalendar's parser (after cica's documented normalisation: CRLF and CR become
LF, and the control characters RFC 5545 TEXT cannot hold are dropped), and can never add a
property or a component.
"""

from __future__ import annotations

import datetime as dt
import re

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cica_cli.core.model import Calendar, CalendarSettings, Event
from cica_cli.core.resolve import resolve
from cica_cli.ical.export import ExportOptions, export_ics, normalize_text

from .test_export import unescape_text

STAMP = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)

# Every code point but surrogates, with the troublemakers made likely.
_HOSTILE = st.sampled_from(
    [
        *("\n", "\r", "\r\n", "\\", ";", ",", ":", '"', "\\n", "\\,", "\t", "\x00", "\x1b", "\x7f"),
        *("BEGIN:VEVENT", "END:VCALENDAR", "\r\nUID:x", "\nSUMMARY:y", " ", "\u0131", "ə", "Ж"),
        *("𝄞", "\u2028", "\u0085", "\ufeff"),
    ]
)
TEXT = st.lists(st.one_of(_HOSTILE, st.text(max_size=20)), max_size=30).map("".join)
NON_EMPTY = TEXT.filter(lambda s: len(s) > 0)


def _logical(data: bytes) -> list[str]:
    return re.sub(rb"\r\n[ \t]", b"", data).decode("utf-8").split("\r\n")[:-1]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=NON_EMPTY,
    title=NON_EMPTY,
    location=TEXT,
    description=TEXT,
    tag=TEXT,
    long=st.booleans(),
)
def test_hostile_text_round_trips_and_cannot_inject(
    name: str, title: str, location: str, description: str, tag: str, long: bool
) -> None:
    if long:  # a 10 000-character description made of the same material
        description = (description or "ə\r\n;") * (10_000 // max(len(description), 1) + 1)
        description = description[:10_000]
    event = Event(
        title=title,
        date=dt.date(2024, 6, 27),
        location=location or None,
        description=description or None,
        tags=(tag,) if tag else (),
    )
    calendar = Calendar(
        calendar=CalendarSettings(name=name, timezone="Asia/Almaty"), events={"e": event}
    )
    data = export_ics(resolve(calendar), STAMP, ExportOptions(alarms=()))

    # The bytes: CRLF only, folded at 75 octets on character boundaries.
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert re.search(rb"(?<!\r)\n|\r(?!\n)", data) is None
    for line in data.split(b"\r\n")[:-1]:
        assert len(line) <= 75
        line.decode("utf-8")

    # Structure: exactly one calendar holding exactly one event and nothing else.
    lines = _logical(data)
    assert [x for x in lines if x.startswith(("BEGIN:", "END:"))] == [
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    cal = icalendar.Calendar.from_ical(data)
    assert [c.name for c in cal.walk()] == ["VCALENDAR", "VEVENT"]
    (vevent,) = cal.walk("VEVENT")
    expected = {"UID", "DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "DTSTART", "DTEND", "CATEGORIES"}
    expected |= {"STATUS", "TRANSP"}
    texts = {
        "SUMMARY": normalize_text(title),
        "LOCATION": normalize_text(location),
        "DESCRIPTION": normalize_text(description),
    }
    expected |= {k for k, v in texts.items() if v}
    assert set(vevent.keys()) == expected
    calprops = {"VERSION", "PRODID", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME"}
    calprops |= {"X-WR-CALDESC", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"}
    assert set(cal.keys()) == calprops

    # The text, exactly.
    for key, value in texts.items():
        if value:
            assert str(vevent[key]) == value, key
    categories = [str(c) for c in vevent["CATEGORIES"].cats]
    tag_text = normalize_text(tag)
    assert categories == ["meeting"] + ([tag_text] if tag_text and tag_text != "meeting" else [])
    assert unescape_text(str(cal["X-WR-CALNAME"])) == normalize_text(name)
    assert vevent.decoded("DTSTART") == dt.date(2024, 6, 27)
    assert str(vevent["UID"]).startswith("e.")


def test_normalisation_is_what_rfc_5545_text_can_hold() -> None:
    assert normalize_text("a\r\nb\rc\nd") == "a\nb\nc\nd"
    assert normalize_text("tab\there\x00\x07\x1b\x7f end") == "tab\there end"
    # U+2028, U+2029 and NEL are line breaks to many readers (and to Python): written as LF
    assert normalize_text("ə Ж 𝄞 \u2028 \u0085") == "ə Ж 𝄞 \n \n"
    # escape sequences go whole, bidi overrides and C1 controls go (the rule of core/safe_text)
    assert normalize_text("a\x1b]52;c;aGk=\x07b\u202ec\x9b31md") == "abcd"
