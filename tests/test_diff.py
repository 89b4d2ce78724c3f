"""`cica diff`: two versions of a calendar compared, files or git revisions, text and JSON."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cica_cli.core.diff import diff_schedules
from cica_cli.core.loader import loads
from cica_cli.core.schedule import Schedule
from cica_cli.views.diff import diff_json, diff_text

from .conftest import SHIPPED, Result
from .test_planning import git

Cica = Callable[..., Result]

BASE = """\
[calendar]
name = "Chain"
timezone = "Asia/Almaty"

[events.a]
title = "A"
date = 2024-07-01

[events.b]
title = "B"
kind = "deadline"
date = "a + 1 day"

[events.c]
title = "C"
kind = "procedure"
start = "b.end"
end = "b + 3 days"

[events.d]
title = "D"
date = 2024-09-02
location = "Astana"

[events.gone]
title = "Gone"
date = 2024-12-01
"""


def schedule(text: str) -> Schedule:
    return loads(text.encode(), "test.toml").schedule


def test_a_chain_of_computed_dates_leads_back_to_the_edit() -> None:
    after = BASE.replace("date = 2024-07-01", "date = 2024-07-04")
    diff = diff_schedules(schedule(BASE), schedule(after))
    assert [c.id for c in diff.changed] == ["a", "b", "c"]
    a, b, c = diff.changed
    assert a.dates[0].chain == ()
    assert [tuple(link) for link in b.dates[0].chain] == [("b", "date", "a + 1 day")]
    start, end = c.dates
    assert [tuple(link) for link in start.chain] == [
        ("c", "start", "b.end"),
        ("b", "date", "a + 1 day"),
    ]
    assert [tuple(link) for link in end.chain] == [
        ("c", "end", "b + 3 days"),
        ("b", "date", "a + 1 day"),
    ]
    assert diff_text(diff) == (
        "changed a: A\n"
        "  date: Mon 1 Jul -> Thu 4 Jul 2024, +3 days\n"
        "changed b: B\n"
        "  date: Tue 2 Jul -> Fri 5 Jul 2024, +3 days (computed: date = a + 1 day)\n"
        "changed c: C\n"
        "  start: Tue 2 Jul -> Fri 5 Jul 2024, +3 days "
        "(computed: start = b.end; b: date = a + 1 day)\n"
        "  end:   Fri 5 Jul -> Mon 8 Jul 2024, +3 days "
        "(computed: end = b + 3 days; b: date = a + 1 day)\n"
        "3 changed\n"
    )


def test_an_edited_expression_is_not_marked_computed() -> None:
    after = BASE.replace('date = "a + 1 day"', 'date = "a + 2 days"')
    diff = diff_schedules(schedule(BASE), schedule(after))
    b = diff.changed[0]
    assert (b.id, b.dates[0].computed) == ("b", False)
    assert [d.computed for d in diff.changed[1].dates] == [True, True]


def test_fields_added_removed_and_warnings() -> None:
    after = (
        BASE.replace('location = "Astana"', 'location = "Baku"\nstatus = "done"')
        .replace('[events.gone]\ntitle = "Gone"\ndate = 2024-12-01\n', "")
        .replace('title = "A"', 'title = "A, renamed"\nkind = "conference"')
        + '\n[events.new]\ntitle = "New"\ndate = 2024-07-06\n'
    )
    diff = diff_schedules(schedule(BASE), schedule(after))
    assert diff_text(diff) == (
        "changed a: A, renamed\n"
        '  title: "A" -> "A, renamed"\n'
        '  kind:  "meeting" -> "conference"\n'
        "changed d: D\n"
        '  status:   "planned" -> "done"\n'
        '  location: "Astana" -> "Baku"\n'
        "added new: New (Sat 6 Jul 2024)\n"
        "removed gone: Gone (was Sun 1 Dec 2024)\n"
        "warning: new: date Sat 6 Jul 2024 is not a working day: Saturday\n"
        "2 changed, 1 added, 1 removed\n"
    )


def test_a_detached_date_is_a_change_of_definition_even_on_the_same_day() -> None:
    after = BASE.replace('date = "a + 1 day"', "date = 2024-07-02")
    diff = diff_schedules(schedule(BASE), schedule(after))
    [b] = diff.changed
    assert b.dates == ()
    assert [tuple(f) for f in b.fields] == [("date", "a + 1 day", dt.date(2024, 7, 2))]


def test_the_same_calendar_has_no_differences() -> None:
    diff = diff_schedules(schedule(BASE), schedule(BASE + "# a comment\n"))
    assert diff.empty
    assert diff_text(diff) == ""


def test_holidays_of_the_calendar_are_warned_about() -> None:
    before = BASE.replace('"Asia/Almaty"', '"Asia/Almaty"\nholidays = [2024-07-08]')
    after = before.replace("date = 2024-07-01", "date = 2024-07-08")  # a Monday, a holiday
    diff = diff_schedules(schedule(before), schedule(after))
    assert [(w.event_id, w.field, w.day.isoformat(), w.reason) for w in diff.warnings] == [
        ("a", "date", "2024-07-08", "holiday (calendar)")
    ]


# --- the command ----------------------------------------------------------------------------------


def test_two_files_exit_0_when_equal_and_1_when_not(cica: Cica, tmp_path: Path) -> None:
    old = tmp_path / "old.toml"
    new = tmp_path / "new.toml"
    old.write_text(BASE, encoding="utf-8")
    new.write_text(BASE, encoding="utf-8")
    same = cica("diff", str(old), str(new))
    assert (same.code, same.out, same.err) == (0, "", "")
    new.write_text(BASE.replace("date = 2024-09-02", "date = 2024-09-03"), encoding="utf-8")
    changed = cica("diff", str(old), str(new))
    assert changed.code == 1
    assert changed.out == "changed d: D\n  date: Mon 2 Sep -> Tue 3 Sep 2024, +1 day\n1 changed\n"
    assert changed.err == ""


def test_json_is_a_stable_document(cica: Cica, tmp_path: Path) -> None:
    old = tmp_path / "old.toml"
    new = tmp_path / "new.toml"
    old.write_text(BASE, encoding="utf-8")
    new.write_text(
        BASE.replace("date = 2024-07-01", "date = 2024-07-04").replace(
            '[events.gone]\ntitle = "Gone"\ndate = 2024-12-01\n', ""
        ),
        encoding="utf-8",
    )
    result = cica("diff", str(old), str(new), "--json")
    assert result.code == 1
    doc = json.loads(result.out)
    assert doc["schema"] == 1
    assert (doc["old"], doc["new"], doc["differences"]) == (str(old), str(new), True)
    assert [c["id"] for c in doc["changed"]] == ["a", "b", "c"]
    assert doc["changed"][1] == {
        "id": "b",
        "title": "B",
        "dates": [
            {
                "field": "date",
                "old": "2024-07-02",
                "new": "2024-07-05",
                "shift_days": 3,
                "shift": "+3 days",
                "computed": True,
                "chain": [{"id": "b", "field": "date", "expression": "a + 1 day"}],
            }
        ],
        "fields": [],
    }
    assert doc["added"] == []
    assert doc["removed"] == [
        {
            "id": "gone",
            "title": "Gone",
            "kind": "meeting",
            "status": "planned",
            "start": "2024-12-01",
            "end": "2024-12-01",
            "all_day": True,
            "timezone": "Asia/Almaty",
            "location": None,
        }
    ]
    assert doc["warnings"] == []
    same = cica("diff", str(old), str(old), "--json")
    assert same.code == 0
    assert json.loads(same.out) == {
        "schema": 1,
        "old": str(old),
        "new": str(old),
        "differences": False,
        "changed": [],
        "added": [],
        "removed": [],
        "warnings": [],
    }


def test_against_git_revisions_in_a_temporary_repository(
    cica: Cica, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Desk")
    git(repo, "config", "user.email", "desk@example.org")
    git(repo, "config", "commit.gpgsign", "false")
    calendar = repo / "plans.toml"
    calendar.write_text(BASE, encoding="utf-8")
    git(repo, "add", "plans.toml")
    git(repo, "commit", "-q", "-m", "first")
    calendar.write_text(BASE.replace("date = 2024-09-02", "date = 2024-09-09"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "D slips a week")
    monkeypatch.chdir(repo)
    # nothing uncommitted: HEAD against the working file
    clean = cica("diff", "-c", "plans.toml")
    assert (clean.code, clean.out, clean.err) == (0, "", "")
    one = cica("diff", "HEAD~1", "-c", "plans.toml")
    assert one.code == 1
    assert one.out == "changed d: D\n  date: Mon 2 Sep -> Mon 9 Sep 2024, +7 days\n1 changed\n"
    both = cica("diff", "HEAD~1", "main", "-c", "plans.toml", "--json")
    assert both.code == 1
    doc = json.loads(both.out)
    assert (doc["old"], doc["new"]) == ("HEAD~1:plans.toml", "main:plans.toml")
    explicit = cica("diff", "HEAD~1:plans.toml", "HEAD:plans.toml")
    assert (explicit.code, explicit.out) == (1, one.out)
    # from a subfolder, the calendar named by path
    sub = repo / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    assert cica("diff", "HEAD~1", "-c", str(calendar)).out == one.out
    monkeypatch.chdir(repo)
    unknown = cica("diff", "v9", "-c", "plans.toml")
    assert unknown.code == 66
    assert unknown.err.startswith("cica: cannot read plans.toml at revision 'v9': ")
    missing = cica("diff", "HEAD~1", "-c", str(repo / "elsewhere.toml"))
    assert missing.code == 66
    # a revision that has problems is reported with its name
    calendar.write_text(BASE.replace('title = "D"', 'title = "D"\nkind = "party"'), "utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    broken = cica("diff", "HEAD", "HEAD~1", "-c", "plans.toml")
    assert broken.code == 65
    assert broken.err.startswith("HEAD:plans.toml:")
    assert "events.d.kind" in broken.err


def test_outside_a_git_repository_the_error_says_so(
    cica: Cica, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    shutil.copyfile(SHIPPED, folder / "events.toml")
    monkeypatch.chdir(folder)
    result = cica("diff")
    assert result.code == 66
    assert result.out == ""
    assert result.err == (
        f"cica: cannot read 'HEAD': it is not a file, and {folder / 'events.toml'} is not in a "
        "git repository, so it has no revisions. Compare two files: cica diff OLD.toml NEW.toml\n"
    )


def test_diff_json_names_both_sides() -> None:
    doc = diff_json(diff_schedules(schedule(BASE), schedule(BASE)), "a", "b")
    assert (doc["old"], doc["new"], doc["differences"]) == ("a", "b", False)


def test_the_readme_documents_the_json_document_as_printed(cica: Cica, tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    planning = readme.split("## Planning\n", 1)[1].split("\n## ", 1)[0]
    shown = json.loads(planning.split("```json\n", 1)[1].split("```", 1)[0])
    old = tmp_path / "old.toml"
    new = tmp_path / "new.toml"
    old.write_text(BASE, encoding="utf-8")
    new.write_text(
        BASE.replace("date = 2024-07-01", "date = 2024-07-04").replace(
            'location = "Astana"', 'location = "Baku"\nstatus = "done"'
        )
        + '\n[events.new]\ntitle = "New"\ndate = 2024-07-06\n',
        encoding="utf-8",
    )
    doc = json.loads(cica("diff", str(old), str(new), "--json").out)
    assert shown.keys() == doc.keys()
    assert shown["changed"][0].keys() == doc["changed"][0].keys()
    assert shown["changed"][0]["dates"][0].keys() == doc["changed"][1]["dates"][0].keys()
    assert shown["changed"][0]["dates"][0]["chain"][0].keys() == (
        doc["changed"][1]["dates"][0]["chain"][0].keys()
    )
    assert shown["changed"][0]["fields"][0].keys() == doc["changed"][-1]["fields"][0].keys()
    assert shown["warnings"][0].keys() == doc["warnings"][0].keys()
