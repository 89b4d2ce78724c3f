"""The pure parts of ``cica remind``: due dates, leads, keys, digests, wording, settings."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cica_cli.core import safe_text
from cica_cli.core.leads import canonical_lead, parse_lead
from cica_cli.core.loader import loads
from cica_cli.core.schedule import Schedule
from cica_cli.core.zones import get_zone
from cica_cli.errors import ConfigError
from cica_cli.remind.due import Entry, Key, digests, due_reminders, message_id
from cica_cli.remind.message import as_bytes, build_message, header_text
from cica_cli.remind.settings import (
    Address,
    Flags,
    is_local_host,
    parse_address,
    resolve_settings,
)
from cica_cli.remind.wording import one_line, subject

from .remind_support import toml_text

DESK = Address("desk@example.org")
CHIEF = Address("chief@Example.NET", "Chief")


def schedule(text: str) -> Schedule:
    if "[calendar]" not in text:  # a zone is required; after the events: their lines stay
        text += '\n[calendar]\ntimezone = "UTC"\n'
    return loads(text.encode("utf-8"), "test.toml").schedule


def at(day: str, zone: str = "UTC", time: str = "00:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=get_zone(zone))


CAL = """\
[calendar]
name = "Desk"
timezone = "UTC"
remind = ["30 days", "7 days", "1 day"]

[events.deadline]
title = "Comments due"
kind = "deadline"
date = 2024-07-11
"""


def keys(found: list) -> list[tuple[str, str, str, str]]:  # type: ignore[type-arg]
    return [(r.key.event_id, r.key.occurrence, r.key.lead, r.key.recipient) for r in found]


@pytest.mark.parametrize(
    ("day", "lead", "days_left", "late"),
    [
        ("2024-06-10", None, None, None),  # 31 days before: nothing due yet
        ("2024-06-11", "P30D", 30, False),
        ("2024-06-20", "P30D", 21, True),
        ("2024-07-04", "P7D", 7, False),
        ("2024-07-06", "P7D", 5, True),  # missed runs: the nearest lead, the true distance
        ("2024-07-10", "P1D", 1, False),
        ("2024-07-11", None, None, None),  # the day itself: started, no reminder
        ("2024-07-20", None, None, None),
    ],
)
def test_the_nearest_due_lead_only(
    day: str, lead: str | None, days_left: int | None, late: bool | None
) -> None:
    found = due_reminders(schedule(CAL), at(day), [DESK], {})
    if lead is None:
        assert found == []
        return
    [r] = found
    assert r.key == Key("deadline", "2024-07-11", lead, "desk@example.org")
    assert (r.days_left, r.late) == (days_left, late)


def test_the_ledger_decides_sent_failed_and_pending() -> None:
    sched = schedule(CAL)
    key = Key("deadline", "2024-07-11", "P7D", "desk@example.org")
    now = at("2024-07-05")
    assert due_reminders(sched, now, [DESK], {key: Entry("sent", "<m>")}) == []
    assert due_reminders(sched, now, [DESK], {key: Entry("failed", "<m>")}) == []
    [retry] = due_reminders(sched, now, [DESK], {key: Entry("pending", "<old@x>")})
    assert retry.retry_of == "<old@x>"
    # A sent 30-day reminder does not hold back the 7-day one.
    older = Key("deadline", "2024-07-11", "P30D", "desk@example.org")
    assert len(due_reminders(sched, now, [DESK], {older: Entry("sent", "<m>")})) == 1


def test_keys_are_per_recipient_and_canonical() -> None:
    found = due_reminders(schedule(CAL), at("2024-07-04"), [DESK, CHIEF], {}, None)
    assert keys(found) == [
        ("deadline", "2024-07-11", "P7D", "chief@example.net"),
        ("deadline", "2024-07-11", "P7D", "desk@example.org"),
    ]
    assert [canonical_lead(parse_lead(t).offset) for t in ("7d", "7 days", "1 week")] == ["P7D"] * 3
    assert canonical_lead(parse_lead("1 month").offset) == "P1M"
    assert canonical_lead(parse_lead("36 hours").offset) == "P1DT12H"


def test_spans_count_down_to_their_end_meetings_to_their_start() -> None:
    sched = schedule(
        CAL
        + """
