"""The fast search path: a parsed Whoosh query evaluated over NumPy arrays.

Part of the Whoosh seam. The query is parsed as before (Whoosh's ``MultifieldParser``, one
term per text field and language bucket); instead of Whoosh's matchers (pure Python, ~5 µs
per matching document per field), each node is evaluated here:

- a text-field ``Term`` → the ``match`` field's term ``"{field}:{text}"``, scored by BM25
  as Whoosh scores the field's own term (:mod:`indexer.ranking`), so rankings agree;
- ``Or``/``And``/``AndNot``/``Not``/``Every`` → set algebra, scores summed (``field:*``:
  the documents with a term in that field);
- a ``Phrase`` → its word pairs in ``match`` (exact for two words); longer phrases are
  narrowed to the documents with every pair; where an inner word occurs more than once,
  the words' positions in the text field are read for those documents only; scored as
  Whoosh scores a phrase (the sum of its words' scores);
- ``Prefix``/``Wildcard``/``FuzzyTerm``/``TermRange`` (the ``all`` field, filters) → the
  union of their expanded terms, each scored as a term of its field (as Whoosh's
  ``MultiTerm``);
- a ``Term`` of another field → its postings, scored as Whoosh scores that field.

Anything else raises :class:`Unsupported` and the backend takes Whoosh's own path. Totals
and facet counts are exact (every match is counted); filters and facet columns are read
once per index generation (:class:`~indexer.whoosh_backend.postings.GenerationData`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from indexer import analysis, ranking
from indexer.documents import TEXT_KINDS
from indexer.facets import count_plan
from indexer.match_terms import bigram, unigram
from indexer.ranking import DocSet
from indexer.whoosh_backend.postings import MATCH_FIELD, GenerationData, segment_expansions
from indexer.whoosh_fields import FACET_FIELDS, FIELD_FACETS, SINGLE_VALUED, TEXT_FIELDS

#: Expanded terms of one prefix, wildcard or fuzzy term (Whoosh expands them all too).
MAX_EXPANSIONS = 4096

_TEXT_FIELDS = frozenset(TEXT_FIELDS)

#: Boost of each text field (the schema's ``field_boost``, in Whoosh's posting weights).
FIELD_BOOSTS: dict[str, float] = {f"{kind}_{bucket}": boost
                                  for kind, boost in TEXT_KINDS.items()
                                  for bucket in analysis.BUCKETS}


class Unsupported(Exception):
    """A query construct the fast path does not evaluate (the caller falls back)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a search found.

    Attributes:
        total: Matches after filters.
        page: Document numbers of the requested page, in order (int32).
        scores: Their scores (0.0 when sorted by a field).
        counts: ``(facet left out or None, facet) -> {value: count}`` as
            :func:`indexer.facets.facet_values` reads them.
    """

    total: int
    page: np.ndarray
    scores: np.ndarray
    counts: dict


# -- query evaluation --------------------------------------------------------------------

def _match_term(data: GenerationData, field: str, term: str, boost: float) -> DocSet:
    """BM25 of ``match`` term ``term`` (from ``field``), as Whoosh scores ``field``'s term:
    weight = frequency × field boost, ``field``'s length and mean length."""
    postings = data.postings(MATCH_FIELD, term)
    if not postings.doc_frequency:
        return DocSet.empty()
    return _boosted(DocSet(postings.ids, _bm25(data, postings, field,
                                               FIELD_BOOSTS.get(field, 1.0))), boost)


def _bm25(data: GenerationData, postings, field: str, field_boost: float = 1.0) -> np.ndarray:
    """Whoosh's BM25F score of one posting list, with ``field``'s lengths and mean length
    (the field boost multiplies the weights, as Whoosh stores them)."""
    weights = postings.weights * field_boost if field_boost != 1.0 else postings.weights
    return ranking.bm25(weights, data.lengths(field)[postings.ids],
                        ranking.idf(postings.doc_frequency, data.size), data.avg_length(field))


