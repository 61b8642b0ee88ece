"""Index build and query latency: Whoosh settings side by side with tantivy and SQLite FTS5.

Records: the real records recombined as in bench/bench_search.py (title, description of
~70 words, subjects, creators, language, licence, dates of the real mix). Every contender
indexes the same records in the same run:

- ``whoosh backend``: :func:`indexer.open_backend` + ``upsert`` in batches of 2,000 (what
  ``oer index --rebuild`` does per batch, minus reading the store);
- ``whoosh rebuild``: :func:`indexer.sync.sync_index` into a fresh index, as
  ``oer index --rebuild`` fills its new generation (``bulk_load``: ``add_document``,
  50,000 changes per commit, worker processes by CPU count or ``OER_INDEX_PROCS``);
- ``whoosh writer …``: the same schema and documents (:mod:`indexer.whoosh_backend`'s
  ``build_schema`` and ``resource_to_document``, read-only) written by one Whoosh writer
  with ``add_document`` and ONE commit, under the writer settings named (``limitmb``: the
  pool's memory in MB; ``procs``: processes; ``multisegment``: keep one segment per process);
- ``documents only``: building those documents without indexing them (our Python share);
- ``tantivy``: tantivy-py, title/subject/description/creator text (default tokenizer),
  licence and languages raw fast fields, one writer, one commit;
- ``sqlite fts5``: one FTS5 table (unicode61 tokenizer, diacritics folded), one transaction.

Queries, each kind a fixed list of words found in the records, top 10 hits plus the total:
one term, two terms (AND), a phrase, one term with a licence filter, one term with facet
counts on licence and language. Whoosh runs them through ``backend.search`` without
snippets (the HTTP service's request, with snippets and all facets, is the last kind).
Latencies are p50/p95 over every query of the kind and ``--repeats`` rounds.

Usage: ``python bench/bench_index.py [--records 10000 100000] [--repeats 3]
[--engines whoosh-backend whoosh-rebuild whoosh-writer tantivy fts5] [--profile FILE]``.
``--profile FILE`` writes a cProfile of the Whoosh backend build of the first size;
``--count-variants INDEX_ROOT`` only times two ways of getting the total on an existing index.
Not a test: nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import cProfile
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_search import percentile, real_resources, synthetic  # noqa: E402
from indexer import open_backend  # noqa: E402
from indexer.backend import SearchQuery  # noqa: E402

LICENCE = "CC-BY-4.0"
KINDS: dict[str, list[str]] = {
    "one term": ["student", "estudo", "patients", "golf", "visual", "research", "resultados",
                 "model"],
    "two terms": ["student newspaper", "visual analysis", "estudo doentes", "data model",
                  "social research", "polytechnic state", "patients results", "golf carts"],
    "phrase": ['"student newspaper"', '"golf carts"', '"state university"', '"open access"',
               '"data analysis"', '"san luis obispo"', '"estudo de caso"', '"machine learning"'],
}
KINDS["licence filter"] = KINDS["one term"]
KINDS["facets lic+lang"] = KINDS["one term"]
COMMON_KINDS = list(KINDS)
KINDS["facets+snippets (HTTP)"] = KINDS["one term"]  # Whoosh only: what /api/search asks
WHOOSH_WRITERS = {"limitmb=128 procs=1": {"limitmb": 128, "procs": 1},
                  "limitmb=512 procs=1": {"limitmb": 512, "procs": 1},
                  "limitmb=256 procs=2 multiseg": {"limitmb": 256, "procs": 2,
                                                    "multisegment": True},
                  "limitmb=128 procs=2 multiseg": {"limitmb": 128, "procs": 2,
                                                    "multisegment": True}}


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


# -- Whoosh ------------------------------------------------------------------------------

def whoosh_backend_build(resources, root: Path):
    backend = open_backend(root)
    batch = []
    for resource in resources:
        batch.append(resource)
        if len(batch) == 2000:
            backend.upsert(batch)
            batch = []
    if batch:
        backend.upsert(batch)
    return backend


class ListStore:
    """A change log of records (seq = position + 1): what ``sync_index`` reads."""

    def __init__(self, records) -> None:
        self.records = records

    def max_seq(self) -> int:
        return len(self.records)

    def changes_since(self, seq: int):
        for n, record in enumerate(self.records[seq:], start=seq + 1):
            yield n, record.id, record


def whoosh_rebuild_build(resources, root: Path):
    """The rebuild's fill of a fresh generation (``rebuild_atomically`` minus the swap)."""
    from indexer.lifecycle import REBUILD_BATCH_SIZE
    from indexer.sync import sync_index

    backend = open_backend(root)
    sync_index(ListStore(resources), backend, batch_size=REBUILD_BATCH_SIZE,
               bulk_batch_size=REBUILD_BATCH_SIZE)
    return backend


