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

from urllib.parse import urlsplit

from lxml import etree

from harvester.languages import to_bcp47
from harvester.licences import normalise_licence
from harvester.normalise.fields import bcp47_tags, normalised_fields
from harvester.normalise.identifiers import http_parts
from harvester.record import LangString, Resource
from harvester.xml_text import XML_LANG as _XML_LANG
from harvester.xml_text import clean as _clean
from harvester.xml_text import lang_of as _lang_of

__all__ = ["DC_NS", "OAI_DC_NS", "landing_url", "map_oai_dc"]

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"

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

_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})


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
        ``dcmi_type``) are those :func:`~harvester.normalise.fields.normalise_fields` sets,
        computed before the record is built
        (:func:`~harvester.normalise.fields.normalised_fields`), so it is built once.
    """
    record = {"id": f"{source}:{oai_identifier}", "source": source,
              "oai_identifier": oai_identifier, "datestamp": datestamp,
              "metadata_prefix": "oai_dc", "set_specs": tuple(set_specs)}
    if dc is None:
        return Resource(**record)
    record.update(_dc_values(dc))
    identifier = record.get("identifier", ())
    record["language"] = bcp47_tags(record.get("language_raw", ()))
    record["license"] = normalise_licence([r.value for r in record.get("rights", ())])
    record["url"] = landing_url(identifier)
    record.update(normalised_fields(record))
    return Resource(**record)  # built once, normalised fields included


def _dc_values(dc: etree._Element) -> dict[str, tuple]:
    """The DC elements of ``dc`` as ``Resource`` field -> values in document order.

    Returns:
        Only the fields that have a value (the others keep the ``Resource`` default ``()``);
        text fields hold :class:`LangString` values.
    """
    values: dict[str, list] = {}
    inherited: str | None | bool = False  # the record's xml:lang, read once when needed
    for child in dc:
        target = _TAGS.get(child.tag)  # a comment's or PI's tag is not a str: None
        if target is None:
            continue
        # A leaf's text is its only text node; itertext() only for mixed content.
        text = child.text if len(child) == 0 else "".join(child.itertext())
        if not text:
            continue
        # _clean() inline for the common case: printable text holds no non-XML character.
        text = text.strip() if text.isprintable() else _clean(text)
        if not text:
            continue
        name, is_lang_string = target
        value: str | LangString = text
        if is_lang_string:
            lang = child.get(_XML_LANG)
            if lang is None:  # inherited from the ancestors (XML 1.0 §2.12), alike for all
                if inherited is False:
                    inherited = _lang_of(dc)
                value = LangString(text, inherited)
            else:
                value = LangString(text, to_bcp47(lang) if lang.strip() else None)
        found = values.get(name)
        if found is None:
            values[name] = [value]
        else:
            found.append(value)
    return {name: tuple(items) for name, items in values.items()}
