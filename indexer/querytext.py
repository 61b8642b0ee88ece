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
# An operator with no operand on one side ("(open OR", "AND x") is dropped, not searched.
_DANGLING_RE = re.compile(r"^\s*(?:(?:AND|OR|NOT)\s+)+|(?:\s+(?:AND|OR|NOT))+(?=[\s)]*$)")


def strip_dangling_operators(text: str) -> str:
    """``text`` without operators that lack an operand at its start or end."""
    return _DANGLING_RE.sub(" ", f" {text} ").strip()


def plain_words(text: str) -> list[str]:
    """The lower-cased words of ``text``, all syntax dropped."""
    return WORD_RE.findall(text.lower())


def correct(text: str, known: Callable[[str], bool],
            candidates: Callable[[str], list[str]],
            frequency: Callable[[str], int]) -> str | None:
    """"Did you mean": ``text`` with each unknown word replaced by its closest candidate.

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
        word = match.group()
        if word in OPERATORS or known(word):
            return word
        folded = fold(word)
        found = candidates(folded)
        if not found:
            return word
        changed = True
        return max(found, key=lambda c: (SequenceMatcher(None, folded, c).ratio(), frequency(c)))

    corrected = WORD_RE.sub(fix, text)
    return corrected if changed else None
