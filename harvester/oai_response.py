"""Validate and read one OAI-PMH response body, strictly and safely.

The body is first repaired at byte level (:mod:`harvester.oai_sanitise`: compression,
encoding, characters outside XML 1.0; each repair reported). No record is trusted
before the page is validated: the root element must be ``OAI-PMH`` in the OAI-PMH
namespace and hold the verb's element or ``<error>`` elements (OAI-PMH 2.0 §3.2,
§3.6). Parsing is strict (no recover mode), with entity expansion, DTD loading and
network access off; a DOCTYPE is refused outright (case C21).

Records are then read one by one, and each keeps its exact bytes in the (repaired)
response, located by :mod:`harvester.oai_spans`, for the store's raw copy. When one
record's XML is broken (case C26), the page is split at its ``<record>`` elements: the
envelope (token, responseDate) must still parse strictly, each record is parsed on its
own, and a record that fails is returned as :class:`Quarantined` with its reason and
bytes, so one poison record never costs the rest of the page.

Ref: OAI-PMH 2.0, http://www.openarchives.org/OAI/openarchivesprotocol.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from harvester.errors import NotOAIResponseError, OAIProtocolError, UnsafeXMLError
from harvester.frozen import fast_init
from harvester.oai_sanitise import Repair, sanitise
from harvester.oai_spans import OAI_NS
from harvester.oai_spans import expat_record_spans as _record_spans
from harvester.oai_spans import scan_record_spans as _scan_record_spans
from harvester.oai_spans import split_records as _split_records

_Q = "{" + OAI_NS + "}"
MAX_BODY_BYTES = 64 * 1024 * 1024
"""Largest response body accepted (bytes); real ListRecords pages are well under 5 MB."""

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=True, remove_blank_text=False)
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
# An HTML page (a wrong base URL, a login or maintenance page): ``<!DOCTYPE html …>`` with no
# internal subset (so no ENTITY), or an ``<html>`` root, after an optional BOM, XML
# declaration and comments. Never parsed, so an external DTD it names is never fetched.
_HTML_PAGE = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
                        rb"(?:<!DOCTYPE\s+html(?=[\s>])[^\[<>]*>|<html[\s>])",
                        re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class ResumptionToken:
    """The ``resumptionToken`` element of a list response (OAI-PMH 2.0 §3.5).

    Attributes:
        value: The token with surrounding XML whitespace stripped; ``""`` ends the list.
        complete_list_size: ``completeListSize`` attribute, or ``None``.
        cursor: ``cursor`` attribute, or ``None``.
        expiration_date: ``expirationDate`` attribute as given, or ``None``.
    """

    value: str
    complete_list_size: int | None = None
    cursor: int | None = None
    expiration_date: str | None = None


@fast_init  # built once per record: same __init__, half the cost
@dataclass(frozen=True, slots=True)
class OAIRecord:
    """One ``<record>`` of a ListRecords / GetRecord response.

    Attributes:
        identifier: Header ``identifier``.
        datestamp: Header ``datestamp`` as given.
        set_specs: Header ``setSpec`` values.
        deleted: True when the header has ``status="deleted"`` (OAI-PMH 2.0 §2.5.1).
        metadata: The single child element of ``<metadata>``, or ``None``.
        raw: The record's exact bytes in the response (``<record>…</record>``).
        namespaces: The namespace declarations in scope at the record, as
            ``prefix -> URI`` (prefix ``None`` is the default namespace), so ``raw``
            can be re-parsed on its own.
        repairs: What the sanitiser changed inside this record (e.g.
            ``"illegal-char U+0001"``), empty for most records.
    """

    identifier: str
    datestamp: str
    set_specs: tuple[str, ...]
    deleted: bool
    metadata: etree._Element | None
    raw: bytes
    namespaces: dict[str | None, str]
    repairs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A record that could not be read, kept with why (case C26).

    Attributes:
        identifier: Its header identifier when one could be found, else ``None``.
        reason: Why it was set aside (the parser's message).
        raw: Its bytes as they were in the response.
    """

    identifier: str | None
    reason: str
    raw: bytes