def _field_terms(data: GenerationData, field: str, texts, boost: float) -> DocSet:
    """A field's own terms ORed, scored as Whoosh scores them (BM25 when the field is
    scorable, else the posting weight); used for ``all``, facet fields, ``year``…"""
    scorable = field in data.reader.schema and data.reader.schema[field].scorable
    parts = []
    for text in texts:
        postings = data.postings(field, text)
        if not postings.doc_frequency:
            continue
        parts.append(DocSet(postings.ids, _bm25(data, postings, field) if scorable
                            else postings.weights))
    return _boosted(ranking.union(parts), boost)


def _expanded(data: GenerationData, node: wq.MultiTerm) -> DocSet:
    """A prefix, wildcard, fuzzy term or range: its expanded terms ORed, expanded per
    segment as Whoosh's ``MultiTerm.matcher`` does
    (:func:`~indexer.whoosh_backend.postings.segment_expansions`). In a segment where it
    expands to one term Whoosh searches that as a plain ``Term``: the boost is dropped
    there only."""
    try:
        segments = segment_expansions(node, data.reader, MAX_EXPANSIONS)
    except OverflowError:
        raise Unsupported("too many expansions") from None
    texts = sorted(set().union(*(terms for _, _, terms in segments)))
    found = _field_terms(data, node.field(), texts, 1.0)
    if node.boost == 1.0 or not len(found):
        return found
    factor = np.ones(data.size, dtype=np.float64)
    for offset, count, terms in segments:
        if len(terms) > 1:
            factor[offset:offset + count] = node.boost
    return DocSet(found.ids, found.scores * factor[found.ids])


def _every_in(data: GenerationData, field: str, boost: float) -> DocSet:
    """``field:*``: the documents with any term in ``field``, each scored ``boost`` (as
    Whoosh's ``Every(field)``); a text field's are those of non-zero length."""
    if field in _TEXT_FIELDS:
        ids = np.flatnonzero(data.lengths(field) > 0).astype(np.int32)
        return DocSet.constant(ids, boost)
    if field not in data.reader.schema:
        raise Unsupported(f"{field}:*")
    texts = data.terms(field)
    if len(texts) > MAX_EXPANSIONS:
        raise Unsupported(f"{field}:* has too many terms")
    found = ranking.union([DocSet.constant(data.postings(field, t).ids) for t in texts])
    return DocSet.constant(found.ids, boost)


def _phrase(data: GenerationData, node: wq.Phrase) -> DocSet:
    """Documents with the phrase in ``node``'s field, scored as Whoosh scores a phrase:
    the sum of its words' scores in that field."""
    field = node.fieldname
    words = [w for w in node.words if w]
    if not words:
        return DocSet.empty()
    if node.slop != 1:
        raise Unsupported("phrase with slop")
    unigrams = [_match_term(data, field, unigram(field, w), node.boost) for w in words]
    if len(words) == 1:
        return unigrams[0]
    pairs = ranking.intersection([_match_term(data, field, bigram(field, a, b), 1.0)
                                  for a, b in zip(words, words[1:])])
    if len(words) > 2 and len(pairs):
        pairs = _verify_phrase(data, node, pairs)
    if not len(pairs):
        return DocSet.empty()
    return ranking.intersection([DocSet.constant(pairs.ids, 0.0), *unigrams])


