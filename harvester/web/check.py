"""``oer sources check`` for the UNESDOC open-data and IITE sources: what the live site returns.

Both sources were built from their documented structure, not from recordings, so the
check shows a librarian, in a few lines, whether the site still has that structure and
which configured selector or field name finds nothing:

- ``api`` (OpenDataSoft Explore v2.1): ``/records?limit=1`` with the source's ``where``:
  how many records match, the first record's ARK, title and licence as the harvest would
  read them, and the fields the mapping needs that the dataset does not have;
- ``spider = "unesco-iite"``: each start URL (WordPress REST collection, sitemap or
  listing page), how many publication links it gives; the first publication page, read
  with the configured selectors (which ones found nothing); its PDF's imprint (licence,
  ``©`` holder).

Plain ``requests`` with our User-Agent and the ``[harvest]`` timeouts; Scrapy is not
loaded, robots.txt is checked by :func:`harvester.source_check.check_robots` before.
Nothing is stored.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

import requests
from parsel import Selector

from harvester.crosswalks.unesdoc import map_unesdoc
from harvester.licences import normalise_licence
from harvester.source_check import Check
from harvester.web.extractors import rename_fields
from harvester.web.imprint import ImprintError, read_imprint
from harvester.web.publication import DEFAULT_ALLOW, DEFAULT_SELECTORS, read_publication_page
from harvester.web.settings import PDF_MAX_BYTES

__all__ = ["UNESDOC_FIELDS", "check_web_source"]

#: Fields of a UNESDOC record the mapping reads (``url`` is required).
UNESDOC_FIELDS = ("url", "title", "creator", "language", "year", "rights", "subject", "type")


def check_web_source(source: Any, agent: str, timeout: tuple[float, float]) -> list[Check]:
    """Checks of an ``api`` or ``spider`` source (``[]`` for other kinds).

    Args:
        source: The configured source.
        agent: Our User-Agent.
        timeout: (connect, read) timeouts in seconds.
    """
    session = requests.Session()
    session.headers["User-Agent"] = agent
    if source.kind == "api":
        return [_check_open_data(source, session, timeout)]
    if source.kind == "spider":
        return _check_library(source, session, timeout)
    return []


def _get(session: requests.Session, url: str, timeout: tuple[float, float],
         **params: str) -> tuple[requests.Response | None, str]:
    try:
        response = session.get(url, params=params or None, timeout=timeout)
    except requests.RequestException as exc:
        return None, f"{url}: {type(exc).__name__}: {exc}"
    return response, f"{response.url}: HTTP {response.status_code}"


def _check_open_data(source: Any, session: requests.Session, timeout: tuple[float, float]) -> Check:
    url = f"{source.base_url.rstrip('/')}/catalog/datasets/{source.dataset}/records"
    params = {"limit": "1", **({"where": source.where} if source.where else {})}
    response, where = _get(session, url, timeout, **params)
    if response is None or response.status_code >= 400:
        body = response.text[:200] if response is not None else ""
        return Check("open data", False, f"{where} {body}".strip())
    try:
        data = response.json()
        results = data.get("results") or []
        total = int(data.get("total_count", 0))
    except (ValueError, AttributeError, TypeError):
        return Check("open data", False, f"{where}: not an Explore API v2.1 answer")
    filtered = f" matching {source.where!r}" if source.where else ""
    if not results:
        return Check("open data", total == 0, f"{where}: {total:,} records{filtered}")
    record = rename_fields(results[0], source.field_names)
    missing = [f for f in UNESDOC_FIELDS if f not in record]
    try:
        mapped = map_unesdoc(record, source=source.name, datestamp="")
        first = (f"first: {mapped.oai_identifier}, {mapped.first_title()[:60]!r}, licence "
                 f"{mapped.license.id}")
    except ValueError as exc:
        first = f"first record not mappable: {exc}"
    detail = f"{where}: {total:,} records{filtered}; {first}"
    if missing:
        detail += f"; fields missing: {', '.join(missing)} (set field_names)"
    return Check("open data", "url" not in missing, detail)


def _check_library(source: Any, session: requests.Session,
                   timeout: tuple[float, float]) -> list[Check]:
    selectors = {**DEFAULT_SELECTORS, **(source.selectors or {})}
    allow = list(source.allow or DEFAULT_ALLOW)
    checks, pages = [], []
    for url in source.start_urls:
        response, where = _get(session, url, timeout)
        if response is None or response.status_code >= 400:
            checks.append(Check("start URL", False, where))
            continue
        links = _publication_links(response, selectors, allow)
        total = response.headers.get("X-WP-Total")
        checks.append(Check("start URL", bool(links), f"{where}, {len(links)} publication "
                            f"link(s){f' of {total} (X-WP-Total)' if total else ''}"
                            + ("" if links else f"; selector listing_link = "
                               f"{selectors['listing_link']!r} and allow {allow} found none")))
        pages += links
    if pages:
        checks += _check_publication(pages[0], session, timeout, selectors)
    return checks


def _publication_links(response: requests.Response, selectors: dict[str, str],
                       allow: list[str]) -> list[str]:
    if "/wp-json/" in response.url:
        try:
            posts = response.json()
        except ValueError:
            return []
        candidates = [p.get("link") for p in posts if isinstance(p, dict)] if isinstance(posts, list) else []
    elif response.url.endswith(".xml"):
        candidates = Selector(text=response.text, type="xml").xpath("//*[local-name()='loc']/text()").getall()
    else:
        page = Selector(text=response.text)
        candidates = [urljoin(response.url, h) for h in
                      page.css(selectors["listing_link"]).xpath("@href").getall()]
    patterns = [re.compile(p) for p in allow]
    return list(dict.fromkeys(c.strip() for c in candidates
                              if isinstance(c, str) and any(p.search(c) for p in patterns)))


def _check_publication(url: str, session: requests.Session, timeout: tuple[float, float],
                       selectors: dict[str, str]) -> list[Check]:
    response, where = _get(session, url, timeout)
    if response is None or response.status_code >= 400:
        return [Check("publication page", False, where)]
    page = read_publication_page(Selector(text=response.text), response.url, selectors)
    empty = [k for k in ("title", "abstract", "year", "authors", "download", "language_versions")
             if not page[k]]
    detail = (f"{where}: title {page['title'][:60]!r}, year {page['year'] or '-'}, "
              f"{len(page['language_versions'])} language version(s), PDF "
              f"{page['download'] or 'not found'}")
    if empty:
        detail += "; found nothing: " + ", ".join(f"{k} ({selectors[k]!r})" for k in empty)
    checks = [Check("publication page", bool(page["title"] and page["download"]), detail)]
    if page["download"]:
        checks.append(_check_pdf(page["download"], session, timeout))
    return checks


def _check_pdf(url: str, session: requests.Session, timeout: tuple[float, float]) -> Check:
    try:
        with session.get(url, timeout=timeout, stream=True) as response:
            data = b""
            for chunk in response.iter_content(1 << 16):
                data += chunk
                if len(data) > PDF_MAX_BYTES:
                    return Check("PDF imprint", False, f"{url}: larger than {PDF_MAX_BYTES:,} bytes")
            status = response.status_code
    except requests.RequestException as exc:
        return Check("PDF imprint", False, f"{url}: {type(exc).__name__}: {exc}")
    if status >= 400:
        return Check("PDF imprint", False, f"{url}: HTTP {status}")
    try:
        imprint = read_imprint(data)
    except ImprintError as exc:
        return Check("PDF imprint", False, f"{url}: {exc}")
    licence = normalise_licence(imprint.licence_statements)
    return Check("PDF imprint", licence.known,
                 f"{url}: licence {licence.id}"
                 + (f" ({licence.raw[:80]!r})" if licence.raw else "")
                 + f"; {', '.join(imprint.copyright) or 'no © line'}"
                 + (f"; published by {'; '.join(imprint.publishers)}" if imprint.publishers else ""))
