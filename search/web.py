"""``oer serve``'s HTTP service: a JSON search API, record lookup, and a search page.

Routes (FastAPI; the OpenAPI document is at ``/openapi.json``):

* ``GET /api/search`` — total, hits and facet counts as JSON
  (:func:`search.service.result_to_json`);
* ``GET /api/records/{id}`` — the full normalised record from the store, with its
  licence (policies, permitted uses) and provenance (source, OAI identifier, harvested
  versions);
* ``GET /api/export`` — the matches as a list with attribution (:mod:`search.web_export`);
* ``GET /api/status`` — each source's health, as ``oer status --format json``
  (:mod:`search.web_status`);
* ``GET /`` — the search page for people: server-rendered HTML (Jinja2, autoescaped),
  usable without JavaScript, interface text in English or Russian (:mod:`search.i18n`).

Bad parameters get a ``400`` with a JSON body ``{"error": {"status", "message",
"params": [{"name", "problem"}]}}`` (on ``/`` an HTML page saying the same); page size
is capped at :data:`MAX_PAGE_SIZE`.

Parameters as in ``oer search``: ``limit`` is an alias of ``size`` (the page size; both
given and different is a bad parameter naming both; URLs the page builds say ``size``).
``year`` takes what ``--year`` takes (:func:`search.cli_options.year_ranges`): a year
``2019`` or a range ``2014-2015``, ``2010-``, ``-2020``. Repeated ``year`` values are
ORed; ``year_from``/``year_to`` then narrow them (AND): ``year=2010-2020&year_from=2015``
is 2015-2020, ``year=2012&year_from=2015`` matches nothing.

Harvested text is untrusted: templates escape everything, and only ``http(s)`` URLs
become links (:func:`safe_href`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode, urlsplit

import click
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from harvester import __version__
from harvester.cli_common import Home
from harvester.policies import POLICIES, USES, allows, policies_of
from harvester.store import Store
from indexer.backend import FACETS, SORTS, IndexBackendError, IndexNotFoundError, SearchQuery
from search.cli_options import year_ranges
from search.i18n import UI_LANGUAGES, choose_language, translations
from search.service import SearchService, result_to_json

#: Largest page size the API and the page accept.
MAX_PAGE_SIZE = 100
#: Page size when neither ``size`` nor ``limit`` is given.
DEFAULT_PAGE_SIZE = 10
#: Longest query text accepted (characters).
MAX_QUERY_CHARS = 500

#: URL parameter of each facet filter (``lang`` for ``language``, as in the CLI).
FACET_PARAMS: dict[str, str] = {"license": "license", "policy": "policy", "allows": "allows",
                                "language": "lang", "type": "type", "level": "level",
                                "accessibility": "accessibility", "source": "source",
                                "year": "year"}

TEMPLATES = Path(__file__).parent / "templates"


class BadParameter(ValueError):
    """A request parameter that is well-formed but not acceptable (unknown policy…).

    Args:
        name: The parameter.
        problem: What is wrong with it.
        others: Further parameters the same problem concerns (``size`` and ``limit``
            that disagree); each gets an entry in the error's ``params``.
    """

    def __init__(self, name: str, problem: str, others: tuple[str, ...] = ()) -> None:
        super().__init__(f"{', '.join((name, *others))}: {problem}")
        self.name, self.problem, self.names = name, problem, (name, *others)


@dataclass(frozen=True)
class SearchParams:
    """The search parameters shared by ``/api/search`` and ``/``."""

    q: str
    filters: dict[str, list[str]]
    year_from: int | None
    year_to: int | None
    sort: str
    page: int
    size: int

    def query(self, *, facets: bool = True) -> SearchQuery:
        """The :class:`SearchQuery` (raises :class:`BadParameter` for unknown values)."""
        for name in self.filters.get("policy", ()):
            if name not in POLICIES:
                raise BadParameter("policy", f"unknown policy {name!r}; one of {', '.join(POLICIES)}")
        for use in self.filters.get("allows", ()):
            if use not in USES:
                raise BadParameter("allows", f"{use!r} is not one of {', '.join(USES)}")
        year_ranges = self.year_ranges()
        try:
            return SearchQuery(self.q, filters={k: tuple(v) for k, v in self.filters.items()
                                                if k != "year"},
                               year_from=self.year_from, year_to=self.year_to, sort=self.sort,
                               page=self.page, limit=self.size, facets=facets,
                               year_ranges=year_ranges)
        except ValueError as exc:
            raise BadParameter("year_from" if "year" in str(exc) else "q", str(exc)) from exc

    def year_ranges(self) -> tuple[tuple[int | None, int | None], ...]:
        """The ``year`` values as inclusive ``(first, last)`` ranges (blank values skipped).

        Raises:
            BadParameter: for a value ``oer search --year`` would refuse.
        """
        try:
            return year_ranges(tuple(self.filters.get("year", ())))
        except click.BadParameter as exc:
            raise BadParameter("year", exc.message) from exc

    def url(self, **changes) -> str:
        """The page URL of these parameters with ``changes`` (``facet=(value, on)`` toggles)."""
        filters = {k: list(v) for k, v in self.filters.items()}
        toggle = changes.pop("toggle", None)
        if toggle:
            facet, value = toggle
            values = filters.setdefault(facet, [])
            same = [v for v in values if v.casefold() == value.casefold()]  # filters ignore case
            for v in same:
                values.remove(v)
            if not same:
                values.append(value)
            changes.setdefault("page", 1)
        params: list[tuple[str, object]] = [("q", changes.get("q", self.q))]
        for facet in FACETS:
            params += [(FACET_PARAMS[facet], v) for v in filters.get(facet, ())]
        for name in ("year_from", "year_to"):
            if getattr(self, name) is not None:
                params.append((name, getattr(self, name)))
        params += [("sort", self.sort), ("page", changes.get("page", self.page)),
                   ("size", self.size)]
        if changes.get("ui"):
            params.append(("ui", changes["ui"]))
        return "/?" + urlencode([(k, v) for k, v in params
                                 if v not in (None, "") and not (k == "sort" and v == "relevance")
                                 and not (k == "page" and v == 1)
                                 and not (k == "size" and v == DEFAULT_PAGE_SIZE)])


def search_params(
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS,
                            description="Words (ANDed); \"phrase\", OR, NOT, prefix*, fuzzy~. "
                                        "Empty or * matches every record.")] = "*",
    license: Annotated[list[str], Query(description="Licence ids, ORed (CC-BY-4.0, unknown).")] = [],
    policy: Annotated[list[str], Query(description=f"Openness policies, ORed: {', '.join(POLICIES)}.")] = [],
    allows: Annotated[list[str], Query(description="Uses every licence must allow: commercial, derivatives.")] = [],
    lang: Annotated[list[str], Query(description="BCP 47 language tags, ORed; 'en' matches 'en-US'.")] = [],
    type: Annotated[list[str], Query(description="Resource types, ORed.")] = [],
    level: Annotated[list[str], Query(description="Educational levels, ORed.")] = [],
    accessibility: Annotated[list[str], Query(description="Accessibility features, ORed.")] = [],
    source: Annotated[list[str], Query(description="Source names, ORed.")] = [],
    year: Annotated[list[str], Query(description="Years or ranges as in `oer search --year` "
                                                 "(2019, 2014-2015, 2010-, -2020), ORed; "
                                                 "year_from/year_to narrow them.")] = [],
    year_from: Annotated[int | None, Query(ge=0, le=9999, description="First year (inclusive).")] = None,
    year_to: Annotated[int | None, Query(ge=0, le=9999, description="Last year (inclusive).")] = None,
    sort: Annotated[str, Query(pattern=f"^({'|'.join(SORTS)})$", description="relevance, date or title.")] = "relevance",
    page: Annotated[int, Query(ge=1, le=10_000, description="Page number, from 1.")] = 1,
    size: Annotated[int | None, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Hits per page, 1-{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).")] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE_SIZE, description="Alias of size, as `oer search --limit`; "
                                                                           "giving both with different values is an error.")] = None,
) -> SearchParams:
    """FastAPI dependency: the search parameters of a request, validated.

    Raises:
        BadParameter: when ``size`` and ``limit`` are both given and differ.
    """
    if size is not None and limit is not None and size != limit:
        raise BadParameter("size", f"size={size} and its alias limit={limit} differ; "
                                   "give one of them", others=("limit",))
    size = size if size is not None else limit if limit is not None else DEFAULT_PAGE_SIZE
    filters = {"license": license, "policy": policy, "allows": allows, "language": lang,
               "type": type, "level": level, "accessibility": accessibility, "source": source,
               "year": year}
    return SearchParams(q=q, filters={k: list(dict.fromkeys(v)) for k, v in filters.items() if v},
                        year_from=year_from, year_to=year_to, sort=sort, page=page, size=size)


def safe_href(url: str | None) -> str | None:
    """``url`` when it is an absolute ``http(s)`` URL, else ``None`` (no ``javascript:``)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def badge_class(licence_id: str) -> str:
    """CSS class of a licence badge: ``free`` / ``oer`` / ``cc`` / ``other`` by policy."""
    names = policies_of(licence_id)
    for name, css in (("free-cultural", "free"), ("unesco-oer", "oer"), ("any-cc", "cc")):
        if name in names:
            return css
    return "other"


