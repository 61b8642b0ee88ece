"""Relevance on real records: for each query, the record a librarian expects must come first.

Queries were written from the records' real titles and abstracts (tests/search_corpus.py),
in other word forms than the record uses where the language's stemmer should bridge them
(Russian cases, French plurals, English derivations). The corpus mixes five languages,
so each query also competes with records in other languages.
"""

from __future__ import annotations

import pytest

from backends import BACKENDS
from indexer.backend import SearchQuery
from search_corpus import by_id, real_resources

CASES = [
    # (language, query, the record that must come first)
    ("en", "disaster resilience", "calpoly:oai:works.bepress.com:ralaniz-1021"),
    ("en", "influence of creative commons licensing on monographs",
     "calpoly:oai:jlsc-pub.org:jlsc-1187"),
    ("en", "phytoremediation native plants", "calpoly:oai:digitalcommons.calpoly.edu:theses-2447"),
    ("en", "gastric transcriptome", "zenodo:oai:zenodo.org:8333281"),
    ("en", "milk phospholipid skin cell", "calpoly:oai:digitalcommons.calpoly.edu:theses-2439"),
    ("fr", "climat Nouvelle-France", "erudit:oai:erudit.org:1033634ar"),
    ("fr", "industries papetières", "erudit:oai:erudit.org:1033636ar"),
    ("fr", "mine d'amiante", "erudit:oai:erudit.org:1033639ar"),
    ("fr", "parc national Forillon", "erudit:oai:erudit.org:1033641ar"),
    ("fr", "territoires touristiques", "erudit:oai:erudit.org:1033637ar"),
    ("fr", "esclavage à Montréal", "erudit:oai:erudit.org:1033648ar"),
    ("ru", "хроническое заболевание", "zenodo:oai:zenodo.org:20637409"),
    ("ru", "приверженность лечению", "zenodo:oai:zenodo.org:20637409"),
    ("ru", "лечение хронических заболеваний", "zenodo:oai:zenodo.org:20637409"),
    ("pt", "espirometria em idosos", "rcaap:oai:repositorio.ipl.pt:10400.21/5427"),
    ("pt", "malária Angola", "rcaap:oai:repositorio.ipl.pt:10400.21/5436"),
]


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def backend(request, tmp_path_factory):
    b = BACKENDS[request.param](tmp_path_factory.mktemp(request.param) / "index")
    b.upsert(real_resources())
    yield b
    b.close()


@pytest.mark.parametrize(("lang", "text", "expected"), CASES, ids=[c[1] for c in CASES])
def test_expected_record_comes_first(backend, lang, text, expected) -> None:
    assert lang in by_id(expected).language or lang == "en"
    result = backend.search(SearchQuery(text))
    assert result.hits, f"no hit for {text!r}"
    assert result.hits[0].id == expected, [h.title for h in result.hits[:3]]


def test_russian_inflections_meet_in_one_stem(backend) -> None:
    # the title has "ЛЕЧЕНИЮ" (dative) and "ХРОНИЧЕСКИХ ЗАБОЛЕВАНИЙ" (genitive plural)
    for text in ("лечение", "лечения", "хроническое", "заболевания"):
        assert [h.id for h in backend.search(SearchQuery(text)).hits] == [
            "zenodo:oai:zenodo.org:20637409"], text


def test_title_match_outranks_description_match(backend) -> None:
    hits = [h.id for h in backend.search(SearchQuery("territoire", limit=20)).hits]
    # "Introduction. Territoire et environnement" has it in the title only
    assert hits[0] == "erudit:oai:erudit.org:1033633ar"