@dataclass(frozen=True, slots=True)
class OAIPage:
    """A validated OAI-PMH response.

    Attributes:
        verb: The verb element found (``ListRecords``, ``Identify``…).
        response_date: The ``responseDate`` as given (UTC, ISO 8601).
        element: The verb's element (e.g. ``<ListRecords>``).
        records: The page's records, in document order (empty for other verbs).
        token: The resumption token, or ``None`` when the element is absent.
        encoding: The encoding that decoded the body (``"utf-8+windows-1252"`` when
            invalid bytes fell back, case C19).
        quarantined: Records that could not be parsed (case C26).
        repairs: Every byte-level repair made to the body.
        compression: ``gzip``/``zlib`` when the body came compressed without saying so.
    """

    verb: str
    response_date: str
    element: etree._Element
    records: tuple[OAIRecord, ...]
    token: ResumptionToken | None
    encoding: str
    quarantined: tuple[Quarantined, ...] = ()
    repairs: tuple[Repair, ...] = ()
    compression: str | None = None


def parse_response(body: bytes, *, verb: str, url: str | None = None,
                   http_status: int = 200, content_type: str | None = None) -> OAIPage:
    """Validate ``body`` as an OAI-PMH response to ``verb`` and read it.

    Args:
        body: The response body as received (bytes; decoding is lxml's, from the
            XML declaration).
        verb: The verb that was requested; its element must be present.
        url: The request URL, carried by the errors.
        http_status: The HTTP status the body came with (an OAI error may come with 4xx).
        content_type: The response's Content-Type, for error messages.

    Returns:
        The validated page.

    Raises:
        UnsafeXMLError: DOCTYPE/ENTITY declarations (any DOCTYPE but an HTML page's), or a
            body over :data:`MAX_BODY_BYTES`.
        NotOAIResponseError: empty body, an HTML page (``<!DOCTYPE html>`` without an
            internal subset, or an ``<html>`` root), not XML, wrong root element or
            namespace, or neither the verb's element nor an error (cases C14, C17).
        OAIProtocolError: the response holds OAI-PMH ``<error>`` elements (the first
            one's code; ``noRecordsMatch`` included — callers decide what it means).
    """
    described = _describe(body, http_status, content_type)
    if len(body) > MAX_BODY_BYTES:
        raise UnsafeXMLError(f"response of {len(body):,} bytes exceeds the "
                             f"{MAX_BODY_BYTES:,}-byte cap ({described})", url=url)
    if not body.strip():
        raise NotOAIResponseError(f"not an OAI-PMH response: empty body ({described})", url=url)
    try:
        clean = sanitise(body)
    except UnsafeXMLError as exc:
        raise UnsafeXMLError(f"{exc} ({described})", url=url) from exc
    data = clean.body
    if _HTML_PAGE.match(data):
        raise NotOAIResponseError(f"not an OAI-PMH response: an HTML page ({described})",
                                  url=url)
    if _DOCTYPE.search(data, 0, _prolog_end(data)):
        raise UnsafeXMLError(f"refused: DOCTYPE/ENTITY declaration in response ({described})",
                             url=url)
    quarantined: tuple[Quarantined, ...] = ()
    spans: list[tuple[int, int]] | None = None
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        split = _split_records(data) if verb in ("ListRecords", "GetRecord") else None
        if not split:
            raise NotOAIResponseError(f"not an OAI-PMH response: XML error {exc} ({described})",
                                      url=url) from exc
        envelope, spans = split
        try:
            root = etree.fromstring(envelope, _PARSER)
        except etree.XMLSyntaxError as exc2:
            raise NotOAIResponseError(
                f"not an OAI-PMH response: XML error {exc2} ({described})", url=url) from exc2
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise UnsafeXMLError(f"refused: DTD in response ({described})", url=url)
    if root.tag != _Q + "OAI-PMH":
        what = ("root element OAI-PMH lacks the OAI-PMH namespace" if root.tag == "OAI-PMH"
                else f"root element is {root.tag!r}, not OAI-PMH")
        raise NotOAIResponseError(f"not an OAI-PMH response: {what} ({described})", url=url)
    errors = root.findall(_Q + "error")
    if errors:
        first = errors[0]
        raise OAIProtocolError(first.get("code", "unknown"), (first.text or "").strip(),
                               http_status=http_status, url=url)
    element = root.find(_Q + verb)
    if element is None:
        raise NotOAIResponseError(
            f"not an OAI-PMH response: no <{verb}> element and no <error> ({described})", url=url)
    response_date = (root.findtext(_Q + "responseDate") or "").strip()
    records: tuple[OAIRecord, ...] = ()
    if verb in ("ListRecords", "GetRecord"):
        if spans is None:
            records = _read_records(data, element, clean.repairs)
        else:
            records, quarantined = _read_split_records(data, spans, root.nsmap, clean.repairs)
    return OAIPage(verb=verb, response_date=response_date, element=element,
                   records=records, token=_read_token(element), encoding=clean.encoding,
                   quarantined=quarantined, repairs=clean.repairs,
                   compression=clean.compression)


