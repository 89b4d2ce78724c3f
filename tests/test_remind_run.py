"""``remind.run``: the reminder run as a function. The clock, the settings and the transport go
in, a report comes out; nothing is printed and no clock is read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cica_cli.core.loader import load
from cica_cli.core.schedule import Schedule
from cica_cli.errors import ConfigError
from cica_cli.remind import run
from cica_cli.remind.ledger import read_entries
from cica_cli.remind.settings import Flags, Settings, resolve_settings
from cica_cli.remind.transport import Result

from .conftest import SHIPPED

DESK = "desk@example.org"
CHIEF = "chief@example.net"
WALL = dt.datetime(2024, 7, 4, 6, 30, tzinfo=dt.UTC)


class FakeTransport:
    """Accepts everything, except the recipients in ``refuse`` (5xx) and ``later`` (4xx)."""

    def __init__(self, refuse: tuple[str, ...] = (), later: tuple[str, ...] = ()) -> None:
        self.refuse, self.later = refuse, later
        self.sent: list[tuple[str, str, bytes]] = []
        self.closed = False

    def send(self, sender: str, recipient: str, data: bytes) -> Result:
        if recipient in self.refuse:
            return Result("permanent", f"<{recipient}> refused: 550 no such user")
        if recipient in self.later:
            return Result("temporary", f"<{recipient}> refused: 451 try later")
        self.sent.append((sender, recipient, data))
        return Result("sent", "250 ok")

    def close(self) -> None:
        self.closed = True


def _schedule() -> Schedule:
    return load(SHIPPED).schedule


def _settings(tmp_path: Path, *to: str) -> Settings:
    flags = Flags(to=to or (DESK,), sender="cica@example.org")
    return resolve_settings(flags, {}, tmp_path / "config")


def _now(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.min, _schedule().zone)


def test_a_run_reports_what_it_sent_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "r.sqlite3"
    mail = FakeTransport()
    report = run.run(
        _settings(tmp_path), _schedule(), _now("2024-07-04"), WALL, state, 1, lambda: mail
    )
    assert capsys.readouterr() == ("", "")
    assert (report.today, report.planned, report.failure) == (dt.date(2024, 7, 4), 1, None)
    [sent] = report.sent
    assert (sent.recipient, sent.reminders) == (DESK, 1)
    assert mail.closed and [(s, r) for s, r, _d in mail.sent] == [("cica@example.org", DESK)]
    # The Date header is the wall clock given, not the machine's.
    assert b"Date: Thu, 04 Jul 2024 06:30:00 +0000\r\n" in mail.sent[0][2]
    assert {e.status for e in read_entries(state).values()} == {"sent"}

    again = run.run(
        _settings(tmp_path), _schedule(), _now("2024-07-04"), WALL, state, 1, FakeTransport
    )
    assert (again.planned, again.sent, again.last_run) == (0, [], dt.date(2024, 7, 4))


def test_the_transport_is_not_made_when_nothing_is_due(tmp_path: Path) -> None:
    def no_transport() -> FakeTransport:
        raise AssertionError("nothing is due: no connection")

    report = run.run(
        _settings(tmp_path), _schedule(), _now("2030-01-01"), WALL, tmp_path / "s", 1, no_transport
    )
    assert (report.planned, report.sent, report.failure) == (0, [], None)


def test_rejected_and_deferred_recipients_are_in_the_report(tmp_path: Path) -> None:
    mail = FakeTransport(refuse=(CHIEF,), later=("third@example.org",))
    settings = _settings(tmp_path, DESK, CHIEF, "third@example.org")
    state = tmp_path / "s"
    report = run.run(settings, _schedule(), _now("2024-07-04"), WALL, state, 1, lambda: mail)
    assert [d.recipient for d in report.sent] == [DESK]
    assert report.rejected == [f"<{CHIEF}>: <{CHIEF}> refused: 550 no such user"]
    assert report.deferred == ["<third@example.org>: <third@example.org> refused: 451 try later"]
    statuses = {k.recipient: e.status for k, e in read_entries(state).items()}
    assert statuses == {DESK: "sent", CHIEF: "failed"}  # the deferred one is due again


def test_an_error_after_the_run_began_is_the_reports_failure(tmp_path: Path) -> None:
    class Refusing(FakeTransport):
        def send(self, sender: str, recipient: str, data: bytes) -> Result:
            if recipient == CHIEF:
                raise ConfigError("sender refused")
            return super().send(sender, recipient, data)

    mail = Refusing()
    settings = _settings(tmp_path, CHIEF, DESK)
    state = tmp_path / "s"
    report = run.run(settings, _schedule(), _now("2024-07-04"), WALL, state, 1, lambda: mail)
    assert isinstance(report.failure, ConfigError) and mail.closed
    assert [d.recipient for d in report.sent] == [] and read_entries(state) == {}


def test_a_preview_reads_the_ledger_and_changes_nothing(tmp_path: Path) -> None:
    state = tmp_path / "absent" / "r.sqlite3"
    report = run.preview(_settings(tmp_path), _schedule(), _now("2024-07-04"), WALL, state)
    [m] = report.messages
    assert (m.sender, m.recipient, m.reminders, report.reminders) == (
        "cica@example.org",
        DESK,
        1,
        1,
    )
    assert report.server == "localhost:25"
    assert not state.parent.exists()
