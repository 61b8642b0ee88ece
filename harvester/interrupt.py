"""Stop a harvest cleanly on the first Ctrl-C (SIGINT) or SIGTERM.

The first signal sets :data:`STOP` and prints a notice; every harvest loop checks it
after each stored page and ends its run *incomplete*, keeping its resumption token, so
the next run resumes there. The index is then updated with what was stored. A second
Ctrl-C interrupts at once (Python's default ``KeyboardInterrupt``).

Exit status of a stopped run: 130 (128 + SIGINT), as shells report an interrupted command.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STOP = threading.Event()
"""Set when the user asked the current run to stop."""

EXIT_INTERRUPTED = 130
"""Exit status of a run stopped by Ctrl-C (128 + SIGINT)."""


@contextmanager
def stop_on_signal(notice: Callable[[str], None]) -> Iterator[threading.Event]:
    """Within the block, the first SIGINT/SIGTERM sets :data:`STOP` (then default behaviour).

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

    def first(signum: int, _frame: object) -> None:
        STOP.set()
        notice("stopping after the current page (Ctrl-C again to abort now); "
               "the next run resumes where this one stopped")
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = {sig: signal.signal(sig, first) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield STOP
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
