"""IITELibrarySpider: the UNESCO IITE publications library (a WordPress site).

Publication pages live at ``https://iite.unesco.org/publications/<slug>/`` with their PDFs
under ``/wp-content/uploads/YYYY/MM/``; the licence is printed in the PDF's imprint, not on
the page. What the spider does, from each start URL:

- a WordPress REST collection (a URL with ``/wp-json/``, e.g.
  ``…/wp-json/wp/v2/publications?per_page=100``): every item's ``link`` (pages followed
  with ``X-WP-TotalPages``), with its ``modified_gmt`` as datestamp and its title and
  excerpt as fallbacks;
- a sitemap or robots.txt (``.xml``, ``/robots.txt``): the listed pages;
- anything else is a listing page: the links the ``listing_link`` selector finds, then the
  ``next_page`` link;

then, for each publication page (only URLs matching the source's ``allow`` patterns, by
default :data:`DEFAULT_ALLOW`): title, abstract, year, authors, language versions and the
download link, read with CSS selectors (:data:`DEFAULT_SELECTORS`, each overridable in
the source's ``selectors`` table, so a redesign needs no code; see
:func:`harvester.web.publication.read_publication_page`), then the PDF, whose first
pages (``[web] imprint_pages``) give the licence statement, the ``©`` holder and the
co-publishers (:mod:`harvester.web.imprint`). A PDF that cannot be fetched or read leaves
the record with an unknown licence and a counted note.

Nothing here was checked against the live site (no recording of it exists in our
fixtures): ``oer sources check iite`` shows what the site returns for these selectors.

Ref: WordPress REST API, https://developer.wordpress.org/rest-api/using-the-rest-api/pagination/ ;
shared/fixtures/api/unesdoc/NOTES.md ("UNESCO IITE").
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from scrapy import Request
from scrapy.http import Response, TextResponse

from harvester.web.items import HarvestItem
from harvester.web.publication import DEFAULT_ALLOW, DEFAULT_SELECTORS, read_publication_page
from harvester.web.settings import PAGE_MAX_BYTES, PDF_MAX_BYTES
from harvester.web.spiders.base import OERSpider, lastmod_utc
from harvester.web.spiders.sitemap import fetch_time

__all__ = ["IITELibrarySpider"]

class IITELibrarySpider(OERSpider):
    """Listing / sitemap / WordPress REST → publication page → PDF imprint."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.context.source
        self.selectors = {**DEFAULT_SELECTORS, **(getattr(source, "selectors", {}) or {})}
        if not self._allow:
            self._allow = [re.compile(p) for p in DEFAULT_ALLOW]

    async def start(self) -> AsyncIterator[Any]:
        for url in self.context.source.start_urls:
            if "/wp-json/" in url:
                yield Request(url, callback=self.parse_rest, errback=self.on_error,
                              meta={"oer_role": "start"})
            elif urlsplit(url).path.endswith((".xml", ".xml.gz", "/robots.txt")):
                request = self.sitemap_request(url, start=True)
                if request is not None:
                    yield request
            else:
                yield Request(url, callback=self.parse_listing, errback=self.on_error,
                              meta={"oer_role": "start"})

    # -- where the publication pages are listed ---------------------------------------

    def parse_rest(self, response: Response) -> Iterator[Request]:
        """A WordPress REST collection page → publication pages (+ the next REST page)."""
        self.counted(response)
        try:
            posts = json.loads(response.body)
        except ValueError:
            posts = None
        if not isinstance(posts, list):
            self.context.skip("not a WordPress REST collection", response.url)
            return
        for post in posts:
            link = post.get("link") if isinstance(post, dict) else None
            if not isinstance(link, str):
                continue
            rest = {"title": _rendered(post.get("title")), "abstract": _rendered(post.get("excerpt"))}
            request = self.page_entry(link.strip(), lastmod_utc(_utc(post.get("modified_gmt"))))
            if request is not None:
                request.meta["oer_rest"] = rest
                yield request
        total = response.headers.get(b"X-WP-TotalPages", b"").decode("latin-1").strip()
        parts = urlsplit(response.url)
        query = dict(parse_qsl(parts.query))
        page = int(query.get("page", "1") or 1)
        if total.isdigit() and page < int(total):
            query["page"] = str(page + 1)
            yield Request(urlunsplit(parts._replace(query=urlencode(query))),
                          callback=self.parse_rest, errback=self.on_error)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """A listing page → its publication links (allowed ones) + the next listing page."""
        self.counted(response)
        if not isinstance(response, TextResponse):
            self.context.skip("not HTML", response.url)
            return
        for href in response.css(self.selectors["listing_link"]).xpath("@href").getall():
            url = urljoin(response.url, href.strip()).split("#")[0]
            if any(p.search(url) for p in self._allow):
                yield self.page_request(url, None)
        for href in response.css(self.selectors["next_page"]).xpath("@href").getall()[:1]:
            yield Request(urljoin(response.url, href.strip()), callback=self.parse_listing,
                          errback=self.on_error)

    # -- one publication ----------------------------------------------------------------

    def page_request(self, url: str, lastmod: str | None) -> Request:
        return Request(url, callback=self.parse_publication, errback=self.on_error,
                       meta={"oer_role": "page", "oer_record_id": url, "oer_lastmod": lastmod,
                             "download_maxsize": PAGE_MAX_BYTES})

    def parse_publication(self, response: Response) -> Iterator[Any]:
        """A publication page → its PDF request (or the item, when there is no PDF link)."""
        self.counted(response)
        if not isinstance(response, TextResponse):
            self.context.skip("not HTML", response.url)
            return
        page = read_publication_page(response.selector, response.url, self.selectors)
        rest = response.meta.get("oer_rest") or {}
        page["title"] = page["title"] or rest.get("title", "")
        page["abstract"] = page["abstract"] or rest.get("abstract", "")
        meta = {"oer_record_id": response.meta["oer_record_id"],
                "oer_lastmod": response.meta.get("oer_lastmod"), "oer_page": page}
        if not page["download"]:
            yield self._item(meta, None, None, None)
            return
        yield Request(page["download"], callback=self.parse_pdf, errback=self.pdf_failed,
                      meta={**meta, "oer_role": "pdf", "download_maxsize": PDF_MAX_BYTES})

    def parse_pdf(self, response: Response) -> Iterator[HarvestItem]:
        """The PDF → the publication's item (the imprint is read by the extract step)."""
        self.counted(response)
        yield self._item(response.meta, response.body, response.url, None)

    def pdf_failed(self, failure: Any) -> Iterator[HarvestItem]:
        """A PDF that could not be fetched: the record is kept, its licence unknown."""
        request = failure.request
        status = getattr(getattr(failure.value, "response", None), "status", None)
        reason = f"http {status}" if status else type(failure.value).__name__
        self.logger.warning("PDF %s not fetched: %s", request.url, reason)
        yield self._item(request.meta, None, request.url, reason)

    def _item(self, meta: dict[str, Any], pdf: bytes | None, pdf_url: str | None,
              error: str | None) -> HarvestItem:
        page = meta["oer_page"]
        return HarvestItem(kind="iite", url=page["url"], record_id=meta["oer_record_id"],
                           datestamp=meta.get("oer_lastmod") or fetch_time(),
                           payload={"page": page, "pdf": pdf,
                                    "pdf_url": pdf_url or page["download"] or None,
                                    "pdf_error": error,
                                    "imprint_pages": self.context.web.imprint_pages})


def _rendered(value: Any) -> str:
    """WordPress ``{"rendered": "<p>…</p>"}`` → its text (markup neutralised later)."""
    if isinstance(value, dict):
        value = value.get("rendered")
    return " ".join(re.sub(r"<[^>]+>", " ", value).split()) if isinstance(value, str) else ""


def _utc(value: Any) -> str | None:
    """WordPress ``modified_gmt`` (``2020-06-01T10:00:00``, UTC without zone) → with ``Z``."""
    return f"{value}Z" if isinstance(value, str) and value and not value.endswith("Z") else value
