"""Parse + validate + normalise throughput, side by side with sickle and a bare lxml parse.

All three read the same ListRecords pages of real records (bench/corpus.py), in two ways:

- ``http``: served on 127.0.0.1 by a child process (so the server does not share the
  measured process's GIL), fetched page by page;
- ``disk``: the same page bytes already in memory, as if read from disk (no HTTP at all:
  the parse and mapping costs alone).

Contenders:

- ``ours``: :class:`harvester.oai_client.OAIClient` (sickle's request on a keep-alive
  session, our sanitiser, strict validation, record byte spans) + the oai_dc crosswalk
  (licence, language, dates, identifiers, types) for every record; on disk
  :func:`harvester.oai_response.parse_response` + the same per-page step;
- ``sickle``: plain ``Sickle.ListRecords`` iteration reading ``record.metadata`` (its own
  ``requests.get`` per page; on disk, the same iterator over a transport that returns the
  page bytes);
- ``lxml``: ``lxml.etree.fromstring`` of each page, counting records and reading the token
  (over HTTP with a keep-alive ``requests.Session``): the limit.

Usage: ``python bench/bench_parse.py [--records 20000] [--page-size 25] [--repeats 5]
[--transport http disk]``. Prints the median records/s of each and the ratios measured in
the same run (rounds interleave the contenders, so noise hits all alike).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from lxml import etree  # noqa: E402
from sickle import Sickle  # noqa: E402

from bench.corpus import build_pages, serve_in_child  # noqa: E402
from harvester.config import OAISource  # noqa: E402
from harvester.oai_client import OAIClient  # noqa: E402
from harvester.oai_dc import map_oai_dc  # noqa: E402
from harvester.oai_harvest import _items  # noqa: E402
from harvester.oai_response import parse_response  # noqa: E402

NS = "{http://www.openarchives.org/OAI/2.0/}"


# -- over HTTP -------------------------------------------------------------------------

def ours_http(url: str) -> int:
    client, source, n = OAIClient(url), OAISource(name="bench", base_url=url), 0
    params = {"metadataPrefix": "oai_dc"}
    while True:
        page = client.request("ListRecords", **params)
        items, _, _ = _items(source, page, map_oai_dc)
        n += len(items)
        if page.token is None or not page.token.value:
            return n
        params = {"resumptionToken": page.token.value}


def sickle_http(url: str) -> int:
    n = 0
    for record in Sickle(url).ListRecords(metadataPrefix="oai_dc"):
        assert record.metadata is not None
        n += 1
    return n


def lxml_http(url: str) -> int:
    n, params = 0, {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    with requests.Session() as session:
        while True:
            root = etree.fromstring(session.get(url, params=params, timeout=30).content)
            lst = root.find(NS + "ListRecords")
            n += len(lst.findall(NS + "record"))
            token = lst.findtext(NS + "resumptionToken")
            if not token:
                return n
            params = {"verb": "ListRecords", "resumptionToken": token}


# -- from memory ("disk") ----------------------------------------------------------------

def ours_disk(pages: dict[str | None, bytes]) -> int:
    source, n, token = OAISource(name="bench", base_url="http://127.0.0.1/oai"), 0, None
    while True:
        page = parse_response(pages[token], verb="ListRecords")
        items, _, _ = _items(source, page, map_oai_dc)
        n += len(items)
        if page.token is None or not page.token.value:
            return n
        token = page.token.value


class _Body:
    """What sickle reads of a ``requests.Response``."""

    status_code = 200
    encoding = None

    def __init__(self, content: bytes) -> None:
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def raise_for_status(self) -> None:
        return None


class _DiskSickle(Sickle):
    """Sickle whose transport hands back the page bytes instead of an HTTP request."""

    def __init__(self, pages: dict[str | None, bytes]) -> None:
        super().__init__("http://127.0.0.1/oai")
        self._pages = pages

    def _request(self, kwargs):
        return _Body(self._pages[kwargs.get("resumptionToken")])


def sickle_disk(pages: dict[str | None, bytes]) -> int:
    n = 0
    for record in _DiskSickle(pages).ListRecords(metadataPrefix="oai_dc"):
        assert record.metadata is not None
        n += 1
    return n


def lxml_disk(pages: dict[str | None, bytes]) -> int:
    n, token = 0, None
    while True:
        lst = etree.fromstring(pages[token]).find(NS + "ListRecords")
        n += len(lst.findall(NS + "record"))
        token = lst.findtext(NS + "resumptionToken")
        if not token:
            return n


CONTENDERS = {
    "http": {"ours (validate + oai_dc map)": ours_http, "sickle (record.metadata)": sickle_http,
             "bare lxml parse": lxml_http},
    "disk": {"ours (validate + oai_dc map)": ours_disk, "sickle (record.metadata)": sickle_disk,
             "bare lxml parse": lxml_disk},
}


def measure(transport: str, target, records: int, repeats: int) -> dict[str, list[float]]:
    """records/s of each contender over ``repeats`` interleaved rounds."""
    rates: dict[str, list[float]] = {name: [] for name in CONTENDERS[transport]}
    for _ in range(repeats):
        for name, run in CONTENDERS[transport].items():
            start = time.perf_counter()
            count = run(target)
            elapsed = time.perf_counter() - start
            assert count == records, (name, count)
            rates[name].append(count / elapsed)
    return rates


def report(transport: str, rates: dict[str, list[float]], args) -> None:
    med = {name: statistics.median(values) for name, values in rates.items()}
    where = "loopback HTTP (server in a child process)" if transport == "http" else \
        "pages in memory (no HTTP)"
    print(f"parse + normalise, {where}: {args.records:,} real records, pages of "
          f"{args.page_size}, median of {args.repeats}")
    print(f"  {'contender':32} {'records/s':>10} {'min':>9} {'max':>9}")
    for name, values in rates.items():
        print(f"  {name:32} {med[name]:10,.0f} {min(values):9,.0f} {max(values):9,.0f}")
    ours, sickle, bare = (med[name] for name in CONTENDERS[transport])
    print(f"  ours / sickle = {ours / sickle:.2f}x (goal >= 2)   bare lxml / ours = "
          f"{bare / ours:.2f}x (goal <= 1.5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--page-size", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--transport", nargs="+", default=["http", "disk"], choices=CONTENDERS)
    args = parser.parse_args()
    for transport in args.transport:
        if transport == "http":
            with serve_in_child(args.records, args.page_size, prebuilt=True) as url:
                report(transport, measure(transport, url, args.records, args.repeats), args)
        else:
            pages = build_pages(args.records, args.page_size)
            report(transport, measure(transport, pages, args.records, args.repeats), args)


if __name__ == "__main__":
    main()
