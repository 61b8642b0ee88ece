"""The OAI-PMH page loop against a real HTTP server on 127.0.0.1.

Cases C1, C4, C6, C7, C8, C24 of shared/cases/oai-faults.md, multi-page lists,
incremental runs; HTTP-level cases are in test_oai_client.py.
"""

from __future__ import annotations

from harvester.config import HarvestSettings
from harvester.oai_harvest import harvest_source
from harvester.replay_server import Reply, ReplayServer, recorded_responder
from oai_pages import (BAD_TOKEN, IDENTIFY, NO_RECORDS_MATCH, PAGES, as_deleted, identifier,
                       page, real_records, source)

RECORDS = real_records()
IDS = [identifier(r) for r in RECORDS]
DELETED = "oai:zenodo.org:8433364"  # Zenodo's recording carries one real deleted header (C24)
LIVE = {f"zenodo:{i}" for i in IDS if i != DELETED}
WATERMARK = "2026-08-10T08:56:29Z"  # Identify responseDate 08:56:30 minus one second (C23)


def three_pages() -> dict[str | None, bytes]:
    """The 9 real records in 3 pages chained by T1, T2, ending with an empty token."""
    return {
        None: page(RECORDS[0:3], "T1", complete_list_size=9, cursor=0),
        "T1": page(RECORDS[3:6], "T2", complete_list_size=9, cursor=3),
        "T2": page(RECORDS[6:9], complete_list_size=9, cursor=6),
    }


def list_server(pages: dict[str | None, bytes]) -> ReplayServer:
    """Identify, then ``pages`` keyed by the resumptionToken asked for (None: first page)."""

    def respond(params: dict[str, str]) -> Reply:
        if params["verb"] == "Identify":
            return Reply(IDENTIFY)
        return Reply(pages[params.get("resumptionToken")])

    return ReplayServer(respond)


def list_requests(server: ReplayServer) -> list[dict[str, str]]:
    return [r for r in server.requests if r["verb"] == "ListRecords"]


