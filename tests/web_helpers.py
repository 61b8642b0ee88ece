"""Test helpers for the web harvester: a path-aware site server on 127.0.0.1, a tiny PDF
writer, and a runner of ``python -m harvester harvest`` in a subprocess (Scrapy's Twisted
reactor cannot be restarted in one process, so every crawl runs in its own process).

Everything served here is either a real recorded file from ``tests/fixtures/`` (byte for
byte, or with its host names rewritten to the test server, as each test says) or a page
written by hand for the test, named ``HAND-MADE`` where it is defined.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from harvester.replay_server import Reply

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
HTML = (("Content-Type", "text/html; charset=utf-8"),)
XML = (("Content-Type", "application/xml; charset=utf-8"),)
TEXT = (("Content-Type", "text/plain; charset=utf-8"),)


class SiteServer:
    """Serve a dict of path → :class:`Reply` on ``http://127.0.0.1:<port>``; others 404.

    ``routes`` may be filled after start (tests need the port to write URLs into pages).
    ``hits`` lists every path requested, in order (query string included).
    """

    def __init__(self, routes: Mapping[str, Reply] | None = None) -> None:
        self.routes: dict[str, Reply] = dict(routes or {})
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                site.hits.append(self.path)
                reply = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
                reply = reply or Reply(b"not found", 404, TEXT)
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def make_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose pages hold the given lines in Helvetica (WinAnsi: ``©`` is fine).

    Written with pypdf's writer and a hand-written content stream, so the text pypdf
    extracts is exactly these lines.
    """
    writer = PdfWriter()
    for lines in pages:
        page = writer.add_blank_page(595, 842)
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                 NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica"),
                                 NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): writer._add_object(font)})})
        ops = [b"BT /F1 9 Tf 40 800 Td 12 TL"]
        for line in lines:
            escaped = (line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                       .encode("cp1252"))
            ops.append(b"(" + escaped + b") Tj T*")
        ops.append(b"ET")
        stream = DecodedStreamObject()
        stream.set_data(b"\n".join(ops))
        page[NameObject("/Contents")] = writer._add_object(stream)
    out = __import__("io").BytesIO()
    writer.write(out)
    return out.getvalue()


def run_oer(args: list[str], home: Path, config: Path | None = None,
            timeout_s: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m harvester ARGS`` with ``OER_HOME=home`` in a subprocess."""
    env = {**os.environ, "OER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("OER_CONFIG", None)
    cmd = [sys.executable, "-m", "harvester"]
    if config is not None:
        cmd += ["--config", str(config)]
    return subprocess.run(cmd + args, capture_output=True, text=True, env=env, cwd=str(home),
                          timeout=timeout_s)