def _error(status: int, message: str, params: list[dict] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message,
                                   "params": params or []}}, status_code=status)


def create_app(home: Home, config_path: Path | None = None) -> FastAPI:
    """The service for the store and index under ``home`` (``OER_HOME``).

    Args:
        home: The ``OER_HOME`` paths.
        config_path: The sources file for ``/api/status`` (default: ``$OER_CONFIG``, else
            ``config/sources.toml`` when it exists; see :func:`search.web_status.find_config`).

    Returns:
        The ASGI application (serve it with uvicorn).
    """
    app = FastAPI(title="OER search", version=__version__,
                  description="Search harvested Open Educational Resources by text, licence, "
                              "openness policy, language, type, source and year.")
    service = SearchService(home.index)
    envs = {lang: _environment(lang) for lang in UI_LANGUAGES}
    from search.web_export import export_router  # here: search.web_export imports this module
    app.include_router(export_router(home, service))
    from search.web_status import status_router

    app.include_router(status_router(home, config_path))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        params = [{"name": ".".join(str(p) for p in e.get("loc", ())[1:]) or "request",
                   "problem": e.get("msg", "invalid")} for e in exc.errors()]
        message = "bad parameter: " + "; ".join(f"{p['name']}: {p['problem']}" for p in params)
        if request.url.path.startswith("/api/"):
            return _error(400, message, params)
        return HTMLResponse(render(request, None, None, message), status_code=400)

    @app.exception_handler(BadParameter)
    async def bad_value(request: Request, exc: BadParameter):
        if request.url.path.startswith("/api/"):
            return _error(400, str(exc), [{"name": name, "problem": exc.problem}
                                          for name in exc.names])
        return HTMLResponse(render(request, None, None, str(exc)), status_code=400)

    @app.get("/api/search", summary="Search records")
    def api_search(params: Annotated[SearchParams, Depends(search_params)],
                   facets: Annotated[bool, Query(description="Count facet values.")] = True):
        """Records matching the query and filters: ``total``, a page of ``hits`` and
        ``facets`` (value counts, each counted without its own facet's filter)."""
        try:
            return result_to_json(service.search(params.query(facets=facets)), facets=facets)
        except IndexNotFoundError:
            return _error(503, "no index yet: run `oer harvest` first")

    @app.get("/api/records/{record_id:path}", summary="One record with licence and provenance")
    def api_record(record_id: str):
        """The full normalised record (DCTERMS), its licence with the policies it satisfies
        and the uses it allows, and where it came from."""
        if not home.store.exists():
            return _error(404, f"no record {record_id!r}")
        store = Store(home.store)
        try:
            resource = store.get(record_id)
            versions = store.raw_versions(record_id) if resource else []
        finally:
            store.close()
        if resource is None:
            return _error(404, f"no record {record_id!r}")
        lic = resource.license.id
        return {
            "record": resource.to_dict(),
            "licence": {**resource.to_dict()["license"], "policies": list(policies_of(lic)),
                        "allows": {use: allows(lic, use) for use in USES}},
            "provenance": {
                "source": resource.source, "oai_identifier": resource.oai_identifier,
                "datestamp": resource.datestamp, "metadata_prefix": resource.metadata_prefix,
                "set_specs": list(resource.set_specs),
                "versions": [{"datestamp": d, "deleted": deleted, "bytes": len(raw),
                              "sha256": hashlib.sha256(raw).hexdigest()}
                             for d, deleted, raw in versions]},
        }

    def render(request: Request, params: SearchParams | None, result, error: str | None = None,
               status_note: str | None = None) -> str:
        ui = choose_language(request.query_params.get("ui"),
                             request.headers.get("accept-language"))
        return envs[ui].get_template("search.html").render(
            ui=ui, ui_languages=UI_LANGUAGES, params=params, result=result, error=error,
            note=status_note, facet_order=FACETS, safe_href=safe_href, badge_class=badge_class,
            ui_param=request.query_params.get("ui"), policies=POLICIES,
            language_name=lambda code: _language_name(code, ui))

    @app.get("/", response_class=HTMLResponse, summary="Search page (HTML)")
    def page(request: Request, params: Annotated[SearchParams, Depends(search_params)]):
        """The search page: query box, facets with counts, hits with licence badges."""
        try:
            result = service.search(params.query())
        except IndexNotFoundError:
            return HTMLResponse(render(request, params, None, None, "no-index"), status_code=503)
        except IndexBackendError as exc:
            return HTMLResponse(render(request, params, None, str(exc)), status_code=500)
        return HTMLResponse(render(request, params, result))

    app.state.search_service = service
    return app


def _environment(ui: str) -> Environment:
    """A Jinja2 environment with autoescaping on and ``ui``'s catalogue installed."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
        enabled_extensions=("html",), default_for_string=True, default=True),
        extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(ui), newstyle=True)
    return env


def _language_name(code: str, ui: str) -> str:
    from babel import Locale

    try:
        name = Locale.parse(ui).languages.get(code)
    except Exception:  # an unknown ui locale: show the code
        name = None
    return name or code
