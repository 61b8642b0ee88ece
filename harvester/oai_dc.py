"""Map an OAI-PMH ``oai_dc`` record to a :class:`~harvester.record.Resource`.

Each of the 15 Dublin Core elements goes to the DCTERMS field of the same name
(``dc:source`` becomes ``derived_from``), values in document order. Text values keep the
language their element declares (``xml:lang``, inherited from ancestors as XML specifies)
as :class:`~harvester.record.LangString`. Values are whitespace-trimmed, stripped of
characters outside the XML 1.0 ``Char`` production, and dropped when empty; markup and
escaped markup (Zenodo's ``&lt;p&gt;``) are kept as given, never unescaped.

Ref: OAI-PMH 2.0 §3.5 and the oai_dc schema,
http://www.openarchives.org/OAI/2.0/openarchivesprotocol.htm#dublincore ;
DCMES 1.1, https://www.dublincore.org/specifications/dublin-core/dces/ ;
XML 1.0 §2.2 (Char) and §2.12 (xml:lang), https://www.w3.org/TR/xml/ .
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from harvester.languages import to_bcp47
from harvester.licences import normalise_licence
from harvester.normalise.fields import normalise_fields
from harvester.normalise.identifiers import http_parts
from harvester.record import LangString, Resource

__all__ = ["DC_NS", "OAI_DC_NS", "landing_url", "map_oai_dc"]

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: DC element -> (Resource field, True when the field holds LangString values).
_FIELDS: dict[str, tuple[str, bool]] = {
    "title": ("title", True),
    "creator": ("creator", True),
    "subject": ("subject", True),
    "description": ("description", True),
    "publisher": ("publisher", True),
    "contributor": ("contributor", True),
    "date": ("date", False),
    "type": ("type", True),
    "format": ("format", False),
    "identifier": ("identifier", False),
    "source": ("derived_from", False),
    "language": ("language_raw", False),
    "relation": ("relation", False),
    "coverage": ("coverage", True),
    "rights": ("rights", True),
}

#: Clark-notation tag (``{DC_NS}title``) -> (Resource field, LangString?): one dict lookup
#: per child instead of building an ``etree.QName``.
_TAGS: dict[str, tuple[str, bool]] = {f"{{{DC_NS}}}{element}": target
                                      for element, target in _FIELDS.items()}

#: Characters outside XML 1.0 ``Char`` (#x9 | #xA | #xD | [#x20-#xD7FF] |
#: [#xE000-#xFFFD] | [#x10000-#x10FFFF]).
_NON_XML_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})


def _clean(text: str) -> str:
    """Trim ``text`` and remove characters XML 1.0 does not allow."""
    return _NON_XML_CHARS.sub("", text).strip()


def _lang_of(element: etree._Element) -> str | None:
    """The BCP 47 tag of the nearest ``xml:lang`` on ``element`` or its ancestors.

    Returns:
        The normalised tag, or ``None`` when no ``xml:lang`` applies, it is ``""``
        (XML 1.0 §2.12: language unknown) or it is not a readable language tag.
    """
    node: etree._Element | None = element
    while node is not None:
        lang = node.get(_XML_LANG)
        if lang is not None:
            return to_bcp47(lang) if lang.strip() else None
        node = node.getparent()
    return None


def _http_host(value: str) -> str | None:
    """The host of ``value`` when it is an absolute http(s) URL, else ``None``."""
    if value == value.strip():  # as the crosswalk's values are: shares the cached split
        found = http_parts(value)
        return found[0] if found else None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.hostname:
        return parts.hostname.lower()
    return None


def landing_url(identifiers: tuple[str, ...]) -> str | None:
    """Choose the landing page among a record's identifiers.

    Args:
        identifiers: ``dc:identifier`` values in source order.

    Returns:
        The first http(s) identifier that is not a ``doi.org`` URL; else the first
        ``doi.org`` URL; else ``None`` (bare DOIs, URNs and ``oai:`` ids are not URLs).
    """
    doi_url = None
    for value in identifiers:
        host = _http_host(value)
        if host is None:
            continue
        if host not in _DOI_HOSTS:
            return value
        doi_url = doi_url or value
    return doi_url


def map_oai_dc(dc: etree._Element | None, *, source: str, oai_identifier: str,
               datestamp: str, set_specs: tuple[str, ...] = ()) -> Resource:
    """Map one ``oai_dc:dc`` element and its OAI-PMH header fields to a :class:`Resource`.

    Args:
        dc: The ``oai_dc:dc`` element (its children in the DC 1.1 namespace), or ``None``
            for a record without metadata (e.g. a deleted record).
        source: Name of the configured source.
        oai_identifier: The header ``identifier``.
        datestamp: The header ``datestamp``, as the server gave it (UTC, ISO 8601).
        set_specs: The header ``setSpec`` values.

    Returns:
        The normalised record, ``id = f"{source}:{oai_identifier}"``. With ``dc=None`` only
        the header fields are set. Elements outside the DC namespace, comments and
        processing instructions are ignored; text inside child elements is concatenated.
        ``language`` holds the distinct BCP 47 tags that :func:`to_bcp47` could read from
        ``language_raw``; ``license`` is read from the rights statements
        (:func:`~harvester.licences.normalise_licence`); ``url`` comes from
        :func:`landing_url`. The normalised fields (``dates``, ``issued``, ``identifiers``,
        ``dcmi_type``) are filled by :func:`~harvester.normalise.fields.normalise_fields`.
    """
    header = {"id": f"{source}:{oai_identifier}", "source": source,
              "oai_identifier": oai_identifier, "datestamp": datestamp,
              "metadata_prefix": "oai_dc", "set_specs": tuple(set_specs)}
    if dc is None:
        return Resource(**header)

    values: dict[str, list] = {name: [] for name, _ in _FIELDS.values()}
    inherited: str | None | bool = False  # the record's xml:lang, read once when needed
    for child in dc:
        target = _TAGS.get(child.tag)  # a comment's or PI's tag is not a str: None
        if target is None:
            continue
        # A leaf's text is its only text node; itertext() only for mixed content.
        text = _clean(child.text or "" if len(child) == 0 else "".join(child.itertext()))
        if not text:
            continue
        name, is_lang_string = target
        if not is_lang_string:
            values[name].append(text)
            continue
        lang = child.get(_XML_LANG)
        if lang is None:  # inherited from the ancestors (XML 1.0 §2.12), alike for all
            if inherited is False:
                inherited = _lang_of(dc)
            values[name].append(LangString(text, inherited))
        else:
            values[name].append(LangString(text, to_bcp47(lang) if lang.strip() else None))

    languages: list[str] = []
    for raw in values["language_raw"]:
        tag = to_bcp47(raw)
        if tag is not None and tag not in languages:
            languages.append(tag)
    fields = {name: tuple(items) for name, items in values.items()}
    return normalise_fields(Resource(
        **header,
        **fields,
        language=tuple(languages),
        license=normalise_licence(r.value for r in fields["rights"]),
        url=landing_url(fields["identifier"]),
    ))
