"""Language values to BCP 47 tags.

Records give their language as ISO 639-1 (``en``), ISO 639-2/B or /T (``fre``, ``fra``),
ISO 639-3, locale style (``en_US``), or a language name in some language (``French``,
``Français``, ``Русский``). :func:`to_bcp47` maps all of them to one normalised BCP 47 tag
(``fr``, ``en-US``, ``pt-BR``) with :mod:`langcodes`; names are looked up in the
``language_data`` package that :mod:`langcodes` uses. This module is the only one that
imports :mod:`langcodes`.

Ref: BCP 47 (RFC 5646), https://www.rfc-editor.org/info/bcp47 ;
ISO 639-2, https://www.loc.gov/standards/iso639-2/ .
"""

from __future__ import annotations

import functools
import re

import langcodes

__all__ = ["to_bcp47"]

#: Longest value looked up; language values are short, longer text is not a language.
MAX_VALUE_CHARS = 100

#: Tags that are well-formed but say nothing about the language.
_NO_LANGUAGE = frozenset({"und"})

#: A list of languages in one value ("English; French", "en, fr", "English and French").
#: Name lookup matches prefixes, so such a value would silently keep only its first
#: language; it is refused instead.
_LIST_RE = re.compile(r"[;,/|&+]|\s(?:and|or|et|ou|und|oder|y|o|e|i)\s", re.IGNORECASE)


def to_bcp47(value: str) -> str | None:
    """Map one language value to a normalised BCP 47 tag.

    Args:
        value: A language code or name as harvested; surrounding whitespace, case and
            ``_`` instead of ``-`` are tolerated (``" EN_us "``).

    Returns:
        The standardised tag (``"en"``, ``"en-US"``, ``"pt-BR"``, ``"fr"`` for ``"fre"``,
        ``"ru"`` for ``"Русский"``), or ``None`` for empty, undetermined (``"und"``),
        private-use, unregistered (``"zz-foo"``) or unreadable (``"123"``) values, and
        for lists of languages in one value (``"English; French"``). Names are matched
        as :func:`langcodes.find` does (case-insensitive, a name plus extra words such as
        ``"German language"`` still matches). Results are cached per distinct value.
    """
    if not isinstance(value, str):
        return None
    return _to_bcp47(value.strip())


@functools.lru_cache(maxsize=4096)
def _to_bcp47(value: str) -> str | None:
    """Cached body of :func:`to_bcp47` for a stripped value."""
    if not value or len(value) > MAX_VALUE_CHARS:
        return None
    try:
        tag = langcodes.standardize_tag(value.replace("_", "-"))
    except (ValueError, LookupError):  # LanguageTagError is a ValueError
        tag = None
    if tag is None:
        if _LIST_RE.search(value):
            return None
        try:
            tag = langcodes.find(value).to_tag()
        except (ValueError, LookupError):
            return None
    language = langcodes.Language.get(tag)
    if (not language.is_valid() or not language.language
            or language.language in _NO_LANGUAGE or language.language.startswith("x")):
        return None
    return tag
