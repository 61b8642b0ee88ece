"""One crawl's shared state: the source, the store and run, counts, skips, progress.

The spider and every pipeline of a crawl reach the same :class:`CrawlContext` (the spider
holds it; pipelines read ``crawler.spider.context``). It owns the writes: records are
buffered and written with the source's state in one store transaction per batch
(:meth:`CrawlContext.flush`), so a crawl killed at any point loses at most one unwritten
batch, and every skip is counted by reason and logged with its URL.

This module does not import Scrapy.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from harvester.config import WebSettings
from harvester.store import QuarantineItem, RunCounts, SourceState, Store, StoredItem

log = logging.getLogger("harvester.web")

__all__ = ["CrawlContext"]

#: Longest time a record waits in the buffer before it is written (seconds).
FLUSH_INTERVAL_S = 5.0


@dataclass
class CrawlContext:
    """The state of one crawl of one source.

    Attributes:
        source: The source's configuration (a pydantic model of any web kind).
        store: Where records, runs and state go.
        run_id: The store's run.
        state: The source's state, saved with every batch.
        web: ``[web]`` settings (batch size, progress interval, imprint pages).
        progress: Receives progress lines.
        watermark: UTC ISO start of the last complete run, for sitemap ``lastmod``
            comparisons, or ``None`` (harvest everything).
        counts: Added / updated / deleted / unchanged / quarantined so far.
        skipped: Reason → number of documents skipped (``"http 404"``, ``"no title"`` …).
        notes: Reason → number of records stored with a remark (``"no licence"`` …).
        fetched: Documents downloaded (pages, sitemaps, PDFs, exports).
        not_modified: Pages not fetched because their ``lastmod`` predates the watermark.
        transient_errors: Downloads that failed after retries (timeouts, 5xx, refused).
        start_errors: Why each start URL failed, if it did.
        start_ok: A start URL answered.
    """

    source: Any
    store: Store
    run_id: int
    state: SourceState
    web: WebSettings = field(default_factory=WebSettings)
    progress: Callable[[str], None] = lambda line: None
    watermark: str | None = None
    counts: RunCounts = field(default_factory=RunCounts)
    skipped: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    fetched: int = 0
    not_modified: int = 0
    transient_errors: int = 0
    start_errors: list[str] = field(default_factory=list)
    start_ok: bool = False
    _items: list[StoredItem] = field(default_factory=list)
    _quarantine: list[QuarantineItem] = field(default_factory=list)
    _last_flush: float = field(default_factory=time.monotonic)
    _seen: int = 0
    _last_progress: int = 0

    @property
    def name(self) -> str:
        """The source's name."""
        return self.source.name

    def skip(self, reason: str, url: str, detail: str = "") -> None:
        """Count and log a document that gives no record (never raises)."""
        self.skipped[reason] += 1
        log.warning("[%s] skipped %s: %s%s", self.name, url, reason,
                    f" ({detail})" if detail else "")

    def note(self, reason: str, url: str) -> None:
        """Count and log a record stored with a remark (``"no licence"``)."""
        self.notes[reason] += 1
        log.info("[%s] %s: %s", self.name, url, reason)

    def add(self, item: StoredItem | QuarantineItem) -> None:
        """Buffer one record (or one set-aside record); writes a batch when due."""
        if isinstance(item, QuarantineItem):
            self._quarantine.append(item)
        else:
            self._items.append(item)
        self._seen += 1
        if (len(self._items) + len(self._quarantine) >= self.web.store_batch_items
                or time.monotonic() - self._last_flush >= FLUSH_INTERVAL_S):
            self.flush()

    def flush(self) -> None:
        """Write the buffered records and the source state in one transaction."""
        if not self._items and not self._quarantine:
            return
        self.state = replace(self.state, pages=self.state.pages + 1,
                             seen=self.state.seen + len(self._items) + len(self._quarantine))
        self.counts += self.store.save_page(self.run_id, self._items, self.state,
                                            self._quarantine)
        self._items, self._quarantine = [], []
        self._last_flush = time.monotonic()
        if self._seen - self._last_progress >= self.web.progress_every_items:
            self._last_progress = self._seen
            self.progress(self.progress_line())

    def final_progress(self) -> None:
        """The last progress line, unless the last batch already printed it."""
        if self._seen != self._last_progress or not self._seen:
            self._last_progress = self._seen
            self.progress(self.progress_line())

    def progress_line(self) -> str:
        """``[hoou] 200 records: 180 added, 0 updated, 15 unchanged; 12 skipped (312 fetched)``."""
        c = self.counts
        held = f", {c.quarantined:,} quarantined" if c.quarantined else ""
        return (f"[{self.name}] {self._seen:,} records: {c.added:,} added, {c.updated:,} updated, "
                f"{c.unchanged:,} unchanged{held}; {sum(self.skipped.values()):,} skipped "
                f"({self.fetched:,} fetched)")

    def summary(self) -> str | None:
        """The run's remarks in one line (skips and notes by reason), or ``None``."""
        parts = []
        if self.skipped:
            reasons = ", ".join(f"{r}: {n:,}" for r, n in self.skipped.most_common())
            parts.append(f"{sum(self.skipped.values()):,} skipped ({reasons})")
        if self.not_modified:
            parts.append(f"{self.not_modified:,} page(s) not fetched (sitemap lastmod before "
                         "the last complete run)")
        parts += [f"{n:,} {reason}" for reason, n in self.notes.most_common()]
        return "; ".join(parts) or None
