"""Deletions for repositories that do not report them: list everything, compare, delete.

A repository whose Identify says ``deletedRecord`` ``no`` (or ``transient``, which may
forget) never tells an incremental harvest that a record was withdrawn (OAI-PMH 2.0
§2.5.1). For such sources, ``reconcile = "every 30d"`` in the sources file makes the
runner, after a complete harvest, list every identifier (``ListIdentifiers`` with the
source's ``metadataPrefix`` and ``set``, no ``from``) and mark deleted the live records
the listing no longer has. Two safety rules:

1. Only a *complete* listing counts: an error, a repeated resumption token, or fewer
   identifiers than the server's ``completeListSize`` ends the reconciliation with
   nothing deleted.
2. Never more than ``[reconcile] max_delete_fraction`` of the source's live records,
   nor more than ``max_delete_count``, in one go: above that, nothing is deleted and
   the run says how many were missing, so a librarian can look (a server listing an
   empty set by mistake must not empty our catalogue).

A reconciliation is recorded as a run of the source whose message starts with
``reconcile:``; each record it deletes gets a new version in ``raw_records`` with empty
bytes (nothing was received: the record was *absent*) and ``deleted = 1``, so its
history shows when and by which run it disappeared, and the index drops it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from harvester.config import OAISource, ReconcileSettings
from harvester.errors import HarvestError, OAIProtocolError
from harvester.health import RECONCILE_PREFIX
from harvester.oai_client import OAIClient
from harvester.schedules import parse_schedule, parse_utc
from harvester.store import StoredItem, Store

log = logging.getLogger(__name__)

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
BATCH = 500
"""Tombstones written per transaction."""


@dataclass(frozen=True, slots=True)
class Listing:
    """A full ``ListIdentifiers`` listing.

    Attributes:
        identifiers: Header identifiers of live records.
        deleted: Header identifiers the server lists as deleted.
        complete: The list was followed to its end and passed every guard.
        message: Why it is not complete, else ``None``.
        pages: Pages fetched.
    """

    identifiers: frozenset[str]
    deleted: frozenset[str]
    complete: bool
    message: str | None
    pages: int


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    """The outcome of one reconciliation (``reconcile`` in the run report).

    Attributes:
        source: Source id.
        status: ``complete`` (deleted what was missing, maybe nothing), ``incomplete``
            (listing incomplete or over the safety threshold: nothing deleted) or ``failed``.
        run_id: Its run in the store.
        listed: Live identifiers in the listing.
        live_before: Live records of the source in the store before.
        missing: Live records absent from the listing.
        deleted: Records marked deleted.
        message: What happened, for people.
    """

    source: str
    status: str
    run_id: int | None
    listed: int
    live_before: int
    missing: int
    deleted: int
    message: str

    def to_dict(self) -> dict:
        """JSON-ready data."""
        return asdict(self)


def reconcile_due(store: Store, source: OAISource, now: datetime, tz: str = "UTC") -> bool:
    """True when ``source`` has a ``reconcile`` schedule that is due at ``now``."""
    if not source.reconcile:
        return False
    last = store.runs_of(source.name, message_prefix=RECONCILE_PREFIX, limit=1)
    last_start = parse_utc(last[0]["started_at"]) if last else None
    return parse_schedule(source.reconcile, tz).is_due(last_start, now)


def list_identifiers(client: OAIClient, source: OAISource) -> Listing:
    """Follow a full ``ListIdentifiers`` list of the source's format and set.

    Args:
        client: The source's client.
        source: Gives ``metadataPrefix`` and ``set``.

    Returns:
        The listing; ``complete`` is False after an error or a guard.
        Ref: OAI-PMH 2.0 §4.3 (ListIdentifiers), §3.5 (flow control).
    """
    # "auto" picks a format per harvest; every item is available as oai_dc (OAI-PMH 2.0 §3.4)
    prefix = "oai_dc" if source.metadata_prefix == "auto" else source.metadata_prefix
    params = {"metadataPrefix": prefix}
    if source.set_spec:
        params["set"] = source.set_spec
    live: set[str] = set()
    gone: set[str] = set()
    tokens: set[str] = set()
    pages, expected = 0, None
    while True:
        try:
            page = client.request("ListIdentifiers", **params)
        except OAIProtocolError as exc:
            if exc.code == "noRecordsMatch" and "resumptionToken" not in params:
                return Listing(frozenset(), frozenset(), True, None, pages)
            return Listing(frozenset(live), frozenset(gone), False, str(exc), pages)
        except HarvestError as exc:
            return Listing(frozenset(live), frozenset(gone), False,
                           f"{type(exc).__name__}: {exc}", pages)
        pages += 1
        for header in page.element.iter("{%s}header" % OAI_NS):
            ident = (header.findtext("{%s}identifier" % OAI_NS) or "").strip()
            if ident:
                (gone if header.get("status") == "deleted" else live).add(ident)
        token = page.token
        if token is not None and token.complete_list_size is not None:
            expected = token.complete_list_size
        value = token.value if token is not None and token.value else None
        if value is None:
            seen = len(live) + len(gone)
            if expected is not None and seen < expected:
                return Listing(frozenset(live), frozenset(gone), False,
                               f"listing ended after {seen:,} of {expected:,} identifiers "
                               "(completeListSize)", pages)
            return Listing(frozenset(live), frozenset(gone), True, None, pages)
        if value in tokens:
            return Listing(frozenset(live), frozenset(gone), False,
                           f"server repeated resumptionToken {value!r}", pages)
        tokens.add(value)
        params = {"resumptionToken": value}


def reconcile_source(source: OAISource, store: Store, client: OAIClient,
                     settings: ReconcileSettings, *,
                     progress: Callable[[str], None] = lambda line: None) -> ReconcileReport:
    """List every identifier of ``source`` and delete the live records no longer listed.

    Args:
        source: The source (its ``metadataPrefix`` and ``set`` define the listing).
        store: The store; the reconciliation is recorded as a run.
        client: The source's client.
        settings: The safety threshold.
        progress: Receives one line when done.

    Returns:
        What was listed, missing and deleted (see the module docstring for the rules).
    """
    state = store.load_state(source.name)
    run_id = store.start_run(source.name, None, None, None)
    live_ids = store.record_ids(source.name)
    prefix = f"{source.name}:"
    try:
        listing = list_identifiers(client, source)
    except Exception as exc:  # never let a reconciliation break the run
        log.exception("[%s] reconciliation failed", source.name)
        listing = Listing(frozenset(), frozenset(), False, f"{type(exc).__name__}: {exc}", 0)
    listed = {prefix + i for i in listing.identifiers}
    missing = sorted(live_ids - listed)
    limit = min(settings.max_delete_count, math.floor(settings.max_delete_fraction * len(live_ids)))
    deleted = 0
    if not listing.complete:
        status = "incomplete"
        message = f"listing incomplete ({listing.message}); nothing deleted"
    elif len(missing) > limit:
        status = "incomplete"
        share = len(missing) / len(live_ids) if live_ids else 1.0
        message = (f"{len(missing):,} of {len(live_ids):,} live records ({share:.1%}) are not in "
                   f"the listing of {len(listed):,}: over the safety limit of {limit:,} "
                   f"(max_delete_fraction {settings.max_delete_fraction}, max_delete_count "
                   f"{settings.max_delete_count}); nothing deleted")
    else:
        status = "complete"
        for start in range(0, len(missing), BATCH):
            items = [_tombstone(record_id, prefix) for record_id in missing[start:start + BATCH]]
            deleted += store.save_page(run_id, items, state).deleted
        message = (f"listed {len(listed):,} identifiers; {len(missing):,} live record(s) missing "
                   f"from the listing, {deleted:,} deleted")
    store.finish_run(run_id, status, f"{RECONCILE_PREFIX} {message}", state)
    progress(f"[{source.name}] reconcile {status}: {message}")
    if status != "complete":
        log.warning("[%s] reconcile %s: %s", source.name, status, message)
    return ReconcileReport(source.name, status, run_id, len(listed), len(live_ids),
                           len(missing), deleted, message)


def _tombstone(record_id: str, prefix: str) -> StoredItem:
    """A deletion with empty bytes: the record was absent from a complete listing."""
    return StoredItem(record_id=record_id, oai_identifier=record_id.removeprefix(prefix),
                      datestamp=None, deleted=True, raw=b"", encoding="utf-8", namespaces={},
                      resource=None)
