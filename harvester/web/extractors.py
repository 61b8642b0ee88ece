"""The extract step, one function per item kind: fetched payload → raw bytes + record.

Each extractor fills :attr:`HarvestItem.raw` (what the store keeps), ``resource`` and
``licence_candidates``. It raises :class:`SkipItem` for a document that is no record (not
HTML, empty), and sets ``item.quarantine`` for a record that cannot be read or mapped, so
it is kept with its bytes and the reason (as OAI-PMH records are).

- ``page``: :func:`~harvester.web.extract.extract_page` then
  :func:`~harvester.web.page_mapping.map_page`; raw = the extraction's canonical JSON.
- ``unesdoc``: one JSON line of the open-data export →
  :func:`harvester.crosswalks.unesdoc.map_unesdoc`; raw = the line's bytes as received.
- ``iite``: publication page fields + the PDF imprint →
  :func:`harvester.web.publication.map_publication`.

No Scrapy import here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from harvester.crosswalks.unesdoc import map_unesdoc
from harvester.web.extract import extract_page
from harvester.web.imprint import IMPRINT_PAGES
from harvester.web.items import HarvestItem
from harvester.web.page_mapping import licence_candidates, map_page
from harvester.web.publication import map_publication

log = logging.getLogger(__name__)

__all__ = ["EXTRACTORS", "SkipItem", "rename_fields"]


class SkipItem(Exception):
    """A document that gives no record; ``reason`` is counted (``"not HTML"``)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def extract_page_item(item: HarvestItem, source: Any) -> None:
    """A web page: its structured metadata, mapped by the schema.org crosswalk or from DC."""
    body = item.payload.get("body") or b""
    try:
        meta = extract_page(body, item.url, item.payload.get("encoding"))
    except ValueError as exc:
        raise SkipItem("not readable as HTML", str(exc)) from exc
    item.raw = meta.to_bytes()
    if meta.lang:
        item.language_hints.insert(0, meta.lang)
    try:
        item.resource = map_page(meta, source=source.name, record_id=item.record_id,
                                 datestamp=item.datestamp)
    except Exception as exc:  # a page the crosswalk cannot map is set aside, not lost
        log.exception("[%s] %s: mapping failed", source.name, item.url)
        item.quarantine = f"mapping failed: {exc!r}"
        return
    item.licence_candidates = licence_candidates(meta, item.resource)


def rename_fields(record: Mapping[str, Any], field_names: Mapping[str, str]) -> dict[str, Any]:
    """``record`` with the dataset's field names turned into ours (``field_names``: ours → theirs)."""
    renamed = dict(record)
    for ours, theirs in field_names.items():
        if theirs in record:
            renamed[ours] = record[theirs]
    return renamed


def extract_unesdoc_item(item: HarvestItem, source: Any) -> None:
    """One line of the UNESDOC open-data export (a JSON object per line)."""
    line: bytes = item.payload.get("line") or b""
    item.raw = line
    try:
        record = json.loads(line)
        if not isinstance(record, dict):
            raise ValueError("a JSON line that is not an object")
        record = rename_fields(record, getattr(source, "field_names", {}) or {})
        item.resource = map_unesdoc(record, source=source.name, datestamp=item.datestamp)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError; so is "no url"
        item.quarantine = f"unreadable record: {exc}"
        return
    except Exception as exc:
        log.exception("[%s] %s: mapping failed", source.name, item.record_id)
        item.quarantine = f"mapping failed: {exc!r}"
        return
    item.record_id = item.resource.oai_identifier
    if item.resource.license.raw:
        item.licence_candidates = [("metadata", "unesdoc:rights", [item.resource.license.raw])]


def extract_iite_item(item: HarvestItem, source: Any) -> None:
    """An IITE publication: its page's fields and its PDF's imprint."""
    try:
        result = map_publication(item.payload, source=source.name, record_id=item.record_id,
                                 datestamp=item.datestamp,
                                 imprint_pages=item.payload.get("imprint_pages", IMPRINT_PAGES))
    except Exception as exc:
        log.exception("[%s] %s: mapping failed", source.name, item.url)
        item.raw = json.dumps(item.payload.get("page", {}), sort_keys=True,
                              ensure_ascii=False).encode()
        item.quarantine = f"mapping failed: {exc!r}"
        return
    item.raw, item.resource, item.licence_candidates = result.raw, result.resource, result.licences
    item.notes.extend(result.notes)
    if result.lang:
        item.language_hints.insert(0, result.lang)


#: Item kind → its extractor.
EXTRACTORS: dict[str, Callable[[HarvestItem, Any], None]] = {
    "page": extract_page_item,
    "unesdoc": extract_unesdoc_item,
    "iite": extract_iite_item,
}