def _to_document():
    """The backend's record -> ``add_document`` keywords function (read-only use)."""
    try:
        from indexer.whoosh_fields import resource_to_document
    except ImportError:  # before the backend was split in two modules
        from indexer.whoosh_backend import resource_to_document
    return resource_to_document


def whoosh_writer_build(resources, root: Path, settings: dict):
    from whoosh import index as whoosh_index

    from indexer.whoosh_backend import build_schema

    resource_to_document = _to_document()

    root.mkdir(parents=True)
    ix = whoosh_index.create_in(str(root), build_schema())
    writer = ix.writer(**settings)
    for resource in resources:
        writer.add_document(**resource_to_document(resource))
    writer.commit()
    ix.close()


def documents_only(resources) -> None:
    resource_to_document = _to_document()
    for resource in resources:
        resource_to_document(resource)


def whoosh_query(backend, kind: str, text: str) -> None:
    if kind == "licence filter":
        backend.search(SearchQuery(text, licences=(LICENCE,), snippets=False))
    elif kind == "facets lic+lang":
        backend.search(SearchQuery(text, facets=True, snippets=False))
    elif kind == "facets+snippets (HTTP)":
        backend.search(SearchQuery(text, facets=True, snippets=True))
    else:
        backend.search(SearchQuery(text, snippets=False))


# -- tantivy -----------------------------------------------------------------------------

def tantivy_build(resources, root: Path):
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in ("title", "subject", "description", "creator"):
        builder.add_text_field(name)
    builder.add_text_field("license", fast=True, tokenizer_name="raw")
    builder.add_text_field("lang", fast=True, tokenizer_name="raw")
    schema = builder.build()
    root.mkdir(parents=True)
    index = tantivy.Index(schema, path=str(root))
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    for r in resources:
        doc = tantivy.Document(id=r.id, license=r.license.id)
        for name, values in (("title", r.title), ("subject", r.subject),
                             ("description", r.description), ("creator", r.creator)):
            for value in values:
                doc.add_text(name, value.value)
        for lang in r.language or ("und",):
            doc.add_text("lang", lang)
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def tantivy_query(index, kind: str, text: str) -> None:
    import tantivy

    fields = ["title", "subject", "description", "creator"]
    query = index.parse_query(text, fields, conjunction_by_default=True)
    searcher = index.searcher()
    if kind == "licence filter":
        query = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, query),
            (tantivy.Occur.Must, tantivy.Query.term_query(index.schema, "license", LICENCE))])
    searcher.search(query, limit=10, count=True).hits
    if kind == "facets lic+lang":
        searcher.aggregate(query, {"license": {"terms": {"field": "license", "size": 50}},
                                   "lang": {"terms": {"field": "lang", "size": 50}}})


# -- SQLite FTS5 -------------------------------------------------------------------------

