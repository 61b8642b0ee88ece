"""The item pipelines of every web harvest, in the order of :data:`harvester.web.settings.ITEM_PIPELINES`.

extract (100) → licence (200) → language (300) → validate (400) → store (500). Each step
reads and fills one :class:`~harvester.web.items.HarvestItem`; a document that gives no
record is dropped with a counted, logged reason (``DropItem``); a record that cannot be
mapped travels on with ``quarantine`` set and is stored in quarantine with its bytes.

Ref: https://docs.scrapy.org/en/latest/topics/item-pipeline.html .
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import lxml.etree
import lxml.html
from scrapy.exceptions import DropItem

from harvester.licences import normalise_licence, parse_licence
from harvester.normalise.fields import bcp47_tags
from harvester.record import UNKNOWN_LICENCE, LangString, Licence, Resource
from harvester.store import QuarantineItem, StoredItem
from harvester.web.context import CrawlContext
from harvester.web.extractors import EXTRACTORS, SkipItem
from harvester.web.items import HarvestItem

__all__ = ["ExtractPipeline", "LanguagePipeline", "LicencePipeline", "StorePipeline",
           "ValidatePipeline", "choose_licence", "neutralise"]

#: Licence groups used only when every statement in them names the same licence.
UNANIMOUS_FIELDS = frozenset({"html:a[@href=creativecommons.org]"})
#: Text fields cleaned of markup and control characters before storing.
TEXT_FIELDS = ("title", "description", "subject", "creator", "contributor", "publisher",
               "rights_holder", "coverage", "accessibility_summary")
#: Bytes of a quarantined document kept.
MAX_QUARANTINE_BYTES = 1024 * 1024

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def neutralise(text: str) -> str:
    """Harvested text made safe to store and show: markup reduced to its text (scripts and
    styles dropped with their content), control and bidi-override characters removed,
    whitespace runs collapsed. ``"x < y"`` stays as it is."""
    if _TAG.search(text):
        try:
            fragment = lxml.html.fragment_fromstring(text, create_parent="div")
            for bad in fragment.xpath(".//script|.//style|.//noscript|.//template"):
                bad.drop_tree()
            text = fragment.text_content()
        except (lxml.etree.ParserError, ValueError):
            text = _TAG.sub(" ", text)
    return " ".join(_CONTROL.sub("", text).split())


def choose_licence(groups: list[tuple[str, str, list[str]]]) -> Licence:
    """The licence of a record from its statement groups (best first).

    The first group naming a standard licence (status ``known``) wins; else the first
    naming a notice (``custom``, e.g. all rights reserved); else ``unknown`` with every
    statement kept in ``raw``. A group in :data:`UNANIMOUS_FIELDS` (CC badges and deed
    links anywhere on a page) counts only when all its statements name one licence.
    """
    fallback = None
    for provenance, source_field, statements in groups:
        if source_field in UNANIMOUS_FIELDS:
            ids = {lic.id for lic in map(parse_licence, statements) if lic is not None}
            if len(ids) != 1:
                continue
        licence = normalise_licence(statements, provenance=provenance, source_field=source_field)
        if licence.status == "known":
            return licence
        if licence.known and fallback is None:
            fallback = licence
    if fallback is not None:
        return fallback
    seen = [s for _, _, statements in groups for s in statements]
    unknown = normalise_licence(seen)
    return Licence(id=UNKNOWN_LICENCE, raw=" | ".join(seen) or None, scope_note=unknown.scope_note)


class _Step:
    """A pipeline step with the crawl's :class:`CrawlContext` (``spider.context``)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> _Step:
        return cls(crawler)

    @property
    def context(self) -> CrawlContext:
        return self.crawler.spider.context


class ExtractPipeline(_Step):
    """Payload → raw bytes + record + licence candidates (:data:`~harvester.web.extractors.EXTRACTORS`)."""

    def process_item(self, item: HarvestItem, spider: Any = None) -> HarvestItem:
        ctx = self.context
        try:
            EXTRACTORS[item.kind](item, ctx.source)
        except SkipItem as exc:
            ctx.skip(exc.reason, item.url, exc.detail)
            raise DropItem(exc.reason) from exc
        return item


class LicencePipeline(_Step):
    """Licence candidates → ``resource.license`` (:func:`choose_licence`)."""

    def process_item(self, item: HarvestItem, spider: Any = None) -> HarvestItem:
        if item.resource is None or item.quarantine:
            return item
        licence = choose_licence(item.licence_candidates)
        if not licence.known:
            item.notes.append("without a licence")
        item.resource = replace(item.resource, license=licence)
        return item


class LanguagePipeline(_Step):
    """An empty ``resource.language`` ← the languages the page or response declared."""

    def process_item(self, item: HarvestItem, spider: Any = None) -> HarvestItem:
        resource = item.resource
        if resource is None or item.quarantine or resource.language:
            return item
        hints = [h for h in item.language_hints if h and h.strip()]
        tags = bcp47_tags(hints)
        if tags:
            item.resource = replace(resource, language=tags,
                                    language_raw=resource.language_raw or tuple(hints))
        return item


class ValidatePipeline(_Step):
    """Text neutralised (:func:`neutralise`); a record without title or id is skipped."""

    def process_item(self, item: HarvestItem, spider: Any = None) -> HarvestItem:
        if item.quarantine:
            return item
        resource = item.resource
        if resource is None:
            self.context.skip("no record", item.url)
            raise DropItem("no record")
        changes = {}
        for name in TEXT_FIELDS:
            values = getattr(resource, name)
            cleaned = tuple(dict.fromkeys(
                LangString(neutralise(v.value), v.lang) for v in values if neutralise(v.value)))
            if cleaned != values:
                changes[name] = cleaned
        if changes:
            resource = replace(resource, **changes)
        if not resource.title:
            self.context.skip("no title", item.url)
            raise DropItem("no title")
        if not resource.oai_identifier or len(resource.oai_identifier) > 2048:
            self.context.skip("no usable identifier", item.url)
            raise DropItem("no usable identifier")
        item.resource = resource
        return item


class StorePipeline(_Step):
    """Records (and set-aside records) → the store, in batches with the source state."""

    def process_item(self, item: HarvestItem, spider: Any = None) -> HarvestItem:
        ctx = self.context
        if item.quarantine or item.resource is None:
            raw = item.raw or item.payload.get("body") or item.payload.get("line") or b""
            ctx.add(QuarantineItem(item.record_id, item.quarantine or "no record",
                                   bytes(raw[:MAX_QUARANTINE_BYTES])))
            return item
        resource: Resource = item.resource
        for note in item.notes:  # counted for stored records only
            ctx.note(note.split(" (")[0], item.url)
        ctx.add(StoredItem(record_id=resource.id, oai_identifier=resource.oai_identifier,
                           datestamp=item.datestamp, deleted=False, raw=item.raw,
                           encoding="utf-8", namespaces={"url": item.url, "kind": item.kind},
                           resource=resource))
        return item

    def close_spider(self, spider: Any = None) -> None:
        self.context.flush()
