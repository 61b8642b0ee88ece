"""The sources file of a long-lived process (``oer schedule``), re-read when it changes.

A librarian edits the sources file while ``oer schedule`` runs: adds a source, disables
one, changes a schedule. :class:`ConfigWatch` holds the configuration last read and,
each time it is asked (:meth:`ConfigWatch.current`), looks whether the file changed:

- cheaply first: ``stat`` (modification time in ns, size, inode) against the last look;
  only when that differs is the file read, and only when its SHA-256 differs from the
  version last seen is it parsed, by the one loader (:func:`harvester.config.load_config`).
  A ``touch`` or a save without changes re-reads a few KB and parses nothing.
- a version read within :data:`RACY_WINDOW_NS` of its modification time is looked at
  again next time even if ``stat`` is unchanged, as Git does for "racily clean" index
  entries: a second save in the same timestamp tick with the same size would otherwise
  go unseen on file systems with coarse timestamps (FAT: 2 s).
- an edit that does not validate (or a file that is missing or unreadable) never
  replaces the running configuration: its message, as the loader words it, is logged
  once per bad version (again only after another version was seen; ERROR: the process's
  stderr and ``logs/oer.log``), the last good configuration stays in effect, and the file
  is taken again once it is fixed.
  :attr:`ConfigWatch.error` says meanwhile why the file on disk is not the one in effect.

Thread-safe: APScheduler computes next due times in its own thread and runs batches in
worker threads.

Ref: Git, ``Documentation/technical/racy-git.txt`` (timestamps that cannot tell two saves
apart).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from harvester.config import Config, load_config
from harvester.errors import ConfigError

log = logging.getLogger(__name__)

RACY_WINDOW_NS = 2_000_000_000
"""A file modified this close (ns) before we read it is read again at the next look even
when its ``stat`` is unchanged (FAT's 2 s timestamps are the coarsest in common use)."""

_SETTINGS = tuple(name for name in Config.model_fields if name != "sources")


class ConfigWatch:
    """The sources file, re-read when it changes; the last good version when it is invalid.

    Args:
        path: The sources file (``oer --config``, ``OER_CONFIG`` or
            ``config/sources.toml``); made absolute, so a later ``chdir`` cannot move it.

    Attributes:
        path: The absolute path watched.

    Raises:
        ConfigError: the file is missing or invalid now (the process should not start).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path).absolute()
        self._lock = threading.Lock()
        self._signature: tuple[int, int, int] | None = None
        self._racy = True
        self._digest: str | None = None
        self._error: str | None = None
        self._loaded_at: datetime | None = None
        self._config = Config()
        self._look(strict=True)

    @property
    def error(self) -> str | None:
        """Why the file on disk is not in effect (the loader's message), or ``None``."""
        return self._error

    @property
    def loaded_at(self) -> datetime:
        """When (UTC) the configuration in effect was read."""
        return self._loaded_at

    def current(self) -> Config:
        """The configuration to use now: the file's, re-read if it changed, else the last good.

        Returns:
            The validated configuration; the same object as last time when the file did
            not change or does not validate.
        """
        with self._lock:
            self._look(strict=False)
            return self._config

    def _look(self, *, strict: bool) -> None:
        try:
            stat = self.path.stat()
        except OSError:
            self._signature = None
            self._load("missing", strict)  # the loader says so ("… not found: path")
            return
        signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if signature == self._signature and not self._racy:
            return
        read_ns = time.time_ns()
        try:
            data = self.path.read_bytes()
        except OSError:
            self._signature = None
            self._load("unreadable", strict)
            return
        self._signature = signature
        self._racy = stat.st_mtime_ns >= read_ns - RACY_WINDOW_NS
        digest = hashlib.sha256(data).hexdigest()
        if digest != self._digest:
            self._load(digest, strict)

    def _load(self, version: str, strict: bool) -> None:
        """Parse the file (again: a save after our read is seen at the next look)."""
        try:
            config = load_config(self.path)
        except (ConfigError, OSError) as exc:
            if strict and isinstance(exc, ConfigError):
                raise
            if strict:
                raise ConfigError(f"{self.path}: {exc.strerror or exc}") from exc
            if version != self._digest:  # once per bad version (again only after another)
                log.error("%s\n  still running the configuration read at %s; the file is "
                          "read again once it changes", exc,
                          self._loaded_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
            self._digest, self._error = version, str(exc)
            return
        old, recovered = self._config, self._error is not None
        self._config, self._digest, self._error = config, version, None
        self._loaded_at = datetime.now(UTC)
        if not strict:
            log.info("%s %s: reloaded (%s)", self.path,
                     "is valid again" if recovered else "changed", describe_change(old, config))


def describe_change(old: Config, new: Config) -> str:
    """What an edit changed, for the log: sources added, removed, changed (which fields).

    Args:
        old: The configuration that was in effect.
        new: The one read now.

    Returns:
        ``"added: oapen; changed: doab (enabled); settings: schedule"``, or
        ``"nothing in effect"`` when only comments or layout changed.
    """
    added = [n for n in new.sources if n not in old.sources]
    removed = [n for n in old.sources if n not in new.sources]
    changed = []
    for name in new.sources:
        before, after = old.sources.get(name), new.sources[name]
        if before is None or before == after:
            continue
        if type(before) is not type(after):
            changed.append(f"{name} (kind)")
        else:
            fields = [f for f in type(after).model_fields if getattr(before, f) != getattr(after, f)]
            changed.append(f"{name} ({', '.join(fields)})")
    parts = [f"{label}: {', '.join(names)}" for label, names in
             (("added", added), ("removed", removed), ("changed", changed)) if names]
    settings = [s for s in _SETTINGS if getattr(old, s) != getattr(new, s)]
    if settings:
        parts.append(f"settings: {', '.join(settings)}")
    return "; ".join(parts) or "nothing in effect"
