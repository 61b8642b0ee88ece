"""``oer sources check``: is a source reachable, and does it offer what we configured?

For an OAI-PMH source (OAI-PMH 2.0 §4): ``Identify`` answers (name, granularity,
``deletedRecord``, earliest datestamp), ``ListMetadataFormats`` offers the configured
``metadataPrefix``, and ``ListSets`` offers the configured ``set`` (followed over at most
:data:`MAX_SET_PAGES` pages). For web and API sources: ``robots.txt`` of each start URL's
host lets our User-Agent fetch it (RFC 9309), its ``Sitemap:`` lines, and each start URL
answers (a sitemap must be a ``urlset`` or ``sitemapindex``; sitemaps.org protocol 0.9).

Checks only read: nothing is written to the store, and a ``Retry-After`` is reported,
not saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import requests
from lxml import etree

from harvester import __version__
from harvester.config import HarvestSettings, OAISource
from harvester.errors import HarvestError, OAIProtocolError
from harvester.oai_client import ClientSettings, OAIClient, RetryPolicy

OAI = "{http://www.openarchives.org/OAI/2.0/}"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_SET_PAGES = 20
"""ListSets pages read at most when looking for the configured set (large repositories
have tens of thousands of sets, e.g. Zenodo's communities)."""
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True, slots=True)
class Check:
    """One check's outcome.

    Attributes:
        name: What was checked (``"ListSets"``, ``"robots.txt"`` …).
        ok: False when the check failed (``oer sources check`` then exits 1).
        detail: What was found, for people.
        warning: Passed, but the server answered something to look at (an HTTP error
            where OAI-PMH expects an answer the harvest does not need); shown ``warn``.
    """

    name: str
    ok: bool
    detail: str
    warning: bool = False

    @property
    def label(self) -> str:
        """``ok``, ``warn`` or ``FAIL``."""
        return "FAIL" if not self.ok else "warn" if self.warning else "ok"


def check_source(source, settings: HarvestSettings) -> list[Check]:
    """Run the checks that fit the source's kind.

    Args:
        source: Any configured source.
        settings: Timeouts and contact for the requests (retries are cut to one).

    Returns:
        The checks in the order run; a failed first step ends the list.
    """
    if source.kind == "oai":
        return check_oai(source, _client(source, settings))
    urls = list(getattr(source, "start_urls", ()) or [source.base_url])
    agent = _user_agent(source, settings)
    timeout = (settings.connect_timeout_s, settings.read_timeout_s)
    checks = []
    for url in urls:
        checks += check_robots(url, agent, timeout)
        if source.kind == "sitemap":
            checks.append(check_sitemap(url, agent, timeout))
        else:
            checks.append(check_page(url, agent, timeout))
    if source.kind in ("api", "spider"):  # the structure the web harvester reads (issue 5)
        from harvester.web.check import check_web_source
        checks += check_web_source(source, agent, timeout)
    return checks


def check_oai(source: OAISource, client: OAIClient) -> list[Check]:
    """Identify, ListMetadataFormats and (with a set) ListSets of an OAI-PMH source."""
    try:
        page = client.request("Identify")
    except HarvestError as exc:
        return [Check("Identify", False, f"{type(exc).__name__}: {exc}")]
    ident = page.element
    info = {n: (ident.findtext(OAI + n) or "").strip()
            for n in ("repositoryName", "granularity", "deletedRecord", "earliestDatestamp",
                      "protocolVersion")}
    checks = [Check("Identify", info["protocolVersion"] == "2.0",
                    f"{info['repositoryName'] or '(no repositoryName)'}; protocol "
                    f"{info['protocolVersion'] or '?'}, granularity {info['granularity']}, "
                    f"deletedRecord {info['deletedRecord']}, earliest "
                    f"{info['earliestDatestamp']}")]
    try:
        formats = [(f.findtext(OAI + "metadataPrefix") or "").strip()
                   for f in client.request("ListMetadataFormats").element.iter(OAI + "metadataFormat")]
        offered = source.metadata_prefix in formats or (source.metadata_prefix == "auto"
                                                         and bool(formats))
        checks.append(Check("ListMetadataFormats", offered,
                            f"metadataPrefix {source.metadata_prefix!r} "
                            f"{'offered' if offered else 'NOT offered'} "
                            f"(offered: {', '.join(formats) or 'none'})"))
    except HarvestError as exc:
        checks.append(Check("ListMetadataFormats", False, f"{type(exc).__name__}: {exc}"))
    checks.append(_check_sets(source, client))
    return checks


