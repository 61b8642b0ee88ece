"""The normalised resource record: one frozen value per harvested resource.

Every harvested record, whatever its source format, is mapped to a :class:`Resource`
whose fields follow the DCMI Metadata Terms (DCTERMS). Text values keep the language
the source gave them (``xml:lang``) as :class:`LangString` pairs, and the licence is
kept twice: normalised (:class:`Licence` ``id`` and ``url``) and raw, for audit.

Ref: DCMI Metadata Terms, https://www.dublincore.org/specifications/dublin-core/dcmi-terms/
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

UNKNOWN_LICENCE = "unknown"


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
    """

    id: str = UNKNOWN_LICENCE
    url: str | None = None
    raw: str | None = None

    @property
    def known(self) -> bool:
        """True when the licence was recognised."""
        return self.id != UNKNOWN_LICENCE


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

    def first_title(self) -> str:
        """The first title's text, or ``""`` when the record has none."""
        return self.title[0].value if self.title else ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists); inverse of :meth:`from_dict`."""
        return asdict(self)

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
            elif name in _LANGSTRING_FIELDS:
                kwargs[name] = tuple(LangString(**item) for item in value)
            elif isinstance(value, list):
                kwargs[name] = tuple(value)
            else:
                kwargs[name] = value
        return cls(**kwargs)


_LANGSTRING_FIELDS = frozenset(
    {"title", "description", "subject", "creator", "contributor", "publisher",
     "type", "coverage", "rights", "rights_holder"}
)
