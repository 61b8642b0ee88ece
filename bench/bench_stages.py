"""Per-record cost of each harvest stage, from pages on disk (no HTTP), optionally profiled.

Pages of real records (bench/corpus.py) are built in memory once; each stage is then timed
alone, over every page, as microseconds per record:

- ``sanitise``: the byte-level repair pass (:func:`harvester.oai_sanitise.sanitise`);
- ``scan_spans``: locating each record's bytes in the page (regex scan of the tags);
- ``parse_response``: sanitise + strict parse + validation + record byte spans;
- ``map_oai_dc``: the oai_dc crosswalk with licence, language, date, identifier and type
  normalisation, on already parsed records;
- ``licence``, ``identifiers``, ``to_dict``: parts of the mapping and of the store's write
  alone (rights statements -> licence; identifier classification + landing page; the record
  as a dict before JSON);
- ``items``: the harvester's per-page step (map + :class:`StoredItem`), as a harvest runs it;
- ``save_page``: :meth:`harvester.store.Store.save_page`, one page per transaction, into a
  fresh SQLite store (new records, so every record is written);
- ``pipeline``: parse + items + save_page, what a harvest does per page apart from HTTP.

``--compare DIR`` runs the same measurement on another copy of the code (e.g. the last
commit: ``git archive HEAD harvester bench | tar -x -C /tmp/baseline``) in a child process,
interleaved with this one round by round, and prints both with their ratio: before/after in
one run. ``--profile FILE`` writes a cProfile of the pipeline stage instead (read it with
``python -m pstats FILE`` or snakeviz).

Usage: ``python bench/bench_stages.py [--records 5000] [--page-size 100] [--repeats 5]
[--compare /tmp/baseline] [--profile out.prof]``. Not a test: nothing here is collected by
pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

STAGES = ("sanitise", "scan_spans", "parse_response", "map_oai_dc", "licence", "identifiers",
          "to_dict", "items", "save_page", "pipeline")


def measure(records: int, page_size: int) -> dict[str, float]:
    """One round: microseconds per record of each stage (code imported from sys.path[0])."""
    from bench.corpus import build_pages
    from harvester.config import OAISource
    from harvester.licences import normalise_licence
    from harvester.normalise.identifiers import classify_all
    from harvester.oai_dc import landing_url, map_oai_dc
    from harvester.oai_harvest import _items
    from harvester.oai_response import _scan_record_spans, parse_response
    from harvester.oai_sanitise import sanitise
    from harvester.store import SourceState, Store

    bodies = list(build_pages(records, page_size).values())
    source = OAISource(name="bench", base_url="http://127.0.0.1/oai")
    out: dict[str, float] = {}

    def timed(name, run) -> None:
        start = time.perf_counter()
        run()
        out[name] = (time.perf_counter() - start) / records * 1e6

    timed("sanitise", lambda: [sanitise(b) for b in bodies])
    timed("scan_spans", lambda: [_scan_record_spans(b) for b in bodies])
    pages = []
    timed("parse_response", lambda: pages.extend(
        parse_response(b, verb="ListRecords") for b in bodies))
    timed("map_oai_dc", lambda: [
        map_oai_dc(r.metadata, source="bench", oai_identifier=r.identifier,
                   datestamp=r.datestamp, set_specs=r.set_specs)
        for p in pages for r in p.records])
    resources = [map_oai_dc(r.metadata, source="bench", oai_identifier=r.identifier,
                            datestamp=r.datestamp) for p in pages for r in p.records]
    timed("licence", lambda: [normalise_licence(s.value for s in r.rights) for r in resources])
    timed("identifiers", lambda: [(classify_all(r.identifier), landing_url(r.identifier))
                                  for r in resources])
    timed("to_dict", lambda: [r.to_dict() for r in resources])
    mapped = []
    timed("items", lambda: mapped.extend(_items(source, p, map_oai_dc)[0] for p in pages))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "a.sqlite")
        run_id = store.start_run("bench", None, None, "2026-01-01T00:00:00Z")
        timed("save_page", lambda: [store.save_page(run_id, items, SourceState("bench"))
                                    for items in mapped])
        store.close()
        store = Store(Path(tmp) / "b.sqlite")
        run_id = store.start_run("bench", None, None, "2026-01-01T00:00:00Z")

        def pipeline() -> None:
            for body in bodies:
                page = parse_response(body, verb="ListRecords")
                store.save_page(run_id, _items(source, page, map_oai_dc)[0],
                                SourceState("bench"))

        timed("pipeline", pipeline)
        store.close()
    return out


def child_round(code_dir: Path, records: int, page_size: int) -> dict[str, float]:
    """One round of :func:`measure` with the code in ``code_dir``, in a child process."""
    env = {**os.environ, "PYTHONPATH": f"{code_dir}{os.pathsep}{HERE}"}
    script = ("import json, runpy, sys; sys.path.insert(0, sys.argv[1]); "
              "measure = runpy.run_path(sys.argv[4])['measure']; "
              "print(json.dumps(measure(int(sys.argv[2]), int(sys.argv[3]))))")
    done = subprocess.run([sys.executable, "-c", script, str(code_dir), str(records),
                           str(page_size), __file__], env=env, capture_output=True, text=True,
                          check=True, cwd=code_dir)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--compare", type=Path, help="another copy of the code to run alongside")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the pipeline here")
    args = parser.parse_args()
    if args.profile:
        import cProfile

        sys.path.insert(0, str(HERE))
        measure(min(args.records, 500), args.page_size)  # warm caches and imports
        cProfile.runctx("measure(args.records, args.page_size)", globals(), locals(),
                        str(args.profile))
        print(f"profile written to {args.profile}")
        return
    contenders = {"this tree": HERE, **({"compare": args.compare.resolve()} if args.compare else {})}
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in contenders}
    for _ in range(args.repeats):
        for name, code_dir in contenders.items():  # interleaved: noise hits both alike
            rounds[name].append(child_round(code_dir, args.records, args.page_size))
    med = {name: {s: statistics.median(r[s] for r in rs) for s in STAGES}
           for name, rs in rounds.items()}
    print(f"stages: {args.records:,} real records from disk, pages of {args.page_size}, "
          f"median of {args.repeats} rounds, microseconds per record")
    header = f"{'stage':16}" + "".join(f"{name:>12}" for name in contenders)
    print(header + ("   compare / this" if args.compare else ""))
    for stage in STAGES:
        row = f"{stage:16}" + "".join(f"{med[name][stage]:12.1f}" for name in contenders)
        if args.compare:
            row += f"   {med['compare'][stage] / med['this tree'][stage]:6.2f}x"
        print(row)
    this = med["this tree"]["pipeline"]
    print(f"pipeline rate (this tree): {1e6 / this:,.0f} records/s")


if __name__ == "__main__":
    main()
