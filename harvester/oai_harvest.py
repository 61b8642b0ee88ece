"""The OAI-PMH harvest of one source: Identify, then the ListRecords page loop.

Our code owns the loop (not sickle's iterator):

1. ``Identify`` first: granularity, earliestDatestamp, deletedRecord, and the
   server's ``responseDate`` that becomes the next watermark (OAI-PMH 2.0 §4.2).
2. ``ListRecords`` with ``metadataPrefix``, optional ``set``, ``from``/``until``
   (formatted in the declared granularity, §3.3.1), or resume with the saved
   resumption token of an unfinished list.
3. Each page is validated, mapped, and stored with the source state in one
   transaction; a progress line goes to stderr.
4. The list ends on an absent or empty ``resumptionToken`` (§3.5). Guards: a repeated
   token (C4), too many empty pages in a row (C5), fewer records than
   ``completeListSize`` (C6) all end the run *incomplete*; ``badResumptionToken`` restarts
   the list from its original arguments a bounded number of times (C7);
   ``noRecordsMatch`` is an empty, complete list (C8).
5. Only a complete run advances the watermark: the Identify ``responseDate`` minus
   one granularity unit of overlap (C23).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from harvester.config import HarvestSettings, OAISource
from harvester.crosswalks import (
    XML_MAPPERS,
    choose_format,
    mapper_for,
    read_metadata_formats,
)
from harvester.errors import (
    ConfigError,
    HarvestError,
    HTTPStatusError,
    OAIProtocolError,
    RetryLaterError,
    TransportError,
)
from harvester.interrupt import STOP
from harvester.oai_client import ClientSettings, OAIClient, RetryPolicy
from harvester.oai_fallback import fetch_by_identifiers
from harvester.oai_response import OAIPage, OAIRecord
from harvester.store import QuarantineItem, RunCounts, SourceState, Store, StoredItem

log = logging.getLogger(__name__)

MAPPERS = XML_MAPPERS
"""metadataPrefix → crosswalk to :class:`harvester.record.Resource` (see harvester.crosswalks)."""
AUTO = "auto"
"""``metadata_prefix`` value that chooses the format from ListMetadataFormats."""

DAY = "YYYY-MM-DD"
SECONDS = "YYYY-MM-DDThh:mm:ssZ"


@dataclass(frozen=True, slots=True)
class Identity:
    """What ``Identify`` told us (OAI-PMH 2.0 §4.2).

    Attributes:
        granularity: ``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm:ssZ``.
        earliest_datestamp: The repository's earliest datestamp, as given.
        deleted_record: ``no``, ``transient`` or ``persistent``.
        response_date: The Identify response's ``responseDate``.
        repository_name: ``repositoryName``.
    """

    granularity: str
    earliest_datestamp: str
    deleted_record: str
    response_date: str
    repository_name: str

    @classmethod
    def from_page(cls, page: OAIPage) -> Identity:
        """Read an Identify response; an unknown granularity is taken as day granularity."""
        ns = page.element.nsmap.get(None) or "http://www.openarchives.org/OAI/2.0/"

        def text(name: str) -> str:
            return (page.element.findtext("{%s}%s" % (ns, name)) or "").strip()

        granularity = text("granularity")
        return cls(granularity=granularity if granularity == SECONDS else DAY,
                   earliest_datestamp=text("earliestDatestamp"),
                   deleted_record=text("deletedRecord"),
                   response_date=page.response_date,
                   repository_name=text("repositoryName"))


@dataclass(frozen=True, slots=True)
class RunReport:
    """The outcome of one source's run.

    Attributes:
        source: Source name.
        status: ``complete``, ``incomplete``, ``deferred`` or ``failed``.
        run_id: The run's id in the store (``None`` if no run was started).
        counts: Records added / updated / deleted / unchanged in this run.
        pages: Pages stored in this run.
        skipped: Records skipped (no header id, no metadata, mapping error).
        expected: The server's last ``completeListSize``, when it sent one.
        message: Why the run is not complete, or ``None``.
    """

    source: str
    status: str
    run_id: int | None
    counts: RunCounts
    pages: int = 0
    skipped: int = 0
    expected: int | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        """True for a complete run."""
        return self.status == "complete"


def format_datestamp(value: str, granularity: str) -> str:
    """Format a date for ``from``/``until`` in the repository's granularity.

    Args:
        value: ``YYYY-MM-DD`` or an ISO 8601 UTC datetime (``…Z`` or ``+00:00``).
        granularity: The granularity Identify declared.

    Returns:
        ``YYYY-MM-DD`` for day granularity (C22); otherwise the value as given for a
        day, or ``YYYY-MM-DDThh:mm:ssZ`` for a datetime.

    Raises:
        ConfigError: the value is not an ISO 8601 date. Ref: OAI-PMH 2.0 §3.3.1.
    """
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ConfigError(f"not an ISO 8601 date: {value!r}") from exc
    if granularity == DAY:
        return parsed.strftime("%Y-%m-%d")
    if len(value.strip()) == 10:
        return value.strip()
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


def watermark_from(response_date: str, granularity: str) -> str | None:
    """The next ``from``: ``responseDate`` minus one granularity unit (C23), or None."""
    try:
        when = datetime.fromisoformat(response_date.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    if granularity == DAY:
        return (when - timedelta(days=1)).strftime("%Y-%m-%d")
    return (when - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def client_for(source: OAISource, settings: HarvestSettings) -> OAIClient:
    """An :class:`OAIClient` for ``source`` with the configured timeouts and retries."""
    return OAIClient(source.base_url, ClientSettings(
        connect_timeout_s=settings.connect_timeout_s, read_timeout_s=settings.read_timeout_s,
        retry=RetryPolicy(max_retries=settings.max_retries,
                          backoff_base_s=settings.backoff_base_s,
                          max_retry_after_s=settings.max_retry_after_s),
        contact=settings.contact))


def stderr_progress(line: str) -> None:
    """Print a progress line to stderr (data goes to stdout)."""
    print(line, file=sys.stderr, flush=True)


def harvest_source(source: OAISource, store: Store, *, settings: HarvestSettings | None = None,
                   client: OAIClient | None = None, full: bool = False,
                   from_date: str | None = None,
                   progress: Callable[[str], None] = stderr_progress) -> RunReport:
    """Harvest one OAI-PMH source into ``store``, resuming an unfinished list.

    Args:
        source: The source to harvest.
        store: Where pages, runs and state are written.
        settings: Timeouts, retries and loop guards; defaults when ``None``.
        client: A ready client (tests); built from ``settings`` when ``None``.
        full: Ignore the watermark and any saved token: harvest everything.
        from_date: An explicit ``from`` (ISO 8601), overriding the watermark.
        progress: Receives one line per stored page.

    Returns:
        The run's report. Errors are reported, not raised, so one failing source
        never stops the others.

    Raises:
        ConfigError: the source's ``metadataPrefix`` has no mapping.
    """
    settings = settings or HarvestSettings()
    mapper = MAPPERS.get(source.metadata_prefix)
    if mapper is None and source.metadata_prefix != AUTO:
        raise ConfigError(f"[{source.name}] no mapping for metadataPrefix "
                          f"{source.metadata_prefix!r} (have: {', '.join(MAPPERS)}, or auto)")
    state = store.load_state(source.name)
    if state.not_before and not full and state.not_before > _now_iso():
        message = f"deferred until {state.not_before} (server asked us to wait)"
        progress(f"[{source.name}] {message}")
        return RunReport(source.name, "deferred", None, RunCounts(), message=message)
    client = client or client_for(source, settings)
    try:
        identity = Identity.from_page(client.request("Identify"))
    except HarvestError as exc:
        run_id = store.start_run(source.name, None, None, None)
        return _finish(store, run_id, source, state, _failure(exc), RunCounts(), 0, 0, None)
    log.info("[%s] Identify: %s, granularity %s, deletedRecord %s, earliest %s",
             source.name, identity.repository_name, identity.granularity,
             identity.deleted_record, identity.earliest_datestamp)
    if mapper is None:
        try:
            source, mapper = _choose_format(client, source)
        except HarvestError as exc:
            run_id = store.start_run(source.name, None, None, None)
            return _finish(store, run_id, source, state, _failure(exc), RunCounts(), 0, 0, None)
        progress(f"[{source.name}] harvesting metadataPrefix {source.metadata_prefix} "
                 "(chosen from ListMetadataFormats)")

    resume = bool(state.token) and not full and from_date is None
    if resume:
        list_from, list_until = state.list_from, state.list_until
        response_date = state.list_response_date or identity.response_date
        pages, seen = state.pages, state.seen
        params = {"resumptionToken": state.token}
        progress(f"[{source.name}] resuming an unfinished list at page {pages + 1}")
    else:
        list_from = (format_datestamp(from_date, identity.granularity) if from_date
                     else None if full else state.watermark)
        list_until = format_datestamp(source.until, identity.granularity) if source.until else None
        response_date = identity.response_date
        pages = seen = 0
        params = _first_params(source, list_from, list_until)
    run_id = store.start_run(source.name, list_from, list_until, response_date)
    state = replace(state, status="incomplete", list_from=list_from, list_until=list_until,
                    list_response_date=response_date, run_id=run_id, pages=pages, seen=seen,
                    not_before=None)
    counts, run_pages, skipped, restarts, empty_pages = RunCounts(), 0, 0, 0, 0
    expected: int | None = None
    outcome: tuple[str, str | None, str | None] = ("complete", None, None)
    tokens: set[str] = set()
    resumable = False
    try:
        while True:
            try:
                page = client.request("ListRecords", **params)
            except OAIProtocolError as exc:
                if exc.code == "noRecordsMatch" and "resumptionToken" not in params:
                    break  # C8: nothing new in the window; a complete, empty list
                if (exc.code == "badResumptionToken" and "resumptionToken" in params
                        and restarts < settings.max_restarts):
                    restarts += 1  # C7: start the list again; stored records are unchanged
                    progress(f"[{source.name}] resumptionToken rejected; restarting the list "
                             f"({restarts}/{settings.max_restarts})")
                    params, pages, seen, expected = _first_params(source, list_from, list_until), 0, 0, None
                    tokens.clear()
                    continue
                raise
            items, page_skipped, quarantine = _items(source, page, mapper)
            skipped += page_skipped
            token = page.token
            next_token = token.value if token is not None and token.value else None
            if token is not None and token.complete_list_size is not None:
                expected = token.complete_list_size
            on_page = len(page.records) + len(page.quarantined)
            pages, run_pages, seen = pages + 1, run_pages + 1, seen + on_page
            repeated = next_token is not None and (next_token in tokens
                                                   or next_token == params.get("resumptionToken"))
            state = replace(state, token=None if repeated else next_token, pages=pages, seen=seen)
            counts += store.save_page(run_id, items, state, quarantine)
            progress(_progress_line(source.name, pages, on_page, seen, counts, expected))
            empty_pages = empty_pages + 1 if not on_page else 0
            if next_token is None:
                if expected is not None and seen < expected:
                    outcome = ("incomplete", f"list ended without a resumptionToken after "
                               f"{seen:,} of {expected:,} records (completeListSize); "
                               f"{expected - seen:,} missing", None)
                break
            if repeated:
                outcome = ("incomplete", f"server repeated resumptionToken {next_token!r}; "
                           "stopped to avoid an endless loop", None)
                break
            if STOP.is_set():
                outcome = ("incomplete", f"stopped on request after page {pages}; "
                           "the next run resumes here", None)
                resumable = True
                break
            if empty_pages >= settings.max_empty_pages:
                outcome = ("incomplete", f"{empty_pages} empty pages in a row; stopped", None)
                break
            tokens.add(next_token)
            params = {"resumptionToken": next_token}
    except (HTTPStatusError, TransportError) as exc:
        progress(f"[{source.name}] ListRecords keeps failing ({exc}); falling back to "
                 "ListIdentifiers + GetRecord for the same window")
        try:
            result = fetch_by_identifiers(
                client, source, store, run_id, state, _first_params(source, list_from, list_until),
                lambda rec: _to_item(source, rec, "UTF-8", mapper), progress)
        except HarvestError as exc2:
            outcome = _failure(exc2)
        else:
            counts += result.counts
            degraded = (f"degraded: ListRecords failed ({type(exc).__name__}: {exc}); "
                        f"{result.listed:,} identifiers listed, {result.fetched:,} records "
                        "fetched by GetRecord")
            status = ("complete" if result.complete
                      else "failed" if result.listed == 0 else "incomplete")  # C11: server down
            outcome = (status, degraded + (f"; {result.message}" if result.message else ""), None)
    except HarvestError as exc:
        outcome = _failure(exc)
    return _finish(store, run_id, source, state, outcome, counts, run_pages, skipped, expected,
                   identity=identity, resumable=resumable)


def _choose_format(client: OAIClient, source: OAISource) -> tuple[OAISource, Callable]:
    """ListMetadataFormats → the richest format we map (OAI-PMH 2.0 §4.4).

    Raises:
        ConfigError: the server offers no format we map (and prefer).
    """
    formats = read_metadata_formats(client.request("ListMetadataFormats").element)
    prefix = choose_format(formats, source.preferred_formats, namespaces=formats)
    if prefix is None:
        raise ConfigError(f"[{source.name}] offers no format we map: {', '.join(formats)}")
    return (source.model_copy(update={"metadata_prefix": prefix}),
            mapper_for(prefix, formats.get(prefix)))


def _first_params(source: OAISource, list_from: str | None,
                  list_until: str | None) -> dict[str, str]:
    params = {"metadataPrefix": source.metadata_prefix}
    if source.set_spec:
        params["set"] = source.set_spec
    if list_from:
        params["from"] = list_from
    if list_until:
        params["until"] = list_until
    return params


def _items(source: OAISource, page: OAIPage, mapper: Callable
           ) -> tuple[list[StoredItem], int, list[QuarantineItem]]:
    """Map a page's records one by one.

    Returns:
        (records to store, records skipped, records quarantined). Skipped: on the
        source's skip list, or a header without identifier or metadata (C25).
        Quarantined: unreadable (C26) or failing to map, kept with the reason.
    """
    items, skipped = [], 0
    quarantine = [QuarantineItem(q.identifier, q.reason, q.raw) for q in page.quarantined]
    for q in page.quarantined:
        log.warning("[%s] quarantined %s: %s", source.name, q.identifier or "a record", q.reason)
    for rec in page.records:
        item = _to_item(source, rec, page.encoding, mapper)
        if item is None:
            skipped += 1
        elif isinstance(item, QuarantineItem):
            quarantine.append(item)
        else:
            items.append(item)
    return items, skipped, quarantine


def _to_item(source: OAISource, rec: OAIRecord, encoding: str,
             mapper: Callable) -> StoredItem | QuarantineItem | None:
    """One record → what the store takes; ``None`` when it is skipped (logged)."""
    if not rec.identifier or rec.identifier in source.skip_identifiers:
        log.warning("[%s] skipped %s", source.name,
                    f"{rec.identifier}: on the skip list" if rec.identifier
                    else "a record without header identifier")
        return None
    if rec.repairs:
        log.warning("[%s] %s repaired: %s", source.name, rec.identifier, "; ".join(rec.repairs))
    resource = None
    if not rec.deleted:
        if rec.metadata is None:
            log.warning("[%s] skipped %s: no metadata and not deleted", source.name,
                        rec.identifier)
            return None
        try:
            resource = mapper(rec.metadata, source=source.name, oai_identifier=rec.identifier,
                              datestamp=rec.datestamp, set_specs=rec.set_specs)
        except Exception as exc:  # one bad record never stops a harvest
            log.exception("[%s] quarantined %s: mapping failed", source.name, rec.identifier)
            return QuarantineItem(rec.identifier, f"mapping failed: {exc!r}", rec.raw)
    return _stored(f"{source.name}:{rec.identifier}", rec, encoding, resource)


def _stored(record_id: str, rec: OAIRecord, encoding: str, resource) -> StoredItem:
    return StoredItem(record_id=record_id, oai_identifier=rec.identifier, datestamp=rec.datestamp,
                      deleted=rec.deleted, raw=rec.raw, encoding=encoding,
                      namespaces={k or "": v for k, v in rec.namespaces.items()},
                      resource=resource)


def _failure(exc: HarvestError) -> tuple[str, str | None, str | None]:
    """(status, message, not_before) for an error that ended a run."""
    where = f" ({exc.url})" if exc.url else ""
    if isinstance(exc, RetryLaterError):
        not_before = exc.not_before.strftime("%Y-%m-%dT%H:%M:%SZ")
        return "deferred", f"{exc}{where}; deferred until {not_before}", not_before
    return "failed", f"{type(exc).__name__}: {exc}{where}", None


def _finish(store: Store, run_id: int, source: OAISource, state: SourceState,
            outcome: tuple[str, str | None, str | None], counts: RunCounts, pages: int,
            skipped: int, expected: int | None, identity: Identity | None = None,
            resumable: bool = False) -> RunReport:
    status, message, not_before = outcome
    if status == "complete":
        watermark = (watermark_from(state.list_response_date or "", identity.granularity)
                     if identity else state.watermark)
        state = replace(state, watermark=watermark or state.watermark, token=None,
                        list_from=None, list_until=None, list_response_date=None, pages=0, seen=0)
    elif status == "incomplete" and message and not resumable:
        state = replace(state, token=None)  # a broken list is restarted next time, not resumed
    state = replace(state, status=status, not_before=not_before, run_id=run_id)
    notes = [f"{n} record(s) {what}" for n, what in ((skipped, "skipped"),
                                                      (counts.quarantined, "quarantined")) if n]
    if notes:
        message = "; ".join(([message] if message else []) + notes)
    store.finish_run(run_id, status, message, state)
    if message:
        log.warning("[%s] %s: %s", source.name, status, message)
    return RunReport(source.name, status, run_id, counts, pages, skipped, expected, message)


def _progress_line(name: str, page: int, on_page: int, seen: int, counts: RunCounts,
                   expected: int | None) -> str:
    tail = f"; ~{expected:,} expected" if expected is not None else ""
    held = f", {counts.quarantined:,} quarantined" if counts.quarantined else ""
    return (f"[{name}] page {page}: +{on_page:,} records "
            f"({seen:,} total, {counts.deleted:,} deleted{held}{tail})")


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
