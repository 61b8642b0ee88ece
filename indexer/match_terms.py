"""Terms of the ``match`` field: every analysed word and word pair, tagged by its field.

The text fields (``title_en``, ``description_fr``…) keep positions, which makes Whoosh's
posting blocks slow to read (~200 µs per block of 128 postings, against ~4 µs without
positions: a pickled byte string per posting). The fast search path therefore matches and
scores on one extra field without positions, ``match``, whose terms are:

- ``"{field}:{term}"`` for each analysed word of a text field (``"title_en:student"``,
  ``"description_ru:школ"``, ``"creator:smith"``): the same documents and term frequencies
  as the field's own posting list, so BM25 computed from it and the field's length column
  gives Whoosh's score (per-field BM25 summed over fields, field boost in the weight);
- ``"{field}:{term} {next}"`` for each pair of words at consecutive positions (a
  "shingle"), so a two-word phrase is one posting list and a longer phrase is narrowed to
  the documents holding all its pairs before its positions are checked.

Ref: Elasticsearch's ``index_phrases`` text-field option (shingles for fast phrase
queries), https://www.elastic.co/guide/en/elasticsearch/reference/current/index-phrases.html
"""

from __future__ import annotations

from indexer import analysis
from indexer.documents import IndexDocument


def unigram(field: str, term: str) -> str:
    """The ``match`` term of one analysed word of ``field``."""
    return f"{field}:{term}"


def bigram(field: str, first: str, second: str) -> str:
    """The ``match`` term of two analysed words at consecutive positions in ``field``."""
    return f"{field}:{first} {second}"


def _terms_of(text: str, bucket: str, field: str, out: list[str]) -> None:
    at: dict[int, list[str]] = {}
    for term, pos, _, _ in analysis.analysed(text, bucket, stemming=True, index=True):
        at.setdefault(pos, []).append(term)
    for pos, here in at.items():
        for term in here:
            out.append(unigram(field, term))
            for after in at.get(pos + 1, ()):
                out.append(bigram(field, term, after))


#: What the ``match`` field is given: ``((field, bucket, text), …)``.
MatchSources = tuple[tuple[str, str, str], ...]


def match_sources(doc: IndexDocument) -> MatchSources:
    """The texts of a document's ``match`` terms, with their field and analyser bucket.

    The index computes the terms from these (:func:`terms_of`) where it analyses the text
    fields anyway (in the indexing worker processes), so each text is analysed once.
    """
    out = [(f"{kind}_{bucket}", bucket, text) for (kind, bucket), text in doc.texts.items()
           if text]
    out.extend((field, analysis.OTHER, text)
               for field, text in (("creator", doc.creator), ("publisher", doc.publisher))
               if text)
    return tuple(out)


def terms_of(sources: MatchSources) -> list[str]:
    """The ``match`` terms of :func:`match_sources`: one per word and adjacent word pair.

    Returns:
        A list of term strings (Whoosh counts repeats as the term frequency).
    """
    out: list[str] = []
    for field, bucket, text in sources:
        _terms_of(text, bucket, field, out)
    return out


def match_terms(doc: IndexDocument) -> list[str]:
    """The ``match`` field of a document: ``terms_of(match_sources(doc))``."""
    return terms_of(match_sources(doc))
