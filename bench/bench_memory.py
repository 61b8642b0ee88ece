"""Memory of streaming harvest and export: RSS along the way and at its peak.

- ``harvest``: a child process runs :func:`harvester.oai_harvest.harvest_source` for
  ``--records`` real records (bench/corpus.py, pages of ``--page-size``, served by another
  child process on 127.0.0.1) into a fresh store, sampling its resident set size (RSS,
  ``/proc/self/statm``) after every stored page; prints RSS at each tenth of the list and
  the peak (``ru_maxrss``). The index update that ``oer harvest`` runs afterwards is not
  included (it is the index's memory, see bench/bench_index.py).
- ``export``: ``--export-records`` recombined records are saved and indexed once
  (bench/bench_http.py's ``fill_home``); then ``oer export`` runs in a child process for a
  small slice (``--license CC-BY-4.0``, ~13 % of the records) and for every record
  (``--include-unknown``), CSV to a file; prints each child's peak RSS. Equal peaks mean
  memory does not grow with the list.

- ``--whoosh-compound N``: only the check behind recommendation R2 (RESULTS.md): fill and
  index N records, then search once, with compound segment files (Whoosh's default, which
  the index used before) and with plain files (``compound=False``, what the index writes
  now); each arm forces its setting on every Whoosh writer of its child process (and of
  the bulk-load workers it forks); peak RSS of the filling process and of its workers,
  and the first search's RSS growth of each.

Usage: ``python bench/bench_memory.py [--records 1000000] [--page-size 100]
[--export-records 100000 | --export-home DIR] [--skip harvest|export]``. Not a test: nothing here is collected
by pytest.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.peak import run_oer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """This process's resident set size now, in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_BYTES / 2**20


