# ruff: noqa: RUF001 - Azerbaijani text uses the dotless i (U+0131) on purpose
"""``cica export``: the bytes, the read-back, the stamps and revisions, the command line.

The external validator (six parsers and khal) runs in ``test_export_validate.py``; the hostile
text property test is in ``test_export_properties.py``. ``EVERY_FEATURE`` here is the calendar
both use.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import zoneinfo
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import icalendar
import pytest

from cica_cli import __version__
from cica_cli.core import safe_text
from cica_cli.errors import ExitCode
from cica_cli.ical import draft as ics_draft
from cica_cli.ical.conform import _fold
from cica_cli.ical.export import default_filename, stable_uid

from .conftest import GOLDEN, REGEN, ROOT, SHIPPED, Result

Cica = Callable[..., Result]
UTC = dt.UTC
EPOCH = 1717200000  # 2024-06-01T00:00:00Z

_LONG_TEXT = (
    "Совещание министров иностранных дел государств-членов СВМДА; "
    "Azərbaycan Respublikası Xarici İşlər Nazirliyi, ğüşıöç ƏəĞğİıÖöŞşÇçÜü. "
)
LONG_DESCRIPTION = (_LONG_TEXT * 80)[:10_000]

#: A calendar that uses every feature the export has to get right.
EVERY_FEATURE = (
    r'''
[calendar]
name = "Ülkə; тест, \\ \"cal\""
description = "Every feature: zones, repeats, cancelled, alarms, hostile text"
timezone = "Asia/Almaty"
remind = ["7 days", "1 day"]

[events.soc]
title = "SOC in Astana"
date = "2024-06-27T10:00"
location = "Astana, Kazakhstan"
source = "https://s-cica.org/index.php?view=page&t=press_releases&id=2128;x=1,2"

[events.silence]
title = "Silence procedure"
kind = "procedure"
start = "soc-day"
duration = "2 weeks"

[events.soc-day]
title = "SOC day"
date = 2024-06-27

[events.baku]
title = "Bakı nazirlər şurası: Azərbaycan Respublikası Xarici İşlər Nazirliyi ğüşıöç ƏəĞğİıÖöŞşÇçÜü"
date = 2024-11-11T10:00:00
timezone = "Asia/Baku"
location = "Bakı, Azərbaycan"
description = """Совещание министров иностранных дел государств-членов СВМДА в Баку, \
Азербайджан. Повестка дня: обзор мер доверия, трансформация СВМДА, подготовка итоговых \
документов."""
remind = ["2 weeks", "2h"]

[events.weekly-baku]
title = "Weekly call (Baku)"
start = 2024-07-01T10:00:00
duration = "1h"
timezone = "Asia/Baku"
repeat = "FREQ=WEEKLY;COUNT=10"
except = [2024-07-15, 2024-07-29]

[events.weekly-almaty]
title = "Weekly call (Astana)"
start = 2024-07-02T10:00:00
duration = "90 min"
repeat = "FREQ=WEEKLY;UNTIL=20241231T100000"

[events.weekly-berlin]
title = "Weekly call (Berlin, summer time)"
start = 2024-03-04T09:30:00
duration = "30 min"
timezone = "Europe/Berlin"
repeat = "FREQ=WEEKLY;BYDAY=MO"

[events.monthly-report]
title = "Monthly report"
kind = "deadline"
date = 2024-01-31
repeat = "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20241231"
except = [2024-05-31]

[events.cancelled]
title = "Cancelled workshop"
kind = "conference"
date = 2024-09-15
status = "cancelled"

[events.consensus]
title = "Consensus on the draft decision"
kind = "deadline"
date = "baku"
tags = ["ministerial", "a,b;c"]
remind = ["1 month"]

[events.hostile]
title = "Evil\nBEGIN:VEVENT\r\nUID:x\rEND:VCALENDAR; a, b \\ c \\n d\u0007\u0000 tab\tend"
date = 2024-10-01
location = "Line 1\nSUMMARY:injected"
description = """Multi
line; with, commas \\ and \\n and
END:VEVENT
BEGIN:VALARM
a control \u001b char"""
source = "https://example.org/a b?q=1\nX-INJECT:1"
'''
    + f'''
[events.long]
title = "{"Длинное описание / Uzun təsvir " * 3}"
date = 2024-08-28
description = "{LONG_DESCRIPTION}"
'''
)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def logical_lines(data: bytes) -> list[str]:
    """Unfold (CRLF + one space or tab) and split into content lines."""
    return re.sub(rb"\r\n[ \t]", b"", data).decode("utf-8").split("\r\n")[:-1]


def vevents(data: bytes) -> dict[str, list[str]]:
    """Event id -> its content lines (VALARM lines included), from the UID."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in logical_lines(data):
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT" and current is not None:
            uid = next(x for x in current if x.startswith("UID:"))[4:]
            found[uid.split(".")[0]] = current
            current = None
        elif current is not None:
            current.append(line)
    return found


