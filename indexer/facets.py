"""Facets derived from the licence at query time: openness ``policy`` and ``allows``.

The index keeps each record's licence id only. Which licences a policy accepts, and
whether a licence allows commercial use or derivatives, is asked of
:mod:`harvester.policies` (the one definition) when searching, so a change of policy
needs no re-index. A record has one licence, so a policy's count is the sum of the counts
of the licences it accepts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from harvester.policies import POLICIES, USES, allows, policies_of
from indexer.backend import FACETS, FacetValue, SearchQuery

#: Facets computed from ``license`` values.
DERIVED_FACETS: tuple[str, ...] = ("policy", "allows")


def check_uses(uses: Iterable[str]) -> None:
    """Raise ``ValueError`` for a use that is not in :data:`harvester.policies.USES`."""
    for use in uses:
        if use not in USES:
            raise ValueError(f"allows must be one of {', '.join(USES)}, got {use!r}")


def check_policies(names: Iterable[str]) -> None:
    """Raise ``ValueError`` for a policy name not in :data:`harvester.policies.POLICIES`."""
    for name in names:
        if name not in POLICIES:
            raise ValueError(f"unknown policy {name!r}; one of {', '.join(POLICIES)}")


def licences_for(facet: str, values: Iterable[str], licence_ids: Iterable[str]) -> list[str]:
    """The licence ids, among ``licence_ids``, that a derived-facet filter lets through.

    Args:
        facet: ``"policy"`` (a licence passes when it satisfies ANY of ``values``) or
            ``"allows"`` (it passes when it allows EVERY use in ``values``; a licence that
            does not say, like ``unknown``, does not pass).
        values: Policy names or uses.
        licence_ids: The licence ids present in the index.

    Returns:
        The ids that pass, in ``licence_ids`` order (possibly empty).

    Raises:
        ValueError: for an unknown facet, policy name or use.
    """
    values = tuple(values)
    if facet == "policy":
        check_policies(values)
        return [lic for lic in licence_ids if set(policies_of(lic)) & set(values)]
    if facet == "allows":
        check_uses(values)
        return [lic for lic in licence_ids if all(allows(lic, use) is True for use in values)]
    raise ValueError(f"not a derived facet: {facet!r}")


def derived_counts(facet: str, licence_counts: Mapping[str, int]) -> dict[str, int]:
    """Counts of a derived facet from the licence counts of the same matches.

    Args:
        facet: ``"policy"`` or ``"allows"``.
        licence_counts: Licence id → number of matching records.

    Returns:
        Policy name (in :data:`POLICIES` order) or use (in :data:`USES` order) → number
        of matching records whose licence satisfies / allows it; zero counts left out.
    """
    names = tuple(POLICIES) if facet == "policy" else USES
    counts = dict.fromkeys(names, 0)
    for lic, n in licence_counts.items():
        if facet == "policy":
            for name in policies_of(lic):
                counts[name] += n
        else:
            for use in USES:
                if allows(lic, use) is True:
                    counts[use] += n
    return {name: n for name, n in counts.items() if n}


def count_plan(active: Collection[str]) -> dict[str | None, set[str]]:
    """Which indexed facets to count under which filters (multi-select facets).

    A facet's values are counted with every filter except its own, so choosing one
    licence still shows the counts of the others. Facets whose filter is not active
    share the main search (key ``None``); each active one needs a search of its own.

    Args:
        active: Facets the query filters on.

    Returns:
        Facet left out of the filters (``None``: none) → indexed facets to count
        (``license`` stands for ``policy`` and ``allows``).
    """
    plan: dict[str | None, set[str]] = {}
    for facet in FACETS:
        indexed = "license" if facet in DERIVED_FACETS else facet
        plan.setdefault(facet if facet in active else None, set()).add(indexed)
    return plan


def facet_values(query: SearchQuery, active: Collection[str],
                 counts: Mapping[tuple[str | None, str], Mapping]) -> dict:
    """Facet counts to show, from the counts made following :func:`count_plan`.

    Args:
        query: The query (to mark selected values).
        active: Facets the query filters on.
        counts: ``(facet left out or None, indexed facet) -> {value: count}``.

    Returns:
        Every facet of :data:`~indexer.backend.FACETS` → values with counts, by
        descending count then value (``year``: newest first); zero counts left out.
    """
    out: dict[str, tuple[FacetValue, ...]] = {}
    for facet in FACETS:
        indexed = "license" if facet in DERIVED_FACETS else facet
        raw = counts.get((facet if facet in active else None, indexed), {})
        raw = {(k.decode() if isinstance(k, bytes) else k): n for k, n in raw.items()
               if k not in (None, b"", "") and n}
        if facet in DERIVED_FACETS:
            raw = derived_counts(facet, raw)
        fold = str.casefold  # filters match case-insensitively (indexer.filter_values)
        selected = {fold(v) for v in query.values(facet)}
        if facet == "year":
            items = sorted(raw.items(), reverse=True)
            selected |= {v for v in raw if _in_ranges(v, query.year_ranges)}
        else:
            items = sorted(raw.items(), key=lambda kv: (-kv[1], kv[0]))
        out[facet] = tuple(FacetValue(value, n, fold(value) in selected) for value, n in items)
    return out


def _in_ranges(year: str, ranges) -> bool:
    """True when the indexed ``year`` (``"2015"``) lies in one of the inclusive
    ``(first, last)`` ranges of :attr:`~indexer.backend.SearchQuery.year_ranges`."""
    if not year.isdigit():
        return False
    value = int(year)
    return any((low is None or low <= value) and (high is None or value <= high)
               for low, high in ranges)
