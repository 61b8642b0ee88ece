"""Read the licence out of what harvested records really say.

A record states its licence in many ways: a URL in any form, a label ("CC BY-SA 3.0 IGO",
"Attribution-NonCommercial 4.0 International", "Namensnennung 4.0 International"), an HTML
snippet (UNESDOC: ``<a href="…/by-sa/3.0/igo/">CC BY-SA 3.0 IGO</a>``), a
rightsstatements.org URI, an open-source licence name, a copyright notice, or an access
statement that is no licence at all (``info:eu-repo/semantics/openAccess``). This module turns
each statement into a :class:`~harvester.record.Licence` whose id is a row of the licence
table (:mod:`harvester.licence_table`), or ``"unknown"`` with the raw text kept.

Order of reading within one statement (most precise first): the hrefs of an HTML snippet's
links, then URLs (Creative Commons, rightsstatements.org, open-source, arXiv), then labels
(CC abbreviations and titles, CC0/PDM, whole-statement SPDX ids, rightsstatements.org labels,
open-source names), then a public-domain statement, then a copyright notice ("©", "All rights
reserved": ``LicenseRef-All-Rights-Reserved``). Across a record's statements a standard
licence (status ``known``) wins over a notice (``custom``), in source order.

Ref: https://creativecommons.org/licenses/list.en; https://rightsstatements.org/page/1.0/;
https://spdx.org/licenses/; https://www.w3.org/TR/html52/links.html#link-type-license
(``rel="license"``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import lxml.etree
import lxml.html

from harvester.licence_cc import cc_id, read_cc_labels, read_cc_url
from harvester.licence_statements import (
    is_access_statement,
    read_copyright_notice,
    read_other_labels,
    read_other_url,
    read_public_domain,
)
from harvester.licence_table import licence_info
from harvester.record import UNKNOWN_LICENCE, Licence

__all__ = [
    "MAX_SCAN_CHARS",
    "PROVENANCES",
    "canonical_licence",
    "normalise_licence",
    "parse_licence",
    "scope_note_of",
    "statement_note",
]

#: Characters scanned per statement; rights statements are short, so anything longer is
#: prose or junk and only its start is read (keeps the regex and HTML work bounded).
MAX_SCAN_CHARS = 8192

#: Where a licence statement can come from (:attr:`Licence.provenance`).
PROVENANCES: tuple[str, ...] = ("metadata", "landing-page", "pdf-imprint", "source-default")

_DASHES_RE = re.compile("[\u2010-\u2015\u2212]")
_SPACES_RE = re.compile(r"\s+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_TAG_RE = re.compile(r"<\s*[a-z][a-z0-9]*[\s/>]", re.IGNORECASE)
_SCOPE_RE = re.compile(
    r"[^.]{0,200}\bappl(?:y|ies)\s+(?:exclusively|only)\s+to\s+the\s+text(?:ual)?\s+content\b[^.]{0,200}\.?",
    re.IGNORECASE,
)
_VERSIONLESS_CC_RE = re.compile(
    r"(?<![a-z0-9])(?:cc[ _-]{0,3}by|creative commons attribution|namensnennung)(?![a-z])",
    re.IGNORECASE,
)


def canonical_licence(elements: str, version: str, jurisdiction: str | None = None,
                      raw: str | None = None) -> Licence | None:
    """The CC licence of one element combination, version and jurisdiction.

    Args:
        elements: Licence elements in any order and case (``"by-nd-nc"``, ``"BY-SA"``).
        version: Suite version, ``"1.0"`` … ``"4.0"``.
        jurisdiction: Port code (``"fr"``), ``"igo"``, or ``None`` for unported.
        raw: Statement to keep as :attr:`Licence.raw`.

    Returns:
        The licence with its table id and canonical URL, or ``None`` when CC never
        published that combination.
    """
    lic_id = cc_id(elements, version, jurisdiction)
    return _licence(lic_id, raw) if lic_id else None


def _licence(lic_id: str, raw: str | None) -> Licence:
    info = licence_info(lic_id)
    return Licence(id=lic_id, url=info.url if info else None, raw=raw)


def _clean(text: str) -> str:
    """Dashes to ``-``, whitespace runs to one space, control characters removed."""
    return _SPACES_RE.sub(" ", _DASHES_RE.sub("-", _CONTROL_RE.sub("", text))).strip()


def _html_parts(text: str) -> list[str]:
    """For an HTML snippet: the ``rel=license`` hrefs, the other hrefs, then the text.

    Args:
        text: A statement that may contain markup (at most :data:`MAX_SCAN_CHARS` chars).

    Returns:
        ``[text]`` unchanged when it holds no tag or does not parse; else the parts above.
        Nothing is resolved or fetched; scripts and styles are not read as text.
    """
    if not _TAG_RE.search(text):
        return [text]
    try:
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return [text]
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    links = root.xpath(".//a[@href]|.//link[@href]")
    licensed = [a.get("href") for a in links if "license" in (a.get("rel") or "").lower().split()]
    others = [a.get("href") for a in links if a.get("href") not in licensed]
    return [*licensed, *others, root.text_content()]


def _read_one(part: str) -> str | None:
    """The table id one cleaned statement (or HTML part) names, or ``None``."""
    lowered = part.lower()
    return (read_cc_url(lowered) or read_other_url(lowered)
            or read_cc_labels(part.replace("_", " "))  # wiki titles: Attribution-ShareAlike_3.0
            or read_other_labels(part) or read_public_domain(part) or read_copyright_notice(part))


def parse_licence(text: str) -> Licence | None:
    """Read one licence from one rights statement.

    Args:
        text: One rights statement as harvested, any length or content; only its first
            :data:`MAX_SCAN_CHARS` characters are read.

    Returns:
        The licence (``raw`` = ``text`` unchanged, ``id`` a licence-table row: status
        ``known`` or ``custom``), or ``None`` when the statement names nothing we know:
        access statements (``info:eu-repo/semantics/openAccess``), labels without a version
        ("CC BY-SA"), URLs of licences CC never published (a 4.0 port), free text,
        non-strings.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    return (_parse_licence_cached if len(text) <= _CACHED_CHARS else _parse_licence)(text)


