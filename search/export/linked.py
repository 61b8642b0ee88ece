"""Metadata for machines: schema.org/LRMI JSON-LD and Dublin Core XML (``oai_dc``).

**JSON-LD**: one document, an ``ItemList`` whose ``itemListElement`` holds a ``ListItem``
per resource; each item is a ``CreativeWork`` (also ``LearningResource`` when the record
has educational metadata) with ``name``, ``author``, ``publisher``, ``datePublished``,
``inLanguage`` (BCP 47), ``license`` (the licence URL), ``creditText`` (the attribution),
``educationalLevel``, ``learningResourceType``, ``teaches``, ``audience``,
``typicalAgeRange`` and the accessibility properties. ``numberOfItems`` and
``licenceSummary`` (a JSON literal, ``"@type": "@json"``, JSON-LD 1.1) come after the list,
because they are known only at its end. Authors carry no ``@type``: the records do not say
whether a creator is a person or an organisation, and we do not guess.

**oai_dc**: a ``<records>`` document (no namespace: it is our container, not a protocol
response), one ``<record id="…">`` per resource holding an ``oai_dc:dc`` element that
follows ``oai_dc.xsd`` (the fifteen DCMI elements, repeatable, any order, text only,
optional ``xml:lang``) and an ``<attribution>``; then ``<summary>``. ``dc:rights`` holds
the licence URL first, then the rights statements as harvested.

Both are written record by record; text is cleaned (:func:`~search.export.text.clean_text`),
JSON is ``\\u``-escaped for HTML embedding, XML is escaped by lxml.

Ref: schema.org CreativeWork, https://schema.org/CreativeWork ; LRMI 1.1 / schema.org
LearningResource, https://www.dublincore.org/specifications/lrmi/ ; JSON-LD 1.1 §4.2.2
(JSON literals); OAI-PMH 2.0 §6.2 and http://www.openarchives.org/OAI/2.0/oai_dc.xsd .
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from harvester.record import LangString, Resource, Term
from search.export.selection import Entry, Selection
from search.export.text import clean_text, is_language_tag, json_dumps, safe_url

__all__ = ["write_json_ld", "write_oai_dc", "json_ld_item", "oai_dc_element"]

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DCMITYPE = "http://purl.org/dc/dcmitype/"
_NSMAP = {"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
_SCHEMA_LOCATION = f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

_CONTEXT = ["https://schema.org/",
            {"licenceSummary": {"@id": "urn:oer-harvester:licenceSummary", "@type": "@json"}}]


def _texts(values: Iterable[LangString]) -> list[str]:
    return [t for t in (clean_text(v.value) for v in values) if t]


def _term(term: Term) -> dict[str, Any] | str:
    value, label = clean_text(term.value), clean_text(term.label)
    if not label and not term.vocabulary and not safe_url(value):
        return value
    node: dict[str, Any] = {"@type": "DefinedTerm", "name": label or value}
    if safe_url(value):
        node["@id"] = value
    else:
        node["termCode"] = value
    if term.vocabulary:
        node["inDefinedTermSet"] = clean_text(term.vocabulary)
    return node


def json_ld_item(entry: Entry) -> dict[str, Any]:
    """The schema.org ``CreativeWork`` node of one entry (empty properties left out)."""
    r, a = entry.resource, entry.attribution
    educational = (r.educational_level, r.learning_resource_type, r.teaches, r.audience,
                   r.typical_age_range)
    node: dict[str, Any] = {
        "@type": ["CreativeWork", "LearningResource"] if any(educational) else "CreativeWork",
        "@id": a.source_url, "url": a.source_url,
        "name": a.title, "inLanguage": list(r.language),
        "description": clean_text(r.description[0].value, multiline=True) if r.description
        else None,
        "author": [{"name": n} for n in a.authors],
        "publisher": [{"name": n} for n in _texts(r.publisher)],
        "contributor": [{"name": n} for n in _texts(r.contributor)],
        "datePublished": r.issued,
        "keywords": _texts(r.subject),
        "additionalType": [DCMITYPE + t for t in r.dcmi_type],
        "identifier": [{"@type": "PropertyValue", "propertyID": i.scheme, "value": i.value}
                       for i in r.identifiers],
        "isBasedOn": [u for u in map(safe_url, r.derived_from) if u],
        "license": a.licence_url,
        "creditText": a.text,
        "educationalLevel": [_term(t) for t in r.educational_level],
        "learningResourceType": [_term(t) for t in r.learning_resource_type],
        "teaches": [_term(t) for t in r.teaches],
        "audience": [{"@type": "EducationalAudience", "educationalRole": clean_text(t.value)}
                     for t in r.audience],
        "typicalAgeRange": [clean_text(t) for t in r.typical_age_range],
        "accessibilityFeature": [clean_text(t) for t in r.accessibility_feature],
        "accessMode": [clean_text(t) for t in r.access_mode],
        "accessibilityHazard": [clean_text(t) for t in r.accessibility_hazard],
        "accessibilitySummary": " ".join(_texts(r.accessibility_summary)) or None,
    }
    return {k: v for k, v in node.items() if v not in (None, "", [])}


def write_json_ld(resources: Iterable[Resource | None], selection: Selection | None = None, *,
                  summary: bool = True) -> Iterator[str]:
    """Stream the JSON-LD ``ItemList``.

    Args:
        resources: Records in list order (``None``: an index hit missing from the store).
        selection: Licence rules and counters; default: every identified licence.
        summary: Add ``licenceSummary`` after the list.

    Yields:
        Text chunks of one JSON document.
    """
    selection = selection or Selection()
    yield '{"@context":' + json_dumps(_CONTEXT) + ',"@type":"ItemList","itemListElement":['
    position = 0
    for entry in selection.entries(resources):
        position += 1
        item = {"@type": "ListItem", "position": position, "item": json_ld_item(entry)}
        yield ("," if position > 1 else "") + "\n" + json_dumps(item)
    tail = {"numberOfItems": position}
    if summary:
        tail["licenceSummary"] = selection.summary().to_dict()
    yield "\n]," + json_dumps(tail)[1:] + "\n"


def oai_dc_element(resource: Resource, licence_url: str | None) -> etree._Element:
    """The ``oai_dc:dc`` element of a record (cleaned text, valid ``xml:lang`` only).

    Args:
        resource: The record.
        licence_url: The licence URL to put first in ``dc:rights``, or ``None``.
    """
    dc = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap=_NSMAP)
    dc.set(f"{{{XSI_NS}}}schemaLocation", _SCHEMA_LOCATION)

    def add(name: str, values: Iterable[str | LangString]) -> None:
        seen = set()
        for value in values:
            text = clean_text(value.value if isinstance(value, LangString) else value)
            lang = value.lang if isinstance(value, LangString) and is_language_tag(value.lang) \
                else None
            if not text or (text, lang) in seen:
                continue
            seen.add((text, lang))
            element = etree.SubElement(dc, f"{{{DC_NS}}}{name}")
            element.text = text
            if lang:
                element.set(XML_LANG, lang)

    r = resource
    add("title", r.title)
    add("creator", r.creator)
    add("subject", r.subject)
    add("description", r.description)
    add("publisher", r.publisher)
    add("contributor", r.contributor)
    add("date", [d.value or d.raw for d in r.dates] or list(r.date))
    add("type", [*r.dcmi_type, *r.type])
    add("format", r.format)
    add("identifier", [*r.identifier, *([r.url] if r.url else [])])
    add("source", r.derived_from)
    add("language", r.language)
    add("relation", r.relation)
    add("coverage", r.coverage)
    add("rights", [*([licence_url] if licence_url else []), *r.rights])
    return dc


def _xml(element: etree._Element) -> str:
    return etree.tostring(element, encoding="unicode")


def write_oai_dc(resources: Iterable[Resource | None], selection: Selection | None = None, *,
                 summary: bool = True) -> Iterator[str]:
    """Stream the ``<records>`` document of ``oai_dc`` records.

    Args:
        resources: Records in list order (``None``: an index hit missing from the store).
        selection: Licence rules and counters; default: every identified licence.
        summary: Add the ``<summary>`` element.

    Yields:
        Text chunks of one UTF-8 XML document.
    """
    selection = selection or Selection()
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<records>\n'
    for entry in selection.entries(resources):
        record = etree.Element("record", id=clean_text(entry.resource.id),
                               licence=entry.resource.license.id,
                               licence_status=entry.status)
        record.append(oai_dc_element(entry.resource, entry.attribution.licence_url))
        etree.SubElement(record, "attribution", kind=entry.attribution.kind).text = \
            entry.attribution.text
        yield _xml(record) + "\n"
    if summary:
        yield _xml(_summary_element(selection)) + "\n"
    yield "</records>\n"


def _summary_element(selection: Selection) -> etree._Element:
    s = selection.summary()
    root = etree.Element("summary", exported=str(s.exported))
    for lic, name, count in s.by_licence:
        etree.SubElement(root, "licence", id=lic, count=str(count)).text = name
    left = etree.SubElement(root, "leftOut", unknownLicence=str(s.left_out_unknown),
                            missingFromStore=str(s.missing))
    for lic, count in s.left_out_policy:
        etree.SubElement(left, "licence", id=lic, count=str(count))
    compatible = {True: "true", False: "false", None: "undetermined"}[s.remix.compatible]
    remix = etree.SubElement(root, "remix", compatible=compatible)
    for lic in s.remix.licences:
        etree.SubElement(remix, "licence", id=lic)
    for reason in s.remix.reasons:
        etree.SubElement(remix, "reason").text = reason
    for sentence in s.lines():
        etree.SubElement(root, "line").text = sentence
    return root
