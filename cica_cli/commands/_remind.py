"""What ``cica remind`` does, without Typer (its options are in ``remind``; ``_fast`` and Typer
both call ``send_reminders``): read the settings, the calendar and the clock, run
``remind.run``, print its report.

The heavy modules (``smtplib``, ``email``, ``sqlite3``, ``ssl``) are imported inside the
functions, so ``cica upcoming`` and friends never load them.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import RecipientRejectedError, TemporaryFailure
from ._runtime import clock, collector_paused, open_calendar, say, write_out

if TYPE_CHECKING:
    from ..remind.run import DryRunReport, RunReport
    from ..remind.settings import Settings
    from ..remind.transport import Transport


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
    from ..remind import run
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
        print_preview(run.preview(settings, schedule, now, wall, state_path))
        return
    report = run.run(
        settings, schedule, now, wall, state_path, lock_timeout, lambda: _mailer(settings)
    )
    print_report(report, verbose)


def _mailer(settings: Settings) -> Transport:
    from ..remind.smtp import Mailer

    return Mailer(settings.smtp)


def print_preview(report: DryRunReport) -> None:
    """The messages on stdout, one line about them on stderr."""
    if not report.messages:
        say(f"dry run: nothing due as of {report.today.isoformat()}")
        return
    total = len(report.messages)
    chunks = []
    for n, m in enumerate(report.messages, start=1):
        head = (
            f"# message {n} of {total}: MAIL FROM:<{m.sender}> "
            f"RCPT TO:<{m.recipient}>; {m.reminders} reminder(s)"
        )
        chunks.append(head + "\n" + m.data.decode("utf-8").replace("\r\n", "\n"))
    write_out("\n".join(chunks))
    say(
        f"dry run: {total} message(s) with {report.reminders} reminder(s) would be sent via "
        f"{report.server}; nothing was sent or recorded"
    )


#: How many recipients a summary names; cron mails it, and hundreds would bury the cause.
FIRST_FEW = 3


def _first_few(items: list[str]) -> str:
    """``a; b; c`` or, for more, the first few and a count: ``a; b; c; and 297 more``."""
    if len(items) <= FIRST_FEW:
        return "; ".join(items)
    return "; ".join([*items[:FIRST_FEW], f"and {len(items) - FIRST_FEW} more"])


def print_report(report: RunReport, verbose: bool) -> None:
    """Say what matters on stderr (nothing when all went well, unless ``verbose``), and raise
    the error that gives the exit code."""
    today = report.today
    if report.clock_back:
        say(
            f"cica: warning: running as of {today} but the last run was on {report.last_run} "
            "(clock set back?); reminders already sent stay sent"
        )
    if report.missed:
        from ..remind.wording import short_title

        missed = [
            f"<{m.recipient}>: {short_title(m.title)} ({m.lead} before {m.anchor_day})"
            for m in report.missed
        ]
        say(
            f"cica: {len(missed)} reminder(s) could not be sent before their events began "
            f"(mail was failing); recorded as missed, not retried: {_first_few(missed)}"
        )
    if verbose:
        for d in report.sent:
            say(f"sent {d.reminders} reminder(s) to <{d.recipient}> {d.message_id}")
    if report.failure is not None:
        raise report.failure
    if not report.planned:
        if verbose:
            say(f"nothing due as of {today.isoformat()}")
        return
    parts = [f"{len(report.sent)} of {report.planned} message(s) sent"]
    if report.rejected:
        parts.append("rejected for good, not retried: " + _first_few(report.rejected))
    if report.deferred:
        parts.append("not sent, the next run retries: " + _first_few(report.deferred))
    if report.stopped:
        parts.append(f"stopped: {report.stopped}")
    if report.rejected:
        raise RecipientRejectedError("; ".join(parts))
    if report.deferred:
        raise TemporaryFailure("; ".join(parts))
    if verbose:
        say(parts[0])
