"""The remaining cases of shared/cases/oai-faults.md, each with its right behaviour.

C1, C4, C6, C7, C8, C24 are in test_harvest.py; C9-C12, C14, C15, C17, C21 in
test_oai_client.py. Here: C2, C3, C5, C11 (run level), C13, C16, C18-C20, C22, C23,
C25-C27. Records are real Zenodo records (tests/fixtures/oai) in built envelopes.
"""

from __future__ import annotations

import logging

from harvester.config import HarvestSettings, OAISource
from harvester.oai_harvest import harvest_source
from harvester.replay_server import Reply, ReplayServer
from oai_pages import (IDENTIFY, envelope, get_record_page, identifier, identifiers_page, page,
                       real_records, source)

RECORDS = real_records()
LIVE = [r for r in RECORDS if b'status="deleted"' not in r]


def responder(list_records, *, identify: bytes = IDENTIFY, **verbs):
    """Identify + a function of the params for ListRecords (+ other verbs by name)."""

    def respond(params: dict[str, str]) -> Reply:
        verb = params["verb"]
        if verb == "Identify":
            return Reply(identify)
        if verb == "ListRecords":
            return list_records(params)
        return verbs[verb](params)

    return respond


def run(store, make_client, respond, **kwargs):
    with ReplayServer(respond) as server:
        report = harvest_source(source(server.url), store, client=make_client(server.url),
                                progress=lambda line: None, **kwargs)
    return report, server


def list_requests(server):
    return [r for r in server.requests if r["verb"] == "ListRecords"]


def test_c2_token_whitespace_is_stripped_and_encoded_once(store, make_client):
    pages = {None: page(LIVE[:1], "\n   abc+d e/f==\n  "), "abc+d e/f==": page(LIVE[1:2])}

    def lists(params):
        token = params.get("resumptionToken")
        return Reply(pages[token]) if token in pages else Reply(b"", 500)

    report, server = run(store, make_client, responder(lists))
    assert report.status == "complete" and report.counts.added == 2
    assert list_requests(server)[1]["resumptionToken"] == "abc+d e/f=="


def test_c3_token_with_reserved_characters_is_never_altered(store, make_client):
    token = "20210901@Primo@oai_dc@AAAWx+AAU&x=1"
    pages = {None: page(LIVE[:1], token), token: page(LIVE[1:3])}

    def lists(params):
        got = params.get("resumptionToken")
        return Reply(pages[got]) if got in pages else Reply(b"", 500)

    report, server = run(store, make_client, responder(lists))
    assert report.status == "complete" and report.counts.added == 3
    assert list_requests(server)[1] == {"verb": "ListRecords", "resumptionToken": token}


def test_c5_endless_empty_pages_stop_incomplete(store, make_client):
    def lists(params):
        token = params.get("resumptionToken")
        if token is None:
            return Reply(page(LIVE[:1], "E0"))
        return Reply(page([], f"E{int(token[1:]) + 1}"))  # a new token every time

    report, server = run(store, make_client, responder(lists),
                         settings=HarvestSettings(max_empty_pages=3))
    assert report.status == "incomplete" and "3 empty pages in a row" in report.message
    assert len(list_requests(server)) == 4
    assert store.count("zenodo") == 1 and store.load_state("zenodo").watermark is None


def test_c11_server_down_for_good_fails_the_run_and_keeps_stored_pages(store, make_client):
    def lists(params):
        if "resumptionToken" not in params:
            return Reply(page(LIVE[:2], "T1"))
        return Reply(b"Service Unavailable", 503, (("Content-Type", "text/plain"),))

    def down(params):
        return Reply(b"Service Unavailable", 503, (("Content-Type", "text/plain"),))

    report, _ = run(store, make_client, responder(lists, ListIdentifiers=down))
    assert report.status == "failed" and "HTTP 503" in report.message
    assert store.count("zenodo") == 2


def test_c13_page_that_always_fails_falls_back_to_identifiers(store, make_client):
    trace = b"<html><body><pre>Traceback (most recent call last): ...</pre></body></html>"
    by_id = {identifier(r): r for r in RECORDS}

    def lists(params):
        if "resumptionToken" not in params:
            return Reply(page(RECORDS[:3], "T1"))
        return Reply(trace, 500, (("Content-Type", "text/html"),))

    def list_identifiers(params):
        return Reply(identifiers_page(RECORDS))

    def get_record(params):
        return Reply(get_record_page(by_id[params["identifier"]]))

    report, server = run(store, make_client, responder(
        lists, ListIdentifiers=list_identifiers, GetRecord=get_record), from_date="2023-01-01")
    assert report.status == "complete"
    assert report.message.startswith("degraded: ListRecords failed (HTTPStatusError: HTTP 500")
    assert store.count("zenodo") == 8 and store.count("zenodo", include_deleted=True) == 9
    fallback = [r for r in server.requests if r["verb"] == "ListIdentifiers"][0]
    assert fallback == {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc",
                        "from": "2023-01-01"}
    asked = {r["identifier"] for r in server.requests if r["verb"] == "GetRecord"}
    assert asked == {identifier(r) for r in RECORDS[3:]}  # the first page was already stored