def prop(lines: list[str], name: str) -> str:
    """The value of the first ``name`` property (parameters included in the match)."""
    for line in lines:
        if re.match(rf"{re.escape(name)}[;:]", line):
            return line.split(":", 1)[1]
    raise KeyError(name)


def unescape_text(value: str) -> str:
    """RFC 5545 3.3.11 TEXT unescaping, in one pass."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def by_id(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]).split(".")[0]: e for e in cal.walk("VEVENT")}


def _old_database(tmp_path: Path) -> Path:
    """A tz database where Asia/Almaty is still UTC+6, as before IANA 2024a."""
    db = tmp_path / "oldtz"
    (db / "Asia").mkdir(parents=True)
    gmt_minus_6 = resources.files("tzdata") / "zoneinfo" / "Etc" / "GMT-6"
    with resources.as_file(gmt_minus_6) as source:
        shutil.copy(source, db / "Asia" / "Almaty")
    return db


@pytest.fixture
def export(cica: Cica, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., bytes]:
    """Export a calendar text (default: EVERY_FEATURE) with SOURCE_DATE_EPOCH set; the bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))

    def run(text: str = EVERY_FEATURE, *args: str) -> bytes:
        cal = tmp_path / "export-input.toml"
        cal.write_text(text, encoding="utf-8")
        out = tmp_path / "export-output.ics"
        out.unlink(missing_ok=True)
        result = cica("export", "-c", str(cal), "-o", str(out), *args)
        assert result.code == 0, result.err
        return out.read_bytes()

    return run


@pytest.fixture
def every(export: Callable[..., bytes]) -> bytes:
    return export()


# --------------------------------------------------------------------------------------------
# bytes
# --------------------------------------------------------------------------------------------


def test_crlf_everywhere_including_after_end_vcalendar(every: bytes) -> None:
    assert every.endswith(b"END:VCALENDAR\r\n")
    assert re.search(rb"(?<!\r)\n", every) is None, "bare LF"
    assert re.search(rb"\r(?!\n)", every) is None, "bare CR"
    assert every.count(b"\r\n") == len(every.split(b"\r\n")) - 1


def test_utf8_without_bom(every: bytes) -> None:
    assert every.startswith(b"BEGIN:VCALENDAR\r\n")
    assert not every.startswith(b"\xef\xbb\xbf")
    every.decode("utf-8")  # strict


def test_lines_fold_at_75_octets_without_splitting_a_character(every: bytes) -> None:
    physical = every.split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) <= 75
    for line in physical:
        line.decode("utf-8")  # each physical line on its own: no character split by a fold
    # The 10 000-character description really was folded, and unfolds to what was written.
    long = vevents(every)["long"]
    description = prop(long, "DESCRIPTION")
    assert description.startswith(LONG_DESCRIPTION[:40].replace(";", "\\;").replace(",", "\\,"))
    continuations = [line for line in physical if line.startswith(b" ")]
    assert len(continuations) > 200
    assert any(len(line) in (74, 75) and line[1:].decode()[0] > "\x7f" for line in continuations)


@pytest.mark.parametrize(
    "text",
    [
        "a" * 200,
        "Ж" * 100,  # 2 octets each
        "ğ" * 37 + "x" + "ş" * 100,  # odd alignment
        "𝄞" * 60,  # 4 octets each
        "DESCRIPTION:" + "é€𝄞a" * 50,
    ],
)
def test_fold_unit(text: str) -> None:
    parts = list(_fold(text))
    assert all(len(p) <= 75 for p in parts)
    assert all(p.startswith(b" ") for p in parts[1:])
    assert b"".join([parts[0], *(p[1:] for p in parts[1:])]).decode("utf-8") == text
    assert all(len(p) > 71 for p in parts[:-1])  # folds as late as the character allows


