"""Crosswalks: every metadata format we read, mapped to the DCTERMS :class:`~harvester.record.Resource`.

XML formats harvested over OAI-PMH share one mapper signature (:class:`Mapper`, the same as
:func:`harvester.oai_dc.map_oai_dc`): ``mapper(element, *, source, oai_identifier, datestamp,
set_specs) -> Resource``. :data:`XML_MAPPERS` finds the mapper for a ``metadataPrefix``
(aliases included); :data:`NAMESPACE_FORMATS` finds it from the ``metadataNamespace`` a
server declares in ListMetadataFormats, for servers that use their own prefixes.
:func:`choose_format` picks what to harvest from what a server offers, richest first
(:data:`RICHNESS`) unless the source's configuration prefers otherwise.

Non-XML sources have mappers with their own signatures:
:func:`~harvester.crosswalks.schema_org.map_schema_org` (schema.org / LRMI JSON-LD, for the
web harvester) and :func:`~harvester.crosswalks.unesdoc.map_unesdoc` (UNESDOC open data).

Ref: OAI-PMH 2.0 §4.4 ListMetadataFormats,
http://www.openarchives.org/OAI/openarchivesprotocol.html#ListMetadataFormats .
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Protocol

from lxml import etree

from harvester.crosswalks.datacite import map_datacite
from harvester.crosswalks.dcterms import map_dcterms
from harvester.crosswalks.lom import map_lom
from harvester.crosswalks.mods import map_mods
from harvester.oai_dc import map_oai_dc
from harvester.record import Resource

__all__ = ["Mapper", "NAMESPACE_FORMATS", "RICHNESS", "XML_MAPPERS", "canonical_format",
           "choose_format", "mapper_for", "read_metadata_formats"]


class Mapper(Protocol):
    """What every XML crosswalk is: metadata element + OAI-PMH header fields -> Resource."""

    def __call__(self, element: etree._Element | None, *, source: str, oai_identifier: str,
                 datestamp: str, set_specs: tuple[str, ...] = ()) -> Resource: ...


#: Our format name -> its mapper. Each keeps the name as the record's ``metadata_prefix``.
_FORMAT_MAPPERS: dict[str, Mapper] = {
    "oai_dc": map_oai_dc,
    "dcterms": partial(map_dcterms, metadata_prefix="dcterms"),
    "lom": partial(map_lom, metadata_prefix="lom"),
    "mods": partial(map_mods, metadata_prefix="mods"),
    "datacite": partial(map_datacite, metadata_prefix="datacite"),
}

#: metadataPrefix (as servers name them) -> our format name.
PREFIX_FORMATS: dict[str, str] = {
    "oai_dc": "oai_dc",
    "dcterms": "dcterms", "qdc": "dcterms", "oai_qdc": "dcterms", "dcq": "dcterms",
    "qualified-dublin-core": "dcterms", "nsdl_dc": "dcterms", "oai_dcterms": "dcterms",
    "lom": "lom", "oai_lom": "lom", "lre": "lom", "ims1_2_1": "lom", "imsmd": "lom",
    "lom_ims": "lom", "nl_lom": "lom", "czp": "lom", "lomv1.0": "lom",
    "mods": "mods", "oai_mods": "mods", "mods3": "mods",
    "datacite": "datacite", "oai_datacite": "datacite", "datacite3": "datacite",
    "datacite4": "datacite", "oai_datacite3": "datacite", "oai_datacite4": "datacite",
}

#: metadataNamespace -> our format name (OAI-PMH §4.4; prefixes are the server's choice).
NAMESPACE_FORMATS: dict[str, str] = {
    "http://www.openarchives.org/OAI/2.0/oai_dc/": "oai_dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://epubs.cclrc.ac.uk/xmlns/qdc/": "dcterms",
    "http://worldcat.org/xmlschemas/qdc-1.0/": "dcterms",
    "http://ns.nsdl.org/nsdl_dc_v1.02/": "dcterms",
    "http://ltsc.ieee.org/xsd/LOM": "lom",
    "http://www.imsglobal.org/xsd/imsmd_v1p2": "lom",
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1": "lom",
    "http://www.loc.gov/mods/v3": "mods",
    "http://datacite.org/schema/kernel-2.2": "datacite",
    "http://datacite.org/schema/kernel-3": "datacite",
    "http://datacite.org/schema/kernel-4": "datacite",
    "http://schema.datacite.org/oai/oai-1.0/": "datacite",
    "http://schema.datacite.org/oai/oai-1.1/": "datacite",
}

#: Our formats, richest first: LOM carries educational metadata; DataCite typed
#: identifiers, dates and rights URIs; MODS structured names, dates and access conditions;
#: qualified DC refinements; oai_dc is the floor every OAI-PMH server must offer.
RICHNESS: tuple[str, ...] = ("lom", "datacite", "mods", "dcterms", "oai_dc")


def canonical_format(prefix: str, namespace: str | None = None) -> str | None:
    """Our format name for a metadataPrefix, or for its declared metadataNamespace.

    Args:
        prefix: The server's metadataPrefix (any case).
        namespace: Its metadataNamespace from ListMetadataFormats, if known.

    Returns:
        ``"lom"``, ``"datacite"``, ``"mods"``, ``"dcterms"`` or ``"oai_dc"``; ``None`` for
        a format we do not map (``marcxml``, ``dcat``, ``mets`` …).
    """
    fmt = PREFIX_FORMATS.get(prefix.strip().lower())
    if fmt is None and namespace:
        fmt = NAMESPACE_FORMATS.get(namespace.strip())
    return fmt


def mapper_for(prefix: str, namespace: str | None = None) -> Mapper | None:
    """The mapper for a metadataPrefix (or its namespace); the record keeps ``prefix``."""
    fmt = canonical_format(prefix, namespace)
    if fmt is None:
        return None
    if fmt == "oai_dc":
        return map_oai_dc
    base = _FORMAT_MAPPERS[fmt]
    return partial(base.func, metadata_prefix=prefix)  # type: ignore[attr-defined]


#: metadataPrefix -> mapper, every alias included (what the harvester looks up); each
#: mapper records the prefix it was registered under as the record's ``metadata_prefix``.
XML_MAPPERS: dict[str, Mapper] = {prefix: mapper_for(prefix) for prefix in PREFIX_FORMATS}


def choose_format(offered_prefixes: Iterable[str], preferred: Sequence[str] | None = None,
                  *, namespaces: Mapping[str, str] | None = None) -> str | None:
    """Choose the metadataPrefix to harvest from what a server offers.

    Args:
        offered_prefixes: The server's metadataPrefixes (ListMetadataFormats), in its order.
        preferred: The source's own order of preference, as our format names or as
            prefixes (``["oai_dc"]`` to keep simple records; ``["mods", "oai_dc"]``).
            Formats not listed are not chosen; ``None`` uses :data:`RICHNESS`.
        namespaces: prefix -> metadataNamespace, to recognise prefixes we do not know by
            name (see :func:`read_metadata_formats`).

    Returns:
        The offered prefix (as the server spells it, to pass back as ``metadataPrefix``)
        of the first preferred format we map; among several prefixes of one format (Zenodo:
        ``datacite``, ``oai_datacite``, ``datacite4``), the first offered. ``None`` when
        no offered format is one we map and prefer.
    """
    namespaces = namespaces or {}
    offered = list(offered_prefixes)
    by_format: dict[str, list[str]] = {}
    for prefix in offered:
        fmt = canonical_format(prefix, namespaces.get(prefix))
        if fmt is not None:
            by_format.setdefault(fmt, []).append(prefix)
    for wanted in (preferred if preferred is not None else RICHNESS):
        if wanted in offered and canonical_format(wanted, namespaces.get(wanted)):
            return wanted
        fmt = canonical_format(wanted)
        if fmt in by_format:
            return by_format[fmt][0]
    return None


def read_metadata_formats(oai_pmh: etree._Element) -> dict[str, str]:
    """The formats in a ListMetadataFormats response: metadataPrefix -> metadataNamespace.

    Args:
        oai_pmh: The parsed ``OAI-PMH`` root element of a ListMetadataFormats response.

    Returns:
        Prefixes in the server's order (namespace ``""`` when the server left it out).
    """
    ns = "{http://www.openarchives.org/OAI/2.0/}"
    formats: dict[str, str] = {}
    for fmt in oai_pmh.iter(f"{ns}metadataFormat"):
        prefix = (fmt.findtext(f"{ns}metadataPrefix") or "").strip()
        if prefix:
            formats[prefix] = (fmt.findtext(f"{ns}metadataNamespace") or "").strip()
    return formats
