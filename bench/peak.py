"""Run ``oer …`` in a child process and measure its memory: the peak of the whole process tree.

Two figures, because ``oer harvest`` and ``oer index`` may fork index workers
(``OER_INDEX_PROCS``):

- **largest process** — the peak RSS of the biggest single process, from GNU time's ``%M``
  (Debian package ``time``). GNU time is a small parent, so the figure is the child's own:
  measured from a large Python parent, Linux would count the parent's peak in a ``vfork``ed
  child's ``ru_maxrss``.
- **tree** — the peak of the summed RSS and of the summed PSS (proportional set size: a
  page shared by *n* processes counts 1/n in each, so forked workers' shared pages are
  counted once) of the command and all its descendants, sampled every ``interval_s`` with
  psutil. Sampling can miss a spike shorter than the interval.

Used by bench_harvest.py and bench_memory.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
#: GNU time: reports its child's peak RSS (``%M``, KiB).
GNU_TIME = Path("/usr/bin/time")


@dataclass(frozen=True)
class Peak:
    """What one run cost.

    Attributes:
        seconds: Wall time of the command, s.
        largest_mb: Peak RSS of the largest single process (GNU time), MB; ``None`` when
            GNU time is not installed.
        tree_rss_mb: Peak of the summed RSS of the process tree, MB (shared pages counted
            once per process: an over-count for forked workers).
        tree_pss_mb: Peak of the summed PSS of the process tree, MB (shared pages split).
        processes: Most processes seen in the tree at once.
        stderr: The command's standard error (GNU time's line removed).
    """

    seconds: float
    largest_mb: float | None
    tree_rss_mb: float
    tree_pss_mb: float
    processes: int
    stderr: str


def _tree_memory(root: psutil.Process, *, with_root: bool) -> tuple[float, float, int]:
    """(summed RSS, summed PSS, process count) of ``root``'s descendants, and of ``root``
    itself when ``with_root``; bytes."""
    rss = pss = 0.0
    count = 0
    try:
        members = [root] if with_root else []
        members += root.children(recursive=True)
    except psutil.Error:
        return 0.0, 0.0, 0
    for proc in members:
        try:
            full = proc.memory_full_info()  # reads /proc/PID/smaps_rollup on Linux
        except psutil.Error:
            continue  # ended between the listing and the read
        rss += full.rss
        pss += getattr(full, "pss", full.rss)
        count += 1
    return rss, pss, count


def run_oer(args: list[str], home: Path | str, *, interval_s: float = 0.1,
            env: dict[str, str] | None = None) -> Peak:
    """Run ``python -m harvester ARGS`` with ``OER_HOME=home`` and measure it.

    Args:
        args: The ``oer`` arguments, e.g. ``["harvest", "--oai", url]``.
        home: The ``OER_HOME`` directory.
        interval_s: Sampling interval of the tree's memory, s.
        env: Extra environment variables (e.g. ``{"OER_INDEX_PROCS": "1"}``).

    Returns:
        A :class:`Peak`.

    Raises:
        SystemExit: when the command fails (its exit status and the end of its stderr).
    """
    environment = {**os.environ, "OER_HOME": str(home), **(env or {}),
                   "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = [sys.executable, "-m", "harvester", *args]
    timed = GNU_TIME.exists()
    if timed:
        command = [str(GNU_TIME), "-f", "peak_rss_kb=%M", *command]
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    peaks = [0.0, 0.0, 0]
    done = threading.Event()

    def sample() -> None:
        root = psutil.Process(proc.pid)
        while not done.is_set():
            # GNU time itself is not the command: only its descendants count
            rss, pss, count = _tree_memory(root, with_root=not timed)
            peaks[0], peaks[1] = max(peaks[0], rss), max(peaks[1], pss)
            peaks[2] = max(peaks[2], count)
            done.wait(interval_s)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    text = err.decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"oer {' '.join(args)} failed ({proc.returncode}): {text[-800:]}")
    largest = None
    if timed:
        text, _, tail = text.rpartition("peak_rss_kb=")
        largest = int(tail.split()[0]) / 1024
    return Peak(seconds, largest, peaks[0] / 2**20, peaks[1] / 2**20, int(peaks[2]), text)
