"""The layering in STYLE.md, checked by walking each module's imports."""

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


def test_only_the_cli_imports_typer() -> None:
    for name, imports in _modules().items():
        if any(i == "typer" or i.startswith("typer.") for i in imports):
            assert _is_cli(name), name


def test_only_the_cli_and_render_import_rich() -> None:
    for name, imports in _modules().items():
        if any(i == "rich" or i.startswith("rich.") for i in imports):
            assert _is_cli(name) or name.startswith("cica_cli.render"), name


def test_nothing_imports_the_cli() -> None:
    for name, imports in _modules().items():
        if not _is_cli(name):
            assert not any(
                i == "cica_cli.cli" or i.startswith("cica_cli.commands") for i in imports
            ), name


def test_model_and_errors_import_nothing_from_the_package() -> None:
    modules = _modules()
    for name in ("cica_cli.model", "cica_cli.errors"):
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
