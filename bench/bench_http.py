"""HTTP search throughput: requests/s and latency of ``oer serve`` on loopback.

An ``OER_HOME`` is filled with ``--records`` records (the real records recombined as in
bench/bench_search.py, saved with :meth:`harvester.store.Store.save_page` and indexed with
:func:`indexer.lifecycle.update_index`), or an existing one is used (``--home``). Then
``oer serve`` runs in a child process (uvicorn, one worker, as shipped) and ``--clients``
threads, each with a keep-alive ``requests.Session``, send ``GET /api/search`` for
``--seconds`` seconds per mode, cycling through one-word and two-word queries:

- ``facets``: the default request (``facets=true``: counts on every facet; snippets);
- ``no facets``: ``facets=false``;
- ``licence filter``: ``license=CC-BY-4.0`` with facets.

Prints requests/s and the client-side p50/p95 latency per mode, and checks every reply is
``200``. The client threads share this process's GIL (one core of two here), so this is a
floor for the server's capacity, not a ceiling.

Usage: ``python bench/bench_http.py [--records 10000] [--home DIR] [--clients 4]
[--seconds 20]``. Not a test: nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from bench.bench_search import percentile, real_resources, synthetic  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["student", "estudo", "patients", "golf", "visual", "research", "student newspaper",
           "visual analysis", "data model", "social research"]
MODES = {"facets": {}, "no facets": {"facets": "false"}, "licence filter": {"license": "CC-BY-4.0"}}


def fill_home(home: Path, count: int) -> None:
    """Save ``count`` recombined records in ``home``'s store and index them."""
    from harvester.store import SourceState, Store, StoredItem
    from indexer.lifecycle import update_index

    store = Store(home / "store.sqlite")
    run_id = store.start_run("bench", None, None, "2026-01-01T00:00:00Z")
    batch: list[StoredItem] = []
    for resource in synthetic(real_resources(), count):
        batch.append(StoredItem(resource.id, resource.oai_identifier, resource.datestamp, False,
                                json.dumps(resource.to_dict()).encode(), "utf-8", {}, resource))
        if len(batch) == 1000:
            store.save_page(run_id, batch, SourceState("bench"))
            batch = []
    if batch:
        store.save_page(run_id, batch, SourceState("bench"))
    start = time.perf_counter()
    update_index(store, home / "index", rebuild=True)
    print(f"indexed {count:,} records in {time.perf_counter() - start:.0f} s")
    store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "OER_HOME": str(home),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "harvester", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/search"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url, params={"q": "student"}, timeout=30).status_code == 200:
                return proc, url
        except requests.ConnectionError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("oer serve did not answer within 60 s")


def load(url: str, extra: dict, clients: int, seconds: float) -> tuple[int, list[float], int]:
    """(requests done, latencies in ms, non-200 replies) of ``clients`` threads."""
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def client(offset: int) -> None:
        mine, bad, i = [], 0, offset
        with requests.Session() as session:
            while time.monotonic() < stop:
                params = {"q": QUERIES[i % len(QUERIES)], **extra}
                start = time.perf_counter()
                status = session.get(url, params=params, timeout=60).status_code
                mine.append((time.perf_counter() - start) * 1000)
                bad += status != 200
                i += 1
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, failures[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--home", type=Path, help="an existing OER_HOME to serve instead")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="oer-bench-http-") as tmp:
        home = args.home or Path(tmp)
        if args.home is None:
            fill_home(home, args.records)
        proc, url = start_server(home)
        try:
            print(f"GET /api/search on loopback, {args.clients} client threads, "
                  f"{args.seconds:.0f} s per mode")
            print(f"  {'mode':16} {'requests/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'non-200':>8}")
            for mode, extra in MODES.items():
                load(url, extra, args.clients, 2.0)  # warm the searcher and caches
                done, latencies, failures = load(url, extra, args.clients, args.seconds)
                print(f"  {mode:16} {done / args.seconds:10.1f} "
                      f"{statistics.median(latencies):8.1f} {percentile(latencies, 0.95):8.1f} "
                      f"{failures:8d}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
