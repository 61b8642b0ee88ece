"""The IndexBackend contract suite: every test runs against each engine of tests/backends.py.

Engine-specific checks (the lazy import of Whoosh, ``index_exists``) are marked as such.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from harvester.record import LangString, Licence, Resource
from backends import BACKENDS
from indexer import index_exists, open_backend
from indexer.backend import (
    IndexBackend,
    IndexBackendError,
    IndexLockedError,
    IndexNotFoundError,
    SearchQuery,
)

CC_BY_SA_IGO = Licence(
    "CC-BY-SA-3.0-IGO", "https://creativecommons.org/licenses/by-sa/3.0/igo/",
    "https://creativecommons.org/licenses/by-sa/3.0/igo/",
)
CC_BY_4 = Licence("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0")
CC0 = Licence("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/", "CC0")


def ls(*values: str, lang: str | None = None) -> tuple[LangString, ...]:
    return tuple(LangString(v, lang) for v in values)


def make(
    oai_id: str, title: str, *, description: str = "", subject: tuple[str, ...] = (),
    creator: tuple[str, ...] = (), language: tuple[str, ...] = ("en",),
    licence: Licence = Licence(), source: str = "unesdoc",
) -> Resource:
    return Resource(
        id=f"{source}:{oai_id}", source=source, oai_identifier=oai_id,
        datestamp="2023-05-04", title=ls(title),
        description=ls(description) if description else (),
        subject=ls(*subject), creator=ls(*creator), language=language,
        date=("2019",), type=ls("Text"), license=licence,
        url=f"https://example.org/{oai_id}",
    )


GUIDELINES = make(
    "oai:unesdoc:213605", "Guidelines for open educational resources (OER) in higher education",
    description="Guidance for governments, institutions and teaching staff on OER.",
    subject=("Open educational resources", "Higher education"),
    creator=("Butcher, Neil", "Kanwar, Asha"), language=("en-US",), licence=CC_BY_SA_IGO,
)
EDUCATION_OUVERTE = make(
    "oai:unesdoc:373755", "Éducation ouverte et ressources éducatives libres",
    description="Recommandation sur les ressources éducatives libres (REL).",
    subject=("Ressources éducatives libres",), creator=("Miao, Fengchun",),
    language=("fr",), licence=CC_BY_4, source="oerfr",
)
BASIC_GUIDE = make(
    "oai:unesdoc:215804", "A basic guide to open educational resources",
    description="A short introduction for policy makers.", creator=("Butcher, Neil",),
    language=("en-GB",), licence=CC0,
)
CLIMATE = make(
    "oai:unesdoc:000001", "Climate change education for sustainable development",
    subject=("Climate change",), creator=("UNESCO",), language=("es",),
)
ALL = (GUIDELINES, EDUCATION_OUVERTE, BASIC_GUIDE, CLIMATE)


@pytest.fixture(params=sorted(BACKENDS))
def make_backend(request):
    """A factory of backends of one engine: ``make_backend(index_dir, **kwargs)``."""
    return BACKENDS[request.param]


@pytest.fixture
def backend(tmp_path: Path, make_backend):
    b = make_backend(tmp_path / "index", lock_timeout_s=0.2)
    assert b.upsert(ALL) == 4
    yield b
    b.close()


def ids(backend: IndexBackend, text: str, **kw) -> set[str]:
    return {h.id for h in backend.search(SearchQuery(text, limit=50, **kw)).hits}


def test_backend_satisfies_protocol(backend) -> None:
    assert isinstance(backend, IndexBackend)


def test_backend_module_does_not_import_whoosh() -> None:
    import importlib
    import subprocess

    code = "import indexer.backend, indexer.sync, search.service, sys; print('whoosh' in sys.modules)"
    root = Path(importlib.import_module("indexer").__file__).parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"


def test_search_title_word(backend) -> None:
    assert ids(backend, "guidelines") == {GUIDELINES.id}
    result = backend.search(SearchQuery("guidelines"))
    hit = result.hits[0]
    assert result.total == 1
    assert hit.title == GUIDELINES.first_title()
    assert hit.url == "https://example.org/oai:unesdoc:213605"
    assert hit.license_id == "CC-BY-SA-3.0-IGO"
    assert hit.license_url == "https://creativecommons.org/licenses/by-sa/3.0/igo/"
    assert hit.language == ("en-US",)
    assert hit.source == "unesdoc"
    assert hit.score > 0


def test_two_words_are_anded(backend) -> None:
    assert ids(backend, "open resources") == {GUIDELINES.id, BASIC_GUIDE.id}
    assert ids(backend, "basic resources") == {BASIC_GUIDE.id}
    assert ids(backend, "basic climate") == set()


def test_question_mark_is_punctuation_not_a_wildcard(backend) -> None:
    """A typed question finds what its words find (Whoosh's default made ``?`` "any one
    letter": ``resources?`` found nothing, ``?`` alone every one-letter word)."""
    assert ids(backend, "open resources?") == ids(backend, "open resources") \
        == {GUIDELINES.id, BASIC_GUIDE.id}
    assert ids(backend, "guidelines?") == {GUIDELINES.id}
    assert backend.search(SearchQuery("?")).total == 0
    assert ids(backend, "guid*") == {GUIDELINES.id, BASIC_GUIDE.id}  # ``*`` still works
    assert ids(backend, "gu*lines") == {GUIDELINES.id}


def test_stemming(backend) -> None:
    assert ids(backend, "guideline") == {GUIDELINES.id}


@pytest.mark.parametrize("text", ["Éducation ouverte", "education ouverte", "EDUCATION OUVERTE",
                                  "éducatives", "educatives libres"])
def test_accent_and_case_folding(backend, text) -> None:
    assert EDUCATION_OUVERTE.id in ids(backend, text)


def test_accented_query_matches_unaccented_text(backend) -> None:
    assert ids(backend, "clìmate chánge") == {CLIMATE.id}


def test_search_by_creator(backend) -> None:
    assert ids(backend, "Butcher") == {GUIDELINES.id, BASIC_GUIDE.id}
    assert ids(backend, "Miao") == {EDUCATION_OUVERTE.id}


def test_title_boost_ranks_title_match_first(tmp_path, make_backend) -> None:
    in_title = make("t", "Open textbooks for mathematics", description="Algebra and geometry.")
    in_desc = make("d", "Algebra course notes", description="Links to open textbooks.")
    with make_backend(tmp_path / "ix") as b:
        b.upsert([in_desc, in_title])
        hits = b.search(SearchQuery("textbooks")).hits
    assert [h.id for h in hits] == [in_title.id, in_desc.id]
    assert hits[0].score > hits[1].score


def test_licence_filter_is_or_of_ids(backend) -> None:
    got = ids(backend, "*", licences=("CC-BY-SA-3.0-IGO", "CC0-1.0"))
    assert got == {GUIDELINES.id, BASIC_GUIDE.id}
    assert ids(backend, "*", licences=("cc-by-4.0",)) == {EDUCATION_OUVERTE.id}
    assert ids(backend, "*", licences=("unknown",)) == {CLIMATE.id}
    assert ids(backend, "guidelines", licences=("CC0-1.0",)) == set()


def test_language_filter_primary_subtag(backend) -> None:
    assert ids(backend, "*", language="en") == {GUIDELINES.id, BASIC_GUIDE.id}
    assert ids(backend, "*", language="en-US") == {GUIDELINES.id}
    assert ids(backend, "*", language="EN-gb") == {BASIC_GUIDE.id}
    assert ids(backend, "*", language="fr") == {EDUCATION_OUVERTE.id}
    assert ids(backend, "*", language="de") == set()


def test_filters_combine(backend) -> None:
    got = ids(backend, "open", licences=("CC0-1.0", "CC-BY-4.0"), language="en")
    assert got == {BASIC_GUIDE.id}


@pytest.mark.parametrize("text", ["*", "", "   "])
def test_match_all_total_is_exact_beyond_limit(backend, text) -> None:
    result = backend.search(SearchQuery(text, limit=2))
    assert result.total == 4
    assert len(result.hits) == 2


def test_total_counts_filtered_matches_beyond_limit(backend) -> None:
    # "education" stems to "educ": GUIDELINES ("higher education") and BASIC_GUIDE
    # ("educational"); EDUCATION_OUVERTE (fr) and CLIMATE (es) are filtered out.
    result = backend.search(SearchQuery("education", language="en", limit=1))
    assert result.total == 2
    assert len(result.hits) == 1
    assert result.hits[0].id in {GUIDELINES.id, BASIC_GUIDE.id}


@pytest.mark.parametrize("text", ['"unclosed phrase', "(open OR", "title:", "AND", "OR OR NOT",
                                  "^^^", "[a TO", "educ~~~", "*:*", "\\", "open)", "foo:bar",
                                  "-", "?", "title:(", "{", "a AND (b OR"])
def test_malformed_query_does_not_raise(backend, text) -> None:
    result = backend.search(SearchQuery(text))
    assert result.total >= 0
    assert len(result.hits) == min(result.total, 10)


@pytest.mark.parametrize("text", ['"open educational', "(open OR", "open)"])
def test_malformed_query_still_finds_its_words(backend, text) -> None:
    assert ids(backend, text) == {GUIDELINES.id, BASIC_GUIDE.id}


def test_delete_removes(backend) -> None:
    assert backend.delete([GUIDELINES.id, "unesdoc:no-such-record"]) == 1
    assert backend.count() == 3
    assert ids(backend, "guidelines") == set()
    assert backend.delete([GUIDELINES.id]) == 0


def test_upsert_same_id_twice_keeps_one(backend) -> None:
    renamed = make("oai:unesdoc:213605", "Lignes directrices pour les REL", language=("fr",))
    assert backend.upsert([renamed]) == 1
    assert backend.count() == 4
    assert ids(backend, "guidelines") == set()
    assert ids(backend, "lignes directrices") == {GUIDELINES.id}
    # the same id twice within one batch: last one wins, one document
    assert backend.upsert([GUIDELINES, renamed, GUIDELINES]) == 1
    assert backend.count() == 4
    assert ids(backend, "guidelines") == {GUIDELINES.id}


def test_clear_empties_and_resets_last_seq(backend) -> None:
    backend.set_last_seq(9)
    backend.clear()
    assert backend.count() == 0
    assert backend.search(SearchQuery("*")).total == 0
    assert backend.last_seq == 0


def test_last_seq_persists_across_reopen(tmp_path, make_backend) -> None:
    index_dir = tmp_path / "ix"
    b = make_backend(index_dir)
    assert b.last_seq == 0
    b.upsert([CLIMATE])
    b.set_last_seq(42)
    b.close()
    assert (b.index_dir / "last_seq.json").read_text() == '{"last_seq": 42}'
    assert not list(b.index_dir.glob("*.tmp"))
    b2 = make_backend(index_dir)
    assert b2.last_seq == 42
    assert b2.count() == 1
    b2.close()


def test_set_last_seq_rejects_negative(backend) -> None:
    with pytest.raises(ValueError):
        backend.set_last_seq(-1)


def test_corrupt_last_seq_file_raises(tmp_path, make_backend) -> None:
    with make_backend(tmp_path / "ix") as b:
        (b.index_dir / "last_seq.json").write_text("{not json")
        with pytest.raises(IndexBackendError):
            _ = b.last_seq


def test_second_writer_gets_index_locked_error(tmp_path, make_backend) -> None:
    index_dir = tmp_path / "ix"
    first = make_backend(index_dir, lock_timeout_s=0.2)
    second = make_backend(index_dir, lock_timeout_s=0.2)
    inside, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow_batch():
        yield CLIMATE
        inside.set()
        release.wait(10)

    def run_first() -> None:
        try:
            first.upsert(slow_batch())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=run_first)
    t.start()
    try:
        assert inside.wait(10)
        with pytest.raises(IndexLockedError) as info:
            second.upsert([GUIDELINES])
        assert isinstance(info.value, IndexBackendError)
        assert info.value.index_dir == first.index_dir
        with pytest.raises(IndexLockedError):
            second.delete([CLIMATE.id])
    finally:
        release.set()
        t.join(10)
    assert not errors
    # lock released: the second writer now succeeds and sees the first one's commit
    assert second.upsert([GUIDELINES]) == 1
    assert second.count() == 2
    first.close()
    second.close()


