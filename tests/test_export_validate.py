"""The exports pass an external validator: an RFC 5545 lint, six real parsers (icalendar, vobject
lenient and strict, ical, recurring-ical-events, ical.js) and a khal import.

The validator is not part of this repository: ``CICA_ICS_VALIDATE`` names its executable (it takes
one .ics file, prints a verdict per checker and ``N passed, M failed``, and exits with the number
of failures). Without it these tests are skipped, with that reason; CI (``.ci/run``) also sets
``CICA_ICS_VALIDATE_REQUIRED=1``, which turns a missing validator into a failure, so CI never
skips them. The validator installs its parsers once into ``~/.cache/ics-validate`` (PyPI and npm)
and then takes a few seconds per file, so each file is validated once per session.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import SHIPPED
from .test_export import EVERY_FEATURE
from .test_export_feed import FEED

# Read at import: the per-test fixtures clear every CICA_* variable.
_NAMED = os.environ.get("CICA_ICS_VALIDATE", "")
VALIDATOR = Path(_NAMED) if _NAMED else None
REQUIRED = os.environ.get("CICA_ICS_VALIDATE_REQUIRED") == "1"
CHECKERS = (
    "rfc_lint",
    "icalendar",
    "vobject",
    "vobject-validate",
    "ical",
    "recurring",
    "ical.js",
    "khal",
)
# Read before the per-test fixtures point HOME at a temporary folder: the parsers are installed
# once per user, not once per test run.
_CACHE = os.environ.get("ICS_VALIDATE_HOME") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ics-validate"
)


@dataclass(frozen=True)
class Verdict:
    code: int
    output: str


def _export(calendar: Path, out: Path, *args: str) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1717200000"}
    subprocess.run(
        [sys.executable, "-m", "cica_cli", "export", "-c", str(calendar), "-o", str(out), *args],
        env=env,
        check=True,
        capture_output=True,
    )


def _missing() -> str:
    """Why the validator cannot run, or "" when it can."""
    if VALIDATOR is None:
        return "external iCalendar validator not configured (set CICA_ICS_VALIDATE)"
    if not VALIDATOR.is_file() or not os.access(VALIDATOR, os.X_OK):
        return f"external iCalendar validator not found or not executable: {VALIDATOR}"
    return ""


def _validate(path: Path) -> Verdict:
    env = {**os.environ, "ICS_VALIDATE_HOME": _CACHE}
    done = subprocess.run(
        [str(VALIDATOR), str(path)], env=env, capture_output=True, text=True, timeout=900
    )
    return Verdict(done.returncode, done.stdout + done.stderr)


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Verdict]:
    missing = _missing()
    if missing:
        if REQUIRED:
            pytest.fail(f"{missing}, and CICA_ICS_VALIDATE_REQUIRED=1", pytrace=False)
        pytest.skip(missing)
    folder = tmp_path_factory.mktemp("validate")
    every = folder / "every-feature.toml"
    every.write_text(EVERY_FEATURE, encoding="utf-8")
    results = {}
    for name, calendar in (("shipped", SHIPPED), ("every-feature", every)):
        out = folder / f"{name}.ics"
        _export(calendar, out)
        results[name] = _validate(out)
    # A feed after a deletion and a change of selection: a cancelled event (its zone's
    # VTIMEZONE gone) and X-CICA-HISTORY lines.
    feed, out = folder / "feed.toml", folder / "feed.ics"
    feed.write_text(FEED, encoding="utf-8")
    _export(feed, out)
    feed.write_text(FEED[: FEED.index("[events.weekly]")], encoding="utf-8")
    _export(feed, out, "--kind", "deadline")
    assert b"STATUS:CANCELLED" in out.read_bytes() and b"X-CICA-HISTORY:" in out.read_bytes()
    results["feed"] = _validate(out)
    return results


@pytest.mark.parametrize("name", ["shipped", "every-feature", "feed"])
def test_every_checker_accepts_the_export(verdicts: dict[str, Verdict], name: str) -> None:
    verdict = verdicts[name]
    assert verdict.code == 0, verdict.output
    assert "8 passed, 0 failed" in verdict.output
    for checker in CHECKERS:
        assert f"[PASS] {checker}\n" in verdict.output, checker
    assert "errors=0 warnings=0" in verdict.output  # rfc_lint: not even a warning


def test_parsers_agree_on_the_shipped_dates(verdicts: dict[str, Verdict]) -> None:
    out = verdicts["shipped"].output
    # ical.js (Thunderbird): the silence procedure is 27 June to 11 July (DTEND exclusive).
    # Its alarms count from that exclusive end (RELATED=END): 30, 7 and 1 days before 11 July.
    silence = (
        "start=2024-06-27 [DATE]  end=2024-07-12 [DATE]  uid=yes dtstamp=yes "
        'alarms=["-P31D","-P8D","-P2D"]'
    )
    assert silence in out
    # khal shows the last day, as a person would.
    assert "2024-06-27 -> 2024-07-11 | Silence procedure" in out
    assert "2024-11-11 -> 2024-11-11 | Seventh CICA Ministerial Council meeting" in out
    assert "vevents=8" in out


def test_parsers_agree_on_the_instants_of_every_feature(verdicts: dict[str, Verdict]) -> None:
    out = verdicts["every-feature"].output
    # 10:00 in Astana on 27 June 2024 is 05:00Z; 10:00 in Baku is 06:00Z.
    assert '"SOC in Astana"' in out
    assert "start=2024-06-27T05:00:00Z [UTC] = 2024-06-27T05:00:00Z" in out  # ical.js
    assert "= 2024-11-11T06:00Z" in out  # icalendar / vobject / ical
    # A repeating call keeps its zone (TZID + VTIMEZONE) and its wall-clock time across DST.
    assert "start=2024-07-01T10:00:00 [Asia/Baku] = 2024-07-01T06:00:00Z" in out  # ical.js
    assert "start=2024-03-04T09:30:00 [Europe/Berlin] = 2024-03-04T08:30:00Z" in out
    assert "2024-10-28T09:30:00+01:00 [Europe/Berlin] = 2024-10-28T08:30Z" in out  # recurring
    assert "2024-10-21T09:30:00+02:00 [Europe/Berlin] = 2024-10-21T07:30Z" in out
    assert "has no VTIMEZONE" not in out
    # Ten weekly Baku calls, expanded by recurring-ical-events.
    assert out.count("'Weekly call (Baku)'") >= 10
