"""An export's events built on several cores: contiguous shares in forked processes.

Building an event with ``ics`` is most of an export (0.2 ms an event: 2 s for 10 000), and each
event is built on its own, so the work splits cleanly. The first share is built here; each
other share in a child forked for it, which writes its bytes to a pipe and exits. The child
starts with this process's memory (the schedule, the previous export's revisions), so nothing
is sent to it, and its bytes are exactly those this process would make: the parts joined in
order are the sequential result (``tests/test_export_parallel.py``).

Anything wrong with a child (no fork, an error, a signal) only means its share is built here
after all. Fork is used where it is the platform's way (Linux and the BSDs); on macOS, where
system libraries are not safe to use in a forked child, and on Windows, everything is built
here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator

#: Fewer events than this per share are not worth a process.
MIN_SHARE = 1000
#: At most this many processes (memory grows with each).
MAX_WORKERS = 4


def workers_available() -> int:
    """How many processes an export may use: the CPUs this process may run on, at most
    ``MAX_WORKERS``; 1 where forking is not used."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def shares(count: int, workers: int) -> list[tuple[int, int]]:
    """``range(count)`` cut into at most ``workers`` contiguous shares of ``MIN_SHARE`` or
    more, as (start, stop); one share when there is too little to split."""
    parts = max(1, min(workers, count // MIN_SHARE))
    return [(count * i // parts, count * (i + 1) // parts) for i in range(parts)]


Make = Callable[[int, int], Iterable[bytes]]


def in_parts(make: Make, count: int, workers: int) -> Iterator[bytes]:
    """The pieces ``make(start, stop)`` gives for each share of ``range(count)``, in order: the
    first share made here, the others in forked children meanwhile (see the module's docstring).
    """
    cut = shares(count, workers)
    children: list[tuple[int, int, _Child | None]] = [(a, b, _fork(make, a, b)) for a, b in cut[1:]]
    try:
        yield from make(*cut[0])
        for start, stop, child in children:
            data = child.collect() if child is not None else None
            if data is None:
                yield from make(start, stop)
            else:
                yield data
    finally:
        for _, _, child in children:
            if child is not None:
                child.close()


class _Child:
    """A forked child making a share: its pid and the pipe it writes the bytes to."""

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid = pid
        self.pipe: int | None = pipe

    def collect(self) -> bytes | None:
        """The child's bytes, once it has exited; None if it did not make them all."""
        assert self.pipe is not None
        chunks = []
        try:
            while chunk := os.read(self.pipe, 1 << 20):
                chunks.append(chunk)
            complete = True
        except OSError:
            complete = False
        os.close(self.pipe)
        self.pipe = None
        return b"".join(chunks) if self._wait() == 0 and complete else None

    def close(self) -> None:
        """End a child whose share is no longer wanted (this process is failing), and reap it."""
        if self.pipe is not None:
            os.close(self.pipe)
            self.pipe = None
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGTERM)
        self._wait()

    def _wait(self) -> int | None:
        if self.pid <= 0:
            return None
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return None
        finally:
            self.pid = 0
        return os.waitstatus_to_exitcode(status)


def _fork(make: Make, start: int, stop: int) -> _Child | None:
    """A child making ``make(start, stop)``; None if no process could be forked."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid:
        os.close(write)
        return _Child(pid, read)
    # The child: make the share, write it, and leave without running what belongs to the
    # parent (atexit handlers, buffered output). Any failure only means the parent makes it.
    code = 1
    try:
        os.close(read)
        view = memoryview(b"".join(make(start, stop)))
        while view:
            view = view[os.write(write, view) :]
        code = 0
    finally:
        os._exit(code)
