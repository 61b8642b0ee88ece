"""UNESDOC open-data records (UNESCO DataHub dataset ``doc001``) → :class:`Resource`.

UNESDOC has no OAI-PMH endpoint; its catalogue is published as JSON records by UNESCO's
DataHub (Opendatasoft Explore API v2.1, ``{"total_count": N, "results": [...]}``). A record:

* ``url``: the ARK landing page (``https://unesdoc.unesco.org/ark:/48223/pf0000397002``),
  our ``oai_identifier`` is the ARK (``ark:/48223/pf0000397002``);
* ``title``, ``description``; ``subject[]`` (UNESCO Thesaurus descriptors);
* ``creator``: ONE comma-joined string of organisations and inverted personal names,
  split with :func:`~harvester.normalise.names.split_names`, the raw string kept in
  ``creator_raw``;
* ``language[]``: ISO 639-2/B codes (``eng``, ``fre``, ``spa``) → BCP 47;
* ``year[]`` → date (issued, year precision); ``type[]``/``document_type`` → type;
* ``rights``: an HTML ``<a href=…>label</a>`` snippet, kept as given in ``rights``; its
  ``href`` and label are what the licence is read from; ``document_code`` → identifier.

Ref: shared/fixtures/api/unesdoc/NOTES.md (endpoint and fields, as seen in public code);
ARK identifiers, https://arks.org/ ; ISO 639-2, https://www.loc.gov/standards/iso639-2/ .
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import lxml.html
from lxml import etree

from harvester.crosswalks.xmlutil import clean, unique
from harvester.licences import normalise_licence
from harvester.normalise.dates import normalise_date
from harvester.normalise.fields import normalise_fields
from harvester.normalise.identifiers import classify_identifier
from harvester.normalise.names import split_names
from harvester.record import LangString, Resource

__all__ = ["map_unesdoc", "rights_link", "unesdoc_records"]


def _list(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [clean(v) for v in values if isinstance(v, str) and clean(v)]


def rights_link(snippet: str) -> tuple[str | None, str | None]:
    """The ``href`` and label of the first link in an HTML rights snippet.

    Args:
        snippet: HTML as UNESDOC sends it (``<a href="https://creativecommons.org/…">CC
            BY-SA 3.0 IGO</a>``); parsed by lxml's HTML parser, nothing rendered or run.

    Returns:
        ``(href, label)``; ``(None, text)`` when there is no link, ``(None, None)`` for
        empty or unparsable input.
    """
    if not snippet or not snippet.strip():
        return None, None
    try:
        fragment = lxml.html.fragment_fromstring(snippet, create_parent="div")
    except (etree.ParserError, ValueError):
        return None, None
    for anchor in fragment.iter("a"):
        href = clean(anchor.get("href")) or None
        return href, clean(anchor.text_content()) or None
    return None, clean(fragment.text_content()) or None


def unesdoc_records(page: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The records of one DataHub answer (``results``), non-dict entries dropped."""
    results = page.get("results")
    return [r for r in results if isinstance(r, Mapping)] if isinstance(results, list) else []


def map_unesdoc(record: Mapping[str, Any], *, source: str, datestamp: str) -> Resource:
    """Map one UNESDOC open-data record to a :class:`Resource`.

    Args:
        record: One entry of the DataHub ``results`` list.
        source: Name of the configured source (``"unesdoc"``).
        datestamp: When we fetched it (ISO 8601, UTC); the records carry no change date.

    Returns:
        The normalised record, ``oai_identifier`` = the ARK (or the ``url`` when it holds
        no ARK).

    Raises:
        ValueError: the record has no ``url`` (nothing stable to identify it by).
    """
    url = clean(record.get("url")) if isinstance(record.get("url"), str) else ""
    if not url:
        raise ValueError("UNESDOC record without url")
    ark = next((i.value for i in classify_identifier(url) if i.scheme == "ark"), None)
    record_id = ark or url
    creator_raw = _list(record.get("creator"))
    creators = [name for raw in creator_raw for name in split_names(raw)]
    rights_raw = _list(record.get("rights"))
    statements: list[str] = []
    for snippet in rights_raw:
        href, label = rights_link(snippet)
        statements += [s for s in (href, label) if s]
    years = _list(record.get("year"))
    types = unique([*_list(record.get("type")), *_list(record.get("document_type"))])
    identifiers = [url, *_list(record.get("document_code"))]
    resource = Resource(
        id=f"{source}:{record_id}", source=source, oai_identifier=record_id,
        datestamp=datestamp, metadata_prefix="unesdoc",
        title=tuple(LangString(t) for t in _list(record.get("title"))),
        description=tuple(LangString(d) for d in _list(record.get("description"))),
        subject=tuple(LangString(s) for s in unique(_list(record.get("subject")))),
        creator=tuple(LangString(n) for n in unique(creators)),
        creator_raw=tuple(creator_raw) if creators != creator_raw else (),
        date=tuple(years), type=tuple(LangString(t) for t in types),
        identifier=tuple(identifiers), language_raw=tuple(_list(record.get("language"))),
        rights=tuple(LangString(r) for r in rights_raw),
        license=normalise_licence(statements, provenance="metadata",
                                  source_field="unesdoc:rights"),
    )
    return normalise_fields(resource, dates=[normalise_date(y, "issued") for y in years],
                            landing_candidates=[url])
