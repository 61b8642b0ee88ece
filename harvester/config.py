"""Configuration: where data lives (``OER_HOME``) and the sources file, validated.

The sources file is TOML (``config/sources.toml`` by default, or ``oer --config FILE``)::

    [harvest]                  # optional; these are the defaults
    connect_timeout_s = 10
    read_timeout_s = 60
    max_retries = 4
    max_retry_after_s = 120
    contact = ""               # URL or mailto: shown in our User-Agent

    [schedule]                 # optional; scheduled runs (`oer harvest --due`, `oer schedule`)
    timezone = "UTC"           # IANA name; cron expressions are read in it
    parallel_sources = 4       # sources harvested at once (one connection each)
    warn_after_failed_runs = 3 # `oer status` warns after this many runs without success
    keep_reports = 500         # JSON run reports and run logs kept under OER_HOME

    [reconcile]                # optional; deletions for sources that keep none
    max_delete_fraction = 0.05 # never delete more than this share of a source at once

    [web]                      # optional; web and API crawls (harvester/web/, WebSettings)
    autothrottle = true        # adapt the delay to the server's latency, never below delay_s
    http_cache = false         # keep responses under OER_HOME/cache/http/ and revalidate them
    crawl_timeout_s = 0        # stop a crawl after this long (0: never); the next run resumes it

    [sources.doab]             # the table key is the source's id (used in record ids)
    kind = "oai"               # oai (default) | sitemap | api | spider
    title = "Directory of Open Access Books"
    base_url = "https://directory.doabooks.org/oai/request"
    metadata_prefix = "oai_dc"
    set_spec = "…"             # optional OAI-PMH setSpec
    schedule = "17 3 * * *"    # cron (5 fields) or "every 6h"; see harvester/schedules.py
    delay_s = 1.0              # politeness: least time between two requests (seconds)
    licence_policy = "any-cc"  # free-cultural | unesco-oer | any-cc (harvester/policies.py)
    enabled = true

``kind = "oai"`` sources are harvested over OAI-PMH; ``sitemap``, ``api`` and ``spider``
sources by the web harvester (:mod:`harvester.web`), tuned by ``[web]``
(:class:`WebSettings`).

Validation uses pydantic; models are frozen and reject unknown keys, so a typo is an
error (exit status 2) naming the source and the field, never a silent default.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import (BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError,
                      field_validator)

from harvester.policies import POLICIES
from harvester.schedules import parse_schedule, time_zone

from harvester.errors import ConfigError

SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
DEFAULT_CONFIG = Path("config/sources.toml")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HarvestSettings(_Frozen):
    """HTTP behaviour of every OAI-PMH request (units in the names)."""

    connect_timeout_s: float = Field(10.0, gt=0, le=300)
    read_timeout_s: float = Field(60.0, gt=0, le=3600)
    max_retries: int = Field(4, ge=0, le=20)
    backoff_base_s: float = Field(2.0, ge=0, le=600)
    max_retry_after_s: float = Field(120.0, ge=0, le=3600)
    max_restarts: int = Field(2, ge=0, le=10)
    max_empty_pages: int = Field(3, ge=1, le=100)
    contact: str = ""


class ScheduleSettings(_Frozen):
    """Scheduled runs: ``[schedule]`` (used by ``oer harvest --due`` and ``oer schedule``).

    Attributes:
        timezone: IANA time zone name in which cron expressions are read.
        parallel_sources: Sources harvested at the same time (one connection each).
        warn_after_failed_runs: ``oer status`` warns when a source's last this many
            runs all ended without completing.
        keep_reports: JSON run reports (and per-run logs) kept; older ones are removed.
        lock_wait_s: How long a run waits for another run's lock before giving up
            (seconds; 0: give up at once, as cron jobs should).
    """

    timezone: str = "UTC"
    parallel_sources: int = Field(4, ge=1, le=32)
    warn_after_failed_runs: int = Field(3, ge=1, le=1000)
    keep_reports: int = Field(500, ge=1, le=100_000)
    lock_wait_s: float = Field(0.0, ge=0, le=86_400)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        time_zone(value)
        return value


class ReconcileSettings(_Frozen):
    """Deletion by reconciliation: ``[reconcile]`` (see :mod:`harvester.reconcile`).

    Attributes:
        max_delete_fraction: Largest share of a source's live records one
            reconciliation may delete; above it nothing is deleted and the run says why.
        max_delete_count: Largest number of records one reconciliation may delete.
    """

    max_delete_fraction: float = Field(0.05, ge=0, le=1)
    max_delete_count: int = Field(1000, ge=0)


class WebSettings(_Frozen):
    """Web and API harvests (Scrapy): ``[web]`` (see :mod:`harvester.web.settings`).

    Attributes:
        autothrottle: Adapt the delay between requests to the server's latency (never
            below the source's ``delay_s``).
        autothrottle_start_delay_s: First delay AutoThrottle uses (seconds).
        autothrottle_max_delay_s: Longest delay AutoThrottle may reach (seconds).
        concurrent_requests_per_site: Requests in flight to one site at a time.
        http_cache: Keep responses in ``OER_HOME/cache/http/<source>/`` and revalidate
            them (``If-None-Match``/``If-Modified-Since``) instead of fetching again.
        progress_every_items: A progress line after this many records.
        store_batch_items: Records written to the store in one transaction.
        crawl_timeout_s: Stop a crawl after this long (seconds; 0: no limit); the run is
            then incomplete and the next run resumes it.
        max_pages: Stop after this many responses (0: no limit), like ``crawl_timeout_s``.
        imprint_pages: Pages of a publication's PDF read for its imprint.
    """

    autothrottle: bool = True
    autothrottle_start_delay_s: float = Field(1.0, ge=0, le=600)
    autothrottle_max_delay_s: float = Field(60.0, ge=0, le=3600)
    concurrent_requests_per_site: int = Field(1, ge=1, le=16)
    http_cache: bool = False
    progress_every_items: int = Field(100, ge=1, le=1_000_000)
    store_batch_items: int = Field(50, ge=1, le=10_000)
    crawl_timeout_s: float = Field(0.0, ge=0)
    max_pages: int = Field(0, ge=0)
    imprint_pages: int = Field(4, ge=1, le=50)


class _Operations(_Frozen):
    """What every kind of source has: display, schedule, politeness, licence policy.

    Attributes:
        title: Human name (``"Directory of Open Access Books"``).
        enabled: Harvested by ``oer harvest`` / ``--due`` / ``oer schedule``; a disabled
            source is harvested only when named.
        schedule: When it is due: cron or ``every N<m|h|d>`` (:mod:`harvester.schedules`);
            ``None``: never due, harvested only on demand.
        delay_s: Politeness: least time between two requests to it (seconds).
        contact: URL or mailto for the User-Agent; overrides ``[harvest] contact``.
        licence_policy: Name of a policy in :data:`harvester.policies.POLICIES` that
            the source's records are expected to meet (``any-cc`` by default).
        notes: Free text for librarians (where the endpoint was found, caveats).
    """

    title: str = ""
    enabled: bool = True
    schedule: str | None = None
    delay_s: float = Field(0.0, ge=0, le=600)
    contact: str | None = None
    licence_policy: str = "any-cc"
    notes: str = ""

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str | None) -> str | None:
        if value is not None:
            parse_schedule(value)
        return value

    @field_validator("licence_policy")
    @classmethod
    def _policy(cls, value: str) -> str:
        if value not in POLICIES:
            raise ValueError(f"unknown licence policy {value!r} (one of: {', '.join(POLICIES)})")
        return value


class OAISource(_Operations):
    """One OAI-PMH source.

    Attributes:
        name: Short name (lower case, digits, ``_.-``), used in record ids.
        base_url: The repository's OAI-PMH base URL (http or https).
        metadata_prefix: OAI-PMH ``metadataPrefix`` to harvest (``oai_dc``), or ``"auto"``
            to choose from the server's ListMetadataFormats the richest format we map
            (order: ``preferred_formats``, else :data:`harvester.crosswalks.RICHNESS`).
        preferred_formats: Order of preference for ``"auto"`` (format names such as
            ``lom``, ``datacite``, ``mods``, ``dcterms``, ``oai_dc``, or prefixes).
        set_spec: Optional ``setSpec`` to harvest only one set.
        until: Optional ``until`` bound (YYYY-MM-DD or full UTC datestamp).
        skip_identifiers: OAI identifiers never to store (known poison records).
        kind: Always ``"oai"`` (the default when a source gives no ``kind``).
        reconcile: When to list every identifier (``ListIdentifiers``) and delete the
            records the repository no longer lists (a schedule string, e.g.
            ``"every 30d"``); for repositories whose ``deletedRecord`` is ``no`` or
            ``transient``. ``None``: never. See :mod:`harvester.reconcile`.
        Plus the fields of every source (title, enabled, schedule, delay_s, contact,
        licence_policy, notes).
    """

    kind: Literal["oai"] = "oai"
    reconcile: str | None = None
    name: str
    base_url: str
    metadata_prefix: str = "oai_dc"
    preferred_formats: tuple[str, ...] | None = None
    set_spec: str | None = None
    until: str | None = None
    skip_identifiers: frozenset[str] = frozenset()

    _name = field_validator("name")(classmethod(lambda cls, v: _check_name(v)))

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("reconcile")
    @classmethod
    def _reconcile(cls, value: str | None) -> str | None:
        if value is not None:
            parse_schedule(value)
        return value


def _check_name(value: str) -> str:
    if not SOURCE_NAME.match(value):
        raise ValueError("use 1-64 characters: a-z, 0-9, '_', '.', '-'")
    return value


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("must be an http:// or https:// URL")
    return value


class SitemapSource(_Operations):
    """A web site crawled from its sitemaps by :class:`harvester.web.spiders.sitemap.OERSitemapSpider`.

    Attributes:
        name: The source's id.
        kind: ``"sitemap"``.
        start_urls: Sitemap or robots.txt URLs to start from.
        allow: Regular expressions; only page URLs matching one are harvested
            (empty: all pages of the sitemaps).
    """

    kind: Literal["sitemap"]
    name: str
    start_urls: tuple[str, ...] = Field(min_length=1)
    allow: tuple[str, ...] = ()

    _name = field_validator("name")(classmethod(lambda cls, v: _check_name(v)))

    @field_validator("start_urls")
    @classmethod
    def _urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_url(u) for u in value)

    @field_validator("allow")
    @classmethod
    def _patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {pattern!r} ({exc})") from exc
        return value


class ApiSource(_Operations):
    """A catalogue read through a web API (:mod:`harvester.web.spiders.unesdoc`).

    Attributes:
        name: The source's id.
        kind: ``"api"``.
        api: Which API it speaks: ``opendatasoft-explore-v2.1`` (OpenDataSoft Explore
            API v2.1, e.g. data.unesco.org).
        base_url: The API's base URL (``https://data.unesco.org/api/explore/v2.1``).
        dataset: The dataset id (``doc001``).
        where: Optional filter in the API's query language (ODSQL ``where``).
        field_names: Our field name → the dataset's, for fields the dataset renamed
            (``{"rights" = "licence"}``); the UNESDOC names are the defaults.
    """

    kind: Literal["api"]
    name: str
    api: Literal["opendatasoft-explore-v2.1"]
    base_url: str
    dataset: str = Field(min_length=1)
    where: str | None = None
    field_names: dict[str, str] = {}

    _name = field_validator("name")(classmethod(lambda cls, v: _check_name(v)))
    _url = field_validator("base_url")(classmethod(lambda cls, v: _check_url(v)))


class SpiderSource(_Operations):
    """A site with a spider of its own (:data:`harvester.web.crawl.SPIDERS`).

    Attributes:
        name: The source's id.
        kind: ``"spider"``.
        spider: The spider's name (``unesco-iite``).
        start_urls: Where the spider starts.
        allow: Regular expressions; only page URLs matching one are followed (empty: the
            spider's own default).
        selectors: Page part → CSS selector, overriding the spider's defaults, so a
            librarian can follow a site's redesign without code (see
            :data:`harvester.web.publication.DEFAULT_SELECTORS`).
    """

    kind: Literal["spider"]
    name: str
    spider: str = Field(min_length=1)
    start_urls: tuple[str, ...] = Field(min_length=1)
    allow: tuple[str, ...] = ()
    selectors: dict[str, str] = {}

    _name = field_validator("name")(classmethod(lambda cls, v: _check_name(v)))

    @field_validator("start_urls")
    @classmethod
    def _urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_url(u) for u in value)


def _kind_of(value: object) -> str:
    if isinstance(value, dict):
        return value.get("kind", "oai")
    return getattr(value, "kind", "oai")


Source = Annotated[Annotated[OAISource, Tag("oai")] | Annotated[SitemapSource, Tag("sitemap")]
                   | Annotated[ApiSource, Tag("api")] | Annotated[SpiderSource, Tag("spider")],
                   Discriminator(_kind_of)]
"""Any source of the sources file, told apart by its ``kind`` (``oai`` when absent)."""

KINDS = ("oai", "sitemap", "api", "spider")
HARVESTABLE_KINDS = frozenset({"oai", "sitemap", "api", "spider"})
"""Kinds ``oer harvest`` can harvest: ``oai`` by :mod:`harvester.oai_harvest`, the others by
the web harvester (:mod:`harvester.web`)."""


class Config(_Frozen):
    """The whole configuration file."""

    harvest: HarvestSettings = HarvestSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    reconcile: ReconcileSettings = ReconcileSettings()
    web: WebSettings = WebSettings()
    sources: dict[str, Source] = {}


def load_config(path: Path) -> Config:
    """Read and validate a sources file.

    Args:
        path: A TOML file as described in this module's docstring.

    Returns:
        The validated configuration (sources keyed by name).

    Raises:
        ConfigError: the file is missing, not TOML, or fails validation (the message
            names the offending key).
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file not found: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    sources = data.get("sources", {})
    if isinstance(sources, dict):
        for name, body in sources.items():
            if isinstance(body, dict) and "name" in body:
                raise ConfigError(f"{path}: sources.{name}.name: the table key is the source's "
                                  "id; put a human name in 'title'")
        data["sources"] = {name: {**(body if isinstance(body, dict) else {}), "name": name}
                           for name, body in sources.items()}
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: invalid configuration\n  "
                          + "\n  ".join(_error_lines(exc))) from exc


