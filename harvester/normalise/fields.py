"""Fill a record's normalised fields from the raw fields a crosswalk produced.

Every crosswalk first copies what the source says into the raw fields of a
:class:`~harvester.record.Resource` (``date``, ``type``, ``identifier``, ``language_raw``,
``format``), then calls :func:`normalise_fields`, which adds the normalised readings beside
them: ``dates`` / ``issued`` (ISO 8601), ``dcmi_type``, ``identifiers``, ``language``
(BCP 47) and the landing ``url``. A crosswalk that knows more than the raw values say
(DataCite ``dateType``, MODS ``object in context`` URLs, DataCite ``identifierType``) passes
it in; fields the crosswalk already filled are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from harvester.languages import to_bcp47
from harvester.normalise.dates import normalise_date, pick_issued
from harvester.normalise.identifiers import choose_landing, classify_all
from harvester.normalise.types import dcmi_types
from harvester.record import DateValue, Resource

__all__ = ["bcp47_tags", "normalise_fields"]


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
    date_values = tuple(dates) if dates is not None else tuple(
        normalise_date(raw) for raw in resource.date)
    if identifier_values is None:
        identifier_values = resource.identifier
    identifiers = resource.identifiers or classify_all(identifier_values)
    terms = list(type_terms) if type_terms is not None else [t.value for t in resource.type]
    return replace(
        resource,
        dates=resource.dates or date_values,
        issued=resource.issued or pick_issued(date_values),
        identifiers=identifiers,
        dcmi_type=resource.dcmi_type or dcmi_types(terms, resource.format),
        language=resource.language or bcp47_tags(resource.language_raw),
        url=resource.url or choose_landing([*landing_candidates, *resource.identifier],
                                           identifiers),
    )
