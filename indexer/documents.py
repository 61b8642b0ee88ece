"""What the index keeps of a record: text per language bucket, facet values, sort keys.

Engine-free: a backend maps an :class:`IndexDocument` to its own fields. Facet values
come from the normalised fields of :class:`~harvester.record.Resource` when the record
type has them (read with ``getattr``, so older records and newer fields both work) and
otherwise from the raw DCTERMS values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from harvester.record import UNKNOWN_LICENCE, Resource
from indexer.analysis import OTHER, bucket_of, fold, guess_bucket

#: Text kinds that get one field per language bucket, with their boosts
#: (title > subject > description).
TEXT_KINDS: dict[str, float] = {"title": 3.0, "subject": 2.0, "description": 1.0}

#: Characters of untagged text given to the language guesser.
GUESS_SAMPLE_CHARS = 600

#: Characters of the first description kept for snippets.
SNIPPET_SOURCE_CHARS = 1000

#: Resource attributes tried, in order, for each normalised facet; the first one the
#: record has and that is not empty wins (raw fallbacks are in :func:`facet_values`).
FACET_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "type": ("dcmi_type", "learning_resource_type"),
    "level": ("educational_level",),
    "accessibility": ("accessibility_feature",),
}

_DATE_RE = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_YEAR_RE = re.compile(r"(?<!\d)(1[5-9]\d\d|2[01]\d\d)(?!\d)")


@dataclass(frozen=True, slots=True)
class IndexDocument:
    """A record as the index sees it.

    Attributes:
        id: Record id.
        texts: ``(kind, bucket) -> text``, kind in :data:`TEXT_KINDS`, values of one
            kind and bucket joined by newlines.
        creator: Creators, one per line.
        publisher: Publishers, one per line.
        all_text: Titles, subjects, creators and publishers, one per line: the words that
            prefix and fuzzy terms and spelling suggestions look at (descriptions are left
            out: they would double the index's postings for words mostly found by stem).
        facets: Facet name → values (``license``, ``language``, ``type``, ``level``,
            ``accessibility``, ``source``, ``year``); ``language`` holds primary
            subtags.
        language_terms: Each BCP 47 tag lowercased and its primary subtag (filters).
        languages: The record's own BCP 47 tags (shown).
        title: First title (shown).
        url: Landing page URL or ``None``.
        license_id: Licence id (``"unknown"`` when not read).
        license_url: Canonical licence URL or ``None``.
        source: Source name.
        date: ``YYYY[-MM[-DD]]`` of the first readable ``dcterms:date``, else ``""``.
        sort_title: Folded title for sorting (``""`` when untitled).
        snippet_text: Start of the first description, for snippets.
        snippet_bucket: The language bucket of ``snippet_text``.
    """

    id: str
    texts: dict[tuple[str, str], str]
    creator: str
    publisher: str
    all_text: str
    facets: dict[str, tuple[str, ...]]
    language_terms: tuple[str, ...]
    languages: tuple[str, ...]
    title: str
    url: str | None
    license_id: str
    license_url: str | None
    source: str
    date: str
    sort_title: str
    snippet_text: str
    snippet_bucket: str = OTHER


def _text(value: object) -> str:
    """A value's text: a ``Term``'s label (else its value), a ``LangString``'s value."""
    if isinstance(value, str):
        return value.strip()
    text = getattr(value, "label", None) or getattr(value, "value", None)
    return str(text if text is not None else value).strip()


def _attr_values(resource: Resource, names: Iterable[str]) -> tuple[str, ...]:
    for name in names:
        value = getattr(resource, name, None)
        if value is None or value == () or value == "":
            continue
        items = value if isinstance(value, (tuple, list)) else (value,)
        out = tuple(dict.fromkeys(t for t in (_text(v) for v in items) if t))
        if out:
            return out
    return ()


def language_terms(tags: Iterable[str]) -> tuple[str, ...]:
    """Each BCP 47 tag and its primary subtag, lowercased, de-duplicated, in order."""
    out: list[str] = []
    for tag in tags:
        tag = tag.strip().lower()
        for term in (tag, tag.split("-", 1)[0]):
            if term and term not in out:
                out.append(term)
    return tuple(out)


def date_key(dates: Iterable[str]) -> str:
    """``YYYY[-MM[-DD]]`` of the first date that starts with a year, else ``""``."""
    for value in dates:
        match = _DATE_RE.match(value)
        if match:
            return "-".join(part for part in match.groups() if part)
    return ""


def year_of(dates: Iterable[str]) -> str | None:
    """The first four-digit year (1500-2199) found in the dates, or ``None``."""
    for value in dates:
        match = _YEAR_RE.search(value)
        if match:
            return match.group(1)
    return None


def facet_values(resource: Resource) -> dict[str, tuple[str, ...]]:
    """Facet name → values of one record.

    ``type`` is the DCMI Type terms, else the learning resource types, else the raw
    ``dcterms:type`` values lowercased; ``year`` is the year of ``issued``, else the
    first year in ``dcterms:date``. Values never contain commas (they are replaced by
    spaces, as some engines keep multi-valued keywords comma-separated).

    Args:
        resource: The record.

    Returns:
        Every facet of :data:`indexer.backend.INDEXED_FACETS`, empty tuples where the
        record has no value.
    """
    types = _attr_values(resource, FACET_ATTRIBUTES["type"]) or tuple(
        dict.fromkeys(v.value.strip().lower() for v in resource.type if v.value.strip()))
    found = year_of((getattr(resource, "issued", None) or "",)) or year_of(resource.date)
    year = (found,) if found else ()
    values = {
        "license": (resource.license.id or UNKNOWN_LICENCE,),
        "language": tuple(dict.fromkeys(t.split("-", 1)[0].lower() for t in resource.language
                                        if t.strip())),
        "type": types,
        "level": _attr_values(resource, FACET_ATTRIBUTES["level"]),
        "accessibility": _attr_values(resource, FACET_ATTRIBUTES["accessibility"]),
        "source": (resource.source,),
        "year": year[:1],
    }
    return {name: tuple(v.replace(",", " ") for v in vals) for name, vals in values.items()}


def to_document(resource: Resource) -> IndexDocument:
    """Build the :class:`IndexDocument` of a record.

    A text value goes to the bucket of its own ``xml:lang``, else of the record's first
    ``dcterms:language``, else of the language guessed from the record's untagged titles
    and descriptions (:func:`~indexer.analysis.guess_bucket`), else
    :data:`~indexer.analysis.OTHER`.

    Args:
        resource: The record.

    Returns:
        The document.
    """
    if resource.language:
        default_bucket = bucket_of(resource.language[0])
    else:
        sample = " ".join(v.value for kind in ("title", "description")
                          for v in getattr(resource, kind) if not v.lang)
        default_bucket = guess_bucket(sample[:GUESS_SAMPLE_CHARS])
    texts: dict[tuple[str, str], list[str]] = {}
    for kind in TEXT_KINDS:
        for value in getattr(resource, kind):
            bucket = bucket_of(value.lang) if value.lang else default_bucket
            texts.setdefault((kind, bucket), []).append(value.value)
    creator = "\n".join(v.value for v in resource.creator)
    publisher = "\n".join(v.value for v in resource.publisher)
    all_text = "\n".join(v.value for kind in ("title", "subject", "creator",
                                               "publisher") for v in getattr(resource, kind))
    first_desc = resource.description[0] if resource.description else None
    title = resource.first_title()
    return IndexDocument(
        id=resource.id,
        texts={key: "\n".join(vals) for key, vals in texts.items()},
        creator=creator,
        publisher=publisher,
        all_text=all_text,
        facets=facet_values(resource),
        language_terms=language_terms(resource.language),
        languages=tuple(resource.language),
        title=title,
        url=resource.url,
        license_id=resource.license.id or UNKNOWN_LICENCE,
        license_url=resource.license.url,
        source=resource.source,
        date=date_key((getattr(resource, "issued", None) or "", *resource.date)),
        sort_title=fold(title).strip(),
        snippet_text=first_desc.value[:SNIPPET_SOURCE_CHARS] if first_desc else "",
        snippet_bucket=(bucket_of(first_desc.lang) if first_desc and first_desc.lang
                        else default_bucket),
    )
