"""What ``cica remind`` does, without Typer (its options are in ``remind``; ``_fast`` and Typer
both call ``send_reminders``).

The heavy modules (``smtplib``, ``email``, ``sqlite3``, ``ssl``) are imported inside the
functions, so ``cica upcoming`` and friends never load them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CicaError, ExitCode
from ._runtime import clock, collector_paused, open_calendar, say, write_out

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..core.schedule import Schedule
    from ..remind.due import Digest, Entry, Key
    from ..remind.ledger import Ledger
    from ..remind.settings import Settings
    from ..remind.smtp import Mailer


class RecipientRejectedError(CicaError):
    """The server refused a recipient or message for good (5xx); recorded, not retried."""

    exit_code = ExitCode.DATAERR


@collector_paused()
def send_reminders(
    to: list[str] | None = None,
    sender: str | None = None,
    lead: list[str] | None = None,
    smtp_host: str | None = None,
    smtp_port: int | None = None,
    smtp_security: str | None = None,
    smtp_user: str | None = None,
    state: Path | None = None,
    lock_timeout: float = 60.0,
    dry_run: bool = False,
    verbose: bool = False,
    calendar: Path | None = None,
    as_of: str | None = None,
) -> None:
    """What ``cica remind`` does (see ``remind.remind`` for the options)."""
    from ..paths import config_home, state_home
    from ..remind.ledger import FILENAME
    from ..remind.settings import Flags, resolve_settings

    env = os.environ
    settings = resolve_settings(
        Flags(
            to=to or (),
            sender=sender,
            lead=lead or (),
            smtp_host=smtp_host,
            smtp_port=smtp_port,
            smtp_security=smtp_security,
            smtp_user=smtp_user,
        ),
        env,
        config_home(env),
    )
    schedule = open_calendar(calendar).schedule
    now = clock(as_of, schedule.zone)
    wall = dt.datetime.now().astimezone()  # the Date header and the ledger's timestamps
    state_path = state if state is not None else state_home(env) / FILENAME
    if dry_run:
        _dry_run(settings, schedule, now, wall, state_path)
        return
    _run(settings, schedule, now, wall, state_path, lock_timeout, verbose)


def _plan(
    settings: Settings, schedule: Schedule, now: dt.datetime, ledger: Mapping[Key, Entry]
) -> list[Digest]:
    from ..remind.due import digests, due_reminders

    due = due_reminders(schedule, now, settings.recipients, ledger, settings.leads)
    return digests(due, settings.sender.addr_spec.rpartition("@")[2].lower())


def _message_bytes(
    d: Digest,
    settings: Settings,
    schedule: Schedule,
    now: dt.datetime,
    wall: dt.datetime,
    ics_files: dict[tuple[str, ...], bytes],
) -> bytes:
    """The message for ``d``. ``ics_files``: the attachments made so far in this run, by their
    events; recipients usually share theirs, and the .ics of a large digest takes a while."""
    from ..remind.due import iter_events
    from ..remind.message import as_bytes, build_message

    event_ids = tuple(e.id for e in iter_events(d.reminders))
    ics = ics_files.get(event_ids)
    if ics is None:
        ics = ics_files[event_ids] = _ics(schedule, event_ids, wall)
    msg = build_message(
        d,
        sender=settings.sender,
        calendar_name=schedule.settings.name,
        today=now.date(),
        date=wall,
        ics=ics,
    )
    return as_bytes(msg)


def _ics(schedule: Schedule, event_ids: tuple[str, ...], stamp: dt.datetime) -> bytes:
    """The events mentioned, written by ``cica export``'s own code (so the UIDs are the same)."""
    from ..core.schedule import Schedule
    from ..ical.export import export_ics

    subset = Schedule(schedule.settings, {i: schedule.events[i] for i in event_ids})
    return export_ics(subset, stamp)


