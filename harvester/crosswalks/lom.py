"""IEEE LOM and LOM-based profiles (``oai_lom``, ``lom``, ``lre``, IMS MD 1.2, NL-LOM) → :class:`Resource`.

Two generations of LOM XML are in use: IEEE LOM 1.0 bindings (``lifeCycle``, ``entity``,
``identifier``/``catalog``/``entry``, ``string language=…``, vocabulary ``source``/``value``
as text) and the older IMS Meta-data 1.2 binding that NL-LOM (Edurep) and many LOM
profiles still send (lower-case names, ``centity/vcard``, ``catalogentry``,
``langstring xml:lang=…``, vocabulary values wrapped in ``langstring``). Elements are
matched by lower-case local name in any namespace, so both read the same way.

The mapping follows the LOM→DC mapping of IEEE 1484.12.1 Annex B where it exists
(general.title → title, general.keyword → subject, lifeCycle.contribute author/publisher →
creator/publisher, technical.format → format, technical.location and general.identifier →
identifier, educational.learningResourceType → type, rights → rights). Educational
metadata is kept as controlled :class:`~harvester.record.Term` values with the vocabulary
the record names: ``learningResourceType`` → ``learning_resource_type``,
``intendedEndUserRole`` → ``audience``, ``context`` and ``educational level``
classifications → ``educational_level``, ``typicalAgeRange`` as given. Access-for-All
accessibility elements (``accessibility``/``accessMode``/``accessibilityFeature``/
``accessibilityHazard``/``accessibilitySummary``), which some LOM profiles add, are read
wherever they appear.

Ref: IEEE 1484.12.1-2002 (LOM data model) and 1484.12.3-2005 (XML binding);
IMS Meta-data 1.2.1 XML binding; NL-LOM, https://www.edustandaard.nl/standaard_afspraken/nl-lom/ ;
ISO/IEC 24751 (Access for All).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from harvester.crosswalks.xmlutil import children, first, header_fields, lang_of, local, text_of, unique
from harvester.licences import normalise_licence
from harvester.normalise.dates import normalise_date
from harvester.normalise.fields import normalise_fields
from harvester.record import LangString, Resource, Term

__all__ = ["map_lom", "vcard_name"]

#: lifeCycle.contribute role -> (Resource field, date role).
_ROLES: dict[str, tuple[str, str | None]] = {
    "author": ("creator", "created"), "creator": ("creator", "created"),
    "publisher": ("publisher", "issued"),
}
_SUBJECT_PURPOSES = frozenset({"discipline", "idea", "keyword"})
_LEVEL_PURPOSES = frozenset({"educational level", "educationallevel", "educational_level"})
_NO_RIGHTS = frozenset({"yes", "no"})


def vcard_name(vcard: str) -> str | None:
    """The name in a vCard (LOM ``entity``): ``FN``, else ``N`` as ``"Family, Given"``, else ``ORG``.

    Args:
        vcard: vCard 2.1/3.0 text, possibly re-indented by a pretty-printer.

    Ref: RFC 2426 §3.1.1 (FN), §3.1.2 (N), §3.5.5 (ORG).
    """
    props: dict[str, str] = {}
    for line in vcard.splitlines():
        line = line.strip()
        key, sep, value = line.partition(":")
        key = key.split(";")[0].upper()
        if sep and key in ("FN", "N", "ORG") and key not in props and value.strip(" ;"):
            props[key] = value.strip()
    if "FN" in props:
        return " ".join(props["FN"].split())
    if "N" in props:
        family, _, given = props["N"].partition(";")
        given = given.split(";")[0]
        return f"{family.strip()}, {given.strip()}" if given.strip() else family.strip()
    return props["ORG"].replace(";", ", ") if "ORG" in props else None


def _strings(element: etree._Element | None, *, lines: bool = False) -> Iterator[LangString]:
    """LangStrings of a LOM text element: its ``string``/``langstring`` children, else its own text."""
    if element is None:
        return
    parts = list(children(element, "string", "langstring"))
    for part in parts or [element]:
        raw = text_of(part)
        text = ("\n".join(line.strip() for line in raw.splitlines()).strip() if lines
                else " ".join(raw.split()))
        if text:
            yield LangString(text, lang_of(part))


def _plain(element: etree._Element | None) -> str:
    """The first string of an element, whitespace-collapsed (``""`` when none)."""
    return next((s.value for s in _strings(element)), "")


def _vocab(element: etree._Element) -> Term | None:
    """A LOM vocabulary element (``source`` + ``value``) as a Term."""
    value = _plain(first(element, "value")) or _plain(element if not len(element) else None)
    if not value:
        return None
    return Term(value, _plain(first(element, "source")) or None)


def map_lom(lom: etree._Element | None, *, source: str, oai_identifier: str, datestamp: str,
            set_specs: tuple[str, ...] = (), metadata_prefix: str = "lom") -> Resource:
    """Map one LOM record element and its header fields to a :class:`Resource`.

    Args:
        lom: The ``lom`` element (any namespace: IEEE LOM, IMS MD 1.2, LRE, NL-LOM), or
            ``None`` for a record without metadata.
        source: Name of the configured source.
        oai_identifier: The record's identifier at the source (OAI-PMH header ``identifier``
            or SRU ``recordIdentifier``).
        datestamp: The record's datestamp as the server gave it.
        set_specs: The header ``setSpec`` values.
        metadata_prefix: The prefix the record was harvested with.

    Returns:
        The normalised record (only header fields when ``lom`` is ``None``).
    """
    header = header_fields(source, oai_identifier, datestamp, set_specs, metadata_prefix)
    if lom is None:
        return Resource(**header)
    general = first(lom, "general")
    f: dict[str, list] = {k: [] for k in (
        "title", "description", "subject", "coverage", "creator", "publisher", "contributor",
        "date", "type", "format", "identifier", "relation", "language_raw", "rights",
        "audience", "educational_level", "learning_resource_type", "typical_age_range",
        "accessibility_feature", "access_mode", "accessibility_hazard",
        "accessibility_summary")}
    dates, ids, landing = [], [], []

    f["title"] += _strings(first(general, "title"))
    for desc in children(general, "description"):
        f["description"] += _strings(desc, lines=True)
    for keyword in children(general, "keyword"):
        f["subject"] += _strings(keyword)
    for coverage in children(general, "coverage"):
        f["coverage"] += _strings(coverage)
    f["language_raw"] += (text_of(lang) for lang in children(general, "language"))
    for ident in children(general, "identifier", "catalogentry"):
        entry, catalog = _plain(first(ident, "entry")), _plain(first(ident, "catalog"))
        if entry:
            f["identifier"].append(entry)
            ids.append((entry, catalog or None))

    for contribute in children(first(lom, "lifecycle"), "contribute"):
        term = _vocab(first(contribute, "role")) if first(contribute, "role") is not None else None
        role = term.value.lower() if term else ""
        field, date_role = _ROLES.get(role, ("contributor", role or None))
        for entity in children(contribute, "entity", "centity"):
            card = first(entity, "vcard")
            name = vcard_name(text_of(card if card is not None else entity))
            if name:
                f[field].append(LangString(name))
        for when in children(contribute, "date"):
            raw = text_of(first(when, "datetime")) or text_of(when)
            if raw:
                f["date"].append(raw)
                dates.append(normalise_date(raw, date_role))

    technical = first(lom, "technical")
    f["format"] += (text_of(fmt, collapse=True) for fmt in children(technical, "format"))
    for location in children(technical, "location"):
        url = text_of(location, collapse=True).replace(" ", "")
        if url:
            landing.append(url)
            f["identifier"].append(url)
            ids.append((url, None))

    for edu in children(lom, "educational"):
        for name, field in (("learningresourcetype", "learning_resource_type"),
                            ("intendedenduserrole", "audience"), ("context", "educational_level")):
            f[field] += filter(None, (_vocab(v) for v in children(edu, name)))
        for age in children(edu, "typicalagerange"):
            f["typical_age_range"] += (s.value for s in _strings(age))
    f["type"] += (LangString(t.value) for t in f["learning_resource_type"])

    rights = first(lom, "rights")
    for restriction in children(rights, "copyrightandotherrestrictions"):
        term = _vocab(restriction)
        if term and term.value.lower() not in _NO_RIGHTS:
            f["rights"].append(LangString(term.value))
    for desc in children(rights, "description"):
        f["rights"] += _strings(desc, lines=True)

    for relation in children(lom, "relation"):
        for ident in children(first(relation, "resource"), "identifier", "catalogentry"):
            entry = _plain(first(ident, "entry")).replace(" ", "")
            if entry:
                f["relation"].append(entry)

    for classification in children(lom, "classification"):
        purpose = _vocab(first(classification, "purpose")) if first(
            classification, "purpose") is not None else None
        purpose_name = purpose.value.lower() if purpose else ""
        for path in children(classification, "taxonpath"):
            vocabulary = _plain(first(path, "source")) or None
            for taxon in children(path, "taxon"):
                label = next(_strings(first(taxon, "entry")), None)
                taxon_id = text_of(first(taxon, "id"), collapse=True)
                if purpose_name in _SUBJECT_PURPOSES and (label or taxon_id):
                    f["subject"].append(label or LangString(taxon_id))
                elif purpose_name in _LEVEL_PURPOSES and (taxon_id or label):
                    f["educational_level"].append(
                        Term(taxon_id or label.value, vocabulary, label.value if label else None))

    _accessibility(lom, f)
    fields = {name: unique(items) for name, items in f.items()}
    resource = Resource(**header, **{k: v for k, v in fields.items()},
                        license=normalise_licence(
                            (r.value for r in fields["rights"]), provenance="metadata",
                            source_field="lom:rights"))
    return normalise_fields(resource, dates=dates, identifier_values=ids,
                            landing_candidates=landing,
                            type_terms=[t.value for t in fields["learning_resource_type"]])


def _accessibility(lom: etree._Element, f: dict[str, list]) -> None:
    """Read Access-for-All / schema.org-style accessibility elements anywhere in the record."""
    for element in lom.iter():
        name = local(element)
        if name in ("accessmode", "originalaccessmode", "accessibilityfeature",
                    "accessibilityhazard"):
            value = _vocab(element) if len(element) else None
            text = value.value if value else text_of(element, collapse=True)
            if text:
                key = {"accessibilityfeature": "accessibility_feature",
                       "accessibilityhazard": "accessibility_hazard"}.get(name, "access_mode")
                f[key].append(text)
        elif name == "accessibilitysummary":
            f["accessibility_summary"] += _strings(element, lines=True)
