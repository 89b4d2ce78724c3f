"""An installed wheel (not only an editable checkout) finds the packaged CICA calendar."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import ROOT, SHIPPED


def test_wheel_ships_and_finds_the_calendar(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(dist), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = dist.glob("cica_cli-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read("cica_cli/data/events.toml") == SHIPPED.read_bytes()
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CICA_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), PYTHONPATH=str(target))
    code = (
        "import cica_cli, sys; sys.stderr.write(cica_cli.__file__ + '\\n'); "
        "from cica_cli.cli import main; main(['validate'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=empty, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(str(target))  # the installed copy, not the checkout
    assert done.stdout.startswith("OK: 8 events (3 computed)")
    assert str(target / "cica_cli" / "data" / "events.toml") in done.stdout
