"""Whoosh index writers: plain segment files, and parallel bulk loads of fresh indexes.

Part of the Whoosh seam (:mod:`indexer.whoosh_backend`). Two kinds of write:

- **sync** (a few changes into an existing index): one in-process writer,
  ``update_document`` (replace by ``id``), Whoosh's default pool (``limitmb=128``);
- **bulk load** (records none of which is in the index yet: a rebuild into a fresh
  generation, the first harvest into an empty index): ``add_document`` (no look-up of the
  id to replace) in one writer with a :data:`BULK_LIMIT_MB` pool, in :func:`bulk_procs` worker processes
  when there are enough records (Whoosh's ``MpWriter``, ``multisegment``: each worker
  writes its own segment, nothing is re-merged at commit).

Every writer commits **plain segment files** (``compound=False``), merges included (a
merge writes the merged segment with the writer's own setting). Whoosh's default
compound file hands its parts to readers as in-memory copies (``BufferFile`` in
``whoosh/filedb/compound.py``): opening and searching a 100k-record index cost +360 MB
RSS that way (bench/RESULTS.md, R2). Compound segments of indexes written before are
still read (each segment says whether it is compound) and disappear with the next merge
or rebuild.

Posting lists are written in blocks of :data:`POSTING_BLOCK` postings (Whoosh's default is
128): the fast search path reads whole lists block by block, and each block costs a seek
and an unpickle, so larger blocks halve a first search's reading time (10k records, cold
p95 of one-term queries 15 → 5 ms; bench/RESULTS.md). Whoosh's own matchers skip inside a
block as before; the block size is read from each block, so indexes written with other
sizes stay readable.

Worker processes: on Linux they are forked (the interpreter's default start method); the
documents travel to them pickled in temporary job files, and the schema (with
:class:`~indexer.whoosh_backend.schema.LanguageTokenizer`) is pickled in the index's TOC,
so every analyser must pickle (the tests check it). Workers are daemonic and terminated on
cancel, so an interrupted load never leaves orphans waiting on their job queue. Whoosh's
``MpWriter`` silently drops the documents of a worker that died (it waits 1 s for each
result); :func:`bulk_add` therefore compares the index's document count before and after.

Ref: Whoosh 2.7 documentation, "How to index documents" (``limitmb``, ``procs``,
``multisegment``), https://whoosh.readthedocs.io/en/latest/batch.html .
"""

from __future__ import annotations

import os
import queue
from collections.abc import Iterable

from whoosh.codec.whoosh3 import W3Codec
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

#: Environment variable overriding the number of bulk-load processes (an integer >= 1;
#: 1 indexes in this process).
PROCS_ENV = "OER_INDEX_PROCS"

#: Upper bound of the automatic process count (measured on 2 cores only; more workers
#: than that are untested, see bench/RESULTS.md).
MAX_AUTO_PROCS = 4

#: Fewer records than this are bulk-loaded in this process: starting workers and writing
#: one segment each costs more than it saves on small loads.
PARALLEL_MIN_RECORDS = 5000

#: Posting pool of an in-process writer, MB (Whoosh's default).
SYNC_LIMIT_MB = 128

#: Posting pool of each bulk-load writer (each worker has its own), MB. Whoosh counts
#: postings, not Python objects: a 128 MB pool made a 20k-record rebuild's process peak at
#: 334 MB, 32 MB at 219 MB, in the same time (runs spilled to disk are merged at commit;
#: bench/RESULTS.md, round 3).
BULK_LIMIT_MB = 32

#: Documents per job file handed to a worker (Whoosh's ``batchsize``).
JOB_DOCS = 100


class IndexWorkerError(RuntimeError):
    """A bulk-load worker process failed: the commit is missing some documents."""


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one), >= 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def bulk_procs(size_hint: int | None = None, *, environ: dict[str, str] | None = None) -> int:
    """How many processes a bulk load of about ``size_hint`` records uses.

    Args:
        size_hint: Expected number of records (``None``: unknown, taken as large).
        environ: The environment to read :data:`PROCS_ENV` from (default ``os.environ``).

    Returns:
        :data:`PROCS_ENV` when set; else 1 below :data:`PARALLEL_MIN_RECORDS` records,
        else the available CPUs, at most :data:`MAX_AUTO_PROCS`.

    Raises:
        ValueError: when :data:`PROCS_ENV` is set but is not an integer >= 1.
    """
    raw = (os.environ if environ is None else environ).get(PROCS_ENV, "").strip()
    if raw:
        try:
            procs = int(raw)
        except ValueError:
            procs = 0
        if procs < 1:
            raise ValueError(f"{PROCS_ENV} must be an integer >= 1, got {raw!r}")
        return procs
    if size_hint is not None and size_hint < PARALLEL_MIN_RECORDS:
        return 1
    return min(available_cpus(), MAX_AUTO_PROCS)


