"""Classify identifier values (DOI, ARK, ISBN, handle, URN, ISSN, URL) and choose the landing page.

A record's identifiers come bare (``10.5281/zenodo.1``), prefixed (``doi:``, ``hdl:``,
``info:doi/``, ``urn:isbn:``, ``ISBN 978-…``), as resolver URLs (``https://doi.org/…``,
``http://hdl.handle.net/…``, ``https://n2t.net/ark:/…``) or as landing pages that embed an
ARK (``https://unesdoc.unesco.org/ark:/48223/pf0000397002``). :func:`classify_identifier`
returns each persistent identifier in one normalised form, so that the same resource
harvested from two sources yields the same value (see :mod:`harvester.dedup`). It is
conservative: a bare number is an ISBN only when it has 13 digits, a 978/979 prefix and a
valid checksum, or when the source says it is an ISBN; bare ``prefix/suffix`` strings are
handles only when the source says so. ISBN and ISSN checksums are checked with
:mod:`stdnum` (python-stdnum), the only importer of it.

Ref: DOI Handbook §2 (syntax, case-insensitive), https://www.doi.org/the-identifier/resources/handbook/ ;
ARK spec (draft-kunze-ark), https://datatracker.ietf.org/doc/draft-kunze-ark/ ;
RFC 8141 (URN syntax); Handle System (RFC 3650); ISO 2108 (ISBN); ISO 3297 (ISSN).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from stdnum import isbn as _isbn
from stdnum import issn as _issn

from harvester.record import Identifier

__all__ = ["RESOLVER_HOSTS", "classify_identifier", "classify_all", "choose_landing", "http_parts",
           "pid_url"]

#: Hosts whose URLs resolve a persistent identifier rather than being a landing page.
RESOLVER_HOSTS: dict[str, str] = {
    "doi.org": "doi", "dx.doi.org": "doi", "www.doi.org": "doi",
    "hdl.handle.net": "handle", "n2t.net": "ark", "nbn-resolving.org": "urn",
    "nbn-resolving.de": "urn", "urn.fi": "urn", "urn.kb.se": "urn",
}

_DOI = re.compile(r"^(10\.\d{4,9}/\S+)$")
_DOI_PREFIXED = re.compile(r"^(?:doi:\s*|info:doi/|urn:doi:)(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ARK = re.compile(r"(?:^|/)ark:/?(\d{5,9})/([^?#\s]+)", re.IGNORECASE)
_HANDLE_PREFIXED = re.compile(r"^(?:hdl:\s*|info:hdl/)(\d[\w.]*/\S+)$", re.IGNORECASE)
_HANDLE_BARE = re.compile(r"^(\d[\w.]*/\S+)$")
_URN = re.compile(r"^urn:([a-z0-9][a-z0-9-]{0,31}):(\S+)$", re.IGNORECASE)
_ISBN_TEXT = re.compile(r"^(?:isbn(?:-1[03])?[:\s]*|urn:isbn:)([\dxX][\d\s-]{8,16}[\dxX])$",
                        re.IGNORECASE)
_BARE_ISBN13 = re.compile(r"^97[89][\d-]{10,14}$")
_ISSN_TEXT = re.compile(r"^(?:issn[:\s]*|urn:issn:)?(\d{4}-?\d{3}[\dxX])$", re.IGNORECASE)

#: Source-declared scheme names (DataCite identifierType, MODS identifier/@type, LOM
#: catalog, xsi:type) -> our scheme.
_HINTS: dict[str, str] = {
    "doi": "doi", "ark": "ark", "isbn": "isbn", "handle": "handle", "hdl": "handle",
    "urn": "urn", "issn": "issn", "eissn": "issn", "pissn": "issn", "url": "url",
    "uri": "url", "dct:uri": "url", "dcterms:uri": "url", "purl": "url",
}


def classify_identifier(raw: str, hint: str | None = None) -> tuple[Identifier, ...]:
    """Classify one identifier value.

    Args:
        raw: The value as harvested.
        hint: The scheme the source declares for it, any case (``"DOI"``, ``"ISBN"``,
            ``"Handle"``, ``"URI"`` …); unknown hints are ignored.

    Returns:
        Zero, one or two identifiers: the persistent identifier it holds (DOI, ARK, ISBN,
        handle, URN, ISSN) in normalised form, plus ``("url", raw)`` when the value is an
        http(s) URL that is a landing page rather than a PID resolver (an ARK landing
        page yields both). Values that are none of these (``oai:`` ids, local numbers)
        yield ``()``.
    """
    value = raw.strip() if isinstance(raw, str) else ""
    if not value or len(value) > 2000:
        return ()
    scheme_hint = _HINTS.get((hint or "").strip().lower())
    if value.lower().startswith(("http://", "https://")):
        return _from_url(value)
    for finder in (_doi, _ark, _handle, _isbn_of, _issn_of, _urn):
        found = finder(value, scheme_hint)
        if found is not None:
            return (found,)
    return ()


def classify_all(values: Iterable[tuple[str, str | None] | str]) -> tuple[Identifier, ...]:
    """Classify many values and drop duplicates, keeping first-seen order.

    Args:
        values: Raw values, or ``(raw, hint)`` pairs.

    Returns:
        The distinct identifiers (same scheme and value once; DOIs compared
        case-insensitively).
    """
    seen: set[tuple[str, str]] = set()
    result: list[Identifier] = []
    for item in values:
        raw, hint = (item, None) if isinstance(item, str) else item
        for ident in classify_identifier(raw, hint):
            key = (ident.scheme, ident.value.lower() if ident.scheme == "doi" else ident.value)
            if key not in seen:
                seen.add(key)
                result.append(ident)
    return tuple(result)


def pid_url(identifier: Identifier) -> str | None:
    """The resolver URL of a persistent identifier (``https://doi.org/10.…``), or ``None``."""
    if identifier.scheme == "doi":
        return f"https://doi.org/{identifier.value}"
    if identifier.scheme == "handle":
        return f"https://hdl.handle.net/{identifier.value}"
    if identifier.scheme == "ark":
        return f"https://n2t.net/{identifier.value}"
    if identifier.scheme == "url":
        return identifier.value
    return None


def choose_landing(candidates: Iterable[str], identifiers: Iterable[Identifier] = ()) -> str | None:
    """Choose the landing page URL of a resource.

    Args:
        candidates: URL-ish values in order of preference (explicit landing pages first,
            e.g. MODS ``url access="object in context"``, then identifier values).
        identifiers: The record's classified identifiers, used when no candidate is a URL.

    Returns:
        The first http(s) candidate whose host is not a PID resolver; else the first
        resolver URL among the candidates; else the resolver URL of the first DOI,
        handle or ARK in ``identifiers``; else ``None``.
    """
    resolver = None
    for value in candidates:
        host = _http_host(value)
        if host is None:
            continue
        if host not in RESOLVER_HOSTS:
            return value.strip()
        resolver = resolver or value.strip()
    if resolver:
        return resolver
    for ident in identifiers:
        if ident.scheme in ("doi", "handle", "ark"):
            return pid_url(ident)
    return None


def _http_host(value: str) -> str | None:
    """The lower-case host of an http(s) URL, else ``None``."""
    found = http_parts(value.strip())
    return found[0] if found else None


def http_parts(value: str) -> tuple[str, str] | None:
    """``(lower-case host, path)`` of an absolute http(s) URL, else ``None``.

    Args:
        value: A URL-ish value, used as given (callers strip it).

    Results for values up to 2,048 characters are cached: a record's identifiers are split
    by :func:`classify_identifier` and again by :func:`choose_landing` (and the oai_dc
    crosswalk's landing choice), one right after the other.
    """
    return (_http_parts_cached if len(value) <= 2048 else _http_parts)(value)


def _http_parts(value: str) -> tuple[str, str] | None:
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and host:
        return host.lower(), parts.path
    return None


_http_parts_cached = functools.lru_cache(maxsize=1024)(_http_parts)


def _from_url(value: str) -> tuple[Identifier, ...]:
    """Identifiers in an http(s) URL: a resolved PID, an embedded ARK, and/or the URL."""
    found = http_parts(value.strip())
    if found is None:
        return ()
    host, path = found
    path = unquote(path).lstrip("/")
    kind = RESOLVER_HOSTS.get(host)
    if kind == "doi" and _DOI.match(path):
        return (Identifier("doi", path),)
    if kind == "handle":
        found = _handle("hdl:" + path, None)
        return (found,) if found else ()
    if kind == "urn":
        found = _urn(path, None)
        return (found,) if found else ()
    ark = _ark(value, None)
    if kind == "ark":
        return (ark,) if ark else ()
    url = Identifier("url", value)
    return (ark, url) if ark else (url,)


def _doi(value: str, hint: str | None) -> Identifier | None:
    match = _DOI_PREFIXED.match(value) or _DOI.match(value)
    if match and hint in (None, "doi", "url", "handle"):
        return Identifier("doi", match.group(1))
    return None


def _ark(value: str, hint: str | None) -> Identifier | None:
    match = _ARK.search(value)
    if match is None:
        return None
    naan, name = match.groups()
    return Identifier("ark", f"ark:/{naan}/{name.rstrip('/')}")


def _handle(value: str, hint: str | None) -> Identifier | None:
    match = _HANDLE_PREFIXED.match(value)
    if match is None and hint == "handle":
        match = _HANDLE_BARE.match(value)
    return Identifier("handle", match.group(1)) if match else None


def _isbn_of(value: str, hint: str | None) -> Identifier | None:
    match = _ISBN_TEXT.match(value)
    candidate = match.group(1) if match else None
    if candidate is None and (hint == "isbn" or _BARE_ISBN13.match(value)):
        candidate = value
    if candidate is None or not _isbn.is_valid(candidate):
        return None
    return Identifier("isbn", _isbn.compact(_isbn.to_isbn13(candidate)))


def _issn_of(value: str, hint: str | None) -> Identifier | None:
    match = _ISSN_TEXT.match(value)
    explicit = value.lower().startswith(("issn", "urn:issn:"))
    if match is None or not (explicit or hint == "issn") or not _issn.is_valid(match.group(1)):
        return None
    return Identifier("issn", _issn.format(match.group(1)))


def _urn(value: str, hint: str | None) -> Identifier | None:
    match = _URN.match(value)
    if match is None:
        return None
    nid, nss = match.groups()
    return Identifier("urn", f"urn:{nid.lower()}:{nss}")
