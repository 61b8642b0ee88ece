"""Find the same resource harvested from several sources (UNESDOC, IITE, DOAB …).

Two records describe the same resource when they share a persistent identifier (DOI, ARK,
ISBN, handle, URN) or a landing-page URL, compared in normalised form
(:func:`match_keys`); failing that, when their normalised titles and publication years
are equal (:func:`title_year_key`) and no persistent identifier contradicts it (two
different DOIs are two resources, however alike their titles). Every record stays as
harvested, with its source: a cluster is a view over records, the provenance of each
provider is kept.

How the store would use it (not wired in yet): a table ``match_keys(record_id, key)``
indexed by ``key``, filled from :func:`match_keys` and :func:`title_year_key` when a
record version is saved; the records sharing a key with a record are its candidates,
and :func:`cluster` over a record and its candidates gives its group. Keys are plain
strings (``"doi:10.5281/zenodo.8435696"``, ``"url:zenodo.org/records/1"``,
``"ty:open textbook of physics|2019"``), so any store or index can hold them.

Ref: DOI Handbook §2.4 (case-insensitive); ARK spec §2.5.1 (hyphens are identity-inert);
Handle System (RFC 3651 §2: handles are case-insensitive in ASCII); ISO 2108 (ISBN-13).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from harvester.record import Identifier, Resource

__all__ = ["STRONG_SCHEMES", "cluster", "identifier_key", "match_keys", "title_year_key"]

#: Schemes whose values identify exactly one resource: two different values of one of
#: these schemes on two records mean two resources.
STRONG_SCHEMES: tuple[str, ...] = ("doi", "ark", "isbn", "handle", "urn")

#: Shortest normalised title used for title + year matching (shorter ones collide).
MIN_TITLE_CHARS = 12

_NON_WORD = re.compile(r"[\W_]+")


def identifier_key(identifier: Identifier) -> str | None:
    """The comparison key of one identifier, or ``None`` for schemes not matched on."""
    scheme, value = identifier.scheme, identifier.value.strip()
    if scheme == "doi" or scheme == "handle":
        return f"{scheme}:{value.lower()}"
    if scheme == "ark":
        return "ark:" + value.removeprefix("ark:").lstrip("/").replace("-", "")
    if scheme == "isbn":
        return f"isbn:{value}"
    if scheme == "urn":
        nid, _, nss = value[4:].partition(":")
        return f"urn:{nid.lower()}:{nss}"
    if scheme == "url":
        return _url_key(value)
    return None


def _url_key(url: str) -> str | None:
    """``url:host/path?query`` with scheme, ``www.``, default port, fragment, final ``/`` dropped."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
        port = parts.port
    except ValueError:
        return None
    if not host:
        return None
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"url:{host}{path}{query}"


def match_keys(resource: Resource) -> tuple[str, ...]:
    """The identifier keys of a record: its PIDs and URLs, normalised, distinct.

    Args:
        resource: A record with ``identifiers`` filled (every crosswalk fills them).

    Returns:
        Keys such as ``"doi:10.5281/zenodo.10357859"``, ``"ark:48223/pf0000397002"``,
        ``"isbn:9789231002664"``, ``"url:unesdoc.unesco.org/ark:/48223/pf0000397002"``, in
        the record's order; the landing ``url`` is included.
    """
    keys: list[str] = []
    idents = list(resource.identifiers)
    if resource.url:
        idents.append(Identifier("url", resource.url))
    for ident in idents:
        key = identifier_key(ident)
        if key and key not in keys:
            keys.append(key)
    return tuple(keys)


def normalised_title(title: str) -> str:
    """Title for comparison: accents removed, case folded, punctuation to spaces."""
    decomposed = unicodedata.normalize("NFKD", title)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", bare.casefold()).split())


def title_year_key(resource: Resource) -> str | None:
    """``"ty:{normalised title}|{year}"``, or ``None`` without a year or a long enough title.

    The year is the first four digits of ``issued``; the title is the first title.
    """
    year = (resource.issued or "")[:4]
    title = normalised_title(resource.first_title())
    if not (year.isdigit() and len(title) >= MIN_TITLE_CHARS):
        return None
    return f"ty:{title}|{year}"


def _strong_values(resource: Resource) -> dict[str, set[str]]:
    values: dict[str, set[str]] = {}
    for ident in resource.identifiers:
        if ident.scheme in STRONG_SCHEMES:
            key = identifier_key(ident)
            if key:
                values.setdefault(ident.scheme, set()).add(key)
    return values


def cluster(resources: Sequence[Resource]) -> list[list[Resource]]:
    """Group records that describe the same resource.

    Args:
        resources: Records from any sources.

    Returns:
        The groups, each in input order, groups ordered by their first member; a record
        that matches nothing is a group of one. Records sharing any :func:`match_keys`
        key are grouped; then groups whose members share a :func:`title_year_key` are
        merged unless one scheme of :data:`STRONG_SCHEMES` has values on both sides and
        none in common.
    """
    parent = list(range(len(resources)))
    strong = [_strong_values(r) for r in resources]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        parent[max(ra, rb)] = min(ra, rb)
        low = strong[min(ra, rb)]
        for scheme, keys in strong[max(ra, rb)].items():
            low.setdefault(scheme, set()).update(keys)

    def compatible(a: int, b: int) -> bool:
        sa, sb = strong[find(a)], strong[find(b)]
        return all(not (sa.get(s) and sb.get(s)) or sa[s] & sb[s] for s in STRONG_SCHEMES)

    _link(resources, match_keys, union, lambda a, b: True)
    _link(resources, lambda r: filter(None, [title_year_key(r)]), union, compatible)
    groups: dict[int, list[Resource]] = {}
    for index, resource in enumerate(resources):
        groups.setdefault(find(index), []).append(resource)
    return [groups[root] for root in sorted(groups)]


def _link(resources: Sequence[Resource], keys_of, union, allowed) -> None:
    """Union every record with the first earlier record sharing a key, when ``allowed``."""
    first_with: dict[str, int] = {}
    for index, resource in enumerate(resources):
        keys: Iterable[str] = keys_of(resource)
        for key in keys:
            if key in first_with:
                if allowed(first_with[key], index):
                    union(first_with[key], index)
            else:
                first_with[key] = index
