"""OERSitemapSpider: any OER site with sitemaps, configured per source, no code per site.

A ``kind = "sitemap"`` source names where to start (sitemap or robots.txt URLs), which
page URLs to take (``allow`` patterns) and its delay::

    [sources.hoou]
    kind = "sitemap"
    start_urls = ["https://www.hoou.de/robots.txt"]
    allow = ["/materials/"]
    delay_s = 2.0

Every page the sitemaps list becomes a ``page`` item; its metadata (JSON-LD, microdata,
RDFa, DC ``<meta>``, licence links) is read by the pipeline's extract step
(:func:`harvester.web.extractors.extract_page_item`). The record id is the URL the
sitemap lists, so it stays the same across redirects and runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse

from harvester.web.items import HarvestItem
from harvester.web.settings import PAGE_MAX_BYTES
from harvester.web.spiders.base import OERSpider

__all__ = ["OERSitemapSpider"]

HTML_TYPES = ("text/html", "application/xhtml+xml")


def fetch_time() -> str:
    """Now, UTC, ``YYYY-MM-DDThh:mm:ssZ`` (the datestamp of a page without ``lastmod``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class OERSitemapSpider(OERSpider):
    """Follow a source's sitemaps; hand each listed HTML page to the pipelines."""

    async def start(self) -> AsyncIterator[Any]:
        for url in self.context.source.start_urls:
            request = self.sitemap_request(url, start=True)
            if request is not None:
                yield request

    def page_request(self, url: str, lastmod: str | None) -> Request:
        return Request(url, callback=self.parse_page, errback=self.on_error,
                       meta={"oer_role": "page", "oer_record_id": url, "oer_lastmod": lastmod,
                             "download_maxsize": PAGE_MAX_BYTES})

    def parse_page(self, response: Response) -> Iterator[HarvestItem]:
        """One listed page → a ``page`` item (or a counted skip when it is not HTML)."""
        self.counted(response)
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if not isinstance(response, TextResponse) or not any(t in content_type for t in HTML_TYPES):
            self.context.skip("not HTML", response.url, content_type or "no Content-Type")
            return
        language = response.headers.get(b"Content-Language", b"").decode("latin-1").strip()
        yield HarvestItem(kind="page", url=response.url,
                          record_id=response.meta["oer_record_id"],
                          datestamp=response.meta.get("oer_lastmod") or fetch_time(),
                          payload={"body": response.body, "encoding": response.encoding},
                          language_hints=[language] if language else [])
