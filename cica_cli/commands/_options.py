"""Every option and argument of the command line, declared once, as data (no Typer here).

Each command module under ``commands/`` holds a ``COMMAND`` (its name, its ``Param``\\ s, its
examples) and a ``run`` function that receives one keyword per ``Param``. Two things are made
from that one declaration, so they cannot disagree:

- the Typer command (``_typer.add_command``): help, completion, and the error messages for
  anything unusual;
- the Typer-free fast path (``_fast``) that a plain ``cica next`` takes (importing Typer costs
  more than everything else ``next`` does with a cached calendar).

Both call ``run`` with every parameter: what was given, else the declared ``default``; a
repeatable option or a variadic argument always as a list (empty when not given).

The options several commands share are declared here; the others in their command's module.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from ..core.model import KINDS

#: How an option's text is taken: a flag takes none; "text" as written; "file" a path that must
#: not be a directory (readable if it exists); "path" any path, which the command checks itself;
#: "int" and "float" a number within ``min``/``max``.
ValueKind = Literal["flag", "text", "file", "path", "int", "float"]


class Param(NamedTuple):
    """One option (``names`` given) or positional argument (no ``names``) of a command."""

    name: str
    """The keyword that the command's ``run`` receives."""
    names: tuple[str, ...] = ()
    """The option's spellings, long first (``("--within", "-w")``); none for an argument."""
    help: str = ""
    value: ValueKind = "text"
    multiple: bool = False
    """A repeatable option, or an argument that takes every remaining word."""
    required: bool = False
    default: str | bool | float | None = None
    """What ``run`` gets when the option is not given (a flag: False)."""
    metavar: str | None = None
    min: float | None = None
    max: float | None = None
    show_default: bool = False

    @property
    def is_option(self) -> bool:
        """An option (named), not a positional argument."""
        return bool(self.names)


class Command(NamedTuple):
    """A command's declaration; its help text is the docstring of its module's ``run``."""

    name: str
    params: tuple[Param, ...]
    epilog: str
    """Examples and notes shown after the options, as written (never re-wrapped)."""
    fast: bool = False
    """Plain command lines of this command run without Typer (``_fast``)."""
    words_may_start_with_dash: bool = False
    """Unknown options reach the arguments (``cica move ID -3 days``)."""


def flag(name: str, names: tuple[str, ...], help: str) -> Param:
    """An option that takes no value: True when given."""
    return Param(name, names, help, value="flag", default=False)


CALENDAR = Param(
    "calendar",
    ("--calendar", "-c"),
    "Calendar file (default: $CICA_CALENDAR, ./events.toml, "
    "$XDG_CONFIG_HOME/cica/events.toml, then the packaged CICA 2024 calendar).",
    value="path",  # the calendar lookup checks it (a folder, a FIFO...: exit 66, the reason)
    metavar="FILE",
)
AS_OF = Param(
    "as_of",
    ("--as-of",),
    "Pretend it is this date or date-time (2024-06-27 or 2024-06-27T10:00) instead of now.",
    metavar="DATE|DATETIME",
)
TZ = Param(
    "tz",
    ("--tz",),
    "Show times in this IANA zone (default: the calendar's).",
    metavar="ZONE",
)
KIND = Param(
    "kind",
    ("--kind", "-k"),
    f"Only this kind (repeatable): {', '.join(KINDS)}.",
    multiple=True,
    metavar="KIND",
)
TAG = Param(
    "tag",
    ("--tag", "-t"),
    "Only items with this tag (repeatable).",
    multiple=True,
    metavar="TAG",
)
JSON = flag("json_", ("--json",), "Print JSON for scripts instead of text.")
DRY_RUN = flag("dry_run", ("--dry-run", "-n"), "Print what would change; write nothing.")
#: ``--from``/``--to`` as days (read by ``_runtime.day_range``); each command words what they bound.
FROM_DAY = Param(
    "from_",
    ("--from",),
    "First day: a date (2024-06-01), 'today' or a span from today such as 30d.",
    metavar="DATE",
)
TO_DAY = Param(
    "to", ("--to",), "Last day: a date, 'today' or a span from today such as 6m.", metavar="DATE"
)
EVENT_ID = Param(
    "event_id", (), "The event id (see `cica upcoming --all`).", required=True, metavar="ID"
)
