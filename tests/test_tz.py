"""Time zones come from the tzdata package, even when the host's database is older."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import zoneinfo
from importlib import resources
from pathlib import Path

import pytest

from cica_cli.core.zones import UnknownZoneError, get_zone

CALENDAR = """[calendar]
name = "tz"
timezone = "Asia/Almaty"
[events.soc]
title = "SOC"
date = "2024-06-27T10:00"
[events.baku]
title = "Baku"
date = 2024-11-11T10:00:00
timezone = "Asia/Baku"
"""


def _old_database(tmp_path: Path) -> Path:
    """A tz database where Asia/Almaty is still UTC+6, as before IANA 2024a."""
    db = tmp_path / "oldtz"
    (db / "Asia").mkdir(parents=True)
    gmt_minus_6 = resources.files("tzdata") / "zoneinfo" / "Etc" / "GMT-6"
    with resources.as_file(gmt_minus_6) as source:
        shutil.copy(source, db / "Asia" / "Almaty")
    return db


def _run(code: str, tzpath: Path) -> str:
    env = {**os.environ, "PYTHONTZPATH": str(tzpath)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_old_host_database_would_be_wrong_without_cica(tmp_path: Path) -> None:
    # The control: plain zoneinfo trusts the host database first and gets +06:00.
    db = _old_database(tmp_path)
    out = _run(
        "import datetime, zoneinfo; "
        "print(datetime.datetime(2024, 6, 27, 10, tzinfo=zoneinfo.ZoneInfo('Asia/Almaty')))",
        db,
    )
    assert out.strip() == "2024-06-27 10:00:00+06:00"


def test_cica_uses_tzdata_not_the_host_database(tmp_path: Path) -> None:
    db = _old_database(tmp_path)
    cal = tmp_path / "events.toml"
    cal.write_text(CALENDAR, encoding="utf-8")
    out = _run(
        "from cica_cli.cli import main; "
        f"main(['upcoming', '--json', '--calendar', {str(cal)!r}, '--as-of', '2024-06-27'])",
        db,
    )
    items = {i["id"]: i for i in json.loads(out)["items"]}
    assert items["soc"]["start"] == "2024-06-27T10:00:00+05:00"
    assert items["baku"]["start"] == "2024-11-11T10:00:00+04:00"


@pytest.mark.parametrize(
    "name", ["Asia/Almaty", "Asia/Baku", "Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC"]
)
def test_get_zone_reads_the_same_rules_as_zoneinfo_from_tzdata(name: str) -> None:
    ours = get_zone(name)
    assert ours is get_zone(name)  # one object per zone for the whole process
    assert str(ours) == ours.key == name
    reference = zoneinfo.ZoneInfo(name)  # tzdata too: cica empties the search path
    moment = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    while moment.year < 2030:
        assert moment.astimezone(ours).utcoffset() == moment.astimezone(reference).utcoffset()
        assert moment.astimezone(ours).tzname() == moment.astimezone(reference).tzname()
        moment += dt.timedelta(hours=61)


@pytest.mark.parametrize(
    "name",
    ["", " Asia/Almaty", "Asia", "Asia/Astana", "Nowhere/City", "../../etc/passwd",
     "/etc/localtime", "Asia//Almaty", "zones", "Asia\\Baku"],
)  # fmt: skip
def test_get_zone_refuses_what_is_not_a_zone(name: str) -> None:
    with pytest.raises(UnknownZoneError):
        get_zone(name)
