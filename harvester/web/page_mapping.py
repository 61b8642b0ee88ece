"""A page's metadata (:class:`~harvester.web.extract.PageMetadata`) → :class:`Resource`.

The resource node is chosen from the page's JSON-LD, else its microdata: the first node
that describes a work (:func:`harvester.crosswalks.schema_org.creative_works`), one with
a ``license`` preferred. It is mapped by the schema.org / LRMI crosswalk
(:func:`harvester.crosswalks.schema_org.map_schema_org`), the same one every other
schema.org source uses. A page without such a node is read from its Dublin Core
``<meta>`` tags. Empty title and description are then filled from DC, Open Graph and
``<title>``, in that order.

The licence is not decided here: :func:`licence_candidates` lists the page's statements
grouped by where they come from, most trustworthy first, and the licence step of the
pipeline (:class:`harvester.web.pipelines.LicencePipeline`) picks from them.

Ref: DCMI, "Expressing Dublin Core metadata using HTML/XHTML meta and link elements";
schema.org ``license``; HTML ``rel="license"``; Open Graph protocol, https://ogp.me/ .
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from harvester.crosswalks.schema_org import creative_works, map_schema_org
from harvester.normalise.dates import normalise_date
from harvester.normalise.fields import normalise_fields
from harvester.record import LangString, Resource
from harvester.web.extract import RDFA_LICENCE, PageMetadata

__all__ = ["LicenceCandidates", "licence_candidates", "map_page"]

#: (provenance, source_field, statements) in order of trust; see :func:`licence_candidates`.
LicenceCandidates = list[tuple[str, str, list[str]]]

#: DC element or term (local name, lower case) → Resource field, for pages without JSON-LD.
_DC_TEXT = {"title": "title", "description": "description", "abstract": "description",
            "subject": "subject", "creator": "creator", "contributor": "contributor",
            "publisher": "publisher", "type": "type", "rights": "rights",
            "rightsholder": "rights_holder", "coverage": "coverage"}
_DC_PLAIN = {"format": "format", "identifier": "identifier", "language": "language_raw",
             "relation": "relation", "source": "derived_from"}
_DC_DATES = {"date": None, "issued": "issued", "created": "created", "modified": "modified",
             "available": "available"}


def map_page(meta: PageMetadata, *, source: str, record_id: str, datestamp: str) -> Resource:
    """The normalised record of one page.

    Args:
        meta: What :func:`~harvester.web.extract.extract_page` read from the page.
        source: The source's name.
        record_id: The page's id at the source (the URL listed in the sitemap).
        datestamp: The page's ``lastmod`` or fetch time (ISO 8601, UTC).

    Returns:
        The record, licence as the structured data states it (possibly ``unknown``);
        ``metadata_prefix`` says what it was read from: ``"schema.org"`` (JSON-LD),
        ``"microdata"``, or ``"html"`` (DC ``<meta>``, Open Graph, ``<title>``).
    """
    node, prefix = _resource_node(meta)
    if node is not None:
        resource = map_schema_org(node, source=source, record_id=record_id, datestamp=datestamp,
                                  url=meta.url, metadata_prefix=prefix)
    else:
        resource = _from_dublin_core(meta, source=source, record_id=record_id,
                                     datestamp=datestamp)
    return _fill_gaps(resource, meta)


def licence_candidates(meta: PageMetadata, resource: Resource) -> LicenceCandidates:
    """The page's licence statements, grouped by origin, most trustworthy first.

    1. the structured record's own licence (schema.org ``license``), when the crosswalk
       read one: ``("metadata", "schema:license", …)``;
    2. DC ``<meta>`` ``license``/``rights``: ``("metadata", "html:meta[@name=DC.rights]", …)``;
    3. RDFa licence and rights predicates: ``("metadata", "rdfa:license", …)``;
    4. ``rel="license"`` links: ``("landing-page", "html:a[@rel=license]", …)``;
    5. other links to a CC deed and CC badge images, only when they all name one licence
       (a page that links two licences does not say which is the resource's):
       ``("landing-page", "html:a[@href=creativecommons.org]", …)``.
    """
    groups: LicenceCandidates = []
    if resource.license.raw:
        groups.append(("metadata", "schema:license", [resource.license.raw]))
    dc = meta.dc_values("license", "rights")
    if dc:
        groups.append(("metadata", "html:meta[@name=DC.rights]", dc))
    rdfa = [_rdfa_value(v) for node in meta.rdfa for key in RDFA_LICENCE
            for v in node.get(key, [])]
    if any(rdfa):
        groups.append(("metadata", "rdfa:license", [v for v in rdfa if v]))
    if meta.licence_links:
        groups.append(("landing-page", "html:a[@rel=license]", list(meta.licence_links)))
    if meta.cc_badges:
        groups.append(("landing-page", "html:a[@href=creativecommons.org]", list(meta.cc_badges)))
    return groups


def _resource_node(meta: PageMetadata) -> tuple[dict[str, Any] | None, str]:
    for nodes, prefix in ((meta.jsonld, "schema.org"), (meta.microdata, "microdata")):
        works = creative_works(nodes)
        if works:
            licensed = [w for w in works if w.get("license")]
            return dict((licensed or works)[0]), prefix
    return None, "html"


def _rdfa_value(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("@value")
    return value.strip() if isinstance(value, str) else ""


def _from_dublin_core(meta: PageMetadata, *, source: str, record_id: str,
                      datestamp: str) -> Resource:
    fields: dict[str, list] = {}
    dates = []
    for tag in meta.dublincore:
        name = tag["name"].lower().rsplit(".", 1)[-1]
        value = " ".join(tag["content"].split())
        if not value:
            continue
        if name in _DC_TEXT:
            fields.setdefault(_DC_TEXT[name], []).append(LangString(value))
        elif name in _DC_PLAIN:
            fields.setdefault(_DC_PLAIN[name], []).append(value)
        elif name in _DC_DATES:
            fields.setdefault("date", []).append(value)
            dates.append(normalise_date(value, _DC_DATES[name]))
    resource = Resource(id=f"{source}:{record_id}", source=source, oai_identifier=record_id,
                        datestamp=datestamp, metadata_prefix="html",
                        **{k: tuple(dict.fromkeys(v)) for k, v in fields.items()})
    return normalise_fields(resource, dates=dates,
                            landing_candidates=[c for c in (meta.canonical, meta.url) if c])


def _fill_gaps(resource: Resource, meta: PageMetadata) -> Resource:
    """Title and description from DC, Open Graph, then ``<title>``, when still empty."""
    changes: dict[str, Any] = {}
    if not resource.title:
        title = next((t for t in (*meta.dc_values("title"), meta.opengraph.get("og:title"),
                                  meta.title) if t and t.strip()), None)
        if title:
            changes["title"] = (LangString(" ".join(title.split())),)
    if not resource.description:
        text = next((d for d in (*meta.dc_values("description", "abstract"),
                                 meta.opengraph.get("og:description")) if d and d.strip()), None)
        if text:
            changes["description"] = (LangString(text.strip()),)
    if not resource.url:
        changes["url"] = meta.canonical or meta.url
    return replace(resource, **changes) if changes else resource
