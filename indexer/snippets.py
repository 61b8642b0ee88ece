"""Highlighted snippets: the part of a text around the words a query matched.

Engine-free: the backend passes the analysed query terms it searched with, and the
text is re-analysed with :func:`indexer.analysis.analysed` to find them, so a match is
exactly a word the index matched (stem, or folded word for prefix and fuzzy terms).
Snippets are plain-text segments; whoever shows them escapes them (the web page wraps
matched segments in ``<mark>``).
"""

from __future__ import annotations

from collections.abc import Collection

from indexer.analysis import analysed, fold

#: Characters of text around the first match in a snippet.
SNIPPET_CHARS = 240

Segments = tuple[tuple[str, bool], ...]


def highlight(text: str, bucket: str, stems: Collection[str], words: Collection[str],
              *, max_chars: int = SNIPPET_CHARS) -> Segments:
    """Cut ``text`` around its first matching word and mark the matches.

    Args:
        text: The text (a description).
        bucket: Its analysis bucket.
        stems: Query terms as indexed in that bucket's fields (stemmed, folded).
        words: Folded, unstemmed words matched by prefix or fuzzy terms.
        max_chars: Length of the window (characters, ellipses not counted).

    Returns:
        ``((segment, matched), …)``; the window starts at most a third of
        ``max_chars`` before the first match (or at 0), with ``"…"`` at cut ends.
        ``()`` for empty text.
    """
    text = " ".join(text.split())
    if not text:
        return ()
    # one pass per kind of term asked for (most queries have stems only)
    found: set[tuple[int, int]] = set()
    if stems:
        found.update((s, e) for term, _, s, e in analysed(text, bucket) if term in stems)
    if words:
        found.update((s, e) for term, _, s, e in analysed(text, bucket, stemming=False)
                     if term in words or fold(term) in words)
    spans = sorted(found)
    start = 0
    if spans and spans[0][0] > max_chars // 3:
        start = spans[0][0] - max_chars // 3
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + max_chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    segments: list[tuple[str, bool]] = [("…", False)] if start else []
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        if s > cursor:
            segments.append((text[cursor:s], False))
        segments.append((text[s:e], True))
        cursor = e
    if cursor < end:
        segments.append((text[cursor:end], False))
    if end < len(text):
        segments.append(("…", False))
    return tuple(segments)
