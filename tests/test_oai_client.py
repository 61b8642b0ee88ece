"""One request at a time: retries, Retry-After, and responses that must be refused.

Cases C9, C10, C11, C14, C15, C17 and C21 of shared/cases/oai-faults.md.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from harvester.errors import (HTTPStatusError, NotOAIResponseError, OAIProtocolError,
                              RetryLaterError, UnsafeXMLError)
from harvester.oai_client import parse_retry_after
from harvester.oai_harvest import harvest_source
from harvester.oai_response import parse_response
from harvester.replay_server import Reply, ReplayServer
from oai_pages import IDENTIFY, NO_RECORDS_MATCH, page, real_records, source

RECORDS = real_records()
FIXTURES = Path(__file__).parent / "fixtures"


def sequence(*replies: Reply):
    """A responder playing ``replies`` in order, repeating the last one."""
    played: list[Reply] = list(replies)

    def respond(params: dict[str, str]) -> Reply:
        return played.pop(0) if len(played) > 1 else played[0]

    return respond


def test_retry_after_seconds_and_http_date():
    now = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now=now) == 120.0
    assert parse_retry_after("Mon, 30 Nov 2026 12:00:07 GMT", now=now) == 7.0
    assert parse_retry_after("Mon, 30 Nov 2026 11:00:00 GMT", now=now) == 0.0  # in the past
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


def test_503_with_http_date_retry_after_waits_then_continues(make_client, sleeps):
    """C9: 503 with Retry-After as an HTTP-date a few seconds ahead, then a normal page."""
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=4), usegmt=True)
    body = page(RECORDS[:2], empty_token=True)
    with ReplayServer(sequence(Reply(b"busy", 503, (("Retry-After", when),)), Reply(body))) as srv:
        result = make_client(srv.url).request("ListRecords", metadataPrefix="oai_dc")
    assert len(result.records) == 2
    assert len(sleeps) == 1 and 2.0 <= sleeps[0] <= 4.0
    assert len(srv.requests) == 2


def test_503_with_seconds_retry_after(make_client, sleeps):
    body = page(RECORDS[:1], empty_token=True)
    with ReplayServer(sequence(Reply(b"", 503, (("Retry-After", "3"),)), Reply(body))) as srv:
        make_client(srv.url).request("ListRecords", metadataPrefix="oai_dc")
    assert sleeps == [3.0]


def test_503_without_retry_after_backs_off_within_budget_then_fails(make_client, sleeps):
    """C11: 503 forever, no header: bounded retries with growing backoff, then an error."""
    with ReplayServer(sequence(Reply(b"down", 503, (("Content-Type", "text/plain"),)))) as srv:
        with pytest.raises(HTTPStatusError) as err:
            make_client(srv.url, max_retries=3).request("Identify")
    assert err.value.status == 503 and "after 4 tries" in str(err.value)
    assert len(srv.requests) == 4 and len(sleeps) == 3
    assert sleeps[0] <= sleeps[2]  # exponential: 0.005-0.01, then 0.02-0.04


def test_long_retry_after_is_not_slept_in_process(make_client, sleeps):
    """C10: 429 with Retry-After 86400 raises RetryLaterError carrying not_before."""
    with ReplayServer(sequence(Reply(b"", 429, (("Retry-After", "86400"),)))) as srv:
        with pytest.raises(RetryLaterError) as err:
            make_client(srv.url).request("Identify")
    assert sleeps == []
    wait = err.value.not_before - datetime.now(UTC)
    assert timedelta(hours=23) < wait <= timedelta(days=1)


def test_long_retry_after_defers_the_source(store, make_client):
    with ReplayServer(sequence(Reply(IDENTIFY),
                               Reply(b"", 429, (("Retry-After", "86400"),)))) as srv:
        report = harvest_source(source(srv.url), store, client=make_client(srv.url),
                                progress=lambda line: None)
        again = harvest_source(source(srv.url), store, client=make_client(srv.url),
                               progress=lambda line: None)
    assert report.status == "deferred"
    assert store.load_state("zenodo").not_before > "2026-"
    assert again.status == "deferred" and again.run_id is None
    assert len(srv.requests) == 2  # the deferred source was not asked again


@pytest.mark.parametrize("reply, expected", [
    (Reply(b"<html><body><h1>Down for maintenance</h1></body></html>", 200,
           (("Content-Type", "text/html"),)), "HTTP 200, Content-Type text/html, starts '<html>"),
    (Reply(b"", 200), "empty body (HTTP 200, Content-Type text/xml; charset=utf-8"),
])
def test_html_or_empty_200_is_not_an_oai_response(make_client, reply, expected):
    """C14: never treated as an empty list."""
    with ReplayServer(sequence(reply)) as srv:
        with pytest.raises(NotOAIResponseError) as err:
            make_client(srv.url).request("ListRecords", metadataPrefix="oai_dc")
    assert "not an OAI-PMH response" in str(err.value) and expected in str(err.value)
    assert err.value.url.startswith(srv.url)


def test_html_page_fails_the_run_instead_of_succeeding_empty(store, make_client):
    html = Reply(b"<html><body>maintenance</body></html>", 200, (("Content-Type", "text/html"),))
    with ReplayServer(sequence(Reply(IDENTIFY), html)) as srv:
        report = harvest_source(source(srv.url), store, client=make_client(srv.url),
                                progress=lambda line: None)
    assert report.status == "failed" and "not an OAI-PMH response" in report.message
    assert store.load_state("zenodo").watermark is None


def test_oai_error_inside_http_422_is_reported_with_its_code(make_client):
    """C15 with Zenodo's real answer: noRecordsMatch sent with HTTP 422."""
    with ReplayServer(sequence(Reply(NO_RECORDS_MATCH, 422))) as srv:
        with pytest.raises(OAIProtocolError) as err:
            make_client(srv.url).request("ListRecords", metadataPrefix="oai_dc")
    assert (err.value.code, err.value.http_status) == ("noRecordsMatch", 422)


