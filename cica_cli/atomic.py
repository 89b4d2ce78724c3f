"""Write a file so that readers see the old content or the new, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import CannotWriteError


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temp file in the same folder, fsync, rename.

    A web server or calendar app polling ``path`` never sees a partial file; on any failure the
    previous file is left intact and ``CannotWriteError`` (exit 73) names the path and the reason.
    """
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise CannotWriteError(f"cannot write {path}: {err.strerror or err}") from err
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # Keep the permissions of the file we replace (mkstemp makes it 0600).
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise CannotWriteError(f"cannot write {path}: {err.strerror or err}") from err


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
