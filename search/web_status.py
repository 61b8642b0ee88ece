"""``GET /api/status``: each source's health, the data of ``oer status --format json``.

A FastAPI router to include in the app of :mod:`search.web`::

    app.include_router(status_router(home, config_path))

The answer is ``{"sources": [...]}``, one entry per source as
:func:`harvester.health.health_as_dicts` gives it (last run, last success, last failure
and why, record counts, next due time, warnings). The sources file is read on each
request, found as the CLI finds it (:func:`find_config`), so an edited file is seen
without a restart; with no sources file, the sources known from the store are listed.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from harvester.cli_common import Home
from harvester.config import DEFAULT_CONFIG, Config, load_config
from harvester.errors import ConfigError
from harvester.health import health_as_dicts, source_health
from harvester.runner import utc_clock
from harvester.store import Store

__all__ = ["status_router", "find_config"]

#: Environment variable naming the sources file (as ``oer --config``).
CONFIG_ENV = "OER_CONFIG"


def find_config(config_path: Path | None = None) -> Path | None:
    """The sources file to read: ``config_path``, else ``$OER_CONFIG``, else
    ``config/sources.toml`` when it exists, else ``None`` (no sources file).

    Args:
        config_path: The file given by ``oer --config`` (or ``OER_CONFIG``), or ``None``.

    Returns:
        The path (it may not exist when given explicitly), or ``None``.
    """
    if config_path is not None:
        return Path(config_path)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    return DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None


def status_router(home: Home, config_path: Path | None = None) -> APIRouter:
    """The ``/api/status`` route for the store under ``home``.

    Args:
        home: The ``OER_HOME`` paths.
        config_path: The sources file (see :func:`find_config` for the default).

    Returns:
        A router with ``GET /api/status``.
    """
    router = APIRouter()

    @router.get("/api/status", summary="Health of each source")
    def api_status():
        """Each source's health: records (live, deleted, quarantined), the last run,
        the last success, the last failure and its reason, when it is next due, and
        warnings (runs not completed, overdue, deferred by the server). Configured sources
        come first, in file order, then sources known only from the store."""
        path = find_config(config_path)
        try:
            config = load_config(path) if path is not None else Config()
        except ConfigError as exc:
            return JSONResponse({"error": {"status": 500, "message": str(exc), "params": []}},
                                status_code=500)
        # never create a store to say nothing was harvested: read an empty one in memory
        store = Store(home.store if home.store.exists() else Path(":memory:"))
        try:
            items = source_health(store, config, utc_clock())
        finally:
            store.close()
        return {"sources": health_as_dicts(items)}

    return router
