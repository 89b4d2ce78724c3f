"""``cica validate --json``: the problems and the warnings of the text output, as one document on
stdout (schema 1), with the same exit status."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .conftest import SHIPPED, Result

Cica = Callable[..., Result]

BROKEN = """\
[calendar]
timezone = "Europe/Berln"

[events.a]
titel = "x"
date = 2024-01-01
"""


def _text_warnings(cica: Cica, *args: str) -> list[str]:
    return cica("validate", *args).err.splitlines()


def test_the_shipped_calendar_is_valid_with_its_warnings_placed(cica: Cica) -> None:
    result = cica("validate", "--json", "-c", str(SHIPPED))
    assert (result.code, result.err) == (0, "")
    doc = json.loads(result.out)
    assert doc["schema"] == 1 and doc["valid"] is True and doc["problems"] == []
    assert (doc["file"], doc["events"], doc["computed"]) == (str(SHIPPED), 8, 3)
    # The same warnings as the text output, at the same lines.
    text = _text_warnings(cica, "-c", str(SHIPPED))
    assert [f"{doc['file']}:{w['line']}: {w['where']}: warning: {w['message']}" for w in
            doc["warnings"]] == text  # fmt: skip
    baku = doc["warnings"][0]
    assert (baku["event"], baku["field"]) == ("baku-ministerial-2024", "date")
    assert baku["days"] == [{"day": "2024-11-11", "why": "National Flag Day (observed) (AZ)"}]


def test_strict_makes_warnings_fail_and_says_so(cica: Cica) -> None:
    result = cica("validate", "--json", "--strict", "-c", str(SHIPPED))
    assert (result.code, result.err) == (65, "")
    doc = json.loads(result.out)
    assert doc["valid"] is False and len(doc["warnings"]) == 3 and doc["problems"] == []


def test_a_broken_calendar_gives_every_problem_as_the_text_does(cica: Cica, tmp_path: Path) -> None:
    calendar = tmp_path / "events.toml"
    calendar.write_text(BROKEN, encoding="utf-8")
    result = cica("validate", "--json", "-c", str(calendar))
    assert (result.code, result.err) == (65, "")
    doc = json.loads(result.out)
    assert (doc["valid"], doc["events"], doc["computed"], doc["warnings"]) == (
        False, None, None, [],
    )  # fmt: skip
    assert doc["file"] == str(calendar)
    text = cica("validate", "-c", str(calendar))
    assert text.code == 65
    assert [f"{calendar}:{p['line']}: {p['where']}: {p['message']}" for p in doc["problems"]] == (
        text.err.splitlines()
    )
    assert {p["where"] for p in doc["problems"]} == {
        "calendar.timezone", "events.a.title", "events.a.titel",
    }  # fmt: skip


def test_invalid_toml_is_one_problem_with_its_line(cica: Cica, tmp_path: Path) -> None:
    calendar = tmp_path / "events.toml"
    calendar.write_text('[calendar]\ntimezone = "UTC"\n[events.a\n', encoding="utf-8")
    result = cica("validate", "--json", "-c", str(calendar))
    doc = json.loads(result.out)
    assert result.code == 65 and len(doc["problems"]) == 1
    assert doc["problems"][0]["line"] == 3 and doc["problems"][0]["message"].startswith(
        "invalid TOML"
    )


def test_control_characters_in_a_problem_are_shown_not_sent(cica: Cica, tmp_path: Path) -> None:
    calendar = tmp_path / "events.toml"
    calendar.write_text(
        '[calendar]\ntimezone = "UTC"\n[events.a]\ntitle = "x"\ndate = 2024-01-01\n'
        '"evil\\u009b2J" = 1\n',
        encoding="utf-8",
    )
    result = cica("validate", "--json", "-c", str(calendar))
    assert result.code == 65
    assert "\x9b" not in json.loads(result.out)["problems"][0]["where"]
    # The document makes any problem's text safe itself, whatever made the problem.
    from cica_cli.errors import Problem
    from cica_cli.views.text import validation_dict

    raw = Problem("c.toml", 3, "events.a\x9b2J", "bad \x1b]52;c;aGk=\x07value\x9b2J")
    [shown] = validation_dict("c.toml", None, [raw], [])["problems"]
    assert shown == {"line": 3, "where": "events.a", "message": "bad value"}


def test_a_missing_calendar_is_an_error_on_stderr_not_a_document(cica: Cica) -> None:
    result = cica("validate", "--json", "-c", "missing.toml")
    assert (result.code, result.out) == (66, "")
    assert result.err.startswith("cica: calendar not found")


def test_a_file_name_that_is_not_utf8_is_shown_not_sent_raw(cica: Cica, tmp_path: Path) -> None:
    import os

    calendar = tmp_path / os.fsdecode(b"caf\xe9.toml")  # a byte 0xE9 (Latin-1 e-acute)
    calendar.write_bytes(SHIPPED.read_bytes())
    result = cica("validate", "--json", "-c", str(calendar))
    assert result.code == 0
    assert json.loads(result.out)["file"] == str(tmp_path / "caf\ufffd.toml")
    edit = cica("set", "soc-astana-2024-06", "location", "Astana", "--json", "--dry-run",
                "-c", str(calendar))  # fmt: skip
    doc = json.loads(edit.out)
    assert (doc["old"], doc["new"]) == (f"{tmp_path}/caf\ufffd.toml (before)",
                                        f"{tmp_path}/caf\ufffd.toml")  # fmt: skip