def test_c13_record_that_cannot_be_fetched_is_quarantined(store, make_client):
    bad = identifier(LIVE[4])

    def lists(params):
        return Reply(b"boom", 500, (("Content-Type", "text/html"),))

    def get_record(params):
        if params["identifier"] == bad:
            return Reply(b"boom", 500)
        return Reply(get_record_page(next(r for r in LIVE if identifier(r) == params["identifier"])))

    report, _ = run(store, make_client, responder(
        lists, ListIdentifiers=lambda p: Reply(identifiers_page(LIVE)), GetRecord=get_record))
    assert report.status == "incomplete" and report.counts.quarantined == 1
    assert "1 record(s) could not be fetched" in report.message
    assert [(q.oai_identifier, q.reason[:18]) for q in store.quarantined("zenodo")] == [
        (bad, "GetRecord failed: ")]
    assert store.count("zenodo") == len(LIVE) - 1


def test_c16_redirect_is_followed_and_logged_once(store, make_client, caplog):
    with ReplayServer(responder(lambda p: Reply(page(LIVE[:2], empty_token=True)))) as target:
        def redirect(params):
            query = "&".join(f"{k}={v}" for k, v in params.items())
            return Reply(b"", 301, (("Location", f"{target.url}?{query}"),))

        with ReplayServer(redirect) as old, caplog.at_level(logging.WARNING):
            report = harvest_source(OAISource(name="zenodo", base_url=old.url), store,
                                    client=make_client(old.url), progress=lambda line: None)
    assert report.status == "complete" and report.counts.added == 2
    moved = [r.message for r in caplog.records if "redirects to" in r.message]
    assert moved == [f"{old.url} redirects to {target.url} (HTTP 301); update the source's base_url"]


def test_c18_illegal_xml_characters_are_removed_and_counted(store, make_client, caplog):
    one = LIVE[0].replace(b"<dc:title>", b"<dc:title>\x01", 1)
    two = LIVE[1].replace(b"<dc:title>", b"<dc:title>&#x1A;", 1)
    with caplog.at_level(logging.WARNING):
        report, _ = run(store, make_client,
                        responder(lambda p: Reply(page([one, two, LIVE[2]], empty_token=True))))
    assert report.status == "complete" and report.counts.added == 3
    titles = [store.get(f"zenodo:{identifier(r)}").first_title() for r in (one, two)]
    assert all("\x01" not in t and "\x1a" not in t and t for t in titles)
    repaired = sorted(r.message for r in caplog.records if "repaired" in r.message)
    assert repaired == sorted([f"[zenodo] {identifier(one)} repaired: illegal-char U+0001",
                               f"[zenodo] {identifier(two)} repaired: illegal-char-ref &#x1A;"])


def test_c19_latin1_byte_in_utf8_page_falls_back_without_replacement_chars(store, make_client,
                                                                            caplog):
    record = LIVE[0].replace(b"<dc:title>", b"<dc:title>Caf\xe9 ", 1)
    with caplog.at_level(logging.WARNING):
        report, _ = run(store, make_client,
                        responder(lambda p: Reply(page([record, LIVE[1]], empty_token=True))))
    title = store.get(f"zenodo:{identifier(record)}").first_title()
    assert report.status == "complete" and title.startswith("Café ") and "\ufffd" not in title
    assert [r.message for r in caplog.records if "repaired" in r.message] == [
        f"[zenodo] {identifier(record)} repaired: encoding 0xE9 as windows-1252"]


def test_c20_truncated_page_is_retried_and_never_accepted(store, make_client, sleeps):
    full = page(LIVE[:3], "T1")
    cut = full[:-120]

    def lists(params):
        return Reply(cut)  # HTTP is fine, the XML is cut

    report, server = run(store, make_client, responder(lists))
    assert report.status == "failed" and "XML error" in report.message
    assert len(list_requests(server)) == 4 and len(sleeps) == 3  # 1 try + 3 retries
    assert store.count("zenodo", include_deleted=True) == 0


def test_c20_dropped_connection_is_a_transport_error_then_recovers(store, make_client):
    full = page(LIVE[:3], empty_token=True)
    replies = [Reply(full[:-120], content_length=len(full)), Reply(full)]
    report, _ = run(store, make_client, responder(lambda p: replies.pop(0)))
    assert report.status == "complete" and report.counts.added == 3


