"""Field names of the Whoosh index and the mapping of documents and hits (no whoosh import).

The companion of :mod:`indexer.whoosh_backend` (the only package importing ``whoosh``):
what goes into which field, and how a stored hit becomes a :class:`~indexer.backend.Hit`.
"""

from __future__ import annotations

from harvester.record import UNKNOWN_LICENCE, Resource
from indexer import analysis
from indexer.backend import Hit
from indexer.documents import TEXT_KINDS, IndexDocument, to_document
from indexer.match_terms import match_sources
from indexer.snippets import highlight

#: Fields the free-text query searches.
TEXT_FIELDS: tuple[str, ...] = tuple(
    f"{kind}_{bucket}" for kind in TEXT_KINDS for bucket in analysis.BUCKETS
) + ("creator", "publisher")

#: Index field of each indexed facet.
FACET_FIELDS = {"license": "license", "language": "lang", "type": "type", "level": "level",
                "accessibility": "access", "source": "source", "year": "year"}

SINGLE_VALUED = frozenset({"license", "source", "year"})  # sortable columns
FIELD_FACETS = {field: facet for facet, field in FACET_FIELDS.items()}
SORTS = {"date": ("date", True), "title": ("sort_title", False)}


def document_fields(doc: IndexDocument) -> dict[str, object]:
    """Map an :class:`IndexDocument` to the keyword arguments of ``update_document``."""
    out: dict[str, object] = {
        "id": doc.id, "license": doc.license_id, "source": doc.source,
        "sort_title": doc.sort_title or "\uffff", "title": doc.title, "url": doc.url,
        "license_url": doc.license_url, "languages": doc.languages,
        "types": doc.facets["type"], "snippet_text": doc.snippet_text,
        "snippet_bucket": doc.snippet_bucket,
    }
    for (kind, bucket), text in doc.texts.items():
        out[f"{kind}_{bucket}"] = text
    for name, value in (("creator", doc.creator), ("publisher", doc.publisher),
                        ("all", doc.all_text), ("date", doc.date)):
        if value:
            out[name] = value
    out["match"] = match_sources(doc)  # terms made by the field (MatchField), in the worker
    if doc.language_terms:
        out["language"] = ",".join(doc.language_terms)
    for facet in ("language", "type", "level", "accessibility"):
        out[FACET_FIELDS[facet]] = ",".join(doc.facets[facet])  # "" too: every doc has a list
    if doc.facets["year"]:
        out["year"] = doc.facets["year"][0]
    return out


def resource_to_document(resource: Resource) -> dict[str, object]:
    """``update_document`` keyword arguments of a record."""
    return document_fields(to_document(resource))


def to_hit(hit, terms: set[tuple[str, str]] | None, *, scored: bool) -> Hit:
    """A :class:`Hit` from a stored hit (mapping + ``score``), with its snippet when
    ``terms`` (``(field, term)`` the query matched) is given."""
    snippet: tuple[tuple[str, bool], ...] = ()
    text = hit.get("snippet_text") or ""
    if terms is not None and text:
        bucket = hit.get("snippet_bucket") or analysis.OTHER
        fields = {f"{kind}_{bucket}" for kind in TEXT_KINDS}
        snippet = highlight(text, bucket, {t for f, t in terms if f in fields},
                            {t for f, t in terms if f == "all"})
    return Hit(
        id=hit["id"], title=hit.get("title") or "", url=hit.get("url"),
        license_id=hit.get("license") or UNKNOWN_LICENCE, license_url=hit.get("license_url"),
        language=tuple(hit.get("languages") or ()), source=hit.get("source") or "",
        score=float(hit.score or 0.0) if scored else 0.0, date=hit.get("date") or None,
        types=tuple(hit.get("types") or ()), snippet=snippet)
