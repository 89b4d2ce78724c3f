"""Planning: `cica move`, `done`, `cancel`, `set`, `add` on the user's file, and the worked
example of the README's "Planning" section."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from cica_cli.edit.blocks import Region

from .conftest import SHIPPED, Result

Cica = Callable[..., Result]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding a copy of the shipped calendar as ./events.toml, committed."""
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copyfile(SHIPPED, folder / "events.toml")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)
    git(folder, "init", "-q")
    git(folder, "config", "user.name", "Desk")
    git(folder, "config", "user.email", "desk@example.org")
    git(folder, "config", "commit.gpgsign", "false")
    git(folder, "add", "events.toml")
    git(folder, "commit", "-q", "-m", "CICA 2024 as published")
    monkeypatch.chdir(folder)
    return folder


def _readme_example() -> list[str]:
    """The console lines of the README's worked example."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Worked example", 1)[1]
    return section.split("```console\n", 1)[1].split("```", 1)[0].splitlines()


def test_worked_example(cica: Cica, repo: Path) -> None:
    calendar = repo / "events.toml"
    moved = cica("move", "soc-astana-2024-06", "2024-07-04")
    assert moved.code == 0, moved.err
    assert moved.out == (
        "changed soc-astana-2024-06: CICA Senior Officials Committee meeting\n"
        "  date: Thu 27 Jun -> Thu 4 Jul 2024, +7 days\n"
        "changed env-outcome-silence: Silence procedure on the draft outcome document of the "
        "environmental conference\n"
        "  start: Thu 27 Jun -> Thu 4 Jul 2024, +7 days (computed: start = soc-astana-2024-06)\n"
        "  end:   Thu 11 Jul -> Thu 18 Jul 2024, +7 days "
        "(computed: end = soc-astana-2024-06 + 2 weeks)\n"
        "2 changed\n"
    )
    assert moved.err == (
        f"moved soc-astana-2024-06: date Thu 27 Jun -> Thu 4 Jul 2024, +7 days; wrote {calendar}\n"
    )
    # the README shows this output
    example = _readme_example()
    start = example.index("$ cica move soc-astana-2024-06 2024-07-04") + 1
    assert "\n".join(example[start : start + 6]) + "\n" == moved.out
    # `git diff` shows one line
    assert git(repo, "diff", "--numstat") == "1\t1\tevents.toml\n"
    patch = git(repo, "diff", "-U0").splitlines()
    assert [line for line in patch if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        '-date = 2024-06-27               # "met in Astana on 27 June 2024"',
        '+date = 2024-07-04               # "met in Astana on 27 June 2024"',
    ]
    # `cica diff` shows exactly that (the committed file against the working one): exit 1
    diff = cica("diff")
    assert diff.code == 1
    assert diff.out == moved.out
    # the silence procedure runs 4-18 July; nothing else moved
    shown = cica("upcoming", "--as-of", "2024-07-01", "--json")
    dates = {i["id"]: (i["start"], i["end"]) for i in json.loads(shown.out)["items"]}
    assert dates["env-outcome-silence"] == ("2024-07-04", "2024-07-18")
    assert dates["baku-ministerial-2024"] == ("2024-11-11", "2024-11-11")
    assert dates["cbm-modalities-consensus"] == ("2024-11-11", "2024-11-11")
    # moving the computed silence procedure is refused, naming its expression
    before = calendar.read_bytes()
    refused = cica("move", "env-outcome-silence", "+1d")
    assert refused.code == 65
    assert refused.out == ""
    assert refused.err == (
        'cica: not moved: env-outcome-silence is computed: start = "soc-astana-2024-06". '
        "Move soc-astana-2024-06 instead, or add --detach to replace the expression with a "
        "fixed date\n"
    )
    assert calendar.read_bytes() == before
    assert f"{refused.err.rstrip()}" in example
    # done: upcoming shows it as done
    done = cica("done", "cbm-modalities-consensus")
    assert done.code == 0, done.err
    assert done.out == (
        "changed cbm-modalities-consensus: Consensus on the draft decision on modalities of "
        "implementation of CBMs\n"
        '  status: "planned" -> "done"\n'
        "1 changed\n"
    )
    items = json.loads(cica("upcoming", "--as-of", "2024-07-01", "--json").out)["items"]
    assert {i["id"]: i["status"] for i in items}["cbm-modalities-consensus"] == "done"
    table = cica("upcoming", "--as-of", "2024-07-01", "--all")
    [row] = [line for line in table.out.splitlines() if "Consensus on the draft" in line]
    assert " done " in row


def test_move_by_working_days_dry_run_writes_nothing(cica: Cica, repo: Path) -> None:
    calendar = repo / "events.toml"
    before = calendar.read_bytes()
    result = cica("move", "soc-astana-2024-06", "+2", "working", "days", "--dry-run")
    assert result.code == 0, result.err
    # Thu 27 Jun + 2 working days = Mon 1 Jul
    assert "  date: Thu 27 Jun -> Mon 1 Jul 2024, +4 days\n" in result.out
    assert result.err.endswith("; dry run: nothing written\n")
    assert calendar.read_bytes() == before


@pytest.mark.parametrize(
    ("when", "start", "end"),
    [
        ("+1w", "2024-01-08", "2026-01-07"),  # a typed span: start and end move together
        ("-3 days", "2023-12-29", "2025-12-28"),
        ("2024-02-01", "2024-02-01", "2026-01-31"),
    ],
)
def test_a_span_moves_whole(cica: Cica, repo: Path, when: str, start: str, end: str) -> None:
    result = cica("move", "ict-security-concept-2024-2025", when)
    assert result.code == 0, result.err
    text = (repo / "events.toml").read_text(encoding="utf-8")
    assert f"start = {start}\nend = {end}\n" in text
    assert git(repo, "diff", "--numstat") == "2\t2\tevents.toml\n"


def test_a_span_with_a_duration_keeps_it(cica: Cica, repo: Path) -> None:
    # The shipped procedure ends at an expression; here it lasts 15 whole days instead.
    calendar = repo / "events.toml"
    text = calendar.read_text(encoding="utf-8")
    text = re.sub(r"\n# It expires .*?\nend = [^\n]*", '\nduration = "15 days"', text, flags=re.S)
    calendar.write_text(text, encoding="utf-8")
    result = cica("move", "env-outcome-silence", "2024-07-01", "--detach")
    assert result.code == 0, result.err
    assert "  start: Thu 27 Jun -> Mon 1 Jul 2024, +4 days\n" in result.out
    assert (
        "  end:   Thu 11 Jul -> Mon 15 Jul 2024, +4 days (computed: end = start + 15 days)\n"
        in (result.out)
    )
    text = calendar.read_text(encoding="utf-8")
    assert 'start = 2024-07-01\nduration = "15 days"' in text


def test_a_timed_event_moved_to_a_day_keeps_its_time(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(
        '[calendar]\ntimezone = "Asia/Baku"\n\n'
        '[events.call]\ntitle = "Call"\ndate = 2024-07-02T10:00:00  # weekly\n\n'
        '[events.notes]\ntitle = "Notes"\ndate = "call + 2h"\n'
    )
    result = cica("move", "call", "2024-07-09", "-c", str(path))
    assert result.code == 0, result.err
    assert "date = 2024-07-09T10:00:00  # weekly\n" in path.read_text(encoding="utf-8")
    assert "  date: Tue 2 Jul 10:00 -> Tue 9 Jul 2024 10:00, +7 days\n" in result.out
    assert (
        "  date: Tue 2 Jul 12:00 -> Tue 9 Jul 2024 12:00, +7 days (computed: date = call + 2h)\n"
        in result.out
    )
    later = cica("move", "call", "+90 minutes", "-c", str(path))
    assert "  date: Tue 9 Jul 10:00 -> Tue 9 Jul 2024 11:30, +1 hour 30 minutes\n" in later.out


# --- refused edits leave the file byte-identical -----------------------------------------------

REFUSED = [
    (
        ["add", "loop", "--title", "Loop", "--date", "loop + 1d"],
        "events.loop.date: circular reference: loop -> loop",
    ),
    (
        ["add", "orphan", "--title", "Orphan", "--date", "soc-astana-2024-6"],
        "events.orphan.date: unknown event 'soc-astana-2024-6' "
        "(did you mean 'soc-astana-2024-06'?)",
    ),
    (
        ["add", "backwards", "--title", "B", "--start", "2024-07-10", "--end", "2024-07-01"],
        "events.backwards.end: ends (2024-07-01) before it starts (2024-07-10)",
    ),
    (  # (an unknown kind or status is a usage error, before the file is read: test_options)
        ["set", "baku-ministerial-2024", "country", "XX"],
        "events.baku-ministerial-2024.country: country 'XX'",
    ),
    (
        ["set", "briefing", "remind", "3 fortnights"],
        None,  # the id does not exist: a usage error
    ),
    (
        ["set", "baku-ministerial-2024", "remind", "3 fortnights"],
        "events.baku-ministerial-2024.remind: cannot read offset '3 fortnights'",
    ),
    (
        ["set", "soc-astana-2024-06", "title", ""],
        "events.soc-astana-2024-06.title: String should have at least 1 character",
    ),
    (
        ["move", "ict-security-concept-2024-2025", "2024-02-01T10:00"],
        "ict-security-concept-2024-2025 is a span of whole days: give a date, not a date-time",
    ),
    (
        ["add", "soc-astana-2024-06", "--title", "Again", "--date", "2024-07-01"],
        "not added: there is an event 'soc-astana-2024-06' already",
    ),
]


@pytest.mark.parametrize(("args", "why"), REFUSED)
def test_refused_edits_leave_the_file_byte_identical(
    cica: Cica, repo: Path, args: list[str], why: str | None
) -> None:
    calendar = repo / "events.toml"
    crlf = calendar.read_bytes().replace(b"\n", b"\r\n")  # CRLF too: nothing normalised
    calendar.write_bytes(crlf)
    result = cica(*args)
    if why is None:
        assert result.code == 2
        assert "no event 'briefing'" in result.err
    else:
        assert result.code == 65, result.err
        assert why in result.err
    assert result.out == ""
    assert calendar.read_bytes() == crlf
    assert not list(repo.glob(".events.toml.*"))  # no temporary file left behind


def test_a_broken_edit_says_not_written_with_the_line(cica: Cica, repo: Path) -> None:
    result = cica("add", "orphan", "--title", "Orphan", "--date", "nowhere")
    assert result.code == 65
    lines = result.err.splitlines()
    assert lines[0].startswith("cica: not written: the edit would break the calendar")
    assert lines[1] == f"{repo / 'events.toml'}:104: events.orphan.date: unknown event 'nowhere'"


def test_a_calendar_with_problems_is_not_edited(cica: Cica, repo: Path) -> None:
    calendar = repo / "events.toml"
    broken = calendar.read_text(encoding="utf-8").replace('kind = "period"', 'kind = "epoch"', 1)
    calendar.write_text(broken, encoding="utf-8")
    result = cica("done", "cbm-modalities-consensus")
    assert result.code == 65
    assert result.err.startswith(
        f"cica: not edited: {calendar} has problems already; "
        "fix them first (nothing was written):\n"
    )
    assert "events.ict-security-concept-2024-2025.kind" in result.err
    assert calendar.read_text(encoding="utf-8") == broken


def test_the_packaged_calendar_is_not_edited(cica: Cica) -> None:
    result = cica("done", "cbm-modalities-consensus")
    assert result.code == 66
    assert "no calendar of yours to edit" in result.err
    assert "--calendar PATH" in result.err


def test_unknown_ids_and_fields_are_usage_errors(cica: Cica, repo: Path) -> None:
    result = cica("move", "soc-astana-2024", "+1d")
    assert result.code == 2
    assert result.err == "cica: no event 'soc-astana-2024'; did you mean 'soc-astana-2024-06'?\n"
    result = cica("set", "soc-astana-2024-06", "date", "2024-07-01")
    assert result.code == 2
    assert "cannot set 'date'" in result.err and "cica move ID WHEN" in result.err
    result = cica("move", "soc-astana-2024-06", "next week")
    assert result.code == 2
    assert "WHEN: cannot read 'next week'" in result.err
    result = cica("add", "x", "--title", "X", "--start", "2024-07-01")
    assert result.code == 2
    assert "a span needs --end or --duration" in result.err
    result = cica("move", "soc-astana-2024-06", "+1d", "--dry-rn")
    assert result.code == 2
    assert result.err == "cica: no such option: --dry-rn (see cica move --help)\n"


def test_moving_an_event_where_it_is_leaves_the_file_alone(cica: Cica, repo: Path) -> None:
    calendar = repo / "events.toml"
    before = calendar.stat().st_mtime_ns
    result = cica("move", "soc-astana-2024-06", "2024-06-27")
    assert result.code == 0
    assert result.out == ""
    assert result.err == f"soc-astana-2024-06 stays where it was; nothing to change in {calendar}\n"
    assert calendar.stat().st_mtime_ns == before


def test_a_negative_shift_is_not_an_option(cica: Cica, repo: Path) -> None:
    result = cica("move", "baku-ministerial-2024", "-3", "days")
    assert result.code == 0, result.err
    assert result.err.startswith(
        "moved baku-ministerial-2024: date Mon 11 Nov -> Fri 8 Nov 2024, -3 days; wrote "
    )
    # the two deadlines due on the day of the Ministerial move with it
    assert "changed cbm-modalities-consensus:" in result.out
    assert "changed baku-outcome-documents:" in result.out


# --- status, fields, new events ------------------------------------------------------------------


def test_cancel_then_plan_again(cica: Cica, repo: Path) -> None:
    original = (repo / "events.toml").read_bytes()
    result = cica("cancel", "env-ministerial-2024")
    assert result.code == 0, result.err
    assert '  status: "planned" -> "cancelled"\n' in result.out
    again = cica("cancel", "env-ministerial-2024")
    assert again.code == 0
    assert again.err == "env-ministerial-2024 is cancelled already; nothing to write\n"
    back = cica("set", "env-ministerial-2024", "status", "planned")
    assert back.code == 0, back.err
    # the status line was added, then set to the default: one line differs from the original
    assert git(repo, "diff", "--numstat") == "1\t0\tevents.toml\n"
    assert (repo / "events.toml").read_bytes() != original


def test_set_fields_as_the_loader_reads_them(cica: Cica, repo: Path) -> None:
    calendar = repo / "events.toml"
    assert cica("set", "baku-ministerial-2024", "location", "Baku Congress Center").code == 0
    assert cica("set", "baku-ministerial-2024", "tags", "ministerial, baku").code == 0
    assert cica("set", "baku-ministerial-2024", "remind", "14 days, 2 days").code == 0
    assert cica("set", "baku-ministerial-2024", "source", "").code == 0
    patch = git(repo, "diff", "-U0")
    assert '+location = "Baku Congress Center"' in patch
    assert '+tags = ["ministerial", "baku"]' in patch
    assert '+remind = ["14 days", "2 days"]' in patch
    assert "-source = " in patch and "+source" not in patch
    assert git(repo, "diff", "--numstat") == "3\t3\tevents.toml\n"
    shown = json.loads(cica("show", "baku-ministerial-2024", "--json").out)
    assert shown["remind"] == ["14 days", "2 days"]
    assert shown["tags"] == ["ministerial", "baku"]
    none = cica("set", "baku-ministerial-2024", "remind", "none")
    assert none.code == 0
    assert "remind = []" in calendar.read_text(encoding="utf-8")


def test_add_appends_a_table_in_the_files_style(cica: Cica, repo: Path) -> None:
    calendar = repo / "events.toml"
    before = calendar.read_text(encoding="utf-8")
    result = cica(
        "add",
        "briefing-paper",
        "--title",
        "Briefing paper to the Minister",
        "--kind",
        "deadline",
        "--date",
        "baku-ministerial-2024 - 10 working days",
        "--tag",
        "briefing",
        "--tag",
        "minister",
    )
    assert result.code == 0, result.err
    assert result.out == (
        "added briefing-paper: Briefing paper to the Minister (Mon 28 Oct 2024)\n1 added\n"
    )
    assert calendar.read_text(encoding="utf-8") == before + (
        "\n[events.briefing-paper]\n"
        'title = "Briefing paper to the Minister"\n'
        'kind = "deadline"\n'
        'date = "baku-ministerial-2024 - 10 working days"\n'
        'tags = ["briefing", "minister"]\n'
    )
    span = cica(
        "add", "review", "--title", "Review", "--start", "2024-07-06", "--duration", "3 days"
    )
    assert span.code == 0, span.err
    # the calendar's country is Kazakhstan: 6 July is Capital Day, observed on Monday 8 July
    assert span.out == (
        "added review: Review (Sat 6 Jul - Mon 8 Jul 2024)\n"
        "warning: review: start Sat 6 Jul 2024 is not a working day: Capital Day (KZ)\n"
        "warning: review: end Mon 8 Jul 2024 is not a working day: Capital Day (observed) (KZ)\n"
        "1 added\n"
    )


def test_working_days_and_warnings_follow_the_events_country(cica: Cica, repo: Path) -> None:
    # Baku: Friday 8 November 2024 is Victory Day in Azerbaijan, so one working day before
    # Monday 11 November is Thursday 7 November
    result = cica("move", "baku-ministerial-2024", "-1", "working", "day", "--dry-run")
    assert result.code == 0, result.err
    assert "  date: Mon 11 Nov -> Thu 7 Nov 2024, -4 days\n" in result.out
    landed = cica("move", "baku-ministerial-2024", "2024-11-08", "--dry-run")
    assert (
        "warning: baku-ministerial-2024: date Fri 8 Nov 2024 is not a working day: "
        "Victory Day (AZ)\n" in landed.out
    )
    # the deadlines computed from it take its country too
    assert "warning: cbm-modalities-consensus: date Fri 8 Nov 2024" in landed.out
    added = cica(
        "add", "kz-call", "--title", "Call", "--date", "2024-11-08", "--country", "KZ", "-n"
    )
    assert added.code == 0, added.err
    assert "warning" not in added.out  # an ordinary Friday in Kazakhstan
    assert added.out == "added kz-call: Call (Fri 8 Nov 2024)\n1 added\n"
    bad = cica("add", "xx", "--title", "X", "--date", "2024-11-08", "--country", "XX")
    assert bad.code == 65
    assert "events.xx.country" in bad.err


def test_edit_json_reports_what_moved_and_whether_it_was_written(cica: Cica, repo: Path) -> None:
    result = cica("move", "soc-astana-2024-06", "+1w", "--json", "--dry-run")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["written"] is False
    assert [c["id"] for c in doc["changed"]] == ["soc-astana-2024-06", "env-outcome-silence"]
    assert git(repo, "diff", "--numstat") == ""


def test_the_hostile_file_through_the_command_line(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    from .test_edit_text import HOSTILE, _changed_lines

    path = write_calendar("")
    original = HOSTILE.replace("\n", "\r\n")
    path.write_bytes(original.encode())
    result = cica("move", "inline-one", "+1d", "-c", str(path))
    assert result.code == 0, result.err
    # everything computed from it moves: dotted (+2 days), quoted-one is typed, after is not
    assert "changed dotted: Dotted # not a comment\n" in result.out
    edited = path.read_bytes().decode()
    assert _changed_lines(original, edited) == [
        '-inline-one = { title = "Inline { meeting }", date = 2024-07-01 } # keep this comment\r\n',
        '+inline-one = { title = "Inline { meeting }", date = 2024-07-02 } # keep this comment\r\n',
    ]
    assert cica("done", "quoted-one", "-c", str(path)).code == 0
    assert cica("set", "after", "title", "After, retitled", "-c", str(path)).code == 0
    final = path.read_bytes().decode()
    assert _changed_lines(edited, final) == [
        '+status = "done"\r\n',
        '-title = "After \\"escaped\\" [brackets]"\r\n',
        '+title = "After, retitled"\r\n',
    ]


# --- the quick way an edit is checked -----------------------------------------------------------


def _edits() -> list[tuple[str, dict[str, object]]]:
    import datetime as dt

    return [
        ("soc-astana-2024-06", {"date": dt.date(2024, 7, 4)}),
        ("soc-astana-2024-06", {"date": dt.datetime(2024, 7, 4, 10, 0)}),
        ("baku-ministerial-2024", {"date": "env-ministerial-2024 + 10 working days"}),
        ("env-outcome-silence", {"start": dt.date(2024, 7, 1), "end": None, "duration": "3d"}),
        ("cbm-modalities-consensus", {"status": "done", "country": "KZ"}),
        ("ttf-action-plan-2024", {"start": "baku-ministerial-2024.end + 1 day"}),
        ("new-item", {"title": "New", "date": "env-outcome-silence.end - 2 working days"}),
    ]


@pytest.mark.parametrize(("event_id", "changes"), _edits())
def test_resolving_only_what_follows_from_an_edit_is_resolving_everything(
    event_id: str, changes: dict[str, object]
) -> None:
    from cica_cli.core.loader import loads
    from cica_cli.core.model import Calendar, Event
    from cica_cli.core.resolve import resolve, resolve_edit

    previous = loads(SHIPPED.read_bytes(), "events.toml").schedule
    old = previous.events[event_id].event if event_id in previous.events else Event(title="")
    event = old._replace(**changes)
    events = {eid: r.event for eid, r in previous.events.items()}
    events[event_id] = event
    full = resolve(Calendar(previous.settings, events))
    quick = resolve_edit(previous, event_id, event)
    assert quick == full
    assert list(quick.events) == list(full.events)


def test_an_edit_that_makes_a_cycle_is_left_to_the_full_resolution() -> None:
    from cica_cli.core.loader import loads
    from cica_cli.core.resolve import ScheduleError, resolve_edit

    previous = loads(SHIPPED.read_bytes(), "events.toml").schedule
    soc = previous.events["soc-astana-2024-06"].event
    with pytest.raises(ScheduleError):
        resolve_edit(previous, "soc-astana-2024-06", soc._replace(date="env-outcome-silence.end"))
    with pytest.raises(ScheduleError):
        resolve_edit(previous, "soc-astana-2024-06", soc._replace(date="soc-astana-2024-06"))
    with pytest.raises(ScheduleError):
        resolve_edit(previous, "soc-astana-2024-06", soc._replace(date="nowhere + 1d"))


# A look-alike header inside a multi-line string, before the event's real one.
HEADER_IN_A_STRING = (
    '[calendar]\ntimezone = "UTC"\n\n'
    '[events.notes]\ntitle = "Notes"\ndate = 2024-07-01\ndescription = """\n'
    '[events.call]\ntitle = "not this one"\n"""\n\n'
    '[events.call]\ntitle = "Call"\ndate = 2024-07-02  # the real one\n'
)


