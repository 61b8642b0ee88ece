"""What a web page says about itself: JSON-LD, microdata, RDFa, Dublin Core ``<meta>``, licence links.

:func:`extract_page` reads one HTML page (bytes as fetched) into a :class:`PageMetadata`:
the structured data extruct finds (JSON-LD with ``@graph`` flattened, microdata in
JSON-LD-like form, RDFa nodes with licence or Dublin Core properties, DC ``<meta>`` tags,
Open Graph), and what lxml finds in the markup: ``<html lang>``, ``<title>``,
``rel="canonical"``, ``rel="license"`` links and Creative Commons badges (links or images
pointing at a CC licence deed that are not marked ``rel="license"``).

The page is untrusted: nothing is fetched (extruct's RDFa vocabulary expansion is off),
no script runs, text is kept as given (the validate step neutralises markup), and the
body read is capped at :data:`MAX_PAGE_BYTES`.

:meth:`PageMetadata.to_bytes` is the canonical JSON of the extraction. It is what the
store keeps as the record's raw bytes: a page whose metadata did not change stores the
same bytes again, so it changes nothing, even when the rest of the HTML (ads, tokens,
timestamps) differs between two fetches.

Ref: HTML Living Standard §4.6.7.9 (``license`` link type); JSON-LD 1.1 §4.9 (``@graph``);
HTML Microdata, https://html.spec.whatwg.org/multipage/microdata.html ; RDFa Core 1.1;
DCMI "Expressing Dublin Core metadata using HTML/XHTML meta and link elements".
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin

import extruct
import lxml.etree
import lxml.html

log = logging.getLogger(__name__)

__all__ = ["MAX_PAGE_BYTES", "PageMetadata", "extract_page", "is_cc_licence_url"]

#: Largest page body read (bytes); OER landing pages are far smaller (PeerJ: 1 MB).
MAX_PAGE_BYTES = 8 * 1024 * 1024

_SYNTAXES = ["json-ld", "microdata", "rdfa", "opengraph", "dublincore"]

#: RDFa predicates kept (the rest of a page's RDFa is mostly ARIA roles).
RDFA_LICENCE = ("http://www.w3.org/1999/xhtml/vocab#license", "http://creativecommons.org/ns#license",
                "http://purl.org/dc/terms/license", "http://schema.org/license",
                "https://schema.org/license", "http://purl.org/dc/terms/rights",
                "http://purl.org/dc/elements/1.1/rights")
_RDFA_KEEP = re.compile(r"^(http://purl\.org/dc/|http://creativecommons\.org/ns#"
                        r"|https?://schema\.org/|http://www\.w3\.org/1999/xhtml/vocab#license$)")

_CC_DEED = re.compile(r"^(?:https?:)?//(?:www\.|i\.|licensebuttons\.net/)?(?:creativecommons\.org/)?"
                      r"(?:licenses|publicdomain|l|p)/", re.IGNORECASE)


def is_cc_licence_url(url: str) -> bool:
    """True for a Creative Commons licence deed or badge image URL.

    Covers ``https://creativecommons.org/licenses/by-sa/4.0/``,
    ``…/publicdomain/zero/1.0/``, and the badge images ``https://i.creativecommons.org/l/by/4.0/88x31.png``
    and ``https://licensebuttons.net/l/by-sa/4.0/88x31.png``.
    """
    url = url.strip()
    return bool(_CC_DEED.match(url)) and ("creativecommons.org" in url.lower()
                                          or "licensebuttons.net" in url.lower())


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """The metadata one HTML page carries.

    Attributes:
        url: The page's URL (after redirects); relative links are resolved against it.
        lang: ``<html lang>`` (or ``xml:lang``), else ``<meta http-equiv=content-language>``
            or ``<meta name=language>``, as given; ``None`` when absent.
        title: The ``<title>`` text, whitespace collapsed, or ``None``.
        canonical: ``<link rel="canonical">`` resolved, or ``None``.
        jsonld: JSON-LD nodes in document order, ``@graph`` members flattened.
        microdata: Microdata items (extruct's uniform, JSON-LD-like form).
        rdfa: RDFa nodes (expanded JSON-LD) reduced to DC, CC, schema.org and licence
            predicates; nodes with none of them are left out.
        dublincore: DC ``<meta>``/``<link>`` tags: ``{"name": "dc.title", "content": …}``.
        opengraph: Open Graph properties (``og:title`` …), first value each.
        licence_links: ``href`` of every ``<a>``/``<link>`` with ``rel="license"``, resolved.
        cc_badges: Other links and images pointing at a CC licence deed or badge, resolved.
        errors: Syntaxes that could not be read (logged), e.g. ``["rdfa"]``.
    """

    url: str
    lang: str | None = None
    title: str | None = None
    canonical: str | None = None
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    microdata: list[dict[str, Any]] = field(default_factory=list)
    rdfa: list[dict[str, Any]] = field(default_factory=list)
    dublincore: list[dict[str, str]] = field(default_factory=list)
    opengraph: dict[str, str] = field(default_factory=dict)
    licence_links: list[str] = field(default_factory=list)
    cc_badges: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def has_structured_data(self) -> bool:
        """True when the page has JSON-LD, microdata, RDFa or DC metadata."""
        return bool(self.jsonld or self.microdata or self.rdfa or self.dublincore)

    def dc_values(self, *names: str) -> list[str]:
        """Contents of the DC ``<meta>`` tags with one of ``names`` (``"title"``, ``"rights"``),
        whatever their prefix (``DC.``, ``DCTERMS.``, ``dc.``), in document order."""
        wanted = {n.lower() for n in names}
        return [d["content"] for d in self.dublincore
                if d["name"].lower().rsplit(".", 1)[-1] in wanted and d["content"].strip()]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (inverse: ``PageMetadata(**data)``)."""
        return asdict(self)

    def to_bytes(self) -> bytes:
        """Canonical JSON (sorted keys, UTF-8): the raw bytes the store keeps."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")


def extract_page(body: bytes, url: str, encoding: str | None = None) -> PageMetadata:
    """Read the metadata of one HTML page.

    Args:
        body: The page as fetched (only the first :data:`MAX_PAGE_BYTES` are read).
        url: Its URL after redirects (base for relative links).
        encoding: The encoding the response declared, if any (else UTF-8 with lxml's
            own detection of ``<meta charset>``).

    Returns:
        The page's metadata; a syntax that fails is left empty and named in ``errors``.

    Raises:
        ValueError: the body is not HTML at all (empty, or lxml finds no document).
    """
    body = body[:MAX_PAGE_BYTES]
    if not body.strip():
        raise ValueError("empty page")
    try:
        parser = lxml.html.HTMLParser(encoding=encoding, remove_comments=True, no_network=True)
        document = lxml.html.document_fromstring(body, parser=parser)
    except (lxml.etree.ParserError, ValueError, LookupError) as exc:
        raise ValueError(f"not an HTML document: {exc}") from exc
    found, errors = _extruct(body, url, encoding or "UTF-8")
    links, badges = _licence_links(document, url)
    return PageMetadata(
        url=url, lang=_lang(document), title=_title(document),
        canonical=_canonical(document, url),
        jsonld=_flatten(found["json-ld"]),
        microdata=[_without_html_nodes(i) for i in found["microdata"] if isinstance(i, dict)],
        rdfa=_rdfa(found["rdfa"]),
        dublincore=_dublincore(found["dublincore"]),
        opengraph=_opengraph(found["opengraph"]),
        licence_links=links, cc_badges=badges, errors=errors)


def _extruct(body: bytes, url: str, encoding: str) -> tuple[dict[str, list], list[str]]:
    """All syntaxes in one extruct pass; when that fails, one by one, so one broken syntax
    never loses the others (the failing ones are logged and named)."""
    try:
        return extruct.extract(body, base_url=url, encoding=encoding, syntaxes=_SYNTAXES,
                               uniform=True), []
    except Exception:
        pass
    found: dict[str, list] = {}
    errors = []
    for syntax in _SYNTAXES:
        try:
            found[syntax] = extruct.extract(body, base_url=url, encoding=encoding,
                                            syntaxes=[syntax], uniform=True)[syntax]
        except Exception as exc:
            log.warning("%s: %s not readable: %s", url, syntax, exc)
            found[syntax], errors = [], errors + [syntax]
    return found, errors


def _flatten(items: list[Any]) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for item in items:
        for node in item if isinstance(item, list) else [item]:
            if not isinstance(node, dict):
                continue
            graph = node.get("@graph")
            if isinstance(graph, list):
                context = node.get("@context")
                nodes.extend({"@context": context, **g} if context and "@context" not in g else g
                             for g in graph if isinstance(g, dict))
            else:
                nodes.append(node)
    return nodes


def _without_html_nodes(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "htmlNode"}


def _rdfa(nodes: list[Any]) -> list[dict[str, Any]]:
    kept = []
    for node in nodes:
        if not isinstance(node, dict):
            continue
        props = {k: v for k, v in node.items() if _RDFA_KEEP.match(k)}
        if props:
            kept.append({"@id": node.get("@id"), **({"@type": node["@type"]} if "@type" in node
                                                     else {}), **props})
    return kept


def _dublincore(items: list[Any]) -> list[dict[str, str]]:
    tags = []
    for item in items:
        if not isinstance(item, dict):
            continue
        for tag in [*item.get("elements", []), *item.get("terms", [])]:
            name, content = tag.get("name"), tag.get("content")
            if isinstance(name, str) and isinstance(content, str):
                tags.append({"name": name, "content": content})
    return tags


def _opengraph(items: list[Any]) -> dict[str, str]:
    props: dict[str, str] = {}
    for item in items:
        if isinstance(item, dict):
            for key, value in item.items():
                if key.startswith("og:") and isinstance(value, str):
                    props.setdefault(key, value)
    return props


def _lang(document: lxml.html.HtmlElement) -> str | None:
    value = (document.get("lang") or document.get("{http://www.w3.org/XML/1998/namespace}lang")
             or "").strip()
    if value:
        return value
    for meta in document.iterfind(".//meta"):
        key = (meta.get("http-equiv") or meta.get("name") or "").strip().lower()
        if key in ("content-language", "language") and (meta.get("content") or "").strip():
            return meta.get("content").strip()
    return None


def _title(document: lxml.html.HtmlElement) -> str | None:
    node = document.find(".//title")
    text = " ".join((node.text_content() if node is not None else "").split())
    return text or None


def _canonical(document: lxml.html.HtmlElement, base: str) -> str | None:
    for link in document.iterfind(".//link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return urljoin(base, link.get("href").strip())
    return None


def _licence_links(document: lxml.html.HtmlElement, base: str) -> tuple[list[str], list[str]]:
    """``rel="license"`` hrefs, then other CC deed links and badge images, resolved, deduplicated."""
    licensed: list[str] = []
    badges: list[str] = []
    for element in document.iter("a", "link", "img"):
        ref = element.get("src") if element.tag == "img" else element.get("href")
        if not ref or not ref.strip():
            continue
        ref = urljoin(base, ref.strip())
        if "license" in (element.get("rel") or "").lower().split():
            if ref not in licensed:
                licensed.append(ref)
        elif is_cc_licence_url(ref) and ref not in badges:
            badges.append(ref)
    return licensed, [b for b in badges if b not in licensed]
