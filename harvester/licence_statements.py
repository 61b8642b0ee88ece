"""Read rights statements that are not Creative Commons licences.

Covers, in the order :mod:`harvester.licences` tries them: rightsstatements.org URIs and
labels, open-source licences (SPDX ids, opensource.org/gnu.org/apache.org/spdx.org URLs,
names such as "Apache License 2.0" or "GNU GPL v3 or later"), the arXiv distribution licence,
statements that a work is in the public domain, and copyright notices / "all rights reserved"
(-> ``LicenseRef-All-Rights-Reserved``). Access statements (``info:eu-repo/semantics/
openAccess``, "closed access") are recognised only to say that they are not licences.

Every reader returns an id of the licence table (:mod:`harvester.licence_table`) or ``None``.

Ref: https://rightsstatements.org/en/documentation/ (URIs ``/vocab/{ID}/1.0/``);
https://spdx.org/licenses/ (ids); https://www.gnu.org/licenses/gpl-3.0.html section 14
(a version number without "or any later version" means that version only);
https://wiki.openaire.eu/wiki/Access_rights (info:eu-repo access terms);
Berne Convention art. 5(2) (copyright needs no formality: a bare notice grants nothing).
"""

from __future__ import annotations

import functools
import re

from harvester.licence_table import licence_table

__all__ = [
    "ARR_ID",
    "PUBLIC_DOMAIN_ID",
    "is_access_statement",
    "read_copyright_notice",
    "read_other_labels",
    "read_other_url",
    "read_public_domain",
]

ARR_ID = "LicenseRef-All-Rights-Reserved"
PUBLIC_DOMAIN_ID = "LicenseRef-Public-Domain"

_RS_URL_RE = re.compile(r"rightsstatements\.org/(?:vocab|page|data)/([a-z-]{3,12})/(\d\.\d)")
_SPDX_URL_RE = re.compile(r"(?:spdx\.org/licenses|opensource\.org/licen[cs]es?)/([a-z0-9.+-]{2,40})")
_GNU_URL_RE = re.compile(r"gnu\.org/licenses/(?:old-licenses/)?(l?gpl|fdl)-(\d\.\d)")
_APACHE_URL_RE = re.compile(r"apache\.org/licenses/license-2\.0")
_ARXIV_URL_RE = re.compile(r"arxiv\.org/licenses/nonexclusive-distrib/1\.0")

_OR_LATER = r"(\+|-or-later| or (?:\(at your option\) )?(?:any )?later(?: version)?)?"
_GNU_RE = re.compile(
    r"(?<![a-z])(?:(lesser general public licen[cs]e|library general public licen[cs]e|lgpl)"
    r"|(general public licen[cs]e|gpl)|(free documentation licen[cs]e|gfdl|gnu fdl))"
    r",?[ -]{0,2}(?:v(?:ersion)?[ .]{0,2})?(\d(?:\.\d)?)(?![\d.]\d)" + _OR_LATER,
    re.IGNORECASE,
)
_GNU_FAMILIES = (("LGPL", {"2": "2.1", "2.1": "2.1", "3": "3.0", "3.0": "3.0"}),
                 ("GPL", {"2": "2.0", "2.0": "2.0", "3": "3.0", "3.0": "3.0"}),
                 ("GFDL", {"1.2": "1.2", "1.3": "1.3"}))
_NAME_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![a-z])mit licen[cs]e|^\s*(?:the )?mit\s*$", re.IGNORECASE), "MIT"),
    (re.compile(r"(?<![a-z])apache(?: software)? licen[cs]e,?[ -]{0,2}(?:v(?:ersion)?[ .]{0,2})?2(?:\.0)?"
                r"(?![\d.]\d)|(?<![a-z])apache[ -]2(?:\.0)?(?![\d.]\d)", re.IGNORECASE), "Apache-2.0"),
    (re.compile(r"(?<![a-z])bsd[ -]?3[ -]?clause[ -]clear", re.IGNORECASE), "BSD-3-Clause-Clear"),
    (re.compile(r"(?<![a-z])bsd[ -]?3[ -]?clause", re.IGNORECASE), "BSD-3-Clause"),
    (re.compile(r"(?<![a-z])bsd[ -]?2[ -]?clause", re.IGNORECASE), "BSD-2-Clause"),
)

_ACCESS_RE = re.compile(
    r"^\s*(?:info:eu-repo/(?:semantics/(?:open|closed|restricted|embargoed)access"
    r"|date/[a-z]+/[\d-]+)|(?:open|closed|restricted|embargoed|free)[ -]?(?:access)?)\s*\.?\s*$",
    re.IGNORECASE,
)
_US_GOV_RE = re.compile(r"work of the U\.?\s?S\.? Government", re.IGNORECASE)
_PUBLIC_DOMAIN_RE = re.compile(r"(?<![a-z])(?<!not in the )(?<!not )public[ -]domain(?! mark)",
                               re.IGNORECASE)
