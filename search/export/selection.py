"""Which records go on an exported list, and the licence summary at its end.

:class:`Selection` streams records into :class:`Entry` values (record + licence row +
attribution), applying the licence rules of an export:

* records whose licence is **unknown** are left out and counted, unless
  ``include_unknown`` (then they stay, marked ``licence_status == "unknown"``, even under
  a policy: the librarian asked to see them);
* ``policies`` (``free-cultural``, ``unesco-oer``, ``any-cc``; ORed) and ``uses``
  (``commercial``, ``derivatives``; all required) from :mod:`harvester.policies` leave out
  the records whose licence does not meet them, counted per licence. An unknown licence
  meets no policy and allows no use, so with policies or uses the unknown ones left out
  are counted there (under ``"unknown"``), once, and not as a reason of their own.

It keeps counters only (one per distinct licence id), never the records, so a list of any
length streams in flat memory. After the records are consumed, :meth:`Selection.summary`
gives the :class:`ListSummary`: how many under each licence, how many left out and why, and
the remix check (:func:`search.export.remix.remix_check`) over the licences exported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from harvester.licence_table import LicenceInfo, licence_info
from harvester.policies import POLICIES, USES, allows, policies_of
from harvester.record import Resource
from search.export.attribution import Attribution, attribute, licence_name
from search.export.remix import RemixCheck, describe, remix_check

__all__ = ["Entry", "ListSummary", "Selection", "remix_sentence"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One record on an exported list.

    Attributes:
        resource: The full record from the store.
        licence: Its licence table row, or ``None`` when the licence is unknown.
        status: ``"known"``, ``"custom"`` or ``"unknown"`` (:attr:`Licence.status`).
        policies: Names of the openness policies the licence meets.
        attribution: The TASL facts and line.
    """

    resource: Resource
    licence: LicenceInfo | None
    status: str
    policies: tuple[str, ...]
    attribution: Attribution