def test_index_exists_and_create_false(tmp_path) -> None:
    index_dir = tmp_path / "ix"
    assert not index_exists(index_dir)
    with pytest.raises(IndexNotFoundError):
        open_backend(index_dir, create=False)
    assert not index_dir.exists()
    open_backend(index_dir).close()
    assert index_exists(index_dir)


def test_search_query_rejects_bad_limit() -> None:
    with pytest.raises(ValueError):
        SearchQuery("x", limit=0)


@pytest.mark.parametrize("text, kw", [
    ("*", {}),
    ("open", {}),
    ("*", {"licences": ("CC-BY-SA-3.0-IGO", "CC-BY-4.0")}),
    ("*", {"language": "fr"}),
    ("no-such-word-anywhere", {}),
])
def test_iter_ids_streams_exactly_the_matches_of_search(backend, text, kw) -> None:
    streamed = list(backend.iter_ids(SearchQuery(text, **kw)))
    assert len(streamed) == len(set(streamed))
    assert set(streamed) == ids(backend, text, **kw)
    assert len(streamed) == backend.search(SearchQuery(text, limit=1, **kw)).total


# -- bulk_load: the fast path of fresh indexes ------------------------------------------

BULK_QUERIES = [SearchQuery("*", limit=50), SearchQuery("open educational", limit=50),
                SearchQuery("ressources", limit=50), SearchQuery("butcher", limit=50),
                SearchQuery("*", licences=("CC0-1.0", "CC-BY-4.0"), limit=50),
                SearchQuery("*", language="es", limit=50),
                SearchQuery("*", limit=50, facets=True)]


