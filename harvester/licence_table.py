"""The licence table: every licence we recognise, kept as data.

The rows live in ``harvester/data/licences.tsv`` (one reviewable row per licence: Creative
Commons 1.0–4.0, the 3.0 IGO licences, CC0, the Public Domain Mark, rightsstatements.org
statements, open-source licences used for OER, "all rights reserved"). National ports of
the CC licences are not written out row by row: ``harvester/data/cc-ports.tsv`` lists each
jurisdiction with the suite versions CC published for it, and :func:`licence_table` expands
each (jurisdiction, version) into the six ported licences by copying the flags of the
unported licence of the same elements and version (a port changes the governing law and
wording, never the BY/NC/ND/SA elements). That keeps 540 generated rows out of review while
every one of them is still checked by the tests (id agrees with URL, SPDX column against
the SPDX list). The non-BY 1.0 licences (``nc``, ``nd``, ``sa``, ``nc-sa``, ``nd-nc``) are
included: unported, the ``fi``/``nl`` ports and Japan's 2.0 port, which also had them.

Columns of ``licences.tsv`` (tab-separated, ``#`` comments):
``id  spdx  url  label  family  attribution  share_alike  non_commercial  no_derivatives``.
Flags are ``1``/``0``, or empty where the statement is not a licence and the question has
no answer (rightsstatements.org statements, "all rights reserved"). ``family`` is one of
:data:`FAMILIES`.

Ref: https://creativecommons.org/licenses/list.en (CC licence list, URL scheme);
https://spdx.org/licenses/ (SPDX License List: ids); https://rightsstatements.org/page/1.0/
(rights statements); https://github.com/cc-archive/cc.licenserdf (one RDF file per
published CC licence: the source of the ports list).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from types import MappingProxyType

__all__ = [
    "CC_ELEMENTS",
    "FAMILIES",
    "LicenceInfo",
    "by_url",
    "cc_ports",
    "licence_info",
    "licence_table",
    "status_of",
]

#: Licence families (the ``family`` column).
FAMILIES: tuple[str, ...] = ("cc", "cc0", "pdm", "rightsstatements", "oss", "arr", "custom")

#: The six BY element combinations of CC 2.0–4.0 in canonical order.
CC_ELEMENTS: tuple[str, ...] = ("BY", "BY-SA", "BY-ND", "BY-NC", "BY-NC-SA", "BY-NC-ND")

_COLUMNS = ("id", "spdx", "url", "label", "family", "attribution", "share_alike",
            "non_commercial", "no_derivatives")
_PORT_COLUMNS = ("jurisdiction", "names", "versions", "spdx_ids")

#: Families whose statements are the holder's own terms, not a standard licence.
_CUSTOM_FAMILIES = frozenset({"arr", "custom"})


@dataclass(frozen=True, slots=True)
class LicenceInfo:
    """One licence of the table.

    Attributes:
        id: Our stable id, SPDX's where SPDX has one (``"CC-BY-SA-3.0-IGO"``, ``"MIT"``),
            else one of ours in the same style (``"CC-BY-NC-ND-2.0-FR"``,
            ``"RS-InC-EDU-1.0"``, ``"LicenseRef-All-Rights-Reserved"``).
        spdx: The SPDX License List id, or ``None`` when SPDX has none.
        url: Canonical URL (``https://creativecommons.org/licenses/by/4.0/``), or ``None``
            for statements without one ("all rights reserved").
        label: English title as the licensor publishes it.
        family: One of :data:`FAMILIES`.
        attribution: Reuse must credit the author (CC BY, MIT notice, GPL notice…).
        share_alike: Adaptations must carry the same licence (CC SA, GPL, GFDL).
        non_commercial: Commercial use is not permitted.
        no_derivatives: Adaptations may not be shared.
        jurisdiction: CC port code (``"de"``), ``"igo"``, or ``None`` (unported/other).
        version: Licence version (``"3.0"``), or ``None``.

    Flags are ``None`` where the question has no answer (a rights statement or "all
    rights reserved" is not a licence).
    """

    id: str
    spdx: str | None
    url: str | None
    label: str
    family: str
    attribution: bool | None
    share_alike: bool | None
    non_commercial: bool | None
    no_derivatives: bool | None
    jurisdiction: str | None = None
    version: str | None = None

    @property
    def status(self) -> str:
        """``"known"`` for a standard licence or statement, ``"custom"`` for "all rights
        reserved" and holder-specific terms (families ``arr`` and ``custom``)."""
        return "custom" if self.family in _CUSTOM_FAMILIES else "known"


def _flag(text: str) -> bool | None:
    """``"1"`` -> True, ``"0"`` -> False, ``""`` -> None; anything else is a table error."""
    if text not in ("1", "0", ""):
        raise ValueError(f"licence table flag must be 0, 1 or empty, not {text!r}")
    return None if text == "" else text == "1"


def _read_tsv(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a packaged TSV file as dicts; ``#`` comments and blank lines skipped, the
    first other line must be the header ``columns``."""
    text = resources.files("harvester.data").joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines or tuple(lines[0].split("\t")) != columns:
        raise ValueError(f"{name}: header must be {columns}")
    del lines[0]
    rows = []
    for fields in csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        if len(fields) != len(columns):
            raise ValueError(f"{name}: expected {len(columns)} columns, got {fields!r}")
        rows.append(dict(zip(columns, fields, strict=True)))
    return rows


def _cc_version_and_port(url: str) -> tuple[str | None, str | None]:
    """``("3.0", "igo")`` from ``https://creativecommons.org/licenses/by/3.0/igo/``;
    ``(None, None)`` for URLs that are not CC licence or tool URLs."""
    parts = url.split("/")  # ["https:", "", "creativecommons.org", kind, slug, version, port?, ""]
    if len(parts) < 7 or parts[2] != "creativecommons.org":
        return None, None
    return parts[5], parts[6] or None


@functools.cache
def cc_ports() -> Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """The CC national ports: jurisdiction code -> (names, versions published).

    Returns:
        Read-only mapping such as ``{"de": (("Germany", "Deutschland"), ("2.0", "3.0"))}``;
        the first name is the one CC's licence titles use.
    """
    return MappingProxyType({
        row["jurisdiction"]: (tuple(row["names"].split("|")), tuple(row["versions"].split()))
        for row in _read_tsv("cc-ports.tsv", _PORT_COLUMNS)
    })


@functools.cache
def _spdx_port_ids() -> frozenset[str]:
    """The ported CC ids that the SPDX License List has (column 4 of ``cc-ports.tsv``)."""
    return frozenset(i for row in _read_tsv("cc-ports.tsv", _PORT_COLUMNS)
                     for i in row["spdx_ids"].split())


@functools.cache
def licence_table() -> Mapping[str, LicenceInfo]:
    """Load the table once: id -> :class:`LicenceInfo`, explicit rows then ports.

    Returns:
        Read-only mapping in table order (explicit rows first, then the ports by
        jurisdiction code, version and :data:`CC_ELEMENTS` order).

    Raises:
        ValueError: When a row is malformed or an id is duplicated (a packaging error).
    """
    table: dict[str, LicenceInfo] = {}
    for row in _read_tsv("licences.tsv", _COLUMNS):
        if row["family"] not in FAMILIES:
            raise ValueError(f"licences.tsv: unknown family {row['family']!r}")
        if row["id"] in table:
            raise ValueError(f"licences.tsv: duplicate id {row['id']!r}")
        version, port = _cc_version_and_port(row["url"])
        table[row["id"]] = LicenceInfo(
            id=row["id"], spdx=row["spdx"] or None, url=row["url"] or None, label=row["label"],
            family=row["family"], attribution=_flag(row["attribution"]),
            share_alike=_flag(row["share_alike"]), non_commercial=_flag(row["non_commercial"]),
            no_derivatives=_flag(row["no_derivatives"]),
            jurisdiction=port, version=version,
        )
    spdx_ports = _spdx_port_ids()
    for code, (names, versions) in cc_ports().items():
        for version in versions:
            for elements in CC_ELEMENTS:
                # 2.1 exists only as ports; its elements and titles are those of 2.5.
                base = table.get(f"CC-{elements}-{version}") or table[f"CC-{elements}-2.5"]
                port_id = f"CC-{elements}-{version}-{code.upper()}"
                slug = base.url.split("/")[4]  # https://creativecommons.org/licenses/{slug}/…
                title = base.label.removeprefix("Creative Commons ").rsplit(" ", 2)[0]
                table[port_id] = replace(
                    base, id=port_id, spdx=port_id if port_id in spdx_ports else None,
                    url=f"https://creativecommons.org/licenses/{slug}/{version}/{code}/",
                    label=f"Creative Commons {title} {version} {names[0]}",
                    jurisdiction=code, version=version,
                )
    unknown_spdx = spdx_ports - table.keys()
    if unknown_spdx:
        raise ValueError(f"cc-ports.tsv: SPDX ids of ports not published: {sorted(unknown_spdx)}")
    return MappingProxyType(table)


def licence_info(licence_id: str) -> LicenceInfo | None:
    """The table row of ``licence_id`` (case-sensitive, as in the table), or ``None``."""
    return licence_table().get(licence_id)


@functools.cache
def _url_index() -> Mapping[str, LicenceInfo]:
    index: dict[str, LicenceInfo] = {}
    for info in licence_table().values():
        if info.url:
            index.setdefault(info.url, info)  # GNU "-only" rows come before "-or-later"
    return MappingProxyType(index)


def by_url(canonical_url: str) -> LicenceInfo | None:
    """The first row whose canonical URL is exactly ``canonical_url``, or ``None``.

    Two GNU rows share a URL (``GPL-3.0-only``, ``GPL-3.0-or-later``); the URL alone
    names the ``-only`` row (GPL v3 section 14: a stated version number without "or any
    later version" means that version).
    """
    return _url_index().get(canonical_url)


def status_of(licence_id: str) -> str:
    """``"known"``, ``"custom"`` (see :attr:`LicenceInfo.status`) or ``"unknown"`` (not a row)."""
    info = licence_table().get(licence_id)
    return "unknown" if info is None else info.status
