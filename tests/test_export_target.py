"""``export -o`` onto something that is not a plain export: never read more than an export can
be (issue 11, section 2). Before: ``-o /dev/zero`` read 3.4 GB in 4 s looking for the previous
export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cica_cli.commands import export

from .conftest import SHIPPED, Result


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_written_to_and_never_read(
    cica: Callable[..., Result], device: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[str] = []
    monkeypatch.setattr(export, "_previous", lambda target, limit: read.append(str(target)))
    result = cica("export", "-c", str(SHIPPED), "-o", device)
    assert result.code == 0, result.err
    assert result.err == f"Wrote 8 events to {device}\n"
    assert read == [device]  # asked, and (below) it answers None for a device without reading


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_the_previous_export_of_a_device_is_none(device: str) -> None:
    assert export._previous(Path(device), 1 << 20) is None


def test_a_file_larger_than_any_export_is_not_read_as_the_previous_one(
    cica: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "feed.ics"
    target.write_bytes(b"BEGIN:VCALENDAR\r\n" + b"X" * 10_000)
    monkeypatch.setattr(export, "_largest_export", lambda calendar: 4096)
    result = cica("export", "-c", str(SHIPPED), "-o", str(target))
    assert result.code == 0, result.err
    assert result.err == (
        f"cica: {target} is larger than any export could be; not read as the previous one\n"
        f"Wrote 8 events to {target}\n"
    )
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")


def test_the_limit_leaves_room_for_any_real_export(tmp_path: Path) -> None:
    assert export._largest_export(SHIPPED) >= 64 << 20
    assert export._largest_export(SHIPPED) >= 16 * SHIPPED.stat().st_size
    feed = tmp_path / "feed.ics"
    feed.write_bytes(b"x" * 4096)
    assert export._previous(feed, 4096) == b"x" * 4096  # exactly the limit: read
    assert export._previous(feed, 4095) is None