@pytest.mark.parametrize("blind", [False, True], ids=["quick search", "blind quick search"])
def test_a_header_inside_a_string_is_not_the_events(
    cica: Cica,
    write_calendar: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
    blind: bool,
) -> None:
    # The quick search skips the look-alike. A quick search blind to strings would take it:
    # the edit it makes reads as a valid file with the notes' description changed, which must
    # be noticed, and the edit made again the exact way.
    import cica_cli.edit.rewrite as rewrite

    exact_region = rewrite.event_region

    def blind_region(text: str, event_id: str, exact: bool = False) -> Region:
        if exact:
            return exact_region(text, event_id, exact=True)
        start = text.index("[events.call]")
        return Region(start, text.index('"""', start))

    if blind:
        monkeypatch.setattr(rewrite, "event_region", blind_region)
    path = write_calendar(HEADER_IN_A_STRING)
    result = cica("move", "call", "+1d", "-c", str(path))
    assert result.code == 0, result.err
    assert path.read_text(encoding="utf-8") == HEADER_IN_A_STRING.replace(
        "2024-07-02  # the real one", "2024-07-03  # the real one"
    )


TYPER_CASES = [
    ["move", "soc-astana-2024-06", "-3", "days", "--dry-run"],
    ["move", "soc-astana-2024-06", "2024-07-04", "--json", "-n"],
    ["move", "env-outcome-silence", "+1d"],
    ["done", "cbm-modalities-consensus", "-n"],
    ["set", "baku-ministerial-2024", "location", "", "--dry-run"],
    ["add", "x", "--title", "X", "--date", "2024-07-06", "--tag", "a", "--tag", "b", "-n"],
    ["diff", "HEAD", "--json"],
    ["diff"],
]


