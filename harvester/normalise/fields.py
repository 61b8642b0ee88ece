"""Fill a record's normalised fields from the raw fields a crosswalk produced.

Every crosswalk first copies what the source says into the raw fields of a
:class:`~harvester.record.Resource` (``date``, ``type``, ``identifier``, ``language_raw``,
``format``), then calls :func:`normalise_fields`, which adds the normalised readings beside
them: ``dates`` / ``issued`` (ISO 8601), ``dcmi_type``, ``identifiers``, ``language``
(BCP 47) and the landing ``url``. A crosswalk that knows more than the raw values say
(DataCite ``dateType``, MODS ``object in context`` URLs, DataCite ``identifierType``) passes
it in; fields the crosswalk already filled are kept. A crosswalk on the harvest's hot path
(oai_dc) computes the same fields with :func:`normalised_fields` before it builds the
record, so the record is built once instead of built and copied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from harvester.languages import to_bcp47
from harvester.normalise.dates import normalise_date, pick_issued
from harvester.normalise.identifiers import choose_landing, classify_all
from harvester.normalise.types import dcmi_types
from harvester.record import DateValue, Resource

__all__ = ["bcp47_tags", "normalise_fields", "normalised_fields"]

def bcp47_tags(raw_values: Iterable[str]) -> tuple[str, ...]:
    """The distinct BCP 47 tags :func:`~harvester.languages.to_bcp47` reads from ``raw_values``."""
    tags: list[str] = []
    for raw in raw_values:
        tag = to_bcp47(raw)
        if tag is not None and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def normalise_fields(resource: Resource, *, dates: Iterable[DateValue] | None = None,
                     identifier_values: Iterable[tuple[str, str | None] | str] | None = None,
                     landing_candidates: Iterable[str] = (),
                     type_terms: Iterable[str] | None = None) -> Resource:
    """Return ``resource`` with its normalised fields filled.

    Args:
        resource: A record whose raw fields are set.
        dates: Dates with their roles; default: each ``resource.date`` value, role unknown.
        identifier_values: Values (or ``(value, declared scheme)`` pairs) to classify;
            default: ``resource.identifier``.
        landing_candidates: URLs the source marks as the landing page, best first; tried
            before the identifiers (see :func:`~harvester.normalise.identifiers.choose_landing`).
        type_terms: Type terms to map to DCMI; default: the values of ``resource.type``.

    Returns:
        A copy with ``dates``, ``issued``, ``identifiers``, ``dcmi_type``, ``language`` and
        ``url`` set, each only where the crosswalk left it empty.
    """
    r = resource
    return replace(resource, **_normalised(
        (r.date, r.identifier, r.type, r.format, r.language_raw),
        (r.dates, r.issued, r.identifiers, r.dcmi_type, r.language, r.url), dates=dates,
        identifier_values=identifier_values, landing_candidates=landing_candidates,
        type_terms=type_terms))


def normalised_fields(fields: Mapping[str, Any], *, dates: Iterable[DateValue] | None = None,
                      identifier_values: Iterable[tuple[str, str | None] | str] | None = None,
                      landing_candidates: Iterable[str] = (),
                      type_terms: Iterable[str] | None = None) -> dict[str, Any]:
    """The normalised fields of a record about to be built, so it is built once.

    What :func:`normalise_fields` sets, for a crosswalk that has the record's fields as
    keyword arguments of :class:`~harvester.record.Resource` and has not built it yet
    (the oai_dc crosswalk, on the harvest's hot path): ``Resource(**fields,
    **normalised_fields(fields))`` equals ``normalise_fields(Resource(**fields))``
    without the second construction.

    Args:
        fields: ``Resource`` keyword arguments; a missing field has its default.
        dates, identifier_values, landing_candidates, type_terms: As for
            :func:`normalise_fields`.

    Returns:
        ``{"dates", "issued", "identifiers", "dcmi_type", "language", "url"}`` -> value,
        a field's own value in ``fields`` kept where it is set.
    """
    get = fields.get
    return _normalised(
        (get("date", ()), get("identifier", ()), get("type", ()), get("format", ()),
         get("language_raw", ())),
        (get("dates", ()), get("issued"), get("identifiers", ()), get("dcmi_type", ()),
         get("language", ()), get("url")), dates=dates, identifier_values=identifier_values,
        landing_candidates=landing_candidates, type_terms=type_terms)


def _normalised(raw: tuple, filled: tuple, *, dates: Iterable[DateValue] | None,
                identifier_values: Iterable[tuple[str, str | None] | str] | None,
                landing_candidates: Iterable[str],
                type_terms: Iterable[str] | None) -> dict[str, Any]:
    """The body of both.

    Args:
        raw: The record's ``(date, identifier, type, format, language_raw)``.
        filled: Its ``(dates, issued, identifiers, dcmi_type, language, url)``, kept
            where set.
        dates, identifier_values, landing_candidates, type_terms: As for
            :func:`normalise_fields`.
    """
    date, identifier, types, formats, language_raw = raw
    has_dates, issued, has_identifiers, dcmi_type, language, url = filled
    date_values = tuple(dates) if dates is not None else tuple(
        normalise_date(value) for value in date)
    if identifier_values is None:
        identifier_values = identifier
    identifiers = has_identifiers or classify_all(identifier_values)
    terms = list(type_terms) if type_terms is not None else [t.value for t in types]
    return {
        "dates": has_dates or date_values,
        "issued": issued or pick_issued(date_values),
        "identifiers": identifiers,
        "dcmi_type": dcmi_type or dcmi_types(terms, formats),
        "language": language or bcp47_tags(language_raw),
        "url": url or choose_landing([*landing_candidates, *identifier], identifiers),
    }
