"""Harvest end to end: records/s into the store and the index, and the harvester's peak memory.

A loopback OAI-PMH server (this process) makes pages of real records on request; the
harvester runs as ``python -m harvester harvest`` in a subprocess with a fresh
``OER_HOME``; its memory is measured by :mod:`bench.peak` (the largest process by GNU
time, and the whole process tree, forked index workers included, by sampled RSS and PSS).
Then ``oer index --rebuild`` is measured alone for the index build rate. ``--procs 1 2``
runs both with each ``OER_INDEX_PROCS`` value, alternating, in one run (0, the default:
unset, the automatic choice).

Usage: ``python bench/bench_harvest.py [--records 100000] [--page-size 100] [--repeats 1]
[--procs 0 1 2]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import LazyPages, serve  # noqa: E402
from bench.peak import Peak, run_oer  # noqa: E402
from indexer.layout import active_dir  # noqa: E402


def _row(label: str, n: int, runs: list[Peak]) -> str:
    seconds = statistics.median(p.seconds for p in runs)
    largest = [p.largest_mb for p in runs if p.largest_mb is not None]
    return (f"  {label:<30} {seconds:8.1f} s {n / seconds:8,.0f} rec/s  largest process "
            f"{statistics.median(largest) if largest else float('nan'):6.0f} MB  tree RSS "
            f"{statistics.median(p.tree_rss_mb for p in runs):6.0f} MB  tree PSS "
            f"{statistics.median(p.tree_pss_mb for p in runs):6.0f} MB  "
            f"({max(p.processes for p in runs)} processes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--procs", type=int, nargs="+", default=[0],
                        help="OER_INDEX_PROCS values to compare (index worker processes; "
                             "0: unset, the automatic choice)")
    args = parser.parse_args()
    pages = LazyPages(args.records, args.page_size)
    harvests: dict[int, list[Peak]] = {p: [] for p in args.procs}
    rebuilds: dict[int, list[Peak]] = {p: [] for p in args.procs}
    sizes = []
    with serve(pages) as server:
        for _ in range(args.repeats):
            for procs in args.procs:
                env = {"OER_INDEX_PROCS": str(procs)} if procs else {}
                with tempfile.TemporaryDirectory(prefix="oer-bench-") as home:
                    harvests[procs].append(run_oer(
                        ["harvest", "--oai", server.url, "--name", "bench"], home, env=env))
                    rebuilds[procs].append(run_oer(["index", "--rebuild"], home, env=env))
                    store_mb = os.path.getsize(Path(home) / "store.sqlite") / 2**20
                    active = active_dir(Path(home) / "index")  # not the previous generation
                    index_mb = sum(f.stat().st_size for f in active.rglob("*")
                                   if f.is_file()) / 2**20
                    sizes.append((store_mb, index_mb))
    n = args.records
    print(f"harvest end to end: {n:,} real records in pages of {args.page_size}, loopback, "
          f"median of {args.repeats}")
    for procs in args.procs:
        print(_row(f"harvest+store+index procs={procs}", n, harvests[procs]))
        print(_row(f"index --rebuild procs={procs}", n, rebuilds[procs]))
    store_mb = statistics.median(s for s, _ in sizes)
    index_mb = statistics.median(i for _, i in sizes)
    print(f"  on disk: store {store_mb:.0f} MB, index {index_mb:.0f} MB "
          f"(index / store = {index_mb / store_mb:.2f})")
    print(f"  bench process peak RSS (server): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
