"""``cica remind`` in the corners of mail delivery, against the SMTP test server (aiosmtpd on
127.0.0.1): the wrong TLS mode, one login per run, state paths that are not files, a summary that
stays short, internationalised addresses, reminders that can no longer be sent."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult

from .conftest import SHIPPED, Result
from .remind_support import Recorder, SmtpServer, free_port, make_tls

Cica = Callable[..., Result]
DESK = "desk@example.org"
FROM = "cica@example.org"


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


def remind(cica: Cica, port: int, state: Path, *args: str, to: tuple[str, ...] = (DESK,)) -> Result:
    argv = ["remind", "--calendar", str(SHIPPED), "--state", str(state), "--from", FROM]
    for addr in to:
        argv += ["--to", addr]
    argv += ["--smtp-host", "127.0.0.1", "--smtp-port", str(port)]
    if "--smtp-security" not in args:
        argv += ["--smtp-security", "none"]
    return cica(*argv, *args)


def rows(state: Path) -> list[tuple[str, ...]]:
    with sqlite3.connect(state) as conn:
        return conn.execute(
            "SELECT event_id, occurrence, lead, recipient, status FROM reminders "
            "ORDER BY 1, 2, 3, 4"
        ).fetchall()


# --- the wrong TLS mode fails fast -----------------------------------------------------------


@pytest.mark.parametrize("security", ["starttls", "none"])
def test_starttls_against_an_implicit_tls_port_fails_fast_with_78_and_a_hint(
    cica: Cica,
    recorder: Recorder,
    state: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    security: str,
) -> None:
    monkeypatch.setenv("CICA_SMTP_TIMEOUT", "30")  # the default: no help from a short timeout
    tls = make_tls(tmp_path)
    srv = SmtpServer(recorder, ssl_context=tls.server_context).start()  # like port 465
    monkeypatch.setenv("CICA_SMTP_CAFILE", str(tls.cafile))
    try:
        started = time.monotonic()
        result = remind(cica, srv.port, state, "--as-of", "2024-07-04", "--smtp-security", security)
        took = time.monotonic() - started
    finally:
        srv.stop()
    assert result.code == 78, result.err
    assert "expects TLS from the start" in result.err and "--smtp-security ssl" in result.err
    assert took < 10
    assert recorder.messages == [] and rows(state) == []


def test_a_slow_greeting_is_not_taken_for_tls(
    cica: Cica, recorder: Recorder, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plaintext server that greets after the probe's two seconds still gets its mail."""
    import socket
    import threading

    srv = SmtpServer(recorder).start()
    front = socket.socket()
    front.bind(("127.0.0.1", 0))
    front.listen(4)

    def relay(client: socket.socket) -> None:
        time.sleep(2.5)  # a greet pause, as some MTAs keep against spammers
        try:  # (cica's TLS probe connects too; its relay may outlive the server)
            upstream = socket.create_connection(("127.0.0.1", srv.port))
        except OSError:
            client.close()
            return
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=_pump, args=(a, b), daemon=True).start()

    def accept() -> None:
        while True:
            try:
                client, _addr = front.accept()
            except OSError:
                return
            threading.Thread(target=relay, args=(client,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    monkeypatch.setenv("CICA_SMTP_TIMEOUT", "10")
    try:
        result = remind(cica, front.getsockname()[1], state, "--as-of", "2024-07-04")
    finally:
        front.close()
        srv.stop()
    assert result.code == 0, result.err
    assert len(recorder.messages) == 1


def _pump(a: Any, b: Any) -> None:
    with contextlib.suppress(OSError):
        while data := a.recv(65536):
            b.sendall(data)
    for s in (a, b):
        with contextlib.suppress(OSError):
            s.shutdown(2)


# --- one login attempt per run ---------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_a_wrong_password_is_tried_once(
    cica: Cica, recorder: Recorder, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[str] = []

    def refuse(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        attempts.append(mechanism)
        return AuthResult(success=False, handled=False)

    srv = SmtpServer(
        recorder, auth_require_tls=False, auth_required=True, authenticator=refuse
    ).start()
    monkeypatch.setenv("CICA_SMTP_PASSWORD", "wrong-pw")
    try:
        result = remind(cica, srv.port, state, "--as-of", "2024-07-04", "--smtp-user", "cica")
    finally:
        srv.stop()
    assert result.code == 78
    assert "authentication as 'cica' failed" in result.err and "535" in result.err
    assert attempts == ["PLAIN"]  # not PLAIN, then LOGIN
    assert recorder.messages == [] and rows(state) == []


# --- state paths that are not files ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["device", "fifo"])
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_state_path_that_is_not_a_file_is_refused_and_nothing_is_made_beside_it(
    cica: Cica, server: SmtpServer, recorder: Recorder, tmp_path: Path, kind: str, dry_run: bool
) -> None:
    folder = tmp_path / "state"
    folder.mkdir()
    state = folder / "reminders.sqlite3"
    if kind == "device":
        state.symlink_to("/dev/null")
    else:
        os.mkfifo(state)
    before = set(Path("/dev").iterdir())
    result = remind(cica, server.port, state, "--as-of", "2024-07-04", *(["-n"] if dry_run else []))
    assert result.code == 73
    assert f"reminder state {state} is a {'device' if kind == 'device' else 'FIFO'}" in result.err
    assert "Give --state the path of a file" in result.err
    assert sorted(p.name for p in folder.iterdir()) == ["reminders.sqlite3"]
    assert set(Path("/dev").iterdir()) == before  # no /dev/null.lock either
    assert recorder.messages == []


# --- a short summary -------------------------------------------------------------------------


def test_the_summary_stays_short_with_hundreds_of_recipients(cica: Cica, state: Path) -> None:
    people = tuple(f"person{n:03}@example.org" for n in range(300))
    result = remind(cica, free_port(), state, "--as-of", "2024-07-04", to=people)
    assert result.code == 75
    assert result.err.count("\n") == 1 and len(result.err) < 400, result.err
    assert "0 of 300 message(s) sent" in result.err
    assert "<person000@example.org>" in result.err and "<person002@example.org>" in result.err
    assert "<person003@example.org>" not in result.err and "and 297 more" in result.err


# --- internationalised addresses ---------------------------------------------------------------


def test_an_internationalised_domain_is_sent_in_idna_to_any_server(
    cica: Cica, recorder: Recorder, state: Path
) -> None:
    server = SmtpServer(recorder, enable_SMTPUTF8=False).start()
    try:
        _idna_domain(cica, server, recorder, state)
    finally:
        server.stop()


def _idna_domain(cica: Cica, server: SmtpServer, recorder: Recorder, state: Path) -> None:
    result = remind(cica, server.port, state, "--as-of", "2024-07-04", to=("alice@bücher.example",))
    assert result.code == 0, result.err
    [got] = recorder.messages
    assert got.rcpt_tos == ["alice@xn--bcher-kva.example"]
    assert got.message["To"] == "alice@xn--bcher-kva.example"
    assert [r[3:] for r in rows(state)] == [("alice@xn--bcher-kva.example", "sent")]
    # The same mailbox written either way is one recipient, one reminder.
    again = remind(
        cica, server.port, state, "--as-of", "2024-07-04", to=("alice@xn--bcher-kva.example",)
    )
    assert again.code == 0 and len(recorder.messages) == 1


def test_a_non_ascii_local_part_is_sent_with_smtputf8_when_offered(
    cica: Cica, recorder: Recorder, state: Path
) -> None:
    srv = SmtpServer(recorder, enable_SMTPUTF8=True).start()
    try:
        result = remind(cica, srv.port, state, "--as-of", "2024-07-04", to=("jörg@bücher.example",))
    finally:
        srv.stop()
    assert result.code == 0, result.err
    [got] = recorder.messages
    assert got.rcpt_tos == ["jörg@xn--bcher-kva.example"]
    assert got.message["To"] == "jörg@xn--bcher-kva.example"  # UTF-8, not an encoded word
    assert b"To: j\xc3\xb6rg@xn--bcher-kva.example\r\n" in got.data


def test_a_non_ascii_local_part_without_smtputf8_exits_78_saying_why(
    cica: Cica, recorder: Recorder, state: Path
) -> None:
    srv = SmtpServer(recorder, enable_SMTPUTF8=False).start()  # aiosmtpd's Controller offers it
    try:
        result = remind(
            cica, srv.port, state, "--as-of", "2024-07-04", to=(DESK, "jörg@bücher.example")
        )
    finally:
        srv.stop()
    assert result.code == 78
    assert "<jörg@xn--bcher-kva.example> has a non-ASCII local part" in result.err
    assert "SMTPUTF8" in result.err
    assert [m.rcpt_tos for m in recorder.messages] == [[DESK]]  # the other one was sent
    assert [r[3:] for r in rows(state)] == [(DESK, "sent")]  # and the failed one is due again


def test_a_dry_run_shows_a_utf8_message(cica: Cica, state: Path) -> None:
    result = remind(cica, free_port(), state, "--as-of", "2024-07-04", "-n", to=("jörg@b.example",))
    assert result.code == 0, result.err
    assert "RCPT TO:<jörg@b.example>" in result.out and "\nTo: jörg@b.example\n" in result.out


# --- no reminder dropped in silence ----------------------------------------------------------


def _ledger(state: Path) -> list[tuple[str, ...]]:
    with sqlite3.connect(state) as conn:
        return conn.execute(
            "SELECT event_id, lead, recipient, status, detail FROM reminders ORDER BY 1, 2"
        ).fetchall()


def test_a_reminder_whose_event_began_while_mail_was_failing_is_reported_once_as_missed(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    # The silence procedure ends Thu 11 Jul 2024; its 1-day reminder is due on the 10th.
    down = remind(cica, free_port(), state, "--as-of", "2024-07-10")
    assert down.code == 75 and "0 of 1 message(s) sent" in down.err

    late = remind(cica, server.port, state, "--as-of", "2024-07-11")  # the day it ends
    assert late.code == 0, late.err
    assert late.err == (
        "cica: 1 reminder(s) could not be sent before their events began (mail was failing); "
        "recorded as missed, not retried: <desk@example.org>: Silence procedure on the draft "
        "outcome... (1 day before 2024-07-11)\n"
    )
    assert recorder.messages == []
    assert _ledger(state) == [
        (
            "env-outcome-silence",
            "P1D",
            DESK,
            "failed",
            "missed: the event began before the reminder could be sent",
        )
    ]
    again = remind(cica, server.port, state, "--as-of", "2024-07-12")
    assert (again.code, again.err) == (0, "")  # reported once


def test_nothing_is_reported_missed_when_the_previous_run_delivered(
    cica: Cica, server: SmtpServer, recorder: Recorder, state: Path
) -> None:
    assert remind(cica, server.port, state, "--as-of", "2024-07-10").code == 0
    later = remind(cica, server.port, state, "--as-of", "2024-07-11")
    assert (later.code, later.err) == (0, "")
    assert [r[3] for r in _ledger(state)] == ["sent"]
