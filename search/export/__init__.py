"""Licence-compliant resource lists: export records with their attribution and a licence summary.

One writer per format, each a generator of text chunks over a stream of records (never the
whole list in memory), sharing one :class:`~search.export.selection.Selection` (which
records go on the list, their attribution, the summary counters):

============  ==========================================  ==============================
format        module                                      for
============  ==========================================  ==============================
``csv``       :mod:`search.export.tabular`                spreadsheets (UTF-8 with BOM)
``jsonl``     :mod:`search.export.tabular`                scripts (full records)
``json-ld``   :mod:`search.export.linked`                 schema.org / LRMI consumers
``oai_dc``    :mod:`search.export.linked`                 Dublin Core XML
``ris``       :mod:`search.export.citations`              Zotero, EndNote, Mendeley
``bibtex``    :mod:`search.export.citations`              LaTeX bibliographies
``html``      :mod:`search.export.documents`              a page to publish or print
``markdown``  :mod:`search.export.documents`              wikis, LMS pages, README files
============  ==========================================  ==============================

:func:`export_chunks` is the pure entry point (records in, UTF-8 bytes out);
:mod:`search.export.stream` adds the index and the store, the CLI (``oer export``) and the
HTTP route (``GET /api/export``) sit on top of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from harvester.record import Resource
from search.export.citations import write_bibtex, write_ris
from search.export.documents import write_html, write_markdown
from search.export.linked import write_json_ld, write_oai_dc
from search.export.selection import Entry, ListSummary, Selection
from search.export.tabular import write_csv, write_jsonl

__all__ = ["FORMATS", "Entry", "ExportFormat", "ListSummary", "Selection", "export_chunks"]

Writer = Callable[..., Iterator[str]]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One export format.

    Attributes:
        name: The ``--format`` / ``format=`` value.
        media_type: HTTP ``Content-Type``.
        extension: File name extension, with the dot.
        writer: ``writer(resources, selection, *, summary) -> Iterator[str]``.
        has_summary: False where the format has no place for the licence summary (RIS).
    """

    name: str
    media_type: str
    extension: str
    writer: Writer
    has_summary: bool = True


#: Every format by name, in the order shown in help texts.
FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("csv", "text/csv; charset=utf-8", ".csv", write_csv),
    ExportFormat("jsonl", "application/jsonl; charset=utf-8", ".jsonl", write_jsonl),
    ExportFormat("json-ld", "application/ld+json; charset=utf-8", ".jsonld", write_json_ld),
    ExportFormat("oai_dc", "application/xml; charset=utf-8", ".xml", write_oai_dc),
    ExportFormat("ris", "application/x-research-info-systems; charset=utf-8", ".ris",
                 write_ris, has_summary=False),
    ExportFormat("bibtex", "application/x-bibtex; charset=utf-8", ".bib", write_bibtex),
    ExportFormat("html", "text/html; charset=utf-8", ".html", write_html),
    ExportFormat("markdown", "text/markdown; charset=utf-8", ".md", write_markdown),
)}

#: Bytes gathered before a chunk is handed on (fewer, larger writes and HTTP frames).
CHUNK_BYTES = 64 * 1024


def export_chunks(resources: Iterable[Resource | None], fmt: str,
                  selection: Selection | None = None, *, summary: bool = True,
                  chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Stream an export as UTF-8 byte chunks of about ``chunk_bytes``.

    Args:
        resources: Records in list order; ``None`` for an index hit missing from the store.
        fmt: A :data:`FORMATS` name.
        selection: Licence rules (policies, uses, unknown licences); read its
            :meth:`~Selection.summary` after the iterator is exhausted.
        summary: Write the licence summary at the end (where the format has a place).
        chunk_bytes: Flush size (bytes); the last chunk may be smaller.

    Yields:
        UTF-8 encoded chunks.

    Raises:
        ValueError: For an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    pending: list[bytes] = []
    size = 0
    for text in FORMATS[fmt].writer(resources, selection, summary=summary):
        data = text.encode("utf-8", "replace")  # writers clean text; this is a last guard
        pending.append(data)
        size += len(data)
        if size >= chunk_bytes:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)
