"""``cica remind``: mail the reminders that are due, each exactly once (for cron or a timer).

Reads the settings, the calendar and the clock, runs ``remind.run`` and prints its report. The
heavy modules (``smtplib``, ``email``, ``sqlite3``, ``ssl``) are imported inside the functions,
so ``cica upcoming`` and friends never load them.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import RecipientRejectedError, TemporaryFailure
from ._options import AS_OF, CALENDAR, DRY_RUN, Command, Param, flag
from ._runtime import clock, open_calendar, say, write_out

if TYPE_CHECKING:
    from ..remind.run import DryRunReport, RunReport
    from ..remind.settings import Settings
    from ..remind.transport import Transport

_EPILOG = """\
Examples:

  cica remind --to desk@example.org --from cica@example.org \\
      --dry-run --as-of 2024-07-04

  CICA_SMTP_PASSWORD=... cica remind --to desk@example.org \\
      --from cica@example.org --smtp-host smtp.example.org \\
      --smtp-user cica     # STARTTLS on port 587

  cica remind      # from cron: all from ~/.config/cica/config.toml (README)

Exit codes: 0 all due reminders sent (or none due); 75 some not sent for a temporary reason
(server down, 4xx, lock held), retried next run; 65 bad calendar data or a recipient rejected
for good; 66 calendar not found; 73 state file not writable, damaged or not a file; 78 bad
settings (no recipients, TLS or authentication failure, starttls against an implicit-TLS port:
use ssl, a non-ASCII address for a server without SMTPUTF8). A reminder whose event began while
mail was failing is reported once and recorded as missed.
"""

COMMAND = Command(
    "remind",
    (
        Param(
            "to",
            ("--to",),
            "Recipient (repeatable; each gets one digest). Default: reminders.to in config.toml.",
            multiple=True,
            metavar="ADDR",
        ),
        Param(
            "sender",
            ("--from",),
            "Sender: a real mailbox, bounces go there. Default: reminders.from in config.toml.",
            metavar="ADDR",
        ),
        Param(
            "lead",
            ("--lead",),
            "Lead time (repeatable): 30d, 7d, 1d, 2 weeks. Default: reminders.lead in "
            "config.toml, else the calendar's `remind`; an event's own `remind` always wins.",
            multiple=True,
            metavar="SPAN",
        ),
        Param(
            "smtp_host",
            ("--smtp-host",),
            "SMTP server (env CICA_SMTP_HOST; default localhost).",
            metavar="HOST",
        ),
        Param(
            "smtp_port",
            ("--smtp-port",),
            "Port (env CICA_SMTP_PORT; default 587 starttls, 465 ssl, 25 none).",
            value="int",
            metavar="PORT",
            min=1,
            max=65535,
        ),
        Param(
            "smtp_security",
            ("--smtp-security",),
            "starttls, ssl or none (env CICA_SMTP_SECURITY; default starttls, none for "
            "localhost). Never falls back to plaintext.",
            metavar="MODE",
        ),
        Param(
            "smtp_user",
            ("--smtp-user",),
            "Log in as this user (env CICA_SMTP_USER); the password comes only from "
            "CICA_SMTP_PASSWORD.",
            metavar="USER",
        ),
        Param(
            "state",
            ("--state",),
            "Reminder ledger (default $XDG_STATE_HOME/cica/reminders.sqlite3).",
            value="file",
            metavar="PATH",
        ),
        Param(
            "lock_timeout",
            ("--lock-timeout",),
            "Seconds to wait for another running cica remind before exiting 75.",
            value="float",
            default=60.0,
            metavar="SECONDS",
            min=0,
            show_default=True,
        ),
        DRY_RUN._replace(
            help="Print the messages that would be sent; send nothing, change nothing."
        ),
        flag("verbose", ("--verbose", "-v"), "Say what was sent (on stderr)."),
        CALENDAR,
        AS_OF,
    ),
    epilog=_EPILOG,
    fast=True,
)


def run(
    to: list[str],
    sender: str | None,
    lead: list[str],
    smtp_host: str | None,
    smtp_port: int | None,
    smtp_security: str | None,
    smtp_user: str | None,
    state: Path | None,
    lock_timeout: float,
    dry_run: bool,
    verbose: bool,
    calendar: Path | None,
    as_of: str | None,
) -> None:
    """Mail the reminders that are due, one digest per recipient, each reminder exactly once.

    Silent when all goes well (cron mails any output); one line on stderr otherwise.
    """
    from ..paths import config_home, state_home
    from ..remind import run as reminders
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
        print_preview(reminders.preview(settings, schedule, now, wall, state_path))
        return
    report = reminders.run(
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
