"""UnesdocOpenDataSpider: UNESDOC's catalogue from UNESCO's open-data portal, as JSON lines.

UNESCO publishes the UNESDOC catalogue as dataset ``doc001`` on data.unesco.org, an
OpenDataSoft portal (Explore API v2.1). Its ``/records`` endpoint stops at
offset + limit = 10,000; the ``/exports/jsonl`` endpoint has no such cap, so one request
gives every record the ``where`` clause selects, one JSON object per line::

    GET {base_url}/catalog/datasets/{dataset}/exports/jsonl?where={where}

Each line becomes an ``unesdoc`` item; the pipeline maps it with
:func:`harvester.crosswalks.unesdoc.map_unesdoc` (the ARK is the identifier) and the store
keeps the line's bytes, so a record that did not change between two exports changes
nothing. A line that is not a JSON object, or a record without ``url``, is quarantined
with its bytes. UNESDOC's OAI-PMH endpoint is the alternative source (``kind = "oai"``).

Ref: OpenDataSoft Explore API v2.1, "Export datasets" and ODSQL ``where``,
https://help.opendatasoft.com/apis/ods-explore-v2/ ; shared/fixtures/api/unesdoc/NOTES.md.
"""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlencode

from scrapy import Request
from scrapy.http import Response

from harvester.web.items import HarvestItem
from harvester.web.settings import EXPORT_MAX_BYTES
from harvester.web.spiders.base import OERSpider
from harvester.web.spiders.sitemap import fetch_time

__all__ = ["UnesdocOpenDataSpider", "export_url"]


def export_url(source: Any) -> str:
    """The JSON-lines export URL of an ``api`` source (``where`` percent-encoded once)."""
    url = (f"{source.base_url.rstrip('/')}/catalog/datasets/{quote(source.dataset, safe='')}"
           "/exports/jsonl")
    return f"{url}?{urlencode({'where': source.where})}" if source.where else url


class UnesdocOpenDataSpider(OERSpider):
    """One export request; one item per JSON line."""

    async def start(self) -> AsyncIterator[Any]:
        yield Request(export_url(self.context.source), callback=self.parse_export,
                      errback=self.on_error,
                      meta={"oer_role": "start_export", "download_maxsize": EXPORT_MAX_BYTES})

    def parse_export(self, response: Response) -> Iterator[HarvestItem]:
        """Every non-empty line of the export → an ``unesdoc`` item."""
        self.counted(response)
        fetched = fetch_time()
        first = True
        for number, line in enumerate(io.BytesIO(response.body), 1):
            line = line.rstrip(b"\r\n")
            if not line.strip():
                continue
            if first:
                first = False
                if not _is_json_object(line):
                    self.context.start_errors.append(
                        f"{response.url}: not a JSON-lines export (first line: {line[:80]!r})")
                    return
                self.context.start_ok = True
            yield HarvestItem(kind="unesdoc", url=response.url, record_id=f"line {number}",
                              datestamp=fetched, payload={"line": line})
        if first:  # an empty export is a valid answer: nothing matches the where clause
            self.context.start_ok = True

    def on_error(self, failure: Any) -> None:
        """As :meth:`OERSpider.on_error`; the export request is the start URL."""
        if failure.request.meta.get("oer_role") == "start_export":
            failure.request.meta["oer_role"] = "start"
        super().on_error(failure)


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
