"""One module per ``cica`` command.

Each module declares its command as data (``COMMAND``, see ``_options``) and does it (``run``);
``_typer`` makes the Typer command from that declaration and ``_fast`` runs plain command lines
without Typer.
"""

#: command name -> its module in this package, in the order ``cica --help`` lists them. A
#: module is imported only when its command runs (or when the whole Typer app is built).
COMMANDS: dict[str, str] = {
    "upcoming": "upcoming",
    "next": "next_",
    "show": "show",
    "timeline": "timeline",
    "validate": "validate",
    "remind": "remind",
    "export": "export",
    "diff": "diff",
    "move": "move",
    "done": "done",
    "cancel": "cancel",
    "set": "set_",
    "add": "add",
}
