"""A closed standard output is not an error: ``oer search '*' | head -1`` exits 0.

When the reader of a pipe goes away, the next write raises ``BrokenPipeError`` (Python
ignores ``SIGPIPE``). Commands that print results wrap their output in
:func:`stdout_may_close`: the rest of the output is thrown away and the command exits
with status 0, saying nothing, as ``cat`` or ``grep`` do. Standard output is pointed at
``os.devnull`` first, so the interpreter's last flush at exit cannot fail again.

Ref: Python documentation, ``signal`` module, "Note on SIGPIPE",
https://docs.python.org/3/library/signal.html#note-on-sigpipe .
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

__all__ = ["stdout_may_close", "exit_on_closed_stdout"]


def exit_on_closed_stdout() -> None:
    """Point standard output at ``os.devnull`` and exit with status 0.

    Call it from an ``except BrokenPipeError`` clause around writes to stdout.

    Raises:
        SystemExit: always, with code 0.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError):  # no file descriptor (a test runner's capture): nothing to do
        pass
    raise SystemExit(0)


@contextlib.contextmanager
def stdout_may_close() -> Iterator[None]:
    """Run the body, then flush stdout; a reader that left means exit 0, quietly.

    Raises:
        SystemExit: with code 0 when stdout's reader has gone.
    """
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        exit_on_closed_stdout()