[events.silence]
title = "Silence procedure"
kind = "procedure"
start = 2024-06-27
end = 2024-07-11
remind = ["7 days"]

[events.meeting]
title = "Meeting"
start = 2024-07-11
end = 2024-07-20
remind = ["7 days"]
"""
    )
    found = due_reminders(sched, at("2024-07-04"), [DESK], {})
    assert sorted((r.key.event_id, r.key.occurrence) for r in found) == [
        ("deadline", "2024-07-11"),
        ("meeting", "2024-07-11"),
        ("silence", "2024-07-11"),  # ongoing since 27 Jun; what matters is its end
    ]


def test_timed_events_stop_at_their_start_and_hour_leads_compare_instants() -> None:
    sched = schedule(
        """\
[calendar]
timezone = "Europe/Berlin"

[events.call]
title = "Call"
date = 2024-07-11T10:00:00
remind = ["1 day", "2 hours"]
"""
    )
    assert [
        r.key.lead for r in due_reminders(sched, at("2024-07-10", "Europe/Berlin"), [DESK], {})
    ] == ["P1D"]
    assert [
        r.key.lead
        for r in due_reminders(sched, at("2024-07-11", "Europe/Berlin", "07:59"), [DESK], {})
    ] == ["P1D"]
    assert [
        r.key.lead
        for r in due_reminders(sched, at("2024-07-11", "Europe/Berlin", "08:00"), [DESK], {})
    ] == ["PT2H"]
    assert due_reminders(sched, at("2024-07-11", "Europe/Berlin", "10:00"), [DESK], {}) == []


def test_due_day_is_counted_in_the_events_zone_across_dst() -> None:
    # 00:30 on the night clocks go forward in Berlin, and an event in Baku seen from UTC.
    sched = schedule(
        """\
[calendar]
timezone = "UTC"
remind = ["1 day"]

[events.berlin]
title = "Night shift"
date = 2026-03-29T00:30:00
timezone = "Europe/Berlin"

[events.baku]
title = "Baku"
date = 2024-11-11T00:30:00
timezone = "Asia/Baku"
"""
    )
    assert due_reminders(sched, at("2026-03-27"), [DESK], {}) == []
    [r] = due_reminders(sched, at("2026-03-28"), [DESK], {})
    assert (r.key.event_id, r.key.occurrence, r.days_left) == ("berlin", "2026-03-29", 1)
    # 00:30 in Baku is 20:30 UTC on the 10th: the occurrence day is still the 11th.
    assert due_reminders(sched, at("2024-11-09"), [DESK], {}) == []
    [b] = due_reminders(sched, at("2024-11-10"), [DESK], {})
    assert (b.key.occurrence, b.days_left) == ("2024-11-11", 1)


def test_each_occurrence_of_a_repeating_event_has_its_own_key() -> None:
    sched = schedule(
        """\
[calendar]
timezone = "UTC"
remind = ["2 days"]

[events.weekly]
title = "Weekly"
date = 2024-07-01
repeat = "FREQ=WEEKLY;COUNT=3"
"""
    )
    seen = []
    for n in range(25):
        day = dt.date(2024, 6, 25) + dt.timedelta(days=n)
        seen += [r.key.occurrence for r in due_reminders(sched, at(day.isoformat()), [DESK], {})]
    assert sorted(set(seen)) == ["2024-07-01", "2024-07-08", "2024-07-15"]


def test_each_event_keeps_its_own_leads_among_events_that_share_them() -> None:
    # Lead lists and due days are worked out once per list and day: a mix-up would show here.
    sched = schedule(
        """\
