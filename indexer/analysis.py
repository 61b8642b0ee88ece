"""Text analysis for the index, per language, with no search engine imported.

One pipeline for every language, with one step that depends on it:

1. **tokenise**: runs of letters/digits (Unicode ``\\w`` without ``_``); runs of Han
   characters are segmented into words with ``jieba`` (a Chinese sentence is otherwise
   one token);
2. **case fold** (``str.casefold``: ``"Straße"`` → ``"strasse"``);
3. **stem** by language: Snowball stemmers (PyStemmer) for the languages that have one;
   Kazakh and Kyrgyz have no stemmer in Snowball, PyStemmer, snowballstemmer or Whoosh,
   so their words are cut to their first :data:`TRUNCATE_CHARS` letters, the "fixed
   prefix" stemming that Can et al. found as good as a lemmatiser for Turkish, a related
   agglutinative (suffixing) language; Chinese and other languages are not stemmed;
4. **accent fold**: Unicode NFKD, combining marks dropped (``"é"`` → ``"e"``,
   ``"й"`` → ``"и"``, Arabic short vowels removed). Folding after stemming lets the
   Snowball stemmers see the accents their rules are written for; queries go through
   the same steps, so ``"education"`` finds ``"Éducation"``.

The index engine wraps :func:`analyse` in its own tokenizer class
(``indexer/whoosh_backend/``); snippets reuse it to find the words that matched.

Ref: Snowball stemmers, https://snowballstem.org/algorithms/ ;
F. Can et al., "Information retrieval on Turkish texts", JASIST 59(3), 2008,
https://doi.org/10.1002/asi.20750 (fixed-prefix stemming, 5 characters);
jieba, https://github.com/fxsjy/jieba ; Unicode UAX #15 (NFKD).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import Stemmer  # PyStemmer: the Snowball stemmers in C

#: Language buckets with their own index fields, by BCP 47 primary subtag. Text in any
#: other language (or of unknown language) goes to :data:`OTHER` (folded, not stemmed).
ANALYSED_LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "ru", "ar", "zh", "kk", "ky", "pt")

#: Bucket of text whose language has no bucket of its own.
OTHER = "und"

#: Every bucket, in field order.
BUCKETS: tuple[str, ...] = ANALYSED_LANGUAGES + (OTHER,)

#: Snowball algorithm per bucket.
SNOWBALL: dict[str, str] = {"en": "english", "fr": "french", "es": "spanish", "ru": "russian",
                            "ar": "arabic", "pt": "portuguese"}

#: Buckets stemmed by prefix truncation (no stemmer exists for them).
TRUNCATED: frozenset[str] = frozenset({"kk", "ky"})

#: Letters kept by prefix truncation (Can et al. 2008: 5 is best for Turkish).
TRUNCATE_CHARS = 5

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN_RE = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<word>[^\W_{_HAN}]+)")
_HAN_RE = re.compile(f"[{_HAN}]")
_WORD_RE = re.compile(r"[^\W_]+")  # _TOKEN_RE's words, for text without Han characters
_local = threading.local()  # PyStemmer objects are not thread-safe: one set per thread


@dataclass(frozen=True, slots=True)
class Token:
    """One analysed word.

    Attributes:
        term: The indexed form (folded, stemmed).
        pos: Word position in the text, from 0.
        start: Offset of the word's first character in the text.
        end: Offset just after its last character.
    """

    term: str
    pos: int
    start: int
    end: int


def bucket_of(tag: str | None) -> str:
    """The analysis bucket of a BCP 47 tag.

    Args:
        tag: ``"fr-CA"``, ``"zh-Hans"``, ``"KK"``… or ``None``.

    Returns:
        The primary subtag when it has a bucket (``"fr"``), else :data:`OTHER`.
    """
    if not tag:
        return OTHER
    primary = tag.strip().split("-", 1)[0].lower()
    return primary if primary in ANALYSED_LANGUAGES else OTHER


#: Languages the guesser may answer besides the buckets; they map to :data:`OTHER` so
#: that, say, German text is not forced into the English bucket.
_GUESS_DECOYS = ("de", "it", "nl", "pl", "uk", "tr", "uz", "ca", "sv", "cs", "ja", "ko", "fa")
#: Lowest probability (0-1) for a guessed language to be used.
GUESS_MIN_PROBABILITY = 0.5
_guesser = None
_guesser_lock = threading.Lock()


def guess_bucket(text: str) -> str:
    """The bucket of untagged text, by language identification (py3langid).

    Used only when neither the value (``xml:lang``) nor the record (``dcterms:language``)
    says its language; a guess never becomes metadata, it only picks the analyser.

    Args:
        text: Some of the text (titles and descriptions; a few hundred characters do).

    Returns:
        The guessed language's bucket when the guess has probability at least
        :data:`GUESS_MIN_PROBABILITY`, else :data:`OTHER`.

    Ref: M. Lui, T. Baldwin, "langid.py: An Off-the-shelf Language Identification Tool",
    ACL 2012; py3langid, https://github.com/adbar/py3langid .
    """
    global _guesser
    if not text.strip():
        return OTHER
    if _guesser is None:
        with _guesser_lock:
            if _guesser is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                guesser = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                guesser.set_languages(list(ANALYSED_LANGUAGES + _GUESS_DECOYS))
                _guesser = guesser
    lang, probability = _guesser.classify(text)
    return bucket_of(lang) if probability >= GUESS_MIN_PROBABILITY else OTHER


def fold(text: str) -> str:
    """Case- and accent-fold ``text``: casefold, NFKD, drop combining marks, NFC."""
    text = text.casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def _stemmer(bucket: str):
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    stemmer = stemmers.get(bucket)
    if stemmer is None:
        stemmer = stemmers[bucket] = Stemmer.Stemmer(SNOWBALL[bucket])
    return stemmer


def stem_words(words_: list[str], bucket: str) -> list[str]:
    """:func:`stem` of each case-folded word, in one call per list.

    Same results as ``[stem(w, bucket) for w in words_]``; Snowball buckets stem the
    whole list with PyStemmer's ``stemWords`` (one C loop instead of a call per word).

    Args:
        words_: Case-folded words.
        bucket: One of :data:`BUCKETS`.

    Returns:
        The stems, in order (digits-only words unchanged).
    """
    if bucket in SNOWBALL:
        stems = _stemmer(bucket).stemWords(words_)
        return [w if w.isdigit() else s for w, s in zip(words_, stems)]
    if bucket in TRUNCATED:
        return [w if w.isdigit() else w[:TRUNCATE_CHARS] for w in words_]
    return list(words_)


def stem(word: str, bucket: str) -> str:
    """The stem of one case-folded word in ``bucket`` (not yet accent-folded).

    Args:
        word: A case-folded word.
        bucket: One of :data:`BUCKETS`.

    Returns:
        The Snowball stem, the first :data:`TRUNCATE_CHARS` letters (Kazakh, Kyrgyz),
        or the word itself (Chinese, other languages, and digits everywhere).
    """
    if word.isdigit():
        return word
    if bucket in SNOWBALL:
        return _stemmer(bucket).stemWord(word)
    if bucket in TRUNCATED:
        return word[:TRUNCATE_CHARS]
    return word


_jieba = None
_jieba_lock = threading.Lock()


def _segment(run: str, index: bool) -> Iterator[tuple[str, int, int, int]]:
    """Words of a run of Han characters, with offsets inside the run.

    Precise mode for queries; for indexing, jieba's "search" mode, which adds the
    dictionary words inside longer words ("教育" inside "教育资源") so a shorter query
    word finds them. Each word comes with the number of the precise-mode word it lies
    in, so sub-words share their word's position (phrase queries keep working).
    """
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba  # loaded on first Chinese text: its dictionary takes ~1 s

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    precise = [(start, end) for word, start, end in _jieba.tokenize(run) if word.strip()]
    if not index:
        for number, (start, end) in enumerate(precise):
            yield run[start:end], start, end, number
        return
    number = 0
    for word, start, end in _jieba.tokenize(run, mode="search"):
        if not word.strip():
            continue
        while number + 1 < len(precise) and precise[number][1] <= start:
            number += 1
        yield word, start, end, number


def words(text: str, *, index: bool = False) -> Iterator[tuple[str, int, int, int]]:
    """The words of ``text`` as they appear, with character offsets and positions.

    Args:
        text: Any text.
        index: True when indexing (Han runs then also yield their sub-words).

    Yields:
        ``(word, start, end, pos)``: letters/digits runs; Han runs segmented by jieba.
    """
    if not _HAN_RE.search(text):  # the common case, without the per-match group tests
        for pos, match in enumerate(_WORD_RE.finditer(text)):
            yield match.group(), match.start(), match.end(), pos
        return
    pos = 0
    for match in _TOKEN_RE.finditer(text):
        if match.group("han"):
            base, last = match.start(), -1
            for word, start, end, number in _segment(match.group(), index):
                last = number
                yield word, base + start, base + end, pos + number
            pos += last + 1
        else:
            yield match.group(), match.start(), match.end(), pos
            pos += 1


def analyse(text: str, bucket: str, *, stemming: bool = True,
            index: bool = False) -> Iterator[Token]:
    """Analyse ``text`` as language ``bucket``: tokenise, case fold, stem, accent fold.

    Args:
        text: The text (a field value or a query).
        bucket: One of :data:`BUCKETS` (see :func:`bucket_of`).
        stemming: False for the folded-only form (prefix, fuzzy and spelling).
        index: True when indexing a value, False for a query (see :func:`words`).

    Yields:
        One :class:`Token` per word, positions counted from 0 (sub-words of Chinese
        words share their word's position).

    Raises:
        ValueError: for an unknown bucket.
    """
    for term, pos, start, end in analysed(text, bucket, stemming=stemming, index=index):
        yield Token(term, pos, start, end)


@functools.lru_cache(maxsize=256)
def analysed(text: str, bucket: str, *, stemming: bool = True,
             index: bool = False) -> list[tuple[str, int, int, int]]:
    """:func:`analyse` as a list of plain tuples, the whole text at once (the indexer's
    form: no :class:`Token` per word, one ``stemWords`` call per value).

    The last 256 results are kept: indexing analyses each text twice, for its field and
    for the ``match`` field (:mod:`indexer.match_terms`); the same query words are
    analysed for every field of their bucket. The list returned is shared: read it, do
    not change it.

    Args:
        text: The text.
        bucket: One of :data:`BUCKETS`.
        stemming: False for the folded-only form.
        index: True when indexing a value (see :func:`words`).

    Returns:
        ``(term, pos, start, end)`` per word, as :class:`Token`'s attributes.

    Raises:
        ValueError: for an unknown bucket.
    """
    if bucket not in BUCKETS:
        raise ValueError(f"unknown analysis bucket {bucket!r}; one of {BUCKETS}")
    found = list(words(text, index=index))
    lowered = [word.casefold() for word, _, _, _ in found]
    if stemming:
        lowered = stem_words(lowered, bucket)
    # fold() of an ASCII word is its casefold: skip the call
    return [(term.casefold() if term.isascii() else fold(term), pos, start, end)
            for term, (_, start, end, pos) in zip(lowered, found)]


def terms(text: str, bucket: str, *, stemming: bool = True, index: bool = False) -> list[str]:
    """Just the indexed forms of :func:`analyse`."""
    return [t.term for t in analyse(text, bucket, stemming=stemming, index=index)]
