"""Export throughput and memory: every format's writer, and the whole `oer export` path.

Records are the real demo/test records recombined as in bench/bench_search.py (own licence,
language, source; titles, descriptions and subjects mixed from other real records).

1. Writers: for each format, ``--records`` records streamed through
   :func:`search.export.export_chunks` into a byte counter: records/s (no tracing), then the
   tracemalloc peak at a tenth of the records and at all of them: flat memory means the two
   peaks are about equal.
2. Pipeline: ``--pipeline`` records saved in a SQLite store and indexed (Whoosh), then
   exported as CSV through :func:`search.export.stream.export_stream` (ids paged from the
   index, records read from the store in batches): seconds, and the tracemalloc peak of the
   same path cut at a tenth of the hits and of all of them, on the same index (opening a
   Whoosh index allocates in proportion to its size: a fixed cost, not the list's).

Usage: ``python bench/bench_export.py [--records 100000] [--pipeline 100000]
[--formats csv jsonl …]``. Not a test: nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_search import real_resources, synthetic  # noqa: E402
from harvester.store import SourceState, Store, StoredItem  # noqa: E402
from indexer.backend import SearchQuery  # noqa: E402
from indexer.lifecycle import update_index  # noqa: E402
from search.export import FORMATS, Selection, export_chunks  # noqa: E402
from search.export.stream import export_stream, iter_resources  # noqa: E402
from search.service import SearchService  # noqa: E402


def drain(chunks) -> int:
    return sum(len(c) for c in chunks)


def peak_of(run) -> tuple[int, int]:
    """(bytes produced, tracemalloc peak in bytes) of ``run()``."""
    tracemalloc.start()
    try:
        size = run()
        return size, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bench_writers(real, count: int, formats: list[str]) -> None:
    print(f"writers, {count:,} records (include unknown licences):")
    for fmt in formats:
        start = time.perf_counter()
        size = drain(export_chunks(synthetic(real, count), fmt, Selection(include_unknown=True)))
        seconds = time.perf_counter() - start
        _, small = peak_of(lambda: drain(export_chunks(
            synthetic(real, count // 10), fmt, Selection(include_unknown=True))))
        _, large = peak_of(lambda: drain(export_chunks(
            synthetic(real, count), fmt, Selection(include_unknown=True))))
        print(f"  {fmt:<9} {count / seconds:>9,.0f} records/s  {size / 1e6:8.1f} MB out  "
              f"peak {small / 1e6:5.2f} MB at {count // 10:,}, {large / 1e6:5.2f} MB at {count:,}")


def bench_pipeline(real, count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = Store(root / "store.sqlite")
        start = time.perf_counter()
        batch: list[StoredItem] = []
        run_id = store.start_run("bench", None, None, "2026-01-01T00:00:00Z")
        for resource in synthetic(real, count):
            batch.append(StoredItem(resource.id, resource.oai_identifier, resource.datestamp,
                                    False, json.dumps(resource.to_dict()).encode(), "utf-8", {},
                                    resource))
            if len(batch) == 1000:
                store.save_page(run_id, batch, SourceState("bench"))
                batch = []
        if batch:
            store.save_page(run_id, batch, SourceState("bench"))
        fill_s = time.perf_counter() - start
        start = time.perf_counter()
        update_index(store, root / "index")
        index_s = time.perf_counter() - start
        store.close()
        print(f"pipeline, {count:,} records: store {fill_s:.1f} s, index {index_s:.1f} s")

        def export(limit: int | None = None) -> int:
            """The path of export_stream, with the hits cut at ``limit`` for the small run."""
            service = SearchService(root / "index")
            try:
                ids = service.iter_ids(SearchQuery("*"))
                resources = iter_resources(root / "store.sqlite", itertools.islice(ids, limit))
                return drain(export_chunks(resources, "csv", Selection(include_unknown=True)))
            finally:
                service.close()

        start = time.perf_counter()
        _, chunks = export_stream(root / "index", root / "store.sqlite", SearchQuery("*"), "csv",
                                  Selection(include_unknown=True))
        size = drain(chunks)
        seconds = time.perf_counter() - start
        print(f"  export csv: {seconds:.1f} s ({count / seconds:,.0f} records/s), "
              f"{size / 1e6:.1f} MB")
        _, small = peak_of(lambda: export(count // 10))
        _, large = peak_of(export)
        print(f"  tracemalloc peak of the export: {small / 1e6:.2f} MB for {count // 10:,} "
              f"records, {large / 1e6:.2f} MB for {count:,} (same index: opening it is a "
              "fixed cost)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--pipeline", type=int, default=100_000)
    parser.add_argument("--formats", nargs="+", default=list(FORMATS), choices=list(FORMATS))
    args = parser.parse_args()
    real = real_resources()
    print(f"{len(real)} real records recombined")
    if args.records:
        bench_writers(real, args.records, args.formats)
    if args.pipeline:
        bench_pipeline(real, args.pipeline)


if __name__ == "__main__":
    main()
