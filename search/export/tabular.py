"""CSV (for spreadsheets) and JSON lines (for scripts): one row or line per resource.

Both are generators of ``str`` chunks over a stream of records; nothing is held but the
current row and :class:`~search.export.selection.Selection`'s counters.

**CSV** (RFC 4180: comma, CRLF, every cell quoted, quotes doubled), UTF-8 **with a byte
order mark**: Excel opens a BOM-less UTF-8 CSV in the legacy ANSI code page and garbles
every non-ASCII title; with the BOM it reads UTF-8, and LibreOffice, pandas
(``encoding="utf-8-sig"``) and Python's csv module cope with it. Cells are cleaned
(:func:`~search.export.text.clean_text`: no control characters or bidi overrides, one line)
and neutralised against formula injection (:func:`~search.export.text.neutralise_cell`).
After the records: an empty row, then the licence summary, one sentence per row in the
second column with an empty ``id`` (records always have one), so
``[row for row in csv.DictReader(f) if row["id"]]`` reads the records alone.

**JSON lines** (one JSON value per line, UTF-8): ``{"kind": "resource", "record": …}`` per
resource, with the full record (:meth:`Resource.to_dict`, lossless), its licence and
attribution; the last line is ``{"kind": "summary", …}``
(:meth:`~search.export.selection.ListSummary.to_dict`). Controls and bidi characters are
``\\u`` escapes (:func:`~search.export.text.json_dumps`).

Ref: RFC 4180 (CSV); https://jsonlines.org/ ; OWASP CSV Injection.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
from collections.abc import Iterable, Iterator
from typing import Any

from harvester.record import Resource
from search.export.selection import Entry, Selection
from search.export.text import clean_text, json_dumps, neutralise_cell

__all__ = ["CSV_COLUMNS", "write_csv", "write_jsonl"]

#: The CSV header, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "id", "title", "creators", "publisher", "issued", "language", "type", "url", "doi",
    "licence_id", "licence", "licence_url", "licence_status", "licence_scope", "policies",
    "attribution", "attribution_missing", "source")

BOM = "\ufeff"


def _doi(entry: Entry) -> str:
    return next((i.value for i in entry.resource.identifiers if i.scheme == "doi"), "")


def csv_row(entry: Entry) -> list[str]:
    """The :data:`CSV_COLUMNS` cells of one entry, cleaned but not yet neutralised.

    Multi-valued cells are joined with ``"; "`` (creators, publishers, languages, types).
    """
    r, a = entry.resource, entry.attribution
    join = "; ".join
    return [
        r.id, a.title or "", join(a.authors), join(clean_text(p.value) for p in r.publisher),
        r.issued or "", join(r.language), join(r.dcmi_type or [t.value for t in r.type]),
        a.source_url or "", _doi(entry), r.license.id, a.licence_name or "",
        a.licence_url or "", entry.status, a.scope_note or "", join(entry.policies), a.text,
        join(a.missing), r.source,
    ]


def _line(writer_buffer: io.StringIO, writer, cells: list[str]) -> str:
    writer.writerow([neutralise_cell(clean_text(c)) for c in cells])
    text = writer_buffer.getvalue()
    writer_buffer.seek(0)
    writer_buffer.truncate()
    return text


def write_csv(resources: Iterable[Resource | None], selection: Selection | None = None, *,
              summary: bool = True) -> Iterator[str]:
    """Stream a CSV list.

    Args:
        resources: Records in list order (``None``: an index hit missing from the store).
        selection: Licence rules and counters; default: every identified licence.
        summary: Append the licence summary rows.

    Yields:
        Text chunks: the BOM and header, one row per resource, then the summary.
    """
    selection = selection or Selection()
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    yield BOM + _line(buffer, writer, list(CSV_COLUMNS))
    for entry in selection.entries(resources):
        yield _line(buffer, writer, csv_row(entry))
    if summary:
        yield _line(buffer, writer, [])
        for sentence in selection.summary().lines():
            yield _line(buffer, writer, ["", sentence])


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) \
        else None


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data: dataclasses to dicts, tuples to lists; the same JSON
    as :meth:`Resource.to_dict` (``dataclasses.asdict``) without its deep copies."""
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    names = _field_names(type(value))
    if names is None:
        return value
    return {name: plain(getattr(value, name)) for name in names}


def jsonl_record(entry: Entry) -> dict:
    """The JSON object of one entry (``"kind": "resource"``)."""
    a, info = entry.attribution, entry.licence
    return {
        "kind": "resource",
        "record": plain(entry.resource),
        "licence": {"id": entry.resource.license.id, "name": a.licence_name,
                    "url": a.licence_url, "status": entry.status,
                    "policies": list(entry.policies), "scope_note": a.scope_note,
                    "attribution_required": bool(info and info.attribution
                                                 and a.kind == "required")},
        "attribution": {"text": a.text, "kind": a.kind, "missing": list(a.missing)},
    }


def write_jsonl(resources: Iterable[Resource | None], selection: Selection | None = None, *,
                summary: bool = True) -> Iterator[str]:
    """Stream JSON lines: one resource per line, then the summary line.

    Args:
        resources: Records in list order (``None``: an index hit missing from the store).
        selection: Licence rules and counters; default: every identified licence.
        summary: Append the ``{"kind": "summary"}`` line.

    Yields:
        One line (with its ``\\n``) per chunk.
    """
    selection = selection or Selection()
    for entry in selection.entries(resources):
        yield json_dumps(jsonl_record(entry)) + "\n"
    if summary:
        yield json_dumps({"kind": "summary", **selection.summary().to_dict()}) + "\n"