@pytest.mark.parametrize("args", TYPER_CASES, ids=" ".join)
def test_the_same_without_typer_as_through_it(
    cica: Cica, repo: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    from cica_cli.commands import _fast

    fast = cica(*args)
    with monkeypatch.context() as patched:
        patched.setattr(_fast, "run", lambda args: False)
        through_typer = cica(*args)
    assert fast == through_typer
    assert fast.code in (0, 65)


def test_detaching_a_timed_event_keeps_the_zone_it_took(
    cica: Cica, write_calendar: Callable[[str], Path]
) -> None:
    path = write_calendar(
        '[calendar]\ntimezone = "Asia/Almaty"\n\n'
        '[events.a]\ntitle = "A"\ndate = 2024-07-02T10:00:00\ntimezone = "Asia/Baku"\n\n'
        '[events.b]\ntitle = "B"\ndate = "a + 1h"\n'
    )
    result = cica("move", "b", "+1d", "--detach", "-c", str(path))
    assert result.code == 0, result.err
    assert result.out == (
        "changed b: B\n"
        "  date:     Tue 2 Jul 11:00 -> Wed 3 Jul 2024 11:00, +1 day\n"
        '  timezone: (none) -> "Asia/Baku"\n'
        "1 changed\n"
    )
    assert path.read_text(encoding="utf-8").endswith(
        '[events.b]\ntitle = "B"\ndate = 2024-07-03T11:00:00\ntimezone = "Asia/Baku"\n'
    )


def _cached(calendar: Path) -> bool:
    import os

    from cica_cli.core.cache import cached_schedule

    folder = Path(os.environ["XDG_CACHE_HOME"]) / "cica"
    return cached_schedule(calendar, folder, calendar.read_bytes()) is not None


@pytest.mark.parametrize(
    "args",
    [
        ("move", "soc-astana-2024-06", "+1w"),  # written: the edited calendar is kept
        ("move", "soc-astana-2024-06", "+1w", "--dry-run"),  # not written: the calendar as is
        ("move", "soc-astana-2024-06", "2024-06-27"),  # where it is: nothing to write
        ("move", "env-outcome-silence", "+1d"),  # refused
    ],
)
def test_an_edit_leaves_the_calendar_cached_whatever_its_outcome(
    cica: Cica, repo: Path, args: tuple[str, ...]
) -> None:
    calendar = repo / "events.toml"
    assert not _cached(calendar)  # nothing cached yet: the edit loads the file itself
    cica(*args)
    assert _cached(calendar)  # the next command is served from the cache


def test_an_edit_from_the_cache_keeps_what_loading_the_edited_file_gives(
    cica: Cica, repo: Path
) -> None:
    # The edit starts from the cache's entry and stores the rows of the events it did not
    # change as they were read: the entry must hold what loading the edited file gives.
    import marshal
    import os

    from cica_cli.core import cache
    from cica_cli.core.loader import load

    calendar = repo / "events.toml"
    assert cica("validate").code == 0  # the cache now holds the calendar
    assert _cached(calendar)
    result = cica("move", "soc-astana-2024-06", "+1w")
    assert result.code == 0, result.err
    assert result.out.endswith("2 changed\n")  # and the silence procedure computed from it
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "cica"
    entry, key = cache._entry(calendar, folder, calendar.read_bytes())
    assert entry is not None and key is not None
    head, body = entry.read_bytes().split(b"\n", 1)
    assert head.decode() == key  # the entry is the edited file's
    assert marshal.loads(body) == cache._encode(load(calendar).schedule)


def test_add_to_events_written_inline_is_refused_plainly(cica: Cica, tmp_path: Path) -> None:
    calendar = tmp_path / "events.toml"
    text = 'events = { a = { title = "A", date = 2024-07-01 } }\n[calendar]\ntimezone = "UTC"\n'
    calendar.write_text(text, encoding="utf-8")
    result = cica("add", "n", "--title", "N", "--date", "2024-08-01", "-c", str(calendar))
    assert (result.code, result.out) == (65, "")
    assert result.err.startswith("cica: not added: the calendar's events are one inline table")
    assert calendar.read_text(encoding="utf-8") == text
    # an event called "events" in an [events] table is no such thing
    tables = '[calendar]\ntimezone = "UTC"\n[events]\nevents = { title = "E", date = 2024-07-01 }\n'
    calendar.write_text(tables, encoding="utf-8")
    added = cica("add", "n", "--title", "N", "--date", "2024-08-01", "-c", str(calendar))
    assert added.code == 0, added.err
