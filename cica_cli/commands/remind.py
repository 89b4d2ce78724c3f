"""``cica remind``: mail the reminders that are due, each exactly once (for cron or a timer).

The options are here; what the command does is ``_remind.send_reminders``, which ``_fast`` also
calls for a plain command line without Typer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import AsOfOpt, CalendarOpt

_EPILOG = """\
Examples:

  cica remind --to desk@example.org --from cica@example.org --dry-run --as-of 2024-07-04

  CICA_SMTP_PASSWORD=... cica remind --to desk@example.org --from cica@example.org \\
      --smtp-host smtp.example.org --smtp-user cica     # STARTTLS on port 587

  cica remind          # everything from ~/.config/cica/config.toml (see README), from cron

Exit codes: 0 all due reminders sent (or none due); 75 some not sent for a temporary reason
(server down, 4xx, lock held), retried next run; 65 bad calendar data or a recipient rejected
for good; 66 calendar not found; 73 state file not writable or damaged; 78 bad settings (no
recipients, TLS or authentication failure).
"""


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command(epilog=_EPILOG)(remind)


def remind(
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to",
            help="Recipient (repeatable; each gets one digest). "
            "Default: reminders.to in config.toml.",
            metavar="ADDR",
            show_default=False,
        ),
    ] = None,
    sender: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Sender: a real mailbox, bounces go there. "
            "Default: reminders.from in config.toml.",
            metavar="ADDR",
            show_default=False,
        ),
    ] = None,
    lead: Annotated[
        list[str] | None,
        typer.Option(
            "--lead",
            help="Lead time (repeatable): 30d, 7d, 1d, 2 weeks. Default: reminders.lead in "
            "config.toml, else the calendar's `remind`; an event's own `remind` always wins.",
            metavar="SPAN",
            show_default=False,
        ),
    ] = None,
    smtp_host: Annotated[
        str | None,
        typer.Option(
            "--smtp-host",
            help="SMTP server (env CICA_SMTP_HOST; default localhost).",
            metavar="HOST",
            show_default=False,
        ),
    ] = None,
    smtp_port: Annotated[
        int | None,
        typer.Option(
            "--smtp-port",
            help="Port (env CICA_SMTP_PORT; default 587 starttls, 465 ssl, 25 none).",
            metavar="PORT",
            show_default=False,
            min=1,
            max=65535,
        ),
    ] = None,
    smtp_security: Annotated[
        str | None,
        typer.Option(
            "--smtp-security",
            help="starttls, ssl or none (env CICA_SMTP_SECURITY; default starttls, none for "
            "localhost). Never falls back to plaintext.",
            metavar="MODE",
            show_default=False,
        ),
    ] = None,
    smtp_user: Annotated[
        str | None,
        typer.Option(
            "--smtp-user",
            help="Log in as this user (env CICA_SMTP_USER); the password comes only from "
            "CICA_SMTP_PASSWORD.",
            metavar="USER",
            show_default=False,
        ),
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option(
            "--state",
            help="Reminder ledger (default $XDG_STATE_HOME/cica/reminders.sqlite3).",
            metavar="PATH",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    lock_timeout: Annotated[
        float,
        typer.Option(
            "--lock-timeout",
            help="Seconds to wait for another running cica remind before exiting 75.",
            metavar="SECONDS",
            min=0,
        ),
    ] = 60.0,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            "-n",
            help="Print the messages that would be sent; send nothing, change nothing.",
        ),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say what was sent (on stderr).")
    ] = False,
    calendar: CalendarOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Mail the reminders that are due, one digest per recipient, each reminder exactly once.

    Silent when all goes well (cron mails any output); one line on stderr otherwise.
    """
    from ._remind import send_reminders

    send_reminders(
        to,
        sender,
        lead,
        smtp_host,
        smtp_port,
        smtp_security,
        smtp_user,
        state,
        lock_timeout,
        dry_run,
        verbose,
        calendar,
        as_of,
    )
