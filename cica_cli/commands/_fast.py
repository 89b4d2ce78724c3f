"""Plain command lines run without Typer, for prompts and cron. No command logic here.

Importing Typer and letting it coerce each option (it builds a pydantic adapter per option)
costs more than everything else ``cica next`` does with a cached calendar. So ``cli.main`` first
offers the arguments to ``run``: when they are a command declared ``fast`` (``_options``) with
nothing but its own options, written plainly (``--as-of 2024-06-27``, ``--as-of=2024-06-27``,
``-c FILE``, ``--json``), the command's ``run`` is called here with what Typer would have given
it; anything else (help, a misspelt or repeated option, a value that starts with ``-``, a
directory as the calendar, a port that is not a plain number in range...) returns False, and
Typer handles it, error messages included. Both read the same declaration, so they cannot drift.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from . import COMMANDS
from ._options import Command, Param


def run(args: list[str]) -> bool:
    """Run ``args`` if they are a plain command line of a fast command; False to leave them
    to Typer."""
    module = _module(args[0]) if args else None
    if module is None:
        return False
    values = parse(module.COMMAND, args[1:])
    if values is None:
        return False
    from ._runtime import run_command

    run_command(module.COMMAND, module.run, values)
    return True


def _module(name: str) -> Any:
    """The module of command ``name`` if it is declared fast, else None."""
    if name not in COMMANDS:
        return None
    module = __import__(f"cica_cli.commands.{COMMANDS[name]}", fromlist=["COMMAND"])
    command = getattr(module, "COMMAND", None)
    return module if command is not None and command.fast else None


def options(command: Command) -> dict[str, Param]:
    """Every spelling of every option of ``command`` -> its declaration."""
    return {name: param for param in command.params for name in param.names}


def parse(command: Command, args: list[str]) -> dict[str, Any] | None:
    """The keywords for ``command``'s ``run``, or None for anything Typer should see.

    A command whose words may start with a dash (``cica move ID -3 days``) takes ``-`` and a
    digit as a word, as Typer does for it; any other unknown option still goes to Typer.
    """
    spec = options(command)
    given: dict[str, Any] = {}
    positional = [p for p in command.params if not p.is_option]
    words: list[str] = []
    rest = iter(args)
    for token in rest:
        if not token.startswith("-") or (
            command.words_may_start_with_dash and token[1:2].isdigit() and token not in spec
        ):
            words.append(token)
            continue
        name, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        param = spec.get(name)
        if param is None:
            return None
        if param.value == "flag":
            if eq:
                return None
            given[param.name] = True
            continue
        text = inline if eq else next(rest, None)
        if text is None or (not eq and text.startswith("-")):
            return None
        value = _convert(text, param)
        if value is None:
            return None
        if param.multiple:
            given.setdefault(param.name, []).append(value)
        elif param.name in given:
            return None  # given twice: let Typer decide
        else:
            given[param.name] = value
    for param in positional:
        taken, words = (words, []) if param.multiple else (words[:1], words[1:])
        converted = [_convert(word, param) for word in taken]
        if None in converted:
            return None
        if converted:
            given[param.name] = converted if param.multiple else converted[0]
    if words:
        return None  # more words than arguments
    values: dict[str, Any] = {}
    for param in command.params:
        if param.name in given:
            values[param.name] = given[param.name]
        elif param.required:
            return None
        else:
            values[param.name] = [] if param.multiple else param.default
    return values


def _convert(text: str, param: Param) -> str | Path | int | float | None:
    """``text`` as ``param`` takes it, or None if Typer should judge it."""
    if param.value == "text":
        return text
    if param.value == "file":
        return Path(text) if _plain_file_path(text) else None
    if param.value == "path":
        return Path(text) if text else None
    if not _plain_number(text, param.value):
        return None
    number = int(text) if param.value == "int" else float(text)
    if (param.min is not None and number < param.min) or (
        param.max is not None and number > param.max
    ):
        return None
    return number


def _plain_number(text: str, kind: str) -> bool:
    """Digits (no sign, no leading zero), for a float perhaps a point and more digits."""
    whole, point, fraction = text.partition(".")
    if not (text.isascii() and len(text) <= 12 and whole.isdigit()):
        return False
    if len(whole) > 1 and whole.startswith("0"):
        return False
    return not point or (kind == "float" and fraction.isdigit())


def _plain_file_path(text: str) -> bool:
    """True unless Typer would reject ``text`` as a file (a directory, unreadable)."""
    if not text:
        return False
    try:
        st = os.stat(text)
    except OSError:
        return True  # missing: the calendar lookup reports it
    return not stat.S_ISDIR(st.st_mode) and os.access(text, os.R_OK)
