"""Real records for benchmarks, replicated to any size, and a loopback OAI-PMH server for them.

The records are the real ListRecords records shipped for the demo (RCAAP, Cal Poly; see
harvester/demo_data/README.md) and the Zenodo test fixtures (tests/fixtures/README.md),
each copy with its identifier suffixed ``-c<n>`` so every record is distinct.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from harvester.oai_response import parse_response
from harvester.replay_server import Reply, ReplayServer

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*sorted((ROOT / "harvester" / "demo_data").glob("*-p*.xml")),
           *sorted((ROOT / "tests" / "fixtures" / "oai").glob("zenodo-*-ListRecords.xml"))]
IDENTIFY = (ROOT / "tests" / "fixtures" / "oai" / "zenodo-03-Identify.xml").read_bytes()
_IDENT = re.compile(rb"<identifier>([^<]+)</identifier>")


def real_records() -> list[bytes]:
    """Every live oai_dc record of the shipped real pages, as exact bytes."""
    out = []
    for path in SOURCES:
        page = parse_response(path.read_bytes(), verb="ListRecords")
        out.extend(r.raw for r in page.records if not r.deleted and r.metadata is not None)
    return out


def build_pages(total: int, page_size: int) -> dict[str | None, bytes]:
    """ListRecords pages of ``page_size`` records, keyed by the token that asks for them."""
    lazy = LazyPages(total, page_size)
    return {None if n == 0 else f"p{n}": lazy.page(n) for n in range(lazy.count)}


class LazyPages:
    """Pages made on request (flat memory for a million records), keyed like build_pages."""

    def __init__(self, total: int, page_size: int) -> None:
        self.records = real_records()
        self.total, self.page_size = total, page_size
        self.count = (total + page_size - 1) // page_size

    def __getitem__(self, token: str | None) -> bytes:
        return self.page(0 if token is None else int(token[1:]))

    def page(self, n: int) -> bytes:
        """Page ``n`` (0-based)."""
        first = n * self.page_size
        size = min(self.page_size, self.total - first)
        chosen = []
        for i in range(first, first + size):
            record = self.records[i % len(self.records)]
            copy = i // len(self.records)
            chosen.append(_IDENT.sub(lambda m: b"<identifier>" + m.group(1)
                                     + b"-c%d</identifier>" % copy, record, count=1))
        token = (f"<resumptionToken completeListSize=\"{self.total}\">p{n + 1}</resumptionToken>"
                 if n + 1 < self.count else f"<resumptionToken completeListSize=\"{self.total}\"/>")
        return (b'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives'
                b'.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><responseDate>'
                b"2026-11-30T00:00:00Z</responseDate><request>http://127.0.0.1/oai</request>"
                b"<ListRecords>" + b"\n".join(chosen) + token.encode()
                + b"</ListRecords></OAI-PMH>")


@contextmanager
def serve(pages):
    """Serve Identify and ``pages`` (a dict or :class:`LazyPages`) on 127.0.0.1."""

    def respond(params: dict[str, str]) -> Reply:
        if params.get("verb") == "Identify":
            return Reply(IDENTIFY)
        return Reply(pages[params.get("resumptionToken")])

    with ReplayServer(respond) as server:
        yield server


@contextmanager
def serve_in_child(total: int, page_size: int, *, prebuilt: bool = False):
    """Serve :class:`LazyPages` ``(total, page_size)`` from a child process on 127.0.0.1.

    The server then does not share this process's GIL with the client being measured.
    ``prebuilt``: make every page first (:func:`build_pages`), so a request only sends
    bytes (for throughput benches; memory grows with ``total``).

    Yields:
        The base URL (``http://127.0.0.1:<port>/oai``).
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "bench.corpus", "--records", str(total),
                             "--page-size", str(page_size), *(["--prebuilt"] if prebuilt else [])],
                            stdout=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)
    try:
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"bench server did not start: {url!r}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    """Serve pages until terminated; print the URL on the first line of stdout."""
    parser = argparse.ArgumentParser(description="Serve replicated real records on 127.0.0.1.")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--prebuilt", action="store_true", help="make every page first")
    args = parser.parse_args()
    pages = (build_pages if args.prebuilt else LazyPages)(args.records, args.page_size)
    with serve(pages) as server:
        print(server.url, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
