"""The layering in docs/design.md, checked by walking each module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cica_cli"


def _imports(path: Path) -> set[str]:
    """Absolute names of everything ``path`` imports (relative imports resolved)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
                names.add(prefix)
                names.update(f"{prefix}.{a.name}" for a in node.names)
            elif node.module:
                names.add(node.module)
    return names


def _modules() -> dict[str, set[str]]:
    return {
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts): _imports(p)
        for p in PACKAGE.rglob("*.py")
    }


def _is_cli(name: str) -> bool:
    return name in ("cica_cli.cli", "cica_cli.__main__") or name.startswith("cica_cli.commands")


# Which of the package's own modules each layer may import. The top-level shared modules
# (errors, paths, atomic) and the package root (``__version__``) are open to every layer.
SHARED = ("cica_cli", "cica_cli.errors", "cica_cli.paths", "cica_cli.atomic")
LAYERS: dict[str, tuple[str, ...]] = {
    "cica_cli.core": ("cica_cli.core",),
    "cica_cli.views": ("cica_cli.core", "cica_cli.views"),
    "cica_cli.ical": ("cica_cli.core", "cica_cli.ical"),
    # a reminder mail carries an .ics attachment and uses the views' wording of a day
    "cica_cli.remind": ("cica_cli.core", "cica_cli.ical", "cica_cli.views", "cica_cli.remind"),
    # the calendar file edited in its own style: reads the core's TOML parser to check an edit
    "cica_cli.edit": ("cica_cli.core.toml_text", "cica_cli.core.model", "cica_cli.edit"),
}
# Third-party modules, and the heavy or platform-bound standard ones, that only their owners may
# import (each kept where one module can answer for it).
OWNERS: dict[str, tuple[str, ...]] = {
    "typer": ("cica_cli.cli", "cica_cli.commands"),
    "click": ("cica_cli.cli", "cica_cli.commands"),
    "rich": ("cica_cli.cli", "cica_cli.commands", "cica_cli.views"),
    "ics": ("cica_cli.ical",),
    "smtplib": ("cica_cli.remind.smtp",),
    "email": ("cica_cli.remind",),
    "tomlkit": ("cica_cli.edit",),
    "ssl": ("cica_cli.remind.smtp",),
    "sqlite3": ("cica_cli.remind.ledger",),
    "fcntl": ("cica_cli.remind.ledger",),
    "pydantic": ("cica_cli.remind.settings",),
    "pydantic_core": ("cica_cli.core.schema",),
    "toml_rs": ("cica_cli.core.toml_text",),
    "dateutil": ("cica_cli.core.dates", "cica_cli.core.repeats"),
    "holidays": ("cica_cli.core.country_days",),
}


def _layer(name: str) -> str | None:
    return next((layer for layer in LAYERS if name.startswith(layer + ".")), None)


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_every_module_is_in_a_layer_or_shared() -> None:
    top = {"cica_cli.__init__", "cica_cli.__main__", "cica_cli.cli"} | set(SHARED)
    for name in _modules():
        assert name in top or _layer(name) or _is_cli(name), f"{name} belongs to no layer"


def test_each_layer_imports_only_what_its_rule_allows() -> None:
    for name, imports in _modules().items():
        layer = _layer(name)
        if layer is None:
            continue
        allowed = LAYERS[layer]
        for i in imports:
            if not i.startswith("cica_cli"):
                continue
            if i in SHARED or _under(i, ("cica_cli.errors", "cica_cli.paths", "cica_cli.atomic")):
                continue
            if i.startswith("cica_cli.__version__"):
                continue
            assert _under(i, allowed), f"{name} imports {i} (allowed: {allowed})"


def test_shared_modules_import_only_errors() -> None:
    modules = _modules()
    for name in ("cica_cli.paths", "cica_cli.atomic"):
        for i in modules[name]:
            if i.startswith("cica_cli"):
                assert _under(i, ("cica_cli.errors",)), f"{name} imports {i}"


def test_third_party_modules_stay_in_their_layer() -> None:
    for name, imports in _modules().items():
        for i in imports:
            top = i.split(".")[0]
            if top in OWNERS:
                assert _under(name, OWNERS[top]), f"{name} imports {top}"


def test_no_import_cycles_between_modules() -> None:
    modules = _modules()
    graph = {
        name: {
            m
            for m in modules
            if m != name
            and any(i == m or i.startswith(m + ".") for i in imps)
            and not m.endswith("__init__")
        }
        for name, imps in modules.items()
    }
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*path, node, nxt]))
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [])


def test_only_the_cli_imports_typer() -> None:
    for name, imports in _modules().items():
        if any(i == "typer" or i.startswith("typer.") for i in imports):
            assert _is_cli(name), name


def test_nothing_imports_the_cli() -> None:
    for name, imports in _modules().items():
        if not _is_cli(name):
            assert not any(
                i == "cica_cli.cli" or i.startswith("cica_cli.commands") for i in imports
            ), name


def test_model_and_errors_import_nothing_from_the_package() -> None:
    modules = _modules()
    for name in ("cica_cli.core.model", "cica_cli.errors"):
        assert not any(i.startswith("cica_cli") for i in modules[name]), name


def test_the_core_never_reads_the_clock() -> None:
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if _is_cli(name):
            continue
        text = path.read_text(encoding="utf-8")
        for call in ("datetime.now(", "date.today(", "time.time(", "dt.datetime.now(", "utcnow("):
            assert call not in text, f"{name} reads the clock ({call})"


def test_no_module_shadows_the_stdlib_or_a_dependency() -> None:
    banned = {"calendar", "email", "ics", "typer", "rich", "json", "datetime", "zoneinfo", "time"}
    for path in PACKAGE.rglob("*.py"):
        assert path.stem not in banned, path
