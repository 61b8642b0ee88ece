"""Harvest end to end: records/s into the store and the index, and the harvester's peak RSS.

A loopback OAI-PMH server (this process) makes pages of real records on request; the
harvester runs as ``python -m harvester harvest`` in a subprocess with a fresh
``OER_HOME``, so its peak RSS (``ru_maxrss`` of the child) is its own. Then
``oer index --rebuild`` is timed alone for the index build rate.

Usage: ``python bench/bench_harvest.py [--records 100000] [--page-size 100] [--repeats 1]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import LazyPages, serve  # noqa: E402
from indexer.layout import active_dir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def run_child(args: list[str], home: str) -> tuple[float, float]:
    """Run ``oer ARGS``; returns (seconds, peak RSS of that child in MB)."""
    env = {**os.environ, "OER_HOME": home,
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "harvester", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"oer {' '.join(args)} failed with {status}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    pages = LazyPages(args.records, args.page_size)
    rows = []
    with serve(pages) as server:
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory(prefix="oer-bench-") as home:
                harvest_s, harvest_mb = run_child(
                    ["harvest", "--oai", server.url, "--name", "bench"], home)
                rebuild_s, rebuild_mb = run_child(["index", "--rebuild"], home)
                store_mb = os.path.getsize(Path(home) / "store.sqlite") / 2**20
                active = active_dir(Path(home) / "index")  # not the previous generation
                index_mb = sum(f.stat().st_size for f in active.rglob("*") if f.is_file()) / 2**20
                rows.append((harvest_s, harvest_mb, rebuild_s, rebuild_mb, store_mb, index_mb))
    med = [statistics.median(col) for col in zip(*rows)]
    n = args.records
    print(f"harvest end to end: {n:,} real records in pages of {args.page_size}, loopback, "
          f"median of {args.repeats}")
    print(f"  harvest + store + index: {med[0]:8.1f} s  {n / med[0]:8,.0f} records/s  "
          f"peak RSS {med[1]:6.0f} MB")
    print(f"  index --rebuild alone:   {med[2]:8.1f} s  {n / med[2]:8,.0f} records/s  "
          f"peak RSS {med[3]:6.0f} MB")
    print(f"  on disk: store {med[4]:.0f} MB, index {med[5]:.0f} MB "
          f"(index / store = {med[5] / med[4]:.2f})")
    print(f"  bench process peak RSS (server): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
