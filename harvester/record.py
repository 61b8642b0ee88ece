"""The normalised resource record: one frozen value per harvested resource.

Every harvested record, whatever its source format, is mapped to a :class:`Resource`
whose fields follow the DCMI Metadata Terms (DCTERMS). Text values keep the language
the source gave them (``xml:lang``) as :class:`LangString` pairs, and the licence is
kept twice: normalised (:class:`Licence` ``id`` and ``url``) and raw, for audit.

The classes are frozen dataclasses with ``__slots__``, built through
:func:`harvester.frozen.fast_init` (same signature, about half the construction cost) and
turned into plain dicts by :func:`harvester.frozen.plain` (:meth:`Resource.to_dict`).

Ref: DCMI Metadata Terms, https://www.dublincore.org/specifications/dublin-core/dcmi-terms/
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harvester.frozen import fast_init, json_text, plain

UNKNOWN_LICENCE = "unknown"


@fast_init
@dataclass(frozen=True, slots=True)
class LangString:
    """A text value with the language the source declared for it.

    Attributes:
        value: The text, whitespace-trimmed, never empty.
        lang: BCP 47 tag from the element's ``xml:lang`` (e.g. ``"fr"``, ``"en-US"``),
            or ``None`` when the source gave none.
    """

    value: str
    lang: str | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class Licence:
    """A normalised licence statement (``dcterms:license``).

    Attributes:
        id: SPDX-style id such as ``"CC-BY-4.0"``, ``"CC-BY-SA-3.0-IGO"``, ``"CC0-1.0"``,
            or :data:`UNKNOWN_LICENCE` (``"unknown"``) when no statement could be read.
        url: Canonical licence URL (``https://creativecommons.org/licenses/by/4.0/``),
            ``None`` for an unknown licence.
        raw: The statement exactly as harvested that the id was read from; for an
            unknown licence, the rights statements seen joined by ``" | "``, or ``None``.
        provenance: Where the licence statement came from: ``"metadata"`` (a field of the
            harvested record), ``"landing-page"``, ``"pdf-imprint"`` or ``"source-default"``
            (configured for the source), or ``None`` when not recorded
            (:data:`harvester.licences.PROVENANCES`).
        source_field: The field it was read from (``"dc:rights"``,
            ``"mods:accessCondition/@xlink:href"``, ``"html:a[@rel=license]"``) or ``None``.
        scope_note: What the licence covers when the statement limits it, verbatim
            (UNESCO: "The present license applies exclusively to the text content of the
            publication."), else ``None``.

    ``id`` is a row of the licence table (``harvester/data/licences.tsv``) or ``"unknown"``;
    :attr:`status` says which kind.
    """

    id: str = UNKNOWN_LICENCE
    url: str | None = None
    raw: str | None = None
    provenance: str | None = None
    source_field: str | None = None
    scope_note: str | None = None

    @property
    def known(self) -> bool:
        """True when the licence was recognised."""
        return self.id != UNKNOWN_LICENCE

    @property
    def status(self) -> str:
        """``"known"`` (a standard licence or statement), ``"custom"`` (all rights reserved,
        holder-specific terms) or ``"unknown"``; see :func:`harvester.licence_table.status_of`."""
        from harvester.licence_table import status_of  # the table imports nothing from here

        return status_of(self.id)


@fast_init
@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier of the resource, classified by scheme.

    Attributes:
        scheme: ``"doi"``, ``"ark"``, ``"isbn"``, ``"handle"``, ``"urn"``, ``"issn"`` or
            ``"url"`` (see :mod:`harvester.normalise.identifiers`).
        value: Its normalised form: a DOI without resolver (``"10.5281/zenodo.8435696"``),
            ``"ark:/48223/pf0000397002"``, an ISBN-13 of digits only (checksum valid),
            a handle without resolver (``"2200/20080423151356635T"``), a URN with
            lower-case ``urn:`` and NID, an ISSN ``"1234-5679"``, or an absolute http(s) URL.
    """

    scheme: str
    value: str


@fast_init
@dataclass(frozen=True, slots=True)
class DateValue:
    """One date of the resource: the value as harvested and its ISO 8601 reading.

    Attributes:
        raw: The date exactly as harvested (``"c. 2019"``, ``"07.05.2019"``).
        value: ISO 8601 at the precision the source gives (``"2019"``, ``"2019-05"``,
            ``"2019-05-07"``, ``"2019-05-07T10:00:00Z"``), an interval ``"start/end"``,
            or ``None`` when it could not be read.
        precision: ``"year"``, ``"month"``, ``"day"``, ``"minute"``, ``"second"`` (of the
            start for an interval), or ``None`` when unread.
        approximate: True for "circa" dates (``c. 2019``, ``ca. 2019``, ``2019?``,
            ``[2019?]``, ``2019~``): EDTF would write ``2019~``. Brackets alone (``[2019]``,
            a date supplied by the cataloguer) are not approximate.
        role: What the date is, lower-case (``"issued"``, ``"created"``, ``"modified"``,
            ``"available"``, ``"copyrighted"``, DataCite ``dateType``s …), or ``None`` when
            the source does not say (``dc:date``).
    """

    raw: str
    value: str | None = None
    precision: str | None = None
    approximate: bool = False
    role: str | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class Term:
    """A value from a vocabulary (educational and accessibility metadata), as given.

    Attributes:
        value: The term or its URI as the source gives it (``"learner"``, ``"HBO"``,
            ``"https://w3id.org/kim/hcrt/video"``, ``"alternativeText"``).
        vocabulary: The vocabulary the source names for it (LOM ``<source>``, AMB
            ``inScheme``, schema.org ``inDefinedTermSet``, MODS ``authority``), or ``None``.
        label: A human-readable label where the source gives one besides the value.
    """

    value: str
    vocabulary: str | None = None
    label: str | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class Resource:
    """One normalised resource as harvested from one source.

    Multi-valued DCTERMS properties are tuples in source order. Text properties are
    tuples of :class:`LangString`; identifier-like properties are tuples of ``str``.

    Attributes:
        id: Our stable record id, ``"{source}:{oai_identifier}"``.
        source: Name of the configured source (``config/sources.toml``) it came from.
        oai_identifier: The item's identifier at the source (OAI-PMH header ``identifier``).
        datestamp: The source's datestamp of this record, ISO 8601 as the server gave it
            (UTC; ``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm:ssZ``, OAI-PMH 2.0 §3.3.1).
        metadata_prefix: The metadata format it was mapped from (``"oai_dc"``).
        set_specs: The OAI-PMH ``setSpec`` values of the header.
        title: ``dcterms:title``.
        description: ``dcterms:description`` (abstracts, tables of contents).
        subject: ``dcterms:subject`` (keywords, classification labels).
        creator: ``dcterms:creator``, one name per value.
        contributor: ``dcterms:contributor``.
        publisher: ``dcterms:publisher``.
        date: ``dcterms:date`` values as given (normalisation comes later).
        type: ``dcterms:type`` values as given.
        format: ``dcterms:format`` (media types, extents).
        identifier: ``dcterms:identifier`` values (URLs, DOIs, ISBNs…).
        derived_from: ``dcterms:source`` (the related resource it derives from).
        language: ``dcterms:language`` as BCP 47 tags (``"en"``, ``"fr"``, ``"pt-BR"``).
        language_raw: The language values exactly as harvested.
        relation: ``dcterms:relation``.
        coverage: ``dcterms:coverage``.
        rights: ``dcterms:rights`` statements as harvested (licence URLs, access notes).
        rights_holder: ``dcterms:rightsHolder`` where the format gives one.
        license: The normalised ``dcterms:license`` with its raw statement.
        url: The landing page URL chosen from the identifiers, or ``None``.
        issued: ``dcterms:issued`` as ISO 8601 at the source's precision (``"2019"``,
            ``"2019-05-07"``), chosen from :attr:`dates` (see
            :func:`harvester.normalise.dates.pick_issued`), or ``None``.
        dates: Every date of the record read to ISO 8601, beside its raw form and role.
        dcmi_type: DCMI Type vocabulary terms (``"Text"``, ``"MovingImage"`` …) read from
            :attr:`type` and the format; :attr:`type` keeps the source's own terms.
        identifiers: :attr:`identifier` (and other identifying values) classified as
            DOI, ARK, ISBN, handle, URN, ISSN or URL, deduplicated.
        creator_raw: The creator values exactly as harvested when they had to be split
            into :attr:`creator` (UNESDOC's comma-joined string, ``;``-joined lists).
        audience: Intended audience / end-user role (``dcterms:audience``, LRMI
            ``audience.educationalRole``, LOM ``intendedEndUserRole``).
        educational_level: ``dcterms:educationLevel``, LRMI ``educationalLevel``, LOM
            ``context`` and educational-level classifications.
        learning_resource_type: LRMI / LOM ``learningResourceType`` (AMB: HCRT terms).
        teaches: LRMI ``teaches`` (competencies, learning outcomes).
        typical_age_range: LRMI / LOM ``typicalAgeRange`` as given (``"17+"``, ``"6-8"``).
        accessibility_feature: schema.org ``accessibilityFeature`` values
            (``"alternativeText"``, ``"captions"`` …) as given.
        access_mode: schema.org ``accessMode`` / AfA access modes (``"textual"``, ``"visual"``).
        accessibility_hazard: schema.org ``accessibilityHazard`` (``"noFlashingHazard"`` …).
        accessibility_summary: schema.org ``accessibilitySummary`` (free text).

    Ref: DCMI Type Vocabulary, https://www.dublincore.org/specifications/dublin-core/dcmi-type-vocabulary/ ;
    LRMI, https://www.dublincore.org/specifications/lrmi/ ; IEEE 1484.12.1 (LOM) §5;
    schema.org accessibility properties, https://schema.org/accessibilityFeature .
    """

    id: str
    source: str
    oai_identifier: str
    datestamp: str
    metadata_prefix: str = "oai_dc"
    set_specs: tuple[str, ...] = ()
    title: tuple[LangString, ...] = ()
    description: tuple[LangString, ...] = ()
    subject: tuple[LangString, ...] = ()
    creator: tuple[LangString, ...] = ()
    contributor: tuple[LangString, ...] = ()
    publisher: tuple[LangString, ...] = ()
    date: tuple[str, ...] = ()
    type: tuple[LangString, ...] = ()
    format: tuple[str, ...] = ()
    identifier: tuple[str, ...] = ()
    derived_from: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    language_raw: tuple[str, ...] = ()
    relation: tuple[str, ...] = ()
    coverage: tuple[LangString, ...] = ()
    rights: tuple[LangString, ...] = ()
    rights_holder: tuple[LangString, ...] = ()
    license: Licence = field(default_factory=Licence)
    url: str | None = None
    issued: str | None = None
    dates: tuple[DateValue, ...] = ()
    dcmi_type: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    creator_raw: tuple[str, ...] = ()
    audience: tuple[Term, ...] = ()
    educational_level: tuple[Term, ...] = ()
    learning_resource_type: tuple[Term, ...] = ()
    teaches: tuple[Term, ...] = ()
    typical_age_range: tuple[str, ...] = ()
    accessibility_feature: tuple[str, ...] = ()
    access_mode: tuple[str, ...] = ()
    accessibility_hazard: tuple[str, ...] = ()
    accessibility_summary: tuple[LangString, ...] = ()

    def first_title(self) -> str:
        """The first title's text, or ``""`` when the record has none."""
        return self.title[0].value if self.title else ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; inverse of :meth:`from_dict`.

        Nested records become dicts and tuples stay tuples (``json.dumps`` writes them as
        lists), exactly as :func:`dataclasses.asdict` gives, over ten times faster
        (``asdict`` deep-copies every value: ~140 µs per record, the store's hot path;
        :func:`harvester.frozen.plain`: ~10 µs).
        """
        return plain(self)

    def to_json(self) -> str:
        """``json.dumps(self.to_dict(), ensure_ascii=False)``, the same text, written without
        the dicts (:func:`harvester.frozen.json_text`): what the store keeps per record."""
        return json_text(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Resource:
        """Build a record from :meth:`to_dict` output.

        Raises:
            KeyError: when ``id``, ``source``, ``oai_identifier`` or ``datestamp`` is missing.
            TypeError: when a key is not a field of :class:`Resource`.
        """
        kwargs: dict[str, Any] = {}
        for name, value in data.items():
            if name == "license":
                kwargs[name] = Licence(**value)
            elif name in _NESTED_FIELDS:
                kwargs[name] = tuple(_NESTED_FIELDS[name](**item) for item in value)
            elif name in _LANGSTRING_FIELDS:
                kwargs[name] = tuple(LangString(**item) for item in value)
            elif isinstance(value, list):
                kwargs[name] = tuple(value)
            else:
                kwargs[name] = value
        return cls(**kwargs)


_LANGSTRING_FIELDS = frozenset(
    {"title", "description", "subject", "creator", "contributor", "publisher",
     "type", "coverage", "rights", "rights_holder", "accessibility_summary"}
)

#: Tuple fields whose items are other dataclasses: field name -> item class.
_NESTED_FIELDS: dict[str, type] = {
    "dates": DateValue, "identifiers": Identifier, "audience": Term,
    "educational_level": Term, "learning_resource_type": Term, "teaches": Term,
}