def _check_sets(source: OAISource, client: OAIClient) -> Check:
    params: dict[str, str] = {}
    count = 0
    for _ in range(MAX_SET_PAGES):
        try:
            page = client.request("ListSets", **params)
        except OAIProtocolError as exc:
            if exc.code == "noSetHierarchy":
                return Check("ListSets", source.set_spec is None, "the repository has no sets"
                             + (f"; set {source.set_spec!r} cannot be harvested"
                                if source.set_spec else ""))
            return _sets_failed(source, str(exc))
        except HarvestError as exc:
            return _sets_failed(source, f"{type(exc).__name__}: {exc}")
        specs = [(s.text or "").strip() for s in page.element.iter(OAI + "setSpec")]
        count += len(specs)
        if source.set_spec is not None and source.set_spec in specs:
            return Check("ListSets", True, f"set {source.set_spec!r} offered")
        token = page.token.value if page.token is not None and page.token.value else None
        if source.set_spec is None:
            more = f" of {page.token.complete_list_size:,}" if (
                page.token is not None and page.token.complete_list_size) else ""
            return Check("ListSets", True, f"{count:,}{more} set(s) on the first page; "
                         "no set configured (the whole repository is harvested)")
        if token is None:
            return Check("ListSets", False, f"set {source.set_spec!r} NOT offered "
                         f"({count:,} sets listed)")
        params = {"resumptionToken": token}
    return Check("ListSets", False, f"set {source.set_spec!r} not found in the first "
                 f"{count:,} sets ({MAX_SET_PAGES} pages); it may still exist")


def _sets_failed(source: OAISource, what: str) -> Check:
    """ListSets got no OAI-PMH answer (an HTTP error, an OAI error other than
    ``noSetHierarchy``, which a repository without sets must send: OAI-PMH 2.0 §4.6).

    A failure when a set is configured (it cannot be confirmed); else a warning: the
    harvest does not ask for sets, but the server does not answer as OAI-PMH says.
    """
    if source.set_spec is not None:
        return Check("ListSets", False, f"{what}; set {source.set_spec!r} could not be checked")
    return Check("ListSets", True, f"{what} (a repository without sets answers noSetHierarchy); "
                 "not needed: no set configured", warning=True)


def check_robots(url: str, agent: str, timeout: tuple[float, float]) -> list[Check]:
    """robots.txt of ``url``'s host: may ``agent`` fetch ``url``, and which sitemaps it names."""
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    try:
        response = requests.get(robots_url, headers={"User-Agent": agent}, timeout=timeout)
    except requests.RequestException as exc:
        return [Check("robots.txt", False, f"{robots_url}: {type(exc).__name__}: {exc}")]
    if response.status_code >= 400:
        return [Check("robots.txt", True, f"{robots_url}: HTTP {response.status_code} "
                      "(no robots.txt: everything allowed, RFC 9309 §2.3.1.3)")]
    parser = RobotFileParser()
    parser.parse(response.text.splitlines())
    allowed = parser.can_fetch(agent, url)
    sitemaps = parser.site_maps() or []
    return [Check("robots.txt", allowed,
                  f"{url} {'allowed' if allowed else 'DISALLOWED'} for {agent!r}; "
                  f"sitemaps: {', '.join(sitemaps) or 'none'}")]


def check_sitemap(url: str, agent: str, timeout: tuple[float, float]) -> Check:
    """``url`` answers with a sitemap (``urlset`` or ``sitemapindex``); count its ``loc``."""
    try:
        response = requests.get(url, headers={"User-Agent": agent}, timeout=timeout)
        response.raise_for_status()
        root = etree.fromstring(response.content, _PARSER)
    except (requests.RequestException, etree.XMLSyntaxError) as exc:
        return Check("sitemap", False, f"{url}: {type(exc).__name__}: {exc}")
    kind = etree.QName(root).localname
    locs = len(root.findall(".//{%s}loc" % SITEMAP_NS))
    ok = etree.QName(root).namespace == SITEMAP_NS and kind in ("urlset", "sitemapindex")
    return Check("sitemap", ok, f"{url}: {kind} with {locs:,} <loc>" if ok
                 else f"{url}: not a sitemap (root {root.tag!r})")


def check_page(url: str, agent: str, timeout: tuple[float, float]) -> Check:
    """``url`` answers 2xx; report its content type."""
    try:
        response = requests.get(url, headers={"User-Agent": agent}, timeout=timeout)
    except requests.RequestException as exc:
        return Check("start URL", False, f"{url}: {type(exc).__name__}: {exc}")
    ok = response.status_code < 400
    return Check("start URL", ok, f"{url}: HTTP {response.status_code}, "
                 f"{response.headers.get('Content-Type', 'no Content-Type')}")


def _client(source: OAISource, settings: HarvestSettings) -> OAIClient:
    return OAIClient(source.base_url, ClientSettings(
        connect_timeout_s=settings.connect_timeout_s, read_timeout_s=settings.read_timeout_s,
        retry=RetryPolicy(max_retries=1, backoff_base_s=settings.backoff_base_s,
                          max_retry_after_s=min(settings.max_retry_after_s, 10.0)),
        contact=source.contact or settings.contact))


def _user_agent(source, settings: HarvestSettings) -> str:
    contact = source.contact or settings.contact
    return f"oer-harvester/{__version__}" + (f" (+{contact})" if contact else "")
