"""Typer commands made from the declarations of ``_options`` (the only place that maps a
``Param`` to Typer's terms)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
import typer.core

from ._options import Command, Param
from ._runtime import run_command

_TYPES: dict[str, type] = {
    "flag": bool, "text": str, "file": Path, "path": Path, "int": int, "float": float
}  # fmt: skip


def annotation(param: Param) -> Any:
    """The Python type Typer reads for ``param``."""
    base = _TYPES[param.value]
    if param.multiple:
        return list[base]  # type: ignore[valid-type]
    if param.value == "flag" or param.required or param.default is not None:
        return base
    return base | None


def _keywords(param: Param) -> dict[str, Any]:
    extra: dict[str, Any] = {"help": param.help}
    if param.value == "file":
        extra["dir_okay"] = False
    if param.min is not None:
        extra["min"] = param.min
    if param.max is not None:
        extra["max"] = param.max
    if param.metavar is not None:
        extra["metavar"] = param.metavar
    if param.value != "flag":
        extra["show_default"] = param.show_default
    return extra


def info(param: Param) -> Any:
    """``typer.Option``/``typer.Argument`` for ``param``, its default included."""
    default: Any = ... if param.required else param.default
    if not param.is_option:
        return typer.Argument(default, **_keywords(param))
    return typer.Option(default, *param.names, **_keywords(param))


def verbatim_examples(epilog: str | None) -> str | None:
    """``epilog`` for Click: paragraphs of indented lines (examples) are kept as written
    (Click's ``\\b`` marker); prose paragraphs are wrapped to the terminal, once."""
    if not epilog:
        return epilog
    import textwrap

    paragraphs = epilog.strip("\n").split("\n\n")
    return "\n\n".join(
        f"\b\n{textwrap.dedent(p)}" if any(line.startswith(" ") for line in p.splitlines()) else p
        for p in paragraphs
    )


class _PlainArgument(typer.core.TyperArgument):
    """A positional argument written as Click writes it: ``cica move [OPTIONS] ID WHEN...`` and
    ``ID  The event id``, where Typer 0.2x writes ``{ID} {WHEN}...`` and ``ID <str>``."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        name = self.metavar or (self.name or "").upper()
        name += "..." if self.nargs != 1 else ""
        return [name if self.required else f"[{name}]"]


class _Command(typer.core.TyperCommand):
    """A command whose positional arguments are ``_PlainArgument``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is typer.core.TyperArgument:
                param.__class__ = _PlainArgument


def add_command(app: typer.Typer, command: Command, run: Callable[..., None]) -> None:
    """Add ``command`` to ``app``: Typer parses the line, ``run`` gets one keyword per param."""
    lists = [p.name for p in command.params if p.multiple]

    def callback(**values: Any) -> None:
        for name in lists:  # Typer gives None for a repeatable option not given
            values[name] = list(values[name] or ())
        run_command(command, run, values)

    callback.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                p.name, inspect.Parameter.KEYWORD_ONLY, default=info(p), annotation=annotation(p)
            )
            for p in command.params
        ]
    )
    callback.__doc__ = run.__doc__
    callback.__name__ = command.name
    settings = {"ignore_unknown_options": True} if command.words_may_start_with_dash else None
    app.command(command.name, cls=_Command, epilog=command.epilog, context_settings=settings)(
        callback
    )
