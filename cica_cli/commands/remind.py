"""``cica remind``: mail the reminders that are due, each exactly once (for cron or a timer).

The options are declared here; what the command does is ``_remind.send_reminders``.
"""

from __future__ import annotations

from pathlib import Path

from ._options import AS_OF, CALENDAR, Command, Param, flag

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
        flag(
            "dry_run",
            ("--dry-run", "-n"),
            "Print the messages that would be sent; send nothing, change nothing.",
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