def test_missing_oai_namespace_is_refused(make_client):
    """C17: the same page with <OAI-PMH> lacking xmlns is an error, not 0 records."""
    body = page(RECORDS[:2], empty_token=True).replace(
        b' xmlns="http://www.openarchives.org/OAI/2.0/"', b"")
    with ReplayServer(sequence(Reply(body))) as srv:
        with pytest.raises(NotOAIResponseError, match="lacks the OAI-PMH namespace"):
            make_client(srv.url).request("ListRecords", metadataPrefix="oai_dc")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE OAI-PMH [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-01-01T00:00:00Z</responseDate>
<ListRecords><record><header><identifier>&lol4;</identifier><datestamp>2026-01-01</datestamp>
</header></record></ListRecords></OAI-PMH>"""


def test_entity_tricks_are_refused_without_reading_files(make_client, tmp_path):
    """C21: a billion-laughs DOCTYPE, and an external entity pointing at a local file."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    external = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://'
                + str(secret).encode() + b'">]>'
                + page(RECORDS[:1], empty_token=True).split(b"?>", 1)[1].replace(
                    b"</ListRecords>", b"&x;</ListRecords>"))
    for body in (BILLION_LAUGHS, external):
        with ReplayServer(sequence(Reply(body))) as srv:
            with pytest.raises(UnsafeXMLError, match="DOCTYPE/ENTITY") as err:
                make_client(srv.url).request("ListRecords", metadataPrefix="oai_dc")
        assert "TOP-SECRET" not in str(err.value)


@pytest.mark.parametrize("name, starts", [
    ("blog.python.org.html", "starts \"<!DOCTYPE html> <html class='v2' dir='ltr'"),
    ("ietf-remotestorage.html", "starts '<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Trans"),
])
def test_an_html_page_from_a_wrong_base_url_is_not_an_oai_response(make_client, name, starts):
    """A real HTML page (its DOCTYPE names html, no internal subset) is not an entity attack."""
    body = (FIXTURES / "html" / name).read_bytes()
    with ReplayServer(sequence(Reply(body, 200, (("Content-Type", "text/html"),)))) as srv:
        with pytest.raises(NotOAIResponseError) as err:
            make_client(srv.url).request("Identify")
    assert str(err.value).startswith("not an OAI-PMH response: an HTML page (HTTP 200, "
                                      "Content-Type text/html, ")
    assert starts in str(err.value)


@pytest.mark.parametrize("body", [
    b'<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html>&x;</html>',
    b'<?xml version="1.0"?>\n<!DOCTYPE OAI-PMH SYSTEM "http://127.0.0.1:1/oai.dtd"><OAI-PMH/>',
    b"<!DOCTYPE htmlx><OAI-PMH/>",
])
def test_other_doctypes_are_still_refused_as_unsafe(body):
    with pytest.raises(UnsafeXMLError, match="DOCTYPE/ENTITY"):
        parse_response(body, verb="Identify")


def test_an_html_root_without_doctype_is_an_html_page():
    body = b"<html><body><h1>Down for maintenance</h1></body></html>"
    with pytest.raises(NotOAIResponseError, match="^not an OAI-PMH response: an HTML page"):
        parse_response(body, verb="ListRecords")


def test_slow_server_times_out_then_retry_succeeds(make_client, sleeps):
    """C12 (the timeout is always set): first answer slower than the read timeout."""
    body = page(RECORDS[:1], empty_token=True)
    with ReplayServer(sequence(Reply(body, delay_s=1.5), Reply(body))) as srv:
        result = make_client(srv.url, read_timeout_s=0.5).request("ListRecords",
                                                                   metadataPrefix="oai_dc")
    assert len(result.records) == 1 and len(sleeps) == 1
