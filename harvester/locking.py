"""One writer at a time: the run lock under ``OER_HOME``.

Every command that writes the store and the index (``oer harvest``, ``--due``, each
batch of ``oer schedule``) holds ``OER_HOME/oer.lock`` while it runs, so two runs never
overlap and only one process writes the index (Whoosh allows one writer; SQLite would
serialise the writes but two harvests of one source would fight over its state).

The lock is an OS file lock (``flock``) taken through :mod:`filelock`: the kernel drops
it when the process dies, so a killed run never leaves a stale lock behind. Beside it,
``oer.lock.json`` says who holds it (pid, host, command, since when), for the message
the next run prints; it is informative only and never decides anything.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from harvester.errors import HarvestError

LOCK_NAME = "oer.lock"


class LockBusyError(HarvestError):
    """Another run holds the lock (CLI exit status 1: nothing was harvested).

    Attributes:
        path: The lock file.
        holder: What the holder wrote about itself (pid, host, command, since), or {}.
    """

    def __init__(self, path: Path, holder: dict) -> None:
        who = (f"pid {holder.get('pid')} on {holder.get('host')}, "
               f"{holder.get('command')!r} since {holder.get('since')}") if holder else "unknown"
        super().__init__(f"another oer run holds the lock {path} ({who}); nothing done")
        self.path = path
        self.holder = holder


@contextmanager
def run_lock(root: Path, command: str, *, wait_s: float = 0.0,
             name: str = LOCK_NAME) -> Iterator[Path]:
    """Hold the run lock of ``OER_HOME`` for the duration of the ``with`` block.

    Args:
        root: ``OER_HOME``.
        command: What is running, for the holder note (``"oer harvest --due"``).
        wait_s: Seconds to wait for a busy lock; 0 fails at once.
        name: The lock file's name (``schedule.lock`` keeps one scheduler per home).

    Yields:
        The lock file path.

    Raises:
        LockBusyError: the lock is still held after ``wait_s``.
    """
    root.mkdir(parents=True, exist_ok=True)
    path = root / name
    note = path.with_name(path.name + ".json")
    lock = FileLock(path, timeout=wait_s)
    try:
        lock.acquire()
    except Timeout as exc:
        raise LockBusyError(path, _read_note(note)) from exc
    try:
        note.write_text(json.dumps({
            "pid": os.getpid(), "host": socket.gethostname(), "command": command,
            "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}), encoding="utf-8")
        yield path
    finally:
        try:
            note.unlink()
        except OSError:
            pass
        lock.release()


def _read_note(note: Path) -> dict:
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
