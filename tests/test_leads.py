"""Lead times have one parser (core/leads.py); the calendar, ``remind`` and ``export`` agree."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

from cica_cli.core.leads import Lead, LeadError, canonical_lead, parse_lead, parse_leads

from .conftest import SHIPPED, Result

Cica = Callable[..., Result]
PACKAGE = Path(__file__).resolve().parent.parent / "cica_cli"


def test_a_lead_is_parsed_once_whatever_its_spelling() -> None:
    leads = [parse_lead(t) for t in ("7d", " 7  days ", "1 week", "P7D")]
    assert {lead.canonical for lead in leads} == {"P7D"}
    assert leads[1].text == "7 days"
    assert parse_lead("36 hours") == Lead("36 hours", parse_lead("36 hours").offset, "P1DT12H")
    assert parse_lead("36h").canonical == "P1DT12H"
    assert parse_lead("36 hours").has_time and not parse_lead("1 month").has_time
    assert canonical_lead(parse_lead("1 month").offset) == "P1M"
    assert parse_leads(("7d", "1d")) == (parse_lead("7d"), parse_lead("1d"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3 working days", "lead time '3 working days': use days, weeks, months or hours"),
        ("soon", "soon"),
    ],
)
def test_what_is_not_a_lead(text: str, message: str) -> None:
    with pytest.raises(LeadError, match=message):
        parse_lead(text)


BAD = "3 working days"
WHY = f"lead time {BAD!r}: use days, weeks, months or hours, not working days"


def test_the_calendar_remind_and_export_give_the_same_reason(
    cica: Cica, write_calendar: Callable[[str], Path], tmp_path: Path
) -> None:
    path = write_calendar(f'[calendar]\nname = "x"\nremind = ["{BAD}"]\n')
    checked = cica("validate", "-c", str(path))
    assert checked.code == 65 and WHY in checked.err
    reminded = cica(
        "remind", "-n", "-c", str(SHIPPED), "--to", "a@example.org", "--from", "b@example.org",
        "--state", str(tmp_path / "s.sqlite3"), "--lead", BAD,
    )  # fmt: skip
    assert reminded.code == 78 and f"--lead: {WHY}" in reminded.err
    exported = cica("export", "-c", str(SHIPPED), "-o", "-", "--alarm", BAD)
    assert exported.code == 2 and exported.err == f"cica: --alarm: {WHY}\n"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_reminder_engine_does_not_need_the_settings_layer() -> None:
    """``remind/due.py`` is pure: its leads come from core, addresses only as types."""
    source = (PACKAGE / "remind" / "due.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    top_level = {
        node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module is not None
    }
    assert "settings" not in top_level and "core.leads" in top_level


def test_no_other_module_parses_a_lead() -> None:
    """Only core/leads.py applies the rules of a lead (working days, a century at most)."""
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "leads.py":
            assert "lead_problem(" not in text or path.name == "dates.py", path