def harvest_child(url: str, store_path: str, total: int, page_size: int) -> None:
    """Harvest ``url`` into a store, printing ``records seen, RSS MB`` at each tenth."""
    from harvester.config import OAISource
    from harvester.oai_harvest import harvest_source
    from harvester.store import Store

    store = Store(Path(store_path))
    marks = iter(range(total // 10, total + 1, max(1, total // 10)))
    state = {"next": next(marks, None), "pages": 0}
    start = time.perf_counter()

    def progress(_line: str) -> None:
        state["pages"] += 1
        seen = min(total, state["pages"] * page_size)  # store.count() would scan the table
        if state["next"] is not None and seen >= state["next"]:
            print(f"{seen} {rss_mb():.1f} {time.perf_counter() - start:.1f}", flush=True)
            state["next"] = next(marks, None)

    report = harvest_source(OAISource(name="bench", base_url=url), store, progress=progress)
    store.close()
    print(f"done {report.status} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} "
          f"{time.perf_counter() - start:.1f}", flush=True)


def bench_harvest(total: int, page_size: int) -> None:
    from bench.corpus import serve_in_child

    print(f"harvest: {total:,} real records in pages of {page_size}, into a fresh store "
          "(no index), child process")
    print(f"  {'records':>10} {'RSS MB':>8} {'seconds':>8} {'records/s':>10}")
    with serve_in_child(total, page_size) as url, tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        code = ("import sys; from bench.bench_memory import harvest_child; "
                "harvest_child(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))")
        proc = subprocess.Popen([sys.executable, "-c", code, url, str(Path(tmp) / "s.sqlite"),
                                 str(total), str(page_size)], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        for line in proc.stdout:
            parts = line.split()
            if parts[0] == "done":
                store_mb = (Path(tmp) / "s.sqlite").stat().st_size / 2**20
                print(f"  run {parts[1]}; peak RSS {float(parts[2]):.1f} MB; {parts[3]} s; "
                      f"store {store_mb:,.0f} MB")
            else:
                seen, rss, seconds = int(parts[0]), float(parts[1]), float(parts[2])
                print(f"  {seen:>10,} {rss:8.1f} {seconds:8.1f} {seen / seconds:10,.0f}")
        proc.wait()


def export_peak(home: Path, args: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS MB, bytes written) of ``oer export ARGS -o FILE``.

    The export runs under GNU time (:func:`bench.peak.run_oer`): measured from this (large)
    process, a ``vfork``ed child's ``ru_maxrss`` would count this process's peak. Without
    GNU time the figure printed is that upper bound.
    """
    out = home / "export.csv"
    peak = run_oer(["export", *args, "--format", "csv", "-o", str(out)], home)
    peak_mb = (peak.largest_mb if peak.largest_mb is not None
               else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return peak.seconds, peak_mb, out.stat().st_size


def bench_export(count: int, existing: Path | None = None) -> None:
    from bench.bench_http import fill_home

    with tempfile.TemporaryDirectory(prefix="oer-bench-mem-") as tmp:
        home = existing or Path(tmp)
        if existing is None:
            fill_home(home, count)
        else:
            from harvester.store import Store

            store = Store(home / "store.sqlite")
            count = store.count()
            store.close()
        print(f"export: {count:,} records indexed; `oer export` to CSV in a child process")
        print(f"  {'selection':36} {'seconds':>8} {'peak RSS MB':>12} {'MB out':>8}")
        for name, extra in (("--license CC-BY-4.0 (a slice)", ["--license", "CC-BY-4.0"]),
                            ("--include-unknown (every record)", ["--include-unknown"])):
            seconds, peak, size = export_peak(home, extra)
            print(f"  {name:36} {seconds:8.1f} {peak:12.1f} {size / 2**20:8.1f}")


def compound_child(compound: bool, count: int, home: str) -> None:
    """Fill ``home`` with ``count`` records (Whoosh writers defaulting to
    ``compound=compound`` in this process only), or with ``count`` 0 search it once in a
    fresh process. Prints one JSON line of what it cost."""
    import json

    from indexer.backend import SearchQuery
    from search.service import SearchService

    if count == 0:
        before = rss_mb()
        SearchService(Path(home) / "index").search(SearchQuery("*", limit=1, facets=True))
        print(json.dumps({"search_mb": round(rss_mb() - before),
                          "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                           / 1024)}), flush=True)
        return
    from whoosh.writing import SegmentWriter  # every writer of ours, and their workers

    own_init = SegmentWriter.__init__

    def init(self, ix, *args, **kwargs):
        kwargs["compound"] = compound
        own_init(self, ix, *args, **kwargs)

    SegmentWriter.__init__ = init
    from bench.bench_http import fill_home

    start = time.perf_counter()
    fill_home(Path(home), count)
    print(json.dumps({"fill_s": round(time.perf_counter() - start, 1),
                      "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                       / 1024),
                      "workers_peak_mb": round(resource.getrusage(
                          resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}), flush=True)


def bench_compound(count: int) -> None:
    """Recommendation R2 of RESULTS.md: Whoosh's compound segments against plain files."""
    import json

    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    code = ("import sys; from bench.bench_memory import compound_child; "
            "compound_child(sys.argv[1] == '1', int(sys.argv[2]), sys.argv[3])")

    def child(*args: str) -> dict:
        done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    print(f"whoosh segments, {count:,} records: store -> update_index(rebuild), then a fresh "
          "process opens the index and searches once")
    print(f"  {'segments':12} {'fill s':>7} {'fill peak MB':>13} {'workers peak':>13} "
          f"{'search +MB':>11} {'search peak MB':>15} {'index MB':>9}")
    for compound in (True, False):
        with tempfile.TemporaryDirectory(prefix="oer-bench-seg-") as tmp:
            built = child("1" if compound else "0", str(count), tmp)
            opened = child("1", "0", tmp)
            index_mb = sum(f.stat().st_size for f in (Path(tmp) / "index").rglob("*")
                           if f.is_file()) / 2**20
        print(f"  {'compound' if compound else 'plain files':12} {built['fill_s']:7.1f} "
              f"{built['peak_mb']:13} {built['workers_peak_mb']:13} {opened['search_mb']:11} "
              f"{opened['peak_mb']:15} {index_mb:9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--export-records", type=int, default=100_000)
    parser.add_argument("--export-home", type=Path,
                        help="export from this existing OER_HOME instead of filling one")
    parser.add_argument("--skip", choices=["harvest", "export"])
    parser.add_argument("--whoosh-compound", type=int, metavar="N",
                        help="only compare Whoosh compound segments with plain files at N records")
    args = parser.parse_args()
    if args.whoosh_compound:
        bench_compound(args.whoosh_compound)
        return
    if args.skip != "harvest":
        bench_harvest(args.records, args.page_size)
    if args.skip != "export":
        bench_export(args.export_records, args.export_home)


if __name__ == "__main__":
    main()
