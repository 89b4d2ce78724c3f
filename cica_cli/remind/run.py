"""A reminder run: plan what is due, deliver it, record it. Nothing here prints or reads a clock.

The moment to plan from (``now``, the calendar's "as of"), the real moment of sending (``wall``:
the Date header, DTSTAMP and the ledger's timestamps), the settings and the transport all come in
as arguments; a report comes out, and the ``remind`` command turns it into messages and an exit
code. ``preview`` is ``--dry-run``: the same plan and the same bytes, read-only.

The heavy modules (``email``, ``sqlite3``, ``ics``) are imported inside the functions, so
importing this module costs nothing; ``smtplib`` is never imported here at all (the transport is
handed in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..errors import CicaError, ConfigError, TemporaryFailure

if TYPE_CHECKING:
    from ..core.schedule import Schedule
    from .due import Digest, Entry, Key
    from .ledger import Ledger
    from .settings import Settings
    from .transport import Transport


class Preview(NamedTuple):
    """One message a dry run would send."""

    sender: str
    recipient: str
    reminders: int
    data: bytes  # the message as it would go to the server (CRLF line ends)


class DryRunReport(NamedTuple):
    """What ``--dry-run`` found: the messages, and the server they would go to."""

    today: dt.date
    messages: tuple[Preview, ...]
    server: str  # host:port

    @property
    def reminders(self) -> int:
        """How many reminders the messages carry."""
        return sum(m.reminders for m in self.messages)


class Delivered(NamedTuple):
    """One message the server accepted."""

    recipient: str
    reminders: int
    message_id: str


class Missed(NamedTuple):
    """A reminder that was due but can no longer be sent: its event has begun."""

    recipient: str
    title: str
    anchor_day: dt.date
    lead: str  # as written: "7 days"
    key: Key


#: The ledger's detail for a missed reminder (recorded as ``failed``: never sent, never retried).
MISSED = "missed: the event began before the reminder could be sent"


@dataclass
class RunReport:
    """What a run did. ``failure``: the error that stopped it after it began (exit code)."""

    today: dt.date
    last_run: dt.date | None = None
    planned: int = 0  # messages
    sent: list[Delivered] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # "<addr>: reply", recorded, not retried
    deferred: list[str] = field(default_factory=list)  # "<addr>[: reply]", the next run retries
    stopped: str | None = None  # why the batch stopped early (the server went away)
    failure: CicaError | None = None
    #: Due at the previous run, not sent, and now too late (recorded so: reported once)
    missed: list[Missed] = field(default_factory=list)

    @property
    def clock_back(self) -> bool:
        """True when this run's day is before the previous run's (a clock set back)."""
        return self.last_run is not None and self.today < self.last_run


def plan(
    settings: Settings, schedule: Schedule, now: dt.datetime, ledger: Mapping[Key, Entry]
) -> list[Digest]:
    """The messages to send as of ``now``, given what the ledger already holds."""
    from .due import digests, due_reminders

    due = due_reminders(schedule, now, settings.recipients, ledger, settings.leads)
    return digests(due, settings.sender.addr_spec.rpartition("@")[2].lower())


def preview(
    settings: Settings, schedule: Schedule, now: dt.datetime, wall: dt.datetime, state: Path
) -> DryRunReport:
    """What a run would send, without a lock, a connection or a write."""
    from .ledger import read_entries

    digests = plan(settings, schedule, now, read_entries(state))
    ics_files: dict[tuple[str, ...], bytes] = {}
    messages = tuple(
        Preview(
            settings.sender.addr_spec,
            d.recipient.addr_spec,
            len(d.reminders),
            _message_bytes(d, settings, schedule, now, wall, ics_files),
        )
        for d in digests
    )
    return DryRunReport(now.date(), messages, f"{settings.smtp.host}:{settings.smtp.port}")


def run(
    settings: Settings,
    schedule: Schedule,
    now: dt.datetime,
    wall: dt.datetime,
    state: Path,
    lock_timeout: float,
    transport: Callable[[], Transport],
) -> RunReport:
    """Send what is due, each reminder once, and record it in the ledger at ``state``.

    ``transport`` is called once, when there is something to send. Errors before anything
    could be sent (the lock, a damaged ledger) are raised; an error that stops the batch
    later is the report's ``failure``, so what was sent before it is still reported.
    """
    from .ledger import Ledger

    report = RunReport(now.date())
    with Ledger.open(state, wall, lock_timeout) as ledger:
        report.last_run, last_at = ledger.begin_run(now)
        try:
            entries = ledger.entries()
            if last_at is None and report.last_run is not None:  # a ledger from an older cica
                last_at = dt.datetime.combine(report.last_run, dt.time.min, now.tzinfo)
            if last_at is not None and last_at < now:
                report.missed = _missed(settings, schedule, last_at, now, entries)
                if report.missed:
                    ledger.mark([m.key for m in report.missed], "failed", None, MISSED)
                    entries = ledger.entries()
            digests = plan(settings, schedule, now, entries)
            report.planned = len(digests)
            if digests:
                mailer = transport()
                try:
                    _deliver(digests, ledger, mailer, settings, schedule, now, wall, report)
                finally:
                    mailer.close()
        except CicaError as err:
            report.failure = err
    return report


def _missed(
    settings: Settings,
    schedule: Schedule,
    last: dt.datetime,
    now: dt.datetime,
    entries: Mapping[Key, Entry],
) -> list[Missed]:
    """The reminders the previous run (at ``last``) had to send and did not, whose event has
    begun since: mail was failing (or the run was stopped), and now it is too late."""
    from .due import due_reminders

    was_due = due_reminders(schedule, last, settings.recipients, entries, settings.leads)
    today = now.date()
    out = []
    for r in was_due:
        anchor = r.anchor
        begun = now >= anchor if isinstance(anchor, dt.datetime) else today >= r.anchor_day
        if begun:
            out.append(
                Missed(r.recipient.addr_spec, r.event.event.title, r.anchor_day, r.lead.text, r.key)
            )
    return out


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
    from .due import iter_events
    from .message import as_bytes, build_message

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
    return as_bytes(msg, utf8=not (settings.sender.addr_spec + d.recipient.addr_spec).isascii())


def _ics(schedule: Schedule, event_ids: tuple[str, ...], stamp: dt.datetime) -> bytes:
    """The events mentioned, written by ``cica export``'s own code (so the UIDs are the same)."""
    from ..core.schedule import Schedule
    from ..ical.export import export_ics

    subset = Schedule(schedule.settings, {i: schedule.events[i] for i in event_ids})
    return export_ics(subset, stamp)


