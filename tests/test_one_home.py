"""Concepts that used to be copied have one home each (issue 12): a copy would show here."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from cica_cli.core.dates import date_of
from cica_cli.core.day_names import day_text

PACKAGE = Path(__file__).resolve().parent.parent / "cica_cli"


def _definitions() -> dict[str, list[str]]:
    """Every function and module-level constant name -> the modules that define it."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                found.setdefault(node.name, []).append(module)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, []).append(module)
    return found


@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("date_of", "core/dates.py"),
        ("day_text", "core/day_names.py"),
        ("month_day", "core/day_names.py"),
        ("point_text", "views/text.py"),
        ("countdown", "views/text.py"),
        ("parse_lead", "core/leads.py"),
        ("kinds", "commands/_runtime.py"),
        ("day_option", "commands/_runtime.py"),
    ],
)
def test_one_definition(name: str, home: str) -> None:
    assert _definitions()[name] == [home]


@pytest.mark.parametrize("copy", ["_day", "_day_text", "_MONTHS", "_leads_of", "_check_kind"])
def test_no_private_copy_is_left(copy: str) -> None:
    assert copy not in _definitions()


def test_the_month_names_are_written_once() -> None:
    tables = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if '"Jan", "Feb"' in path.read_text(encoding="utf-8")
    ]
    assert tables == ["core/day_names.py"]


def test_the_day_of_a_point() -> None:
    baku = dt.timezone(dt.timedelta(hours=4))
    late = dt.datetime(2024, 6, 27, 22, 30, tzinfo=dt.UTC)
    assert date_of(late, baku) == dt.date(2024, 6, 28)
    assert date_of(dt.date(2024, 6, 27), baku) == dt.date(2024, 6, 27)
    assert day_text(dt.date(2024, 6, 27)) == "Thu 27 Jun 2024"