def fts5_build(resources, root: Path):
    root.mkdir(parents=True)
    db = sqlite3.connect(root / "fts.sqlite", isolation_level=None)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, subject, description,"
               " creator, license UNINDEXED, lang UNINDEXED,"
               " tokenize='unicode61 remove_diacritics 2')")
    db.execute("BEGIN")

    def joined(values) -> str:
        return "\n".join(v.value for v in values)

    db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?)", (
        (r.id, joined(r.title), joined(r.subject), joined(r.description), joined(r.creator),
         r.license.id, " ".join(r.language) or "und") for r in resources))
    db.execute("COMMIT")
    return db


def fts5_query(db, kind: str, text: str) -> None:
    match = text  # FTS5: space-separated words are ANDed; "…" is a phrase
    where, args = "docs MATCH ?", [match]
    if kind == "licence filter":
        where, args = where + " AND license = ?", [match, LICENCE]
    db.execute(f"SELECT id FROM docs WHERE {where} ORDER BY rank LIMIT 10", args).fetchall()
    db.execute(f"SELECT count(*) FROM docs WHERE {where}", args).fetchone()
    if kind == "facets lic+lang":
        for column in ("license", "lang"):
            db.execute(f"SELECT {column}, count(*) FROM docs WHERE {where} GROUP BY {column}",
                       args).fetchall()


# -- running -----------------------------------------------------------------------------

def latencies(run, kinds: list[str], repeats: int) -> dict[str, tuple[float, float]]:
    """(p50, p95) in ms per kind, every query of the kind run ``repeats`` times."""
    out = {}
    for kind in kinds:
        for text in KINDS[kind]:  # warm: first use of a term reads its postings from disk
            run(kind, text)
        times = []
        for _ in range(repeats):
            for text in KINDS[kind]:
                start = time.perf_counter()
                run(kind, text)
                times.append((time.perf_counter() - start) * 1000)
        out[kind] = (statistics.median(times), percentile(times, 0.95))
    return out


def bench_size(size: int, real, engines: list[str], repeats: int, profile: Path | None) -> None:
    resources = list(synthetic(real, size))
    builds: list[tuple[str, float, float]] = []  # (name, seconds, MB on disk)
    queries: dict[str, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="oer-bench-index-") as tmp:
        root = Path(tmp)
        if "whoosh-writer" in engines or "whoosh-backend" in engines:
            start = time.perf_counter()
            documents_only(resources)
            builds.append(("documents only (no index)", time.perf_counter() - start, 0.0))
        if "whoosh-backend" in engines:
            start = time.perf_counter()
            if profile:
                profiler = cProfile.Profile()
                backend = profiler.runcall(whoosh_backend_build, resources, root / "wb")
                profiler.dump_stats(str(profile))
                profile = None
            else:
                backend = whoosh_backend_build(resources, root / "wb")
            builds.append(("whoosh backend (2,000/commit)", time.perf_counter() - start,
                           dir_mb(root / "wb")))
            assert backend.count() == size
            queries["whoosh"] = latencies(lambda k, t: whoosh_query(backend, k, t), list(KINDS),
                                          repeats)
            backend.close()
        if "whoosh-rebuild" in engines:
            start = time.perf_counter()
            backend = whoosh_rebuild_build(resources, root / "wr")
            seconds = time.perf_counter() - start
            assert backend.count() == size
            backend.close()
            builds.append(("whoosh rebuild (bulk_load)", seconds, dir_mb(root / "wr")))
            shutil.rmtree(root / "wr")
        if "whoosh-writer" in engines:
            for name, settings in WHOOSH_WRITERS.items():
                target = root / f"ww-{len(builds)}"
                start = time.perf_counter()
                whoosh_writer_build(resources, target, settings)
                builds.append((f"whoosh writer {name}", time.perf_counter() - start,
                               dir_mb(target)))
                shutil.rmtree(target)
        if "tantivy" in engines:
            start = time.perf_counter()
            index = tantivy_build(resources, root / "tv")
            builds.append(("tantivy (1 thread, 256 MB)", time.perf_counter() - start,
                           dir_mb(root / "tv")))
            assert index.searcher().num_docs == size
            queries["tantivy"] = latencies(lambda k, t: tantivy_query(index, k, t), COMMON_KINDS,
                                           repeats)
        if "fts5" in engines:
            start = time.perf_counter()
            db = fts5_build(resources, root / "fts")
            builds.append(("sqlite fts5", time.perf_counter() - start, dir_mb(root / "fts")))
            queries["fts5"] = latencies(lambda k, t: fts5_query(db, k, t), COMMON_KINDS, repeats)
            db.close()
    print(f"\n{size:,} records: build")
    print(f"  {'contender':44} {'seconds':>9} {'records/s':>10} {'MB on disk':>11}")
    for name, seconds, mb in builds:
        print(f"  {name:44} {seconds:9.1f} {size / seconds:10,.0f} {mb:11.1f}")
    print(f"{size:,} records: query latency, ms p50 / p95 ({repeats} rounds)")
    engines_done = list(queries)
    print(f"  {'kind':26}" + "".join(f"{e:>20}" for e in engines_done))
    for kind in [*KINDS]:
        cells = [queries[e].get(kind) for e in engines_done]
        print(f"  {kind:26}" + "".join(f"{c[0]:9.2f} / {c[1]:8.2f}" if c else f"{'-':>20}"
                                       for c in cells))


