"""The ``cica`` command line: options, the clock, the consoles, and errors -> exit codes.

Commands live in ``cica_cli/commands/<name>.py``; this module wires them up and is the one place
that turns a ``CicaError`` into a message on stderr and an exit code. Typer is imported only when
needed: a plain command line of a command declared ``fast`` (``cica next``, ``upcoming``,
``export``, ``move``...) runs without it (``commands/_fast.py``), from the same declarations.
"""

import importlib
import os
import signal
import sys
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from . import __version__
from .errors import CalendarDataError, CicaError, ExitCode

if TYPE_CHECKING:
    import typer

# No `from __future__ import annotations` here: the root callback is defined inside `build_app`,
# after Typer is imported there, and Typer reads its annotations as they were evaluated.


@cache
def build_app() -> "typer.Typer":
    """The Typer app with every command, built on first use (importing Typer takes a while)."""
    import typer

    from .commands import COMMANDS
    from .commands._typer import add_command, verbatim_examples

    app = typer.Typer(
        name="cica",
        help="Plan meetings, procedures and deadlines from one TOML calendar: countdowns in the "
        "terminal, iCalendar files for calendar apps, reminder mail from cron.",
        epilog="Start with: cica upcoming --as-of 2024-06-27   (exit codes: see README)",
        context_settings={"help_option_names": ["-h", "--help"]},
        pretty_exceptions_enable=False,
        # Click's own help and errors: plain text that reads the same whatever the version of
        # Typer or Rich (no `<bool>` after flags, no boxes), wrapped to the terminal once.
        rich_markup_mode=None,
    )

    def _version(value: bool) -> None:
        if value:
            sys.stdout.write(f"cica {__version__}\n")
            raise typer.Exit()

    @app.callback()
    def _root(
        version: Annotated[
            bool,
            typer.Option(
                "--version",
                "-V",
                help="Print the version and exit.",
                is_eager=True,
                callback=_version,
            ),
        ] = False,
    ) -> None:
        """Plan meetings, procedures and deadlines from one TOML calendar."""

    for module_name in COMMANDS.values():
        module = importlib.import_module(f"{__package__}.commands.{module_name}")
        add_command(app, module.COMMAND, module.run)
    for info in app.registered_commands:
        info.epilog = verbatim_examples(info.epilog)
    return app


def __getattr__(name: str) -> Any:
    # `from cica_cli.cli import app` keeps working; the app is built when first asked for.
    if name == "app":
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _interrupted(signum: int, frame: object) -> None:
    # SystemExit unwinds like KeyboardInterrupt (finally blocks remove temporary files) but
    # is not caught by Click.
    sys.stderr.write("cica: interrupted\n")
    raise SystemExit(130)


def _no_command() -> None:
    """``cica`` alone: the overview on stderr and exit 2, a usage error (README, Exit codes),
    whatever Click's version would do."""
    from contextlib import redirect_stdout, suppress

    with redirect_stdout(sys.stderr), suppress(SystemExit):
        build_app()(args=["--help"], prog_name="cica")
    raise SystemExit(int(ExitCode.USAGE))


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; a ``CicaError`` becomes its message and exit code."""
    try:
        # A plain command line of a `fast` command runs without Typer (_fast.py).
        from .commands._fast import run

        args = sys.argv[1:] if argv is None else list(argv)
        if not args:
            _no_command()
        if not run(args):
            # Click turns Ctrl-C into a silent exit; say what happened, as without Typer.
            signal.signal(signal.SIGINT, _interrupted)
            build_app()(args=argv, prog_name="cica")
    except CalendarDataError as err:
        # One `FILE:LINE: where: message` per problem, as compilers do, so editors can jump there.
        # Each is one line whatever the calendar holds (an unknown key, a value quoted back).
        from .core.safe_text import line

        sys.stderr.write("".join(line(str(p)) + "\n" for p in err.problems))
        raise SystemExit(int(err.exit_code)) from None
    except CicaError as err:
        from .core.safe_text import paragraphs

        sys.stderr.write(f"cica: {paragraphs(err.message)}\n")
        raise SystemExit(int(err.exit_code)) from None
    except KeyboardInterrupt:
        sys.stderr.write("cica: interrupted\n")
        raise SystemExit(130) from None
    except BrokenPipeError:
        # `cica upcoming | head`: the reader went away; that is not an error. Point stdout at
        # /dev/null so that the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(int(ExitCode.OK)) from None
    except Exception as err:  # a bug in cica, not a user mistake
        if os.environ.get("CICA_DEBUG"):
            raise
        sys.stderr.write(
            f"cica: internal error: {type(err).__name__}: {err}\n"
            "Please report it with the command you ran; CICA_DEBUG=1 shows the traceback.\n"
        )
        raise SystemExit(int(ExitCode.SOFTWARE)) from None