def _verify_phrase(data: GenerationData, node: wq.Phrase, found: DocSet) -> DocSet:
    """Keep the documents where the words are adjacent, in order, in the phrase's field.

    The candidates already hold every pair of the phrase; where an inner word occurs
    more than once, positions are read (:meth:`GenerationData.positions`). The result is
    cached per generation.
    """
    key = repr(("phrase", node.fieldname, tuple(node.words)))
    kept = data.filters.get(key)
    if kept is None:
        # When each inner word occurs once in the field, both pairs around it are
        # anchored on that one occurrence: the phrase is there, no positions needed.
        sure = np.ones(found.ids.shape[0], dtype=bool)
        for word in node.words[1:-1]:
            postings = data.postings(MATCH_FIELD, unigram(node.fieldname, word))
            at = np.searchsorted(postings.ids, found.ids)
            sure &= postings.weights[np.minimum(at, postings.ids.shape[0] - 1)] == 1.0
        ids = found.ids[~sure]
        per_word = [data.positions(node.fieldname, w, ids) for w in node.words]
        keep = np.zeros(ids.shape[0], dtype=bool)
        for i, docnum in enumerate(ids.tolist()):
            sets = [positions.get(docnum) for positions in per_word]
            if any(p is None for p in sets):
                continue
            rest = [set(p) for p in sets[1:]]
            keep[i] = any(all(start + j + 1 in later for j, later in enumerate(rest))
                          for start in sets[0])
        kept = np.union1d(found.ids[sure], ids[keep]).astype(np.int32)
        _remember_filter(data, key, kept)
    mask = np.isin(found.ids, kept, assume_unique=True)
    return DocSet(found.ids[mask], found.scores[mask])


def evaluate(node: wq.Query, data: GenerationData) -> DocSet:
    """Matching documents (deleted ones included) and scores of a parsed query.

    Raises:
        Unsupported: for a construct outside the module docstring's list.
    """
    if node is wq.NullQuery or isinstance(node, type(wq.NullQuery)):
        return DocSet.empty()
    if isinstance(node, wq.Every):
        if node.fieldname in (None, "", "*"):
            return DocSet.constant(data.live_ids(), node.boost)
        return _every_in(data, node.fieldname, node.boost)
    if isinstance(node, wq.Term):
        if node.fieldname in _TEXT_FIELDS:
            return _match_term(data, node.fieldname, unigram(node.fieldname, node.text),
                               node.boost)
        return _field_terms(data, node.fieldname, [node.text], node.boost)
    if isinstance(node, wq.Phrase):
        if node.fieldname not in _TEXT_FIELDS:
            raise Unsupported(f"phrase in {node.fieldname}")
        return _phrase(data, node)
    if isinstance(node, wq.MultiTerm):  # Prefix, Wildcard, FuzzyTerm, TermRange…
        return _expanded(data, node)
    if isinstance(node, wq.AndNot):
        kept = evaluate(node.a, data)
        return ranking.difference(kept, evaluate(node.b, data).ids)
    if isinstance(node, wq.Not):
        return ranking.difference(DocSet.constant(data.live_ids(), 1.0),
                                  evaluate(node.query, data).ids)
    if isinstance(node, wq.And) and type(node) is wq.And:
        positive = [c for c in node.subqueries if not isinstance(c, wq.Not)]
        negative = [c.query for c in node.subqueries if isinstance(c, wq.Not)]
        # Whoosh's inverse matcher scores each of its documents 1.0, summed over the NOTs
        found = (ranking.intersection([evaluate(c, data) for c in positive]) if positive
                 else DocSet.constant(data.live_ids(), float(len(negative) or 1)))
        for child in negative:
            found = ranking.difference(found, evaluate(child, data).ids)
        if positive and negative:  # Whoosh's inverse matcher scores its documents 1.0
            found = DocSet(found.ids, found.scores + float(len(negative)))
        return _boosted(found, node.boost)
    if isinstance(node, wq.Or) and type(node) is wq.Or and not node.minmatch:
        return _boosted(ranking.union([evaluate(c, data) for c in node.subqueries]),
                        node.boost)
    raise Unsupported(type(node).__name__)


def _boosted(docs: DocSet, boost: float) -> DocSet:
    return docs if boost == 1.0 else DocSet(docs.ids, docs.scores * boost)


# -- filters, facets, pages ----------------------------------------------------------------

def _remember_filter(data: GenerationData, key: str, ids: np.ndarray) -> None:
    data.filters.put(key, ids, int(ids.nbytes) + 64)


def filter_ids(data: GenerationData, parts: dict[str, wq.Query]) -> dict[str, np.ndarray]:
    """Live document numbers allowed by each facet's filter query (cached per generation)."""
    out = {}
    for facet, query in parts.items():
        key = repr(query)
        ids = data.filters.get(key)
        if ids is None:
            ids = _live(data, evaluate(query, data)).ids
            _remember_filter(data, key, ids)
        out[facet] = ids
    return out