def oer_home() -> Path:
    """Where store, index, state and logs live: ``$OER_HOME``, else the user data dir."""
    env = os.environ.get("OER_HOME")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("oer-harvester"))


def make_source(name: str, base_url: str, metadata_prefix: str = "oai_dc",
                set_spec: str | None = None) -> OAISource:
    """Validate an ad-hoc source given on the command line.

    Raises:
        ConfigError: a bad name or URL.
    """
    try:
        return OAISource(name=name, base_url=base_url, metadata_prefix=metadata_prefix,
                         set_spec=set_spec)
    except ValidationError as exc:
        raise ConfigError(_explain(exc)) from exc


def make_sitemap_source(name: str, url: str) -> SitemapSource:
    """Validate an ad-hoc sitemap source (``oer harvest --sitemap URL --name NAME``).

    Args:
        name: The source's id.
        url: A sitemap, sitemap index or robots.txt URL.

    Raises:
        ConfigError: a bad name or URL.
    """
    try:
        return SitemapSource(kind="sitemap", name=name, start_urls=(url,))
    except ValidationError as exc:
        raise ConfigError(_explain(exc)) from exc


def _explain(exc: ValidationError) -> str:
    return "; ".join(_error_lines(exc))


def _error_lines(exc: ValidationError) -> list[str]:
    """One line per error: the TOML path (``sources.doab.base_url``) and what is wrong.

    The kind tag pydantic puts in the path of a source (``sources.doab.oai.…``) is
    dropped; an unknown key names the close known keys, so a typo explains itself.
    """
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        if len(loc) >= 3 and loc[0] == "sources" and loc[2] in KINDS:
            del loc[2]
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key" + _did_you_mean(loc, exc)
        elif err["type"] == "union_tag_invalid":
            msg = f"unknown kind {err['input'].get('kind')!r} (one of: {', '.join(KINDS)})"
        parts.append(f"{'.'.join(loc)}: {msg}")
    return parts


def _did_you_mean(loc: list[str], exc: ValidationError) -> str:
    model = {"harvest": HarvestSettings, "schedule": ScheduleSettings,
             "reconcile": ReconcileSettings, "web": WebSettings}.get(loc[0]) if len(loc) == 2 else None
    if loc[0] == "sources" and len(loc) == 3:
        kinds = {"oai": OAISource, "sitemap": SitemapSource, "api": ApiSource,
                 "spider": SpiderSource}
        raw = next((e["loc"] for e in exc.errors() if e["loc"][-1] == loc[-1]), ())
        model = kinds.get(str(raw[2])) if len(raw) >= 4 else None
    if model is None:
        return ""
    close = difflib.get_close_matches(loc[-1], list(model.model_fields), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
