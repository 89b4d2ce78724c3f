"""Exit codes and the error family.

Every error a user can cause is a ``CicaError`` carrying its exit code; ``cli`` catches them
in one place and prints the message on stderr. Exit codes follow sysexits(3) so that cron,
systemd and monitoring understand them.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple


class ExitCode(IntEnum):
    """Process exit statuses (sysexits.h where one fits)."""

    OK = 0
    USAGE = 2  # bad command-line usage (Click's own code)
    DATAERR = 65  # the calendar (or a reminder recipient) is wrong
    NOINPUT = 66  # the calendar file cannot be found or read
    SOFTWARE = 70  # a bug in cica: please report it
    CANTCREAT = 73  # an output or state file cannot be written
    TEMPFAIL = 75  # try again later (SMTP server down, lock held)
    CONFIG = 78  # bad settings (no recipients, TLS or authentication failure)


class CicaError(Exception):
    """Base class: a problem the user can fix, with the exit code it maps to."""

    exit_code: ExitCode = ExitCode.SOFTWARE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# NamedTuples, not dataclasses, in the modules `cica next` imports: importing `dataclasses`
# (which imports `inspect`) and building each class would cost a fifth of its run time.
class Problem(NamedTuple):
    """One problem found in a calendar file, with its place."""

    file: str
    line: int | None
    where: str  # e.g. "events.soc.date"
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{place}: {self.where}: {self.message}" if self.where else f"{place}: {self.message}"
        )


class CalendarDataError(CicaError):
    """The calendar file has one or more problems (all of them are listed)."""

    exit_code = ExitCode.DATAERR

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class EditRefusedError(CicaError):
    """An edit of the calendar that cica will not make (nothing is written)."""

    exit_code = ExitCode.DATAERR


class CalendarNotFoundError(CicaError):
    """No calendar file in any of the places cica looks."""

    exit_code = ExitCode.NOINPUT


class UsageError(CicaError):
    """A command-line value is malformed (a bad --as-of, --within or --tz)."""

    exit_code = ExitCode.USAGE


class CannotWriteError(CicaError):
    """An output or state file cannot be created or replaced."""

    exit_code = ExitCode.CANTCREAT


class TemporaryFailure(CicaError):
    """Something that should work on a later run (server down, lock held)."""

    exit_code = ExitCode.TEMPFAIL


class ConfigError(CicaError):
    """Settings are missing or wrong (recipients, SMTP security, authentication)."""

    exit_code = ExitCode.CONFIG


class RecipientRejectedError(CicaError):
    """The mail server refused a recipient or message for good (5xx); recorded, not retried."""

    exit_code = ExitCode.DATAERR
