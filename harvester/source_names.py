"""One source name, one repository: refuse an ad-hoc harvest that would mix two.

A source's records (ids ``<source>:<oai identifier>``) and its watermark live under its
name. ``oer harvest --oai URL --name NAME`` (or ``--sitemap``) reusing a NAME that a
configured source, or an earlier harvest in the store, gave to another URL would mix
two repositories' records and make them share one watermark, so a later incremental
harvest of either skips records. :func:`name_conflict` is the one check for both cases;
the store remembers each source's URL (:meth:`harvester.store.Store.source_url`, written
by :mod:`harvester.runner` on every harvest).

Ref: OAI-PMH 2.0 §3.3.1 (selective harvesting: ``from`` is per repository),
https://www.openarchives.org/OAI/openarchivesprotocol.html#SelectiveHarvestingandDatestamps
"""

from __future__ import annotations

from pathlib import Path

from harvester.config import Config
from harvester.store import Store

__all__ = ["name_conflict", "source_url"]


def source_url(source: object) -> str | None:
    """The URL that identifies where ``source`` is harvested from.

    Args:
        source: Any source of the sources file (OAI, sitemap, API, spider).

    Returns:
        Its ``base_url`` (OAI-PMH base URL, API base URL), else its ``start_urls``
        joined by spaces (sitemap, spider), else ``None``.
    """
    base_url = getattr(source, "base_url", None)
    if base_url:
        return base_url
    start_urls = getattr(source, "start_urls", ())
    return " ".join(start_urls) or None


def name_conflict(name: str, url: str, *, config: Config, store_path: Path) -> str | None:
    """Why an ad-hoc harvest of ``url`` may not be stored under ``name``, or ``None``.

    The name is taken when a configured source of that name, or the store's last
    harvest of that name, has another URL (compared exactly, as
    :func:`source_url` gives it). A store that does not exist yet, or that has no URL
    for ``name`` (never harvested, or harvested by a version that did not record it),
    takes nothing.

    Args:
        name: The ``--name`` asked for.
        url: The ``--oai`` base URL or ``--sitemap`` URL.
        config: The sources file (empty when there is none).
        store_path: ``OER_HOME/store.sqlite`` (opened only when it exists).

    Returns:
        A one-line message naming the other URL and suggesting another ``--name``.

    Raises:
        StoreError: the store file is not a readable store.
    """
    configured = config.sources.get(name)
    if configured is not None:
        other, where, again = source_url(configured), "is a configured source", \
            f"`oer harvest {name}`"
    else:
        other, where = _stored_url(name, store_path), "was harvested"
        again = f"the same URL ({other})"
    if other is None or other == url:
        return None
    return (f"{name!r} {where} with another URL ({other}); its records and watermark would "
            f"mix with this one's. Use another --name, or {again}")


def _stored_url(name: str, store_path: Path) -> str | None:
    if not store_path.exists():
        return None
    store = Store(store_path)
    try:
        return store.source_url(name)
    finally:
        store.close()
