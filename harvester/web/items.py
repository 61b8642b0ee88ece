"""The item that travels through the web pipelines (a plain dataclass; Scrapy reads it via itemadapter).

A spider fills what it fetched (``kind``, ``url``, ``record_id``, ``datestamp``, ``payload``);
the pipelines then fill the rest, in the order of
:data:`harvester.web.settings.ITEM_PIPELINES`::

    ExtractPipeline   payload → raw (the bytes the store keeps) + resource + licence candidates
    LicencePipeline   licence candidates → resource.license (with provenance)
    LanguagePipeline  empty resource.language ← the page's declared language
    ValidatePipeline  markup and control characters neutralised; no title → skipped
    StorePipeline     StoredItem / QuarantineItem → Store.save_page, in batches
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harvester.record import Resource

__all__ = ["HarvestItem", "KINDS"]

#: What a spider can hand over: a web page, a UNESDOC open-data record, an IITE publication.
KINDS = ("page", "unesdoc", "iite")


@dataclass(slots=True)
class HarvestItem:
    """One harvested record on its way to the store.

    Attributes:
        kind: One of :data:`KINDS`; chooses the extractor.
        url: Where it was fetched (after redirects).
        record_id: Its id at the source: the URL the sitemap or listing gave (pages), the
            ARK (UNESDOC; set by the extractor). Becomes ``oai_identifier``.
        datestamp: ISO 8601 UTC: the sitemap ``lastmod``, the API's modification date, or
            the fetch time.
        payload: What the spider fetched, by kind: ``{"body": bytes, "encoding": str}``
            (page), ``{"line": bytes}`` (one JSON line of the UNESDOC export),
            ``{"page": {...}, "pdf": bytes | None, "pdf_url": str | None}`` (IITE).
        language_hints: Languages the response declared (``Content-Language``), as given.
        raw: The bytes the store keeps (set by the extractor).
        resource: The normalised record (set by the extractor).
        licence_candidates: ``(provenance, source_field, statements)`` groups, most
            trustworthy first (see :func:`harvester.web.page_mapping.licence_candidates`).
        quarantine: Why the item cannot be mapped (it is stored in quarantine with its
            bytes), else ``None``.
        notes: Things worth a log line (a PDF that was not a PDF …).
    """

    kind: str
    url: str
    record_id: str
    datestamp: str
    payload: dict[str, Any] = field(default_factory=dict)
    language_hints: list[str] = field(default_factory=list)
    raw: bytes = b""
    resource: Resource | None = None
    licence_candidates: list[tuple[str, str, list[str]]] = field(default_factory=list)
    quarantine: str | None = None
    notes: list[str] = field(default_factory=list)
