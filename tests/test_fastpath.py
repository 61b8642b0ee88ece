"""The fast search path (NumPy over the ``match`` field) against Whoosh's own matchers.

Both answer from the same index of the 415 real records of tests/search_corpus.py, after
some records were replaced and deleted (so segments hold deleted documents) and with two
segments; for each query the totals, the page's ids in order, the scores and every facet
count must agree. Also the pieces: match terms of a record, BM25 and set algebra, and
that the fast path really answers (it is not silently falling back).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from harvester.record import LangString, Resource
from indexer import ranking
from indexer.backend import SearchQuery
from indexer.documents import to_document
from indexer.match_terms import match_terms
from indexer.whoosh_backend import WhooshBackend, fastpath
from search_corpus import real_resources

QUERIES = [
    "student", "climate change", "estudo", "idosos", "visual analysis", "model OR golf",
    "student NOT newspaper", '"student newspaper"', '"san luis obispo"',
    '"estudo de caso"', "climte~", "*", "", "NOT student", "title_en:climate",
    "климат", "golf^3 student", "nothingmatchesthisword", "(golf OR model) AND NOT data",
]
#: Terms expanding to several words: Whoosh scores them 1.0 each on indexes of up to
#: 5,000 documents (its preloaded OR) and by BM25 above; the fast path always by BM25.
EXPANDING = ["stud*", "clim*", "g*l"]  # a prefix and a wildcard (``?`` is punctuation)
FILTERS = [
    {}, {"license": ["CC-BY-4.0"]}, {"policy": ["unesco-oer"]},
    {"language": ["fr", "pt"], "source": ["erudit", "rcaap"]},
]


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    root = tmp_path_factory.mktemp("fastpath")
    resources = real_resources()
    fast = WhooshBackend(root / "index")
    fast.upsert(resources[:200])
    fast.upsert(resources[200:])  # a second segment
    changed = [dataclasses.replace(r, title=(*r.title[:1],)) for r in resources[:30:3]]
    fast.upsert(changed)  # replaced documents stay in their segment, deleted
    fast.delete([r.id for r in resources[100:110]])
    slow = WhooshBackend(root / "index", fast_path=False)
    yield fast, slow
    fast.close()
    slow.close()


def _same(fast, slow, query: SearchQuery) -> None:
    a, b = fast.search(query), slow.search(query)
    assert a.total == b.total, query
    assert [h.id for h in a.hits] == [h.id for h in b.hits], query
    assert [h.score for h in a.hits] == pytest.approx([h.score for h in b.hits], rel=1e-5)
    assert a.facets == b.facets, query
    assert a.suggestion == b.suggestion


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
def test_fast_path_agrees_with_whoosh(pair, text, filters) -> None:
    fast, slow = pair
    _same(fast, slow, SearchQuery(text, filters=filters, facets=True, limit=7))


@pytest.mark.parametrize("text", EXPANDING)
def test_expanding_terms_agree_but_for_scores(pair, text) -> None:
    fast, slow = pair
    query = SearchQuery(text, facets=True, limit=500)
    a, b = fast.search(query), slow.search(query)
    assert a.total == b.total > 1
    assert {h.id for h in a.hits} == {h.id for h in b.hits}
    assert a.facets == b.facets
    scores = [h.score for h in a.hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


@pytest.mark.parametrize("sort", ["date", "title"])
def test_sorted_pages_agree(pair, sort) -> None:
    fast, slow = pair
    for page in (1, 2, 5):
        for text in ("*", "student", "estudo"):
            query = SearchQuery(text, sort=sort, page=page, limit=9)
            a, b = fast.search(query), slow.search(query)
            assert a.total == b.total
            keys = {"date": lambda h: h.date or "", "title": lambda h: h.title.casefold()}
            # equal keys may come in another order; the keys themselves must agree
            assert [keys[sort](h) for h in a.hits] == [keys[sort](h) for h in b.hits]


def test_year_range_and_deep_pages_agree(pair) -> None:
    fast, slow = pair
    for page in (1, 3, 30):
        _same(fast, slow, SearchQuery("*", year_from=1990, year_to=2015, page=page, limit=10))


def test_iter_ids_agree(pair) -> None:
    fast, slow = pair
    for text, filters in (("*", {}), ("student", {"license": ["unknown"]}), ("estudo", {})):
        query = SearchQuery(text, filters=filters)
        assert list(fast.iter_ids(query)) == list(slow.iter_ids(query))
    ids = list(fast.iter_ids(SearchQuery("*")))
    assert len(ids) == len(set(ids)) == fast.count() == 405


def test_fast_path_answers_without_falling_back(pair, monkeypatch) -> None:
    fast, _ = pair

    def refuse(*args, **kwargs):
        raise AssertionError("fell back to Whoosh's matchers")

    monkeypatch.setattr(fast, "_search_matchers", refuse)
    for text in QUERIES + EXPANDING:
        fast.search(SearchQuery(text, filters={"policy": ["any-cc"]}, facets=True))


def test_unsupported_construct_falls_back(pair) -> None:
    fast, slow = pair
    # slop phrases ("a b"~3) are left to Whoosh's positional matcher
    _same(fast, slow, SearchQuery('"student newspaper"~3', facets=True))
    with pytest.raises(fastpath.Unsupported):
        from whoosh import query as wq

        fastpath.evaluate(wq.Phrase("title_en", ["a", "b"], slop=3),
                          fast._data_of(fast._fresh_searcher()))


def test_match_terms_of_a_record() -> None:
    record = next(r for r in real_resources() if r.id == "erudit:oai:erudit.org:1033634ar")
    terms = match_terms(to_document(record))
    title_terms = [t for t in terms if t.startswith("title_fr:")]
    assert "title_fr:climat" in title_terms  # stemmed by the French analyser
    pairs = [t for t in title_terms if " " in t]
    assert len(pairs) == len([t for t in title_terms if " " not in t]) - 1  # one title line
    # its English abstract is analysed as English, names by the "und" analyser
    assert {t.split(":", 1)[0] for t in terms} == {"title_fr", "description_fr",
                                                   "description_en", "creator", "publisher"}
    assert "title_fr:bois engendrent" in pairs


def test_bm25_and_set_algebra() -> None:
    # Whoosh 2.7's bm25(idf, tf, fl, avgfl, B, K1), worked by hand for tf=2, fl=10, avg=5
    idf = ranking.idf(9, 100)
    assert idf == pytest.approx(np.log(10) + 1)
    score = ranking.bm25(np.array([2.0]), np.array([10.0]), idf, 5.0)[0]
    assert score == pytest.approx(idf * (2 * 2.2) / (2 + 1.2 * (0.25 + 0.75 * 2)))
    a = ranking.DocSet(np.array([1, 3, 5], np.int32), np.array([1.0, 2.0, 3.0]))
    b = ranking.DocSet(np.array([3, 4, 5], np.int32), np.array([10.0, 20.0, 30.0]))
    both = ranking.intersection([a, b])
    assert both.ids.tolist() == [3, 5] and both.scores.tolist() == [12.0, 33.0]
    either = ranking.union([a, b])
    assert either.ids.tolist() == [1, 3, 4, 5]
    assert either.scores.tolist() == [1.0, 12.0, 20.0, 33.0]
    assert ranking.difference(a, b.ids).ids.tolist() == [1]
    assert ranking.top(either, 0, 2).tolist() == [5, 4]
    ties = ranking.DocSet.constant(np.arange(100, dtype=np.int32))
    assert ranking.top(ties, 10, 13).tolist() == [10, 11, 12]  # ties: lower docnum first


def _titled(n: int, title: str) -> Resource:
    oai_id = f"oai:example:{n}"
    return Resource(id=f"example:{oai_id}", source="example", oai_identifier=oai_id,
                    datestamp="2024-01-15T10:00:00Z", title=(LangString(title, "en"),),
                    language=("en",))


def test_long_phrases_check_positions_where_a_word_repeats(tmp_path) -> None:
    # every record holds both pairs "san luis" and "luis obispo"; only some the phrase
    titles = {
        1: "Campus news from San Luis Obispo",               # phrase, "luis" once
        2: "San Luis Rey and Luis Obispo are two places",    # pairs apart, "luis" twice
        3: "Luis Obispo met San Luis; San Luis Obispo too",  # phrase, "luis" three times
        4: "Luis Obispo visits San Luis",                    # pairs apart, "luis" twice
        5: "San Luis Obispo, San Luis Obispo",               # phrase twice
    }
    with WhooshBackend(tmp_path / "fast") as fast, \
            WhooshBackend(tmp_path / "slow", fast_path=False) as slow:
        for backend in (fast, slow):
            backend.upsert(_titled(n, t) for n, t in titles.items())
        query = SearchQuery('"san luis obispo"', limit=10)
        found = sorted(h.id.rsplit(":", 1)[1] for h in fast.search(query).hits)
        assert found == ["1", "3", "5"]
        assert [h.id for h in fast.search(query).hits] == [h.id for h in slow.search(query).hits]
        pairs = SearchQuery('"san luis"', limit=10)
        assert fast.search(pairs).total == slow.search(pairs).total == 5


def test_posting_lists_are_written_in_large_blocks(tmp_path) -> None:
    from indexer.whoosh_backend.postings import _leaf_matcher
    from indexer.whoosh_backend.writing import POSTING_BLOCK

    with WhooshBackend(tmp_path / "index") as backend:
        backend.upsert(real_resources())
        (segment, _), = backend._fresh_searcher().reader().leaf_readers()
        matcher = _leaf_matcher(segment.postings("source", "calpoly"))
        assert 128 < 208 <= POSTING_BLOCK  # Whoosh's default would split 208 in two blocks
        assert matcher._blocklength == 208 and matcher._lastblock
