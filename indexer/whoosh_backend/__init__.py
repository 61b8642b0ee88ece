"""The Whoosh implementation of :class:`indexer.backend.IndexBackend`.

This package is the only code that imports ``whoosh`` (package ``whoosh-reloaded``); swapping
engines means writing a sibling of this package.

Schema: one text field per kind and language bucket (``title_fr``, ``subject_ru``,
``description_zh``… analysed by :mod:`indexer.analysis` for that language; boosts title
3 > subject 2 > description 1), ``creator``/``publisher``, and ``all`` (titles, subjects,
names; folded, not stemmed) for prefix, fuzzy and spelling. A query is parsed once per field,
so each language's analyser sees it: one search covers every language. Facets are
keyword columns; ``policy``/``allows`` are derived from ``license`` (:mod:`indexer.facets`).

Ref: Whoosh 2.7 documentation, https://whoosh.readthedocs.io/ (schema, writing,
searching, parsing user queries, sorting and faceting, spelling).
"""

from indexer.whoosh_backend.backend import DEFAULT_LOCK_TIMEOUT_S, WhooshBackend
from indexer.whoosh_backend.schema import (
    SCHEMA_FILENAME,
    SCHEMA_VERSION,
    FacetKeyword,
    LanguageTokenizer,
    build_schema,
)
from indexer.whoosh_fields import resource_to_document

__all__ = ["DEFAULT_LOCK_TIMEOUT_S", "SCHEMA_FILENAME", "SCHEMA_VERSION", "FacetKeyword",
           "LanguageTokenizer", "WhooshBackend", "build_schema", "resource_to_document"]
