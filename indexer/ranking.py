"""Match sets, BM25 scores, top hits and facet counts as NumPy arrays (engine-free).

The fast search path (:mod:`indexer.whoosh_backend.fastpath`) reads posting lists into
arrays and does the rest here: set algebra with summed scores, BM25, choosing a page of
hits, counting facet values. Nothing here knows an engine, so it is tested on its own.

A :class:`DocSet` is a set of document numbers (int32, ascending, unique) with one score
each (float64). Per-document cost is a few NumPy element operations, against ~5 µs per
matching document for Whoosh's pure-Python matchers (bench/RESULTS.md).

Ref: S. Robertson, H. Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond",
Foundations and Trends in IR 3(4), 2009 (BM25 with field-weighted term frequencies, BM25F);
the idf is Whoosh 2.7's (``log(N / (df + 1)) + 1``, whoosh/scoring.py), so scores stay on
the scale the slow path reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: BM25's term-frequency saturation and length normalisation (Whoosh's defaults).
BM25_K1 = 1.2
BM25_B = 0.75

_EMPTY_IDS = np.empty(0, dtype=np.int32)
_EMPTY_SCORES = np.empty(0, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class DocSet:
    """Matching documents and their scores.

    Attributes:
        ids: Document numbers, int32, ascending, no repeats; shape ``(n,)``.
        scores: One relevance score per id (float64, higher is better); shape ``(n,)``.
    """

    ids: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @staticmethod
    def empty() -> DocSet:
        """The empty set (one shared instance)."""
        return _EMPTY

    @staticmethod
    def constant(ids: np.ndarray, score: float = 1.0) -> DocSet:
        """``ids`` (ascending, unique) all scored ``score``."""
        return DocSet(ids, np.full(ids.shape[0], score, dtype=np.float64))


_EMPTY = DocSet(_EMPTY_IDS, _EMPTY_SCORES)


def idf(doc_frequency: int, doc_count: int) -> float:
    """Inverse document frequency, Whoosh 2.7's form: ``log(N / (df + 1)) + 1``.

    Args:
        doc_frequency: Documents containing the term (deleted ones included, as Whoosh).
        doc_count: Documents in the index (deleted ones included).
    """
    return float(np.log(max(doc_count, 1) / (doc_frequency + 1)) + 1.0)


def bm25(weights: np.ndarray, lengths: np.ndarray, term_idf: float, avg_length: float,
         k1: float = BM25_K1, b: float = BM25_B) -> np.ndarray:
    """BM25 of one term in each document.

    Args:
        weights: The term's (boosted) frequency per document, shape ``(n,)``.
        lengths: The field length of the same documents (tokens, boosted), shape ``(n,)``.
        term_idf: :func:`idf` of the term.
        avg_length: Mean field length over the index (> 0).
        k1, b: BM25 parameters.

    Returns:
        float64 scores, shape ``(n,)``.
    """
    norm = k1 * ((1.0 - b) + b * lengths / max(avg_length, 1e-9))
    return term_idf * (weights * (k1 + 1.0)) / (weights + norm)


def from_postings(ids: np.ndarray, scores: np.ndarray) -> DocSet:
    """A :class:`DocSet` from postings that may repeat a document (scores summed)."""
    if ids.shape[0] == 0:
        return DocSet.empty()
    size = int(ids.max()) + 1
    if ids.shape[0] * 8 > size:  # dense enough: sum into an array over every docnum
        sums = np.bincount(ids, weights=scores, minlength=size)
        present = np.bincount(ids, minlength=size) > 0
        unique = np.flatnonzero(present)
        return DocSet(unique.astype(np.int32, copy=False), sums[unique])
    unique, inverse = np.unique(ids, return_inverse=True)
    if unique.shape[0] == ids.shape[0]:
        order = np.argsort(ids, kind="stable")
        return DocSet(ids[order].astype(np.int32, copy=False), scores[order])
    return DocSet(unique.astype(np.int32, copy=False),
                  np.bincount(inverse, weights=scores, minlength=unique.shape[0]))


def union(sets: list[DocSet]) -> DocSet:
    """Documents in any of ``sets``; a document's score is the sum of its scores (OR)."""
    sets = [s for s in sets if len(s)]
    if not sets:
        return DocSet.empty()
    if len(sets) == 1:
        return sets[0]
    return from_postings(np.concatenate([s.ids for s in sets]),
                         np.concatenate([s.scores for s in sets]))


