"""``GET /api/export``: the search API's parameters, answered as a downloadable list.

A FastAPI router to include in the app of :mod:`search.web`::

    app.include_router(export_router(home, service))

It takes every parameter of ``/api/search`` (:func:`search.web.search_params`; ``page``
and ``size`` are ignored: the whole result is exported) plus ``format``,
``include_unknown`` and ``summary``, and streams the list (:mod:`search.export`) with the
format's media type and a ``Content-Disposition: attachment`` file name. ``policy`` and
``allows`` are applied by the export's :class:`~search.export.Selection`, which counts what
they leave out in the list's summary.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, StreamingResponse

from harvester.cli_common import Home
from search.export import FORMATS, Selection
from search.export.stream import export_stream
from search.service import SearchService, index_exists
from search.web import BadParameter, SearchParams, search_params

__all__ = ["export_router"]


def export_router(home: Home, service: SearchService | None = None) -> APIRouter:
    """The ``/api/export`` route for the store and index under ``home``.

    Args:
        home: The ``OER_HOME`` paths.
        service: The app's search service (shared searcher); default: open the index per
            page of hits.

    Returns:
        A router with ``GET /api/export``.
    """
    router = APIRouter()

    @router.get("/api/export", summary="Export matching records with attribution",
                response_class=StreamingResponse,
                responses={200: {"content": {f.media_type.split(";")[0]: {}
                                             for f in FORMATS.values()}}})
    def api_export(
        params: Annotated[SearchParams, Depends(search_params)],
        format: Annotated[str, Query(pattern=f"^({'|'.join(FORMATS)})$",
                                     description=f"One of {', '.join(FORMATS)}.")] = "csv",
        include_unknown: Annotated[bool, Query(
            description="Keep records whose licence is unknown, marked.")] = False,
        summary: Annotated[bool, Query(
            description="End the list with the licence summary and remix check.")] = True,
    ):
        """Every record matching the query and filters, in ``format``, each with its
        attribution (title, author, source, licence), then a licence summary."""
        try:
            selection = Selection(params.filters.get("policy", ()),
                                  params.filters.get("allows", ()), include_unknown)
        except ValueError as exc:
            name = "policy" if "policy" in str(exc) else "allows"
            raise BadParameter(name, str(exc)) from exc
        index_filters = {k: v for k, v in params.filters.items() if k not in ("policy", "allows")}
        query = dataclasses.replace(params, filters=index_filters, page=1).query(facets=False)
        if not index_exists(home.index) or not home.store.exists():
            return JSONResponse({"error": {"status": 503, "message": "no index yet: run "
                                           "`oer harvest` first", "params": []}},
                                status_code=503)
        fmt, chunks = export_stream(home.index, home.store, query, format, selection,
                                    summary=summary, ids=service.iter_ids if service else None)
        return StreamingResponse(chunks, media_type=fmt.media_type, headers={
            "Content-Disposition": f'attachment; filename="oer-export{fmt.extension}"'})

    return router
