"""What the harvesters hand the store and what it keeps about runs and sources.

:class:`StoredItem` (one harvested record, its exact bytes and its normalised
:class:`~harvester.record.Resource`), :class:`QuarantineItem` (a record set aside with its
reason), :class:`SourceState` (a source's harvest state, saved with every page) and
:class:`RunCounts` (a page's or a run's counts). :mod:`harvester.store` re-exports them all.

Ref: OAI-PMH 2.0 §2.5.1 (deleted records), §3.5 (resumption tokens),
http://www.openarchives.org/OAI/openarchivesprotocol.html .
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime

from harvester.frozen import fast_init
from harvester.record import Resource

__all__ = ["STATUSES", "QuarantineItem", "RunCounts", "SourceState", "StoredItem", "utc_now"]

STATUSES = ("complete", "incomplete", "deferred", "failed")
"""Run and source statuses: a list harvested to its end; stopped before its end
(resumable); postponed because the server asked us to wait; failed with an error."""


@fast_init  # one per harvested record: same __init__, half the cost
@dataclass(frozen=True, slots=True)
class StoredItem:
    """One record as the harvester hands it to the store.

    Attributes:
        record_id: Our id, ``"{source}:{oai_identifier}"``.
        oai_identifier: The header identifier.
        datestamp: The header datestamp as given.
        deleted: The header said ``status="deleted"``.
        raw: The record's exact bytes in the response.
        encoding: The response's encoding (``raw`` is in it).
        namespaces: Namespace declarations in scope, to re-parse ``raw`` alone.
        resource: The normalised record, ``None`` for a deleted record.
    """

    record_id: str
    oai_identifier: str
    datestamp: str
    deleted: bool
    raw: bytes
    encoding: str
    namespaces: dict
    resource: Resource | None


@dataclass(frozen=True, slots=True)
class QuarantineItem:
    """A record set aside: unreadable XML, no header, or a mapping error.

    Attributes:
        oai_identifier: Its header identifier when known, else ``None``.
        reason: Why it was set aside.
        raw: Its bytes as received (may be empty when nothing could be fetched).
    """

    oai_identifier: str | None
    reason: str
    raw: bytes = b""


@dataclass(frozen=True, slots=True)
class SourceState:
    """A source's harvest state, saved after every stored page.

    Attributes:
        source: Source name.
        status: One of :data:`STATUSES`, or ``None`` before the first run.
        watermark: The ``from`` of the next incremental run: the server's
            ``responseDate`` at the start of the last complete run, minus one
            granularity unit (OAI-PMH 2.0 §3.3.1; case C23). ``None``: harvest all.
        token: Resumption token of the next page of an unfinished list, or ``None``.
        list_from: ``from`` of the current list (kept to restart it, case C7).
        list_until: ``until`` of the current list.
        list_response_date: ``responseDate`` at the start of the current list.
        run_id: The run that last wrote this state.
        pages: Pages stored in the current list.
        seen: Records (deleted included) stored in the current list.
        not_before: UTC ISO time before which the source must not be asked (deferred).
    """

    source: str
    status: str | None = None
    watermark: str | None = None
    token: str | None = None
    list_from: str | None = None
    list_until: str | None = None
    list_response_date: str | None = None
    run_id: int | None = None
    pages: int = 0
    seen: int = 0
    not_before: str | None = None


@dataclass(frozen=True, slots=True)
class RunCounts:
    """Counts of one page or one run: records added, updated, deleted, unchanged,
    and quarantined (set aside with a reason, see :class:`QuarantineItem`)."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    quarantined: int = 0

    def __add__(self, other: RunCounts) -> RunCounts:
        return RunCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def total(self) -> int:
        """All records counted."""
        return self.added + self.updated + self.deleted + self.unchanged


def utc_now() -> str:
    """Now, UTC, ISO 8601 with seconds and ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