def intersection(sets: list[DocSet]) -> DocSet:
    """Documents in every one of ``sets``, scores summed (AND); smallest set first."""
    if not sets:
        return DocSet.empty()
    ordered = sorted(sets, key=len)
    out = ordered[0]
    for other in ordered[1:]:
        if not len(out):
            break
        common, left, right = np.intersect1d(out.ids, other.ids, assume_unique=True,
                                             return_indices=True)
        out = DocSet(common.astype(np.int32, copy=False),
                     out.scores[left] + other.scores[right])
    return out


def difference(keep: DocSet, drop: np.ndarray) -> DocSet:
    """``keep`` without the document numbers in ``drop`` (AND NOT); scores kept."""
    if not len(keep) or drop.shape[0] == 0:
        return keep
    mask = np.isin(keep.ids, drop, assume_unique=True, invert=True)
    return DocSet(keep.ids[mask], keep.scores[mask])


def restrict(docs: DocSet, allowed: np.ndarray | None) -> DocSet:
    """``docs`` limited to ``allowed`` document numbers (``None``: no restriction)."""
    if allowed is None or not len(docs):
        return docs
    mask = np.isin(docs.ids, allowed, assume_unique=True)
    return DocSet(docs.ids[mask], docs.scores[mask])


def intersect_ids(arrays: list[np.ndarray]) -> np.ndarray | None:
    """The document numbers common to every array (ascending); ``None`` for no arrays."""
    if not arrays:
        return None
    ordered = sorted(arrays, key=len)
    out = ordered[0]
    for other in ordered[1:]:
        out = np.intersect1d(out, other, assume_unique=True)
    return out


def top(docs: DocSet, start: int, stop: int, keys: np.ndarray | None = None,
        *, descending: bool = True) -> np.ndarray:
    """Document numbers ranked ``start``..``stop`` (a page), best first.

    Args:
        docs: The matches.
        start: First rank (0-based), stop: one past the last rank.
        keys: ``None`` to rank by score; else a sort key per document number of the
            index (an array indexed by docnum), e.g. a date rank.
        descending: Highest key (or score) first. Ties go to the lower document number,
            as Whoosh's collectors do.

    Returns:
        int32 document numbers, shape ``(min(stop, n) - start,)`` (empty past the end).
    """
    n = len(docs)
    if start >= n:
        return _EMPTY_IDS
    stop = min(stop, n)
    values = docs.scores if keys is None else keys[docs.ids].astype(np.float64)
    primary = -values if descending else values
    if stop < n // 4:  # a page out of many: partial selection, then a full sort of it
        cut = np.argpartition(primary, stop - 1)[:stop]
        bound = primary[cut].max()
        cut = np.flatnonzero(primary <= bound)  # keep ties at the boundary
        order = cut[np.lexsort((docs.ids[cut], primary[cut]))]
    else:
        order = np.lexsort((docs.ids, primary))
    return docs.ids[order[start:stop]]


def count_single(codes: np.ndarray, ids: np.ndarray, n_values: int) -> np.ndarray:
    """Counts of a single-valued facet among ``ids``.

    Args:
        codes: Value code per document number (int32, -1 for no value), shape ``(N,)``.
        ids: Matching document numbers.
        n_values: Number of distinct codes.

    Returns:
        int64 counts per code, shape ``(n_values,)``.
    """
    picked = codes[ids]
    return np.bincount(picked[picked >= 0], minlength=n_values)


def count_multi(pair_docs: np.ndarray, pair_codes: np.ndarray, member: np.ndarray,
                n_values: int) -> np.ndarray:
    """Counts of a multi-valued facet: documents per value among the members.

    Args:
        pair_docs: Document number of each (document, value) pair, shape ``(p,)``.
        pair_codes: Value code of each pair, shape ``(p,)``.
        member: Boolean mask over document numbers, True for matching ones, ``(N,)``.
        n_values: Number of distinct codes.

    Returns:
        int64 counts per code, shape ``(n_values,)``.
    """
    return np.bincount(pair_codes[member[pair_docs]], minlength=n_values)


def mask_of(ids: np.ndarray, size: int) -> np.ndarray:
    """Boolean mask of length ``size`` that is True at ``ids``."""
    mask = np.zeros(size, dtype=bool)
    mask[ids] = True
    return mask
