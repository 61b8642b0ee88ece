"""Fallback for a list whose ListRecords page always fails: ListIdentifiers + GetRecord.

When one ListRecords page keeps failing after the retry budget (case C13: every request
with token ``T1`` answers HTTP 500), the same window (``from``/``until``/``set``) is
listed again with ``ListIdentifiers`` — headers only, small pages — and each record
not already stored at that datestamp is fetched alone with ``GetRecord``. A record
that cannot be fetched is quarantined with the reason, so the run reports it.

Ref: OAI-PMH 2.0 §4.4 (ListIdentifiers), §4.1 (GetRecord).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from harvester.config import OAISource
from harvester.errors import HarvestError, OAIProtocolError, RetryLaterError
from harvester.oai_client import OAIClient
from harvester.oai_response import OAI_NS, OAIRecord
from harvester.store import QuarantineItem, RunCounts, SourceState, Store, StoredItem

log = logging.getLogger(__name__)
_Q = "{" + OAI_NS + "}"


@dataclass(frozen=True, slots=True)
class FallbackResult:
    """What the fallback did.

    Attributes:
        counts: Records added/updated/deleted/unchanged/quarantined.
        listed: Headers listed by ListIdentifiers.
        fetched: Records fetched with GetRecord.
        complete: ListIdentifiers reached the end and every record was fetched.
        message: What went wrong, when something did.
    """

    counts: RunCounts
    listed: int
    fetched: int
    complete: bool
    message: str | None


def fetch_by_identifiers(client: OAIClient, source: OAISource, store: Store, run_id: int,
                         state: SourceState, params: dict[str, str],
                         to_item: Callable[[OAIRecord], StoredItem | QuarantineItem | None],
                         progress: Callable[[str], None]) -> FallbackResult:
    """List the window's identifiers and fetch each missing record with GetRecord.

    Args:
        client: The source's client.
        source: The source.
        store: Where records go (one transaction per ListIdentifiers page).
        run_id: The current run.
        state: The source state to save with each page (token cleared: the fallback
            is restarted from the window, not resumed).
        params: The list's first-request arguments (``metadataPrefix``, ``set``,
            ``from``, ``until``).
        to_item: Maps a fetched record to what the store takes (``None``: skip it).
        progress: Receives a progress line per ListIdentifiers page.

    Returns:
        The fallback's result. Transport and HTTP errors of single GetRecord requests
        quarantine that record; an error of ListIdentifiers ends the fallback.

    Raises:
        RetryLaterError: the server asked us to wait (the run is deferred).
    """
    counts, listed, fetched, failed, pages = RunCounts(), 0, 0, 0, 0
    list_params = dict(params)
    state = replace(state, token=None)
    while True:
        try:
            page = client.request("ListIdentifiers", **list_params)
        except RetryLaterError:
            raise
        except OAIProtocolError as exc:
            if exc.code == "noRecordsMatch" and "resumptionToken" not in list_params:
                return FallbackResult(counts, listed, fetched, failed == 0, None)
            return FallbackResult(counts, listed, fetched, False, f"ListIdentifiers: {exc}")
        except HarvestError as exc:
            return FallbackResult(counts, listed, fetched, False, f"ListIdentifiers: {exc}")
        items: list[StoredItem] = []
        quarantine: list[QuarantineItem] = []
        for header in page.element.findall(_Q + "header"):
            identifier = (header.findtext(_Q + "identifier") or "").strip()
            datestamp = (header.findtext(_Q + "datestamp") or "").strip()
            listed += 1
            if not identifier or store.datestamp_of(f"{source.name}:{identifier}") == datestamp:
                continue
            try:
                got = client.request("GetRecord", identifier=identifier,
                                     metadataPrefix=params["metadataPrefix"])
            except RetryLaterError:
                raise
            except HarvestError as exc:
                failed += 1
                quarantine.append(QuarantineItem(identifier, f"GetRecord failed: {exc}"))
                continue
            fetched += 1
            for record in got.records:
                item = to_item(record)
                if isinstance(item, QuarantineItem):
                    quarantine.append(item)
                elif item is not None:
                    items.append(item)
        pages += 1
        counts += store.save_page(run_id, items, state, quarantine)
        progress(f"[{source.name}] fallback page {pages}: {listed:,} identifiers listed, "
                 f"{fetched:,} fetched by GetRecord, {failed:,} failed")
        token = page.token.value if page.token is not None and page.token.value else None
        if token is None:
            return FallbackResult(counts, listed, fetched, failed == 0,
                                  f"{failed} record(s) could not be fetched" if failed else None)
        if token == list_params.get("resumptionToken"):
            return FallbackResult(counts, listed, fetched, False,
                                  f"ListIdentifiers repeated resumptionToken {token!r}")
        list_params = {"resumptionToken": token}