def _parse_licence(text: str) -> Licence | None:
    """The body of :func:`parse_licence` (``text`` a non-blank string)."""
    scan = text[:MAX_SCAN_CHARS]
    if is_access_statement(_clean(scan)):
        return None
    parts = [_clean(part) for part in _html_parts(scan)]
    candidates = [lic_id for lic_id in map(_read_one, parts) if lic_id]
    if not candidates:
        return None
    best = next((i for i in candidates if licence_info(i).status == "known"), candidates[0])
    return _licence(best, text)


def scope_note_of(text: str) -> str | None:
    """The sentence limiting what a licence covers, verbatim, or ``None``.

    UNESCO publications say "The present license applies exclusively to the text content of
    the publication." next to their CC IGO licence: images and other material are not covered.

    Args:
        text: A rights statement or imprint text.

    Returns:
        The sentence with whitespace collapsed, or ``None``.
    """
    if not isinstance(text, str):
        return None
    return (_scope_note_cached if len(text) <= _CACHED_CHARS else _scope_note_of)(text)


def _scope_note_of(text: str) -> str | None:
    """The body of :func:`scope_note_of`."""
    match = _SCOPE_RE.search(_clean(text[:MAX_SCAN_CHARS]))
    return match.group().strip() if match else None


def statement_note(text: str) -> str | None:
    """Why a statement read as ``unknown``, for people (``oer licence``); ``None`` if no reason.

    Returns:
        A one-line note for access statements and for CC labels without a version.
    """
    if not isinstance(text, str) or parse_licence(text) is not None:
        return None
    clean = _clean(text[:MAX_SCAN_CHARS])
    if is_access_statement(clean):
        return "an access statement (open/closed/embargoed access), not a licence"
    if _VERSIONLESS_CC_RE.search(clean):
        return ("a Creative Commons licence named without its version; the version is part "
                "of the legal terms and is not guessed")
    return None


#: Statements up to this many characters are cached (the records of a source repeat a few
#: statements; the results are frozen, so one instance can be shared). Longer ones are
#: read each time, so the caches stay small (<= 4096 entries of <= 2 KB each).
_CACHED_CHARS = 2048
_parse_licence_cached = functools.lru_cache(maxsize=4096)(_parse_licence)
_scope_note_cached = functools.lru_cache(maxsize=4096)(_scope_note_of)


def normalise_licence(statements: Iterable[str], *, provenance: str | None = None,
                      source_field: str | None = None) -> Licence:
    """Normalise a record's rights statements (``dc:rights`` values, in order).

    Args:
        statements: The rights statements as harvested, in source order; non-strings are
            skipped.
        provenance: Where they came from, one of :data:`PROVENANCES`, or ``None``.
        source_field: The field they were read from (``"dc:rights"``), or ``None``.

    Returns:
        The first standard licence (status ``known``) any statement names; else the first
        ``custom`` one (a copyright notice); else
        ``Licence(id="unknown", url=None, raw=" | ".join(statements) or None)``. ``raw`` is
        the statement the licence was read from; ``scope_note`` is set when any statement
        limits the licence's scope (:func:`scope_note_of`). Equal inputs up to 2,048
        characters in all give the same (cached, frozen) instance.

    Raises:
        ValueError: When ``provenance`` is not one of :data:`PROVENANCES`.
    """
    if provenance is not None and provenance not in PROVENANCES:
        raise ValueError(f"provenance must be one of {PROVENANCES}, not {provenance!r}")
    seen = tuple(s for s in statements if isinstance(s, str))
    if sum(map(len, seen)) <= _CACHED_CHARS:  # a source repeats its few rights statements
        return _normalise_cached(seen, provenance, source_field)
    return _normalise(seen, provenance, source_field)


def _normalise(seen: tuple[str, ...], provenance: str | None,
               source_field: str | None) -> Licence:
    """The body of :func:`normalise_licence` (``seen``: the string statements, in order)."""
    found = [lic for lic in map(parse_licence, seen) if lic is not None]
    best = next((lic for lic in found if lic.status == "known"), found[0] if found else None)
    if best is None:
        best = Licence(id=UNKNOWN_LICENCE, url=None, raw=" | ".join(seen) or None)
    scope = next((note for note in map(scope_note_of, seen) if note), None)
    return Licence(id=best.id, url=best.url, raw=best.raw, provenance=provenance,
                   source_field=source_field, scope_note=scope)


#: Whole results per (statements, provenance, field) when the statements total at most
#: :data:`_CACHED_CHARS` characters: records of one source repeat the same few rights
#: statements, and a :class:`Licence` is frozen, so one instance can be shared.
_normalise_cached = functools.lru_cache(maxsize=4096)(_normalise)
