"""Read Creative Commons licences out of free-text rights statements.

A harvested record says what its licence is in many ways: a legal-code URL in any of its
forms (``http``/``https``, ``www.``, ``/legalcode``, ``/deed.fr``, ported, IGO), an
abbreviation (``"CC BY-SA 3.0 IGO"``, ``"cc-by-sa-30"``), or a licence title
(``"Creative Commons Attribution Non Commercial 4.0 International"``,
``"Attribution 2.0 UK: England & Wales"``). This module turns the first statement it can
read into a :class:`~harvester.record.Licence` with an SPDX-style id and CC's canonical URL,
and leaves everything else ``"unknown"``: it never guesses a version, a jurisdiction or a
licence element that the statement does not spell out, because each of them changes the
legal terms.

The policy lives in the module-level tables below (:data:`ELEMENTS`, :data:`VERSIONS`,
:data:`PORT_ONLY_VERSIONS`, :data:`IGO_VERSIONS`, :data:`JURISDICTIONS`); they are the only
definition of which CC licences exist, and tests check every id against its URL.

Ids: ``CC-{ELEMENTS}-{version}``, plus ``-{JURISDICTION}`` for a national port
(``CC-BY-SA-2.0-FR``, ``CC-BY-2.5-SCOTLAND``) or ``-IGO`` (``CC-BY-SA-3.0-IGO``);
``CC0-1.0`` and ``CC-PDM-1.0`` for the public-domain tools.

Ref: https://creativecommons.org/licenses/ (licence list and URL scheme);
https://creativecommons.org/licenses/by/3.0/igo/legalcode (CC 3.0 IGO legal code);
https://spdx.org/licenses/ (id style).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from harvester.record import UNKNOWN_LICENCE, Licence

__all__ = [
    "ELEMENTS",
    "IGO_VERSIONS",
    "JURISDICTIONS",
    "MAX_SCAN_CHARS",
    "PORT_ONLY_VERSIONS",
    "VERSIONS",
    "canonical_licence",
    "normalise_licence",
    "parse_licence",
]

# --- Policy data: the one definition of which CC licences exist ---------------------------

#: Element combinations of the CC licences we recognise, in canonical order
#: (BY, then NC, ND, SA). The 1.0-only licences without BY (``nc``, ``nd-nc``, ``sa``…)
#: and the retired ones (Sampling, Developing Nations) are deliberately absent.
ELEMENTS: tuple[str, ...] = ("BY", "BY-SA", "BY-ND", "BY-NC", "BY-NC-SA", "BY-NC-ND")

#: Licence suite versions. 2.1 exists only as jurisdiction ports (au, ca, es, jp).
VERSIONS: tuple[str, ...] = ("1.0", "2.0", "2.1", "2.5", "3.0", "4.0")

#: Versions that exist only as national ports (no unported legal code).
PORT_ONLY_VERSIONS: tuple[str, ...] = ("2.1",)

#: Versions with an intergovernmental-organisation (IGO) legal code.
IGO_VERSIONS: tuple[str, ...] = ("3.0",)

#: Versions without national ports (4.0 is international only).
_NO_PORT_VERSIONS: tuple[str, ...] = ("4.0",)

#: National ports (URL jurisdiction segment) with the English names CC's licence titles use
#: ("Attribution 3.0 United States"). Union over 1.0–3.0; per-version availability is not
#: checked. Ref: https://creativecommons.org/licenses/ (ported legal code list).
JURISDICTIONS: dict[str, tuple[str, ...]] = {
    "am": ("Armenia",), "ar": ("Argentina",), "at": ("Austria",), "au": ("Australia",),
    "az": ("Azerbaijan",), "be": ("Belgium",), "bg": ("Bulgaria",), "br": ("Brazil",),
    "ca": ("Canada",), "ch": ("Switzerland",), "cl": ("Chile",),
    "cn": ("China Mainland", "China"), "co": ("Colombia",), "cr": ("Costa Rica",),
    "cz": ("Czech Republic", "Czechia"), "de": ("Germany",), "dk": ("Denmark",),
    "ec": ("Ecuador",), "ee": ("Estonia",), "eg": ("Egypt",), "es": ("Spain",),
    "fi": ("Finland",), "fr": ("France",), "ge": ("Georgia",), "gr": ("Greece",),
    "gt": ("Guatemala",), "hk": ("Hong Kong",), "hr": ("Croatia",), "hu": ("Hungary",),
    "ie": ("Ireland",), "il": ("Israel",), "in": ("India",), "it": ("Italy",),
    "jp": ("Japan",), "kr": ("Korea", "South Korea"), "lu": ("Luxembourg",),
    "mk": ("Macedonia", "North Macedonia"), "mt": ("Malta",), "mx": ("Mexico",),
    "my": ("Malaysia",), "nl": ("Netherlands",), "no": ("Norway",),
    "nz": ("New Zealand",), "pe": ("Peru",), "ph": ("Philippines",), "pl": ("Poland",),
    "pr": ("Puerto Rico",), "pt": ("Portugal",), "ro": ("Romania",), "rs": ("Serbia",),
    "scotland": ("Scotland",), "se": ("Sweden",), "sg": ("Singapore",),
    "si": ("Slovenia",), "th": ("Thailand",), "tw": ("Taiwan",), "ug": ("Uganda",),
    "uk": ("UK: England & Wales", "UK: England and Wales", "England & Wales",
           "England and Wales"),
    "us": ("United States", "USA"), "ve": ("Venezuela",), "vn": ("Vietnam", "Viet Nam"),
    "za": ("South Africa",),
}

#: URL path slugs that differ from the lower-cased elements (1.0 spelt NC-ND as ``nd-nc``).
_SLUG_EXCEPTIONS: dict[tuple[str, str], str] = {("BY-NC-ND", "1.0"): "by-nd-nc"}

#: Public-domain tools: URL tool segment -> (id, the only version).
_PD_TOOLS: dict[str, tuple[str, str]] = {"zero": ("CC0-1.0", "1.0"), "mark": ("CC-PDM-1.0", "1.0")}

#: Words that may follow a version in a title without naming a jurisdiction.
_UNPORTED_WORDS = frozenset(
    {"international", "unported", "generic", "universal", "license", "licence", "licensed",
     "lizenz", "licencia", "deed", "legal", "legalcode"}
)

_BASE_URL = "https://creativecommons.org"

# --- Matching --------------------------------------------------------------------------

#: Characters scanned per statement; rights statements are short, so anything longer is
#: prose or junk and only its start is read (keeps the regex work bounded).
MAX_SCAN_CHARS = 8192

_URL_RE = re.compile(
    r"(?<![a-z0-9.-])(?:www\.)?creativecommons\.org/(licenses|publicdomain)/"
    r"([a-z+-]{1,30})/(\d\.\d)(?![0-9])((?:/[a-z0-9._-]{0,40}){0,4})"
)
_VERSION = r"(?:v(?:ersion)?[ .]{0,2})?(\d)\.?(\d)(?!\d)(?!\.\d)"
_ABBREV_RE = re.compile(
    r"(?<![a-z0-9])cc[ _-]{0,3}(by(?:[ _-]{0,3}(?:nc|nd|sa)(?![a-z])){0,3})[ _-]{0,3}"
    + _VERSION, re.IGNORECASE,
)
_CC0_RE = re.compile(
    r"(?<![a-z0-9])(?:cc[ -]?(?:0|zero)|creative commons zero)(?![a-z0-9])"
    r"(?:[ _-]{0,3}" + _VERSION + r")?", re.IGNORECASE,
)
_PDM_RE = re.compile(r"(?<![a-z])public domain mark(?:[ _-]{0,3}" + _VERSION + r")?",
                     re.IGNORECASE)
_TITLE_PART = r"non[ -]?commercial|share[ -]?alike|no[ -]?deriv(?:ative)?s?(?:[ -]?works)?"
_TITLE_RE = re.compile(
    r"(?<!data commons )(?<![a-z])attribution((?:[ -]{0,3}(?:" + _TITLE_PART + r")){0,3})"
    r"[ -]{0,3}(?:licen[cs]e[ -]{0,3})?" + _VERSION, re.IGNORECASE,
)
_TITLE_PART_RE = re.compile(_TITLE_PART, re.IGNORECASE)
#: Title element words by their first three letters ("non…", "sha…", "no d…").
_TITLE_ELEMENT = {"non": "NC", "sha": "SA", "no ": "ND", "no-": "ND", "nod": "ND"}
_DASHES_RE = re.compile("[\u2010-\u2015\u2212]")
_SPACES_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"[^\W\d_]+")
_PORT_NAMES: tuple[tuple[str, str], ...] = tuple(sorted(
    ((name.lower(), code) for code, names in JURISDICTIONS.items() for name in names),
    key=lambda pair: -len(pair[0]),
))


def canonical_licence(elements: str, version: str, jurisdiction: str | None = None,
                      raw: str | None = None) -> Licence | None:
    """Build the licence for one CC element combination, version and jurisdiction.

    Args:
        elements: Licence elements in any order and case, ``-``-separated
            (``"by-nd-nc"``, ``"BY-SA"``).
        version: Suite version, ``"1.0"`` … ``"4.0"``.
        jurisdiction: Port code (``"fr"``, ``"scotland"``), ``"igo"``, or ``None`` for
            the unported/international licence.
        raw: Statement to keep as :attr:`Licence.raw`.

    Returns:
        The licence with id ``CC-BY-NC-ND-2.0-FR`` style and canonical ``https`` URL, or
        ``None`` when that combination does not exist (unknown elements, BY missing,
        a 4.0 port, IGO outside 3.0, a 2.1 licence without a port, unknown jurisdiction).
    """
    parts = elements.upper().replace("_", "-").split("-")
    mods = [p for p in parts if p and p != "BY"]
    if "BY" not in parts or len(mods) != len(set(mods)):
        return None
    canon = "-".join(["BY", *sorted(mods)])  # NC < ND < SA is also CC's order
    if canon not in ELEMENTS or version not in VERSIONS:
        return None
    juris = jurisdiction.lower() if jurisdiction else None
    if juris is None and version in PORT_ONLY_VERSIONS:
        return None
    if juris == "igo" and version not in IGO_VERSIONS:
        return None
    if juris not in (None, "igo") and (juris not in JURISDICTIONS
                                       or version in _NO_PORT_VERSIONS):
        return None
    slug = _SLUG_EXCEPTIONS.get((canon, version), canon.lower())
    lic_id = f"CC-{canon}-{version}" + (f"-{juris.upper()}" if juris else "")
    url = f"{_BASE_URL}/licenses/{slug}/{version}/" + (f"{juris}/" if juris else "")
    return Licence(id=lic_id, url=url, raw=raw)


def _pd_tool(tool: str, version: str | None, raw: str) -> Licence | None:
    """The CC0 or Public Domain Mark licence, if ``version`` is its only version (or absent)."""
    lic_id, only_version = _PD_TOOLS[tool]
    if version not in (None, only_version):
        return None
    return Licence(id=lic_id, url=f"{_BASE_URL}/publicdomain/{tool}/{only_version}/", raw=raw)


def _from_url(text: str, raw: str) -> Licence | None:
    """First CC legal-code URL in lower-cased ``text`` that names an existing licence."""
    for match in _URL_RE.finditer(text):
        kind, slug, version, rest = match.groups()
        segments = [s for s in rest.split("/") if s.strip("._-")]
        juris = None
        if segments and not segments[0].startswith(("legalcode", "deed", "rdf", "index")):
            juris = segments[0].strip("._-")
        if kind == "publicdomain":
            lic = _pd_tool(slug, version, raw) if slug in _PD_TOOLS and juris is None else None
        else:
            lic = canonical_licence(slug, version, juris, raw)
        if lic is not None:
            return lic
    return None


def _qualifier(after: str, version: str) -> str | None:
    """Read the jurisdiction a title names after its version.

    Args:
        after: The original-case text that follows the version.
        version: The version just read.

    Returns:
        ``""`` for unported/international, a port code or ``"igo"``, or ``None`` when the
        following word is neither (ambiguous: do not guess the unported licence).
    """
    stripped = after.lstrip(" :-")
    word = _WORD_RE.match(stripped)
    if word is None or version in _NO_PORT_VERSIONS and word.group().lower() != "igo":
        return ""
    token = word.group()
    if token.lower() == "igo":
        return "igo"
    if token.lower() in _UNPORTED_WORDS:
        return ""
    if token.isupper() and token.lower() in JURISDICTIONS:  # "CC BY 3.0 DE"
        return token.lower()
    lowered = stripped.lower()
    for name, code in _PORT_NAMES:
        if lowered.startswith(name) and not lowered[len(name):len(name) + 1].isalpha():
            return code
    return None


def _from_labels(text: str, raw: str) -> Licence | None:
    """Read an abbreviation, a CC0/PDM label or a licence title from ``text``."""
    for match in _ABBREV_RE.finditer(text):
        version = f"{match.group(2)}.{match.group(3)}"
        juris = _qualifier(text[match.end():match.end() + 40], version)
        if juris is not None:
            elements = re.sub(r"[ _-]+", "-", match.group(1))
            licence = canonical_licence(elements, version, juris or None, raw)
            if licence is not None:
                return licence
    for regex, tool in ((_CC0_RE, "zero"), (_PDM_RE, "mark")):
        match = regex.search(text)
        if match:
            version = f"{match.group(1)}.{match.group(2)}" if match.group(1) else None
            return _pd_tool(tool, version, raw)
    for match in _TITLE_RE.finditer(text):
        mods = [_TITLE_ELEMENT[part[:3].lower()]
                for part in _TITLE_PART_RE.findall(match.group(1))]
        version = f"{match.group(2)}.{match.group(3)}"
        juris = _qualifier(text[match.end():match.end() + 40], version)
        if juris is not None:
            licence = canonical_licence("-".join(["BY", *mods]), version, juris or None, raw)
            if licence is not None:
                return licence
    return None


def parse_licence(text: str) -> Licence | None:
    """Read one Creative Commons licence from one rights statement.

    URLs are tried first (most precise), then abbreviations (``CC BY-NC-SA 3.0 IGO``),
    the CC0 and Public Domain Mark labels, then licence titles
    (``Creative Commons Attribution-ShareAlike 3.0 IGO``). A label without a version
    (``"CC BY-SA"``) is not read: the version is part of the legal terms.

    Args:
        text: One rights statement as harvested, any length or content; only its first
            :data:`MAX_SCAN_CHARS` characters are scanned.

    Returns:
        The licence with ``raw`` = ``text`` unchanged, or ``None`` when ``text`` names no
        existing CC licence (MIT, ``info:eu-repo/semantics/openAccess``, "All rights
        reserved", a malformed CC URL such as a 4.0 port, non-strings).
    """
    if not isinstance(text, str) or not text:
        return None
    scan = _SPACES_RE.sub(" ", _DASHES_RE.sub("-", text[:MAX_SCAN_CHARS]))
    return _from_url(scan.lower(), text) or _from_labels(scan, text)


def normalise_licence(statements: Iterable[str]) -> Licence:
    """Normalise a record's rights statements (``dc:rights`` values, in order).

    Args:
        statements: The rights statements as harvested, in source order.

    Returns:
        The first CC licence any statement names (``raw`` = that statement), else
        ``Licence(id="unknown", url=None, raw=" | ".join(statements) or None)``.
    """
    seen = [s for s in statements if isinstance(s, str)]
    for statement in seen:
        licence = parse_licence(statement)
        if licence is not None:
            return licence
    return Licence(id=UNKNOWN_LICENCE, url=None, raw=" | ".join(seen) or None)
