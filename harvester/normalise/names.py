"""Split joined creator strings into separate names, carefully.

Most formats give one name per element, and those values are never split here. Some
sources join names into one string: CONTENTdm-style ``"Gannett, Henry, 1846-1914;
Harrison, D.C."`` (``;`` between names) and UNESDOC's ``creator``, where commas separate
both the names and the parts of an inverted personal name: ``"UNESCO International
Institute for Higher Education in Latin America and the Caribbean, Marquina, Mónica"`` is
one organisation and one person. :func:`split_names` splits on ``;`` first; a ``,`` is a
name boundary unless it joins a surname-like part to a given-name-like part (``Marquina,
Mónica``) or a life-date part (``1846-1914``) to the name before it. Organisations are
recognised by their words (institute, UNESCO, ministry …) or their length, and are never
joined to a following part. Callers keep the raw string beside the result.

Ref: UNESDOC open data (DataHub dataset doc001) ``creator`` field, shared/fixtures/api/unesdoc/NOTES.md ;
ISO 690 / AACR2 inverted-name form "Surname, Forenames".
"""

from __future__ import annotations

import re

__all__ = ["split_names"]

#: Words that mark a corporate name (lower-case, matched as whole words).
ORG_WORDS = frozenset({
    "unesco", "unicef", "unep", "undp", "oecd", "who", "iiep", "iite", "institute", "institut",
    "instituto", "istituto", "international", "internacional", "organization", "organisation",
    "organización", "university", "université", "universidad", "universität", "universidade",
    "college", "school", "office", "bureau", "centre", "center", "centro", "council",
    "conseil", "consejo", "commission", "committee", "comité", "ministry", "ministère",
    "ministerio", "ministerium", "programme", "program", "programa", "agency", "agence",
    "foundation", "fondation", "fundación", "stiftung", "association", "asociación",
    "network", "division", "department", "section", "sector", "unit", "secretariat",
    "government", "bank", "fund", "forum", "group", "library", "society", "nations",
    "united", "regional", "national", "nacional", "team", "project", "partnership",
    "observatory", "academy", "académie", "press", "publishing", "verlag", "gmbh", "inc",
    "ltd", "e.v.", "survey",
})

#: Lower-case particles allowed inside a surname (``van der Berg``, ``da Silva``).
PARTICLES = frozenset({"de", "da", "das", "do", "dos", "del", "della", "di", "du", "des",
                       "la", "le", "van", "von", "der", "den", "ten", "ter", "zu", "y",
                       "e", "bin", "ibn", "al", "el", "mac", "st."})

_LIFE_DATES = re.compile(r"^(?:b\.\s*|d\.\s*|fl\.\s*|ca\.\s*)?\d{3,4}\??-?(?:\d{3,4}\??)?\.?$")
_INITIAL = re.compile(r"^(?:[^\W\d_]\.)(?:-?[^\W\d_]\.)*$")
_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:[-'’][^\W\d_]+)*\.?$")


def split_names(raw: str, *, commas: bool = True) -> tuple[str, ...]:
    """Split one joined creator string into names.

    Args:
        raw: The creator value as harvested.
        commas: Also treat ``,`` as a possible boundary (UNESDOC). With ``False`` only
            ``;`` splits, for formats whose values are one ``"Surname, Given"`` each.

    Returns:
        The names in order, whitespace-normalised, empty parts dropped
        (``("UNESCO International Institute … Caribbean", "Marquina, Mónica")``). A value
        with no separators is returned as one name.
    """
    names: list[str] = []
    for chunk in raw.split(";"):
        if not commas:
            if chunk.strip():
                names.append(" ".join(chunk.split()))
            continue
        parts = [" ".join(p.split()) for p in chunk.split(",")]
        parts = [p for p in parts if p]
        i = 0
        while i < len(parts):
            part = parts[i]
            if names and _LIFE_DATES.match(part) and i > 0:
                names[-1] = f"{names[-1]}, {part}"
                i += 1
                continue
            if (i + 1 < len(parts) and _is_surname(part) and _is_given(parts[i + 1])):
                names.append(f"{part}, {parts[i + 1]}")
                i += 2
                continue
            names.append(part)
            i += 1
    return tuple(names)


def _tokens(part: str) -> list[str]:
    return part.split()


def _is_org(part: str) -> bool:
    tokens = _tokens(part)
    return len(tokens) > 4 or any(t.lower().strip(".()") in ORG_WORDS for t in tokens)


def _is_surname(part: str) -> bool:
    """One to four words, capitalised (particles allowed), no organisation words."""
    tokens = _tokens(part)
    if not 1 <= len(tokens) <= 4 or _is_org(part):
        return False
    capitalised = [t for t in tokens if t.lower() not in PARTICLES]
    return bool(capitalised) and all(_WORD.match(t) and t[0].isupper() for t in capitalised)


def _is_given(part: str) -> bool:
    """One to four capitalised words or initials (``Mónica``, ``J.-P.``, ``David W.``)."""
    tokens = _tokens(part)
    if not 1 <= len(tokens) <= 4 or _is_org(part):
        return False
    for token in tokens:
        if _INITIAL.match(token):
            continue
        if token.lower() in PARTICLES:
            continue
        if not (_WORD.match(token) and token[0].isupper()):
            return False
    return True