def count_variants(index_root: Path, repeats: int) -> None:
    """Whoosh top 10 + total, as the backend asks (``len(results)`` re-runs the query when
    block-quality skipping was used) against ``optimize=False`` (total counted in the same
    pass), and whether the two totals agree. Uses the backend's searcher and query parser
    read-only, to test a recommendation (it failed: see RESULTS.md)."""
    backend = open_backend(index_root, create=False)
    searcher = backend._fresh_searcher()
    print(f"whoosh: top 10 + total on {backend.count():,} documents, ms p50 / p95 "
          f"({repeats} rounds)")
    print(f"  {'kind':12} {'as the backend does':>22} {'optimize=False':>22}  totals differ")
    for kind in ("one term", "two terms", "phrase"):
        times: dict[bool, list[float]] = {True: [], False: []}
        differ = []
        for _ in range(repeats):
            for text in KINDS[kind]:
                query = backend._text_query(text)
                totals = {}
                for optimize in (True, False):
                    start = time.perf_counter()
                    totals[optimize] = len(searcher.search(query, limit=10, optimize=optimize))
                    times[optimize].append((time.perf_counter() - start) * 1000)
                if totals[True] != totals[False]:
                    differ.append(f"{text} {totals[True]:,} vs {totals[False]:,}")
        cells = [f"{statistics.median(times[o]):9.1f} / {percentile(times[o], 0.95):8.1f}"
                 for o in (True, False)]
        print(f"  {kind:12} {cells[0]:>22} {cells[1]:>22}  "
              f"{'; '.join(dict.fromkeys(differ)) or 'no'}")
    backend.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--engines", nargs="+",
                        default=["whoosh-backend", "whoosh-rebuild", "whoosh-writer",
                                 "tantivy", "fts5"],
                        choices=["whoosh-backend", "whoosh-rebuild", "whoosh-writer",
                                 "tantivy", "fts5"])
    parser.add_argument("--profile", type=Path, help="cProfile the Whoosh backend build here")
    parser.add_argument("--count-variants", type=Path, metavar="INDEX_ROOT",
                        help="only compare Whoosh total-count strategies on an existing index")
    args = parser.parse_args()
    if args.count_variants:
        count_variants(args.count_variants, args.repeats)
        return
    real = real_resources()
    words = statistics.mean(sum(len(d.value.split()) for d in r.description) for r in real)
    print(f"{len(real)} real records recombined (descriptions: {words:.0f} words on average)")
    for size in args.records:
        bench_size(size, real, args.engines, args.repeats, args.profile)
        args.profile = None


if __name__ == "__main__":
    main()
