"""Index build rate and query latency of the search index, at 10k and 100k records.

Records are synthetic but shaped like the real ones: every real record shipped for the
demo and the tests (bench/corpus.py), mapped by our oai_dc crosswalk, is copied with its
title, subjects and description recombined from other real records (copy ``n`` of
record ``i`` takes its description from record ``i + 7n`` and subjects from ``i + 3n``),
keeping its own licence, language, source and dates. So term statistics, field lengths,
languages and facet values look like a real mix of sources, not one record repeated.

Usage: ``python bench/bench_search.py [--records 10000 100000] [--repeats 3]``.
Prints, per size: build rate (records/s, ``--batch`` records per commit) and query
latency p50/p95 (ms) without facets, with facet counts, and with facets plus a policy
filter; each figure is the median over ``--repeats`` rounds of the query set.
Not a test: nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import SOURCES  # noqa: E402
from harvester.oai_dc import map_oai_dc  # noqa: E402
from harvester.oai_response import parse_response  # noqa: E402
from harvester.record import Resource  # noqa: E402
from indexer import open_backend  # noqa: E402
from indexer.backend import SearchQuery  # noqa: E402

QUERIES = ["climate change", "open access", "education", "espirometria idosos", "territoire",
           "histoire du Québec", "хронических заболеваний", "polygram 1925", "disaster",
           "machine learning", "saúde pública", "nursing students", '"creative commons"',
           "resilience~", "phospho*", "malária angola", "*", "retina", "data set", "teacher"]


def real_resources() -> list[Resource]:
    """The real records of the pages bench/corpus.py replays, mapped to resources."""
    out = []
    for path in SOURCES:
        for rec in parse_response(path.read_bytes(), verb="ListRecords").records:
            if rec.deleted or rec.metadata is None:
                continue
            source = path.name.split("-")[0]
            out.append(map_oai_dc(rec.metadata, source=source, oai_identifier=rec.identifier,
                                  datestamp=rec.datestamp))
    return out


def synthetic(real: list[Resource], count: int):
    """``count`` records recombined from ``real`` (see the module docstring)."""
    n_real = len(real)
    for k in range(count):
        i, n = k % n_real, k // n_real
        base = real[i]
        yield dataclasses.replace(
            base, id=f"{base.id}-c{n}", oai_identifier=f"{base.oai_identifier}-c{n}",
            title=base.title if n == 0 else tuple(
                dataclasses.replace(t, value=f"{t.value} {real[(i + n) % n_real].first_title()}")
                for t in base.title[:1]),
            description=real[(i + 7 * n) % n_real].description,
            subject=real[(i + 3 * n) % n_real].subject)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(size: int, repeats: int, real: list[Resource], batch_size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        backend = open_backend(Path(tmp) / "index")
        batch: list[Resource] = []
        start = time.perf_counter()
        for resource in synthetic(real, size):
            batch.append(resource)
            if len(batch) == batch_size:
                backend.upsert(batch)
                batch = []
        if batch:
            backend.upsert(batch)
        build_s = time.perf_counter() - start
        assert backend.count() == size
        print(f"{size:>7,} records: build {size / build_s:,.0f} records/s ({build_s:.1f} s)")
        modes = {"no facets": {}, "facets": {"facets": True},
                 "facets+policy": {"facets": True, "filters": {"policy": ["unesco-oer"]}}}
        for name, kwargs in modes.items():
            p50s, p95s = [], []
            for _ in range(repeats):
                times = []
                for text in QUERIES:
                    t0 = time.perf_counter()
                    backend.search(SearchQuery(text, **kwargs))
                    times.append((time.perf_counter() - t0) * 1000)
                p50s.append(statistics.median(times))
                p95s.append(percentile(times, 0.95))
            print(f"         query {name:<14} p50 {statistics.median(p50s):7.1f} ms   "
                  f"p95 {statistics.median(p95s):7.1f} ms")
        backend.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=2000,
                        help="records per commit (oer index --rebuild uses 2000, a sync 500)")
    args = parser.parse_args()
    real = real_resources()
    print(f"{len(real)} real records recombined; {len(QUERIES)} queries per round, "
          f"median of {args.repeats} rounds")
    for size in args.records:
        run(size, args.repeats, real, args.batch)


if __name__ == "__main__":
    main()