def _dry_run(
    settings: Settings, schedule: Schedule, now: dt.datetime, wall: dt.datetime, path: Path
) -> None:
    from ..remind.ledger import read_entries

    plan = _plan(settings, schedule, now, read_entries(path))
    if not plan:
        say(f"dry run: nothing due as of {now.date().isoformat()}")
        return
    chunks = []
    ics_files: dict[tuple[str, ...], bytes] = {}
    for n, d in enumerate(plan, start=1):
        data = _message_bytes(d, settings, schedule, now, wall, ics_files)
        head = (
            f"# message {n} of {len(plan)}: MAIL FROM:<{settings.sender.addr_spec}> "
            f"RCPT TO:<{d.recipient.addr_spec}>; {len(d.reminders)} reminder(s)"
        )
        chunks.append(head + "\n" + data.decode("ascii").replace("\r\n", "\n"))
    write_out("\n".join(chunks))
    count = sum(len(d.reminders) for d in plan)
    say(
        f"dry run: {len(plan)} message(s) with {count} reminder(s) would be sent via "
        f"{settings.smtp.host}:{settings.smtp.port}; nothing was sent or recorded"
    )


@dataclass
class _Tally:
    sent: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)
    stopped: str | None = None


def _run(
    settings: Settings,
    schedule: Schedule,
    now: dt.datetime,
    wall: dt.datetime,
    path: Path,
    lock_timeout: float,
    verbose: bool,
) -> None:
    from ..errors import TemporaryFailure
    from ..remind.ledger import Ledger
    from ..remind.smtp import Mailer

    today = now.date()
    with Ledger.open(path, wall, lock_timeout) as ledger:
        last = ledger.begin_run(today)
        if last is not None and today < last:
            say(
                f"cica: warning: running as of {today} but the last run was on {last} "
                "(clock set back?); reminders already sent stay sent"
            )
        plan = _plan(settings, schedule, now, ledger.entries())
        if not plan:
            if verbose:
                say(f"nothing due as of {today.isoformat()}")
            return
        with Mailer(settings.smtp) as mailer:
            tally = _deliver(plan, ledger, mailer, settings, schedule, now, wall, verbose)
    total = len(plan)
    parts = [f"{len(tally.sent)} of {total} message(s) sent"]
    if tally.rejected:
        parts.append("rejected for good, not retried: " + "; ".join(tally.rejected))
    if tally.deferred:
        parts.append("not sent, the next run retries: " + "; ".join(tally.deferred))
    if tally.stopped:
        parts.append(f"stopped: {tally.stopped}")
    if tally.rejected:
        raise RecipientRejectedError("; ".join(parts))
    if tally.deferred:
        raise TemporaryFailure("; ".join(parts))
    if verbose:
        say(parts[0])


def _deliver(
    plan: list[Digest],
    ledger: Ledger,
    mailer: Mailer,
    settings: Settings,
    schedule: Schedule,
    now: dt.datetime,
    wall: dt.datetime,
    verbose: bool,
) -> _Tally:
    from ..errors import ConfigError, TemporaryFailure
    from ..remind.ledger import StateError

    tally = _Tally()
    sender = settings.sender.addr_spec
    lost_once = False
    ics_files: dict[tuple[str, ...], bytes] = {}
    for d in plan:
        rcpt = d.recipient.addr_spec
        if tally.stopped:
            tally.deferred.append(f"<{rcpt}>")
            continue
        data = _message_bytes(d, settings, schedule, now, wall, ics_files)
        fresh = [r.key for r in d.reminders if r.retry_of is None]
        ledger.mark(d.keys, "pending", d.message_id)
        try:
            result = mailer.send(sender, rcpt, data)
        except TemporaryFailure as err:  # could not (re)connect: stop the batch
            ledger.forget(fresh)
            tally.deferred.append(f"<{rcpt}>")
            tally.stopped = err.message
            continue
        except ConfigError:
            ledger.forget(fresh)
            raise
        if result.outcome == "sent":
            try:
                ledger.mark(d.keys, "sent", d.message_id)
            except StateError as err:
                raise StateError(
                    f"the message to <{rcpt}> WAS SENT ({d.message_id}) but could not be "
                    f"recorded: {err.message}. The next run will send it again under the same "
                    "Message-ID unless the state file is fixed"
                ) from err
            tally.sent.append(rcpt)
            if verbose:
                say(f"sent {len(d.reminders)} reminder(s) to <{rcpt}> {d.message_id}")
        elif result.outcome == "permanent":
            ledger.mark(d.keys, "failed", d.message_id, result.detail)
            tally.rejected.append(f"<{rcpt}>: {result.detail}")
        else:
            if not result.ambiguous:
                ledger.forget(fresh)
            tally.deferred.append(f"<{rcpt}>: {result.detail}")
            if result.connection_lost:
                if lost_once:
                    tally.stopped = "the server dropped the connection twice"
                lost_once = True
    return tally
