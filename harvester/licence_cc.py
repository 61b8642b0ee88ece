"""Read Creative Commons licences and tools out of one rights statement.

A statement names a CC licence by a legal-code or deed URL in any of its forms (``http``/
``https``, ``www.``, ``/legalcode``, ``/deed.fr``, missing trailing slash, ported, IGO), by an
abbreviation (``"CC BY-SA 3.0 IGO"``, ``"cc-by-sa-30"``, ``"cc_by-nc-sa_4.0"``), or by a
licence title in English or German (``"Attribution-NonCommercial 4.0 International"``,
``"Namensnennung - Weitergabe unter gleichen Bedingungen 3.0 Deutschland"``). Every result
is an id of the licence table (:mod:`harvester.licence_table`): a URL or title naming a
licence CC never published (a 4.0 port, ``by/3.0/am``, BY-SA-ND) reads as nothing. It never
guesses a version, a jurisdiction or an element the statement does not spell out, because each
of them changes the legal terms.

Ref: https://creativecommons.org/licenses/list.en (licence list and URL scheme);
https://creativecommons.org/licenses/by-sa/4.0/deed.de (German titles);
https://creativecommons.org/licenses/by/3.0/igo/legalcode (CC 3.0 IGO).
"""

from __future__ import annotations

import functools
import re

from harvester.licence_table import cc_ports, licence_table

__all__ = ["cc_id", "read_cc_labels", "read_cc_url"]

_VERSION = r"(?:v(?:ersion)?[ .]{0,2})?(\d)\.?(\d)(?!\d)(?!\.\d)"

_URL_RE = re.compile(
    r"(?<![a-z0-9.-])(?:www\.)?creativecommons\.org/(licen[cs]es|publicdomain)/"
    r"([a-z+-]{1,30})/(\d\.\d)(?![0-9])((?:/[a-z0-9._-]{0,40}){0,4})"
)
_ABBREV_RE = re.compile(
    r"(?<![a-z0-9])cc[ _-]{0,3}(by(?:[ _-]{0,3}(?:nc|nd|sa)(?![a-z])){0,3})[ _-]{0,3}" + _VERSION,
    re.IGNORECASE,
)
_CC0_RE = re.compile(
    r"(?<![a-z0-9])(?:cc[ -]?(?:0|zero)|creative commons zero)(?![a-z0-9])"
    r"(?:[ _-]{0,3}" + _VERSION + r")?", re.IGNORECASE,
)
_PDM_RE = re.compile(r"(?<![a-z])(?:public domain mark|cc-mark(?![a-z-]))(?:[ _-]{0,3}" + _VERSION + r")?",
                     re.IGNORECASE)

#: Title element words, English and German, each with its CC element.
_TITLE_WORDS: tuple[tuple[str, str], ...] = (
    (r"non[ -]?commercial", "NC"), (r"share[ -]?alike", "SA"),
    (r"no[ -]?deriv(?:ative)?s?(?:[ -]?works)?", "ND"),
    (r"nicht[ -]?kommerziell", "NC"), (r"keine[ -]kommerzielle[ -]nutzung", "NC"),
    (r"weitergabe[ -]unter[ -]gleichen[ -]bedingungen", "SA"),
    (r"keine[ -]bearbeitung(?:en)?", "ND"),
)
_TITLE_PART = "|".join(f"({w})" for w, _ in _TITLE_WORDS)
_TITLE_RE = re.compile(
    r"(?<!data commons )(?<![a-z])(?:attribution|namensnennung)"
    r"((?:[ ,-]{0,3}(?:" + _TITLE_PART + r")){0,3})"
    r"[ ,-]{0,3}(?:licen[cs]e[ -]{0,3}|lizenz[ -]{0,3})?" + _VERSION, re.IGNORECASE,
)
_TITLE_PART_RE = re.compile(_TITLE_PART, re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W\d_]+")

#: Words that may follow a version in a title without naming a jurisdiction.
_UNPORTED_WORDS = frozenset(
    {"international", "unported", "generic", "universal", "license", "licence", "licensed",
     "lizenz", "licencia", "deed", "legal", "legalcode", "cc", "creative"}
)


