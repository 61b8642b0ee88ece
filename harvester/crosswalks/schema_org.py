"""schema.org / LRMI JSON-LD (and the AMB profile) → :class:`Resource`.

For OER pages and APIs that describe a resource in schema.org terms: HOOU and other OER
portals (``CreativeWork`` with LRMI properties), Pressbooks (``Chapter``), AMB records
(``id``/``type`` aliases, SKOS-style ``{id, prefLabel}`` concepts). The JSON-LD is read as
plain JSON with schema.org's term names, without fetching contexts: compact JSON-LD with a
schema.org context is what publishers send. ``null`` values (HOOU sends every LRMI key,
mostly ``null``) are absent values.

Properties read: ``name``/``headline``/``alternateName`` → title; ``description``;
``keywords`` (comma-separated text or list) and ``about`` → subject; ``author``/``creator`` →
creator; ``contributor``/``editor``/``translator``/``illustrator`` → contributor;
``publisher`` (``provider`` when no publisher) → publisher; ``datePublished`` (issued),
``dateCreated``, ``dateModified``, ``copyrightYear``, ``uploadDate`` → dates;
``inLanguage``; ``license``/``usageInfo``/``copyrightNotice``/``conditionsOfAccess`` →
rights; ``url``/``@id``/``identifier``/``isbn``/``mainEntityOfPage`` → identifier;
``@type`` → type; ``encodingFormat`` → format; ``isPartOf`` → relation; ``isBasedOn`` →
derived_from. LRMI: ``learningResourceType``, ``educationalLevel``, ``audience``
(``educationalRole``), ``educationalRole``, ``typicalAgeRange``, ``teaches``,
``educationalAlignment`` (``educationalLevel``/``teaches`` alignments); accessibility:
``accessibilityFeature``, ``accessMode``, ``accessibilityHazard``, ``accessibilitySummary``.

Ref: schema.org CreativeWork, https://schema.org/CreativeWork ; LRMI 1.1 / DCMI LRMI,
https://www.dublincore.org/specifications/lrmi/ ; AMB, https://w3id.org/kim/amb/latest/ ;
JSON-LD 1.1 §4.2 (value objects), https://www.w3.org/TR/json-ld11/ .
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import lxml.html

from harvester.crosswalks.xmlutil import clean, unique
from harvester.languages import to_bcp47
from harvester.licences import normalise_licence
from harvester.normalise.dates import normalise_date
from harvester.normalise.fields import normalise_fields
from harvester.record import LangString, Resource, Term

__all__ = ["creative_works", "jsonld_blocks", "map_schema_org"]

#: Types that describe the site, not a resource (skipped by :func:`creative_works`).
NON_WORK_TYPES = frozenset({
    "Organization", "EducationalOrganization", "CollegeOrUniversity", "Person", "WebSite",
    "BreadcrumbList", "ListItem", "SiteNavigationElement", "SearchAction", "Place",
    "PostalAddress", "ContactPoint", "WPHeader", "WPFooter", "Corporation", "NewsMediaOrganization",
})

_DATE_ROLES = {"datePublished": "issued", "dateCreated": "created", "dateModified": "modified",
               "copyrightYear": "copyrighted", "uploadDate": "uploaded"}
_LEVEL_ALIGNMENTS = frozenset({"educationallevel", "educationlevel"})


def _items(value: Any) -> list[Any]:
    """A property's values as a list, ``null`` dropped."""
    if value is None:
        return []
    return [v for v in (value if isinstance(value, list) else [value]) if v is not None]


def _text(value: Any) -> str:
    """The text of a literal, a ``@value`` object or a number; ``""`` otherwise."""
    if isinstance(value, Mapping):
        value = value.get("@value")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return clean(value) if isinstance(value, str) else ""


def _lang_strings(value: Any) -> list[LangString]:
    result = []
    for item in _items(value):
        text = _text(item)
        if text:
            lang = item.get("@language") if isinstance(item, Mapping) else None
            result.append(LangString(text, to_bcp47(lang) if lang else None))
    return result


