"""``cica remind`` against a real SMTP server (aiosmtpd on 127.0.0.1, started here)."""

from __future__ import annotations

import datetime as dt
import email.utils
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest

from cica_cli.errors import ExitCode
from cica_cli.ical.export import stable_uid
from cica_cli.remind.due import Key, message_id

from .conftest import SHIPPED, Result
from .remind_support import (
    Recorder,
    SmtpServer,
    free_port,
    make_tls,
    password_checker,
    silent_server,
    toml_text,
)

Cica = Callable[..., Result]
DESK = "desk@example.org"
FROM = "cica@example.org"
SILENCE_SUBJECT_TITLE = "Silence procedure on the draft outcome..."

SMALL = """\
[calendar]
name = "Desk"
timezone = "Europe/Berlin"
remind = ["7 days", "1 day"]

[events.silence]
title = "Silence procedure"
kind = "procedure"
start = 2024-06-27
end = 2024-07-11
location = "Astana"

[events.board]
title = "Board meeting"
date = 2024-07-12T10:00:00

[events.report]
title = "Annual report"
kind = "deadline"
date = 2024-07-13

[events.handed-in]
title = "Handed in already"
kind = "deadline"
date = 2024-07-11
status = "done"

[events.called-off]
title = "Called off"
date = 2024-07-12
status = "cancelled"
"""


@pytest.fixture(autouse=True)
def _short_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CICA_SMTP_TIMEOUT", "3")


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def server(recorder: Recorder) -> Iterator[SmtpServer]:
    srv = SmtpServer(recorder).start()
    yield srv
    srv.stop()


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state" / "reminders.sqlite3"


def remind(
    cica: Cica,
    port: int,
    state: Path,
    *args: str,
    to: tuple[str, ...] = (DESK,),
    calendar: Path = SHIPPED,
) -> Result:
    argv = ["remind", "--calendar", str(calendar), "--state", str(state), "--from", FROM]
    for addr in to:
        argv += ["--to", addr]
    argv += ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none"]
    return cica(*argv, *args)


def rows(state: Path) -> list[tuple[str, str, str, str, str]]:
    with sqlite3.connect(state) as conn:
        return conn.execute(
            "SELECT event_id, occurrence, lead, recipient, status FROM reminders "
            "ORDER BY 1, 2, 3, 4"
        ).fetchall()


# --- the main path ---------------------------------------------------------------------------


