"""What every spider of ours shares: the crawl context, counted errors, sitemap following.

:class:`OERSpider` is a :class:`scrapy.Spider` that

- holds the crawl's :class:`~harvester.web.context.CrawlContext` (``context``) and takes
  its ``name`` from the source;
- handles every failed request in :meth:`OERSpider.on_error`: an HTTP error status, a
  robots.txt refusal or a network failure becomes a counted, logged skip (and, for a
  start URL, the reason the run failed), never a crash;
- follows sitemaps (:meth:`OERSpider.parse_sitemap`): ``robots.txt`` ``Sitemap:`` lines,
  sitemap indexes (a sitemap listed twice, a loop, is skipped and counted) and url sets,
  gzip-compressed or not. Page URLs go to :meth:`OERSpider.page_request`, filtered by the
  source's ``allow`` patterns and, when the run is incremental, by ``lastmod``.

Scrapy's own ``SitemapSpider`` does the same following but gives its requests no errback,
so 404s and loops would only show in Scrapy's stats; we parse with its
:class:`scrapy.utils.sitemap.Sitemap` (no entity expansion) all the same.

Ref: sitemaps.org protocol 0.9, https://www.sitemaps.org/protocol.html ; RFC 9309 §2.2.4
(robots.txt); https://docs.scrapy.org/en/latest/topics/request-response.html#topics-request-response-ref-errbacks
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from harvester.web.context import CrawlContext
from harvester.web.crawl_log import network_reason
from harvester.web.settings import PAGE_MAX_BYTES

__all__ = ["MAX_SITEMAP_DEPTH", "OERSpider", "lastmod_utc"]

#: Sitemap indexes followed at most this deep (an index of indexes of … is a loop or a trap).
MAX_SITEMAP_DEPTH = 5
#: Overlap when comparing ``lastmod`` with the last complete run (``lastmod`` is often a day).
LASTMOD_MARGIN = timedelta(days=1)


def lastmod_utc(value: str | None) -> str | None:
    """A sitemap ``lastmod`` (W3C datetime) as ``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm:ssZ`` (UTC).

    Returns:
        ``None`` for an empty or unreadable value.
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(value) == 10:
        return when.strftime("%Y-%m-%d")
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_utc(value: str) -> datetime:
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class OERSpider(Spider):
    """Base of our spiders. Construct with ``context=CrawlContext(...)``."""

    context: CrawlContext

    def __init__(self, *args: Any, context: CrawlContext, **kwargs: Any) -> None:
        super().__init__(*args, name=context.name, **kwargs)
        self.context = context
        self._sitemaps_seen: set[str] = set()
        self._allow = [re.compile(p) for p in getattr(context.source, "allow", ()) or ()]

    # -- errors ---------------------------------------------------------------------

    def on_error(self, failure: Any) -> None:
        """Count and log a failed request; a failed start URL is remembered for the report."""
        ctx = self.context
        request = failure.request
        detail = ""
        if failure.check(HttpError):
            status = failure.value.response.status
            reason, transient = f"http {status}", status >= 500 or status == 429
        elif failure.check(IgnoreRequest):
            reason, transient = str(failure.value) or "request ignored", False
            if "robots.txt" in reason:
                reason = "robots.txt disallows"
        else:
            why = network_reason(failure.type)
            reason, transient = f"network error ({why})", True
            if why == failure.type.__name__:  # no plain words for it: keep what it said
                detail = str(failure.value)
        if transient:
            ctx.transient_errors += 1
        if request.meta.get("oer_role") == "start":
            said = ""
            if failure.check(HttpError):  # an API says why (a bad ODSQL ``where``, say)
                said = " ".join(failure.value.response.text[:300].split()) if hasattr(
                    failure.value.response, "text") else ""
            ctx.start_errors.append(f"{request.url}: {reason}" + (f": {said}" if said else ""))
        ctx.skip(reason, request.url, detail)

    def counted(self, response: Response, *, start: bool = False) -> None:
        """Count a downloaded document (and a start URL that answered)."""
        self.context.fetched += 1
        if start or response.meta.get("oer_role") == "start":
            self.context.start_ok = True

    # -- sitemaps -------------------------------------------------------------------

    def sitemap_request(self, url: str, *, depth: int = 0, start: bool = False) -> Request | None:
        """A request for a sitemap or robots.txt; ``None`` (counted) when already requested."""
        if url in self._sitemaps_seen:
            self.context.skip("sitemap already seen (loop)", url)
            return None
        self._sitemaps_seen.add(url)
        return Request(url, callback=self.parse_sitemap, errback=self.on_error,
                       meta={"oer_role": "start" if start else "sitemap", "oer_depth": depth,
                             "download_maxsize": PAGE_MAX_BYTES})

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """robots.txt → its sitemaps; a sitemap index → its sitemaps; a url set → pages."""
        self.counted(response)
        depth = response.meta.get("oer_depth", 0)
        if response.url.rstrip("/").endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                request = self.sitemap_request(url, depth=depth + 1)
                if request is not None:
                    yield request
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=PAGE_MAX_BYTES * 8)
            except Exception as exc:
                self.context.skip("sitemap not readable", response.url, str(exc))
                return
        try:
            sitemap = Sitemap(body)
            kind = sitemap.type
        except Exception as exc:  # empty or not XML at all
            self.context.skip("not a sitemap", response.url, str(exc))
            return
        if kind == "sitemapindex":
            if depth >= MAX_SITEMAP_DEPTH:
                self.context.skip("sitemap index too deep", response.url)
                return
            for entry in sitemap:
                request = self.sitemap_request(entry["loc"].strip(), depth=depth + 1)
                if request is not None:
                    yield request
        elif kind == "urlset":
            for entry in sitemap:
                request = self.page_entry(entry["loc"].strip(), lastmod_utc(entry.get("lastmod")))
                if request is not None:
                    yield request
        else:
            self.context.skip("not a sitemap", response.url, f"root element <{kind}>")

    def page_entry(self, url: str, lastmod: str | None) -> Request | None:
        """The request for one page the sitemap lists, or ``None`` when it is left out:
        not matching ``allow``, or unchanged since the last complete run (``lastmod``
        older than the watermark and the record already stored)."""
        if not url.startswith(("http://", "https://")):
            self.context.skip("not an http(s) URL", url)
            return None
        if self._allow and not any(p.search(url) for p in self._allow):
            self.logger.debug("not allowed by the source's patterns: %s", url)
            return None
        ctx = self.context
        if lastmod and ctx.watermark and _parse_utc(lastmod) < _parse_utc(ctx.watermark) - LASTMOD_MARGIN:
            if ctx.store.datestamp_of(f"{ctx.name}:{url}") is not None:
                ctx.not_modified += 1
                return None
        return self.page_request(url, lastmod)

    def page_request(self, url: str, lastmod: str | None) -> Request:
        """The request for one page; subclasses choose the callback."""
        raise NotImplementedError
