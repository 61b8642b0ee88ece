"""DataCite Metadata Schema, kernel 2.x, 3 and 4 (``datacite``, ``oai_datacite``) → :class:`Resource`.

Servers send the ``resource`` element either directly (Zenodo ``datacite``) or wrapped in
``oai_datacite/payload`` (DataCite's OAI provider, DSpace ``oai_datacite``); both are
accepted. Kernels 2.x, 3 and 4 share the element names read here, so elements are matched
by local name within the ``resource``'s own namespace.

* ``identifier`` (DOI) and ``alternateIdentifiers`` → identifier (types declare the
  scheme; an alternate identifier of type URL is the landing page);
* ``titles``: untyped and ``AlternativeTitle``/``TranslatedTitle`` titles, a ``Subtitle``
  joined to the title before it as ``"Title: Subtitle"``;
* ``creators``/``contributors`` by ``creatorName``/``contributorName``;
* ``publisher``; ``dates`` with ``dateType`` as role; ``publicationYear`` as an ``issued``
  date when no ``Issued`` date is given;
* ``resourceType`` text and ``resourceTypeGeneral`` → type, DCMI from the general type;
* ``subjects``, ``language``, ``formats``/``sizes`` → format, ``descriptions``,
  ``geoLocations/geoLocationPlace`` → coverage, ``relatedIdentifiers`` → relation;
* ``rightsList/rights``: the text and ``rightsURI`` → rights (and the licence).

Ref: DataCite Metadata Schema 4.5, https://schema.datacite.org/meta/kernel-4.5/ ;
kernel 3.1 documentation, https://schema.datacite.org/meta/kernel-3.1/ ;
OAI-PMH oai_datacite, https://schema.datacite.org/oai/oai-1.1/ .
"""

from __future__ import annotations

from lxml import etree

from harvester.crosswalks.xmlutil import children, first, header_fields, lang_string, text_of, unique
from harvester.licences import normalise_licence
from harvester.normalise.dates import normalise_date
from harvester.normalise.fields import normalise_fields
from harvester.record import LangString, Resource

__all__ = ["map_datacite"]

_EXTRA_TITLE_TYPES = frozenset({"alternativetitle", "translatedtitle", "other"})


def _resource_element(element: etree._Element) -> etree._Element | None:
    """The DataCite ``resource`` element itself, or the one inside ``oai_datacite/payload``."""
    if etree.QName(element).localname == "resource":
        return element
    payload = first(element, "payload")
    return first(payload, "resource") if payload is not None else None


def _titles(resource: etree._Element) -> list[LangString]:
    titles: list[LangString] = []
    for title in children(first(resource, "titles"), "title"):
        value = lang_string(title, collapse=True)
        if value is None:
            continue
        kind = (title.get("titleType") or "").lower()
        if kind == "subtitle" and titles:
            titles[-1] = LangString(f"{titles[-1].value}: {value.value}", titles[-1].lang)
        elif not kind or kind in _EXTRA_TITLE_TYPES or kind == "subtitle":
            titles.append(value)
    return titles


def map_datacite(record: etree._Element | None, *, source: str, oai_identifier: str,
                 datestamp: str, set_specs: tuple[str, ...] = (),
                 metadata_prefix: str = "datacite") -> Resource:
    """Map one DataCite record and its OAI-PMH header fields to a :class:`Resource`.

    Args:
        record: The ``resource`` element, or an ``oai_datacite`` element wrapping it, or
            ``None`` for a record without metadata.
        source: Name of the configured source.
        oai_identifier: The header ``identifier``.
        datestamp: The header ``datestamp`` as the server gave it.
        set_specs: The header ``setSpec`` values.
        metadata_prefix: The prefix the record was harvested with.

    Returns:
        The normalised record (only header fields when there is no ``resource``).
    """
    header = header_fields(source, oai_identifier, datestamp, set_specs, metadata_prefix)
    resource = _resource_element(record) if record is not None else None
    if resource is None:
        return Resource(**header)
    f: dict[str, list] = {k: [] for k in (
        "creator", "contributor", "publisher", "subject", "date", "type", "language_raw",
        "format", "identifier", "description", "coverage", "relation", "rights")}
    dates, ids, landing, general = [], [], [], []

    doi = first(resource, "identifier")
    if doi is not None and text_of(doi):
        f["identifier"].append(text_of(doi, collapse=True))
        ids.append((text_of(doi, collapse=True), doi.get("identifierType")))
    for alt in children(first(resource, "alternateIdentifiers"), "alternateIdentifier"):
        value, kind = text_of(alt, collapse=True), alt.get("alternateIdentifierType", "")
        if value:
            f["identifier"].append(value)
            ids.append((value, kind))
            if kind.lower() == "url":
                landing.append(value)
    for creator in children(first(resource, "creators"), "creator"):
        f["creator"].append(lang_string(first(creator, "creatorName"), collapse=True))
    for contributor in children(first(resource, "contributors"), "contributor"):
        f["contributor"].append(lang_string(first(contributor, "contributorName"), collapse=True))
    for publisher in children(resource, "publisher"):
        f["publisher"].append(lang_string(publisher, collapse=True))
    for subject in children(first(resource, "subjects"), "subject"):
        f["subject"].append(lang_string(subject, collapse=True))
    for when in children(first(resource, "dates"), "date"):
        raw = text_of(when, collapse=True)
        if raw:
            f["date"].append(raw)
            dates.append(normalise_date(raw, when.get("dateType")))
    year = text_of(first(resource, "publicationYear"), collapse=True)
    if year:
        f["date"].append(year)
        if not any(d.role == "issued" for d in dates):
            dates.append(normalise_date(year, "issued"))
    kind = first(resource, "resourceType")
    if kind is not None:
        general_type = (kind.get("resourceTypeGeneral") or "").strip()
        for value in (text_of(kind, collapse=True), general_type):
            if value:
                f["type"].append(LangString(value))
        if general_type:
            general.append(general_type)
    f["language_raw"] += (text_of(x) for x in children(resource, "language"))
    f["format"] += (text_of(x, collapse=True) for x in children(first(resource, "formats"), "format"))
    f["format"] += (text_of(x, collapse=True) for x in children(first(resource, "sizes"), "size"))
    for desc in children(first(resource, "descriptions"), "description"):
        f["description"].append(lang_string(desc))
    for place in resource.iter("{*}geoLocationPlace"):
        f["coverage"].append(lang_string(place, collapse=True))
    for related in children(first(resource, "relatedIdentifiers"), "relatedIdentifier"):
        f["relation"].append(text_of(related, collapse=True))
    statements = []
    for rights in children(first(resource, "rightsList"), "rights"):
        for value in ((rights.get("rightsURI") or "").strip(), text_of(rights, collapse=True)):
            if value:
                f["rights"].append(LangString(value, None))
                statements.append(value)

    fields = {k: unique(v for v in items if v) for k, items in f.items()}
    record_out = Resource(**header, **fields, title=tuple(_titles(resource)),
                          license=normalise_licence(
                              statements, provenance="metadata",
                              source_field="datacite:rightsList/rights"))
    return normalise_fields(record_out, dates=dates, identifier_values=ids,
                            landing_candidates=landing,
                            type_terms=general or [t.value for t in fields["type"]])