class _Jobs:
    """The job queue of a parallel writer, safe against dead processes on both sides.

    Whoosh's ``MpWriter`` blocks forever in two cases: the parent puts a job while every
    worker is dead (the queue holds ``4 × procs`` jobs), and a worker waits for jobs from
    a parent killed by SIGKILL or the OOM killer. Here the parent's ``put`` raises
    :class:`IndexWorkerError` once a worker has died, and a worker's ``get`` exits once it
    has been re-parented.
    """

    def __init__(self, jobs, tasks: list, poll_s: float = 1.0) -> None:
        self._jobs = jobs
        self._tasks = tasks  # the parent's list of workers (not sent to workers)
        self._parent_pid = os.getpid()
        self._poll_s = poll_s

    def __getstate__(self) -> dict:  # a spawned worker gets the queue, not the workers
        return {**self.__dict__, "_tasks": []}

    def put(self, item) -> None:
        while True:
            try:
                return self._jobs.put(item, timeout=self._poll_s)
            except queue.Full:
                dead = [t for t in self._tasks if t.exitcode not in (None, 0)]
                if dead:
                    raise IndexWorkerError(
                        f"index worker {dead[0].pid} died (exit code {dead[0].exitcode})"
                    ) from None

    def get(self):
        while True:
            try:
                return self._jobs.get(timeout=self._poll_s)
            except queue.Empty:
                if os.getppid() != self._parent_pid:
                    os._exit(1)


class _WorkerWriter(MpWriter):
    """Whoosh's ``MpWriter`` with daemonic workers that ``cancel`` really stops, and a
    job queue that notices dead processes (:class:`_Jobs`).

    ``MpWriter.cancel`` only flags its copies of the worker objects; the workers would
    wait on the job queue forever (and the interpreter would wait for them at exit).
    """

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.jobqueue = _Jobs(self.jobqueue, self.tasks)

    def _new_task(self):
        task = SubWriterTask(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                             self.subargs, self.multisegment)
        task.daemon = True
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        try:
            for task in self.tasks:
                if task.is_alive():
                    task.terminate()
                task.join(5)
        finally:
            SegmentWriter.cancel(self)


#: Postings per block of a posting list (Whoosh's ``W3Codec`` ``blocklimit``; default 128).
POSTING_BLOCK = 1024


def live_documents(ix) -> int:
    """Undeleted documents of the index's latest generation, from its TOC (no reader)."""
    return sum(segment.doc_count() for segment in ix._segments())


def open_writer(ix, *, timeout_s: float, procs: int = 1, limitmb: int = SYNC_LIMIT_MB):
    """A writer of ``ix`` that commits plain segment files.

    Args:
        ix: An open ``whoosh.index.FileIndex``.
        timeout_s: Seconds to wait for the index's write lock.
        procs: Processes (> 1: a parallel writer for ``add_document`` only, one
            segment per worker at commit).
        limitmb: Posting pool size of each writer process, MB.

    Returns:
        A Whoosh writer; commit or cancel it.

    Raises:
        whoosh.index.LockError: when the lock is not obtained within ``timeout_s``.
    """
    codec = W3Codec(blocklimit=POSTING_BLOCK)
    if procs > 1:
        return _WorkerWriter(ix, procs=procs, batchsize=JOB_DOCS, multisegment=True,
                             timeout=timeout_s, limitmb=limitmb, compound=False, codec=codec)
    return SegmentWriter(ix, timeout=timeout_s, limitmb=limitmb, compound=False, codec=codec)


def bulk_add(ix, documents: Iterable[dict[str, object]], *, timeout_s: float,
             procs: int = 1, limitmb: int = BULK_LIMIT_MB) -> int:
    """Add documents with ``add_document`` in one writer and one commit.

    Precondition (not checked): no document's ``id`` is in the index already or repeats
    in ``documents``; otherwise both copies are indexed.

    Args:
        ix: An open ``whoosh.index.FileIndex``.
        documents: ``add_document`` keyword arguments, consumed lazily.
        timeout_s: Seconds to wait for the index's write lock.
        procs: Processes (see :func:`open_writer`).
        limitmb: Posting pool size of each writer process, MB.

    Returns:
        The number of documents added.

    Raises:
        whoosh.index.LockError: when the lock is not obtained within ``timeout_s``.
        IndexWorkerError: when a worker died: before the commit (nothing committed), or
            found after it by the document count (the commit lacks that worker's
            documents; ``last_seq`` is then not advanced, so the next sync, an upsert
            of the same changes, completes the index).
    """
    before = live_documents(ix)
    writer = open_writer(ix, timeout_s=timeout_s, procs=procs, limitmb=limitmb)
    added = 0
    try:
        for fields in documents:
            writer.add_document(**fields)
            added += 1
        if added == 0:
            writer.cancel()
            return 0
        writer.commit()
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    after = live_documents(ix)
    if after != before + added:
        raise IndexWorkerError(
            f"{before + added - after} of {added} documents missing after the commit "
            f"({procs} processes): an index worker failed (see its error above)")
    return added