@dataclass(frozen=True, slots=True)
class ListSummary:
    """The licence summary of an exported list.

    Attributes:
        exported: Records on the list.
        by_licence: ``(licence id, short name, count)`` by descending count, then id;
            ``"unknown"`` (when kept) is named "licence not identified".
        left_out_unknown: Records left out only because their licence is unknown (no
            policies or uses asked for; with them, see ``left_out_policy``).
        left_out_policy: ``(licence id, count)`` of records whose licence does not meet
            the policies/uses asked for, by descending count then id; ``"unknown"``
            counts the records whose licence could not be identified (not kept).
        missing: Index hits no longer in the store (deleted since the index was updated).
        policies: The policies asked for (ORed).
        uses: The uses asked for (all required).
        include_unknown: Whether unknown licences were kept.
        remix: The remix check over the licences exported.
    """

    exported: int
    by_licence: tuple[tuple[str, str, int], ...]
    left_out_unknown: int
    left_out_policy: tuple[tuple[str, int], ...]
    missing: int
    policies: tuple[str, ...]
    uses: tuple[str, ...]
    include_unknown: bool
    remix: RemixCheck = field(default_factory=lambda: remix_check(()))

    def lines(self) -> list[str]:
        """The summary as plain sentences, for text formats (first line is a heading)."""
        out = [f"Licence summary: {self.exported:,} resource(s) on this list."]
        out += [f"{name}: {count:,}" for _, name, count in self.by_licence]
        if self.left_out_unknown:
            out.append(f"Left out: {self.left_out_unknown:,} resource(s) whose licence could "
                       "not be identified (include unknown licences to list them, marked).")
        if self.left_out_policy:
            rule = f"meet {' or '.join(self.policies)}" if self.policies else ""
            if self.uses:
                rule += (" and " if rule else "") + "allow " + " and ".join(
                    "commercial use" if u == "commercial" else "adaptations" for u in self.uses)
            total = sum(n for _, n in self.left_out_policy)
            unknown = sum(n for i, n in self.left_out_policy if licence_info(i) is None)
            hint = (f"; include unknown licences to list the {unknown:,} not identified, "
                    "marked") if unknown else ""
            out.append(f"Left out: {total:,} resource(s) whose licence does not {rule} ("
                       + ", ".join(f"{_name(i)}: {n:,}" for i, n in self.left_out_policy)
                       + f"){hint}.")
        if self.missing:
            out.append(f"Skipped: {self.missing:,} search hit(s) no longer in the store.")
        out.append(remix_sentence(self.remix))
        out += [f"• {reason}" for reason in self.remix.reasons]
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: ``{"exported", "licences": [{"id", "name", "count"}],
        "left_out": {"unknown_licence", "policy": [{"id", "count"}], "missing_from_store"},
        "policies", "uses", "include_unknown", "remix": {"compatible", "licences",
        "reasons"}}``."""
        return {
            "exported": self.exported,
            "licences": [{"id": i, "name": n, "count": c} for i, n, c in self.by_licence],
            "left_out": {"unknown_licence": self.left_out_unknown,
                         "policy": [{"id": i, "count": c} for i, c in self.left_out_policy],
                         "missing_from_store": self.missing},
            "policies": list(self.policies), "uses": list(self.uses),
            "include_unknown": self.include_unknown,
            "remix": {"compatible": self.remix.compatible, "licences": list(self.remix.licences),
                      "reasons": list(self.remix.reasons)},
        }


def remix_sentence(remix: RemixCheck, heading: str = "Remix check: ") -> str:
    """The remix check's verdict as one sentence (its reasons follow it, one per line).

    Args:
        remix: The check.
        heading: Put first (``""`` where the format has its own heading).

    Returns:
        ``Remix check: these resources can be combined into one adapted work; it could
        carry CC BY-SA 4.0.``; when undecided, what is known and what to check.
    """
    if remix.compatible is None:
        text = ("whether these resources can be combined into one adapted work is not "
                "decided: some of their licences cannot be checked here (see below)")
        if remix.licences:
            text += ("; the Creative Commons-licensed ones could be combined under "
                     f"{describe(remix.licences)}")
    elif remix.compatible:
        text = "these resources can be combined into one adapted work"
        if remix.licences:
            text += f"; it could carry {describe(remix.licences)}"
    else:
        text = "these resources cannot be combined into one adapted work (see below)"
    text += "."
    return heading + (text if heading else text[0].upper() + text[1:])


def _name(licence_id: str) -> str:
    return licence_name(licence_info(licence_id)) or "licence not identified"


class Selection:
    """The licence rules of one export, and its running counts.

    Args:
        policies: Policy names (:data:`harvester.policies.POLICIES`), ORed; ``()`` for any.
        uses: Uses (:data:`harvester.policies.USES`) every licence must allow.
        include_unknown: Keep records whose licence is unknown (marked), instead of
            leaving them out.

    Raises:
        ValueError: For an unknown policy or use.
    """

    def __init__(self, policies: Iterable[str] = (), uses: Iterable[str] = (),
                 include_unknown: bool = False) -> None:
        self.policies = tuple(dict.fromkeys(policies))
        self.uses = tuple(dict.fromkeys(uses))
        for name in self.policies:
            if name not in POLICIES:
                raise ValueError(f"unknown policy {name!r}; one of {', '.join(POLICIES)}")
        for use in self.uses:
            if use not in USES:
                raise ValueError(f"unknown use {use!r}; one of {', '.join(USES)}")
        self.include_unknown = include_unknown
        self._kept: Counter[str] = Counter()
        self._unknown = 0
        self._refused: Counter[str] = Counter()
        self._missing = 0

    def accepts(self, licence_id: str) -> bool | None:
        """True/False for an identified licence under the rules; ``None`` for unknown."""
        info = licence_info(licence_id)
        if info is None:
            return None
        if self.policies and not set(self.policies) & set(policies_of(licence_id)):
            return False
        return all(allows(licence_id, use) is True for use in self.uses)

    def entries(self, resources: Iterable[Resource | None]) -> Iterator[Entry]:
        """Stream the records that go on the list, counting the others.

        Args:
            resources: Records in list order; ``None`` stands for an index hit missing
                from the store (counted as :attr:`ListSummary.missing`).

        Yields:
            One :class:`Entry` per record kept.
        """
        for resource in resources:
            if resource is None:
                self._missing += 1
                continue
            lic = resource.license.id
            verdict = self.accepts(lic)
            if verdict is None and not self.include_unknown:
                if self.policies or self.uses:  # the rules leave it out: count it there
                    self._refused[lic] += 1
                else:
                    self._unknown += 1
                continue
            if verdict is False:
                self._refused[lic] += 1
                continue
            self._kept[lic] += 1
            info = licence_info(lic)
            yield Entry(resource=resource, licence=info,
                        status="unknown" if info is None else info.status,
                        policies=policies_of(lic), attribution=attribute(resource))

    def summary(self) -> ListSummary:
        """The summary of what :meth:`entries` has streamed so far."""
        ordered = sorted(self._kept.items(), key=lambda kv: (-kv[1], kv[0]))
        return ListSummary(
            exported=sum(self._kept.values()),
            by_licence=tuple((i, _name(i), n) for i, n in ordered),
            left_out_unknown=self._unknown,
            left_out_policy=tuple(sorted(self._refused.items(), key=lambda kv: (-kv[1], kv[0]))),
            missing=self._missing, policies=self.policies, uses=self.uses,
            include_unknown=self.include_unknown, remix=remix_check(self._kept))
