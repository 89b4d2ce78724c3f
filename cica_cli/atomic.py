"""Write a file so that readers see the old content or the new, never half of either."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from .errors import CannotWriteError


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temp file in the same folder, fsync, rename.

    A web server or calendar app polling ``path`` never sees a partial file; on any failure the
    previous file is left intact and ``CannotWriteError`` (exit 73) names the path and the reason.
    A symlink is followed (the file it points to is replaced, the link kept). A target that exists
    and is not a regular file (``/dev/null``, a FIFO, a terminal) is written to directly: renaming
    over it would replace the device with a plain file.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise CannotWriteError(f"cannot write {path}: {err.strerror or err}") from err
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise CannotWriteError(f"cannot write {path}: it is a folder")
        _write_in_place(path, data)
        return
    import tempfile  # here: the cache's writes (write_private) never need it

    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise CannotWriteError(f"cannot write {path}: {err.strerror or err}") from err
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # Keep the permissions of the file we replace (mkstemp makes it 0600).
        os.chmod(tmp, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as err:  # an error, or Ctrl-C: no temporary file is left behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, OSError):
            raise CannotWriteError(f"cannot write {path}: {err.strerror or err}") from err
        raise
    _fsync_folder(folder)


def write_private(path: Path, data: bytes) -> None:
    """Write a file of cica's own (its cache) atomically, readable by the user only (0600), its
    folder created private (0700). No fsync: a cache lost to a crash is only computed again.
    Raises ``OSError``; the temporary file never stays behind."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_in_place(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as err:
        raise CannotWriteError(f"cannot write {path}: {err.strerror or err}") from err


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every file system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
