"""Stop a harvest cleanly on the first Ctrl-C (SIGINT) or SIGTERM.

The first signal sets :data:`STOP` and prints a notice; every harvest loop checks it
after each stored page and ends its run *incomplete*, keeping its resumption token, so
the next run resumes there. The index is then updated with what was stored.

A second Ctrl-C (or SIGTERM) ends the process at once, exit 130: a ``KeyboardInterrupt``
would wait for the harvest threads' HTTP requests in flight (up to the read timeout) and
click would turn it into exit 1. Nothing stored is lost: each page is one SQLite
transaction (an unfinished one is rolled back when the store is next opened), the run lock
and the index's write lock are released by the OS with the process, and an unfinished
index commit leaves the index at its last commit (the next ``oer index`` catches up).

Exit status of a stopped run: 130 (128 + SIGINT), as shells report an interrupted command.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STOP = threading.Event()
"""Set when the user asked the current run to stop."""

EXIT_INTERRUPTED = 130
"""Exit status of a run stopped by Ctrl-C (128 + SIGINT)."""


@contextmanager
def stop_on_signal(notice: Callable[[str], None]) -> Iterator[threading.Event]:
    """Within the block, the first SIGINT/SIGTERM sets :data:`STOP`; a second one exits 130.

    Args:
        notice: Receives one line telling the user what happens.

    Yields:
        :data:`STOP`, cleared on entry.

    Only the main thread can install signal handlers; elsewhere the block does nothing.
    """
    STOP.clear()
    if threading.current_thread() is not threading.main_thread():
        yield STOP
        return

    def second(signum: int, _frame: object) -> None:
        notice("aborted; the next run resumes from the last stored page")
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(EXIT_INTERRUPTED)

    def first(signum: int, _frame: object) -> None:
        STOP.set()
        notice("stopping after the current page (Ctrl-C again to abort now); "
               "the next run resumes where this one stopped")
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, second)

    previous = {sig: signal.signal(sig, first) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield STOP
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
