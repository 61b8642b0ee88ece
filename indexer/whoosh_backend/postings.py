"""What the fast search path keeps per index generation: postings, lengths, facet columns.

Part of the Whoosh seam. Reads Whoosh's segments into NumPy arrays:

- a posting list ``(field, term)`` → document numbers (int32) and weights (float64), read a
  block at a time (one unpickle per block of up to 1,024 postings, decoded with NumPy,
  instead of Python calls per posting), kept in a bounded LRU;
- a text field's length per document (Whoosh's one-byte length column, decoded), for the
  fields a query touches;
- per facet field, each document's value code (single-valued) or (document, value) pairs
  (multi-valued), and per sort field the rank of each document's key;
- which documents are live (not deleted).

Everything is built lazily and belongs to one generation: a commit makes a new
:class:`GenerationData` (the old one is dropped with its searcher), so cached counts can
never be stale. Memory per document: 1 byte (live mask), 4 per text field searched
(lengths), 4 per facet or sort field used, 8 per (document, value) pair of a many-valued
facet; plus the posting LRU (``cache_mb``) and the filter LRU (a quarter of it).

Private Whoosh names used (whoosh-reloaded 2.7.5 is pinned): the leaf matcher's block walk
(``_read_data``/``_data``/``_goto``/``_maxid``/``_read_values``), ``SegmentReader.deleted_docs_set``, the
per-document reader's ``_cached_reader`` of a length column. A change there fails loudly
(``AttributeError``) in the contract tests, not silently.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

#: The field the fast path matches and scores on (see :mod:`indexer.match_terms`).
MATCH_FIELD = "match"

#: Default memory bound of the posting-list cache, in MB.
DEFAULT_CACHE_MB = 64

_LENGTH_OF_BYTE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)


class Postings:
    """Document numbers and weights of one term, across segments.

    Attributes:
        ids: Global document numbers, int32, ascending (deleted ones included).
        weights: The term's weight in each document (boosted frequency), float64.
        doc_frequency: ``len(ids)``: documents containing the term, as Whoosh counts.
    """

    __slots__ = ("ids", "weights", "doc_frequency")

    def __init__(self, ids: np.ndarray, weights: np.ndarray) -> None:
        self.ids = ids
        self.weights = weights
        self.doc_frequency = int(ids.shape[0])

    @property
    def nbytes(self) -> int:
        return int(self.ids.nbytes + self.weights.nbytes) + 64


def _leaf_matcher(matcher):
    """The innermost matcher of ``matcher``, at its first posting.

    A segment with deletions wraps its matcher in a ``FilterMatcher``, which on creation
    skips the leading deleted postings: whole blocks of them would be lost (and the
    document frequency, hence the idf, come out lower than Whoosh's), so an unwrapped
    leaf is reset to its first block.
    """
    leaf = matcher
    while not hasattr(leaf, "_read_ids") and hasattr(leaf, "child"):
        leaf = leaf.child  # FilterMatcher (deletions) and other wrappers
    if leaf is not matcher:
        leaf.reset()
    return leaf


def _read_blocks(matcher, offset: int, ids_out: list, weights_out: list) -> None:
    m = _leaf_matcher(matcher)
    if not hasattr(m, "_read_ids"):  # not a W3 block matcher: the generic way
        ids, weights = [], []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
        ids_out.append(np.asarray(ids, dtype=np.int64) + offset)
        weights_out.append(np.asarray(weights, dtype=np.float64))
        return
    while not m._atend:
        ids, weights = _block(m)
        ids_out.append(ids + offset)
        weights_out.append(weights)
        if m._lastblock:
            break
        m._goto(m._nextoffset)


def _block(m) -> tuple[np.ndarray, np.ndarray]:
    """The current block's document numbers (int64, within the segment) and weights.

    Decoded with NumPy from the block's data (``W3LeafMatcher._read_ids`` and
    ``_read_weights`` do it per posting): ids are stored as deltas (whoosh/util/
    numlists.py ``delta_encode``) unless ``_byteids``; weights as an array, one float
    for all, or ``None`` for all 1.0.
    """
    if m._data is None:
        m._read_data()
    raw_ids, raw_weights = m._data[0], m._data[1]
    ids = np.asarray(raw_ids, dtype=np.int64)
    if not m._byteids:
        ids = np.cumsum(ids)
    n = ids.shape[0]
    if raw_weights is None:
        weights = np.ones(n, dtype=np.float64)
    elif isinstance(raw_weights, float):
        weights = np.full(n, raw_weights, dtype=np.float64)
    else:
        weights = np.asarray(raw_weights, dtype=np.float64)
    return ids, weights


def _length_bytes(column, n: int) -> np.ndarray:
    """A one-byte length column's bytes for ``n`` documents (uint8, zeros past its end).

    Read in one piece from the column file (``FixedBytesColumn.Reader``: one byte per
    document from ``_basepos``, ``_count`` written); ``load()`` would make a Python
    object per document.
    """
    count = min(int(column._count), n)
    raw = np.zeros(n, dtype=np.uint8)
    if count:
        raw[:count] = np.frombuffer(bytes(column._dbfile.get(column._basepos, count)),
                                    dtype=np.uint8)
    return raw


class ArrayCache:
    """A least-recently-used cache bounded by the bytes of its values.

    Args:
        limit_mb: Bound on the summed ``nbytes`` of the values kept, MB. A value larger
            than a quarter of it is not kept (it would evict everything else).
    """

    def __init__(self, limit_mb: int) -> None:
        self._items: OrderedDict = OrderedDict()
        self._sizes: dict = {}
        self._bytes = 0
        self._limit = limit_mb * 2**20

    def get(self, key):
        """The value of ``key`` (now the most recent), or ``None``."""
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key, value, nbytes: int) -> None:
        """Keep ``value`` (``nbytes`` large) under ``key``, evicting the least recent."""
        if nbytes > self._limit // 4 or key in self._items:
            return
        self._items[key] = value
        self._sizes[key] = nbytes
        self._bytes += nbytes
        while self._bytes > self._limit and self._items:
            old, _ = self._items.popitem(last=False)
            self._bytes -= self._sizes.pop(old)

    def __len__(self) -> int:
        return len(self._items)


class GenerationData:
    """Arrays of one index generation, read from a Whoosh searcher on demand.

    Args:
        searcher: An open Whoosh searcher; it must stay open while this object is used.
        cache_mb: Memory bound of the posting-list cache, in MB.
    """

    def __init__(self, searcher, cache_mb: int = DEFAULT_CACHE_MB) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.generation = self.reader.generation()
        self.size = self.reader.doc_count_all()
        self._leaves = [(leaf, int(offset)) for leaf, offset in self.reader.leaf_readers()]
        self._cache = ArrayCache(cache_mb)
        self._live: np.ndarray | None = None
        self._lengths: dict[str, np.ndarray] = {}
        self._single: dict[str, tuple[list[str], np.ndarray]] = {}
        self._multi: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        #: Document numbers of filter queries and checked phrases, by ``repr`` (a quarter
        #: of ``cache_mb``).
        self.filters = ArrayCache(max(cache_mb // 4, 1))

    # -- postings ------------------------------------------------------------------------

    def postings(self, field: str, text: str | bytes) -> Postings:
        """The posting list of ``field:text`` (empty when the term is absent)."""
        btext = text if isinstance(text, bytes) else self.reader.schema[field].to_bytes(text)
        key = (field, btext)
        found = self._cache.get(key)
        if found is not None:
            return found
        ids_parts: list[np.ndarray] = []
        weight_parts: list[np.ndarray] = []
        for leaf, offset in self._leaves:
            try:
                matcher = leaf.postings(field, btext)
            except TermNotFound:
                continue
            _read_blocks(matcher, offset, ids_parts, weight_parts)
        if ids_parts:
            found = Postings(np.concatenate(ids_parts).astype(np.int32),
                             np.concatenate(weight_parts))
        else:
            found = Postings(np.empty(0, np.int32), np.empty(0, np.float64))
        self._cache.put(key, found, found.nbytes)
        return found

    def positions(self, field: str, text: str, docnums: np.ndarray) -> dict[int, list[int]]:
        """Positions of ``field:text`` in each of ``docnums`` that contains it.

        Reads only the posting blocks holding one of ``docnums`` (a block's largest id is
        in its header) and decodes positions of those documents only.

        Args:
            field: A field with positions (a text field).
            text: The analysed term.
            docnums: Global document numbers, ascending (int32).

        Returns:
            Document number → ascending positions.
        """
        btext = self.reader.schema[field].to_bytes(text)
        out: dict[int, list[int]] = {}
        for leaf, offset in self._leaves:
            local = docnums[(docnums >= offset) & (docnums < offset + leaf.doc_count_all())]
            if not local.shape[0]:
                continue
            local = local - offset
            try:
                m = _leaf_matcher(leaf.postings(field, btext))
            except TermNotFound:
                continue
            decode = m.format.decode_positions
            k = 0
            while not m._atend and k < local.shape[0]:
                if m._maxid >= local[k]:
                    ids, _ = _block(m)
                    _, in_block, _ = np.intersect1d(ids, local, assume_unique=True,
                                                    return_indices=True)
                    if in_block.shape[0]:
                        m._read_values()
                        for i in in_block.tolist():
                            out[int(ids[i]) + offset] = decode(m._values[i])
                    k = int(np.searchsorted(local, m._maxid, side="right"))
                if m._lastblock:
                    break
                m._goto(m._nextoffset)
        return out

    def terms(self, field: str) -> list[bytes]:
        """Every term of ``field`` in the index, in term order (bytes)."""
        return list(self.reader.lexicon(field))

    # -- per-document arrays -------------------------------------------------------------

    @property
    def live(self) -> np.ndarray:
        """Boolean mask over document numbers: True where not deleted, shape ``(size,)``."""
        if self._live is None:
            live = np.ones(self.size, dtype=bool)
            for leaf, offset in self._leaves:
                deleted = getattr(leaf, "deleted_docs_set", frozenset())
                if deleted:
                    live[np.fromiter(deleted, dtype=np.int64) + offset] = False
            self._live = live
        return self._live

    def live_ids(self) -> np.ndarray:
        """Document numbers of the live documents, ascending (int32)."""
        return np.flatnonzero(self.live).astype(np.int32)

    def lengths(self, field: str) -> np.ndarray:
        """``field``'s length per document (tokens, as Whoosh's one-byte column keeps
        them: exact to 8, then within ~7 %), float32, shape ``(size,)``; 0 when absent."""
        found = self._lengths.get(field)
        if found is None:
            parts = []
            for leaf, _ in self._leaves:
                n = leaf.doc_count_all()
                column = leaf._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
                if column is None:
                    parts.append(np.zeros(n, dtype=np.float32))
                else:
                    parts.append(_LENGTH_OF_BYTE[_length_bytes(column, n)])
            found = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
            self._lengths[field] = found
        return found

    def avg_length(self, field: str) -> float:
        """Mean length of ``field`` over every document (Whoosh's ``avg_field_length``;
        1.0 for an empty field)."""
        return (self.reader.field_length(field) / max(self.size, 1)) or 1.0

    def single_valued(self, field: str) -> tuple[list[str], np.ndarray]:
        """Values of a one-value-per-document field and each document's value code.

        Returns:
            ``(values, codes)``: the field's terms (str, term order) and an int32 code
            per document number (-1: no value), shape ``(size,)``.
        """
        if field not in self._single:
            values = [t.decode() for t in self.terms(field)]
            codes = np.full(self.size, -1, dtype=np.int32)
            for code, value in enumerate(values):
                codes[self.postings(field, value).ids] = code
            self._single[field] = (values, codes)
        return self._single[field]

    def multi_valued(self, field: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Values of a many-values field and its (document, value code) pairs.

        Returns:
            ``(values, pair_docs, pair_codes)``: terms (str) and two int32 arrays of equal
            length, one entry per document having a value.
        """
        if field not in self._multi:
            values = [t.decode() for t in self.terms(field)]
            docs, codes = [], []
            for code, value in enumerate(values):
                ids = self.postings(field, value).ids
                docs.append(ids)
                codes.append(np.full(ids.shape[0], code, dtype=np.int32))
            self._multi[field] = (
                values,
                np.concatenate(docs) if docs else np.empty(0, np.int32),
                np.concatenate(codes) if codes else np.empty(0, np.int32))
        return self._multi[field]

    def ranks(self, field: str) -> np.ndarray:
        """Rank of each document's key in ``field``'s term order (-1: no key), int32: the
        value codes of :meth:`single_valued`, since terms are kept in sorted order."""
        return self.single_valued(field)[1]


