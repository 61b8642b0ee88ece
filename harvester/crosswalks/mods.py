"""MODS (``mods``, ``oai_mods``) → :class:`Resource`.

Only the record's own top-level elements are read; ``relatedItem`` (host series, other
versions) contributes its title or link to ``relation`` and nothing else, so a series'
authors and dates never become the item's. The mapping follows the Library of Congress
MODS→DC crosswalk:

* ``titleInfo``: ``nonSort`` + ``title`` (+ ``: subTitle``), any ``type`` (translated,
  alternative) with its ``xml:lang``;
* ``name`` by MARC relator (``roleTerm`` code or text): ``aut``/``cre`` → creator,
  ``pbl`` → publisher, others (editor, host institution…) → contributor; the name is its
  ``displayForm``, else ``family, given`` from ``namePart``s;
* ``originInfo``: ``dateIssued`` (role issued), ``dateCreated``, ``dateModified``,
  ``copyrightDate``, ``dateCaptured``, ``dateValid``, ``dateOther``; ``publisher``;
* ``typeOfResource`` and ``genre`` → type (DCMI from ``typeOfResource``);
* ``language/languageTerm``, ``abstract`` and ``tableOfContents`` (descriptions; an
  ``altFormat`` copy without text is skipped), ``subject`` topics/geographic/temporal,
  ``physicalDescription`` extent and internet media type → format, ``identifier``
  (``@type`` declares the scheme), ``location/url`` (``object in context`` or
  ``usage="primary display"`` is the landing page), ``accessCondition`` (text and
  ``xlink:href``) → rights, ``targetAudience`` → audience.

Ref: MODS 3.7 User Guidelines, https://www.loc.gov/standards/mods/userguide/ ;
MODS to Dublin Core mapping, https://www.loc.gov/standards/mods/mods-dcsimple.html ;
MARC Code List for Relators, https://id.loc.gov/vocabulary/relators .
"""

from __future__ import annotations

from lxml import etree

from harvester.crosswalks.xmlutil import (XLINK_HREF, children, first, header_fields, lang_of,
                                          lang_string, text_of, unique)
from harvester.licences import normalise_licence
from harvester.normalise.dates import normalise_date
from harvester.normalise.fields import normalise_fields
from harvester.record import LangString, Resource, Term

__all__ = ["MODS_NS", "map_mods"]

MODS_NS = "http://www.loc.gov/mods/v3"

#: MARC relator code or term (lower-case) -> Resource field; others are contributors.
_RELATORS: dict[str, str] = {
    "aut": "creator", "author": "creator", "cre": "creator", "creator": "creator",
    "pbl": "publisher", "publisher": "publisher",
}

#: originInfo date element (lower-case) -> date role.
_DATE_ROLES: dict[str, str] = {
    "dateissued": "issued", "datecreated": "created", "datemodified": "modified",
    "copyrightdate": "copyrighted", "datecaptured": "captured", "datevalid": "valid",
    "dateother": "other",
}

_LANDING_ACCESS = frozenset({"object in context"})


def _title(info: etree._Element) -> LangString | None:
    """``nonSort title: subTitle`` of one ``titleInfo``."""
    title = text_of(first(info, "title"), collapse=True)
    if not title:
        return None
    non_sort = text_of(first(info, "nonSort"), collapse=True)
    if non_sort:
        title = f"{non_sort}{'' if non_sort.endswith(chr(39)) else ' '}{title}"
    sub = text_of(first(info, "subTitle"), collapse=True)
    if sub:
        title = f"{title}: {sub}"
    return LangString(title, lang_of(info))


def _name(name: etree._Element) -> str | None:
    """A MODS name as one string."""
    display = text_of(first(name, "displayForm"), collapse=True)
    if display:
        return display
    parts = {p.get("type"): text_of(p, collapse=True) for p in children(name, "namePart")}
    family, given = parts.pop("family", ""), parts.pop("given", "")
    if family and given:
        return f"{family}, {given}"
    joined = " ".join(v for v in (family, given, *parts.values()) if v)
    return joined or None


def _role(name: etree._Element) -> str:
    """The Resource field for a name, from its first non-empty ``roleTerm``."""
    for term in children(first(name, "role"), "roleTerm"):
        value = text_of(term).lower()
        if value:
            return _RELATORS.get(value, "contributor")
    return "contributor"