def test_recorded_zenodo_list_is_followed_and_its_short_count_reported(store, make_client):
    """The real 3-page recording: 9 records, but completeListSize says 8,091,628 (C6)."""
    pages = [p.read_bytes() for p in PAGES]
    with ReplayServer(recorded_responder(IDENTIFY, pages)) as server:
        report = harvest_source(source(server.url), store, client=make_client(server.url),
                                progress=lambda line: None)
    assert [r["verb"] for r in server.requests] == ["Identify"] + ["ListRecords"] * 3
    assert list_requests(server)[0] == {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    assert (report.pages, report.counts.added, report.counts.deleted) == (3, 8, 1)
    assert store.record_ids() == LIVE
    assert report.status == "incomplete"
    assert "9 of 8,091,628 records" in report.message
    assert store.load_state("zenodo").watermark is None  # not advanced


def test_multi_page_list_followed_to_the_end(store, make_client):
    lines: list[str] = []
    with list_server(three_pages()) as server:
        report = harvest_source(source(server.url), store, client=make_client(server.url),
                                progress=lines.append)
    assert report.status == "complete", report.message
    assert (report.pages, report.counts.added, report.counts.deleted) == (3, 8, 1)
    assert [r.get("resumptionToken") for r in list_requests(server)] == [None, "T1", "T2"]
    assert store.record_ids() == LIVE
    assert lines[-1] == "[zenodo] page 3: +3 records (9 total, 1 deleted; ~9 expected)"
    state = store.load_state("zenodo")
    assert (state.status, state.watermark, state.token) == ("complete", WATERMARK, None)


def test_incremental_second_run_asks_from_watermark_and_adds_nothing(store, make_client):
    pages = three_pages()
    with list_server(pages) as server:
        harvest_source(source(server.url), store, client=make_client(server.url),
                       progress=lambda line: None)
        first_seq = store.max_seq()
        second = harvest_source(source(server.url), store, client=make_client(server.url),
                                progress=lambda line: None)
    assert list_requests(server)[3] == {"verb": "ListRecords", "metadataPrefix": "oai_dc",
                                        "from": WATERMARK}
    assert second.status == "complete"
    assert (second.counts.added, second.counts.updated, second.counts.unchanged) == (0, 0, 9)
    assert store.max_seq() == first_seq  # nothing changed, nothing to re-index


def test_no_records_match_is_an_empty_complete_run(store, make_client):
    """C8: Zenodo's real noRecordsMatch answer (HTTP 422) for an incremental window."""

    def respond(params: dict[str, str]) -> Reply:
        return Reply(IDENTIFY) if params["verb"] == "Identify" else Reply(NO_RECORDS_MATCH, 422)

    with ReplayServer(respond) as server:
        report = harvest_source(source(server.url), store, client=make_client(server.url),
                                from_date="2030-01-01", progress=lambda line: None)
    assert list_requests(server) == [{"verb": "ListRecords", "metadataPrefix": "oai_dc",
                                      "from": "2030-01-01"}]
    assert (report.status, report.counts.total) == ("complete", 0)
    assert store.load_state("zenodo").watermark == WATERMARK


def test_empty_final_token_ends_the_list(store, make_client):
    """C1: P2 carries <resumptionToken completeListSize="2" cursor="1"/>."""
    pages = {None: page(RECORDS[0:1], "T1"),
             "T1": page(RECORDS[1:2], complete_list_size=2, cursor=1)}
    with list_server(pages) as server:
        report = harvest_source(source(server.url), store, client=make_client(server.url),
                                progress=lambda line: None)
    assert len(list_requests(server)) == 2
    assert (report.status, report.counts.added) == ("complete", 2)


def test_same_token_forever_stops_incomplete(store, make_client):
    """C4: every response holds the same record and token T1."""
    same = page(RECORDS[0:1], "T1")
    with list_server({None: same, "T1": same}) as server:
        report = harvest_source(source(server.url), store, client=make_client(server.url),
                                progress=lambda line: None)
    assert len(list_requests(server)) == 2
    assert report.status == "incomplete" and "repeated resumptionToken 'T1'" in report.message
    assert store.count("zenodo") == 1
    state = store.load_state("zenodo")
    assert (state.watermark, state.token) == (None, None)


def test_missing_token_with_larger_complete_list_size_is_incomplete(store, make_client):
    """C6: 3 records, completeListSize 350, no token: 347 missing, watermark kept."""
    with list_server({None: page(RECORDS[0:3], complete_list_size=350)}) as server:
        report = harvest_source(source(server.url), store, client=make_client(server.url),
                                progress=lambda line: None)
    assert report.status == "incomplete"
    assert "after 3 of 350 records" in report.message and "347 missing" in report.message
    assert store.count("zenodo") == 3
    assert store.load_state("zenodo").watermark is None


def test_expired_token_restarts_the_list_without_duplicates(store, make_client):
    """C7: T1 is rejected once (Zenodo's real badResumptionToken, HTTP 422), then works."""
    pages = three_pages()
    rejected: list[str] = []

    def respond(params: dict[str, str]) -> Reply:
        if params["verb"] == "Identify":
            return Reply(IDENTIFY)
        token = params.get("resumptionToken")
        if token == "T1" and not rejected:
            rejected.append(token)
            return Reply(BAD_TOKEN, 422)
        return Reply(pages[token])

    with ReplayServer(respond) as server:
        report = harvest_source(source(server.url), store, client=make_client(server.url),
                                from_date="2026-01-01", progress=lambda line: None)
    asked = [r.get("resumptionToken") or r.get("from") for r in list_requests(server)]
    assert asked == ["2026-01-01", "T1", "2026-01-01", "T1", "T2"]
    assert report.status == "complete"
    assert (report.counts.added, report.counts.deleted, report.counts.unchanged) == (8, 1, 3)
    assert store.count("zenodo", include_deleted=True) == 9


def test_token_rejected_every_time_fails_after_bounded_restarts(store, make_client):
    pages = {None: page(RECORDS[0:2], "T1")}

    def respond(params: dict[str, str]) -> Reply:
        if params["verb"] == "Identify":
            return Reply(IDENTIFY)
        if "resumptionToken" in params:
            return Reply(BAD_TOKEN, 422)
        return Reply(pages[None])

    with ReplayServer(respond) as server:
        report = harvest_source(source(server.url), store, client=make_client(server.url),
                                settings=HarvestSettings(max_restarts=2),
                                progress=lambda line: None)
    assert len(list_requests(server)) == 6  # first try + 2 restarts, each 2 requests
    assert report.status == "failed" and "badResumptionToken" in report.message
    assert store.count("zenodo") == 2  # the stored page stays stored


def test_deleted_header_withdraws_the_record_and_keeps_history(store, make_client):
    """C24: a later run brings <header status="deleted"> for a stored record."""
    first = {None: page(RECORDS[0:3], empty_token=True)}
    with list_server(first) as server:
        harvest_source(source(server.url), store, client=make_client(server.url),
                       progress=lambda line: None)
    gone = f"zenodo:{IDS[1]}"
    assert store.get(gone) is not None
    second = {None: page([as_deleted(RECORDS[1])], empty_token=True)}
    with list_server(second) as server:
        report = harvest_source(source(server.url), store, client=make_client(server.url),
                                progress=lambda line: None)
    assert (report.status, report.counts.deleted) == ("complete", 1)
    assert store.get(gone) is None
    assert store.count("zenodo") == 2
    history = store.raw_versions(gone)
    assert [deleted for _, deleted, _ in history] == [False, True]
    assert history[0][2] == RECORDS[1]  # the first version, byte-exact
    assert [(seq_id, res is None) for _, seq_id, res in store.changes_since(0)][-1] == (gone, True)


def test_raw_record_is_stored_byte_exact(store, make_client):
    raw = PAGES[0].read_bytes()
    with ReplayServer(recorded_responder(IDENTIFY, [raw])) as server:
        harvest_source(source(server.url), store, client=make_client(server.url),
                       progress=lambda line: None)
    record_id = f"zenodo:{IDS[0]}"
    stored = store.raw_versions(record_id)[0][2]
    assert stored.startswith(b"<record>") and stored.endswith(b"</record>")
    assert stored in raw and raw.count(stored) == 1


def test_auto_format_picks_the_richest_offered_and_maps_it(store, make_client):
    """metadata_prefix = "auto": Zenodo's real ListMetadataFormats → datacite is chosen."""
    from pathlib import Path

    from oai_pages import FIXTURES, envelope
    formats = (FIXTURES / "zenodo-01-ListMetadataFormats.xml").read_bytes()
    get_record = (Path(FIXTURES).parent / "datacite" / "zenodo-02-GetRecord-datacite.xml"
                  ).read_bytes()
    record = get_record[get_record.index(b"<record>"):get_record.index(b"</record>") + 9]

    def respond(params: dict[str, str]) -> Reply:
        if params["verb"] == "Identify":
            return Reply(IDENTIFY)
        if params["verb"] == "ListMetadataFormats":
            return Reply(formats)
        assert params["metadataPrefix"] == "datacite"
        return Reply(envelope("ListRecords", record + b"<resumptionToken/>"))

    auto = source("http://127.0.0.1:9/oai").model_copy(update={"metadata_prefix": "auto"})
    with ReplayServer(respond) as server:
        report = harvest_source(auto.model_copy(update={"base_url": server.url}), store,
                                client=make_client(server.url), progress=lambda line: None)
    assert report.status == "complete" and report.counts.added == 1
    resource = store.get("zenodo:oai:zenodo.org:10357859")
    assert resource.metadata_prefix == "datacite"
    assert len(resource.creator) == 9
