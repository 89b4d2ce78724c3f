"""Atomic writes: never half a file, never a device replaced by a file, links kept."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from cica_cli.atomic import write_atomic, write_private
from cica_cli.errors import CannotWriteError


def test_replaces_a_file_keeping_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out" / "cal.ics"
    target.parent.mkdir()
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in target.parent.iterdir()] == ["cal.ics"]  # no temp file left


def test_a_special_file_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    # A FIFO stands in for /dev/null: renaming over it would turn it into a regular file.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, b"BEGIN:VCALENDAR\r\n")
    reader.join(timeout=10)
    assert received == [b"BEGIN:VCALENDAR\r\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "published" / "cica.ics"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "cica.ics"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_an_unwritable_folder_is_a_clear_error_and_the_old_file_stays(tmp_path: Path) -> None:
    with pytest.raises(CannotWriteError, match="cannot write"):
        write_atomic(tmp_path / "no-such-folder" / "x.ics", b"data")
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(CannotWriteError, match="it is a folder"):
        write_atomic(folder, b"data")


@pytest.mark.parametrize("fault", [KeyboardInterrupt, SystemExit, OSError])
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_file(
    fault: type[BaseException], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "feed.ics"
    target.write_bytes(b"old")

    def interrupted(src: object, dst: object) -> None:
        raise fault()

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(CannotWriteError if fault is OSError else fault):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in folder.iterdir()) == ["feed.ics"]


def test_write_private_is_private_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "cica" / "entry.cache"
    write_private(target, b"key\nbody")
    assert target.read_bytes() == b"key\nbody"
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.parent.stat().st_mode & 0o777 == 0o700
    target.unlink()
    target.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(OSError):
        write_private(target, b"new")
    assert sorted(p.name for p in target.parent.iterdir()) == ["entry.cache"]