def _deliver(
    digests: list[Digest],
    ledger: Ledger,
    mailer: Transport,
    settings: Settings,
    schedule: Schedule,
    now: dt.datetime,
    wall: dt.datetime,
    report: RunReport,
) -> None:
    from .ledger import StateError

    sender = settings.sender.addr_spec
    lost_once = False
    ics_files: dict[tuple[str, ...], bytes] = {}
    for d in digests:
        rcpt = d.recipient.addr_spec
        if report.stopped:
            report.deferred.append(f"<{rcpt}>")
            continue
        data = _message_bytes(d, settings, schedule, now, wall, ics_files)
        fresh = [r.key for r in d.reminders if r.retry_of is None]
        ledger.mark(d.keys, "pending", d.message_id)
        try:
            result = mailer.send(sender, rcpt, data)
        except TemporaryFailure as err:  # could not (re)connect: stop the batch
            ledger.forget(fresh)
            report.deferred.append(f"<{rcpt}>")
            report.stopped = err.message
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
            report.sent.append(Delivered(rcpt, len(d.reminders), d.message_id))
        elif result.outcome == "permanent":
            ledger.mark(d.keys, "failed", d.message_id, result.detail)
            report.rejected.append(f"<{rcpt}>: {result.detail}")
        else:
            if not result.ambiguous:
                ledger.forget(fresh)
            report.deferred.append(f"<{rcpt}>: {result.detail}")
            if result.connection_lost:
                if lost_once:
                    report.stopped = "the server dropped the connection twice"
                lost_once = True