DAY_IDENTIFY = IDENTIFY.replace(b"YYYY-MM-DDThh:mm:ssZ", b"YYYY-MM-DD")


def test_c22_day_granularity_formats_from_as_a_day(store, make_client):
    def lists(params):
        if "T" in params.get("from", ""):
            return Reply(envelope("ListRecords", b"")[:0] + b'<?xml version="1.0"?>'
                         b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>'
                         b'2026-08-10T08:56:30Z</responseDate><request/><error code="badArgument"'
                         b'>from has seconds</error></OAI-PMH>')
        return Reply(page(LIVE[:2], empty_token=True))

    report, server = run(store, make_client, responder(lists, identify=DAY_IDENTIFY),
                         from_date="2024-01-01T10:00:00Z")
    assert list_requests(server)[0]["from"] == "2024-01-01"
    assert report.status == "complete"
    assert store.load_state("zenodo").watermark == "2026-08-09"  # responseDate minus one day


def test_c23_watermark_is_the_servers_response_date_not_record_datestamps(store, make_client):
    skewed = IDENTIFY.replace(b"2026-08-10T08:56:30Z", b"2026-06-15T10:00:00Z")
    june10 = LIVE[0].replace(b"2023-10-12T14:26:07Z", b"2026-06-10T12:00:00Z")
    pages = {None: page([june10], "T1"), "T1": page([LIVE[1]], complete_list_size=2)}
    report, _ = run(store, make_client,
                    responder(lambda p: Reply(pages[p.get("resumptionToken")]), identify=skewed))
    assert report.status == "complete"
    assert store.load_state("zenodo").watermark == "2026-06-15T09:59:59Z"


def test_c25_records_without_metadata_are_skipped_and_the_list_goes_on(store, make_client):
    ident = identifier(LIVE[0])
    bare = (f"<record><header><identifier>{ident}</identifier><datestamp>2026-01-01"
            "</datestamp></header></record>").encode()
    empty = bare.replace(b"</header>", b"</header><metadata/>").replace(
        ident.encode(), identifier(LIVE[1]).encode())
    report, _ = run(store, make_client,
                    responder(lambda p: Reply(page([bare, empty, LIVE[2]], empty_token=True))))
    assert report.status == "complete" and report.counts.added == 1 and report.skipped == 2
    assert "2 record(s) skipped" in report.message


def test_c26_one_poison_record_is_quarantined_and_the_rest_stored(store, make_client):
    poison = LIVE[1].replace(b"</dc:title>", b"</dc:titel>", 1)
    pages = {None: page(LIVE[:1], "T1"), "T1": page([LIVE[2], poison, LIVE[3]], empty_token=True)}
    report, _ = run(store, make_client,
                    responder(lambda p: Reply(pages[p.get("resumptionToken")])))
    assert report.status == "complete"
    assert (report.counts.added, report.counts.quarantined) == (3, 1)
    assert "1 record(s) quarantined" in report.message
    [held] = store.quarantined("zenodo")
    assert held.oai_identifier == identifier(poison) and held.raw == poison
    assert "XML error" in held.reason


def test_c27_multilingual_oai_dc_keeps_language_pairs(store, make_client):
    dc = ('<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Open textbook</dc:title>'
          '<dc:title xml:lang="fr">Manuel ouvert</dc:title><dc:language>{}</dc:language>'
          "</oai_dc:dc></metadata>")
    records = [(f"<record><header><identifier>oai:x:{n}</identifier><datestamp>2026-01-01"
                f"</datestamp></header>{dc.format(lang)}</record>").encode()
               for n, lang in enumerate(["fra", "English", "en-US", "rus"])]
    report, _ = run(store, make_client,
                    responder(lambda p: Reply(page(records, empty_token=True))))
    assert report.counts.added == 4
    got = [store.get(f"zenodo:oai:x:{n}") for n in range(4)]
    assert [r.language for r in got] == [("fr",), ("en",), ("en-US",), ("ru",)]
    assert [(t.value, t.lang) for t in got[0].title] == [("Open textbook", None),
                                                         ("Manuel ouvert", "fr")]


def test_skip_list_keeps_a_known_poison_record_out(store, make_client):
    poison = identifier(LIVE[1])
    listed = OAISource(name="zenodo", base_url="http://127.0.0.1:9/oai",
                       skip_identifiers=frozenset({poison}))
    with ReplayServer(responder(lambda p: Reply(page(LIVE[:3], empty_token=True)))) as server:
        report = harvest_source(listed.model_copy(update={"base_url": server.url}), store,
                                client=make_client(server.url), progress=lambda line: None)
    assert (report.counts.added, report.skipped) == (2, 1)
    assert store.get(f"zenodo:{poison}") is None
