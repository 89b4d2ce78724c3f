"""``cica remind`` as separate processes: overlapping runs, held and stale locks, a crash."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import SHIPPED, Result
from .remind_support import Received, Recorder, SmtpServer, kill

Cica = Callable[..., Result]
FROM = "cica@example.org"
PEOPLE = ("a@example.org", "b@example.org", "c@example.org")


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def server(recorder: Recorder) -> Iterator[SmtpServer]:
    srv = SmtpServer(recorder).start()
    yield srv
    srv.stop()


def argv(port: int, state: Path, *extra: str) -> list[str]:
    args = ["remind", "--calendar", str(SHIPPED), "--state", str(state), "--from", FROM]
    for addr in PEOPLE:
        args += ["--to", addr]
    args += ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none"]
    return [*args, "--as-of", "2024-07-04", *extra]


def spawn(port: int, state: Path, *extra: str) -> subprocess.Popen[str]:
    env = dict(os.environ, CICA_SMTP_TIMEOUT="10")
    return subprocess.Popen(
        [sys.executable, "-m", "cica_cli", *argv(port, state, *extra)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    _out, err = proc.communicate(timeout=60)
    return proc.returncode, err


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def _overlapping_runs(recorder: Recorder, port: int, state_a: Path, state_b: Path) -> None:
    """Start B while A is inside its SMTP session (the server is slow), wait for both."""
    recorder.data_delay = 0.5  # A's session lasts 1.5 s; B reaches the lock well before that
    a = spawn(port, state_a)
    wait_for(lambda: recorder.ehlo_count >= 1)  # A holds the lock and is sending
    b = spawn(port, state_b)
    assert a.poll() is None and len(recorder.messages) < len(PEOPLE)
    assert finish(a) == (0, "")
    assert finish(b) == (0, "")


def test_overlapping_runs_send_each_reminder_once(
    server: SmtpServer, recorder: Recorder, tmp_path: Path
) -> None:
    state = tmp_path / "reminders.sqlite3"
    _overlapping_runs(recorder, server.port, state, state)
    assert sorted(m.rcpt_tos[0] for m in recorder.messages) == list(PEOPLE)
    assert len(set(recorder.message_ids())) == 3


@pytest.mark.parametrize("how", ["absolute symlink", "relative symlink"])
def test_two_paths_to_one_ledger_share_its_lock(
    server: SmtpServer, recorder: Recorder, tmp_path: Path, how: str
) -> None:
    state = tmp_path / "state" / "reminders.sqlite3"
    state.parent.mkdir()
    other = tmp_path / "other.sqlite3"
    other.symlink_to(state if how == "absolute symlink" else Path("state", state.name))
    _overlapping_runs(recorder, server.port, state, other)
    assert sorted(m.rcpt_tos[0] for m in recorder.messages) == list(PEOPLE)
    assert sorted(p.name for p in tmp_path.rglob("*.lock")) == ["reminders.sqlite3.lock"]


def test_control_without_a_shared_ledger_the_same_overlap_duplicates(
    server: SmtpServer, recorder: Recorder, tmp_path: Path
) -> None:
    # Proves the test above can see duplicates: same overlap, two ledgers (so two locks).
    _overlapping_runs(recorder, server.port, tmp_path / "a.sqlite3", tmp_path / "b.sqlite3")
    assert sorted(m.rcpt_tos[0] for m in recorder.messages) == sorted(PEOPLE * 2)


def test_three_runs_started_together_send_each_reminder_once(
    server: SmtpServer, recorder: Recorder, tmp_path: Path
) -> None:
    recorder.data_delay = 0.1
    state = tmp_path / "reminders.sqlite3"
    procs = [spawn(server.port, state) for _ in range(3)]
    assert [finish(p) for p in procs] == [(0, "")] * 3
    assert sorted(m.rcpt_tos[0] for m in recorder.messages) == list(PEOPLE)


def test_a_held_lock_makes_the_run_exit_75_after_the_timeout(
    cica: Cica, server: SmtpServer, recorder: Recorder, tmp_path: Path
) -> None:
    state = tmp_path / "reminders.sqlite3"
    with Path(f"{state}.lock").open("a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        started = time.monotonic()
        result = cica(*argv(server.port, state, "--lock-timeout", "0.5"))
        waited = time.monotonic() - started
    assert result.code == 75
    assert "another cica remind holds" in result.err and "waited 0.5 s" in result.err
    assert 0.5 <= waited < 5
    assert recorder.ehlo_count == 0


def test_a_killed_lock_holder_frees_the_lock_at_once(
    cica: Cica, server: SmtpServer, recorder: Recorder, tmp_path: Path
) -> None:
    state = tmp_path / "reminders.sqlite3"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            "f = open(sys.argv[1], 'a')\n"
            "fcntl.flock(f.fileno(), fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(120)\n",
            f"{state}.lock",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    kill(holder.pid)
    holder.wait(timeout=10)
    result = cica(*argv(server.port, state, "--lock-timeout", "5"))
    assert result.code == 0, result.err
    assert len(recorder.messages) == 3


def test_a_crash_between_the_servers_reply_and_the_record_resends_once_same_message_id(
    cica: Cica, server: SmtpServer, recorder: Recorder, tmp_path: Path
) -> None:
    state = tmp_path / "reminders.sqlite3"
    proc = spawn(server.port, state)

    def crash(got: Received) -> None:
        # The message is accepted; cica dies before it can read the 250 and record it.
        recorder.on_accept = None
        kill(proc.pid)

    recorder.on_accept = crash
    code, _err = finish(proc)
    assert code == -9
    assert len(recorder.messages) == 1
    first = recorder.messages[0]

    rerun = cica(*argv(server.port, state))
    assert rerun.code == 0, rerun.err
    again = [m for m in recorder.messages if m.rcpt_tos == first.rcpt_tos]
    assert len(again) == 2  # at most one duplicate ...
    assert again[0].message["Message-ID"] == again[1].message["Message-ID"]  # ... recognisable
    assert sorted(m.rcpt_tos[0] for m in recorder.messages[1:]) == list(PEOPLE)
    assert cica(*argv(server.port, state)).code == 0
    assert len(recorder.messages) == 4