def _label(value: Any) -> str:
    """A human label of a node: ``name``, AMB ``prefLabel`` (en, de, any), or text."""
    if not isinstance(value, Mapping):
        return _text(value)
    name = _text(value.get("name"))
    if name:
        return name
    labels = value.get("prefLabel")
    if isinstance(labels, Mapping):
        for lang in ("en", "de", *labels):
            if _text(labels.get(lang)):
                return _text(labels.get(lang))
    return ""


def _node_id(value: Any) -> str:
    if isinstance(value, Mapping):
        return _text(value.get("@id") or value.get("id") or value.get("url"))
    return ""


def _names(value: Any) -> list[LangString]:
    """Agent names (Person, Organization or text)."""
    names = []
    for item in _items(value):
        name = _label(item)
        if not name and isinstance(item, Mapping):
            family, given = _text(item.get("familyName")), _text(item.get("givenName"))
            name = f"{family}, {given}" if family and given else family or given
        if name:
            names.append(LangString(name))
    return names


def _terms(value: Any) -> list[Term]:
    """Controlled values: text, DefinedTerm, AMB/SKOS concept."""
    terms = []
    for item in _items(value):
        if not isinstance(item, Mapping):
            if _text(item):
                terms.append(Term(_text(item)))
            continue
        scheme = item.get("inDefinedTermSet") or item.get("inScheme")
        vocabulary = _node_id(scheme) or _text(scheme) or None
        label = _label(item) or None
        code = _text(item.get("termCode")) or _node_id(item)
        if code or label:
            terms.append(Term(code or label, vocabulary, label if code else None))
    return terms


def _strings(value: Any) -> list[str]:
    return [t for t in (_text(v) or _node_id(v) or _label(v) for v in _items(value)) if t]