def map_mods(mods: etree._Element | None, *, source: str, oai_identifier: str, datestamp: str,
             set_specs: tuple[str, ...] = (), metadata_prefix: str = "mods") -> Resource:
    """Map one ``mods:mods`` element and its OAI-PMH header fields to a :class:`Resource`.

    Args:
        mods: The ``mods`` element (a ``modsCollection``'s first ``mods`` is used), or
            ``None`` for a record without metadata (deleted records).
        source: Name of the configured source.
        oai_identifier: The header ``identifier``.
        datestamp: The header ``datestamp`` as the server gave it.
        set_specs: The header ``setSpec`` values.
        metadata_prefix: The prefix the record was harvested with.

    Returns:
        The normalised record (only header fields when ``mods`` is ``None``).
    """
    header = header_fields(source, oai_identifier, datestamp, set_specs, metadata_prefix)
    if mods is not None and etree.QName(mods).localname == "modsCollection":
        mods = first(mods, "mods")
    if mods is None:
        return Resource(**header)
    f: dict[str, list] = {k: [] for k in (
        "title", "creator", "publisher", "contributor", "date", "type", "language_raw",
        "description", "subject", "coverage", "format", "identifier", "relation", "rights",
        "audience")}
    dates, ids, landing, type_terms, licence_statements = [], [], [], [], []

    for info in children(mods, "titleInfo"):
        f["title"].append(_title(info))
    for name in children(mods, "name"):
        text = _name(name)
        if text:
            f[_role(name)].append(LangString(text))
    for origin in children(mods, "originInfo"):
        for element in origin:
            role = _DATE_ROLES.get(etree.QName(element).localname.lower()
                                   if isinstance(element.tag, str) else "")
            raw = text_of(element, collapse=True)
            if role and raw:
                point = element.get("point")
                f["date"].append(raw)
                dates.append(normalise_date(raw, role if point != "end" else f"{role}-end"))
        f["publisher"] += filter(None, (lang_string(p, collapse=True)
                                        for p in children(origin, "publisher")))
    for kind in children(mods, "typeOfResource"):
        text = text_of(kind, collapse=True)
        if text:
            f["type"].append(LangString(text))
            type_terms.append(text)
    for genre in children(mods, "genre"):
        f["type"].append(lang_string(genre, collapse=True))
    for language in children(mods, "language"):
        f["language_raw"] += (text_of(t) for t in children(language, "languageTerm")
                              if t.get("type", "code") == "code" or not t.get("type"))
    for element in children(mods, "abstract", "tableOfContents"):
        f["description"].append(lang_string(element))
    for subject in children(mods, "subject"):
        for part in children(subject, "topic", "temporal", "occupation"):
            f["subject"].append(lang_string(part, collapse=True))
        for part in children(subject, "geographic"):
            f["coverage"].append(lang_string(part, collapse=True))
    for physical in children(mods, "physicalDescription"):
        f["format"] += (text_of(p, collapse=True)
                        for p in children(physical, "internetMediaType", "extent"))
    for ident in children(mods, "identifier"):
        value = text_of(ident, collapse=True)
        if value:
            f["identifier"].append(value)
            ids.append((value, ident.get("type")))
    for location in children(mods, "location"):
        for url in children(location, "url"):
            value = text_of(url, collapse=True)
            if value and (url.get("access") in _LANDING_ACCESS
                          or url.get("usage") == "primary display"):
                landing.append(value)
                ids.append((value, "url"))
    for condition in children(mods, "accessCondition"):
        for value in (text_of(condition), condition.get(XLINK_HREF, "").strip()):
            if value:
                f["rights"].append(LangString(value, lang_of(condition)))
                licence_statements.append(value)
    for audience in children(mods, "targetAudience"):
        value = text_of(audience, collapse=True)
        if value:
            f["audience"].append(Term(value, audience.get("authority")))
    for related in children(mods, "relatedItem"):
        info = first(related, "titleInfo")
        title = _title(info) if info is not None else None
        value = (title.value if title else "") or related.get(XLINK_HREF, "")
        if value:
            f["relation"].append(value)

    fields = {k: unique(v for v in items if v) for k, items in f.items()}
    resource = Resource(**header, **fields, license=normalise_licence(
        licence_statements, provenance="metadata", source_field="mods:accessCondition"))
    return normalise_fields(resource, dates=dates, identifier_values=ids,
                            landing_candidates=landing, type_terms=type_terms)
