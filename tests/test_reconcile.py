"""Reconciliation: a full ListIdentifiers listing deletes what the repository dropped,
only when the listing is complete and under the safety threshold.

Listings are built from the headers of the real Zenodo records (tests/oai_pages.py);
Zenodo's Identify says ``deletedRecord no``, the case reconciliation exists for.
"""

from __future__ import annotations

from harvester.cli_common import Home
from harvester.config import Config, OAISource, ReconcileSettings
from harvester.oai_harvest import harvest_source
from harvester.reconcile import reconcile_due, reconcile_source
from harvester.replay_server import Reply, ReplayServer, oai_error
from harvester.runner import run_batch
from harvester.schedules import parse_utc
from oai_pages import IDENTIFY, identifier, identifiers_page, page, real_records

RECORDS = real_records()
DELETED = "oai:zenodo.org:8433364"  # the recording's one deleted header
LIVE = [r for r in RECORDS if identifier(r) != DELETED]  # 8 live records


def server(listing: dict[str | None, bytes | Reply]) -> ReplayServer:
    """ListRecords: all 9 records; ListIdentifiers: ``listing`` by resumptionToken."""

    def respond(params: dict[str, str]) -> Reply:
        if params["verb"] == "Identify":
            return Reply(IDENTIFY)
        if params["verb"] == "ListRecords":
            return Reply(page(RECORDS, empty_token=True))
        reply = listing[params.get("resumptionToken")]
        return reply if isinstance(reply, Reply) else Reply(reply)

    return ReplayServer(respond)


def harvested(store, make_client, srv, **fields) -> tuple[OAISource, object]:
    source = OAISource(name="zenodo", base_url=srv.url, reconcile="every 30d", **fields)
    client = make_client(srv.url)
    assert harvest_source(source, store, client=client, progress=lambda line: None).ok
    assert store.count("zenodo") == 8
    return source, client


def test_a_record_missing_from_a_complete_listing_is_deleted(store, make_client):
    dropped = identifier(LIVE[0])
    listing = {None: identifiers_page(LIVE[1:4], "P2"), "P2": identifiers_page(LIVE[4:])}
    with server(listing) as srv:
        source, client = harvested(store, make_client, srv)
        report = reconcile_source(source, store, client, ReconcileSettings(max_delete_fraction=0.2))
    assert (report.status, report.listed, report.live_before, report.missing, report.deleted) == (
        "complete", 7, 8, 1, 1)
    assert store.count("zenodo") == 7 and store.get(f"zenodo:{dropped}") is None
    assert store.raw_versions(f"zenodo:{dropped}")[-1] == (None, True, b"")  # absent: no bytes
    run = store.run(report.run_id)
    assert run["status"] == "complete" and run["deleted"] == 1
    assert run["message"] == ("reconcile: listed 7 identifiers; 1 live record(s) missing from "
                              "the listing, 1 deleted")
    assert [r["verb"] for r in srv.requests][-2:] == ["ListIdentifiers", "ListIdentifiers"]
    assert srv.requests[-2] == {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}


def test_over_the_safety_threshold_nothing_is_deleted(store, make_client):
    with server({None: identifiers_page(LIVE[3:])}) as srv:
        source, client = harvested(store, make_client, srv)
        report = reconcile_source(source, store, client, ReconcileSettings(max_delete_fraction=0.2))
    assert (report.status, report.missing, report.deleted) == ("incomplete", 3, 0)
    assert report.message.startswith("3 of 8 live records (37.5%) are not in the listing of 5: "
                                     "over the safety limit of 1")
    assert store.count("zenodo") == 8


def test_an_incomplete_listing_deletes_nothing(store, make_client):
    broken = Reply(oai_error("badResumptionToken", "expired"))
    with server({None: identifiers_page(LIVE[:2], "P2"), "P2": broken}) as srv:
        source, client = harvested(store, make_client, srv)
        report = reconcile_source(source, store, client, ReconcileSettings(max_delete_fraction=1))
    assert (report.status, report.deleted) == ("incomplete", 0)
    assert report.message == ("listing incomplete (OAI-PMH error badResumptionToken: expired); "
                              "nothing deleted")
    assert store.count("zenodo") == 8


def test_the_runner_reconciles_when_due_and_reports_it(tmp_path, make_client):
    home = Home(tmp_path)
    listing = {None: identifiers_page(LIVE[1:])}
    with server(listing) as srv:
        config = Config.model_validate({
            "reconcile": {"max_delete_fraction": 0.2},
            "sources": {"zenodo": {"name": "zenodo", "base_url": srv.url,
                                   "reconcile": "every 30d"}}})
        source = config.sources["zenodo"]
        first = run_batch(home, config, [source], trigger="manual", progress=lambda line: None,
                          client_factory=lambda s, settings: make_client(s.base_url))
        second = run_batch(home, config, [source], trigger="manual", progress=lambda line: None,
                           client_factory=lambda s, settings: make_client(s.base_url))
    outcome = first.sources[0]
    assert outcome.reconcile["status"] == "complete" and outcome.reconcile["deleted"] == 1
    assert first.index["upserted"] == 7 and first.exit_status == 0  # 8 added, 1 reconciled away
    # 30 days have not passed: the second run harvests without a listing; the repository
    # lists the record again in ListRecords, so it comes back as an update
    assert second.sources[0].reconcile is None
    assert (second.sources[0].updated, second.index["upserted"]) == (1, 1)
    assert [r["verb"] for r in srv.requests].count("ListIdentifiers") == 1
    from harvester.store import Store
    store = Store(home.store)
    try:
        last = store.runs_of("zenodo", message_prefix="reconcile:", limit=1)[0]
        start = parse_utc(last["started_at"])
        assert not reconcile_due(store, source, start)
        assert reconcile_due(store, source, start.replace(year=start.year + 1))
    finally:
        store.close()
