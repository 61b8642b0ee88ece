"""Query latency of the Whoosh backend: the fast path against Whoosh's own matchers.

Same index, same queries, one run: each kind of bench_index.py (one term, two terms, a
phrase, a licence filter, facet counts, what ``/api/search`` asks) through
``WhooshBackend.search`` with ``fast_path=True`` and ``False``. For each backend:

- **cold**: a freshly opened backend, each query text seen for the first time (parse,
  postings and filter caches empty; the generation's facet columns are read by the first
  search, reported on its own as "open");
- **warm**: the same texts again, ``--repeats`` rounds (caches filled, as for a page of
  results asked twice, paging, or the HTML page and the API asking alike).

Usage: ``python bench/bench_query.py --index DIR`` (an existing index: e.g. one left by
``--keep``) or ``--records 100000`` (builds one with ``bulk_load``; ~5-10 min at 100k).
Prints p50/p95 in ms and the ratio matchers / fast. Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_index import KINDS, whoosh_query  # noqa: E402
from bench.bench_search import percentile, real_resources, synthetic  # noqa: E402
from indexer.backend import SearchQuery  # noqa: E402
from indexer.whoosh_backend import WhooshBackend  # noqa: E402


def build(root: Path, records: int) -> float:
    """Index ``records`` recombined records into ``root``; returns seconds."""
    started = time.perf_counter()
    with WhooshBackend(root) as backend:
        if hasattr(backend, "bulk_load"):
            backend.bulk_load(synthetic(real_resources(), records), size_hint=records)
        else:
            backend.upsert(synthetic(real_resources(), records))
    return time.perf_counter() - started


def measure(index: Path, fast: bool, repeats: int) -> dict[str, dict[str, list[float]]]:
    """Latencies (ms) per kind: ``{"cold": [...], "warm": [...]}``, plus ``"open"``."""
    backend = WhooshBackend(index, create=False, fast_path=fast)
    out: dict[str, dict[str, list[float]]] = {}
    started = time.perf_counter()
    backend.search(SearchQuery("zzzopen", facets=True, snippets=False))
    out["open"] = {"cold": [(time.perf_counter() - started) * 1000], "warm": []}
    for kind, texts in KINDS.items():
        out[kind] = {"cold": [], "warm": []}
        for round_ in range(repeats + 1):
            for text in texts:
                started = time.perf_counter()
                whoosh_query(backend, kind, text)
                elapsed = (time.perf_counter() - started) * 1000
                out[kind]["cold" if round_ == 0 else "warm"].append(elapsed)
    backend.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an existing index directory")
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the index here and keep it")
    args = parser.parse_args(argv)
    index = args.index
    if index is None:
        root = args.keep or Path(tempfile.mkdtemp(prefix="bench-query-")) / "index"
        seconds = build(root, args.records)
        print(f"built {args.records:,} records in {seconds:.0f} s "
              f"({args.records / seconds:,.0f} records/s) at {root}")
        index = root
    size_mb = sum(f.stat().st_size for f in index.rglob("*") if f.is_file()) / 2**20
    print(f"index {index} ({size_mb:.1f} MB)")
    results = {}
    for mode in ("fast", "matchers", "fast"):  # fast twice: first and last, for drift
        results.setdefault(mode, []).append(measure(index, mode == "fast", args.repeats))
    print(f"\n{'kind':26} {'fast cold p50/p95':>20} {'fast warm p50/p95':>20} "
          f"{'matchers warm p50/p95':>24} {'ratio p95':>10}")
    for kind in ["open", *KINDS]:
        fast_cold = [x for run in results["fast"] for x in run[kind]["cold"]]
        fast_warm = [x for run in results["fast"] for x in run[kind]["warm"]]
        slow = results["matchers"][0][kind]["warm"] or results["matchers"][0][kind]["cold"]

        def pp(xs: list[float]) -> str:
            if not xs:
                return "–"
            return f"{statistics.median(xs):.1f} / {percentile(xs, 0.95):.1f}"

        ratio = (percentile(slow, 0.95) / percentile(fast_warm or fast_cold, 0.95))
        print(f"{kind:26} {pp(fast_cold):>20} {pp(fast_warm):>20} {pp(slow):>24} "
              f"{ratio:>9.1f}×")


if __name__ == "__main__":
    main()