def test_sends_once_and_a_second_run_sends_nothing(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    first = remind(cica, server.port, state, "--as-of", "2024-07-04")
    assert first.code == 0, first.err
    assert (first.out, first.err) == ("", "")  # silent for cron
    assert len(recorder.messages) == 1
    got = recorder.messages[0]
    assert (got.mail_from, got.rcpt_tos) == (FROM, [DESK])
    expected = f"CICA 2024: {SILENCE_SUBJECT_TITLE} ends in 7 days (Thu 11 Jul)"
    assert got.message["Subject"] == expected
    assert rows(state) == [("env-outcome-silence", "2024-07-11", "P7D", DESK, "sent")]

    second = remind(cica, server.port, state, "--as-of", "2024-07-04")
    assert (second.code, second.out, second.err) == (0, "", "")
    third = remind(cica, server.port, state, "--as-of", "2024-07-05", "--verbose")
    assert third.code == 0
    assert "nothing due" in third.err
    assert len(recorder.messages) == 1


def test_message_has_alternatives_an_ics_and_the_right_headers(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    assert remind(cica, server.port, state, "--as-of", "2024-07-04").code == 0
    raw = recorder.messages[0].data
    msg = recorder.messages[0].message
    assert sorted(msg.keys()) == sorted(
        [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "Auto-Submitted",
            "X-Auto-Response-Suppress",
            "MIME-Version",
            "Content-Type",
        ]
    )
    assert msg["Auto-Submitted"] == "auto-generated"
    key = Key("env-outcome-silence", "2024-07-11", "P7D", DESK)
    assert msg["Message-ID"] == message_id([key], "example.org")
    sent_at = email.utils.parsedate_to_datetime(str(msg["Date"]))
    assert sent_at.tzinfo is not None
    assert abs((dt.datetime.now(dt.UTC) - sent_at).total_seconds()) < 300
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    raw.decode("ascii")  # 7-bit clean: passes relays without 8BITMIME

    assert msg.get_content_type() == "multipart/mixed"
    alternative, attachment = msg.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html = alternative.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    text = plain.get_content()
    assert "ends in 7 days (Thu 11 Jul 2024)" in text
    assert "When: Thu 27 Jun - Thu 11 Jul 2024 (procedure)" in text
    assert "late" not in text
    assert "<strong>Silence procedure on the draft outcome document" in html.get_content()

    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "cica-reminders.ics"
    cal = icalendar.Calendar.from_ical(attachment.get_content())
    events = cal.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [stable_uid("CICA 2024", "env-outcome-silence")]
    assert events[0]["DTEND"].dt == dt.date(2024, 7, 12)  # exclusive: last day the 11th


def test_catch_up_after_missed_days_sends_the_nearest_lead_once_and_says_it_is_late(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    # Shipped calendar: leads 30, 7 and 1 days; the silence procedure ends Thu 11 Jul 2024.
    assert remind(cica, server.port, state, "--as-of", "2024-06-27").code == 0
    # Off from 28 Jun to 5 Jul: the 7-day reminder (due 4 Jul) goes out on the 6th.
    assert remind(cica, server.port, state, "--as-of", "2024-07-06").code == 0
    assert remind(cica, server.port, state, "--as-of", "2024-07-07").code == 0
    assert remind(cica, server.port, state, "--as-of", "2024-07-10").code == 0
    assert remind(cica, server.port, state, "--as-of", "2024-07-11").code == 0  # has ended
    subjects = [str(m.message["Subject"]) for m in recorder.messages]
    assert subjects == [
        f"CICA 2024: {SILENCE_SUBJECT_TITLE} ends in 14 days (Thu 11 Jul)",
        f"CICA 2024: {SILENCE_SUBJECT_TITLE} ends in 5 days (Thu 11 Jul)",
        f"CICA 2024: {SILENCE_SUBJECT_TITLE} ends tomorrow (Thu 11 Jul)",
    ]
    late = recorder.messages[1].message.get_body(("plain",))
    assert late is not None
    text = late.get_content()
    assert "ends in 5 days" in text and "in 7 days" not in text
    assert "Reminder: 7 days before (due Thu 4 Jul 2024, sent late)" in text
    assert [r[2] for r in rows(state)] == ["P1D", "P30D", "P7D"]


def test_digest_per_recipient_soonest_first_with_and_n_more(
    cica: Cica,
    server: SmtpServer,
    recorder: Recorder,
    state: Path,
    write_calendar: Callable[[str], Path],
) -> None:
    cal = write_calendar(SMALL)
    other = "chief@example.net"
    result = remind(
        cica, server.port, state, "--as-of", "2024-07-06", to=(DESK, other), calendar=cal
    )
    assert result.code == 0, result.err
    assert sorted(tuple(m.rcpt_tos) for m in recorder.messages) == [(other,), (DESK,)]
    for m in recorder.messages:
        msg = m.message
        assert msg["To"] == m.rcpt_tos[0]
        assert msg["Subject"] == "Desk: Silence procedure ends in 5 days (Thu 11 Jul) and 2 more"
        body = msg.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        order = [text.index(t) for t in ("Silence procedure", "Board meeting", "Annual report")]
        assert order == sorted(order)
        assert "Board meeting starts in 6 days (Fri 12 Jul 2024)" in text
        assert "Annual report due in 7 days (Sat 13 Jul 2024)" in text
        assert "Fri 12 Jul 2024 10:00 (Europe/Berlin)" in text
        # done and cancelled events get no reminders
        assert "Handed in already" not in text and "Called off" not in text
        ics = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
        uids = {
            str(e["UID"]) for e in icalendar.Calendar.from_ical(ics[0].get_content()).walk("VEVENT")
        }
        assert uids == {stable_uid("Desk", i) for i in ("silence", "board", "report")}
    ids = recorder.message_ids()
    assert len(set(ids)) == 2  # one per recipient, derived from each one's keys


def test_done_and_cancelled_events_get_no_reminders(
    cica: Cica,
    server: SmtpServer,
    recorder: Recorder,
    state: Path,
    write_calendar: Callable[[str], Path],
) -> None:
    cal = write_calendar(
        SMALL.replace('kind = "procedure"', 'kind = "procedure"\nstatus = "done"')
        .replace("date = 2024-07-12T10:00:00", 'date = 2024-07-12T10:00:00\nstatus = "cancelled"')
        .replace("date = 2024-07-13", 'date = 2024-07-13\nstatus = "cancelled"')
    )
    for day in ("2024-07-04", "2024-07-06", "2024-07-10", "2024-07-11"):
        assert remind(cica, server.port, state, "--as-of", day, calendar=cal).code == 0
    assert recorder.messages == []
    assert rows(state) == []


def test_event_lead_times_win_over_lead_flag_which_wins_over_the_calendar(
    cica: Cica,
    server: SmtpServer,
    recorder: Recorder,
    state: Path,
    write_calendar: Callable[[str], Path],
) -> None:
    cal = write_calendar(
        SMALL.replace('title = "Annual report"', 'title = "Annual report"\nremind = ["2 days"]')
    )
    result = remind(cica, server.port, state, "--as-of", "2024-07-09", "--lead", "3d", calendar=cal)
    assert result.code == 0, result.err
    subject = str(recorder.messages[0].message["Subject"])
    # --lead 3d: the board meeting (12 Jul) is due on the 9th, the silence procedure (11 Jul)
    # on the 8th (late); the report keeps its own 2 days (due the 11th: not yet).
    assert subject == "Desk: Silence procedure ends in 2 days (Thu 11 Jul) and 1 more"
    assert sorted((r[0], r[2]) for r in rows(state)) == [("board", "P3D"), ("silence", "P3D")]


# --- failures --------------------------------------------------------------------------------


def test_server_down_exits_75_and_a_later_run_delivers(
    cica: Cica, recorder: Recorder, state: Path
) -> None:
    port = free_port()  # nothing listens there
    down = remind(cica, port, state, "--as-of", "2024-07-04")
    assert down.code == ExitCode.TEMPFAIL == 75
    assert down.err.count("\n") == 1  # one line for cron
    assert "connection refused" in down.err and f"127.0.0.1:{port}" in down.err
    assert rows(state) == []

    srv = SmtpServer(recorder, port=port).start()
    try:
        up = remind(cica, port, state, "--as-of", "2024-07-05")
    finally:
        srv.stop()
    assert up.code == 0, up.err
    assert len(recorder.messages) == 1
    msg = recorder.messages[0].message
    assert msg["Subject"] == f"CICA 2024: {SILENCE_SUBJECT_TITLE} ends in 6 days (Thu 11 Jul)"
    body = msg.get_body(("plain",))
    assert body is not None and "(due Thu 4 Jul 2024, sent late)" in body.get_content()
    assert [r[4] for r in rows(state)] == ["sent"]


def test_a_server_that_never_answers_times_out_with_75(
    cica: Cica, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CICA_SMTP_TIMEOUT", "1")
    for silent in silent_server():
        started = time.monotonic()
        result = remind(cica, silent.port, state, "--as-of", "2024-07-04")
        assert time.monotonic() - started < 10
        assert result.code == 75
        assert "timed out" in result.err
    assert rows(state) == []


def test_one_recipient_rejected_others_delivered_no_retry(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    bad = "gone@example.org"
    recorder.rcpt_replies[bad] = "550 5.1.1 <gone@example.org>: no such user"
    everyone = (DESK, bad, "chief@example.net")
    first = remind(cica, server.port, state, "--as-of", "2024-07-04", to=everyone)
    assert first.code == ExitCode.DATAERR == 65
    assert "gone@example.org" in first.err and "550" in first.err and "not retried" in first.err
    assert sorted(m.rcpt_tos[0] for m in recorder.messages) == ["chief@example.net", DESK]
    assert {r[3]: r[4] for r in rows(state)} == {
        DESK: "sent",
        bad: "failed",
        "chief@example.net": "sent",
    }
    tried = len(recorder.rcpt_log)

    again = remind(cica, server.port, state, "--as-of", "2024-07-04", to=everyone)
    assert (again.code, again.err) == (0, "")  # reported once
    assert len(recorder.rcpt_log) == tried  # the server is not asked again
    assert len(recorder.messages) == 2
    # A corrected address is a new reminder, and is sent.
    fixed = remind(cica, server.port, state, "--as-of", "2024-07-04", to=(DESK, "back@example.org"))
    assert fixed.code == 0
    assert [m.rcpt_tos for m in recorder.messages[2:]] == [["back@example.org"]]


def test_421_mid_batch_defers_that_message_reconnects_and_a_rerun_sends_only_it(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    people = ("a@example.org", "b@example.org", "c@example.org")
    recorder.data_replies[1] = "421 4.3.2 Service shutting down"
    first = remind(cica, server.port, state, "--as-of", "2024-07-04", to=people)
    assert first.code == 75, first.err
    assert "b@example.org" in first.err and "421" in first.err
    assert [m.rcpt_tos[0] for m in recorder.messages] == ["a@example.org", "c@example.org"]
    assert recorder.ehlo_count == 2  # one reconnect for the rest
    assert sorted(r[3] for r in rows(state)) == ["a@example.org", "c@example.org"]

    second = remind(cica, server.port, state, "--as-of", "2024-07-04", to=people)
    assert second.code == 0, second.err
    assert [m.rcpt_tos[0] for m in recorder.messages] == [
        "a@example.org",
        "c@example.org",
        "b@example.org",
    ]
    assert len(set(recorder.message_ids())) == 3


def test_a_second_lost_connection_stops_the_batch(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    people = ("a@example.org", "b@example.org", "c@example.org", "d@example.org")
    recorder.data_replies.update({0: "421 4.3.2 busy", 1: "421 4.3.2 busy"})
    result = remind(cica, server.port, state, "--as-of", "2024-07-04", to=people)
    assert result.code == 75
    assert "stopped" in result.err
    assert recorder.messages == [] and recorder.data_count == 2  # c and d never tried
    assert rows(state) == []
    assert remind(cica, server.port, state, "--as-of", "2024-07-04", to=people).code == 0
    assert sorted(m.rcpt_tos[0] for m in recorder.messages) == list(people)


def test_temporary_4xx_for_a_recipient_is_retried_next_run(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    recorder.rcpt_replies[DESK] = "451 4.7.1 greylisted, try later"
    first = remind(cica, server.port, state, "--as-of", "2024-07-04")
    assert first.code == 75 and "451" in first.err
    assert rows(state) == []
    del recorder.rcpt_replies[DESK]
    assert remind(cica, server.port, state, "--as-of", "2024-07-04").code == 0
    assert len(recorder.messages) == 1


# --- TLS and authentication ------------------------------------------------------------------


@pytest.fixture
def tls_server(recorder: Recorder, tmp_path: Path) -> Iterator[tuple[SmtpServer, Path]]:
    tls = make_tls(tmp_path)
    srv = SmtpServer(
        recorder,
        tls_context=tls.server_context,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=password_checker("cica", "s3cret-pw"),
    ).start()
    yield srv, tls.cafile
    srv.stop()


def _tls_args(port: int) -> list[str]:
    return ["--smtp-security", "starttls", "--smtp-user", "cica", "--smtp-port", str(port)]


def test_starttls_with_auth_delivers(
    cica: Cica,
    tls_server: tuple[SmtpServer, Path],
    recorder: Recorder,
    state: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    srv, cafile = tls_server
    monkeypatch.setenv("CICA_SMTP_CAFILE", str(cafile))
    monkeypatch.setenv("CICA_SMTP_PASSWORD", "s3cret-pw")
    result = remind(cica, srv.port, state, "--as-of", "2024-07-04", *_tls_args(srv.port))
    # (the server refuses MAIL before STARTTLS and before AUTH: delivery proves both)
    assert result.code == 0, result.err
    assert len(recorder.messages) == 1


def test_authentication_failure_exits_78_and_records_nothing(
    cica: Cica,
    tls_server: tuple[SmtpServer, Path],
    recorder: Recorder,
    state: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    srv, cafile = tls_server
    monkeypatch.setenv("CICA_SMTP_CAFILE", str(cafile))
    monkeypatch.setenv("CICA_SMTP_PASSWORD", "wrong-pw")
    result = remind(cica, srv.port, state, "--as-of", "2024-07-04", *_tls_args(srv.port))
    assert result.code == ExitCode.CONFIG == 78
    assert "authentication as 'cica' failed" in result.err and "535" in result.err
    assert "wrong-pw" not in result.err + result.out
    assert recorder.messages == [] and rows(state) == []


def test_untrusted_certificate_exits_78_without_falling_back(
    cica: Cica,
    tls_server: tuple[SmtpServer, Path],
    recorder: Recorder,
    state: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    srv, _cafile = tls_server  # CA not given: the test certificate is not trusted
    monkeypatch.setenv("CICA_SMTP_PASSWORD", "s3cret-pw")
    result = remind(cica, srv.port, state, "--as-of", "2024-07-04", *_tls_args(srv.port))
    assert result.code == 78
    assert "TLS failed" in result.err and "CICA_SMTP_CAFILE" in result.err
    assert recorder.messages == [] and rows(state) == []


def test_certificate_for_another_host_exits_78(
    cica: Cica, recorder: Recorder, state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tls = make_tls(tmp_path, names=("mail.example.org",))  # trusted CA, wrong name
    srv = SmtpServer(recorder, tls_context=tls.server_context, require_starttls=True).start()
    monkeypatch.setenv("CICA_SMTP_CAFILE", str(tls.cafile))
    try:
        result = remind(
            cica, srv.port, state, "--as-of", "2024-07-04", "--smtp-security", "starttls"
        )
    finally:
        srv.stop()
    assert result.code == 78
    assert "TLS failed" in result.err and "127.0.0.1" in result.err
    assert recorder.messages == []


def test_implicit_tls_delivers(
    cica: Cica, recorder: Recorder, state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tls = make_tls(tmp_path)
    srv = SmtpServer(recorder, ssl_context=tls.server_context).start()
    monkeypatch.setenv("CICA_SMTP_CAFILE", str(tls.cafile))
    try:
        result = remind(cica, srv.port, state, "--as-of", "2024-07-04", "--smtp-security", "ssl")
    finally:
        srv.stop()
    assert result.code == 0, result.err
    assert len(recorder.messages) == 1


def test_starttls_not_offered_exits_78(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    result = remind(
        cica, server.port, state, "--as-of", "2024-07-04", "--smtp-security", "starttls"
    )
    assert result.code == 78
    assert "does not offer STARTTLS" in result.err
    assert recorder.messages == []


def test_implicit_tls_against_a_plaintext_port_exits_78(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    result = remind(cica, server.port, state, "--as-of", "2024-07-04", "--smtp-security", "ssl")
    assert result.code == 78 and "TLS failed" in result.err
    assert recorder.messages == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_password_refused_over_plaintext_except_to_localhost(
    cica: Cica,
    recorder: Recorder,
    state: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CICA_SMTP_PASSWORD", "s3cret-pw")
    remote = cica(
        "remind", "--calendar", str(SHIPPED), "--state", str(state), "--from", FROM, "--to", DESK,
        "--smtp-host", "192.0.2.1", "--smtp-security", "none", "--smtp-user", "cica",
        "--as-of", "2024-07-04",
    )  # fmt: skip
    assert remote.code == 78
    assert "refusing to send the SMTP password to 192.0.2.1 unencrypted" in remote.err
    assert "s3cret-pw" not in remote.err
    assert not state.exists()  # stopped before anything else

    srv = SmtpServer(
        recorder,
        auth_require_tls=False,
        auth_required=True,
        authenticator=password_checker("cica", "s3cret-pw"),
    ).start()
    try:
        local = remind(cica, srv.port, state, "--as-of", "2024-07-04", "--smtp-user", "cica")
    finally:
        srv.stop()
    assert local.code == 0, local.err
    assert len(recorder.messages) == 1


# --- data never becomes headers --------------------------------------------------------------

INJECTIONS = [
    "Report\r\nBcc: x@evil.example",
    "Report\nBcc: x@evil.example",
    "Report\u2028Bcc: x@evil.example",
    "=?UTF-8?Q?=0A?=Bcc: x@evil.example",
    "Report =?UTF-8?Q?=0D=0ABcc:_x@evil.example?= \u00e9t\u00e9",
    "Report\u202e\u2066lave\u2069 ;,\\ END:VEVENT <script>alert(1)</script> Bcc",
]


@pytest.mark.parametrize("title", INJECTIONS)
def test_titles_never_add_headers_or_recipients(
    cica: Cica,
    server: SmtpServer,
    recorder: Recorder,
    state: Path,
    write_calendar: Callable[[str], Path],
    title: str,
) -> None:
    toml_title = toml_text(title)
    cal = write_calendar(
        f'[calendar]\nname = "Desk"\ntimezone = "UTC"\n\n[events.x]\ntitle = "{toml_title}"\n'
        'kind = "deadline"\n'
        f'date = 2024-07-11\nlocation = "{toml_title}"\ndescription = "{toml_title}"\n'
    )
    result = remind(cica, server.port, state, "--as-of", "2024-07-04", calendar=cal)
    assert result.code == 0, result.err
    assert recorder.rcpt_log == [DESK]
    [got] = recorder.messages
    assert got.rcpt_tos == [DESK]
    head = got.data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ").split("\r\n")
    assert [line.split(":", 1)[0] for line in unfolded] == [
        "From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted",
        "X-Auto-Response-Suppress", "MIME-Version", "Content-Type",
    ]  # fmt: skip
    msg = got.message
    for name, value in msg.items():
        assert name.lower() == "subject" or "evil" not in str(value), name
    assert {k.lower() for k in msg} == {
        "from", "to", "subject", "date", "message-id", "auto-submitted",
        "x-auto-response-suppress", "mime-version", "content-type",
    }  # fmt: skip
    subject = str(msg["Subject"])
    assert "\n" not in subject and "\r" not in subject and "\u2028" not in subject
    assert "\u202e" not in subject and "=?" not in subject
    assert msg.get_all("To") == [DESK]
    [ics] = list(msg.iter_attachments())
    assert len(icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")) == 1
    html = msg.get_body(("html",))
    assert html is not None and "<script>" not in html.get_content()


# --- dry run ---------------------------------------------------------------------------------


def test_dry_run_prints_the_messages_and_sends_and_writes_nothing(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    assert remind(cica, server.port, state, "--as-of", "2024-06-27").code == 0
    before = state.read_bytes(), state.stat().st_mtime_ns
    connections = recorder.ehlo_count
    import fcntl

    # No lock is taken: a dry run works while a real run holds the lock.
    with Path(str(state) + ".lock").open("a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        dry = remind(cica, server.port, state, "--as-of", "2024-07-04", "--dry-run")
    assert dry.code == 0, dry.err
    assert f"MAIL FROM:<{FROM}> RCPT TO:<{DESK}>" in dry.out
    assert f"Subject: CICA 2024: {SILENCE_SUBJECT_TITLE} ends in 7 days (Thu 11 Jul)" in dry.out
    assert "Auto-Submitted: auto-generated" in dry.out
    assert "nothing was sent or recorded" in dry.err
    assert recorder.ehlo_count == connections and len(recorder.messages) == 1
    assert (state.read_bytes(), state.stat().st_mtime_ns) == before


def test_dry_run_without_state_creates_nothing(cica: Cica, state: Path, tmp_path: Path) -> None:
    dry = remind(cica, free_port(), state, "--as-of", "2024-07-04", "--dry-run")
    assert dry.code == 0, dry.err
    assert "ends in 7 days" in dry.out
    assert not state.parent.exists()


# --- exit codes ------------------------------------------------------------------------------


def test_calendar_not_found_exits_66(cica: Cica, tmp_path: Path, state: Path) -> None:
    result = remind(cica, free_port(), state, calendar=tmp_path / "missing.toml")
    assert result.code == ExitCode.NOINPUT == 66
    assert "calendar not found" in result.err


def test_bad_calendar_exits_65_before_sending(
    cica: Cica,
    server: SmtpServer,
    recorder: Recorder,
    state: Path,
    write_calendar: Callable[[str], Path],
) -> None:
    cal = write_calendar(SMALL.replace("date = 2024-07-13", 'date = "nowhere + 2 days"'))
    result = remind(cica, server.port, state, "--as-of", "2024-07-06", calendar=cal)
    assert result.code == 65
    assert "unknown event 'nowhere'" in result.err
    assert recorder.ehlo_count == 0 and not state.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "not an address"], "is not an email address"),
        (["--to", "a@example.org, b@example.org"], "repeat the option"),
        (["--to", "a@example.org\r\nBcc: x@evil.example"], "control characters"),
        (["--lead", "ten days"], "cannot read offset"),
        (["--lead", "3 working days"], "use days, weeks, months or hours, not working days"),
        (["--smtp-security", "tls"], "--smtp-security"),
    ],
)
def test_bad_settings_exit_78(cica: Cica, state: Path, args: list[str], message: str) -> None:
    result = cica(
        "remind", "--calendar", str(SHIPPED), "--state", str(state), "--from", FROM,
        *(["--to", DESK] if "--to" not in args else []), *args,
    )  # fmt: skip
    assert result.code == ExitCode.CONFIG == 78, result.err
    assert message in result.err
    assert not state.exists()


def test_no_recipients_exits_78(cica: Cica, state: Path) -> None:
    result = cica("remind", "--calendar", str(SHIPPED), "--state", str(state), "--from", FROM)
    assert result.code == 78
    assert "no recipients" in result.err


def test_state_not_writable_exits_73_before_sending(
    cica: Cica, server: SmtpServer, recorder: Recorder, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder should be")
    state = blocker / "reminders.sqlite3"
    result = remind(cica, server.port, state, "--as-of", "2024-07-04")
    assert result.code == ExitCode.CANTCREAT == 73
    assert "cannot create the state folder" in result.err
    assert recorder.ehlo_count == 0


@pytest.mark.parametrize(
    "content",
    [b"", b"garbage, not a database\n" * 10, b'{"version": 99}\n'],
    ids=["empty", "garbage", "json"],
)
def test_corrupt_state_exits_73_and_is_left_untouched(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path, content: bytes
) -> None:
    state.parent.mkdir(parents=True)
    state.write_bytes(content)
    for extra in ([], ["--dry-run"]):
        result = remind(cica, server.port, state, "--as-of", "2024-07-04", *extra)
        assert result.code == 73, result.err
        assert "left as it is" in result.err and "Nothing was sent" in result.err
    assert state.read_bytes() == content
    assert recorder.ehlo_count == 0


def test_state_from_a_newer_cica_exits_73(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    assert remind(cica, server.port, state, "--as-of", "2024-06-27").code == 0
    with sqlite3.connect(state) as conn:
        conn.execute("PRAGMA user_version = 99")
    before = state.read_bytes()
    result = remind(cica, server.port, state, "--as-of", "2024-07-04")
    assert result.code == 73
    assert "format version 99, made by a newer cica" in result.err
    assert state.read_bytes() == before
    assert len(recorder.messages) == 1


def test_foreign_sqlite_file_exits_73(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    state.parent.mkdir(parents=True)
    with sqlite3.connect(state) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = remind(cica, server.port, state, "--as-of", "2024-07-04")
    assert result.code == 73 and "not a cica reminder ledger" in result.err
    assert recorder.ehlo_count == 0


def test_state_write_failing_after_the_servers_250_exits_73_and_resends_same_message_id(
    cica: Cica,
    server: SmtpServer,
    recorder: Recorder,
    state: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cica_cli.remind.ledger import Ledger, StateError

    real_mark = Ledger.mark

    def disk_full(self: Ledger, keys: Any, status: str, *args: Any, **kwargs: Any) -> None:
        if status == "sent":
            raise StateError("cannot record sent reminders: database or disk is full")
        real_mark(self, keys, status, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Ledger, "mark", disk_full)
    people = (DESK, "chief@example.net")
    first = remind(cica, server.port, state, "--as-of", "2024-07-04", to=people)
    assert first.code == 73
    assert "WAS SENT" in first.err and "same Message-ID" in first.err
    assert len(recorder.messages) == 1  # the batch stopped at once
    assert [r[4] for r in rows(state)] == ["pending"]

    monkeypatch.setattr(Ledger, "mark", real_mark)
    second = remind(cica, server.port, state, "--as-of", "2024-07-04", to=people)
    assert second.code == 0, second.err
    ids = recorder.message_ids()
    assert len(ids) == 3 and len(set(ids)) == 2  # one resend, under the same Message-ID
    assert {r[4] for r in rows(state)} == {"sent"}


def test_clock_set_back_warns_and_does_not_resend(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    assert remind(cica, server.port, state, "--as-of", "2024-07-04").code == 0
    assert remind(cica, server.port, state, "--as-of", "2024-07-10").code == 0
    back = remind(cica, server.port, state, "--as-of", "2024-07-04")
    assert back.code == 0
    assert "clock set back?" in back.err
    assert len(recorder.messages) == 2


def test_clock_far_ahead_then_fixed_loses_nothing(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    assert remind(cica, server.port, state, "--as-of", "2024-07-04").code == 0
    assert remind(cica, server.port, state, "--as-of", "2026-09-01").code == 0  # RTC reset
    assert len(recorder.messages) == 1  # nothing in 2026: every event is over
    assert remind(cica, server.port, state, "--as-of", "2024-07-04").code == 0
    assert len(recorder.messages) == 1  # the record survived: no resend
    assert remind(cica, server.port, state, "--as-of", "2024-07-10").code == 0
    assert len(recorder.messages) == 2


def test_config_file_and_env_supply_the_settings(
    cica: Cica,
    server: SmtpServer,
    recorder: Recorder,
    state: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    config = tmp_path / "home" / ".config" / "cica" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        '[reminders]\nto = ["file@example.org"]\nfrom = "Desk bot <bot@example.org>"\n'
        'lead = ["7 days"]\n\n[smtp]\nhost = "192.0.2.1"\nport = 1\nsecurity = "none"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CICA_SMTP_HOST", "127.0.0.1")  # env beats the file
    monkeypatch.setenv("CICA_SMTP_PORT", "2")
    result = cica(
        "remind", "--calendar", str(SHIPPED), "--state", str(state), "--as-of", "2024-07-04",
        "--smtp-port", str(server.port),  # the flag beats env and file
    )  # fmt: skip
    assert result.code == 0, result.err
    [got] = recorder.messages
    assert (got.mail_from, got.rcpt_tos) == ("bot@example.org", ["file@example.org"])
    assert got.message["From"] == "Desk bot <bot@example.org>"

    config.write_text('[reminders]\nto = "x@example.org"\ncc = "oops"\n', encoding="utf-8")
    typo = cica("remind", "--calendar", str(SHIPPED), "--state", str(state), "--from", FROM)
    assert typo.code == 78 and "unknown setting 'reminders.cc'" in typo.err


def test_help_has_every_option_and_examples(cica: Cica) -> None:
    result = cica("remind", "--help")
    assert result.code == 0
    for option in (
        "--to", "--from", "--lead", "--smtp-host", "--smtp-port", "--smtp-security",
        "--smtp-user", "--state", "--dry-run", "--as-of", "--calendar", "--lock-timeout",
    ):  # fmt: skip
        assert option in result.out, option
    assert "Examples:" in result.out and "CICA_SMTP_PASSWORD" in result.out
    assert "--password" not in result.out
