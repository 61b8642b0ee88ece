"""Qualified Dublin Core (``dcterms``, ``qdc``, ``oai_qdc``, ``nsdl_dc``) → :class:`Resource`.

Qualified DC records mix DCMES 1.1 elements (``dc:``) with DCMI terms (``dcterms:``) in a
container whose name varies by server (``qdc:qualifieddc``, ``oai_qdc:qualifieddc``,
``nsdl_dc:nsdl_dc``, ``dcterms:…``). Every direct child in either namespace is read;
refinements go to their parent property (``dcterms:abstract`` → description,
``dcterms:isPartOf`` → relation, ``dcterms:spatial`` → coverage) and dates keep their
refinement as role (``dcterms:created`` → role ``"created"``). ``xsi:type`` encoding
schemes are used: ``dcterms:DCMIType`` types go straight to ``dcmi_type``,
``dcterms:URI`` identifiers are URLs, a ``…Handle`` type declares a handle.
``rdf:resource`` gives the value of empty elements (``<dcterms:license rdf:resource=…/>``).
Creators and contributors joined with ``;`` (CONTENTdm) are split, the raw value kept.

Ref: DCMI Metadata Terms, https://www.dublincore.org/specifications/dublin-core/dcmi-terms/ ;
DC-XML guidelines (xsi:type encoding schemes),
https://www.dublincore.org/specifications/dublin-core/dc-xml-guidelines/ .
"""

from __future__ import annotations

from lxml import etree

from harvester.crosswalks.xmlutil import clean, header_fields, lang_of, unique
from harvester.licences import normalise_licence
from harvester.normalise.dates import normalise_date
from harvester.normalise.fields import normalise_fields
from harvester.normalise.names import split_names
from harvester.normalise.types import DCMI_TYPES
from harvester.record import LangString, Resource, Term

__all__ = ["DCTERMS_NS", "map_dcterms"]

DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_RDF_RESOURCE = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource"

#: Lower-case local name -> Resource field holding LangString values.
_LANG_FIELDS: dict[str, str] = {
    "title": "title", "alternative": "title", "creator": "creator", "subject": "subject",
    "description": "description", "abstract": "description", "tableofcontents": "description",
    "publisher": "publisher", "contributor": "contributor", "type": "type",
    "coverage": "coverage", "spatial": "coverage", "temporal": "coverage",
    "rights": "rights", "accessrights": "rights", "license": "rights",
    "rightsholder": "rights_holder",
}

#: Lower-case local name -> Resource field holding plain strings.
_STR_FIELDS: dict[str, str] = {
    "format": "format", "extent": "format", "medium": "format",
    "identifier": "identifier", "source": "derived_from", "language": "language_raw",
    **dict.fromkeys(
        ("relation", "ispartof", "haspart", "isversionof", "hasversion", "isformatof",
         "hasformat", "references", "isreferencedby", "replaces", "isreplacedby",
         "requires", "isrequiredby", "conformsto"), "relation"),
}

#: Date elements -> role (``None`` for plain ``date``).
_DATE_ROLES: dict[str, str | None] = {
    "date": None, "created": "created", "issued": "issued", "modified": "modified",
    "available": "available", "dateaccepted": "accepted", "datecopyrighted": "copyrighted",
    "datesubmitted": "submitted", "valid": "valid",
}

_TERM_FIELDS: dict[str, str] = {"audience": "audience", "mediator": "audience",
                                "educationlevel": "educational_level"}

_DCMI_BY_LOWER = {t.lower(): t for t in DCMI_TYPES}


def map_dcterms(record: etree._Element | None, *, source: str, oai_identifier: str,
                datestamp: str, set_specs: tuple[str, ...] = (),
                metadata_prefix: str = "dcterms") -> Resource:
    """Map one qualified-DC record element and its OAI-PMH header fields to a :class:`Resource`.

    Args:
        record: The container element (its children in the DC 1.1 or DCTERMS namespace),
            or ``None`` for a record without metadata.
        source: Name of the configured source.
        oai_identifier: The header ``identifier``.
        datestamp: The header ``datestamp`` as the server gave it.
        set_specs: The header ``setSpec`` values.
        metadata_prefix: The prefix the record was harvested with (kept on the record).

    Returns:
        The normalised record; with ``record=None`` only the header fields are set.
    """
    header = header_fields(source, oai_identifier, datestamp, set_specs, metadata_prefix)
    if record is None:
        return Resource(**header)
    values: dict[str, list] = {name: [] for name in (*_LANG_FIELDS.values(),
                                                     *_STR_FIELDS.values(), "date",
                                                     *_TERM_FIELDS.values())}
    dates, ids, dcmi, licences, creator_raw = [], [], [], [], []
    for child in record:
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        if qname.namespace not in (DC_NS, DCTERMS_NS):
            continue
        name = qname.localname.lower()
        text = clean("".join(child.itertext())) or clean(child.get(_RDF_RESOURCE))
        if not text:
            continue
        scheme = (child.get(_XSI_TYPE) or "").split(":")[-1].lower()
        if name in _DATE_ROLES:
            values["date"].append(text)
            dates.append(normalise_date(text, _DATE_ROLES[name]))
        elif name in _TERM_FIELDS:
            values[_TERM_FIELDS[name]].append(Term(text, scheme or None))
        elif name == "type" and scheme == "dcmitype" and text.lower() in _DCMI_BY_LOWER:
            dcmi.append(_DCMI_BY_LOWER[text.lower()])
            values["type"].append(LangString(text, lang_of(child)))
        elif name in ("creator", "contributor"):
            names = split_names(text, commas=False)
            if len(names) > 1 and name == "creator":
                creator_raw.append(text)
            values[name].extend(LangString(n, lang_of(child)) for n in names)
        elif name in _LANG_FIELDS:
            values[_LANG_FIELDS[name]].append(LangString(text, lang_of(child)))
            if name == "license":
                licences.append(text)
        elif name in _STR_FIELDS:
            values[_STR_FIELDS[name]].append(text)
            if name == "identifier" and not scheme.endswith("metadatahandle"):
                ids.append((text, "handle" if scheme.endswith("handle") else scheme or None))
    fields = {name: unique(items) for name, items in values.items()}
    statements = [*licences, *(r.value for r in fields["rights"])]
    resource = Resource(**header, **fields, creator_raw=tuple(creator_raw),
                        dcmi_type=unique(dcmi), license=normalise_licence(
                            statements, provenance="metadata",
                            source_field="dcterms:license/dc:rights"))
    return normalise_fields(resource, dates=dates, identifier_values=ids)
