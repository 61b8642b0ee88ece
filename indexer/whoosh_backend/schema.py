"""The Whoosh index schema: per-language tokenizer, list columns and fields.

Part of the Whoosh seam (:mod:`indexer.whoosh_backend`, the only package importing ``whoosh``).
"""

from __future__ import annotations

from whoosh import columns
from whoosh.analysis import KeywordAnalyzer
from whoosh.analysis import Token as WToken
from whoosh.analysis import Tokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from indexer import analysis
from indexer.documents import TEXT_KINDS
from indexer.match_terms import terms_of

#: Bumped whenever fields or analysers change; an index of another version must be rebuilt.
SCHEMA_VERSION = 6
SCHEMA_FILENAME = "oer_schema.json"


class LanguageTokenizer(Tokenizer):
    """A Whoosh tokenizer running :func:`indexer.analysis.analysed` for one bucket.

    Args:
        bucket: One of :data:`indexer.analysis.BUCKETS`.
        stemming: False for folded words only (the ``all`` field).
    """

    def __init__(self, bucket: str, stemming: bool = True) -> None:
        self.bucket = bucket
        self.stemming = stemming

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, LanguageTokenizer) and other.bucket == self.bucket
                and other.stemming == self.stemming)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        t = WToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # e.g. the text of a prefix or wildcard term
            t.original = t.text = analysis.fold(value)
            t.boost, t.stopped = 1.0, False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for term, pos, start, end in analysis.analysed(
                value, self.bucket, stemming=self.stemming, index=mode == "index"):
            t.text = term
            t.boost, t.stopped = 1.0, False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class _ListColumn(columns.PickleColumn):
    """A per-document column of value lists (Whoosh facets read lists from such columns)."""

    def stores_lists(self) -> bool:
        return True


class FacetKeyword(KEYWORD):
    """A comma-separated keyword field whose values are also kept as a list per document.

    Whoosh counts a multi-valued facet from a list column when the field has one;
    otherwise it rebuilds every document's values from the postings on each search,
    which took most of a faceted query's time at 100k records.
    """

    def __init__(self) -> None:
        super().__init__(commas=True)
        self.column_type = _ListColumn(columns.VarBytesColumn())

    def to_column_value(self, value):
        return [v for v in value.split(",") if v] if isinstance(value, str) else list(value)

    def from_column_value(self, value):
        return value


class MatchField(TEXT):
    """The ``match`` field: words and word pairs per text field, no positions.

    Given :func:`indexer.match_terms.match_sources` (``((field, bucket, text), …)``), it
    indexes :func:`indexer.match_terms.terms_of` of them; a list of terms is indexed as
    it is. Computing the terms here, not when the document is built, puts the work in
    the indexing worker processes, next to the text fields' own analysis (whose results
    :func:`indexer.analysis.analysed` keeps, so each text is analysed once).
    """

    def __init__(self) -> None:
        super().__init__(analyzer=KeywordAnalyzer(), phrase=False)

    def index(self, value, **kwargs):
        if isinstance(value, tuple) and value and isinstance(value[0], tuple):
            value = terms_of(value)
        return super().index(value, **kwargs)


def build_schema() -> Schema:
    """The index schema (a fresh object each call, as Whoosh field objects are mutable).

    Returns:
        Schema: ``id`` (unique); text fields ``{title,subject,description}_{bucket}``
        (boosts 3/2/1), ``creator``, ``publisher``, ``all`` (folded words, no positions),
        ``match`` (:mod:`indexer.match_terms`: words and word pairs, boosted, no positions);
        filter/facet fields ``license``, ``source``, ``year``, ``date``, ``sort_title``
        (sortable columns), ``language`` (tags and primary subtags), ``lang``, ``type``,
        ``level``, ``access`` (comma-separated keywords); stored-only display fields.
    """
    fields: dict[str, object] = {"id": ID(unique=True, stored=True)}
    for kind, boost in TEXT_KINDS.items():
        for bucket in analysis.BUCKETS:
            fields[f"{kind}_{bucket}"] = TEXT(analyzer=LanguageTokenizer(bucket),
                                              field_boost=boost)
    fields["creator"] = TEXT(analyzer=LanguageTokenizer(analysis.OTHER))
    fields["publisher"] = TEXT(analyzer=LanguageTokenizer(analysis.OTHER))
    fields["all"] = TEXT(analyzer=LanguageTokenizer(analysis.OTHER, stemming=False),
                         phrase=False)
    fields["match"] = MatchField()
    for name in ("license", "source", "year", "date", "sort_title"):
        fields[name] = ID(sortable=True, stored=name != "sort_title")
    fields["language"] = KEYWORD(lowercase=True, commas=True)
    for name in ("lang", "type", "level", "access"):
        fields[name] = FacetKeyword()
    for name in ("title", "url", "license_url", "languages", "types", "snippet_text",
                 "snippet_bucket"):
        fields[name] = STORED()
    return Schema(**fields)
