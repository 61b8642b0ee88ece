"""Query building and Whoosh's own matcher path (the fallback of :mod:`.fastpath`).

Part of the Whoosh seam: filter queries per facet, the search through Whoosh's collectors
(used when the fast path meets a construct it lacks, and by ``fast_path=False``), the ids
of every match that way, and small query helpers.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

from whoosh import query as wq
from whoosh.qparser import WildcardPlugin
from whoosh.sorting import Count, FieldFacet

from indexer import analysis
from indexer.backend import FACETS, IndexBackendError, SearchQuery, SearchResult
from indexer.facets import DERIVED_FACETS, count_plan, facet_values, licences_for
from indexer.filter_values import matching_values
from indexer.querytext import correct
from indexer.whoosh_fields import FACET_FIELDS, FIELD_FACETS, SINGLE_VALUED, SORTS, to_hit


def filter_queries(searcher, query: SearchQuery, licences: list[str]) -> dict[str, wq.Query]:
    """One filter query per facet ``query`` restricts.

    Args:
        searcher: An open Whoosh searcher (for the indexed values of a facet).
        query: The search request.
        licences: The licence ids in the index.

    Returns:
        Facet name → Whoosh query on the facet's field (``policy``/``allows`` become
        licence ids, :mod:`indexer.facets`).

    Raises:
        ValueError: for an unknown policy name or use.
    """
    parts: dict[str, wq.Query] = {}
    for facet in FACETS:
        values = query.values(facet)
        if facet == "year" and (query.year_from is not None or query.year_to is not None
                                or query.year_ranges):
            parts[facet] = year_filter(query, values)
            continue
        if not values:
            continue
        if facet == "license":
            wanted = {v.lower() for v in values}
            parts[facet] = any_of("license", [lic for lic in licences
                                               if lic.lower() in wanted])
        elif facet in DERIVED_FACETS:
            parts[facet] = any_of("license", licences_for(facet, values, licences))
        elif facet == "language":
            parts[facet] = any_of("language", [v.lower() for v in values])
        else:  # the indexed values equal to the asked ones, ignoring case
            field = FACET_FIELDS[facet]
            parts[facet] = any_of(field, matching_values(values, searcher.lexicon(field)))
    return parts


def year_filter(query: SearchQuery, values: Iterable[str]) -> wq.Query:
    """The ``year`` facet's filter: any of the years ``values`` or of
    ``query.year_ranges`` (ORed), within ``year_from``..``year_to`` when either is set.

    Indexed years are four-digit strings (:func:`indexer.documents.year_of`), so a range
    of them is a term range of zero-padded bounds.
    """
    chosen = [any_of("year", values)] if values else []
    chosen += [_year_range(low, high) for low, high in query.year_ranges]
    either = None if not chosen else chosen[0] if len(chosen) == 1 else wq.Or(chosen)
    if query.year_from is None and query.year_to is None:
        return either
    bounds = _year_range(query.year_from, query.year_to)
    return wq.And([bounds, either]) if either is not None else bounds


def _year_range(low: int | None, high: int | None) -> wq.Query:
    if low is not None and low == high:
        return wq.Term("year", f"{low:04d}")
    return wq.TermRange("year", f"{low:04d}" if low is not None else None,
                        f"{high:04d}" if high is not None else None)


def search_with_matchers(backend, searcher, q: wq.Query, parts: dict[str, wq.Query],
                         query: SearchQuery) -> SearchResult:
    """A search through Whoosh's matchers and collectors (facets by ``groupedby``).

    Args:
        backend: The :class:`~indexer.whoosh_backend.WhooshBackend` (plain-words
            re-parse, "did you mean", index directory for errors).
        searcher: Its open searcher.
        q: The parsed text query.
        parts: Facet filters (:func:`filter_queries`).
        query: The request.

    Raises:
        IndexBackendError: when Whoosh fails for a reason other than query syntax.
    """
    flt = live_guard(q, and_all(list(parts.values())))
    groups = {excluded: {FACET_FIELDS[f] for f in facets} for excluded, facets
              in count_plan(parts).items()} if query.facets else {}
    sort = SORTS.get(query.sort)
    kwargs = {"limit": query.offset + query.limit, "filter": flt, "maptype": Count}
    if sort:
        kwargs.update(sortedby=sort[0], reverse=sort[1])
    if groups.get(None):
        kwargs["groupedby"] = {f: _facet(f) for f in groups[None]}
    try:
        results = searcher.search(q, **kwargs)
    except Exception:  # a construct the parser accepted but the matcher rejects
        q = backend._plain_query(query.text)
        try:
            results = searcher.search(q, **kwargs)
        except Exception as exc:
            raise IndexBackendError(f"search failed: {exc}", backend.index_dir) from exc
    total = len(results)
    counts = {(None, FIELD_FACETS[f]): results.groups(f) for f in groups.get(None, ())}
    for excluded, fields in groups.items():
        if excluded is None:
            continue
        others = live_guard(q, and_all([p for name, p in parts.items() if name != excluded]))
        extra = searcher.search(q, filter=others, limit=1, maptype=Count, groupedby={
            f: _facet(f) for f in fields})
        counts.update({(excluded, FIELD_FACETS[f]): extra.groups(f) for f in fields})
    end = min(query.offset + query.limit, len(results.top_n))  # grouping keeps them all
    page = [results[i] for i in range(query.offset, end)]
    terms = matched_terms(q, searcher) if query.snippets and page else None
    hits = tuple(to_hit(h, terms, scored=not sort) for h in page)
    return SearchResult(
        total=total, hits=hits, page=query.page, page_size=query.limit,
        facets=facet_values(query, parts, counts) if query.facets else {},
        suggestion=backend._suggest(searcher, query.text) if total == 0 else None)


def matcher_docnums(backend, searcher, query: SearchQuery) -> array:
    """Document numbers of every match through Whoosh's matchers (``iter_ids``'s fallback).

    Returns:
        An ``array("i")``: 4 bytes per match, in ``query.sort`` order or index order.

    Raises:
        IndexBackendError: when Whoosh fails for a reason other than query syntax.
    """
    q = backend._text_query(query.text)
    flt = live_guard(q, and_all(list(backend._filters(searcher, query).values())))
    kwargs = {"limit": None, "filter": flt, "scored": False}
    sort = SORTS.get(query.sort)
    if sort:
        kwargs.update(sortedby=sort[0], reverse=sort[1])
    try:
        results = searcher.search(q, **kwargs)
    except Exception:  # as in search(): fall back to the plain words
        try:
            results = searcher.search(backend._plain_query(query.text), **kwargs)
        except Exception as exc:
            raise IndexBackendError(f"search failed: {exc}", backend.index_dir) from exc
    return array("i", (docnum for _, docnum in results.top_n))


def _facet(field: str) -> FieldFacet:
    """Single-valued facets read their sortable column; multi-valued ones their postings."""
    return FieldFacet(field, allow_overlap=field not in SINGLE_VALUED)


def any_of(field: str, values: Iterable[str]) -> wq.Query:
    """``field`` has any of ``values`` (``NullQuery`` for none)."""
    terms = [wq.Term(field, v) for v in dict.fromkeys(values)]
    if not terms:
        return wq.NullQuery
    return terms[0] if len(terms) == 1 else wq.Or(terms)


class StarWildcardPlugin(WildcardPlugin):
    """Whoosh's wildcards with ``*`` only: a ``?`` is punctuation, not "any one letter".

    Librarians type questions: with Whoosh's default, ``climate change?`` searched
    ``change`` plus one more letter (0 hits) and ``?`` alone every one-letter word. Here
    the ``?`` is analysed away like other punctuation; ``clim*`` and ``c*te`` still work.
    Ref: Whoosh 2.7 ``whoosh.qparser.plugins.WildcardPlugin`` (``expr``, ``qmarks``).
    """

    qmarks = ""
    expr = r"(?P<text>[*])"


def live_guard(q: wq.Query, flt: wq.Query | None) -> wq.Query | None:
    """``flt``, narrowed to the live documents when ``q`` holds a ``NOT``.

    Whoosh 2.7.5's ``InverseMatcher`` (``NOT x`` outside an ``AND``) stops skipping
    deleted documents once ``x``'s matches in a segment run out, so the old version of
    a replaced record came back beside the new one. Filtering by ``Every()`` (which
    reads only live document numbers) keeps them out without changing any score; the
    fast path does not need it. Ref: whoosh/matching/wrappers.py ``InverseMatcher``;
    pinned in tests/test_fastpath_differential.py.
    """
    if not _has_not(q):
        return flt
    return wq.Every() if flt is None else wq.And([flt, wq.Every()])


def _has_not(q: wq.Query) -> bool:
    return isinstance(q, wq.Not) or any(_has_not(c) for c in q.children())


def and_all(parts: list[wq.Query]) -> wq.Query | None:
    """All of ``parts`` (``None`` for none)."""
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def to_all_field(q: wq.Query) -> wq.Query:
    """Move prefix, wildcard and fuzzy terms to the folded, unstemmed ``all`` field."""
    if isinstance(q, wq.FuzzyTerm):
        return wq.FuzzyTerm("all", analysis.fold(q.text), boost=q.boost, maxdist=q.maxdist,
                            prefixlength=q.prefixlength)
    if isinstance(q, (wq.Prefix, wq.Wildcard)):
        return type(q)("all", analysis.fold(q.text), boost=q.boost)
    if q.is_leaf():
        return q
    return q.apply(to_all_field)


def matched_terms(q: wq.Query, searcher) -> set[tuple[str, str]]:
    """``(field, term)`` of the query's terms, prefix and fuzzy terms expanded (<= 200 each)."""
    reader = searcher.reader()
    found: set[tuple[str, object]] = set()
    try:
        found.update(q.iter_all_terms(phrases=True))
        for leaf in q.leaves():
            if isinstance(leaf, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
                found.update((leaf.field(), t) for _, t in zip(range(200), leaf._btexts(reader)))
    except Exception:  # snippets are a nicety: never fail a search for them
        pass
    return {(f, t.decode() if isinstance(t, bytes) else t) for f, t in found}


def suggestion(searcher, text: str, plain_query, data=None) -> str | None:
    """The query text with each unknown word replaced by the closest indexed word.

    Candidates come from the ``all`` field and keep the first letter (as spell checkers
    do: far fewer to rank); a word is known when ``all`` has it or it matches a document
    (through the fast path when ``data`` is given, else Whoosh's matchers).

    Args:
        searcher: An open Whoosh searcher.
        text: The query text.
        plain_query: ``text`` → the query of its plain words (the backend's parser).
        data: The generation's :class:`~.postings.GenerationData`, or ``None``.
    """
    from indexer.whoosh_backend import fastpath

    def known(word: str) -> bool:
        if searcher.doc_frequency("all", analysis.fold(word)):
            return True
        if data is not None:
            try:
                found = fastpath.evaluate(plain_query(word), data).ids
                return bool(data.live[found].any())
            except fastpath.Unsupported:
                pass
        return bool(searcher.search(plain_query(word), limit=1).scored_length())

    return correct(text, known,
                   lambda w: searcher.suggest("all", w, limit=8, maxdist=2, prefix=1),
                   lambda w: searcher.doc_frequency("all", w))
