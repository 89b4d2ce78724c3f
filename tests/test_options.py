"""Options that several commands take mean the same everywhere (one reader each, in
``commands/_runtime``): ``--kind``, ``--from``/``--to``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import SHIPPED, Result

Cica = Callable[..., Result]
KINDS = "meeting, conference, procedure, deadline, milestone, period"


@pytest.mark.parametrize(
    "command", [["upcoming"], ["timeline"], ["export", "-o", "-"]], ids=lambda c: c[0]
)
def test_an_unknown_kind_is_the_same_usage_error_everywhere(cica: Cica, command: list[str]) -> None:
    result = cica(*command, "-c", str(SHIPPED), "--as-of", "2024-06-27", "--kind", "party")
    assert (result.code, result.out) == (2, "")
    assert result.err == f"cica: --kind: unknown kind 'party'; one of: {KINDS}\n"


def test_a_kind_is_checked_before_the_calendar_is_looked_for(cica: Cica) -> None:
    for command in ("upcoming", "timeline"):
        result = cica(command, "-c", "missing.toml", "--kind", "party")
        assert result.code == 2 and "--kind: unknown kind 'party'" in result.err


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        (["--from", "today"], ["--from", "2024-06-27"]),
        (["--from", "6m"], ["--from", "2024-12-27"]),
        (["--to", "30d"], ["--to", "2024-07-27"]),
        (["--from", "TODAY", "--to", "2w"], ["--from", "2024-06-27", "--to", "2024-07-11"]),
    ],
)
def test_timeline_reads_from_and_to_as_export_does(
    cica: Cica, given: list[str], meant: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    base = ["-c", str(SHIPPED), "--as-of", "2024-06-27"]
    relative = cica("timeline", *base, *given)
    absolute = cica("timeline", *base, *meant)
    assert relative.code == 0, relative.err
    assert relative == absolute
    exported = cica("export", "-o", "-", *base, *given)
    assert exported == cica("export", "-o", "-", *base, *meant)
    assert exported.code == 0 and "BEGIN:VCALENDAR" in exported.out


@pytest.mark.parametrize("command", [["timeline"], ["export", "-o", "-"]], ids=lambda c: c[0])
def test_from_and_to_are_refused_alike(cica: Cica, command: list[str]) -> None:
    base = [*command, "-c", str(SHIPPED), "--as-of", "2024-06-27"]
    backwards = cica(*base, "--from", "2024-07-01", "--to", "2024-06-01")
    assert backwards.code == 2
    assert backwards.err == "cica: --to (2024-06-01) is before --from (2024-07-01)\n"
    unreadable = cica(*base, "--from", "next week")
    assert unreadable.code == 2
    assert unreadable.err == (
        "cica: --from: cannot read 'next week'; use a date (2024-06-01), 'today' or a span (30d)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["upcoming", "--kind", "meetng"],
            f"cica: --kind: unknown kind 'meetng' (did you mean 'meeting'?); one of: {KINDS}\n",
        ),
        (
            ["timeline", "--kind", "dedline"],
            f"cica: --kind: unknown kind 'dedline' (did you mean 'deadline'?); one of: {KINDS}\n",
        ),
        (
            ["upcoming", "--tz", "Asia/Almati"],
            "cica: --tz: unknown time zone 'Asia/Almati' (did you mean 'Asia/Almaty'?)\n",
        ),
        (["upcoming", "--tz", "Nowhere/Foo"], "cica: --tz: unknown time zone 'Nowhere/Foo'\n"),
        (
            ["upcoming", "--tz", "Asia/Astana"],
            "cica: --tz: unknown time zone 'Asia/Astana' (Astana uses Asia/Almaty)\n",
        ),
    ],
)
def test_a_mistyped_name_gets_the_closest_one(cica: Cica, args: list[str], message: str) -> None:
    result = cica(*args, "-c", str(SHIPPED), "--as-of", "2024-06-27")
    assert (result.code, result.out, result.err) == (2, "", message)


def test_a_mistyped_field_to_set_gets_the_closest_one(cica: Cica, tmp_path: Path) -> None:
    calendar = tmp_path / "events.toml"
    calendar.write_bytes(SHIPPED.read_bytes())
    result = cica("set", "soc-astana-2024-06", "titel", "X", "-c", str(calendar))
    assert result.code == 2 and calendar.read_bytes() == SHIPPED.read_bytes()
    assert result.err.startswith("cica: FIELD: cannot set 'titel' (did you mean 'title'?): ")


def test_a_calendar_zone_mistyped_gets_the_closest_one(cica: Cica, tmp_path: Path) -> None:
    calendar = tmp_path / "events.toml"
    calendar.write_text('[calendar]\ntimezone = "Europe/Berln"\n', encoding="utf-8")
    result = cica("validate", "-c", str(calendar))
    assert result.code == 65
    assert "unknown time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?)" in result.err


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["set", "soc-astana-2024-06", "title", "x\udcff"], "VALUE"),
        (["add", "n", "--title", "x\udcff", "--date", "2024-01-01"], "--title"),
        (["add", "n\udcff", "--title", "T", "--date", "2024-01-01"], "ID"),
        (["add", "n", "--title", "T", "--date", "2024-01-01", "--tag", "\udcffx"], "--tag"),
        (["upcoming", "--tz", "x\udcff"], "--tz"),
    ],
    ids=["set", "add --title", "add ID", "add --tag", "upcoming --tz"],
)
def test_bytes_that_are_not_utf8_are_a_usage_error(
    cica: Cica, tmp_path: Path, args: list[str], name: str
) -> None:
    calendar = tmp_path / "events.toml"
    calendar.write_bytes(SHIPPED.read_bytes())
    result = cica(*args, "-c", str(calendar))  # as Python hands over a byte 0xFF of argv
    assert (result.code, result.out) == (2, "")
    assert result.err == f"cica: {name}: not valid UTF-8 text\n"
    assert calendar.read_bytes() == SHIPPED.read_bytes()


def test_a_shift_beyond_year_9999_is_a_usage_error(cica: Cica, tmp_path: Path) -> None:
    calendar = tmp_path / "events.toml"
    calendar.write_bytes(SHIPPED.read_bytes())
    for shift in ("+8000y", "-3000 years"):
        result = cica("move", "soc-astana-2024-06", shift, "-c", str(calendar))
        assert result.code == 2 and "falls outside years 1-9999" in result.err, result.err
    assert calendar.read_bytes() == SHIPPED.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set", "soc-astana-2024-06", "end", "2024-07-20"], "cica: FIELD: cannot set 'end': "
         "dates move with `cica move ID WHEN`"),
        (["set", "soc-astana-2024-06", "kind", "meetng"], "cica: VALUE: unknown kind 'meetng' "
         f"(did you mean 'meeting'?); one of: {KINDS}"),
        (["set", "soc-astana-2024-06", "status", "don"], "cica: VALUE: unknown status 'don' "
         "(did you mean 'done'?); one of: planned, done, cancelled"),
        (["add", "n", "--title", "T"],
         "cica: give --date (one day or instant) or --start (a span)"),
        (["add", "n", "--title", "T", "--date", "2024-01-01", "--kind", "confrence"],
         "cica: --kind: unknown kind 'confrence' (did you mean 'conference'?)"),
    ],
    ids=["set a date", "set kind", "set status", "add without a date", "add --kind"],
)  # fmt: skip
def test_an_edit_mistyped_says_what_was_meant(
    cica: Cica, tmp_path: Path, args: list[str], message: str
) -> None:
    calendar = tmp_path / "events.toml"
    calendar.write_bytes(SHIPPED.read_bytes())
    result = cica(*args, "-c", str(calendar))
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(message), result.err
    assert calendar.read_bytes() == SHIPPED.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["upcoming", "--tag", "ministeral"], "Nothing matches those filters (no event has the "
         "tag 'ministeral'; did you mean 'ministerial'?).\n"),
        (["timeline", "--tag", "zzz"], "Nothing to draw: no events match (no event has the tag "
         "'zzz').\n"),
        (["upcoming", "--kind", "milestone"], "Nothing matches those filters.\n"),
    ],
    ids=["upcoming", "timeline", "a known filter"],
)  # fmt: skip
def test_a_tag_no_event_has_is_named(cica: Cica, args: list[str], message: str) -> None:
    result = cica(*args, "-c", str(SHIPPED), "--as-of", "2024-06-27")
    assert (result.code, result.out, result.err) == (0, "", message)
