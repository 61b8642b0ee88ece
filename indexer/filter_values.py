"""Filter values as people type them → the values the index keeps (engine-free).

A filter that silently matches nothing is worse than an error, so a value is read the
way the harvester read the record's own value:

- ``license``: a licence-table id (any case) or ``unknown`` stays as it is; anything else
  is read as a rights statement (:func:`harvester.licences.parse_licence`), so the form
  ``oer export`` prints, ``"CC BY 4.0"``, or a licence URL finds ``CC-BY-4.0``;
- ``language``: ISO 639-2/3 codes, names and locales become BCP 47
  (:func:`harvester.languages.to_bcp47`): ``por`` → ``pt``, ``English`` → ``en``.

A value that cannot be read is kept as given (it then matches nothing, as it should).
Case is the backend's business: :func:`matching_values` picks the indexed values equal
to the asked ones ignoring case (``--type text`` finds ``Text``), so display values keep
their case and no re-index is needed.

Ref: BCP 47 (RFC 5646) §2.1.1 (tags are case-insensitive); SPDX License List
(identifiers are matched case-insensitively, SPDX spec v2.3 Annex D).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from harvester.record import UNKNOWN_LICENCE

__all__ = ["canonical_value", "matching_values"]


def canonical_value(facet: str, value: str) -> str:
    """The value the index keeps for a filter value of ``facet``.

    Args:
        facet: A facet name of :data:`indexer.backend.FACETS`.
        value: The value as typed (stripped, not blank).

    Returns:
        For ``license``, a licence id (``"CC BY 4.0"`` → ``"CC-BY-4.0"``); for
        ``language``, a BCP 47 tag (``"por"`` → ``"pt"``); else, or when the value
        cannot be read, ``value`` unchanged.
    """
    if facet == "license":
        return _licence_id(value)
    if facet == "language":
        from harvester.languages import to_bcp47  # langcodes: loaded only when filtering

        return to_bcp47(value) or value
    return value


def _licence_id(value: str) -> str:
    from harvester.licences import parse_licence

    folded = value.casefold()
    if folded == UNKNOWN_LICENCE or folded in _table_ids():
        return value
    licence = parse_licence(value)
    return licence.id if licence is not None and licence.id else value


@functools.cache
def _table_ids() -> frozenset[str]:
    from harvester.licence_table import licence_table

    return frozenset(lic_id.casefold() for lic_id in licence_table())


def matching_values(wanted: Iterable[str], present: Iterable[str]) -> list[str]:
    """The ``present`` (indexed) values equal to some ``wanted`` value, ignoring case.

    Args:
        wanted: Filter values (``["text"]``).
        present: The values in the index (``["Text", "Event"]``), bytes or str.

    Returns:
        The matching indexed values, in ``present`` order (``["Text"]``); empty when none.
    """
    folded = {w.casefold() for w in wanted}
    out = []
    for value in present:
        text = value.decode("utf-8") if isinstance(value, bytes) else value
        if text.casefold() in folded:
            out.append(text)
    return out