def test_text_is_escaped_and_cr_never_written(every: bytes) -> None:
    hostile = vevents(every)["hostile"]
    # A title and a place are one line (core/safe_text.py); a description keeps its lines.
    assert prop(hostile, "SUMMARY") == (
        r"Evil BEGIN:VEVENT UID:x END:VCALENDAR\; a\, b \\ c \\n d tab end"
    )
    assert prop(hostile, "LOCATION") == r"Line 1 SUMMARY:injected"
    assert prop(hostile, "DESCRIPTION").startswith(
        r"Multi\nline\; with\, commas \\ and \\n and\nEND:VEVENT\nBEGIN:VALARM\na control  char"
    )
    assert b"\\r" not in every and b"\x07" not in every and b"\x00" not in every
    # The injected lines stayed inside their values: one VEVENT per event, no stray UID.
    assert every.count(b"\r\nBEGIN:VEVENT\r\n") == len(vevents(every)) == 12
    assert not any(line.startswith(("UID:x", "SUMMARY:injected", "X-INJECT")) for line in hostile)


def test_url_is_raw_not_text_escaped(every: bytes) -> None:
    events = vevents(every)
    assert (
        prop(events["soc"], "URL")
        == "https://s-cica.org/index.php?view=page&t=press_releases&id=2128;x=1,2"
    )
    # What a URI cannot hold is percent-encoded, so a hostile source cannot break the line (its
    # line break is a space already: a source is one line, core/safe_text.py).
    assert prop(events["hostile"], "URL") == "https://example.org/a%20b?q=1%20X-INJECT:1"
    assert "\\" not in "".join(line for line in logical_lines(every) if line.startswith("URL"))


# --------------------------------------------------------------------------------------------
# what the file says
# --------------------------------------------------------------------------------------------


def test_feed_headers(every: bytes) -> None:
    lines = logical_lines(every)
    first_component = next(i for i, line in enumerate(lines[1:], 1) if line.startswith("BEGIN:"))
    header = lines[1:first_component]
    major_minor = ".".join(__version__.split(".")[:2])
    assert header[:2] == ["VERSION:2.0", f"PRODID:-//cica//cica {major_minor}//EN"]
    assert "METHOD:PUBLISH" in header
    assert r'X-WR-CALNAME:Ülkə\; тест\, \\ "cal"' in header
    assert r'NAME:Ülkə\; тест\, \\ "cal"' in header
    assert r"X-WR-CALDESC:Every feature: zones\, repeats\, cancelled\, alarms\, hostile text" in (
        header
    )
    assert "REFRESH-INTERVAL;VALUE=DURATION:P1D" in header
    assert "X-PUBLISHED-TTL:P1D" in header
    # Parsers hand X- and RFC 7986 properties over raw; read as TEXT they give the name back.
    cal = parse(every)
    for name in ("X-WR-CALNAME", "NAME"):
        assert unescape_text(str(cal[name])) == 'Ülkə; тест, \\ "cal"'