@functools.cache
def _port_names() -> tuple[tuple[str, str], ...]:
    """(lower-cased name, code) for every port name, longest first."""
    pairs = [(name.lower(), code) for code, (names, _) in cc_ports().items() for name in names]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def cc_id(elements: str | list[str], version: str, jurisdiction: str | None = None) -> str | None:
    """The table id of one CC element combination, version and jurisdiction.

    Args:
        elements: Licence elements in any order and case, ``-``/``_``-separated
            (``"by-nd-nc"``, ``"BY-SA"``), or a list of them.
        version: Suite version, ``"1.0"`` … ``"4.0"``.
        jurisdiction: Port code (``"fr"``, ``"scotland"``), ``"igo"``, or ``None`` for the
            unported/international licence.

    Returns:
        ``"CC-BY-NC-ND-2.0-FR"``-style id when the table has that licence, else ``None``
        (repeated or unknown elements, 4.0 ports, IGO outside 3.0, unported 2.1…).
    """
    parts = elements if isinstance(elements, list) else re.split(r"[-_ ]+", elements.upper())
    parts = [p.upper() for p in parts if p]
    if len(parts) != len(set(parts)) or not set(parts) <= {"BY", "NC", "ND", "SA"}:
        return None
    ordered = (["BY"] if "BY" in parts else []) + sorted(p for p in parts if p != "BY")
    lic_id = "CC-" + "-".join(ordered) + f"-{version}" + (f"-{jurisdiction.upper()}" if jurisdiction else "")
    return lic_id if lic_id in licence_table() else None


def read_cc_url(text: str) -> str | None:
    """The first CC licence or tool URL in lower-cased ``text`` that names a table row."""
    for match in _URL_RE.finditer(text):
        kind, slug, version, rest = match.groups()
        segments = [s for s in rest.split("/") if s.strip("._-")]
        juris = None
        if segments and not segments[0].startswith(("legalcode", "deed", "rdf", "index")):
            juris = segments[0].strip("._-")
        if kind == "publicdomain":
            tool = {"zero": "CC0-1.0", "mark": "CC-PDM-1.0"}.get(slug)
            lic_id = tool if tool and juris is None and version == "1.0" else None
        else:
            lic_id = cc_id(slug, version, juris)
        if lic_id is not None:
            return lic_id
    return None


def _qualifier(after: str, version: str) -> str | None:
    """Read the jurisdiction a label names after its version.

    Args:
        after: The original-case text that follows the version.
        version: The version just read.

    Returns:
        ``""`` for unported/international, a port code or ``"igo"``, or ``None`` when the
        following word is neither (ambiguous: do not guess the unported licence).
    """
    stripped = after.lstrip(" :-,")
    word = _WORD_RE.match(stripped)
    if word is None:
        return ""
    token = word.group()
    if token.lower() == "igo":
        return "igo"
    if version == "4.0":  # 4.0 is international only: a following name is a translation
        return ""
    if token.lower() in _UNPORTED_WORDS:
        return ""
    if token.isupper() and token.lower() in cc_ports():  # "CC BY 3.0 DE"
        return token.lower()
    lowered = stripped.lower()
    for name, code in _port_names():
        if lowered.startswith(name) and not lowered[len(name):len(name) + 1].isalpha():
            return code
    return None


def read_cc_labels(text: str) -> str | None:
    """Read a CC abbreviation, a CC0/PDM label or a CC licence title from ``text``.

    Args:
        text: One statement, dashes and whitespace already normalised, original case.

    Returns:
        A table id, or ``None``. Labels without a version (``"CC BY-SA"``) are not read.
    """
    for match in _ABBREV_RE.finditer(text):
        version = f"{match.group(2)}.{match.group(3)}"
        juris = _qualifier(text[match.end():match.end() + 40], version)
        if juris is not None:
            lic_id = cc_id(match.group(1), version, juris or None)
            if lic_id is not None:
                return lic_id
    for regex, tool in ((_CC0_RE, "CC0-1.0"), (_PDM_RE, "CC-PDM-1.0")):
        match = regex.search(text)
        if match and (match.group(1) is None or f"{match.group(1)}.{match.group(2)}" == "1.0"):
            return tool
    n_words = len(_TITLE_WORDS)
    for match in _TITLE_RE.finditer(text):
        mods = ["BY"]
        for found in _TITLE_PART_RE.finditer(match.group(1)):
            mods += [_TITLE_WORDS[i][1] for i in range(n_words) if found.group(i + 1)]
        version = f"{match.group(n_words + 2)}.{match.group(n_words + 3)}"
        juris = _qualifier(text[match.end():match.end() + 40], version)
        if juris is not None:
            lic_id = cc_id(mods, version, juris or None)
            if lic_id is not None:
                return lic_id
    return None