def _counts(data: GenerationData, ids: np.ndarray, fields: set[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    member = None
    for field in fields:
        facet = FIELD_FACETS[field]
        if facet in SINGLE_VALUED:
            values, codes = data.single_valued(field)
            counts = ranking.count_single(codes, ids, len(values))
        else:
            if member is None:
                member = ranking.mask_of(ids, data.size)
            values, pair_docs, pair_codes = data.multi_valued(field)
            counts = ranking.count_multi(pair_docs, pair_codes, member, len(values))
        out[field] = {values[i]: int(counts[i]) for i in np.flatnonzero(counts)}
    return out


def _live(data: GenerationData, docs: DocSet) -> DocSet:
    """``docs`` without deleted documents."""
    keep = data.live[docs.ids]
    return DocSet(docs.ids[keep], docs.scores[keep])


def _matches(data: GenerationData, q: wq.Query, parts: dict[str, wq.Query]
             ) -> tuple[DocSet, dict[str, np.ndarray], DocSet]:
    """``(live matches of q, allowed ids per filtered facet, matches under every filter)``."""
    found = _live(data, evaluate(q, data))
    allowed = filter_ids(data, parts)
    return found, allowed, ranking.restrict(found, ranking.intersect_ids(list(allowed.values())))


def run(data: GenerationData, q: wq.Query, parts: dict[str, wq.Query], *, start: int,
        stop: int, sort: tuple[str, bool] | None, facets: bool) -> Outcome:
    """Evaluate ``q`` under the facet filters ``parts``; a page and facet counts.

    Args:
        data: The generation's arrays.
        q: The parsed text query.
        parts: Facet name → filter query (from the backend's ``_filters``).
        start, stop: The page's ranks (0-based, ``stop`` excluded).
        sort: ``(field, descending)`` to order by a sortable field, ``None`` for relevance.
        facets: True to count every facet (multi-select: a facet's own filter left out).

    Raises:
        Unsupported: when ``q`` or a filter uses a construct the fast path lacks.
    """
    found, allowed, matches = _matches(data, q, parts)
    counts: dict = {}
    if facets:
        plan = {excluded: {FACET_FIELDS[f] for f in group}
                for excluded, group in count_plan(parts).items()}
        for excluded, fields in plan.items():
            if excluded is None:
                ids = matches.ids
            else:
                others = [ids for name, ids in allowed.items() if name != excluded]
                ids = ranking.restrict(found, ranking.intersect_ids(others)).ids
            for field, values in _counts(data, ids, fields).items():
                counts[(excluded, FIELD_FACETS[field])] = values
    if sort is None:
        page = ranking.top(matches, start, stop)
        scores = matches.scores[np.searchsorted(matches.ids, page)] if page.shape[0] else page
    else:
        field, descending = sort
        page = ranking.top(matches, start, stop, data.ranks(field), descending=descending)
        scores = np.zeros(page.shape[0])
    return Outcome(total=len(matches), page=page, scores=np.asarray(scores, dtype=np.float64),
                   counts=counts)


def matching_ids(data: GenerationData, q: wq.Query, parts: dict[str, wq.Query],
                 sort: tuple[str, bool] | None) -> np.ndarray:
    """Every live match's document number (int32), in ``sort`` order or index order.

    Raises:
        Unsupported: as :func:`run`.
    """
    matches = _matches(data, q, parts)[2]
    if sort is None:
        return matches.ids
    field, descending = sort
    return ranking.top(matches, 0, len(matches), data.ranks(field), descending=descending)


class _StoredHit(dict):
    """A document's stored fields with its score: what :func:`to_hit` reads."""

    def __init__(self, fields: dict, score: float) -> None:
        super().__init__(fields)
        self.score = score


def stored_hits(searcher, found: Outcome) -> list[_StoredHit]:
    """The page's stored fields with their scores, in page order."""
    return [_StoredHit(searcher.stored_fields(int(docnum)), float(score))
            for docnum, score in zip(found.page, found.scores)]