def segment_expansions(node, reader, limit: int):
    """A Whoosh ``MultiTerm``'s expanded terms in each segment, as Whoosh's
    ``MultiTerm.matcher`` finds them (it is given one segment's reader at a time).

    This differs from expanding over the whole index for ``FuzzyTerm``: a segment reader
    uses its Levenshtein automaton (no transpositions: ``03~`` does not reach ``30``), the
    multi-segment reader Damerau–Levenshtein distance. Empty terms are skipped, as Whoosh
    skips them.

    Args:
        node: A ``whoosh.query.MultiTerm`` (prefix, wildcard, fuzzy term, range).
        reader: A Whoosh reader (one segment or several).
        limit: Most distinct terms to expand, over all segments.

    Returns:
        ``[(offset, doc_count_all, terms), …]``, one per segment in document-number order;
        ``terms`` is a set of ``str`` or ``bytes`` (as the node yields them).

    Raises:
        OverflowError: when the union of the terms exceeds ``limit``.
    """
    out = []
    seen: set = set()
    for leaf, offset in reader.leaf_readers():
        terms = {t for t in node._btexts(leaf) if t}
        seen |= terms
        if len(seen) > limit:
            raise OverflowError(f"more than {limit} expansions")
        out.append((int(offset), leaf.doc_count_all(), terms))
    return out
