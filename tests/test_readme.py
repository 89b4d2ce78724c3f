"""Shell lines in the README do what it says they do."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from .conftest import SHIPPED, Result

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_password_file_recipe_keeps_any_password(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    [recipe] = re.findall(r"```bash\n(install -d -m 700 ~/.config/cica\n.*?)```", text, re.S)
    password = 'it\'s a "$HOME" \\ `x` %s! ü'
    env = {"HOME": str(tmp_path), "PATH": os.environ["PATH"]}
    subprocess.run(["bash", "-c", recipe], input=password + "\n", text=True, env=env, check=True)
    secret = tmp_path / ".config" / "cica" / "smtp.env"
    assert secret.stat().st_mode & 0o077 == 0
    source = 'set -a && . "$HOME/.config/cica/smtp.env" && printf %s "$CICA_SMTP_PASSWORD"'
    read_back = subprocess.run(
        ["sh", "-c", source], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert read_back == password


ROOT = README.parent
USER_SECTIONS = ["Quick start", "Views", "The calendar file", "Export", "Remind", "Exit codes"]


def _section(text: str, heading: str) -> str:
    """The body of the level-2 section called ``heading``."""
    [body] = re.findall(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return str(body)


def test_the_readme_is_for_users_in_this_order() -> None:
    text = README.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert [h for h in headings if h in USER_SECTIONS] == USER_SECTIONS
    # Internals live in docs/, and the README points there.
    for internal in ("## Design", "## Benchmarks", "Why it is fast", "BaseModel"):
        assert internal not in text
    for doc in ("docs/design.md", "docs/benchmarks.md"):
        assert f"({doc})" in text
        assert (ROOT / doc).is_file()


def test_the_quick_start_is_what_ci_runs() -> None:
    [block] = re.findall(
        r"```sh\n(.*?)```", _section(README.read_text("utf-8"), "Quick start"), re.S
    )
    commands = block.strip().splitlines()
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_commands = [line.replace(" -q", "") for line in ci.splitlines()]
    for command in commands:
        assert command in ci_commands, command


def test_every_exit_code_is_documented() -> None:
    from cica_cli.errors import ExitCode

    table = _section(README.read_text(encoding="utf-8"), "Exit codes")
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert {int(code) for code in ExitCode} | {130} <= documented


def test_the_json_example_is_what_cica_prints(cica: Callable[..., Result]) -> None:
    text = _section(README.read_text(encoding="utf-8"), "Views")
    [example] = re.findall(r"```json\n(.*?)```", text, re.S)
    shown = json.loads(example)
    result = cica("upcoming", "--as-of", "2024-07-01", "--json", "--calendar", str(SHIPPED))
    assert result.code == 0, result.err
    actual = json.loads(result.out)
    [item] = shown.pop("items")
    assert {k: v for k, v in actual.items() if k != "items"} == shown
    assert item in actual["items"]


def _tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode()
        return [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (an sdist)
        skip = {".git", "build", "dist", "__pycache__", "data"}
        return [
            path
            for path in ROOT.rglob("*")
            if path.is_file()
            and not any(
                part in skip or part.startswith(".") for part in path.relative_to(ROOT).parts
            )
            and not any(part.endswith(".egg-info") for part in path.parts)
        ]


def test_the_repository_stands_alone() -> None:
    """Only CI may reach outside the repository (for the external validator)."""
    outside = re.compile(r"\.\./shared|/work/(?:shared|tools)\b")
    offenders = []
    for path in _tracked_files():
        if path.is_symlink() or path == ROOT / ".ci" / "run" or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if outside.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_file_holds_a_merge_conflict() -> None:
    """A merge left half-done (README's exit codes once held both sides) fails here."""
    marker = re.compile(r"^(?:<{7}|>{7})(?: |$)|^={7}$", re.M)
    offenders = []
    for path in _tracked_files():
        if path.is_symlink() or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}"
                      for m in marker.finditer(text)]  # fmt: skip
    assert offenders == []


def test_the_design_notes_list_every_module_once() -> None:
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `(cica_cli/[\w/]+\.py)` \|", design, re.M)
    assert len(listed) == len(set(listed))
    modules = (ROOT / "cica_cli").rglob("*.py")
    # A folder's __init__ is its line in the tree; the top-level one is a module of its own.
    package = sorted(
        str(p.relative_to(ROOT))
        for p in modules
        if p.name != "__init__.py" or p.parent.name == "cica_cli"
    )
    missing = sorted(set(package) - set(listed))
    stale = sorted(set(listed) - set(package))
    assert (missing, stale) == ([], []), "docs/design.md: add a line per new module, drop old ones"
    folders = {str(p.relative_to(ROOT)) + "/" for p in (ROOT / "cica_cli").iterdir() if p.is_dir()}
    folders -= {"cica_cli/__pycache__/"}
    for folder in folders | {"cica_cli/"}:
        assert re.search(rf"^{re.escape(folder)} ", design, re.M), folder


def test_the_table_shown_is_what_cica_prints() -> None:
    text = _section(README.read_text(encoding="utf-8"), "Views")
    [shown] = re.findall(r"```console\n\$ cica upcoming --as-of 2024-06-27\n(.*?)```", text, re.S)
    # tests/test_table.py checks the golden against cica at 80 columns.
    golden = ROOT / "tests" / "golden" / "upcoming-2024-06-27-80.txt"
    assert shown == golden.read_text(encoding="utf-8")


def test_the_calendar_file_example_gives_the_dates_its_comments_state(
    cica: Callable[..., Result], tmp_path: Path
) -> None:
    """Issue 10: the rules are stated with worked examples; the example calendar is one."""
    [example] = re.findall(
        r"```toml\n(.*?)```", _section(README.read_text("utf-8"), "The calendar file"), re.S
    )
    path = tmp_path / "events.toml"
    path.write_text(example, encoding="utf-8")
    doc = json.loads(cica("upcoming", "--all", "--json", "-c", str(path), "--as-of",
                          "2024-06-01").out)  # fmt: skip
    items = {i["id"]: (i["start"], i["end"]) for i in doc["items"]}
    assert items["env-outcome-silence"] == ("2024-06-27", "2024-07-11")
    assert items["env-ministerial-2024"] == ("2024-08-28", "2024-08-30")
    assert items["briefing-paper"] == ("2024-10-28", "2024-10-28")
    assert items["weekly-call"][0] == "2024-07-02T10:00:00+04:00"
    # ... and what `cica show` prints for the paper with `country = "AZ"`, as the README shows.
    text = README.read_text("utf-8")
    [shown] = re.findall(r"\$ cica show briefing-paper\n(.*?)```", text, re.S)
    path.write_text(
        example.replace('tags = ["briefing"]', 'tags = ["briefing"]\ncountry = "AZ"'), "utf-8"
    )
    out = cica("show", "briefing-paper", "-c", str(path)).out
    for line in shown.strip().splitlines():
        assert line in out
    warning = re.search(r"\nevents\.toml:54: (events\.baku-ministerial-2024\.date: warning: .*)\n",
                        text)  # fmt: skip
    assert warning is not None
    shipped = cica("validate", "-c", str(SHIPPED))
    assert f"{SHIPPED}:54: {warning.group(1)}" in shipped.err