def test_shipped_calendar_silence_procedure_is_27_june_to_11_july_inclusive(
    cica: Cica, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    out = tmp_path / "cica.ics"
    assert cica("export", "-c", str(SHIPPED), "-o", str(out)).code == 0
    data = out.read_bytes()
    silence = vevents(data)["env-outcome-silence"]
    assert "DTSTART;VALUE=DATE:20240627" in silence
    assert "DTEND;VALUE=DATE:20240712" in silence
    event = by_id(parse(data))["env-outcome-silence"]
    assert event.decoded("DTSTART") == dt.date(2024, 6, 27)
    assert event.decoded("DTEND") == dt.date(2024, 7, 12)  # exclusive: 11 July is the last day
    assert not isinstance(event.decoded("DTSTART"), dt.datetime)
    description = str(event["DESCRIPTION"])
    assert "= soc-astana-2024-06 + 2 weeks" in description
    assert "start = soc-astana-2024-06 (2024-06-27)" in description
    # Every item of the shipped calendar is a whole day: none shifted by the +05 zone.
    soc = by_id(parse(data))["soc-astana-2024-06"]
    assert soc.decoded("DTSTART") == dt.date(2024, 6, 27)
    assert soc.decoded("DTEND") == dt.date(2024, 6, 28)
    deadline = by_id(parse(data))["cbm-modalities-consensus"]
    assert deadline.decoded("DTSTART") == dt.date(2024, 11, 11)
    assert [str(c) for c in deadline["CATEGORIES"].cats] == [
        "deadline",
        "transformation",
        "ministerial",
    ]


def test_timed_items_land_at_the_right_instant(every: bytes) -> None:
    events = by_id(parse(every))
    assert events["soc"].decoded("DTSTART") == dt.datetime(2024, 6, 27, 5, 0, tzinfo=UTC)
    assert events["baku"].decoded("DTSTART") == dt.datetime(2024, 11, 11, 6, 0, tzinfo=UTC)
    # "the day of the Baku meeting": a deadline computed from a timed event keeps its instant.
    assert events["consensus"].decoded("DTSTART") == dt.datetime(2024, 11, 11, 6, tzinfo=UTC)
    # A span from a whole day stays whole days; "2 weeks" is 14 days: 27 June to 10 July, so the
    # exclusive DTEND is 11 July.
    assert events["silence"].decoded("DTEND") == dt.date(2024, 7, 11)


def test_right_instant_even_with_an_old_host_tz_database(tmp_path: Path) -> None:
    # Exported in a process whose zoneinfo search path has Almaty at +06 (pre-2024a).
    cal = tmp_path / "cal.toml"
    cal.write_text(EVERY_FEATURE, encoding="utf-8")
    out = tmp_path / "old-db.ics"
    env = {**os.environ, "PYTHONTZPATH": str(_old_database(tmp_path)), "SOURCE_DATE_EPOCH": "0"}
    control = subprocess.run(
        [sys.executable, "-c", "import zoneinfo, datetime as d; print(d.datetime(2024, 6, 27, "
         "10, tzinfo=zoneinfo.ZoneInfo('Asia/Almaty')).utcoffset())"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert control.stdout.strip() == "6:00:00"  # the trap is really set
    subprocess.run(
        [sys.executable, "-m", "cica_cli", "export", "-c", str(cal), "-o", str(out)],
        env=env,
        check=True,
        capture_output=True,
    )
    data = out.read_bytes()
    events = by_id(parse(data))
    assert prop(vevents(data)["soc"], "DTSTART") == "20240627T050000Z"
    assert events["soc"].decoded("DTSTART") == dt.datetime(2024, 6, 27, 5, 0, tzinfo=UTC)
    # The zone written for the repeating Astana call is +05 too, from tzdata.
    lines = logical_lines(data)
    almaty = lines[lines.index("TZID:Asia/Almaty") : lines.index("END:VTIMEZONE")]
    assert {x for x in almaty if x.startswith("TZOFFSET")} == {
        "TZOFFSETFROM:+0500",
        "TZOFFSETTO:+0500",
    }


def test_every_tzid_has_its_vtimezone_and_it_matches_tzdata(every: bytes) -> None:
    lines = logical_lines(every)
    used = {m.group(1) for line in lines for m in re.finditer(r";TZID=([^;:]+)", line)}
    defined = {line[5:] for line in lines if line.startswith("TZID:")}
    assert used == defined == {"Asia/Almaty", "Asia/Baku", "Europe/Berlin"}
    events = vevents(every)
    assert prop(events["weekly-berlin"], "DTSTART;TZID=Europe/Berlin") == "20240304T093000"
    assert prop(events["weekly-baku"], "DTEND;TZID=Asia/Baku") == "20240701T110000"
    # Read the VTIMEZONEs as a parser would, without its own database, and compare every
    # instant (hourly around each change) with tzdata, through 2050 for the open-ended rule.
    for vtz in parse(every).walk("VTIMEZONE"):
        name = str(vtz["TZID"])
        theirs = vtz.to_tz(lookup_tzid=False)
        ours = zoneinfo.ZoneInfo(name)
        start = dt.datetime(2024, 7, 1, tzinfo=UTC)
        end = dt.datetime(2051 if name == "Europe/Berlin" else 2025, 1, 1, tzinfo=UTC)
        moment = start
        while moment < end:
            checks = [moment + dt.timedelta(hours=h) for h in range(0, 24 * 7, 1)]
            for t in checks if moment.month in (3, 10) else checks[:1]:
                assert t.astimezone(theirs).utcoffset() == t.astimezone(ours).utcoffset(), (
                    name,
                    t,
                )
            moment += dt.timedelta(days=7)


def test_repeats_carry_their_rrule_in_the_form_rfc_5545_wants(every: bytes) -> None:
    events = vevents(every)
    assert prop(events["weekly-baku"], "RRULE") == "FREQ=WEEKLY;COUNT=10"
    assert prop(events["weekly-berlin"], "RRULE") == "FREQ=WEEKLY;BYDAY=MO"
    # All-day: UNTIL is a DATE. Zoned: UNTIL is UTC (10:00 Astana = 05:00Z).
    assert prop(events["monthly-report"], "RRULE") == "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20241231"
    assert prop(events["weekly-almaty"], "RRULE") == "FREQ=WEEKLY;UNTIL=20241231T050000Z"
    rule = by_id(parse(every))["weekly-almaty"]["RRULE"]
    assert rule["UNTIL"] == [dt.datetime(2024, 12, 31, 5, tzinfo=UTC)]


def test_cancelled_events_say_so_and_have_no_alarms(every: bytes) -> None:
    events = vevents(every)
    assert prop(events["cancelled"], "STATUS") == "CANCELLED"
    assert "BEGIN:VALARM" not in events["cancelled"]
    assert prop(events["soc"], "STATUS") == "CONFIRMED"


def test_categories_name_the_kind_then_the_tags(every: bytes) -> None:
    events = vevents(every)
    assert prop(events["consensus"], "CATEGORIES") == r"deadline,ministerial,a\,b\;c"
    assert prop(events["soc"], "CATEGORIES") == "meeting"
    assert prop(events["consensus"], "TRANSP") == "TRANSPARENT"  # a deadline blocks no time
    assert prop(events["soc"], "TRANSP") == "OPAQUE"


def test_alarms_follow_the_properties_with_triggers_in_days(every: bytes) -> None:
    for lines in vevents(every).values():
        if "BEGIN:VALARM" not in lines:
            continue
        first = lines.index("BEGIN:VALARM")
        assert all(
            line.startswith(("BEGIN:VALARM", "END:VALARM", "ACTION", "TRIGGER", "DESCRIPTION"))
            for line in lines[first:]
        ), lines
    events = vevents(every)
    soc = events["soc"]
    alarm = soc[soc.index("BEGIN:VALARM") :]
    assert alarm[:4] == [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-P7D",
        "DESCRIPTION:Reminder: SOC in Astana",
    ]
    assert [x for x in soc if x.startswith("TRIGGER")] == ["TRIGGER:-P7D", "TRIGGER:-P1D"]
    assert [x for x in events["baku"] if x.startswith("TRIGGER")] == [
        "TRIGGER:-P14D",
        "TRIGGER:-PT2H",
    ]
    # "1 month" before 11 November is 31 days, exactly.
    assert [x for x in events["consensus"] if x.startswith("TRIGGER")] == ["TRIGGER:-P31D"]
    assert b"P1W" not in every
    alarms = by_id(parse(every))["soc"].walk("VALARM")
    assert [a.decoded("TRIGGER") for a in alarms] == [-dt.timedelta(days=7), -dt.timedelta(1)]


def test_alarm_options(export: Callable[..., bytes]) -> None:
    chosen = vevents(export(EVERY_FEATURE, "--alarm", "1d", "--alarm", "7d", "--alarm", "3h"))
    for event_id in ("soc", "baku", "consensus"):  # from the start (a timed point: no DTEND)
        triggers = [x for x in chosen[event_id] if x.startswith("TRIGGER")]
        assert triggers == ["TRIGGER:-P7D", "TRIGGER:-P1D", "TRIGGER:-PT3H"], event_id
    # A whole-day deadline's alarms count from its exclusive DTEND, the day after: a day more.
    triggers = [x for x in chosen["monthly-report"] if x.startswith("TRIGGER")]
    assert triggers == [
        "TRIGGER;RELATED=END:-P8D",
        "TRIGGER;RELATED=END:-P2D",
        "TRIGGER;RELATED=END:-P1DT3H",
    ]
    none = export(EVERY_FEATURE, "--no-alarms")
    assert b"VALARM" not in none


def test_description_keeps_the_computation(every: bytes) -> None:
    events = by_id(parse(every))
    silence = str(events["silence"]["DESCRIPTION"])
    assert silence == (
        "Dates computed by cica:\n"
        "start = soc-day (2024-06-27)\n"
        "end = start + 2 weeks = soc-day + 2 weeks (2024-07-10, the last day)"
    )
    consensus = str(events["consensus"]["DESCRIPTION"])
    assert consensus == "Dates computed by cica:\ndate = baku (2024-11-11 10:00 Asia/Baku)"
    soc = str(events["soc"]["DESCRIPTION"])
    assert soc == "Source: https://s-cica.org/index.php?view=page&t=press_releases&id=2128;x=1,2"


def test_long_and_non_latin_text_reads_back_exactly(every: bytes) -> None:
    events = by_id(parse(every))
    assert str(events["long"]["DESCRIPTION"]) == LONG_DESCRIPTION
    assert len(LONG_DESCRIPTION) == 10_000
    assert str(events["baku"]["SUMMARY"]).endswith("ğüşıöç ƏəĞğİıÖöŞşÇçÜü")
    hostile = events["hostile"]
    # a title is one line (core/safe_text.py), as it will read back
    assert str(hostile["SUMMARY"]) == safe_text.line(
        "Evil\nBEGIN:VEVENT\r\nUID:x\rEND:VCALENDAR; a, b \\ c \\n d\x07\x00 tab\tend"
    )
    assert str(hostile["SUMMARY"]).count("\n") == 0


def test_golden_every_feature(every: bytes) -> None:
    """The whole file, byte for byte (CICA_REGEN_GOLDEN=1 rewrites it after a deliberate change)."""
    path = GOLDEN / "export-every-feature.ics"
    if REGEN:
        path.write_bytes(every)
    assert path.exists(), f"missing golden file {path}; run with CICA_REGEN_GOLDEN=1"
    assert every == path.read_bytes()


def test_same_bytes_when_the_serializer_memo_starts_again(
    every: bytes, export: Callable[..., bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 100 000-event export refills the memo many times; each refill must change nothing.
    monkeypatch.setattr(ics_draft, "_MEMO_SIZE", 1)
    assert export() == every


# --------------------------------------------------------------------------------------------
# UIDs, stamps and revisions
# --------------------------------------------------------------------------------------------


def test_uid_is_derived_from_calendar_name_and_event_id() -> None:
    uid = stable_uid("CICA 2024", "soc-astana-2024-06")
    assert uid == stable_uid("CICA 2024", "soc-astana-2024-06")
    assert uid.startswith("soc-astana-2024-06.") and uid.endswith("@cica")
    assert stable_uid("CICA 2025", "soc-astana-2024-06") != uid


def test_byte_identical_re_export(
    cica: Cica, tmp_path: Path, write_calendar: Callable[[str], Path]
) -> None:
    cal = write_calendar(EVERY_FEATURE)
    os.utime(cal, (EPOCH, EPOCH))
    a, b = tmp_path / "a.ics", tmp_path / "b.ics"
    assert cica("export", "-c", str(cal), "-o", str(a)).code == 0
    assert cica("export", "-c", str(cal), "-o", str(b)).code == 0
    first = a.read_bytes()
    assert first == b.read_bytes()
    assert cica("export", "-c", str(cal), "-o", str(a)).code == 0  # over its own previous file
    assert a.read_bytes() == first
    # Stamps came from the calendar file's modification time, not from the clock.
    assert b"DTSTAMP:20240601T000000Z" in first
    assert b"LAST-MODIFIED:20240601T000000Z" in first


def test_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    # ics keeps events and categories in sets; cica's order must not depend on str hashing.
    cal = tmp_path / "cal.toml"
    cal.write_text(EVERY_FEATURE, encoding="utf-8")
    outputs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": str(EPOCH)}
        done = subprocess.run(
            [sys.executable, "-m", "cica_cli", "export", "-c", str(cal), "-o", "-"],
            env=env,
            capture_output=True,
            check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].startswith(b"BEGIN:VCALENDAR\r\n") and outputs[0].endswith(b"\r\n")


def test_events_come_in_file_order(every: bytes) -> None:
    ids = re.findall(r"^\[events\.([\w-]+)\]", EVERY_FEATURE, re.MULTILINE)
    assert list(vevents(every)) == ids


def test_source_date_epoch_sets_every_dtstamp(every: bytes) -> None:
    stamps = {line for line in logical_lines(every) if line.startswith("DTSTAMP")}
    assert stamps == {"DTSTAMP:20240601T000000Z"}
    assert len(every.split(b"\r\nDTSTAMP:")) - 1 == len(vevents(every))


def test_bad_source_date_epoch_is_a_config_error(
    cica: Cica, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = cica("export", "-o", str(tmp_path / "x.ics"))
    assert result.code == ExitCode.CONFIG
    assert "SOURCE_DATE_EPOCH='yesterday'" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "x.ics").exists()


def test_title_edit_keeps_uid_and_raises_sequence_and_last_modified(
    cica: Cica, tmp_path: Path, write_calendar: Callable[[str], Path]
) -> None:
    cal = write_calendar(EVERY_FEATURE)
    out = tmp_path / "feed.ics"
    os.utime(cal, (EPOCH, EPOCH))
    assert cica("export", "-c", str(cal), "-o", str(out)).code == 0
    before = vevents(out.read_bytes())
    assert prop(before["soc"], "SEQUENCE") == "0"

    cal.write_text(EVERY_FEATURE.replace('"SOC in Astana"', '"SOC in Astana (moved)"'), "utf-8")
    os.utime(cal, (EPOCH + 3600, EPOCH + 3600))
    assert cica("export", "-c", str(cal), "-o", str(out)).code == 0
    after = vevents(out.read_bytes())
    assert prop(after["soc"], "UID") == prop(before["soc"], "UID")
    assert prop(after["soc"], "SUMMARY") == "SOC in Astana (moved)"
    assert prop(after["soc"], "SEQUENCE") == "1"
    assert prop(after["soc"], "LAST-MODIFIED") == "20240601T010000Z"
    # Untouched events keep their revision; every DTSTAMP moves with the file.
    assert prop(after["baku"], "SEQUENCE") == "0"
    assert prop(after["baku"], "LAST-MODIFIED") == "20240601T000000Z"
    assert prop(after["baku"], "DTSTAMP") == "20240601T010000Z"
    assert set(after) == set(before)

    unchanged = out.read_bytes()
    assert cica("export", "-c", str(cal), "-o", str(out)).code == 0
    assert out.read_bytes() == unchanged  # no edit, no new revision

    cal.write_text(EVERY_FEATURE.replace('"SOC in Astana"', '"SOC, final"'), "utf-8")
    os.utime(cal, (EPOCH + 7200, EPOCH + 7200))
    assert cica("export", "-c", str(cal), "-o", str(out)).code == 0
    again = vevents(out.read_bytes())
    assert (prop(again["soc"], "SEQUENCE"), prop(again["soc"], "LAST-MODIFIED")) == (
        "2",
        "20240601T020000Z",
    )


def test_revision_increases_even_when_the_stamp_does_not(
    cica: Cica,
    tmp_path: Path,
    write_calendar: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))  # pinned, as in a reproducible build
    cal = write_calendar(EVERY_FEATURE)
    out = tmp_path / "feed.ics"
    assert cica("export", "-c", str(cal), "-o", str(out)).code == 0
    cal.write_text(EVERY_FEATURE.replace("Weekly call (Baku)", "Weekly call, Baku"), "utf-8")
    assert cica("export", "-c", str(cal), "-o", str(out)).code == 0
    call = vevents(out.read_bytes())["weekly-baku"]
    assert prop(call, "SEQUENCE") == "1"
    assert prop(call, "LAST-MODIFIED") == "20240601T000001Z"  # strictly later than before


# --------------------------------------------------------------------------------------------
# the command
# --------------------------------------------------------------------------------------------


def test_default_output_is_the_calendar_name_in_the_current_folder(
    cica: Cica, isolated_env: Path
) -> None:
    result = cica("export", "-c", str(SHIPPED))
    assert result.code == 0, result.err
    target = isolated_env / "CICA-2024.ics"
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert result.out == ""
    assert "Wrote 8 events to CICA-2024.ics" in result.err
    named = cica("export", "-c", str(SHIPPED), "--name", "CICA: deadlines/2024", "-k", "deadline")
    assert named.code == 0
    data = (isolated_env / "CICA-deadlines-2024.ics").read_bytes()
    assert b"X-WR-CALNAME:CICA: deadlines/2024\r\n" in data
    assert data.count(b"BEGIN:VEVENT") == 2
    # A folder gets the default name inside it.
    (isolated_env / "site").mkdir()
    assert cica("export", "-c", str(SHIPPED), "-o", "site").code == 0
    assert (isolated_env / "site" / "CICA-2024.ics").is_file()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CICA 2024", "CICA-2024.ics"),
        ('Ülkə; тест, \\ "cal"', "Ülkə-тест-cal.ics"),
        ("../../etc/passwd", "etc-passwd.ics"),
        ("a/b\\c:d*e?f<g>h|i\x00j", "a-b-c-d-e-f-g-h-i-j.ics"),
        ("...", "calendar.ics"),
        ("CON", "CON-calendar.ics"),
        ("x" * 300, "x" * 120 + ".ics"),
    ],
)
def test_default_filename_is_safe(name: str, expected: str) -> None:
    assert default_filename(name) == expected


def test_stdout_gets_the_bytes_and_nothing_else(tmp_path: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)}
    tmp_path = tmp_path / "here"
    tmp_path.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "cica_cli", "export", "-c", str(SHIPPED), "-o", "-"],
        env=env,
        capture_output=True,
        check=True,
        cwd=tmp_path,
    )
    assert done.stdout.startswith(b"BEGIN:VCALENDAR\r\n")
    assert done.stdout.endswith(b"END:VCALENDAR\r\n")
    assert done.stderr == b""
    assert list(tmp_path.iterdir()) == []  # no file written
    file_out = tmp_path / "f.ics"
    subprocess.run(
        [sys.executable, "-m", "cica_cli", "export", "-c", str(SHIPPED), "-o", str(file_out)],
        env=env,
        check=True,
        capture_output=True,
    )
    assert file_out.read_bytes() == done.stdout


