"""Writing the Whoosh index (indexer/whoosh_backend/writing.py, indexer/sync.py's bulk load,
the batched analysis of indexer/analysis.py), on the real records of tests/search_corpus.py.

Whoosh-specific: these tests open the index with Whoosh to look at its segments and terms.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from harvester.record import Resource
from indexer import analysis, open_generation
from indexer.backend import IndexBackendError, SearchQuery
from indexer.sync import sync_index
from indexer.whoosh_backend import build_schema, resource_to_document
from indexer.whoosh_backend import writing
from indexer.whoosh_backend.schema import SCHEMA_FILENAME, SCHEMA_VERSION, LanguageTokenizer
from search_corpus import real_resources

RECORDS = real_resources()  # 415 records: en, fr, pt, ru, uz…, 249 without dcterms:language

QUERIES = ["*", "student", "estudo", "éducation", "patients results", '"state university"',
           "polytech*", "edcation~", "NOT student"]


class ListStore:
    """A change log of records (seq = position + 1)."""

    def __init__(self, records) -> None:
        self.records = list(records)

    def max_seq(self) -> int:
        return len(self.records)

    def changes_since(self, seq: int) -> Iterator[tuple[int, str, Resource | None]]:
        for n, record in enumerate(self.records[seq:], start=seq + 1):
            yield n, record.id, record


def segments(index_dir: Path) -> list:
    return whoosh_index.open_dir(str(index_dir))._segments()


def terms(index_dir: Path) -> dict[tuple[str, bytes], int]:
    """Every (field, term) of the index with its document frequency."""
    with whoosh_index.open_dir(str(index_dir)).reader() as reader:
        return {(field, text): reader.doc_frequency(field, text)
                for field, text in reader.all_terms()}


def answers(backend, text: str) -> tuple[int, set[str], dict]:
    result = backend.search(SearchQuery(text, limit=500, facets=True))
    return result.total, {h.id for h in result.hits}, result.facets


# -- the bulk load of a rebuild against incremental upserts --------------------------------

@pytest.fixture(scope="module")
def upserted(tmp_path_factory) -> Path:
    """The fixture records indexed as a sync does: upserts of 50, replacing by id."""
    index_dir = tmp_path_factory.mktemp("upserted")
    with open_generation(index_dir) as backend:
        for start in range(0, len(RECORDS), 50):
            backend.upsert(RECORDS[start:start + 50])
    return index_dir


@pytest.mark.parametrize("procs", ["1", "2"])
def test_bulk_load_indexes_exactly_what_upserts_index(tmp_path, upserted, monkeypatch,
                                                      procs) -> None:
    monkeypatch.setenv(writing.PROCS_ENV, procs)
    monkeypatch.setattr(writing, "JOB_DOCS", 20)  # several jobs: both workers get some
    with open_generation(tmp_path / "bulk") as bulk:
        report = sync_index(ListStore(RECORDS), bulk, batch_size=150,
                            bulk_batch_size=150)  # 3 commits
        assert (report.upserted, report.last_seq, bulk.last_seq) == (415, 415, 415)
        with open_generation(upserted) as reference:
            for text in QUERIES:
                assert answers(bulk, text) == answers(reference, text), text
    assert terms(tmp_path / "bulk") == terms(upserted)
    assert len(terms(upserted)) > 10_000


def test_procs_setting_is_honoured(tmp_path, monkeypatch) -> None:
    """Two processes write one segment each per commit (``multisegment``); one writes one."""
    monkeypatch.setattr(writing, "JOB_DOCS", 20)
    for procs, expected in (("1", 1), ("2", 2)):
        monkeypatch.setenv(writing.PROCS_ENV, procs)
        with open_generation(tmp_path / procs) as backend:
            assert backend.bulk_load(RECORDS[:200]) == 200
            assert backend.count() == 200
        found = segments(tmp_path / procs)
        assert len(found) == expected
        assert sum(s.doc_count() for s in found) == 200


def test_bulk_procs_rules() -> None:
    assert writing.bulk_procs(10, environ={writing.PROCS_ENV: "3"}) == 3
    assert writing.bulk_procs(10, environ={}) == 1  # small loads stay in this process
    auto = writing.bulk_procs(None, environ={})
    assert auto == min(writing.available_cpus(), writing.MAX_AUTO_PROCS)
    assert writing.bulk_procs(writing.PARALLEL_MIN_RECORDS, environ={}) == auto
    for bad in ("0", "-2", "two"):
        with pytest.raises(ValueError, match=writing.PROCS_ENV):
            writing.bulk_procs(None, environ={writing.PROCS_ENV: bad})


def _fail_in_workers(self, value, **kwargs):
    if os.getpid() != PARENT_PID:
        raise RuntimeError("analyser broke in a worker")
    return ORIGINAL_CALL(self, value, **kwargs)


PARENT_PID = os.getpid()
ORIGINAL_CALL = LanguageTokenizer.__call__


def test_a_dead_worker_is_an_error_not_missing_documents(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(writing.PROCS_ENV, "2")
    monkeypatch.setattr(writing, "JOB_DOCS", 20)
    monkeypatch.setattr(LanguageTokenizer, "__call__", _fail_in_workers)
    with open_generation(tmp_path / "ix") as backend:
        with pytest.raises(IndexBackendError, match="worker"):
            backend.bulk_load(RECORDS[:60])  # 3 jobs: fewer than the queue holds
        assert backend.last_seq == 0
        monkeypatch.undo()
        backend.upsert(RECORDS[:60])  # what the next sync does: complete by id
        assert backend.count() == 60


# -- plain segment files (R2) -------------------------------------------------------------

def test_every_write_leaves_plain_segment_files(tmp_path) -> None:
    index_dir = tmp_path / "ix"
    with open_generation(index_dir) as backend:
        backend.bulk_load(RECORDS[:100])
        for record in RECORDS[100:110]:  # ten small commits: Whoosh merges small segments
            backend.upsert([record])
        backend.delete([RECORDS[0].id])
        found = segments(index_dir)
        assert 1 < len(found) < 11  # merged, by a writer of ours
        assert not any(s.is_compound() for s in found)
        assert not list(index_dir.glob("*.seg"))
        assert backend.count() == 109
        backend.clear()
    assert not list(index_dir.glob("*.seg"))


def test_a_compound_index_of_older_versions_still_opens_and_merges(tmp_path) -> None:
    index_dir = tmp_path / "old"
    index_dir.mkdir()
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    writer = ix.writer()  # Whoosh's default then: one compound file per segment
    for record in RECORDS[:30]:
        writer.add_document(**resource_to_document(record))
    writer.commit()
    ix.close()
    (index_dir / SCHEMA_FILENAME).write_text(f'{{"schema_version": {SCHEMA_VERSION}}}')
    assert [s.is_compound() for s in segments(index_dir)] == [True]
    with open_generation(index_dir, create=False) as backend:
        assert backend.search(SearchQuery("*")).total == 30
        assert backend.upsert(RECORDS[30:40]) == 10
        assert backend.search(SearchQuery("*")).total == 40
        found = segments(index_dir)
        assert sorted(s.is_compound() for s in found) == [False, True]
    with open_generation(index_dir, create=False) as backend:  # reopened
        assert backend.count() == 40


# -- the analysers: pickled for workers, batched, same terms (R5) --------------------------

def test_schema_and_documents_pickle_for_worker_processes() -> None:
    schema = build_schema()
    again = pickle.loads(pickle.dumps(schema))
    assert again.names() == schema.names()
    assert all(getattr(again[n], "analyzer", None) == getattr(schema[n], "analyzer", None)
               for n in schema.names())
    assert again["title_fr"].analyzer == LanguageTokenizer("fr")
    assert again["all"].analyzer == LanguageTokenizer(analysis.OTHER, stemming=False)
    doc = resource_to_document(RECORDS[0])
    assert pickle.loads(pickle.dumps(doc)) == doc


def _reference_words(text: str) -> list[tuple[str, int, int, int]]:
    """indexer.analysis.words before the Han-free fast path (one regex, group tests)."""
    out, pos = [], 0
    for match in analysis._TOKEN_RE.finditer(text):
        if match.group("han"):
            base, last = match.start(), -1
            for word, start, end, number in analysis._segment(match.group(), True):
                last = number
                out.append((word, base + start, base + end, pos + number))
            pos += last + 1
        else:
            out.append((match.group(), match.start(), match.end(), pos))
            pos += 1
    return out


def _reference_terms(text: str, bucket: str, stemming: bool) -> list[tuple[str, int, int, int]]:
    """The per-word analysis before batching: stem() and fold() called for each word."""
    out = []
    for word, start, end, pos in _reference_words(text):
        term = word.casefold()
        if stemming:
            term = analysis.stem(term, bucket)
        out.append((analysis.fold(term), pos, start, end))
    return out


EXTRA_TEXTS = ["开放教育资源是免费的学习材料 and AI教育 2015", "Ашық білім беру ресурстары 1924",
               "Straße ÉDUCATION naïve", "التعليم المفتوح", "under_score 3D x²"]


def test_batched_analysis_gives_the_terms_of_the_per_word_analysis() -> None:
    schema = build_schema()
    checked = 0
    for record in RECORDS:
        for name, value in resource_to_document(record).items():
            analyzer = getattr(schema[name], "analyzer", None)
            if not isinstance(analyzer, LanguageTokenizer) or not isinstance(value, str):
                continue
            want = _reference_terms(value, analyzer.bucket, analyzer.stemming)
            assert analysis.analysed(value, analyzer.bucket, stemming=analyzer.stemming,
                                     index=True) == want, (record.id, name)
            checked += 1
    assert checked > 1500  # 1,889 field values of 415 records
    for text in EXTRA_TEXTS:
        for bucket in analysis.BUCKETS:
            for stemming in (True, False):
                assert analysis.analysed(text, bucket, stemming=stemming, index=True) == \
                    _reference_terms(text, bucket, stemming), (text, bucket)
    assert analysis.stem_words(["running", "1924", "runs"], "en") == ["run", "1924", "run"]