def map_schema_org(node: Mapping[str, Any], *, source: str, record_id: str, datestamp: str,
                   url: str | None = None, metadata_prefix: str = "schema.org") -> Resource:
    """Map one schema.org / LRMI JSON-LD node to a :class:`Resource`.

    Args:
        node: One JSON-LD node (a dict), e.g. from :func:`creative_works`.
        source: Name of the configured source.
        record_id: The resource's id at the source (its page URL or API id); becomes
            ``oai_identifier`` and ``id = f"{source}:{record_id}"``.
        datestamp: When the source last changed it or we fetched it (ISO 8601, UTC).
        url: The page the node was found on: an identifier of the resource, and its landing
            page unless the node names one (``url``).
        metadata_prefix: Kept on the record (``"schema.org"``, ``"amb"`` …).

    Returns:
        The normalised record.
    """
    get = node.get
    types = [t for t in _strings(get("@type") or get("type"))]
    f: dict[str, list] = {
        "title": _lang_strings(get("name")) + _lang_strings(get("headline"))
        + _lang_strings(get("alternateName")),
        "description": _lang_strings(get("description")),
        "subject": [], "creator": _names(get("author")) + _names(get("creator")),
        "contributor": [n for key in ("contributor", "editor", "translator", "illustrator")
                        for n in _names(get(key))],
        "publisher": _names(get("publisher")) or _names(get("provider")),
        "type": [LangString(t) for t in types],
        "format": _strings(get("encodingFormat"))
        + [_text(e.get("encodingFormat")) for e in _items(get("encoding")) if isinstance(e, Mapping)],
        "relation": [_label(v) or _node_id(v) for v in _items(get("isPartOf"))],
        "derived_from": _strings(get("isBasedOn")) + _strings(get("isBasedOnUrl")),
        "language_raw": [_text(v) or _text(v.get("alternateName")) or _label(v)
                         if isinstance(v, Mapping) else _text(v) for v in _items(get("inLanguage"))],
        "learning_resource_type": _terms(get("learningResourceType")),
        "educational_level": _terms(get("educationalLevel")),
        "teaches": _terms(get("teaches")),
        "audience": _terms(get("educationalRole")),
        "typical_age_range": _strings(get("typicalAgeRange")),
        "accessibility_feature": _strings(get("accessibilityFeature")),
        "access_mode": _strings(get("accessMode")),
        "accessibility_hazard": _strings(get("accessibilityHazard")),
        "accessibility_summary": _lang_strings(get("accessibilitySummary")),
    }
    for keywords in _items(get("keywords")):
        parts = keywords.split(",") if isinstance(keywords, str) else [_label(keywords)]
        f["subject"] += (LangString(clean(p)) for p in parts if clean(p))
    f["subject"] += (LangString(_label(a)) for a in _items(get("about")) if _label(a))
    for audience in _items(get("audience")):
        if isinstance(audience, Mapping) and (audience.get("educationalRole")
                                              or audience.get("audienceType")):
            f["audience"] += _terms(audience.get("educationalRole") or audience.get("audienceType"))
        elif isinstance(audience, Mapping) and _node_id(audience):
            f["audience"] += _terms(audience)
        elif isinstance(audience, str):
            f["audience"] += _terms(audience)
    for alignment in _items(get("educationalAlignment")):
        if not isinstance(alignment, Mapping):
            continue
        kind = _text(alignment.get("alignmentType")).lower()
        target = _text(alignment.get("targetUrl")) or _text(alignment.get("targetName"))
        if target and (kind in _LEVEL_ALIGNMENTS or kind == "teaches"):
            term = Term(target, _text(alignment.get("educationalFramework")) or None,
                        _text(alignment.get("targetName")) or None)
            f["educational_level" if kind in _LEVEL_ALIGNMENTS else "teaches"].append(term)

    rights, statements = [], []
    for key in ("license", "usageInfo", "copyrightNotice", "conditionsOfAccess"):
        for item in _items(get(key)):
            for value in (_node_id(item), _label(item)) if isinstance(item, Mapping) else (_text(item),):
                if value:
                    rights.append(LangString(value))
                    if key in ("license", "usageInfo"):
                        statements.append(value)
    dates, raw_dates = [], []
    for key, role in _DATE_ROLES.items():
        for item in _items(get(key)):
            if _text(item):
                raw_dates.append(_text(item))
                dates.append(normalise_date(_text(item), role))
    ids = [(v, None) for v in (_text(get("url")), _node_id(node), *_strings(get("mainEntityOfPage")),
                               url or "") if v.startswith(("http://", "https://"))]
    for ident in _items(get("identifier")):
        if isinstance(ident, Mapping):
            ids.append((_text(ident.get("value")), _text(ident.get("propertyID")) or None))
        elif _text(ident):
            ids.append((_text(ident), None))
    ids += [(v, "isbn") for v in _strings(get("isbn"))]
    ids = [(v, hint) for v, hint in ids if v]

    fields = {k: unique(v for v in items if v) for k, items in f.items()}
    resource = Resource(
        id=f"{source}:{record_id}", source=source, oai_identifier=record_id,
        datestamp=datestamp, metadata_prefix=metadata_prefix, **fields,
        date=unique(raw_dates), identifier=unique(v for v, _ in ids), rights=unique(rights),
        license=normalise_licence(statements, provenance="metadata",
                                  source_field="schema:license"))
    return normalise_fields(resource, dates=dates, identifier_values=ids,
                            landing_candidates=[c for c in (_text(get("url")), url) if c],
                            type_terms=types)


def jsonld_blocks(html: str | bytes) -> list[dict[str, Any]]:
    """The JSON-LD nodes of an HTML page (``<script type="application/ld+json">``).

    Args:
        html: The page; parsed with lxml's HTML parser (no network, no scripts run).

    Returns:
        Every top-level node in document order, ``@graph`` members and list items
        flattened; blocks that are not valid JSON are skipped.
    """
    document = lxml.html.fromstring(html)
    nodes: list[dict[str, Any]] = []
    for script in document.iter("script"):
        if (script.get("type") or "").split(";")[0].strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                graph = item.get("@graph")
                nodes.extend(g for g in (graph if isinstance(graph, list) else [item])
                             if isinstance(g, dict))
    return nodes


def creative_works(nodes: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The nodes that describe a resource: any type except :data:`NON_WORK_TYPES`."""
    works = []
    for node in nodes:
        types = set(_strings(node.get("@type") or node.get("type")))
        if types and not types <= NON_WORK_TYPES:
            works.append(node)
    return works
