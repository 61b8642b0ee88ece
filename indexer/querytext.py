"""Engine-free handling of the query text: dangling operators, plain words, corrections.

Ref: Whoosh 2.7 default query language (``AND``/``OR``/``NOT``, quotes, ``*``, ``~``),
https://whoosh.readthedocs.io/en/latest/querylang.html .
"""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher

from indexer.analysis import fold

#: Words of a query (letters and digits), without any syntax.
WORD_RE = re.compile(r"[^\W_]+")
#: Operators of the query language, written in capitals.
OPERATORS = frozenset({"AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE"})
#: Words shorter than this are never "corrected": short words are mostly stop words
#: and particles (``du``, ``of``, ``и``), and a two-edit neighbour of one is noise.
MIN_CORRECTED_CHARS = 4
# What "did you mean" looks at: a ``name:value`` term (kept whole, as written), or a word.
_TERM_RE = re.compile(r"(?P<field>[^\W_]+:(?:\"[^\"]*\"?|\([^)]*\)?|[^\s()]*))"
                      r"|(?P<word>[^\W_]+)")
# An operator with no operand on one side ("(open OR", "AND x") is dropped, not searched.
# A leading NOT has its operand ("NOT climate": every record except those).
_LEADING_RE = re.compile(r"^\s*(?:(?:AND|OR)\s+)+")
_TRAILING_RE = re.compile(r"(?:\s+(?:AND|OR|NOT))+(?=[\s)]*$)")


def strip_dangling_operators(text: str) -> str:
    """``text`` without operators that lack an operand at its start or end.

    ``"AND x OR"`` → ``"x"``; ``"NOT x"`` is kept (it means every record without x).
    """
    return _TRAILING_RE.sub(" ", _LEADING_RE.sub(" ", f" {text} ")).strip()


def plain_words(text: str) -> list[str]:
    """The lower-cased words of ``text``, all syntax dropped."""
    return WORD_RE.findall(text.lower())


def correct(text: str, known: Callable[[str], bool],
            candidates: Callable[[str], list[str]],
            frequency: Callable[[str], int]) -> str | None:
    """"Did you mean": ``text`` with each unknown word replaced by its closest candidate.

    Words are left alone when they are operators, shorter than
    :data:`MIN_CORRECTED_CHARS`, contain a digit (years, numbers), are part of a
    ``name:value`` term, or are ``known``.

    Args:
        text: The query text (operators and punctuation are kept as they are).
        known: True when a word matches something in the index (as such or by its stem).
        candidates: Indexed words close to a folded word (e.g. within two edits).
        frequency: Number of records with an indexed word (ties go to the commoner one).

    Returns:
        The corrected text, or ``None`` when no word was replaced.
    """
    changed = False

    def fix(match: re.Match) -> str:
        nonlocal changed
        word = match.group("word")
        if (word is None or word in OPERATORS or len(word) < MIN_CORRECTED_CHARS
                or any(c.isdigit() for c in word) or known(word)):
            return match.group()
        folded = fold(word)
        found = candidates(folded)
        if not found:
            return word
        changed = True
        return max(found, key=lambda c: (SequenceMatcher(None, folded, c).ratio(), frequency(c)))

    corrected = _TERM_RE.sub(fix, text)
    return corrected if changed else None