def test_filters(export: Callable[..., bytes]) -> None:
    deadlines = vevents(export(EVERY_FEATURE, "--kind", "deadline"))
    assert set(deadlines) == {"monthly-report", "consensus"}
    tagged = vevents(export(EVERY_FEATURE, "--tag", "a,b;c"))
    assert set(tagged) == {"consensus"}
    autumn = vevents(export(EVERY_FEATURE, "--from", "2024-10-01", "--to", "2024-10-31"))
    # Repeats with an occurrence in October are kept whole; single items only if inside.
    assert set(autumn) == {"hostile", "weekly-almaty", "weekly-berlin", "monthly-report"}
    upcoming = vevents(export(EVERY_FEATURE, "--as-of", "2024-11-01", "--from", "today"))
    assert set(upcoming) == {
        "baku",
        "consensus",
        "weekly-almaty",
        "weekly-berlin",
        "monthly-report",
    }
    soon = vevents(export(EVERY_FEATURE, "--as-of", "2024-06-20", "--from", "today", "--to", "10d"))
    assert set(soon) == {"soc", "soc-day", "silence", "weekly-berlin", "monthly-report"}


def test_nothing_matches_gives_a_valid_empty_calendar(
    cica: Cica, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    out = tmp_path / "empty.ics"
    result = cica("export", "-c", str(SHIPPED), "-o", str(out), "--kind", "milestone")
    assert result.code == 0
    assert "no event matches" in result.err
    data = out.read_bytes()
    assert b"BEGIN:VEVENT" not in data
    cal = parse(data)  # RFC 5545 wants a component: the calendar's VTIMEZONE
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Almaty"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "party"], "--kind: unknown kind 'party'"),
        (["--alarm", "7d", "--no-alarms"], "--alarm and --no-alarms"),
        (["--alarm", "soon"], "--alarm: cannot read offset 'soon'"),
        (["--alarm", "3 working days"], "not working days"),
        (["--from", "June"], "--from: cannot read 'June'"),
        (["--from", "2024-07-01", "--to", "2024-06-01"], "is before --from"),
        (["--name", " "], "--name"),
    ],
)
def test_usage_errors(cica: Cica, args: list[str], message: str) -> None:
    result = cica("export", "-c", str(SHIPPED), *args)
    assert result.code == ExitCode.USAGE
    assert message in result.err
    assert "Traceback" not in result.err