def test_bulk_load_into_an_empty_index_equals_upsert(tmp_path, make_backend) -> None:
    with make_backend(tmp_path / "up") as upserted, make_backend(tmp_path / "bulk") as bulk:
        upserted.upsert(ALL)
        assert bulk.bulk_load(iter(ALL), size_hint=len(ALL)) == 4
        assert bulk.count() == upserted.count() == 4
        for query in BULK_QUERIES:
            want, got = upserted.search(query), bulk.search(query)
            assert got.total == want.total
            assert {h.id for h in got.hits} == {h.id for h in want.hits}
            assert got.facets == want.facets
        assert ids(bulk, "guidelines") == {GUIDELINES.id}


def test_bulk_load_adds_to_earlier_loads_and_upserts_still_replace(backend) -> None:
    extra = make("oai:unesdoc:999", "Teacher guides for open science", language=("en",))
    assert backend.bulk_load([extra]) == 1
    assert backend.count() == 5
    assert ids(backend, "science") == {extra.id}
    assert backend.upsert([make("oai:unesdoc:999", "Renamed", language=("en",))]) == 1
    assert backend.count() == 5 and ids(backend, "science") == set()


def test_bulk_load_of_nothing_commits_nothing(tmp_path, make_backend) -> None:
    with make_backend(tmp_path / "ix") as b:
        assert b.bulk_load(iter(())) == 0
        assert b.count() == 0
