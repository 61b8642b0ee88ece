"""Build OAI-PMH pages for tests from real recorded records.

Fault cases need list shapes no recording has (a token repeated forever, a list cut
short…). These helpers take the exact ``<record>`` bytes of real Zenodo pages
(tests/fixtures/oai, see its README) and wrap them in new ListRecords envelopes,
so the records stay real and the derivation is visible here.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from harvester.oai_response import parse_response

FIXTURES = Path(__file__).parent / "fixtures" / "oai"
IDENTIFY = (FIXTURES / "zenodo-03-Identify.xml").read_bytes()
IDENTIFY_RESPONSE_DATE = "2026-08-10T08:56:30Z"
PAGES = [FIXTURES / n for n in ("zenodo-06-ListRecords.xml", "zenodo-10-ListRecords.xml",
                                "zenodo-09-ListRecords.xml")]
NO_RECORDS_MATCH = (FIXTURES / "zenodo-03-ListRecords-noRecordsMatch.xml").read_bytes()
BAD_TOKEN = (FIXTURES / "zenodo-11-ListRecords-badResumptionToken.xml").read_bytes()


def real_records() -> list[bytes]:
    """The 9 distinct real Zenodo records of the three recorded pages, in order."""
    out = []
    for path in PAGES:
        out.extend(r.raw for r in parse_response(path.read_bytes(), verb="ListRecords").records)
    return out


def identifier(record: bytes) -> str:
    """The header identifier of a record's bytes."""
    return re.search(rb"<identifier>([^<]+)</identifier>", record).group(1).decode()


def as_deleted(record: bytes, datestamp: str = "2026-09-01T00:00:00Z") -> bytes:
    """The same record's header as a deletion (OAI-PMH 2.0 §2.5.1): no metadata."""
    ident = identifier(record)
    return (f'<record><header status="deleted"><identifier>{ident}</identifier>'
            f"<datestamp>{datestamp}</datestamp></header></record>").encode()


def page(records: list[bytes], token: str | None = None, *, complete_list_size: int | None = None,
         cursor: int | None = None, empty_token: bool = False,
         response_date: str = "2026-08-13T17:56:48Z") -> bytes:
    """A ListRecords response holding ``records``.

    Args:
        records: ``<record>`` elements as bytes (OAI namespace as default namespace).
        token: The resumption token to hand out, or None.
        complete_list_size: ``completeListSize`` attribute for the token element.
        cursor: ``cursor`` attribute.
        empty_token: Emit an empty ``<resumptionToken/>`` (end of list, §3.5) when
            ``token`` is None.
        response_date: The ``responseDate``.
    """
    attrs = ""
    if complete_list_size is not None:
        attrs += f' completeListSize="{complete_list_size}"'
    if cursor is not None:
        attrs += f' cursor="{cursor}"'
    if token is not None:
        tok = f"<resumptionToken{attrs}>{escape(token)}</resumptionToken>"
    elif empty_token or attrs:
        tok = f"<resumptionToken{attrs}/>"
    else:
        tok = ""
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
            b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            + f"<responseDate>{response_date}</responseDate>".encode()
            + b'<request verb="ListRecords">http://127.0.0.1/oai</request><ListRecords>'
            + b"\n".join(records) + tok.encode() + b"</ListRecords></OAI-PMH>")


def source(url: str, name: str = "zenodo"):
    """An OAI source named ``name`` at ``url`` (oai_dc)."""
    from harvester.config import OAISource
    return OAISource(name=name, base_url=url)


def envelope(verb: str, inner: bytes, response_date: str = "2026-08-13T17:56:48Z") -> bytes:
    """An OAI-PMH response whose ``verb`` element holds ``inner``."""
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
            b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            + f"<responseDate>{response_date}</responseDate>".encode()
            + f'<request verb="{verb}">http://127.0.0.1/oai</request><{verb}>'.encode()
            + inner + f"</{verb}></OAI-PMH>".encode())


def header_of(record: bytes) -> bytes:
    """The ``<header>…</header>`` bytes of a record."""
    start = record.index(b"<header")
    return record[start:record.index(b"</header>") + len(b"</header>")]


def identifiers_page(records: list[bytes], token: str | None = None) -> bytes:
    """A ListIdentifiers response with the headers of ``records``."""
    tok = f"<resumptionToken>{token}</resumptionToken>" if token else "<resumptionToken/>"
    return envelope("ListIdentifiers", b"\n".join(header_of(r) for r in records) + tok.encode())


def get_record_page(record: bytes) -> bytes:
    """A GetRecord response holding ``record``."""
    return envelope("GetRecord", record)