_ARR_RE = re.compile(
    r"all rights reserved|tous droits r[ée]serv[ée]s|alle rechte vorbehalten"
    r"|todos los derechos reservados|tutti i diritti riservati|alle rechten voorbehouden"
    r"|todos os direitos reservados"
    r"|©|&copy;|\(c\)\s*\d{4}|^\s*c\s+(?:1[89]|20)\d\d\b"
    r"|copyright\s*(?:©|\(c\)|\d{4}|:|by\b|is (?:held|reserved|retained)|retained|reserved)"
    r"|(?:transferred|retained|own|owns|hold|holds)\b[^.]{0,30}\bcopyright\b"
    r"|\b(?:under|protected by) copyright\b|\bare the copyright (?:owner|holder)s?\b",
    re.IGNORECASE,
)
_CAPITALISED_COPYRIGHT_RE = re.compile(r"^\s*(?:Copyright|COPYRIGHT)\s+[A-Z]")  # + a holder's name


@functools.cache
def _by_lower_id() -> dict[str, str]:
    """Lower-cased table id and SPDX id -> table id (exact-statement and URL lookups)."""
    index: dict[str, str] = {}
    for info in licence_table().values():
        index.setdefault(info.id.lower(), info.id)
        if info.spdx:
            index.setdefault(info.spdx.lower(), info.id)
    return index


@functools.cache
def _rs_labels() -> tuple[tuple[str, str], ...]:
    """(lower-cased rightsstatements.org label, id) pairs."""
    return tuple((info.label.lower(), info.id) for info in licence_table().values()
                 if info.family == "rightsstatements")


def _gnu_id(family: str, version: str, or_later: str | None) -> str | None:
    versions = dict(_GNU_FAMILIES)[family]
    if version not in versions:
        return None
    lic_id = f"{family}-{versions[version]}-{'or-later' if or_later else 'only'}"
    return lic_id if lic_id in licence_table() else None


def read_other_url(text: str) -> str | None:
    """A rightsstatements.org, open-source or arXiv licence URL in lower-cased ``text``."""
    match = _RS_URL_RE.search(text)
    if match:
        lic_id = _by_lower_id().get(f"rs-{match.group(1)}-{match.group(2)}")
        if lic_id:
            return lic_id
    match = _SPDX_URL_RE.search(text)
    if match:
        key = match.group(1).removesuffix(".html").removesuffix(".json").removesuffix(".php")
        lic_id = _by_lower_id().get(key.rstrip("/."))
        if lic_id:
            return lic_id
    match = _GNU_URL_RE.search(text)
    if match:
        family = {"gpl": "GPL", "lgpl": "LGPL", "fdl": "GFDL"}[match.group(1)]
        return _gnu_id(family, match.group(2), None)
    if _APACHE_URL_RE.search(text):
        return "Apache-2.0"
    if _ARXIV_URL_RE.search(text):
        return "LicenseRef-arXiv-nonexclusive-distrib-1.0"
    return None


def read_other_labels(text: str) -> str | None:
    """A whole-statement table/SPDX id, a rightsstatements.org label or an open-source name.

    Args:
        text: One statement, dashes and whitespace already normalised, original case.

    Returns:
        A table id, or ``None`` (a GNU licence without a version is not read).
    """
    exact = _by_lower_id().get(text.strip(" .;").lower())
    if exact:
        return exact
    # A rightsstatements.org label is read only as the whole statement: "In Copyright" is
    # also a substring of "may retain copyright".
    lic_id = dict(_rs_labels()).get(text.strip(" .;").lower())
    if lic_id:
        return lic_id
    if _US_GOV_RE.search(text):  # 17 U.S.C. 105: no copyright in the United States
        return "RS-NoC-US-1.0"
    for match in _GNU_RE.finditer(text):
        family = "LGPL" if match.group(1) else "GPL" if match.group(2) else "GFDL"
        lic_id = _gnu_id(family, match.group(4), match.group(5))
        if lic_id:
            return lic_id
    for regex, lic_id in _NAME_RES:
        if regex.search(text):
            return lic_id
    return None


def read_public_domain(text: str) -> str | None:
    """``LicenseRef-Public-Domain`` when the source states the work is in the public domain."""
    return PUBLIC_DOMAIN_ID if _PUBLIC_DOMAIN_RE.search(text) else None


def read_copyright_notice(text: str) -> str | None:
    """``LicenseRef-All-Rights-Reserved`` for "all rights reserved" and copyright notices.

    A notice without a licence ("© 2016 Nature Publishing Group", "Copyright (c) 2015
    Motricidade", "I have retained and own the full copyright") grants nothing beyond what
    the law allows, so its practical meaning is "all rights reserved". Statements that only
    mention copyright ("may be subject to U.S. Copyright Law", "I don't know the status of
    the copyright") are not notices.
    """
    if _ARR_RE.search(text) or _CAPITALISED_COPYRIGHT_RE.match(text) and not re.match(
            r"^\s*copyright\s+(?:law|act|not|undetermined)", text, re.IGNORECASE):
        return ARR_ID
    return None


def is_access_statement(text: str) -> bool:
    """True for open/closed/restricted/embargoed access terms (info:eu-repo or plain)."""
    return bool(_ACCESS_RE.match(text))