def test_unwritable_target_is_exit_73_with_a_message(cica: Cica, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = cica("export", "-c", str(SHIPPED), "-o", str(blocker / "cica.ics"))
    assert result.code == ExitCode.CANTCREAT == 73
    assert result.err.startswith(f"cica: cannot write {blocker / 'cica.ics'}: ")
    assert "Traceback" not in result.err
    missing = cica("export", "-c", str(SHIPPED), "-o", str(tmp_path / "no" / "such" / "x.ics"))
    assert missing.code == 73 and "No such file or directory" in missing.err


def test_a_failing_write_leaves_the_previous_file_intact(
    cica: Cica, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site" / "cica.ics"
    out.parent.mkdir()
    out.write_bytes(b"previous feed\r\n")

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    result = cica("export", "-c", str(SHIPPED), "-o", str(out))
    assert result.code == 73
    assert "No space left on device" in result.err and "Traceback" not in result.err
    assert out.read_bytes() == b"previous feed\r\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["cica.ics"]  # no temp file left


def test_help_shows_the_three_examples(cica: Cica) -> None:
    result = cica("export", "--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    assert "cica export # one file to import" in text
    assert "cica export -o - --kind deadline | grep -c BEGIN:VEVENT # into another tool" in text
    assert "cica export -o /var/www/cal/cica.ics --from today # a feed" in text


def test_ics_is_imported_only_by_the_ical_package_and_only_when_exporting() -> None:
    for path in (ROOT / "cica_cli").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        uses_ics = re.search(r"^\s*(import ics\b|from ics[. ])", text, re.MULTILINE)
        assert not uses_ics or path.relative_to(ROOT).parts[:2] == ("cica_cli", "ical"), path
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from cica_cli.cli import main; import cica_cli.commands.export; "
            "print('ics' in sys.modules, any(m.startswith('cica_cli.ical') for m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False False"
