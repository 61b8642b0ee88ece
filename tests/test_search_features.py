"""Contract tests of search features on real records: facets, filters, policies, sorting,
paging, phrases, prefix and fuzzy terms, snippets, "did you mean". Each runs on every
engine of tests/backends.py.

The corpus (tests/search_corpus.py) is 415 real records: Zenodo 58, Érudit 46, RCAAP
103, Cal Poly 208; licences unknown 244, LicenseRef-All-Rights-Reserved 90, CC-BY-4.0
48, CC-BY-NC-4.0 30, MIT 2, CC-BY-NC-SA-4.0 1.
"""

from __future__ import annotations

import pytest

from backends import BACKENDS
from indexer.backend import SearchQuery
from search_corpus import real_resources

RUSSIAN = "zenodo:oai:zenodo.org:20637409"
CLIMAT = "erudit:oai:erudit.org:1033634ar"
RESILIENCE = "calpoly:oai:works.bepress.com:ralaniz-1021"
LICENCES_PAPER = "calpoly:oai:jlsc-pub.org:jlsc-1187"


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def backend(request, tmp_path_factory):
    b = BACKENDS[request.param](tmp_path_factory.mktemp(request.param) / "index")
    b.upsert(real_resources())
    yield b
    b.close()


def counts(result, facet: str) -> dict[str, int]:
    return {v.value: v.count for v in result.facets[facet]}


def test_corpus_is_indexed(backend) -> None:
    assert backend.count() == len(real_resources()) == 415


def test_facet_counts_over_every_match(backend) -> None:
    result = backend.search(SearchQuery("*", facets=True, limit=1))
    assert result.total == 415
    assert counts(result, "license") == {
        "unknown": 244, "LicenseRef-All-Rights-Reserved": 90, "CC-BY-4.0": 48,
        "CC-BY-NC-4.0": 30, "MIT": 2, "CC-BY-NC-SA-4.0": 1}
    assert counts(result, "source") == {"calpoly": 208, "rcaap": 103, "zenodo": 58,
                                        "erudit": 46}
    assert counts(result, "language")["fr"] == 40
    assert counts(result, "language")["ru"] == 1
    # policies come from harvester.policies: NC counts for UNESCO OER, not free cultural
    assert counts(result, "policy") == {"unesco-oer": 81, "any-cc": 79, "free-cultural": 50}
    assert counts(result, "allows") == {"derivatives": 81, "commercial": 50}
    years = [v.value for v in result.facets["year"]]
    assert years == sorted(years, reverse=True)
    assert counts(result, "year")["1927"] == 17


def test_policy_filter_and_multi_select_counts(backend) -> None:
    result = backend.search(SearchQuery("*", filters={"policy": ["free-cultural"]},
                                        facets=True, limit=5))
    assert result.total == 50  # CC-BY-4.0 48 + MIT 2
    assert {h.license_id for h in result.hits} <= {"CC-BY-4.0", "MIT"}
    policy = {v.value: (v.count, v.selected) for v in result.facets["policy"]}
    # the policy facet is counted without its own filter: other policies stay choosable
    assert policy == {"unesco-oer": (81, False), "any-cc": (79, False),
                      "free-cultural": (50, True)}
    assert counts(result, "license") == {"CC-BY-4.0": 48, "MIT": 2}


def test_or_within_a_facet_and_across_facets(backend) -> None:
    both = backend.search(SearchQuery("*", filters={"source": ["erudit", "zenodo"]}))
    assert both.total == 46 + 58
    narrowed = backend.search(SearchQuery("*", filters={"source": ["erudit", "zenodo"],
                                                        "license": ["CC-BY-NC-4.0"]}))
    assert narrowed.total == sum(1 for r in real_resources() if r.source in ("erudit", "zenodo")
                                 and r.license.id == "CC-BY-NC-4.0") == 6
    assert all(h.source == "zenodo" and h.license_id == "CC-BY-NC-4.0" for h in narrowed.hits)


def test_allows_requires_every_use(backend) -> None:
    assert backend.search(SearchQuery("*", filters={"allows": ["derivatives"]})).total == 81
    both = backend.search(SearchQuery("*", filters={"allows": ["commercial", "derivatives"]}))
    assert both.total == 50


def test_unknown_policy_is_an_error(backend) -> None:
    with pytest.raises(ValueError):
        backend.search(SearchQuery("*", filters={"policy": ["open-ish"]}))
    with pytest.raises(ValueError):
        SearchQuery("*", filters={"allows": ["printing"]})


def test_year_range_and_year_facet(backend) -> None:
    result = backend.search(SearchQuery("polygram", year_from=1924, year_to=1924, limit=50))
    assert result.total == 16
    assert all(h.date.startswith("1924") for h in result.hits)
    assert backend.search(SearchQuery("*", filters={"year": ["1924", "1925"]})).total == 32