[calendar]
timezone = "UTC"
remind = ["7 days"]
"""
        + "".join(
            f'\n[events.{name}]\ntitle = "{name}"\nkind = "deadline"\ndate = 2024-07-11\n'
            + (f"remind = {leads}\n" if leads else "")
            for name, leads in [
                ("a", '["1 day"]'),
                ("b", ""),
                ("c", '["3 days", "1 day"]'),
                ("d", '["1 day"]'),
                ("e", '["3 days"]'),
                ("f", "[]"),
            ]
        )
    )

    def due(day: str) -> list[tuple[str, str, int]]:
        found = due_reminders(sched, at(day), [DESK], {})
        return sorted((r.key.event_id, r.key.lead, r.days_left) for r in found)

    assert due("2024-07-04") == [("b", "P7D", 7)]
    assert due("2024-07-08") == [("b", "P7D", 3), ("c", "P3D", 3), ("e", "P3D", 3)]
    assert due("2024-07-10") == [
        ("a", "P1D", 1), ("b", "P7D", 1), ("c", "P1D", 1), ("d", "P1D", 1), ("e", "P3D", 1),
    ]  # fmt: skip


def _one_line_by_definition(text: str) -> str:
    dropped = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
    kept = {"\u200c", "\u200d"}
    spaced = "".join(
        " " if unicodedata.category(c) in dropped and c not in kept else c for c in text
    )
    return " ".join(spaced.split())


@given(st.text(max_size=200))
def test_one_line_drops_exactly_the_invisible_characters(text: str) -> None:
    assert one_line(text) == _one_line_by_definition(text)
    assert one_line(f"Title {text}\u202e\x00") == _one_line_by_definition(f"Title {text}")


def test_message_id_depends_on_the_keys_only() -> None:
    a = Key("e", "2024-07-11", "P7D", "desk@example.org")
    b = Key("f", "2024-07-12", "P7D", "desk@example.org")
    assert message_id([a, b], "example.org") == message_id([b, a], "example.org")
    assert message_id([a], "example.org") != message_id([a, b], "example.org")
    other = Key("e", "2024-07-11", "P7D", "chief@example.net")
    assert message_id([a], "example.org") != message_id([other], "example.org")
    assert message_id([a], "example.org").startswith("<cica-remind.")


def test_digests_one_per_recipient_and_a_pending_retry_keeps_its_message_id() -> None:
    sched = schedule(
        CAL.replace('remind = ["30 days", "7 days", "1 day"]', 'remind = ["7 days"]')
        + '\n[events.other]\ntitle = "Other"\ndate = 2024-07-12\n'
    )
    now = at("2024-07-05")
    pending = Key("deadline", "2024-07-11", "P7D", "desk@example.org")
    found = due_reminders(sched, now, [DESK, CHIEF], {pending: Entry("pending", "<old@x>")})
    ds = digests(found, "example.org")
    summary = sorted((d.recipient.key, d.message_id == "<old@x>", len(d.reminders)) for d in ds)
    assert summary == [
        ("chief@example.net", False, 2),
        ("desk@example.org", False, 1),  # the new one
        ("desk@example.org", True, 1),  # the retry, under its first Message-ID
    ]
    chief = next(d for d in ds if d.recipient == CHIEF)
    # The title already says "due": not "Comments due due in 6 days".
    assert subject(chief, "Desk") == "Desk: Comments due in 6 days (Thu 11 Jul) and 1 more"


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("a\r\nBcc: x@evil", "a Bcc: x@evil"),
        ("a\u2028b\u2029c\u0085d", "a b c d"),
        ("=?UTF-8?Q?=0A?=Bcc: x", "= ?UTF-8?Q? =0A? =Bcc: x"),
        ("a\u202eb\u200bc\u2066d\u061ce\ufefff", "a b c d e f"),
        (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        ),
        ("  plain   title  ", "plain title"),
    ],
)
def test_header_text(title: str, expected: str) -> None:
    assert header_text(title) == expected


@given(st.text(max_size=200))
def test_header_text_never_leaves_a_way_out_of_the_header(text: str) -> None:
    clean = header_text(text)
    assert "=?" not in clean and "?=" not in clean
    assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cs") for c in clean)
    allowed_format = {"\u200c", "\u200d"}  # ZWNJ and ZWJ spell words (Persian)
    assert all(c in allowed_format for c in clean if unicodedata.category(c) == "Cf")


# (surrogates cannot be written in a TOML file; an empty title is refused by the model, and so is
# one of nothing but control characters, which the loader removes: core/safe_text.py)
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=120))
def test_any_title_gives_exactly_the_expected_headers(title: str) -> None:
    assume(safe_text.line(title))
    toml = f'[events.x]\ntitle = "{toml_text(title)}"\nkind = "deadline"\ndate = 2024-07-11\n'
    sched = schedule(toml)
    [d] = digests(due_reminders(sched, at("2024-07-10"), [DESK], {}), "example.org")
    msg = build_message(
        d,
        sender=Address("cica@example.org"),
        calendar_name="x",
        today=dt.date(2024, 7, 10),
        date=at("2024-07-10"),
        ics=None,
    )
    parsed = email.message_from_bytes(as_bytes(msg), policy=email.policy.default)
    assert [k.lower() for k in parsed] == [
        "from", "to", "subject", "date", "message-id", "auto-submitted",
        "x-auto-response-suppress", "mime-version", "content-type",
    ]  # fmt: skip
    assert parsed.get_all("To") == ["desk@example.org"]
    assert "\n" not in str(parsed["Subject"])


@pytest.mark.parametrize(
    ("calendar_name", "title", "subject_line"),
    [
        ("Desk 2025", "Paper", "Desk 2025: Paper due tomorrow (Thu 11 Jul)"),
        ("Desk 2025", "Paper due", "Desk 2025: Paper due tomorrow (Thu 11 Jul)"),
        (
            "Conference on Interaction and Confidence-Building Measures in Asia",
            "Paper",
            "Conference on...: Paper due tomorrow (Thu 11 Jul)",
        ),
    ],
)
def test_the_subject_names_the_calendar_and_says_due_once(
    calendar_name: str, title: str, subject_line: str
) -> None:
    toml = f'[events.x]\ntitle = "{title}"\nkind = "deadline"\ndate = 2024-07-11\n'
    [d] = digests(due_reminders(schedule(toml), at("2024-07-10"), [DESK], {}), "example.org")
    msg = build_message(
        d, sender=Address("cica@example.org"), calendar_name=calendar_name,
        today=dt.date(2024, 7, 10), date=at("2024-07-10"), ics=None,
    )  # fmt: skip
    assert msg["Subject"] == subject_line
    assert "Paper due tomorrow" in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]


# --- settings --------------------------------------------------------------------------------


def test_flags_beat_env_beat_the_file(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        '[reminders]\nto = ["file@example.org"]\nfrom = "file@example.org"\nlead = ["3d"]\n'
        '[smtp]\nhost = "file.example.org"\nport = 2525\nsecurity = "ssl"\nuser = "fileuser"\n',
        encoding="utf-8",
    )
    env = {"CICA_SMTP_HOST": "env.example.org", "CICA_SMTP_PASSWORD": "pw"}
    s = resolve_settings(Flags(), env, tmp_path)
    assert (s.smtp.host, s.smtp.port, s.smtp.security, s.smtp.user) == (
        "env.example.org",
        2525,
        "ssl",
        "fileuser",
    )
    assert [r.addr_spec for r in s.recipients] == ["file@example.org"]
    assert s.leads is not None and [lead.canonical for lead in s.leads] == ["P3D"]
    s = resolve_settings(
        Flags(to=["flag@example.org"], lead=["1d"], smtp_host="flag.example.org", smtp_port=25),
        env,
        tmp_path,
    )
    assert (s.smtp.host, s.smtp.port) == ("flag.example.org", 25)
    assert [r.addr_spec for r in s.recipients] == ["flag@example.org"]
    assert s.leads is not None and [lead.canonical for lead in s.leads] == ["P1D"]
    assert "pw" not in repr(s)  # the password never shows


def test_defaults_security_and_port(tmp_path: Path) -> None:
    base = Flags(to=["a@example.org"], sender="b@example.org")
    local = resolve_settings(base, {}, tmp_path)
    assert (local.smtp.host, local.smtp.security, local.smtp.port) == ("localhost", "none", 25)
    remote = resolve_settings(base._replace(smtp_host="mx.example.org"), {}, tmp_path)
    assert (remote.smtp.security, remote.smtp.port) == ("starttls", 587)
    assert local.leads is None  # the calendar's own lead times


@pytest.mark.parametrize(
    ("env", "flags", "message"),
    [
        ({"CICA_SMTP_PASSWORD": "pw"}, {}, "no SMTP user"),
        ({}, {"smtp_user": "u"}, "has no password"),
        (
            {"CICA_SMTP_PASSWORD": "pw"},
            {"smtp_user": "u", "smtp_host": "mx.example.org", "smtp_security": "none"},
            "unencrypted",
        ),
        ({"CICA_SMTP_PORT": "twenty-five"}, {}, "CICA_SMTP_PORT"),
        ({"CICA_SMTP_CAFILE": "/nonexistent/ca.pem"}, {}, "no such file"),
        ({}, {"sender": None}, "no sender"),
    ],
)
def test_settings_errors(
    tmp_path: Path, env: dict[str, str], flags: dict[str, str], message: str
) -> None:
    values = {"to": ["a@example.org"], "sender": "b@example.org", **flags}
    with pytest.raises(ConfigError, match=message):
        resolve_settings(Flags(**values), env, tmp_path)  # type: ignore[arg-type]


def test_password_allowed_in_plaintext_to_localhost(tmp_path: Path) -> None:
    s = resolve_settings(
        Flags(to=["a@example.org"], sender="b@example.org", smtp_user="u"),
        {"CICA_SMTP_PASSWORD": "pw"},
        tmp_path,
    )
    assert (s.smtp.security, s.smtp.password) == ("none", "pw")


@pytest.mark.parametrize(
    ("text", "spec", "name"),
    [
        ("desk@example.org", "desk@example.org", ""),
        ("Desk Officer <desk@example.org>", "desk@example.org", "Desk Officer"),
        ("  d.o+cica@sub.example.org ", "d.o+cica@sub.example.org", ""),
        # internationalised: the domain in IDNA; a non-ASCII local part needs SMTPUTF8 to send
        ("alice@bücher.example", "alice@xn--bcher-kva.example", ""),
        ("Jörg <jörg@bücher.example>", "jörg@xn--bcher-kva.example", "Jörg"),
        ("\u00e9@example.org", "\u00e9@example.org", ""),
    ],
)
def test_addresses(text: str, spec: str, name: str) -> None:
    assert parse_address(text, "--to") == Address(spec, name)


@pytest.mark.parametrize(
    "text",
    ["desk", "a@b@c", "a@example.org, b@example.org", "a@exa mple.org", "a@b\u00fc cher.example",
     "x\u202e@example.org", "a@b\u00fccher..example", "\u00e9\u00a0@example.org",
     "a@example.org\nBcc: b@example.org", "Evil, Name <a@example.org>", "<>"],
)  # fmt: skip
def test_bad_addresses(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_address(text, "--to")


def test_local_hosts() -> None:
    assert all(is_local_host(h) for h in ("localhost", "127.0.0.1", "::1", "[::1]", "127.1.2.3"))
    assert not any(is_local_host(h) for h in ("mx.example.org", "10.0.0.1", "localhost.evil.org"))