def _read_records(body: bytes, element: etree._Element,
                  repairs: tuple[Repair, ...]) -> tuple[OAIRecord, ...]:
    record_elements = element.findall(_Q + "record")
    headers = [_header_of(rec) for rec in record_elements]  # children read once per record
    spans: list = _scan_record_spans(body) or []
    if not _spans_match(body, spans, record_elements, headers):
        spans = _record_spans(body)  # expat's byte offsets: slower, never misled
        if len(spans) != len(record_elements):
            spans = [None] * len(record_elements)  # last resort: serialise each element
    out = []
    for rec, header, span in zip(record_elements, headers, spans):
        if header is not None:  # a record without header is left out
            raw = body[span[0]:span[1]] if span else etree.tostring(rec)
            out.append(OAIRecord(*header[1:], raw=raw, namespaces=dict(rec.nsmap),
                                 repairs=_repairs_in(repairs, span)))
    return tuple(out)


def _spans_match(body: bytes, spans: list, records: list, headers: list) -> bool:
    """True when each span holds its record's header identifier, in order."""
    if len(spans) != len(records):
        return False
    for (start, end), rec, header in zip(spans, records, headers):
        ident = header[0] if header is not None else None
        if ident is None:  # no <identifier> in the first <header>: what findtext gives
            ident = rec.findtext(f"{_Q}header/{_Q}identifier")
        if ident and body.find(ident.strip().encode("utf-8"), start, end) < 0:
            return False
    return True


_HEADER, _METADATA, _IDENT, _DATESTAMP, _SET_SPEC = (
    _Q + "header", _Q + "metadata", _Q + "identifier", _Q + "datestamp", _Q + "setSpec")

#: What :func:`_header_of` reads: the identifier's text as given (``None`` without the
#: element), then :class:`OAIRecord`'s identifier, datestamp, set_specs, deleted, metadata.
_Header = tuple[str | None, str, str, tuple[str, ...], bool, etree._Element | None]


def _header_of(rec: etree._Element) -> _Header | None:
    """A ``<record>``'s header fields and metadata element, or ``None`` without a header.

    The first ``header`` and ``metadata`` children count, and the first ``identifier`` and
    ``datestamp`` of the header, as ``find`` would give; plain loops over the children,
    each read once (``find`` goes through ElementPath, ~5x slower).
    """
    header = metadata = None
    for child in rec:
        tag = child.tag
        if tag == _HEADER:
            if header is None:
                header = child
        elif tag == _METADATA and metadata is None:
            metadata = child
    if header is None:
        return None
    payload = None
    if metadata is not None:
        for child in metadata:
            if isinstance(child.tag, str):
                payload = child
                break
    identifier = datestamp = None
    set_specs = []
    for child in header:
        tag = child.tag
        if tag == _IDENT:
            if identifier is None:
                identifier = child.text or ""
        elif tag == _DATESTAMP:
            if datestamp is None:
                datestamp = child.text or ""
        elif tag == _SET_SPEC:
            set_specs.append((child.text or "").strip())
    return (identifier, (identifier or "").strip(), (datestamp or "").strip(), tuple(set_specs),
            header.get("status") == "deleted", payload)


