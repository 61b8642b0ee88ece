"""Parse + validate + normalise throughput, side by side with sickle and a bare lxml parse.

All three read the same ListRecords pages of real records served on 127.0.0.1:

- ``ours``: :class:`harvester.oai_client.OAIClient` (sickle's request, our sanitiser,
  strict validation, record byte spans) + the oai_dc crosswalk for every record;
- ``sickle``: plain ``Sickle.ListRecords`` iteration reading ``record.metadata``;
- ``lxml``: ``requests.get`` + ``lxml.etree.fromstring`` of each page (the limit).

Usage: ``python bench/bench_parse.py [--records 20000] [--page-size 25] [--repeats 5]``.
Prints the median records/s of each and the ratios measured in the same run.
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

from bench.corpus import build_pages, serve  # noqa: E402
from harvester.config import OAISource  # noqa: E402
from harvester.oai_client import OAIClient  # noqa: E402
from harvester.oai_dc import map_oai_dc  # noqa: E402
from harvester.oai_harvest import _items  # noqa: E402


def ours(url: str) -> int:
    client, source, n = OAIClient(url), OAISource(name="bench", base_url=url), 0
    params = {"metadataPrefix": "oai_dc"}
    while True:
        page = client.request("ListRecords", **params)
        items, _, _ = _items(source, page, map_oai_dc)
        n += len(items)
        if page.token is None or not page.token.value:
            return n
        params = {"resumptionToken": page.token.value}


def plain_sickle(url: str) -> int:
    n = 0
    for record in Sickle(url).ListRecords(metadataPrefix="oai_dc"):
        assert record.metadata is not None
        n += 1
    return n


def bare_lxml(url: str) -> int:
    n, params = 0, {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    ns = "{http://www.openarchives.org/OAI/2.0/}"
    while True:
        root = etree.fromstring(requests.get(url, params=params, timeout=30).content)
        lst = root.find(ns + "ListRecords")
        n += len(lst.findall(ns + "record"))
        token = lst.findtext(ns + "resumptionToken")
        if not token:
            return n
        params = {"verb": "ListRecords", "resumptionToken": token}


CONTENDERS = {"ours (validate + oai_dc map)": ours, "sickle (record.metadata)": plain_sickle,
              "bare lxml parse": bare_lxml}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--page-size", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    pages = build_pages(args.records, args.page_size)
    rates: dict[str, list[float]] = {name: [] for name in CONTENDERS}
    with serve(pages) as server:
        for _ in range(args.repeats):
            for name, run in CONTENDERS.items():  # interleaved, so noise hits all alike
                start = time.perf_counter()
                count = run(server.url)
                elapsed = time.perf_counter() - start
                assert count == args.records, (name, count)
                rates[name].append(count / elapsed)
    med = {name: statistics.median(values) for name, values in rates.items()}
    print(f"parse + normalise: {args.records:,} real records, pages of {args.page_size}, "
          f"loopback HTTP, median of {args.repeats}")
    print(f"{'contender':32} {'records/s':>10} {'min':>9} {'max':>9}")
    for name, values in rates.items():
        print(f"{name:32} {med[name]:10,.0f} {min(values):9,.0f} {max(values):9,.0f}")
    names = list(CONTENDERS)
    print(f"ours / sickle = {med[names[0]] / med[names[1]]:.2f}x   "
          f"ours / bare lxml = {med[names[0]] / med[names[2]]:.2f}x "
          f"(bare lxml is {med[names[2]] / med[names[0]]:.2f}x faster than ours)")


if __name__ == "__main__":
    main()
