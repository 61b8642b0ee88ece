"""Openness policies and permitted uses: the ONE definition of which licences count as open.

A policy is a named rule over a licence's family and its BY/NC/ND/SA flags from the licence
table (:mod:`harvester.licence_table`); search facets, the CLI and exports all ask this
module, never re-list licences themselves.

Policies (see :data:`POLICIES`):

``free-cultural``
    Works that anyone may use, study, change and redistribute, for any purpose including
    commercial: CC0, the Public Domain Mark, CC BY and CC BY-SA of any version, port or
    IGO (and CC SA 1.0, which has no NC/ND), and the free open-source licences in the table
    (MIT, Apache-2.0, GPL, GFDL), which the Definition of Free Cultural Works lists as free.
    Ref: https://freedomdefined.org/Definition (v1.1), https://freedomdefined.org/Licenses.

``unesco-oer``
    Open licences that let others adapt the work, per the UNESCO Recommendation on OER
    (2019), section I: OER are materials "released under an open license, that permit
    no-cost access, re-use, re-purpose, adaptation and redistribution by others" (para. 1),
    and an open licence grants "the rights to access, re-use, re-purpose, adapt and
    redistribute educational materials" (para. 2(b)).
    Our reading: ND is excluded (adaptations may not be shared); NC is *included*: the
    definition lists no-cost access, re-use, re-purpose, adaptation and redistribution and
    says nothing of commercial use, and an NC licence grants all five for non-commercial
    purposes. So: CC0, PDM, every CC licence without ND, and the open-source licences.
    Librarians who need commercial reuse combine the policy with ``allows(id, "commercial")``.
    Ref: https://unesdoc.unesco.org/ark:/48223/pf0000373755 (Recommendation on OER,
    adopted by the 40th General Conference, 25 November 2019, section I "Definitions and scope").

``any-cc``
    Any Creative Commons licence or public-domain tool (CC, CC0, PDM), whatever its
    elements. Ref: https://creativecommons.org/licenses/list.en.

Permitted uses (:func:`allows`): ``"commercial"`` (not NC) and ``"derivatives"`` (not ND).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from harvester.licence_table import LicenceInfo, licence_info

__all__ = ["POLICIES", "USES", "Policy", "allows", "policies_of"]

#: The uses :func:`allows` answers for.
USES: tuple[str, ...] = ("commercial", "derivatives")

_OPEN_FAMILIES = frozenset({"cc", "cc0", "pdm", "oss"})


@dataclass(frozen=True, slots=True)
class Policy:
    """A named openness policy.

    Attributes:
        name: Stable name used on the command line and in the index (``"unesco-oer"``).
        title: One line for people.
        ref: The text the rule comes from (URL).
        accepts: Predicate over a table row.
    """

    name: str
    title: str
    ref: str
    accepts: Callable[[LicenceInfo], bool]


def _free_cultural(info: LicenceInfo) -> bool:
    return info.family in _OPEN_FAMILIES and info.non_commercial is False \
        and info.no_derivatives is False


def _unesco_oer(info: LicenceInfo) -> bool:
    return info.family in _OPEN_FAMILIES and info.no_derivatives is False


def _any_cc(info: LicenceInfo) -> bool:
    # CC's licences and tools all live at creativecommons.org; a source's bare "public
    # domain" statement (LicenseRef-Public-Domain) is not a CC tool.
    return (info.url or "").startswith("https://creativecommons.org/")


#: Every policy, by name, in the order they are shown.
POLICIES: Mapping[str, Policy] = MappingProxyType({
    p.name: p for p in (
        Policy("free-cultural", "Free cultural works: any use, including commercial and adapted",
               "https://freedomdefined.org/Definition", _free_cultural),
        Policy("unesco-oer", "UNESCO OER (2019 Recommendation): re-use, adapt, redistribute",
               "https://unesdoc.unesco.org/ark:/48223/pf0000373755", _unesco_oer),
        Policy("any-cc", "Any Creative Commons licence or public-domain tool",
               "https://creativecommons.org/licenses/list.en", _any_cc),
    )
})


def policies_of(licence_id: str) -> tuple[str, ...]:
    """Names of the policies a licence satisfies.

    Args:
        licence_id: A licence table id (``"CC-BY-NC-SA-3.0-IGO"``); ``"unknown"`` or any
            id not in the table satisfies none.

    Returns:
        Policy names in :data:`POLICIES` order, e.g. ``("unesco-oer", "any-cc")``;
        ``()`` for unknown ids.
    """
    info = licence_info(licence_id)
    if info is None:
        return ()
    return tuple(name for name, policy in POLICIES.items() if policy.accepts(info))


def allows(licence_id: str, use: str) -> bool | None:
    """Whether a licence permits a use without asking the rights holder.

    Args:
        licence_id: A licence table id.
        use: ``"commercial"`` or ``"derivatives"`` (see :data:`USES`).

    Returns:
        True or False from the licence's NC/ND flag; ``None`` when the licence is not in
        the table or the statement does not answer it (rights statements).
        "All rights reserved" answers False for both.

    Raises:
        ValueError: For a use not in :data:`USES`.
    """
    if use not in USES:
        raise ValueError(f"use must be one of {USES}, not {use!r}")
    info = licence_info(licence_id)
    if info is None:
        return None
    flag = info.non_commercial if use == "commercial" else info.no_derivatives
    return None if flag is None else not flag