def _record(rec: etree._Element, raw: bytes, repairs: tuple[str, ...]) -> OAIRecord | None:
    header = _header_of(rec)
    if header is None:
        return None
    return OAIRecord(*header[1:], raw=raw, namespaces=dict(rec.nsmap), repairs=repairs)


def _repairs_in(repairs: tuple[Repair, ...], span: tuple[int, int] | None) -> tuple[str, ...]:
    if not repairs or span is None:
        return ()
    return tuple(f"{r.kind} {r.detail}" for r in repairs if span[0] <= r.offset < span[1])


_IDENTIFIER = re.compile(rb"<(?:[\w.-]+:)?identifier>\s*([^<\s]+)\s*</(?:[\w.-]+:)?identifier>")


def _read_split_records(body: bytes, spans: list[tuple[int, int]], nsmap: dict,
                        repairs: tuple[Repair, ...]
                        ) -> tuple[tuple[OAIRecord, ...], tuple[Quarantined, ...]]:
    """Parse each record of a split page on its own, with the root's namespaces."""
    declarations = b"".join(
        (b' xmlns="%s"' % uri.encode() if prefix is None
         else b' xmlns:%s="%s"' % (prefix.encode(), uri.encode()))
        for prefix, uri in nsmap.items())
    records, quarantined = [], []
    for span in spans:
        raw = body[span[0]:span[1]]
        try:
            wrapper = etree.fromstring(b"<wrapper" + declarations + b">" + raw + b"</wrapper>",
                                       _PARSER)
            record = _record(wrapper[0], raw, _repairs_in(repairs, span))
        except (etree.XMLSyntaxError, IndexError) as exc:
            found = _IDENTIFIER.search(raw)
            quarantined.append(Quarantined(found.group(1).decode("utf-8", "replace")
                                           if found else None, f"XML error: {exc}", raw))
            continue
        if record is None:
            quarantined.append(Quarantined(None, "record without header", raw))
        else:
            records.append(record)
    return tuple(records), tuple(quarantined)


def _read_token(element: etree._Element) -> ResumptionToken | None:
    tok = element.find(_Q + "resumptionToken")
    if tok is None:
        return None
    return ResumptionToken(
        value=(tok.text or "").strip(" \t\r\n"),
        complete_list_size=_int_or_none(tok.get("completeListSize")),
        cursor=_int_or_none(tok.get("cursor")),
        expiration_date=tok.get("expirationDate"),
    )


def _prolog_end(body: bytes) -> int:
    """Offset of the root element's start tag (where a DOCTYPE can no longer appear)."""
    pos = 0
    while True:
        pos = body.find(b"<", pos)
        if pos < 0 or body[pos + 1:pos + 2] not in (b"?", b"!"):
            return len(body) if pos < 0 else pos
        if body.startswith(b"<!--", pos):
            end = body.find(b"-->", pos)
            pos = len(body) if end < 0 else end + 3
        elif body[pos + 1:pos + 2] == b"!":
            return min(len(body), pos + 16)  # a declaration: let the regex see it
        else:
            end = body.find(b"?>", pos)
            pos = len(body) if end < 0 else end + 2


def _describe(body: bytes, http_status: int, content_type: str | None) -> str:
    head = body[:80].decode("utf-8", "replace").replace("\n", " ")
    return f"HTTP {http_status}, Content-Type {content_type or 'unknown'}, starts {head!r}"


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
