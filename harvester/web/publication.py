"""A library's publication (page fields + the PDF's imprint) → :class:`Resource`.

Used by the IITE spider (:mod:`harvester.web.spiders.iite`) and by ``oer sources check``:
:func:`read_publication_page` reads a publication page with configurable CSS selectors
(parsel, no Scrapy), and :func:`map_publication` maps what was found plus the PDF.
The licence comes from the imprint (provenance ``pdf-imprint``) before any licence link
on the page (``landing-page``); the ``©`` holders become ``rights_holder`` and the
"Published … by" parties ``publisher``.

Payload shape (all values as read from the site, untrusted)::

    {"page": {"url": str, "title": str, "abstract": str, "year": str, "lang": str,
              "language_versions": [{"lang": str, "url": str}], "download": str,
              "licence_links": [str], "authors": [str]},
     "pdf": bytes | None, "pdf_url": str | None, "pdf_error": str | None}

No Scrapy import here.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from harvester.normalise.dates import normalise_date
from harvester.normalise.fields import normalise_fields
from harvester.record import LangString, Resource
from harvester.web.imprint import IMPRINT_PAGES, Imprint, ImprintError, read_imprint

__all__ = ["DEFAULT_ALLOW", "DEFAULT_SELECTORS", "PublicationResult", "map_publication",
           "read_publication_page"]


#: Page part → CSS selector (first match wins; several selectors separated by commas).
DEFAULT_SELECTORS: dict[str, str] = {
    "listing_link": "a[href*='/publications/']",
    "next_page": "a.next, a[rel~=next], link[rel~=next]",
    "title": "h1.entry-title, article h1, h1",
    "abstract": ".publication-abstract, .entry-content p, meta[name=description]",
    "year": ".publication-year, .publication-date, time[datetime]",
    "authors": ".publication-authors li, .publication-author, [rel=author]",
    "download": "a[href$='.pdf'], a[href*='.pdf?'], a.download",
    "language_versions": "link[rel~=alternate][hreflang], a[hreflang]",
    "licence": "a[rel~=license], link[rel~=license]",
}
#: Publication page URLs (the listing page itself and feeds are not publications).
DEFAULT_ALLOW = (r"/publications/(?!page/|feed/)[^/?#]+/?$",)

_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def _node_text(node: Any) -> str:
    if node.root is not None and getattr(node.root, "tag", None) == "meta":
        return " ".join((node.attrib.get("content") or "").split())
    return " ".join((node.xpath("string()").get() or "").split())


def _first_text(page: Selector, selector: str) -> str:
    for node in page.css(selector):
        text = _node_text(node)
        if text:
            return text
    return ""


def read_publication_page(page: Selector, url: str, selectors: dict[str, str]) -> dict[str, Any]:
    """The publication fields of one page, as the selectors find them (strings, untrusted).

    Args:
        page: The parsed page (``response.selector`` in a spider; a parsel ``Selector``).
        url: Its URL, the base of relative links.
        selectors: Page part → CSS selector, over :data:`DEFAULT_SELECTORS`.

    Returns:
        ``{"url", "title", "abstract", "year", "lang", "authors", "download",
        "language_versions": [{"lang", "url"}], "licence_links"}``; missing parts empty.
    """
    sel = {**DEFAULT_SELECTORS, **selectors}
    year_text = ""
    for node in page.css(sel["year"]):
        year_text = node.attrib.get("datetime") or _node_text(node)
        if _YEAR.search(year_text):
            break
    year = _YEAR.search(year_text)
    download = next((urljoin(url, h.strip()) for h in
                     page.css(sel["download"]).xpath("@href").getall() if h.strip()), "")
    versions = []
    for node in page.css(sel["language_versions"]):
        lang, href = node.attrib.get("hreflang", "").strip(), node.attrib.get("href", "").strip()
        other = urljoin(url, href) if href else ""
        if lang and other and lang != "x-default" and other.rstrip("/") != url.rstrip("/"):
            if {"lang": lang, "url": other} not in versions:
                versions.append({"lang": lang, "url": other})
    return {
        "url": url,
        "title": _first_text(page, sel["title"]),
        "abstract": _first_text(page, sel["abstract"]),
        "year": year.group(1) if year else "",
        "lang": (page.xpath("/html/@lang").get() or "").strip(),
        "authors": [t for t in (_node_text(n) for n in page.css(sel["authors"])) if t],
        "download": download,
        "language_versions": versions,
        "licence_links": list(dict.fromkeys(urljoin(url, h.strip()) for h in
                                            page.css(sel["licence"]).xpath("@href").getall()
                                            if h.strip())),
    }


@dataclass(frozen=True, slots=True)
class PublicationResult:
    """What :func:`map_publication` gives the pipeline.

    Attributes:
        raw: Canonical JSON of the page fields, the PDF's URL and SHA-256 and the imprint
            text: the bytes the store keeps.
        resource: The record (licence decided later by the licence step).
        licences: ``(provenance, source_field, statements)`` groups, best first.
        notes: Remarks to count (``"PDF not readable"``).
        lang: The page's declared language, or ``None``.
        imprint: The imprint read, or ``None``.
    """

    raw: bytes
    resource: Resource
    licences: list[tuple[str, str, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lang: str | None = None
    imprint: Imprint | None = None


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _texts(values: Any) -> list[str]:
    return [t for t in (_text(v) for v in (values or [])) if t]


def map_publication(payload: dict[str, Any], *, source: str, record_id: str, datestamp: str,
                    imprint_pages: int = IMPRINT_PAGES) -> PublicationResult:
    """Map a publication page and its PDF.

    Args:
        payload: As in the module docstring.
        source: The source's name.
        record_id: The publication page's URL.
        datestamp: Its modification date or the fetch time (ISO 8601, UTC).
        imprint_pages: PDF pages read for the imprint.

    Returns:
        The record with its raw bytes and licence candidates; a PDF that cannot be read
        adds a note, never an error.
    """
    page = payload.get("page") or {}
    notes: list[str] = []
    pdf, pdf_url = payload.get("pdf"), _text(payload.get("pdf_url")) or None
    imprint = None
    if payload.get("pdf_error"):
        notes.append(f"PDF not fetched ({payload['pdf_error']})")
    elif pdf:
        try:
            imprint = read_imprint(pdf, imprint_pages)
        except ImprintError as exc:
            notes.append(f"PDF not readable ({exc})")
    elif not pdf_url:
        notes.append("no PDF link")
    lang = _text(page.get("lang")) or None
    title = _text(page.get("title"))
    years = [y for y in (_text(page.get("year")), imprint.year if imprint else "") if y]
    dates = [normalise_date(years[0], "issued")] if years else []
    isbns = list(imprint.isbns) if imprint else []
    versions = [v for v in page.get("language_versions") or [] if isinstance(v, dict)]
    resource = Resource(
        id=f"{source}:{record_id}", source=source, oai_identifier=record_id,
        datestamp=datestamp, metadata_prefix="publication-page",
        title=(LangString(title, lang),) if title else (),
        description=tuple(LangString(a, lang) for a in _texts([page.get("abstract")])),
        creator=tuple(LangString(a) for a in dict.fromkeys(_texts(page.get("authors")))),
        publisher=tuple(LangString(p) for p in (imprint.publishers if imprint else ())),
        rights_holder=tuple(LangString(h) for h in (imprint.rights_holders if imprint else ())),
        rights=tuple(LangString(r) for r in dict.fromkeys(
            [*(imprint.copyright if imprint else ()),
             *(imprint.licence_statements if imprint else ())])),
        date=tuple(years[:1]),
        format=("application/pdf",) if pdf_url else (),
        identifier=tuple(dict.fromkeys([record_id, *(u for u in [pdf_url] if u), *isbns])),
        language_raw=(lang,) if lang else (),
        relation=tuple(dict.fromkeys(_text(v.get("url")) for v in versions if _text(v.get("url")))),
    )
    resource = normalise_fields(
        resource, dates=dates,
        identifier_values=[(record_id, None), *((u, None) for u in [pdf_url] if u),
                           *((i, "isbn") for i in isbns)],
        landing_candidates=[record_id], type_terms=["Text"])
    licences: list[tuple[str, str, list[str]]] = []
    if imprint and imprint.licence_statements:
        licences.append(("pdf-imprint", "pdf:imprint", list(imprint.licence_statements)))
    links = _texts(page.get("licence_links"))
    if links:
        licences.append(("landing-page", "html:a[@rel=license]", links))
    raw = json.dumps({"page": page, "pdf_url": pdf_url,
                      "pdf_sha256": hashlib.sha256(pdf).hexdigest() if pdf else None,
                      "imprint": imprint.text if imprint else None},
                     sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return PublicationResult(raw=raw, resource=resource, licences=licences, notes=notes,
                             lang=lang, imprint=imprint)
