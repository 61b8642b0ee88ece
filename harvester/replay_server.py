"""A small HTTP server on 127.0.0.1 that plays back OAI-PMH responses.

Used by ``oer demo`` (recorded real responses shipped in the package) and by the
tests (recorded pages plus scripted faults: status codes, headers, delays). It binds
to the loopback address only and picks a free port.

A *responder* is a function from the request's query parameters to a :class:`Reply`;
:func:`recorded_responder` builds one from recorded files whose resumption tokens
chain the pages of a list.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

from lxml import etree

XML = (("Content-Type", "text/xml; charset=utf-8"),)


@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP response to play.

    Attributes:
        body: The body bytes, sent as they are.
        status: HTTP status code.
        headers: Header (name, value) pairs; Content-Length is added.
        delay_s: Seconds to wait before answering (slow-server faults).
        content_length: The Content-Length to announce; more than ``len(body)`` plays a
            connection dropped mid-body (truncation faults). Default: the body's length.
    """

    body: bytes
    status: int = 200
    headers: tuple[tuple[str, str], ...] = XML
    delay_s: float = 0.0
    content_length: int | None = None


Responder = Callable[[dict[str, str]], Reply]


class ReplayServer:
    """Serve ``responder``'s replies on ``http://127.0.0.1:<port>/oai``.

    Use as a context manager; ``requests`` lists every request's query parameters
    in order (for assertions).

    Args:
        responder: Maps a request's query parameters (decoded once) to a reply.
        path: The URL path served; other paths answer 404.
    """

    def __init__(self, responder: Responder, path: str = "/oai") -> None:
        self.responder = responder
        self.path = path
        self.requests: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls on keep-alive
            wbufsize = -1  # headers and body leave in one write (flushed per request)

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                if parts.path != server.path:
                    self._send(Reply(b"not found", 404, (("Content-Type", "text/plain"),)))
                    return
                params = dict(parse_qsl(parts.query, keep_blank_values=True))
                server.requests.append(params)
                self._send(server.responder(params))

            def _send(self, reply: Reply) -> None:
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                length = reply.content_length if reply.content_length is not None else len(reply.body)
                self.send_header("Content-Length", str(length))
                if length != len(reply.body):
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if length != len(reply.body):
                    self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        """The OAI-PMH base URL served."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{self.path}"

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def token_of(body: bytes) -> str | None:
    """The resumption token a recorded page hands out (stripped), or ``None``."""
    root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    tok = root.find(".//{http://www.openarchives.org/OAI/2.0/}resumptionToken")
    value = (tok.text or "").strip() if tok is not None else ""
    return value or None


def recorded_responder(identify: bytes, pages: list[bytes],
                       extra: Mapping[str, Reply] | None = None) -> Responder:
    """A responder for one recorded list: Identify, then pages chained by their tokens.

    ``ListRecords`` without a token answers ``pages[0]`` (whatever ``from``/``until``
    say); a token answers the page after the one that handed it out; an unknown token
    answers ``badResumptionToken`` as OAI-PMH 2.0 §3.6 says.

    Args:
        identify: The Identify response body.
        pages: The list's pages in order.
        extra: Replies for other verbs, keyed by verb.
    """
    by_token = {}
    for before, after in zip(pages, pages[1:]):
        token = token_of(before)
        if token:
            by_token[token] = after

    def respond(params: dict[str, str]) -> Reply:
        verb = params.get("verb")
        if verb == "Identify":
            return Reply(identify)
        if verb == "ListRecords":
            token = params.get("resumptionToken")
            if token is None:
                return Reply(pages[0])
            if token in by_token:
                return Reply(by_token[token])
            return Reply(oai_error("badResumptionToken", "unknown or expired token"))
        if extra and verb in extra:
            return extra[verb]
        return Reply(oai_error("badVerb", f"illegal verb {verb!r}"))

    return respond


def oai_error(code: str, message: str) -> bytes:
    """An OAI-PMH error response body (OAI-PMH 2.0 §3.6)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        f'<responseDate>{time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}</responseDate>'
        '<request>http://127.0.0.1/oai</request>'
        f'<error code="{code}">{escape(message)}</error></OAI-PMH>'
    ).encode()


def read_files(folder: Path, names: list[str]) -> list[bytes]:
    """The bytes of ``names`` in ``folder``, in order."""
    return [(folder / name).read_bytes() for name in names]
