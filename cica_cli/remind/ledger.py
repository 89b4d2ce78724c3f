"""The reminder ledger: which reminders were sent. The only module that writes reminder state.

An SQLite file (default ``$XDG_STATE_HOME/cica/reminders.sqlite3``) with one row per reminder key:

- ``pending``: about to be handed to the server, outcome unknown. Found at the start of a run it
  means an earlier run stopped between the server's reply and the record (a crash, a kill -9):
  the reminder is sent again, once, under the same Message-ID.
- ``sent``: the server accepted it (written only after its 250 reply).
- ``failed``: the server rejected it permanently (5xx), or (detail ``missed: ...``) it was due
  at the previous run, was not sent (mail was failing) and its event has begun since; reported
  once, never retried.

Every change is its own transaction (SQLite's journal makes it atomic). A run holds an exclusive
``flock`` on ``<state>.lock`` from before it reads the ledger until it has written its last
record, so overlapping runs (cron plus a manual run) never send the same reminder twice; the
kernel drops the lock when a holder dies. The lock sits beside the file the path *resolves* to,
so two runs that reach one ledger by different paths (a symlink, ``..``) share one lock. A path
that exists and is not a regular file (``/dev/null``, a FIFO) is refused before anything is
created beside it. A file that is not a cica ledger, is damaged, or comes
from a newer cica stops the run before anything is sent, and is left untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from ..errors import CannotWriteError, TemporaryFailure
from .due import Entry, Key, Status

FILENAME = "reminders.sqlite3"
SCHEMA_VERSION = 1
APPLICATION_ID = 0x43494341  # "CICA"
#: Records of occurrences this long before the earliest of today and the last run are dropped.
PRUNE_AFTER_DAYS = 400
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SCHEMA = f"""
PRAGMA application_id = {APPLICATION_ID};
PRAGMA user_version = {SCHEMA_VERSION};
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE reminders (
    event_id   TEXT NOT NULL,
    occurrence TEXT NOT NULL,
    lead       TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    message_id TEXT,
    updated    TEXT NOT NULL,
    detail     TEXT,
    PRIMARY KEY (event_id, occurrence, lead, recipient)
) WITHOUT ROWID;
"""


class StateError(CannotWriteError):
    """The ledger cannot be used: damaged, foreign, too new, or not writable (exit 73)."""


def lock_path(path: Path) -> Path:
    """The lock file next to the ledger (pass the resolved path: see ``state_file``)."""
    return path.with_name(path.name + ".lock")


def state_file(path: Path) -> Path:
    """``path`` with every symlink resolved: one ledger, one lock, whatever the path given.

    Raises ``StateError`` (73) when it exists and is not a regular file.
    """
    resolved = Path(os.path.realpath(path))
    try:
        mode = os.stat(resolved).st_mode
    except (FileNotFoundError, NotADirectoryError):  # to be created (or the folder reports)
        return resolved
    except OSError as err:
        raise StateError(f"cannot use reminder state {path}: {err.strerror or err}") from err
    if not stat.S_ISREG(mode):
        what = (
            "a folder"
            if stat.S_ISDIR(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a FIFO"
            if stat.S_ISFIFO(mode)
            else "not a regular file"
        )
        raise StateError(
            f"reminder state {path} is {what}, not a file cica can keep its ledger in; "
            "nothing was sent. Give --state the path of a file (it is created if absent)"
        )
    return resolved


def read_entries(path: Path) -> dict[Key, Entry]:
    """The ledger's records, read-only and without the lock (for ``--dry-run``).

    A missing file is an empty ledger; nothing is created or changed.
    """
    real = state_file(path)
    if not real.exists():
        return {}
    _check_header(path)
    try:
        conn = sqlite3.connect(f"{real.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise StateError(f"cannot open reminder state {path}: {err}") from err
    try:
        _check_schema(conn, path)
        return _entries(conn, path)
    finally:
        conn.close()


class Ledger:
    """The ledger, opened for a run: locked, checked, writable. Use as a context manager."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock_fd: int, now: dt.datetime):
        self.path = path
        self._conn = conn
        self._lock_fd = lock_fd
        self._stamp = now.astimezone(dt.UTC).isoformat(timespec="seconds")

    @classmethod
    def open(cls, path: Path, now: dt.datetime, lock_timeout: float) -> Ledger:
        """Lock, then open (creating it if absent) and check the ledger at ``path``.

        Raises ``TemporaryFailure`` (75) when another run holds the lock past ``lock_timeout``
        seconds, ``StateError`` (73) when the file or its folder is unusable.
        """
        real = state_file(path)
        try:
            real.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StateError(
                f"cannot create the state folder {path.parent}: {err.strerror or err}"
            ) from err
        fd = _acquire(lock_path(real), lock_timeout)
        try:
            if not real.exists():
                _create(real)
            _check_header(path)
            try:
                conn = sqlite3.connect(str(real), timeout=lock_timeout, isolation_level=None)
            except sqlite3.Error as err:
                raise StateError(f"cannot open reminder state {path}: {err}") from err
            try:
                _check_schema(conn, path)
                conn.execute("PRAGMA synchronous = FULL")
            except BaseException:
                conn.close()
                raise
        except BaseException:
            os.close(fd)  # closing the descriptor releases the lock
            raise
        return cls(path, conn, fd, now)

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the database, then release the lock."""
        try:
            self._conn.close()
        finally:
            os.close(self._lock_fd)

    def entries(self) -> dict[Key, Entry]:
        """Every record."""
        return _entries(self._conn, self.path)

    def begin_run(self, now: dt.datetime) -> tuple[dt.date | None, dt.datetime | None]:
        """Record the run (proving the file writable before anything is sent) and prune.

        Returns the day and the moment (``None`` from a cica that kept only the day) of the
        previous run. Old records are pruned relative to the earlier of today and that day, so
        a clock set far ahead by mistake cannot drop records that matter once it is fixed.
        """
        today = now.date()
        with self._write("record the run") as cur:
            found = dict(
                cur.execute(
                    "SELECT name, value FROM meta WHERE name IN ('last_run', 'last_run_at')"
                ).fetchall()
            )
            last = _parse_day(found["last_run"]) if "last_run" in found else None
            last_at = _parse_moment(found.get("last_run_at", ""))
            floor = min(today, last) if last else today
            cutoff = (floor - dt.timedelta(days=PRUNE_AFTER_DAYS)).isoformat()
            cur.execute(
                "DELETE FROM reminders WHERE occurrence < ? AND status != 'pending'", (cutoff,)
            )
            cur.executemany(
                "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)",
                [("last_run", today.isoformat()), ("last_run_at", now.isoformat())],
            )
        return last, last_at

    def mark(
        self,
        keys: Iterable[Key],
        status: Status,
        message_id: str | None,
        detail: str | None = None,
    ) -> None:
        """Set the status of ``keys`` in one transaction."""
        rows = [
            (k.event_id, k.occurrence, k.lead, k.recipient, status, message_id, self._stamp, detail)
            for k in keys
        ]
        with self._write(f"record {status} reminders") as cur:
            cur.executemany(
                "INSERT OR REPLACE INTO reminders (event_id, occurrence, lead, recipient, "
                "status, message_id, updated, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def forget(self, keys: Iterable[Key]) -> None:
        """Drop records (a send that certainly failed for a temporary reason: due again)."""
        with self._write("update reminders") as cur:
            cur.executemany(
                "DELETE FROM reminders WHERE event_id = ? AND occurrence = ? AND lead = ? "
                "AND recipient = ? AND status = 'pending'",
                [(k.event_id, k.occurrence, k.lead, k.recipient) for k in keys],
            )

    @contextlib.contextmanager
    def _write(self, what: str) -> Iterator[sqlite3.Cursor]:
        cur = self._conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")
        except sqlite3.Error as err:
            with contextlib.suppress(sqlite3.Error):
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
            raise StateError(f"cannot {what} in {self.path}: {err}") from err
        finally:
            cur.close()


def _acquire(path: Path, timeout: float) -> int:
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as err:
        raise StateError(f"cannot create the lock file {path}: {err.strerror or err}") from err
    deadline = time.monotonic() + max(timeout, 0.0)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise TemporaryFailure(
                    f"another cica remind holds {path} (waited {timeout:g} s); "
                    "nothing sent by this run, the next one will catch up"
                ) from None
            time.sleep(0.05)
        except OSError as err:
            os.close(fd)
            raise StateError(f"cannot lock {path}: {err.strerror or err}") from err


def _create(path: Path) -> None:
    """A new, empty ledger, built aside and renamed into place (never a half-made file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        conn = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            conn.executescript(f"BEGIN;\n{_SCHEMA}\nCOMMIT;")
        finally:
            conn.close()
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except (OSError, sqlite3.Error) as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        reason = err.strerror if isinstance(err, OSError) and err.strerror else err
        raise StateError(f"cannot create reminder state {path}: {reason}") from err


def _damaged(path: Path, why: str) -> StateError:
    return StateError(
        f"reminder state {path} {why}; it was left as it is. Nothing was sent. Fix or move it "
        "away (a new ledger means every reminder due now is sent again), or use --state PATH"
    )


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except OSError as err:
        raise StateError(f"cannot read reminder state {path}: {err.strerror or err}") from err
    if head != _SQLITE_MAGIC:
        raise _damaged(path, "is not an SQLite database (damaged, or not cica's)")


def _check_schema(conn: sqlite3.Connection, path: Path) -> None:
    try:
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app != APPLICATION_ID:
            raise _damaged(path, "is an SQLite database but not a cica reminder ledger")
        if version != SCHEMA_VERSION:
            newer = version > SCHEMA_VERSION
            raise _damaged(
                path,
                f"has format version {version}, "
                + ("made by a newer cica" if newer else f"but this cica reads {SCHEMA_VERSION}"),
            )
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise _damaged(path, f"is damaged ({check})")
    except sqlite3.DatabaseError as err:
        raise _damaged(path, f"cannot be read ({err})") from err


def _entries(conn: sqlite3.Connection, path: Path) -> dict[Key, Entry]:
    try:
        rows = conn.execute(
            "SELECT event_id, occurrence, lead, recipient, status, message_id FROM reminders"
        ).fetchall()
    except sqlite3.DatabaseError as err:
        raise _damaged(path, f"cannot be read ({err})") from err
    out: dict[Key, Entry] = {}
    for event_id, occurrence, lead, recipient, status, message_id in rows:
        out[Key(event_id, occurrence, lead, recipient)] = Entry(status, message_id)
    return out


def _parse_moment(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _parse_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
