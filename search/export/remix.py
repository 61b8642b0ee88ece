"""Remix check: which licences could a work combining the listed resources carry, and why.

A pure function over licence ids (:func:`remix_check`), following Creative Commons'
compatibility chart and the ShareAlike clauses of the licences themselves:

* **CC0 and the Public Domain Mark** set no conditions: they combine with anything.
* **BY** asks for credit only: it combines with anything that may be adapted.
* **ND** (NoDerivatives) material may not be adapted, so it cannot be part of a combined
  (remixed) work at all, not even with itself. A *collection* that keeps each item
  unchanged, under its own licence, is still possible (not an adaptation).
* **NC** (NonCommercial) forbids commercial use: the combined work must carry an NC licence.
* **SA** (ShareAlike) pins the adaptation's licence: the same licence, or one the SA clause
  names. 1.0: only the same licence. 2.0–3.0 (ports and IGO included): the same elements,
  this or a later version, unported or any port ("a Creative Commons jurisdiction license
  (either this or a later license version) that contains the same License Elements",
  3.0 §4(b); IGO 3.0 the same). 4.0: the same elements, 4.0 or later. So BY-SA and BY-NC-SA
  never combine (each pins its own elements), and BY-SA never combines with NC material.
  (CC also declares GPLv3 a one-way "BY-SA Compatible License" of BY-SA 4.0; we do not
  propose it: a GPL adaptation of BY-SA material is rarely what an OER list is for.)
* Licences outside CC's chart (open-source licences, rights statements) and unidentified
  licences make the answer undetermined; "all rights reserved" blocks a remix unless the
  holder permits it.

Without a ShareAlike input the candidates are the current 4.0 licences (CC recommends the
latest version), with NC ones only when an input is NC, and CC0 only when every input is
CC0 or public domain.

Ref: CC FAQ, "Can I combine material under different Creative Commons licenses in my
work?", https://creativecommons.org/faq/#can-i-combine-material-under-different-creative-commons-licenses-in-my-work ;
the chart, https://wiki.creativecommons.org/wiki/Wiki/cc_license_compatibility ;
BY-SA 3.0 legal code §4(b), https://creativecommons.org/licenses/by-sa/3.0/legalcode ;
BY-SA 4.0 §3(b), https://creativecommons.org/licenses/by-sa/4.0/legalcode .
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from harvester.licence_table import LicenceInfo, licence_info, licence_table
from harvester.record import UNKNOWN_LICENCE
from search.export.attribution import licence_name

__all__ = ["CURRENT", "RemixCheck", "describe", "remix_check", "sharealike_targets"]

#: Candidate licences when no ShareAlike input pins one: the 4.0 suite, least restrictive first.
CURRENT: tuple[str, ...] = ("CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0",
                            "CC-BY-ND-4.0", "CC-BY-NC-ND-4.0")


@dataclass(frozen=True, slots=True)
class RemixCheck:
    """The answer of :func:`remix_check`.

    Attributes:
        compatible: True when the resources can be combined into one adapted work; False
            when some cannot (ND, "all rights reserved") or their conditions conflict;
            ``None`` when a licence outside CC's chart or an unidentified one leaves it
            undetermined (and nothing blocks).
        licences: Licence ids the combined work could carry, most open and most recent
            first; ``()`` when not compatible. With an undetermined input, what the CC
            inputs alone allow.
        reasons: One sentence per rule that decided, blockers first.
    """

    compatible: bool | None
    licences: tuple[str, ...]
    reasons: tuple[str, ...]


def _version(v: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in (v or "0").split("."))


def _elements(info: LicenceInfo) -> tuple[bool | None, ...]:
    return (info.attribution, info.share_alike, info.non_commercial, info.no_derivatives)


@functools.cache
def sharealike_targets(licence_id: str) -> tuple[str, ...]:
    """Licences an adaptation of ShareAlike material may carry (see the module docstring).

    Args:
        licence_id: A CC ShareAlike licence id (``"CC-BY-SA-3.0-IGO"``).

    Returns:
        Ids ordered newest version first, unported before ports, ports by code; ``()``
        when the id is not a CC ShareAlike licence.
    """
    info = licence_info(licence_id)
    if info is None or info.family != "cc" or not info.share_alike:
        return ()
    if info.version == "1.0":
        return (licence_id,)
    low = _version(info.version)
    rows = [r for r in licence_table().values() if r.family == "cc"
            and _elements(r) == _elements(info) and _version(r.version) >= low]
    rows.sort(key=lambda r: (tuple(-p for p in _version(r.version)), r.jurisdiction or "",
                             r.id))
    return tuple(r.id for r in rows)


def describe(licence_ids: Iterable[str], limit: int = 3) -> str:
    """Short names of up to ``limit`` licences, then how many more (``"CC BY-SA 4.0,
    CC BY-SA 3.0, CC BY-SA 3.0 AT and 61 more"``)."""
    ids = list(licence_ids)
    names = [licence_name(licence_info(i)) or i for i in ids[:limit]]
    more = len(ids) - limit
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def remix_check(licence_ids: Iterable[str]) -> RemixCheck:
    """Which licences a work combining resources under ``licence_ids`` could carry.

    Args:
        licence_ids: The licence ids on a list (repeats ignored), e.g.
            ``{"CC-BY-SA-4.0", "CC-BY-NC-SA-4.0"}``; ``"unknown"`` and ids not in the
            table count as unidentified.

    Returns:
        A :class:`RemixCheck`; for the example, ``compatible=False`` with the reason that
        each ShareAlike licence requires its own elements.
    """
    ids = sorted(set(licence_ids))
    blockers: list[str] = []
    notes: list[str] = []
    undetermined: list[str] = []
    infos: list[LicenceInfo] = []
    for lic in ids:
        info = licence_info(lic) if lic != UNKNOWN_LICENCE else None
        if info is None:
            undetermined.append("Some resources have no identified licence: whether they may "
                                "be combined cannot be told.")
        elif info.family in ("arr", "custom"):
            blockers.append(f"{info.label}: no open licence is granted, so including it in a "
                            "combined work needs the rights holder's permission.")
        elif info.family == "rightsstatements":
            undetermined.append(f"“{info.label}” is a rights statement, not a licence: check "
                                "it before combining.")
        elif info.family == "oss":
            undetermined.append(f"{info.label} is outside Creative Commons' compatibility "
                                "chart: check its terms before combining.")
        else:
            infos.append(info)
    cc = [i for i in infos if i.family == "cc"]
    for info in cc:
        if info.no_derivatives:
            blockers.append(f"{licence_name(info)} (NoDerivatives) material may not be adapted, "
                            "so it cannot be part of a combined work; a collection that keeps "
                            "each item unchanged under its own licence is still possible.")
    nc = [i for i in cc if i.non_commercial]
    sa = [i for i in cc if i.share_alike]
    if sa:
        allowed = set(sharealike_targets(sa[0].id))
        for info in sa[1:]:
            allowed &= set(sharealike_targets(info.id))
        if not allowed:
            blockers.append(_sa_conflict(sa))
        elif nc and not sa[0].non_commercial:
            blockers.append(f"{licence_name(sa[0])} (ShareAlike) requires adaptations under a "
                            "licence with its own elements, which allows commercial use, while "
                            f"{licence_name(nc[0])} (NonCommercial) forbids it: they cannot be "
                            "combined.")
        candidates = tuple(i for i in sharealike_targets(sa[0].id) if i in allowed)
        if allowed and not blockers:
            notes.extend(f"{licence_name(i)} (ShareAlike) requires adaptations under "
                         f"{describe(sharealike_targets(i.id))}." for i in sa)
    else:
        candidates = CURRENT
        if nc:
            candidates = tuple(i for i in candidates if licence_info(i).non_commercial)
            notes.append(f"{licence_name(nc[0])} (NonCommercial) forbids commercial use: the "
                         "combined work must carry a NonCommercial licence.")
        if all(i.family in ("cc0", "pdm") for i in infos):
            candidates = ("CC0-1.0", *candidates)
    if infos and all(i.family in ("cc0", "pdm") for i in infos):
        notes.append("CC0 and the Public Domain Mark set no conditions: they combine with any "
                     "licence.")
    elif any(i.family in ("cc0", "pdm") for i in infos):
        notes.append("CC0 and public-domain material set no conditions on the combination.")
    if any(i.attribution and not (i.share_alike or i.non_commercial or i.no_derivatives)
           for i in cc):
        notes.append("CC BY material asks for credit only: it combines with any licence that "
                     "allows adaptation; keep its attribution.")
    if blockers:
        return RemixCheck(False, (), tuple(dict.fromkeys(blockers + undetermined)))
    if not infos:
        candidates = ()
        if not undetermined:
            notes.append("No resource on the list has a licence to check.")
    return RemixCheck(None if undetermined or not infos else True, candidates,
                      tuple(dict.fromkeys(undetermined + notes)))


def _sa_conflict(sa: list[LicenceInfo]) -> str:
    """Why the ShareAlike inputs leave no common licence."""
    kinds = {_elements(i) for i in sa}
    names = " and ".join(dict.fromkeys(licence_name(i) for i in sa))
    if len(kinds) > 1:
        return (f"{names} are ShareAlike licences with different elements: each requires "
                "adaptations under its own, so no licence satisfies both.")
    return (f"{names}: each ShareAlike licence allows adaptations only under licences the "
            "other does not allow (a 1.0 licence allows only itself; later versions allow "
            "only the same or a later version).")