def test_sort_by_date_newest_first_and_by_title(backend) -> None:
    by_date = backend.search(SearchQuery("polygram", sort="date", limit=20)).hits
    dates = [h.date for h in by_date]
    assert dates == sorted(dates, reverse=True)
    by_title = backend.search(SearchQuery("*", sort="title", limit=3, page=2)).hits
    assert [h.title for h in by_title] == [
        "10 anos de experiência no tratamento de retinoblastoma",
        "25 Anos de diagnóstico em fisiopatologia respiratória",
        "A abordagem mediática sobre o desporto paralímpico: perspetivas de atletas portugueses"]


def test_pages_do_not_overlap_and_cover_all(backend) -> None:
    everything = backend.search(SearchQuery("territoire OR climat", limit=100))
    assert everything.total == 10
    seen = []
    for page in (1, 2, 3):
        result = backend.search(SearchQuery("territoire OR climat", page=page, limit=4))
        assert result.total == 10
        seen += [h.id for h in result.hits]
    assert result.pages == 3
    assert seen == [h.id for h in everything.hits]
    assert backend.search(SearchQuery("territoire OR climat", page=4, limit=4)).hits == ()


def test_phrase_query(backend) -> None:
    assert backend.search(SearchQuery('"creative commons"')).total == 2
    assert backend.search(SearchQuery('"commons creative"')).total == 0


def test_prefix_and_fuzzy_terms(backend) -> None:
    assert backend.search(SearchQuery("polygr*")).total == 162
    fuzzy = backend.search(SearchQuery("resilence~"))
    assert fuzzy.hits[0].id == RESILIENCE
    assert fuzzy.hits[0].snippet[1] == ("resilience", True)


def test_snippet_marks_matched_words(backend) -> None:
    hit = backend.search(SearchQuery("climat")).hits[0]
    assert hit.id == CLIMAT
    marked = [text for text, matched in hit.snippet if matched]
    assert marked == ["climat"]
    text = "".join(text for text, _ in hit.snippet)
    assert text.startswith("Cet article juxtapose les reconstructions récentes de l’histoire du")


def test_did_you_mean(backend) -> None:
    result = backend.search(SearchQuery("climte chnge"))
    assert result.total == 0
    assert result.suggestion == "climate change"
    assert backend.search(SearchQuery(result.suggestion)).hits[0].id == RESILIENCE
    assert backend.search(SearchQuery("resilience")).suggestion is None


def test_search_across_languages(backend) -> None:
    # one query, records in French (stemmed as French) and English (stemmed as English)
    ids = {h.id for h in backend.search(SearchQuery("climate OR climat", limit=20)).hits}
    assert {CLIMAT, RESILIENCE} <= ids


@pytest.mark.parametrize("text", ["NOT climate", "NOT (climate OR climat)", "AND NOT climate",
                                  "NOT climate NOT climat"])
def test_only_negations_mean_every_record_except(backend, text) -> None:
    # "climate" (stemmed) matches the English and the French record; NOT leaves the other 413
    result = backend.search(SearchQuery(text, limit=500))
    assert result.total == 415 - 2 == 413
    assert {CLIMAT, RESILIENCE}.isdisjoint(h.id for h in result.hits)
    narrowed = backend.search(SearchQuery(text, filters={"source": ["erudit"]}))
    assert narrowed.total == 46 - 1


@pytest.mark.parametrize(("text", "suggestion"), [
    ("climte ot chnge", "climate ot change"),  # short words are not typos ("ot" → "oct")
    ("climte 2019", "climate 2019"),           # nor numbers ("2019" → "2014")
    ("title:climate", None),                   # nor name:value terms ("time:climate")
    ("title:climte chnge", "title:climte change"),
    ("histoire du Qubec", "histoire du quebec"),
])
def test_did_you_mean_leaves_short_words_numbers_and_fields(backend, text, suggestion) -> None:
    result = backend.search(SearchQuery(text))
    assert result.total == 0
    assert result.suggestion == suggestion


def test_filters_ignore_case_and_read_licences_and_languages(backend) -> None:
    def total(**filters) -> int:
        return backend.search(SearchQuery("*", filters=filters)).total

    assert total(type=["text"]) == total(type=["Text"]) == total(type=["TEXT"]) == 365
    assert total(source=["Erudit"]) == 46
    # the form `oer export` prints, a licence URL, another case: all CC-BY-4.0
    assert total(license=["CC BY 4.0"]) == total(license=["cc-by-4.0"]) == 48
    assert total(license=["https://creativecommons.org/licenses/by/4.0/"]) == 48
    assert total(license=["All rights reserved"]) == 90
    # ISO 639-2/3 codes and names, as harvested values are read
    assert total(language=["por"]) == total(language=["pt"]) == 79
    assert total(language=["French"]) == total(language=["fre"]) == 40
    result = backend.search(SearchQuery("*", filters={"type": ["text"]}, facets=True))
    assert ("Text", 365, True) in {(v.value, v.count, v.selected) for v in result.facets["type"]}
